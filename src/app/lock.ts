/**
 * One run at a time per data dir: a lock file created exclusively, holding the owner's pid and host.
 * A lock whose process is gone (crashed, killed) is taken over, so a crash never blocks the next run.
 * Taking over happens under a second, short-lived lock (`run.lock.takeover`) and only if the file
 * still holds what was judged stale: two processes that both find a dead owner's lock cannot delete
 * each other's fresh one and run together.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../core/index.js';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly command: string;
}

export class LockedError extends AppError {
  constructor(
    readonly owner: LockOwner | undefined,
    path: string,
  ) {
    super(
      owner
        ? `Another clari-dp ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.since}) is using ${path}`
        : `Another clari-dp process is taking ${path} right now`,
      {
        code: 'run.locked',
        kind: 'transient',
        hint: 'Wait for it to finish (runs never overlap on one data dir); if that process is gone from another host, delete the lock file.',
      },
    );
  }
}

export interface Lock {
  release(): void;
}

/** A lock file younger than this that cannot be read is being written by its owner, not abandoned. */
const WRITING_GRACE_MS = 5_000;
/** A takeover takes microseconds; a takeover lock older than this was left by a process that died. */
const TAKEOVER_STALE_MS = 10_000;

export function acquireLock(dataDir: string, command: string, now: () => number): Lock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'run.lock');
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date(now()).toISOString(), command };
  for (let attempt = 0; attempt < 4; attempt++) {
    if (create(path, me)) {
      return {
        release: () => {
          const owner = parseOwner(readRaw(path));
          if (owner?.pid === me.pid && owner.host === me.host) rmSync(path, { force: true });
        },
      };
    }
    const raw = readRaw(path);
    if (raw === undefined) continue; // released in between: try again
    const owner = parseOwner(raw);
    if (owner && (owner.host !== me.host || alive(owner.pid))) throw new LockedError(owner, path);
    if (!owner && ageMs(path, now) < WRITING_GRACE_MS) throw new LockedError(undefined, path);
    // Its process died on this host (or it was left unreadable long ago): take it over.
    takeOver(path, raw, now);
  }
  // Still not ours after a few rounds: another process is in the middle of taking it over.
  const owner = parseOwner(readRaw(path));
  throw new LockedError(owner && (owner.host !== me.host || alive(owner.pid)) ? owner : undefined, path);
}

function create(path: string, me: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes the lock file if it still holds `stale`, under the takeover lock. */
function takeOver(path: string, stale: string, now: () => number): void {
  const mutex = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(mutex, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (ageMs(mutex, now) > TAKEOVER_STALE_MS) rmSync(mutex, { force: true });
    return; // someone else is taking it over: look again
  }
  try {
    if (readRaw(path) === stale) rmSync(path, { force: true });
  } finally {
    closeSync(fd);
    rmSync(mutex, { force: true });
  }
}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseOwner(raw: string | undefined): LockOwner | undefined {
  if (raw === undefined) return undefined;
  try {
    const owner = JSON.parse(raw) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(path: string, now: () => number): number {
  try {
    return now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
