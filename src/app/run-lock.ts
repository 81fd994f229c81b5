/**
 * One run at a time per data dir, with a lock the operating system releases when its owner dies.
 *
 * The lock is an advisory `flock` on `<dir>/run.lock`, held by an open file description of the
 * owning process. Node has no flock in core, and a lock held by a helper process would outlive a
 * killed parent, so the helper only takes it: `flock -x -n 3` runs with our descriptor as its fd 3,
 * locks the open file description it shares with us, and exits. flock locks belong to the open
 * file description, not to the process that asked (flock(2)), so the lock stays ours until our
 * descriptor closes, which the kernel does when the process exits in any way: SIGKILL, OOM kill,
 * crash. A killed run's lock is free before its process is even reaped (a zombie holds no files),
 * and a pid reused by another process holds nothing.
 *
 * The file also says who holds it (pid, host, start time, boot id, command), for the message a
 * waiting run prints. Where there is no flock(1) (macOS without util-linux), the file itself is the
 * lock: created exclusively, and taken over once its owner is judged dead (gone, a zombie, another
 * process with the same pid, another boot; process-identity.ts) under a short takeover lock.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { AppError, type Clock, formatDuration } from '../core/index.js';
import {
  judgeProcess,
  liveProcessTable,
  type ProcessIdentity,
  type ProcessTable,
  selfIdentity,
} from './process-identity.js';

export interface LockOwner extends ProcessIdentity {
  readonly since: string;
  readonly command: string;
}

export class LockedError extends AppError {
  constructor(
    readonly owner: LockOwner | undefined,
    path: string,
    waitedMs = 0,
  ) {
    const waited = waitedMs > 0 ? `; waited ${formatDuration(waitedMs)} (--lock-wait)` : '';
    super(
      owner
        ? `Another clari-dp ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.since}) is using ${path}${waited}`
        : `Another clari-dp process is taking ${path} right now${waited}`,
      {
        code: 'run.locked',
        kind: 'transient',
        hint: 'Wait for it to finish (runs never overlap on one data dir), or give the next run a longer --lock-wait. A lock whose process died is free by itself; only a holder on another host that is gone for good needs the file deleted.',
        details: { owner },
      },
    );
  }
}

export interface Lock {
  readonly path: string;
  release(): void;
}

export type LockMechanism = 'flock' | 'pidfile';

export interface LockOptions {
  /** The command named in the lock file, e.g. `run`. */
  readonly command: string;
  readonly clock: Pick<Clock, 'now'>;
  /** Default: flock where flock(1) exists, else the pid file. */
  readonly mechanism?: LockMechanism | undefined;
  readonly processes?: ProcessTable | undefined;
  /** The lock file's name in the directory. Default `run.lock`. */
  readonly file?: string | undefined;
}

