/**
 * seed_table: the performance table of the clari-performance-tuning seed (shared/seeds/002),
 * reproduced on this project side by side in one run, each row as a ratio measured in this
 * process:
 *
 * | seed row | before | after |
 * | Sequential 4-period export | 4 exports one at a time | the same 4 in parallel at the tenant's cap (3) |
 * | Cache hit | an export through the API (POST, poll, download, land) | the planner's cache lookup in the landing |
 * | Full table reload | the period cleared and the next day's export loaded whole | the same export as the incremental (fingerprint-skipping SCD2) load |
 *
 * Exports run against the simulator over loopback HTTP with 5 s jobs (scaled by --scale); the
 * reload row uses the resync benchmark's export (1,040,000 entries, 10% changed the next day).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/core/index.js';
import { decodeResults, type FingerprintSet } from '../src/clari/index.js';
import { Landing, loadSnapshot, rebuildPeriod } from '../src/pipeline/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { testPipeline } from '../test/support/pipeline.js';
import { simStats, startTestSim } from '../test/support/sim.js';
import { changedEntries, entriesOf, shapeFor } from './lib/generate.js';
import { measure, median, note, report, scaleArg } from './lib/measure.js';
import { benchPipeline, FORECAST, PERIOD } from './lib/pipeline.js';

const PERIODS = 4;
const LIMIT = 3;
const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';

/** Four periods of one forecast exported at `maxConcurrency`; seconds and the jobs in flight at most. */
async function exportPeriods(jobMs: number, maxConcurrency: number | undefined): Promise<[number, number]> {
  const sim = await startTestSim({ users: 12, forecasts: 1, concurrencyLimit: LIMIT, jobDurationMs: jobMs });
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-seed-'));
  const wh = await openWarehouse(`duckdb:${join(dir, 'clari.duckdb')}`);
  try {
    const pipeline = testPipeline(sim, wh, { dataDir: join(dir, 'data') });
    const run = await measure(() =>
      pipeline.run(
        { asOf: DAY1, forecasts: [{ id: FORECAST }], periodCount: PERIODS },
        { pollIntervalMs: Math.max(10, jobMs / 20), jobTimeoutMs: jobMs * 20, maxConcurrency },
      ),
    );
    if (run.value.status !== 'success' || run.value.exports.length !== PERIODS)
      throw new Error(`export run: ${run.value.status}`);
    return [run.seconds, (await simStats(sim)).maxInFlight];
  } finally {
    await wh.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One export through the API, then the planner's lookup of the landed payload (median of many). */
async function cacheRow(jobMs: number): Promise<{ apiSeconds: number; lookupMs: number }> {
  const sim = await startTestSim({ users: 12, forecasts: 1, jobDurationMs: jobMs });
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-seed-'));
  const wh = await openWarehouse(`duckdb:${join(dir, 'clari.duckdb')}`);
  try {
    const pipeline = testPipeline(sim, wh, { dataDir: join(dir, 'data') });
    const plan = { asOf: DAY1, forecasts: [{ id: FORECAST }], periodCount: 1 };
    const api = await measure(() => pipeline.run(plan, { pollIntervalMs: Math.max(10, jobMs / 20) }));
    const task = api.value.exports[0]!;
    if (api.value.status !== 'success' || task.cached) throw new Error(`API run: ${api.value.status}`);
    const landed = pipeline.deps.landing.all()[0]!.manifest;
    const lookups: { seconds: number; peakMb: number }[] = [];
    for (let i = 0; i < 201; i++) {
      const started = performance.now();
      const hit = pipeline.deps.landing.findCached(FORECAST, task.timePeriod, DAY1, landed.fingerprint, 3_600_000);
      lookups.push({ seconds: (performance.now() - started) / 1000, peakMb: 0 });
      if (!hit) throw new Error('the landed export is not found in the cache');
    }
    return { apiSeconds: api.seconds, lookupMs: median(lookups).seconds * 1000 };
  } finally {
    await wh.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The next day's export onto a warehouse holding the first, both as loads alone (no run around
 * them): incrementally (the fingerprint-skipping SCD2 load a daily run does) in one warehouse, and
 * as a full reload (the period cleared, the export loaded whole: `rebuildPeriod` over a landing
 * holding only that export) in another.
 */
async function reloadRow(scale: number): Promise<{ full: number; incremental: number; entries: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-seed-'));
  try {
    const day1 = shapeFor(scale, 0);
    const day2 = shapeFor(scale, 1);
    const both = await benchPipeline(`duckdb:${join(dir, 'incremental.duckdb')}`, { dataDir: join(dir, 'both') });
    await both.land(DAY1, day1);
    const landed2 = await both.land(DAY2, day2);
    const onlyDay2 = await benchPipeline(`duckdb:${join(dir, 'lander.duckdb')}`, { dataDir: join(dir, 'day2') });
    await onlyDay2.land(DAY2, day2);
    await onlyDay2.close();
    // Both warehouses hold day 1, loaded from the landing that has it.
    const reloadTarget = await benchPipeline(`duckdb:${join(dir, 'reload.duckdb')}`, { dataDir: join(dir, 'both') });
    for (const p of [both, reloadTarget])
      if ((await p.run(DAY1)).rowsLoaded !== entriesOf(day1)) throw new Error('day 1 did not load');
    const landing = both.pipeline.deps.landing;
    const decode = (known?: FingerprintSet): ReturnType<typeof decodeResults> =>
      decodeResults(
        { format: 'JSON', body: landing.read(landed2), status: 200, headers: new Headers() },
        { requestedPeriod: PERIOD, known },
      );
    const incremental = await measure(() =>
      both.wh.transaction((tx) =>
        loadSnapshot(tx, {
          snapshot: { forecastId: FORECAST, period: PERIOD, asOf: DAY2 },
          runId: 'seed-incremental',
          jobId: landed2.manifest.jobId,
          payloadSha256: landed2.manifest.sha256,
          exportedAt: landed2.manifest.landedAt,
          now: Date.now(),
          allowTruncated: false,
          parts: decode(),
          partsSkipping: decode,
        }),
      ),
    );
    if (incremental.value.counters?.skipped !== entriesOf(day2) - changedEntries(day2))
      throw new Error(`the incremental load skipped ${incremental.value.counters?.skipped} entries`);
    const full = await measure(() =>
      rebuildPeriod(
        { warehouse: reloadTarget.wh, landing: new Landing(join(dir, 'day2'), systemClock), clock: systemClock },
        FORECAST,
        PERIOD,
        { runId: 'seed-full-reload', allowTruncated: false },
      ),
    );
    if (full.value.snapshots !== 1) throw new Error('the full reload loaded no snapshot');
    await both.close();
    await reloadTarget.close();
    return { full: full.seconds, incremental: incremental.seconds, entries: entriesOf(day2) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const scale = scaleArg();
const jobMs = Math.max(100, Math.round(5_000 * scale));
const [sequential] = await exportPeriods(jobMs, 1);
const [parallel, maxInFlight] = await exportPeriods(jobMs, undefined);
const cache = await cacheRow(jobMs);
const reload = await reloadRow(scale);
note(
  `seed_table: ${PERIODS} periods exported with ${jobMs / 1000} s jobs (tenant cap ${LIMIT}); cache lookup median of 201; reload of ${reload.entries.toLocaleString('en-US')} entries, ${((changedEntries(shapeFor(scale, 1)) / reload.entries) * 100).toFixed(0)}% changed`,
);
report('seed_export_sequential_seconds', sequential);
report('seed_export_parallel_seconds', parallel);
report('seed_export_parallel_max_in_flight', maxInFlight);
report('seed_export_speedup', sequential / parallel);
report('seed_api_call_seconds', cache.apiSeconds);
report('seed_cache_lookup_ms', cache.lookupMs);
report('seed_cache_speedup', (cache.apiSeconds * 1000) / cache.lookupMs);
report('seed_full_reload_seconds', reload.full);
report('seed_incremental_merge_seconds', reload.incremental);
report('seed_merge_speedup', reload.full / reload.incremental);
