/**
 * Who a process is, beyond its pid: a pid is reused after its process dies (quickly in containers
 * and after a reboot), and a dead process nobody has reaped yet (a zombie) still answers
 * `kill(pid, 0)`. So an identity records the pid with the process's start time (field 22 of
 * /proc/PID/stat, in clock ticks since boot) and the boot id; a recorded process is alive only if
 * a process with that pid exists, is not a zombie, started at that time, in this boot.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  readonly pid: number;
  readonly host: string;
  /** Start time in clock ticks since boot (Linux /proc); absent where there is no /proc. */
  readonly startTime?: string | undefined;
  /** /proc/sys/kernel/random/boot_id (Linux); absent elsewhere. */
  readonly bootId?: string | undefined;
}

/** What /proc says of a pid: undefined when /proc has no such process (or no /proc at all). */
export interface ProcStat {
  /** R, S, D, Z (zombie), X (dead), T, ... */
  readonly state: string;
  readonly startTime: string;
}

/** The reads a judgment needs; tests pass their own. */
export interface ProcessTable {
  readonly hasProc: boolean;
  stat(pid: number): ProcStat | undefined;
  bootId(): string | undefined;
  /** kill(pid, 0) where there is no /proc: true unless the pid does not exist. */
  exists(pid: number): boolean;
}

/** Parses /proc/PID/stat: `pid (comm) state ppid ...`; comm may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // Field 3 (state) is fields[0]; field 22 (starttime) is fields[19].
  const state = fields[0];
  const startTime = fields[19];
  return state && startTime ? { state, startTime } : undefined;
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export const liveProcessTable: ProcessTable = {
  hasProc: readText('/proc/self/stat') !== undefined,
  stat: (pid) => {
    const text = readText(`/proc/${pid}/stat`);
    return text === undefined ? undefined : parseProcStat(text);
  },
  bootId: () => readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined,
  exists: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

export function selfIdentity(table: ProcessTable = liveProcessTable): ProcessIdentity {
  return {
    pid: process.pid,
    host: hostname(),
    startTime: table.stat(process.pid)?.startTime,
    bootId: table.bootId(),
  };
}

export type Liveness =
  | { readonly alive: true }
  | { readonly alive: false; readonly why: string }
  /** Another host: nothing here can tell. */
  | { readonly alive: undefined };

/** Whether the process an identity names is still that process, judged from this host. */
export function judgeProcess(
  owner: ProcessIdentity,
  table: ProcessTable = liveProcessTable,
  host: string = hostname(),
): Liveness {
  if (owner.host !== host) return { alive: undefined };
  const bootId = table.bootId();
  if (owner.bootId && bootId && owner.bootId !== bootId) return { alive: false, why: 'the machine rebooted since' };
  if (!table.hasProc)
    return table.exists(owner.pid) ? { alive: true } : { alive: false, why: `pid ${owner.pid} is gone` };
  const stat = table.stat(owner.pid);
  if (!stat) return { alive: false, why: `pid ${owner.pid} is gone` };
  if (stat.state === 'Z' || stat.state === 'X')
    return { alive: false, why: `pid ${owner.pid} is dead (a zombie nobody has reaped yet)` };
  if (owner.startTime && stat.startTime !== owner.startTime)
    return { alive: false, why: `pid ${owner.pid} now belongs to another process (it started at another time)` };
  return { alive: true };
}
