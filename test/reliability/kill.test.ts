/**
 * A killed run never blocks, fails or hangs the next one. The real CLI is started as users,
 * cron and Airflow start it, `npx clari-dp run` in its own session and process group; the whole
 * group is SIGKILLed at moments spread over the run (stratified random offsets over its measured
 * duration, from npx's start-up to after the run's end, not only at named checkpoints), by a
 * parent that never reaps what it kills (test/support/no-reap.py), so the dead run, whose pid is in
 * the data dir's lock file, is a zombie when the next run starts. The next run starts at once, in
 * the same way, and must exit 0 with the warehouse of an uninterrupted run (every data table,
 * row counts and sums, no duplicate key), having spent at most 2 exports more per kill (the
 * simulator's count). The figures are printed for docs/reliability.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { NoReapParent } from '../support/no-reap.js';
import { API_KEY, cliEnv, dataState, duplicateKeys, tempDir, writeRunConfig } from '../support/reliability.js';
import { simStats, startTestSim } from '../support/sim.js';

const DAY = '2026-11-23';
const KILLS = 20;
/** Of them, killed while npx and node start, before the run takes its lock. */
const EARLY = 3;
const ROOT = join(import.meta.dirname, '..', '..');

let sim: RunningSimulator;
let parent: NoReapParent;
/**
 * A small tenant with short jobs, new for every scenario: exports are counted exactly, and no run
 * can adopt a job another scenario created (the job list is the tenant's).
 */
const freshSim = async (): Promise<void> => {
  await sim?.close();
  sim = await startTestSim({ asOf: DAY, users: 10, forecasts: 2, jobDurationMs: 100, apiKey: API_KEY, seed: 13 });
};
beforeAll(() => {
  parent = new NoReapParent();
});
afterAll(async () => {
  await parent.close();
  await sim.close();
});

interface Outcome {
  readonly state: Record<string, string[]>;
  readonly totals: unknown;
  readonly duplicates: Record<string, number>;
}

async function outcome(url: string): Promise<Outcome> {
  const wh = await openWarehouse(url);
  try {
    return {
      state: await dataState(wh),
      totals: await wh.query(
        'SELECT count(*) AS n, sum(forecast_value) AS forecast, sum(quota_value) AS quota FROM clari_forecast_entries',
      ),
      duplicates: await duplicateKeys(wh),
    };
  } finally {
    await wh.close();
  }
}

/** `npx clari-dp run` for a fresh data dir and DuckDB file, through the no-reap parent. */
function runIn(dir: string): { start: (name: string) => Promise<number>; url: string } {
  const url = `duckdb:${join(dir, 'wh.duckdb')}`;
  const env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    ...cliEnv(sim, url, join(dir, 'data'), { CLARI_DP_FORECASTS: 'net_new_arr,renewals' }),
  };
  const argv = [
    'npx',
    'clari-dp',
    'run',
    '--json',
    '--log-level',
    'info',
    '--as-of',
    DAY,
    '--config',
    join(dir, 'clari-dp.yaml'),
  ];
  return {
    url,
    start: (name) =>
      parent.start(argv, {
        env,
        cwd: ROOT,
        stdout: join(dir, `${name}.out`),
        stderr: join(dir, `${name}.err`),
      }),
  };
}

