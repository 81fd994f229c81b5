import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { acquireLock } from './lock.js';

const deadPid = (): number =>
  Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
const now = (): number => Date.now();

describe('run lock', () => {
  it('is exclusive while its owner lives, and released by it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-lock-'));
    const lock = acquireLock(dir, 'run', now);
    expect(() => acquireLock(dir, 'run', now)).toThrow(
      /Another clari-dp run \(pid \d+ on .+, since .+\) is using .*run\.lock/,
    );
    lock.release();
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    acquireLock(dir, 'run', now).release();
  });

  it('takes over the lock of a process that died on this host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-lock-'));
    writeFileSync(
      join(dir, 'run.lock'),
      JSON.stringify({ pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'run' }),
    );
    const lock = acquireLock(dir, 'run', now);
    expect(JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(existsSync(join(dir, 'run.lock.takeover'))).toBe(false);
    lock.release();
  });

  it('never takes over while another process is taking it over, nor a lock still being written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-lock-'));
    // Another process judged the same stale lock and holds the takeover lock right now.
    writeFileSync(
      join(dir, 'run.lock'),
      JSON.stringify({ pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'run' }),
    );
    writeFileSync(join(dir, 'run.lock.takeover'), '');
    expect(() => acquireLock(dir, 'run', now)).toThrow(/Another clari-dp process is taking .*run\.lock right now/);
    // A takeover lock left by a process that died during the takeover is cleared after a while.
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'run.lock.takeover'), old, old);
    acquireLock(dir, 'run', now).release();

    // An empty lock file: its owner is between creating and writing it, unless it is old.
    writeFileSync(join(dir, 'run.lock'), '');
    expect(() => acquireLock(dir, 'run', now)).toThrow(/Another clari-dp process is taking .*run\.lock right now/);
    utimesSync(join(dir, 'run.lock'), old, old);
    acquireLock(dir, 'run', now).release();
  });

  it('does not take over a lock held from another host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-lock-'));
    writeFileSync(
      join(dir, 'run.lock'),
      JSON.stringify({
        pid: deadPid(),
        host: 'worker-elsewhere',
        since: '2026-01-01T00:00:00.000Z',
        command: 'schedule',
      }),
    );
    expect(() => acquireLock(dir, 'run', now)).toThrow(/Another clari-dp schedule \(pid \d+ on worker-elsewhere/);
  });
});
