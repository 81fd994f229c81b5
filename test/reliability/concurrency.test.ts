/**
 * Concurrent runs: real CLI processes started together. On one data dir, exactly one works at a
 * time: the others wait for it (naming it) and then run from the landing it filled, or, with
 * `--lock-wait 0`, exit 1 at once with the documented message before touching Clari or the
 * warehouse; no export is ever created twice (the simulator's count). A lock left by a dead run,
 * or whose pid now belongs to an unrelated live process, is taken over. From two data dirs into
 * one PostgreSQL database, the warehouse's own lock keeps them apart the same way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import type { RunningSimulator } from '../../src/sim/index.js';
import { systemClock } from '../../src/core/index.js';
import { lockWarehouse, openWarehouse } from '../../src/warehouse/index.js';
import { type CliResult, runCli } from '../support/cli.js';
import { rawEntryMap, warehouseEntryMap } from '../support/reference.js';
import { API_KEY, cliEnv, ServedPayloads, tempDir, writeRunConfig } from '../support/reliability.js';
import { simStats, startTestSim } from '../support/sim.js';

const DAY = '2026-11-23';
const FORECASTS = ['net_new_arr', 'renewals'];

let sim: RunningSimulator;
let served: ServedPayloads;
const children: ChildProcess[] = [];
beforeAll(async () => {
  // Jobs take a second and a half, so a run is still going when the others start.
  sim = await startTestSim({ asOf: DAY, users: 30, forecasts: 2, jobDurationMs: 1500, apiKey: API_KEY });
  served = new ServedPayloads(sim);
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function envFor(dir: string, warehouse = `duckdb:${join(dir, 'wh.duckdb')}`): Record<string, string> {
  return cliEnv(sim, warehouse, join(dir, 'data'), { CLARI_DP_FORECASTS: FORECASTS.join(',') });
}

async function together(
  n: number,
  dir: string,
  extra: string[] = [],
): Promise<{ results: CliResult[]; created: number }> {
  writeRunConfig(dir);
  const before = (await simStats(sim)).exportsCreated;
  const results = await Promise.all(
    Array.from({ length: n }, () => runCli(['run', '--json', '--as-of', DAY, ...extra], envFor(dir), dir)),
  );
  return { results, created: (await simStats(sim)).exportsCreated - before };
}

const LOCKED = new RegExp(
  `Another clari-dp (run \\(pid \\d+ on ${hostname()}, since [^)]+\\) is using|process is taking) .*run\\.lock`,
);

async function expectLoadedOnce(dir: string, results: CliResult[], created: number, runs: number): Promise<void> {
  const all = results.map((r) => r.stdout + r.stderr).join('\n---\n');
  expect(
    results.filter((r) => r.code === 0),
    all,
  ).toHaveLength(runs);
  // One export per snapshot: the runs that waited found everything in the landing.
  expect(created).toBe(4);
  const wh = await openWarehouse(`duckdb:${join(dir, 'wh.duckdb')}`);
  try {
    expect(await wh.query('SELECT DISTINCT status FROM clari_sync_runs')).toEqual([{ status: 'success' }]);
    expect(await wh.query('SELECT count(*) AS n FROM clari_sync_runs')).toEqual([{ n: String(runs) }]);
    const first = results.find(
      (r) =>
        r.code === 0 && (JSON.parse(r.stdout) as { exports: { cached: boolean }[] }).exports.every((e) => !e.cached),
    );
    const summary = JSON.parse(first!.stdout) as {
      exports: { forecastId: string; timePeriod: string; jobId: string }[];
    };
    for (const e of summary.exports)
      expect(await warehouseEntryMap(wh, e.forecastId, e.timePeriod, DAY)).toEqual(
        rawEntryMap(served.doc(e.jobId).entries),
      );
  } finally {
    await wh.close();
  }
}

describe('runs started together on one data dir and warehouse', () => {
  it('one works, the other waits for it (naming it), then runs from the landing; no export twice', async () => {
    const dir = tempDir('together');
    const { results, created } = await together(2, dir);
    await expectLoadedOnce(dir, results, created, 2);
    const waited = results.filter((r) => /waiting up to \S+ \(--lock-wait\) for the clari-dp run using/.test(r.stderr));
    expect(waited).toHaveLength(1);
    expect(waited[0]!.stderr).toMatch(new RegExp(`\\(pid \\d+ on ${hostname()}, since [^)]+\\) to finish`));
  });

  it('with --lock-wait 0 the other exits 1 at once with run.locked, before calling Clari', async () => {
    const dir = tempDir('together-nowait');
    const { results, created } = await together(2, dir, ['--lock-wait', '0']);
    const ran = results.filter((r) => r.code === 0);
    expect(ran, results.map((r) => r.stdout + r.stderr).join('\n')).toHaveLength(1);
    const refused = results.find((r) => r.code !== 0)!;
    expect(refused.code).toBe(1);
    const error = JSON.parse(refused.stdout) as { code: string; error: string; hint: string };
    expect(error.code).toBe('run.locked');
    expect(error.error).toMatch(LOCKED);
    expect(error.hint).toContain('Wait for it to finish');
    expect(created).toBe(4);
  });

  it('a lock whose pid is dead, or now belongs to an unrelated live process, is taken over', async () => {
    const dir = tempDir('together-stale');
    const sleeper = spawn('sleep', ['60']);
    children.push(sleeper);
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    // A lock from an earlier boot of this host's processes: the pid is reused by `sleep`.
    writeFileSync(
      join(dataDir, 'run.lock'),
      JSON.stringify({
        pid: sleeper.pid,
        host: hostname(),
        since: '2026-11-22T06:00:00.000Z',
        command: 'run',
        startTime: '1',
      }),
    );
    const { results, created } = await together(3, dir);
    await expectLoadedOnce(dir, results, created, 3);
  });
});

describe('two data dirs, one PostgreSQL database', () => {
  it('one loads; the other waits for the warehouse lock or exits with run.locked; nothing loaded or exported twice', async () => {
    const admin = new pg.Client({ connectionString: inject('pgUrl') });
    const name = `clari_concurrency_${process.pid}`;
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = inject('pgUrl').replace(/\/[^/]*$/, `/${name}`);
    const [a, b] = [tempDir('pg-dir-a'), tempDir('pg-dir-b')];
    for (const dir of [a, b]) writeRunConfig(dir);
    const before = (await simStats(sim)).exportsCreated;
    const results = await Promise.all([
      runCli(['run', '--json', '--as-of', DAY, '--lock-wait', '0'], envFor(a, url), a),
      runCli(['run', '--json', '--as-of', DAY, '--lock-wait', '0'], envFor(b, url), b),
    ]);
    const all = results.map((r) => r.stdout + r.stderr).join('\n---\n');
    expect(
      results.filter((r) => r.code === 0),
      all,
    ).toHaveLength(1);
    const refused = results.find((r) => r.code !== 0)!;
    expect(refused.code, all).toBe(1);
    const error = JSON.parse(refused.stdout) as { code: string; error: string };
    expect(error.code).toBe('run.locked');
    expect(error.error).toMatch(
      new RegExp(
        `Another clari-dp run holds postgres:.*${name} \\(session \\d+, "clari-dp run pid \\d+ on ${hostname()}`,
      ),
    );
    expect((await simStats(sim)).exportsCreated - before).toBe(4);
    const wh = await openWarehouse(url);
    try {
      expect(await wh.query('SELECT status FROM clari_sync_runs')).toEqual([{ status: 'success' }]);
      expect(await wh.query('SELECT count(*) AS n FROM clari_snapshots')).toEqual([{ n: '4' }]);
      expect(await wh.query('SELECT count(DISTINCT job_id) AS n, count(*) AS m FROM clari_export_jobs')).toEqual([
        { n: '4', m: '4' },
      ]);
    } finally {
      await wh.close();
    }

    // A run that finds another run holding the warehouse, with time to wait: it says whom it waits
    // for, then runs once the holder lets go. The holder is this test (the same lock a run takes,
    // under a run's label), so the order does not hang on which process starts faster.
    const holder = await openWarehouse(url);
    const held = await lockWarehouse(holder, {
      mode: 'auto',
      holder: { label: `clari-dp run pid ${process.pid} on ${hostname()}`, key: 'concurrency test' },
      clock: systemClock,
      waitMs: 0,
      leaseTtlMs: 60_000,
      openSession: () => openWarehouse(url),
    });
    let sawWait!: () => void;
    const waited = new Promise<void>((resolve) => (sawWait = resolve));
    const second = runCli(['run', '--json', '--as-of', DAY, '--lock-wait', '2m'], envFor(b, url), b, (stderr) => {
      if (/waiting up to \S+ \(--lock-wait\) for the run holding postgres:.*clari-dp run pid/.test(stderr)) sawWait();
    });
    await waited;
    await held.release();
    await holder.close();
    const r2 = await second;
    expect(r2.code, r2.stderr).toBe(0);
    expect(JSON.parse(r2.stdout)).toMatchObject({ status: 'success' });
  });
});

describe('maintenance commands take the locks of a run', () => {
  /** A PostgreSQL session of the test holding the warehouse's run lock, as a run from another data dir would. */
  async function holdAdvisoryLock(url: string): Promise<pg.Client> {
    const holder = new pg.Client({ connectionString: url, application_name: 'clari-dp run pid 1 on elsewhere' });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock(793153, hashtext(current_schema()))'); // 0x0c1a41, run-locks.ts
    return holder;
  }

  it('migrate, retention and rebuild wait for a run holding the warehouse, or exit 1 with run.locked', async () => {
    const admin = new pg.Client({ connectionString: inject('pgUrl') });
    const name = `clari_maintenance_${process.pid}`;
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = inject('pgUrl').replace(/\/[^/]*$/, `/${name}`);
    const dir = tempDir('pg-maintenance');
    writeRunConfig(dir);
    const holder = await holdAdvisoryLock(url);
    try {
      for (const command of ['migrate', 'retention', 'rebuild']) {
        const refused = await runCli([command, '--json', '--lock-wait', '0'], envFor(dir, url), dir);
        expect(refused.code, refused.stdout + refused.stderr).toBe(1);
        const error = JSON.parse(refused.stdout) as { code: string; error: string };
        expect(error.code).toBe('run.locked');
        expect(error.error).toContain('clari-dp run pid 1 on elsewhere');
      }
      // With time to wait, it waits, then runs once the lock is free. It has found the lock taken
      // once its session (named in pg_stat_activity) has asked who holds it.
      const waiting = runCli(['rebuild', '--json', '--lock-wait', '2m'], envFor(dir, url), dir);
      for (;;) {
        const { rows } = await holder.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'clari-dp rebuild pid %' AND query LIKE '%FROM pg_locks%'",
        );
        if (rows[0]?.n !== '0') break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await holder.query('SELECT pg_advisory_unlock(793153, hashtext(current_schema()))');
      const rebuilt = await waiting;
      expect(rebuilt.code, rebuilt.stdout + rebuilt.stderr).toBe(0);
      expect(rebuilt.stderr).toMatch(/waiting up to \S+ \(--lock-wait\) for the run holding postgres:/);
    } finally {
      await holder.end();
    }
  });
});