export interface WaitOptions extends LockOptions {
  readonly clock: Clock;
  /** How long to wait for the holder to finish, ms; 0 gives up at once. */
  readonly waitMs: number;
  /** Told once per holder that this process waits for it, and until when. */
  readonly onWait?: ((owner: LockOwner | undefined, path: string, waitMs: number) => void) | undefined;
  /** Ends the wait early: the sleep rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/** Between two looks at a held lock, ms. */
const POLL_MS = 200;

/** Takes the lock at once or throws LockedError. Sync, for maintenance commands that never wait. */
export function acquireLock(dir: string, command: string, now: () => number): Lock {
  const path = lockPath(dir);
  const got = tryLock(path, { command, clock: { now } });
  if ('owner' in got) throw new LockedError(got.owner, path);
  return got;
}

/** Takes the lock, waiting up to `waitMs` for a live holder to let go; then LockedError. */
export async function waitForLock(dir: string, options: WaitOptions): Promise<Lock> {
  const path = lockPath(dir, options.file);
  const { clock } = options;
  const until = clock.now() + Math.max(0, options.waitMs);
  let announced: string | undefined;
  for (;;) {
    const got = tryLock(path, options);
    if (!('owner' in got)) return got;
    const left = until - clock.now();
    if (left <= 0) throw new LockedError(got.owner, path, options.waitMs);
    const who = got.owner ? `${got.owner.host}:${got.owner.pid}:${got.owner.since}` : '?';
    if (who !== announced) {
      announced = who;
      options.onWait?.(got.owner, path, left);
    }
    await clock.sleep(Math.min(POLL_MS, left), options.signal);
  }
}

function lockPath(dir: string, file = 'run.lock'): string {
  mkdirSync(dir, { recursive: true });
  return join(dir, file);
}

type Attempt = Lock | { readonly owner: LockOwner | undefined };

let flockMissing = false;

function tryLock(path: string, options: LockOptions): Attempt {
  const processes = options.processes ?? liveProcessTable;
  const me: LockOwner = {
    ...selfIdentity(processes),
    since: new Date(options.clock.now()).toISOString(),
    command: options.command,
  };
  const mechanism = options.mechanism ?? (flockMissing ? 'pidfile' : 'flock');
  if (mechanism === 'flock') {
    const got = tryFlock(path, me, processes);
    if (got !== 'no-flock') return got;
    flockMissing = true;
  }
  return tryPidFile(path, me, processes, options.clock.now);
}

/** flock on an open file description of ours; 'no-flock' when flock(1) is not installed. */
function tryFlock(path: string, me: LockOwner, processes: ProcessTable): Attempt | 'no-flock' {
  for (let attempt = 0; attempt < 5; attempt++) {
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    let held = false;
    try {
      const result = spawnSync('flock', ['-x', '-n', '3'], {
        stdio: ['ignore', 'ignore', 'pipe', fd],
        timeout: 10_000,
      });
      if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'no-flock';
      if (result.error) throw result.error;
      const stderr = result.stderr.toString().trim();
      // util-linux and busybox flock both exit 1, silently, when another description holds it.
      if (result.status === 1 && stderr === '') {
        const owner = readOwner(path);
        // A live holder whose own record is not written yet still shows the dead one's before it.
        return { owner: owner && judgeProcess(owner, processes).alive === false ? undefined : owner };
      }
      if (result.status !== 0) throw new Error(`flock exited ${result.status ?? result.signal}: ${stderr}`);
      // Locked; but the file may have been released and unlinked by its last owner in between,
      // and a lock on an unlinked file excludes nobody: look again at the path.
      if (!sameFile(fd, path)) continue;
      ftruncateSync(fd, 0);
      writeSync(fd, JSON.stringify(me), 0);
      held = true;
      return {
        path,
        release: () => {
          // Unlinked while still locked, so the next owner always locks a file that is at the path.
          if (sameFile(fd, path)) rmSync(path, { force: true });
          closeSync(fd);
        },
      };
    } finally {
      if (!held) closeSync(fd);
    }
  }
  return { owner: readOwner(path) };
}

function sameFile(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd);
    const named = statSync(path);
    return open.ino === named.ino && open.dev === named.dev;
  } catch {
    return false;
  }
}

/** A lock file younger than this that cannot be read is being written by its owner, not abandoned. */
const WRITING_GRACE_MS = 5_000;
/** A takeover takes microseconds; a takeover lock older than this was left by a process that died. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * The file is the lock. Taking over a dead owner's happens under a second, short-lived lock
 * (`<path>.takeover`) and only if the file still holds what was judged dead: two processes that
 * both find a dead owner's lock cannot delete each other's fresh one and run together.
 */
function tryPidFile(path: string, me: LockOwner, processes: ProcessTable, now: () => number): Attempt {
  for (let attempt = 0; attempt < 4; attempt++) {
    if (create(path, me)) return { path, release: () => releasePidFile(path, me) };
    const raw = readRaw(path);
    if (raw === undefined) continue; // released in between: try again
    const owner = parseOwner(raw);
    if (owner && judgeProcess(owner, processes).alive !== false) return { owner };
    if (!owner && ageMs(path, now) < WRITING_GRACE_MS) return { owner: undefined };
    takeOver(path, raw, now);
  }
  // Still not ours after a few rounds: another process is in the middle of taking it over.
  const owner = readOwner(path);
  return { owner: owner && judgeProcess(owner, processes).alive !== false ? owner : undefined };
}

function releasePidFile(path: string, me: LockOwner): void {
  const owner = readOwner(path);
  if (owner?.pid === me.pid && owner.host === me.host && owner.since === me.since) rmSync(path, { force: true });
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

function readOwner(path: string): LockOwner | undefined {
  return parseOwner(readRaw(path));
}

function parseOwner(raw: string | undefined): LockOwner | undefined {
  if (!raw) return undefined;
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