/** npm's npx cache locks (`<cache>/_npx/<hash>/concurrency.lock`) present now. */
function npxLocks(): string[] {
  const root = join(process.env.npm_config_cache ?? join(process.env.HOME!, '.npm'), '_npx');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((hash) => join(root, hash, 'concurrency.lock'))
    .filter((lock) => existsSync(lock));
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `file` is created in `dir` (the run taking its lock: the clari-dp process is up). */
function created(dir: string, file: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  return new Promise((resolve) => {
    const watcher = watch(dir, (_event, name) => {
      if (name !== file) return;
      watcher.close();
      resolve();
    });
  });
}

describe('SIGKILL of the whole `npx clari-dp run` process group, then the next run at once', () => {
  let baseline: Outcome;
  /** From `npx` to the run's lock, and from there to the end, in the uninterrupted run. */
  let startupMs = Infinity;
  let lockedMs = Infinity;

  it('an uninterrupted run (the reference, and the duration the kills spread over)', async () => {
    // Twice, each on a fresh tenant and data dir: both must give the same warehouse, and the shorter
    // durations are what the kills spread over (the other test file running beside this one can slow
    // either run, and offsets past a run's real end would only kill finished runs).
    for (let attempt = 0; attempt < 2; attempt++) {
      await freshSim();
      const dir = tempDir(`kill-baseline-${attempt}`);
      writeRunConfig(dir);
      const run = runIn(dir);
      const before = (await simStats(sim)).exportsCreated;
      const locked = created(join(dir, 'data'), 'run.lock');
      const started = Date.now();
      const pid = await run.start('run');
      await locked;
      const startup = Date.now() - started;
      const code = await parent.wait(pid);
      const lockedFor = Date.now() - started - startup;
      expect(code, readFileSync(join(dir, 'run.err'), 'utf8')).toBe(0);
      expect((await simStats(sim)).exportsCreated - before).toBe(4);
      const result = await outcome(run.url);
      expect(result.state.clari_forecast_entries!.length).toBeGreaterThan(0);
      expect(Object.values(result.duplicates).every((n) => n === 0)).toBe(true);
      if (attempt > 0) expect(result).toEqual(baseline);
      baseline = result;
      startupMs = Math.min(startupMs, startup);
      lockedMs = Math.min(lockedMs, lockedFor);
    }
  });

  it(`${KILLS} kills over the run: every next run exits 0, converges, spends at most 2 extra exports`, async () => {
    expect(baseline, 'the reference run must pass first').toBeDefined();
    const random = seededRandom(2026);
    // Offsets are from the run taking its lock (negative: before, while npx starts).
    const figures: {
      offsetMs: number;
      running: boolean;
      zombieHolder: boolean;
      extra: number;
      waited: boolean;
      killedExports: number;
      nextMs: number;
      npxLockLeft: boolean;
    }[] = [];
    for (let i = 0; i < KILLS; i++) {
      // Stratified: EARLY moments over npx's start-up (from the start), the others one in each equal
      // slice of the run itself, from taking its lock to a little past its usual end.
      const early = i < EARLY;
      const offsetMs = Math.round(
        early
          ? ((i + random()) / EARLY) * startupMs * 0.9
          : ((i - EARLY + random()) / (KILLS - EARLY)) * lockedMs * 1.1,
      );
      await freshSim();
      const dir = tempDir(`kill-${i}`);
      writeRunConfig(dir);
      const run = runIn(dir);
      const before = (await simStats(sim)).exportsCreated;
      const locked = created(join(dir, 'data'), 'run.lock');
      const killed = await run.start('killed');
      if (!early) await locked;
      // The kill moment is this test's input, not a guess about timing: any moment must be survivable.
      await wait(offsetMs);
      const running = (await parent.state(killed)) !== 'Z'; // still running when the kill came
      const members = await parent.killGroup(killed);
      const killedExports = (await simStats(sim)).exportsCreated - before;
      // The pid the killed run wrote into the data dir's lock, and what it is now: a zombie of ours.
      let holder: number | undefined;
      try {
        holder = (JSON.parse(readFileSync(join(dir, 'data', 'run.lock'), 'utf8')) as { pid: number }).pid;
      } catch {
        holder = undefined; // killed before it took the lock, or after it released it
      }
      const zombieHolder =
        holder !== undefined && members.some((m) => m.pid === holder && m.state === 'Z' && m.ppid === parent.pid);

      // npm's own lock (`npx` of a package's own bin installs it into npm's npx cache under a mkdir
      // lock that only goes stale after 60 s): a kill while npx holds it makes the next npx wait.
      const npxLockLeft = npxLocks().length > 0;

      // At once: no sleep, the dead run unreaped.
      const nextStarted = Date.now();
      const code = await parent.wait(await run.start('next'));
      const nextMs = Date.now() - nextStarted;
      const stderr = readFileSync(join(dir, 'next.err'), 'utf8');
      expect(code, `kill ${i} at ${offsetMs} ms: ${stderr}`).toBe(0);
      const extra = (await simStats(sim)).exportsCreated - before - 4;
      const waited = stderr.includes('waiting up to');
      figures.push({
        waited,
        offsetMs: early ? offsetMs - startupMs : offsetMs,
        running,
        zombieHolder,
        extra,
        killedExports,
        nextMs,
        npxLockLeft,
      });
      console.log(`kill ${i}: ${JSON.stringify({ dir, ...figures[i] })}`);

      const after = await outcome(run.url);
      expect(after.totals, `kill ${i} at ${offsetMs} ms`).toEqual(baseline.totals);
      expect(after.state, `kill ${i} at ${offsetMs} ms`).toEqual(baseline.state);
      expect(after.duplicates).toEqual(baseline.duplicates);
      expect(extra, `kill ${i} at ${offsetMs} ms`).toBeLessThanOrEqual(2);
    }
    const running = figures.filter((f) => f.running);
    const summary = {
      kills: figures.length,
      startupMs,
      runMs: lockedMs,
      offsetsMs: `${Math.min(...figures.map((f) => f.offsetMs))}-${Math.max(...figures.map((f) => f.offsetMs))}`,
      killedMidRun: running.length,
      killedAfterExportsStarted: running.filter((f) => f.killedExports > 0).length,
      zombieLockHolders: figures.filter((f) => f.zombieHolder).length,
      nextRunsThatWaited: figures.filter((f) => f.waited).length,
      extraExportsTotal: figures.reduce((n, f) => n + f.extra, 0),
      extraExportsMax: Math.max(...figures.map((f) => f.extra)),
      nextRunMsMax: Math.max(...figures.map((f) => f.nextMs)),
      nextRunsBehindNpxLock: figures.filter((f) => f.npxLockLeft).length,
      nextRunMsMaxWithoutNpxLock: Math.max(...figures.filter((f) => !f.npxLockLeft).map((f) => f.nextMs)),
      nextRunMsMedian: figures.map((f) => f.nextMs).sort((a, b) => a - b)[Math.floor(figures.length / 2)],
    };
    console.log(`kill test: ${JSON.stringify(summary)}`);
    // The kills spread over the whole run, and the dead runs really were unreaped zombies holding the lock's pid.
    // By design about 1 in 11 of the mid-run offsets falls past a run's usual end; the rest may too when
    // the machine is slower during the reference runs than during the kills, hence 70 %, not 90 %.
    expect(running.length).toBeGreaterThanOrEqual(KILLS * 0.7);
    expect(summary.killedAfterExportsStarted).toBeGreaterThanOrEqual(KILLS / 3);
    expect(summary.zombieLockHolders).toBeGreaterThanOrEqual(KILLS / 3);
    // No wait of clari-dp's own: a next run is slow only behind npm's npx lock (up to its 60 s).
    expect(summary.nextRunMsMaxWithoutNpxLock).toBeLessThan(30_000);
  }, 240_000);
});
