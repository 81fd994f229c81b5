import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { judgeProcess, liveProcessTable, parseProcStat, type ProcessTable, selfIdentity } from './process-identity.js';
import { type Lock, type LockMechanism, LockedError, type LockOwner, waitForLock } from './run-lock.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'clari-dp-lock-'));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Reads one line from a child's stdout. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/**
 * A process that takes the lock with this module and then is SIGKILLed without being reaped: its
 * parent `sh` execs `sleep`, which never waits for children, so the dead holder stays a zombie.
 */
async function zombieHolder(lockDir: string): Promise<number> {
  const script = `import { acquireLock } from ${JSON.stringify(join(import.meta.dirname, 'run-lock.ts'))}; acquireLock(${JSON.stringify(lockDir)}, 'run', Date.now); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
  const shell = spawn(
    'sh',
    ['-c', `${JSON.stringify(process.execPath)} --import tsx -e "$SCRIPT" & echo $!; exec sleep 60`],
    { env: { ...process.env, SCRIPT: script }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(shell);
  let out = '';
  const pid = await new Promise<number>((resolve) => {
    shell.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\n[\s\S]*locked\n/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  process.kill(pid, 'SIGKILL');
  // Dead at once; reaped never (until the test kills the sleeping parent). The thread-group leader
  // shows Z while Node's other threads are still exiting, and the descriptor table (with the lock)
  // is closed by the last of them: wait until only the leader is left in /proc/PID/task.
  while (liveProcessTable.stat(pid)?.state !== 'Z' || threads(pid) > 1) await new Promise((r) => setImmediate(r));
  return pid;
}

function threads(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}

const unrelatedLiveProcess = async (): Promise<number> => {
  const child = spawn('sh', ['-c', 'echo ready; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await firstLine(child);
  return child.pid!;
};

const owner = (fields: Partial<LockOwner>): LockOwner => ({
  pid: 1,
  host: hostname(),
  since: '2026-01-01T00:00:00.000Z',
  command: 'run',
  ...fields,
});

describe.each(['flock', 'pidfile'] as LockMechanism[])('run lock (%s)', (mechanism) => {
  const take = (d: string): Promise<Lock> =>
    waitForLock(d, { command: 'run', clock: new FakeClock(), waitMs: 0, mechanism });

  it('is exclusive while its owner lives, names it, and is released by it', async () => {
    const d = dir();
    const lock = await take(d);
    expect(JSON.parse(readFileSync(join(d, 'run.lock'), 'utf8'))).toMatchObject(selfIdentity());
    await expect(take(d)).rejects.toThrow(/Another clari-dp run \(pid \d+ on .+, since .+\) is using .*run\.lock/);
    lock.release();
    expect(existsSync(join(d, 'run.lock'))).toBe(false);
    (await take(d)).release();
  });

  it('takes over a lock whose pid now belongs to a live unrelated process', async () => {
    const d = dir();
    const pid = await unrelatedLiveProcess();
    expect(liveProcessTable.stat(pid)?.state).not.toBe('Z');
    writeFileSync(
      join(d, 'run.lock'),
      JSON.stringify(owner({ pid, startTime: '1', bootId: liveProcessTable.bootId() })),
    );
    const lock = await take(d);
    expect(JSON.parse(readFileSync(join(d, 'run.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over a lock left by a killed owner that is still an unreaped zombie', async () => {
    const d = dir();
    const pid = await zombieHolder(d);
    expect(liveProcessTable.stat(pid)?.state).toBe('Z');
    expect(JSON.parse(readFileSync(join(d, 'run.lock'), 'utf8'))).toMatchObject({ pid });
    const lock = await take(d);
    expect(JSON.parse(readFileSync(join(d, 'run.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  }, 20_000);

  it('waits for a live holder, saying who it is, and gets the lock when the holder lets go', async () => {
    const d = dir();
    const clock = new FakeClock();
    const holder = await take(d);
    const told: (LockOwner | undefined)[] = [];
    const waiting = waitForLock(d, { command: 'run', clock, waitMs: 60_000, mechanism, onWait: (o) => told.push(o) });
    await clock.advance(5_000);
    expect(told).toEqual([expect.objectContaining({ pid: process.pid, command: 'run' })]);
    holder.release();
    await clock.advance(200);
    (await waiting).release();
  });

  it('gives up after the wait with the documented error', async () => {
    const d = dir();
    const clock = new FakeClock();
    const holder = await take(d);
    const waiting = waitForLock(d, { command: 'backfill', clock, waitMs: 90_000, mechanism });
    const outcome = waiting.catch((error: unknown) => error);
    await clock.advance(90_000);
    const error = (await outcome) as LockedError;
    expect(error).toBeInstanceOf(LockedError);
    expect(error.code).toBe('run.locked');
    expect(error.message).toMatch(
      /Another clari-dp run \(pid \d+ on .+\) is using .*run\.lock; waited 1m30s \(--lock-wait\)/,
    );
    holder.release();
  });
});

describe('the pid file without flock', () => {
  it('never takes over a lock from another host, nor one being written or taken over', async () => {
    const d = dir();
    const opts = { command: 'run', clock: new FakeClock(Date.now()), waitMs: 0, mechanism: 'pidfile' as const };
    writeFileSync(join(d, 'run.lock'), JSON.stringify(owner({ host: 'worker-elsewhere', command: 'schedule' })));
    await expect(waitForLock(d, opts)).rejects.toThrow(/Another clari-dp schedule \(pid 1 on worker-elsewhere/);
    // An empty file: its owner is between creating and writing it.
    writeFileSync(join(d, 'run.lock'), '');
    await expect(waitForLock(d, opts)).rejects.toThrow(/Another clari-dp process is taking .*run\.lock right now/);
  });
});

describe('judging a recorded process', () => {
  const table = (stat: ProcessTable['stat'], bootId = 'boot-a'): ProcessTable => ({
    hasProc: true,
    stat,
    bootId: () => bootId,
    exists: () => true,
  });
  const me = { pid: 42, host: hostname(), startTime: '1000', bootId: 'boot-a' };

  it('reads state and start time from /proc/PID/stat, whatever the command name holds', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'Z';
    expect(parseProcStat(`42 (node ) (x) y) ${fields.join(' ')}`)).toEqual({ state: 'Z', startTime: '22' });
    expect(parseProcStat(readFileSync('/proc/self/stat', 'utf8'))?.state).toBe('R');
  });

  it('is alive only as the same process, not a zombie, in the same boot', () => {
    expect(
      judgeProcess(
        me,
        table(() => ({ state: 'S', startTime: '1000' })),
      ),
    ).toEqual({ alive: true });
    expect(
      judgeProcess(
        me,
        table(() => undefined),
      ),
    ).toMatchObject({ alive: false, why: 'pid 42 is gone' });
    expect(
      judgeProcess(
        me,
        table(() => ({ state: 'Z', startTime: '1000' })),
      ),
    ).toMatchObject({
      alive: false,
      why: expect.stringContaining('zombie'),
    });
    expect(
      judgeProcess(
        me,
        table(() => ({ state: 'S', startTime: '2000' })),
      ),
    ).toMatchObject({
      alive: false,
      why: expect.stringContaining('another process'),
    });
    expect(
      judgeProcess(
        me,
        table(() => ({ state: 'S', startTime: '1000' }), 'boot-b'),
      ),
    ).toMatchObject({
      alive: false,
      why: 'the machine rebooted since',
    });
    expect(
      judgeProcess(
        { ...me, host: 'elsewhere' },
        table(() => undefined),
      ),
    ).toEqual({ alive: undefined });
  });
});
