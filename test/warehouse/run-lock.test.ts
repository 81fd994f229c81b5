/**
 * The warehouse-level run lock on a real PostgreSQL server, from separate sessions as two runs on
 * two machines would hold them: the advisory lock (released with its session, also when the
 * holding process is SIGKILLed) and the lease with fencing that Snowflake and BigQuery use, whose
 * statements are the same on every engine (golden SQL: test/warehouse/golden/*.sql).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from '../../src/core/index.js';
import { leaseLock } from '../../src/warehouse/lease.js';
import { lockWarehouse, openWarehouse, type Warehouse, type WarehouseLockOptions } from '../../src/warehouse/index.js';
import { type TestWarehouse, testWarehouse } from '../support/warehouses.js';

let target: TestWarehouse;
const open: Warehouse[] = [];
beforeAll(async () => {
  target = await testWarehouse('postgres');
});
afterAll(async () => {
  for (const wh of open) await wh.close();
  await target.dispose();
});

async function session(): Promise<Warehouse> {
  const wh = await openWarehouse(target.url);
  open.push(wh);
  return wh;
}

const options = (label: string, extra: Partial<WarehouseLockOptions> = {}): WarehouseLockOptions => ({
  mode: 'auto',
  holder: { label, key: `key of ${label}` },
  clock: systemClock,
  waitMs: 0,
  leaseTtlMs: 60_000,
  openSession: session,
  ...extra,
});

describe('PostgreSQL advisory lock', () => {
  it('one session at a time; the other names the holder, and waits for it when asked', async () => {
    const a = await lockWarehouse(await session(), options('clari-dp run pid 1 on host-a'));
    expect(a.kind).toBe('advisory lock');
    const b = await session();
    await expect(lockWarehouse(b, options('clari-dp run pid 2 on host-b'))).rejects.toThrow(
      /Another clari-dp run holds postgres:.* \(session \d+, "clari-dp run pid 1 on host-a" from 127\.0\.0\.1, connected since .+\)/,
    );
    // The holder lets go while the other waits: it gets the lock.
    const waiting = lockWarehouse(
      b,
      options('clari-dp run pid 2 on host-b', { waitMs: 20_000, onWait: () => void a.release() }),
    );
    const lock = await waiting;
    expect(lock.kind).toBe('advisory lock');
    await lock.release();
  });

  it('is released by the server when the holding process is killed', async () => {
    const script = `import { openWarehouse, lockWarehouse } from ${JSON.stringify(join(import.meta.dirname, '../../src/warehouse/index.ts'))};
      const wh = await openWarehouse(process.env.URL);
      await lockWarehouse(wh, { mode: 'auto', holder: { label: 'doomed run', key: 'k' }, clock: { now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, waitMs: 0, leaseTtlMs: 60000, openSession: () => openWarehouse(process.env.URL) });
      process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, URL: target.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.includes('locked') && resolve()));
    const wh = await session();
    await expect(lockWarehouse(wh, options('next run'))).rejects.toThrow(/"doomed run"/);
    child.kill('SIGKILL');
    // Without a wait that would be a race with the server noticing; with one, it is bounded.
    const lock = await lockWarehouse(wh, options('next run', { waitMs: 20_000 }));
    await lock.release();
  }, 30_000);

  it('bounds every statement by statement_timeout', async () => {
    const wh = await openWarehouse(target.url, { statementTimeoutMs: 300 });
    try {
      expect(await wh.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '300ms' }]);
      await expect(wh.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
    } finally {
      await wh.close();
    }
  });
});

describe('lease with fencing (Snowflake and BigQuery; run.warehouseLock: lease elsewhere)', () => {
  const write = (wh: Warehouse, label: string): Promise<void> =>
    wh.transaction((tx) => tx.exec('INSERT INTO lease_probe (who) VALUES ($1)', [label]));

  it('excludes, fences a run that lost it, and is taken over at once from the same data dir', async () => {
    const setup = await session();
    await setup.exec('CREATE TABLE IF NOT EXISTS lease_probe (who TEXT)');
    const clockA = new FakeClock(Date.UTC(2026, 10, 23, 6));
    const a = await leaseLock(await session(), options('run A', { mode: 'lease', clock: clockA }));
    expect(a.kind).toBe('lease (token 1)');
    await write(a.warehouse, 'A while it holds the lease');

    // Another data dir: refused while the lease lasts, named with its expiry.
    await expect(
      leaseLock(await session(), options('run B', { mode: 'lease', clock: new FakeClock(clockA.now() + 1000) })),
    ).rejects.toThrow(
      /Another clari-dp run holds postgres:.*\(lease "run" in clari_run_leases\) \(run A, lease until 2026-11-23T06:01:00\.000Z\)/,
    );

    // Past the expiry (A stalled) B takes it over; A's next commit is refused and rolled back.
    const b = await leaseLock(
      await session(),
      options('run B', { mode: 'lease', clock: new FakeClock(clockA.now() + 61_000) }),
    );
    expect(b.kind).toBe('lease (token 2)');
    await expect(write(a.warehouse, 'A after losing it')).rejects.toMatchObject({ code: 'run.fenced' });
    await write(b.warehouse, 'B');
    expect(await setup.query('SELECT who FROM lease_probe ORDER BY who')).toEqual([
      { who: 'A while it holds the lease' },
      { who: 'B' },
    ]);
    await a.release(); // releasing a lost lease leaves the new holder's alone
    // B's process dies without releasing; the next run from B's data dir takes over without waiting.
    const again = await leaseLock(
      await session(),
      options('run B, restarted', { mode: 'lease', holder: { label: 'run B, restarted', key: 'key of run B' } }),
    );
    expect(again.kind).toBe('lease (token 3)');
    await expect(write(b.warehouse, 'B after its restart took over')).rejects.toMatchObject({ code: 'run.fenced' });
    await again.release();
    await b.release();
    // Released: free for anyone.
    const c = await leaseLock(await session(), options('run C', { mode: 'lease' }));
    expect(c.kind).toBe('lease (token 4)');
    await c.release();
  });

  it('tells the holder when its renewal finds the lease taken', async () => {
    const clockA = new FakeClock(Date.UTC(2026, 10, 24, 6));
    let told!: (code: string) => void;
    const lost = new Promise<string>((resolve) => (told = resolve));
    const a = await leaseLock(
      await session(),
      options('run A2', { mode: 'lease', clock: clockA, onLost: (error) => told(error.code) }),
    );
    const b = await leaseLock(
      await session(),
      options('run B2', { mode: 'lease', clock: new FakeClock(clockA.now() + 61_000) }),
    );
    await clockA.advance(20_001); // a third of the lease: A renews, and finds B's token
    expect(await lost).toBe('run.fenced');
    await a.release();
    await b.release();
  });
});
