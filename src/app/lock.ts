/**
 * One run at a time per data dir: a lock file created exclusively, holding the owner's pid and host.
 * A lock whose process is gone (crashed, killed) is taken over, so a crash never blocks the next run.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
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
  constructor(readonly owner: LockOwner, path: string) {
    super(`Another clari-dp ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.since}) is using ${path}`, {
      code: 'run.locked',
      kind: 'transient',
      hint: 'Wait for it to finish (runs never overlap on one data dir); if that process is gone from another host, delete the lock file.',
    });
  }
}

export interface Lock {
  release(): void;
}

export function acquireLock(dataDir: string, command: string, now: () => number): Lock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'run.lock');
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date(now()).toISOString(), command };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return {
        release: () => {
          const owner = readOwner(path);
          if (owner?.pid === me.pid && owner.host === me.host) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner && owner.host === me.host && !alive(owner.pid)) {
        rmSync(path, { force: true }); // stale: its process died
        continue;
      }
      if (!owner) {
        rmSync(path, { force: true }); // unreadable: a crash while writing it
        continue;
      }
      throw new LockedError(owner, path);
    }
  }
  throw new LockedError(readOwner(path) ?? { pid: 0, host: '?', since: '?', command: '?' }, path);
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
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
