/**
 * export_parallel: 4 forecasts x 5 periods against the simulator with 5 s jobs and a concurrency
 * limit of 3, through the real pipeline (plan, quota-aware runner, polling, landing, loading).
 * Baselines in the same run: the ideal `ceil(20 / 3) x 5 s` (every slot busy all the time, results
 * seen the instant they are ready) and the same pipeline at concurrency 1. The simulator counts the
 * jobs in flight, so the cap is checked by the server side, not by the client's own bookkeeping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORECAST_IDS } from '../src/sim/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { testPipeline } from '../test/support/pipeline.js';
import { simStats, startTestSim } from '../test/support/sim.js';
import { measure, note, report, scaleArg } from './lib/measure.js';

const FORECASTS = 4;
const PERIODS = 5;
const LIMIT = 3;

async function exportAll(
  jobMs: number,
  maxConcurrency: number | undefined,
): Promise<{ seconds: number; maxInFlight: number; created: number; status: string }> {
  const sim = await startTestSim({ users: 12, forecasts: FORECASTS, concurrencyLimit: LIMIT, jobDurationMs: jobMs });
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-export-'));
  const wh = await openWarehouse(`duckdb:${join(dir, 'clari.duckdb')}`);
  try {
    const pipeline = testPipeline(sim, wh, { dataDir: join(dir, 'data') });
    const forecasts = FORECAST_IDS.slice(0, FORECASTS).map((id) => ({ id }));
    // Polling every 1/20 of a job: the run sees a finished job within 5% of its duration.
    const run = await measure(() =>
      pipeline.run(
        { asOf: '2026-11-23', forecasts, periodCount: PERIODS },
        { pollIntervalMs: Math.max(10, jobMs / 20), jobTimeoutMs: jobMs * 20, maxConcurrency },
      ),
    );
    const stats = await simStats(sim);
    return {
      seconds: run.seconds,
      maxInFlight: stats.maxInFlight,
      created: stats.exportsCreated,
      status: run.value.status,
    };
  } finally {
    await wh.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const jobMs = Math.max(100, Math.round(5_000 * scaleArg()));
  const exports = FORECASTS * PERIODS;
  const ideal = (Math.ceil(exports / LIMIT) * jobMs) / 1000;
  const parallel = await exportAll(jobMs, undefined);
  const serial = await exportAll(jobMs, 1);
  if (parallel.status !== 'success' || serial.status !== 'success')
    throw new Error(`export runs: ${parallel.status}, ${serial.status}`);
  note(
    `export_parallel: ${exports} exports (${FORECASTS} forecasts x ${PERIODS} periods), ${jobMs / 1000} s jobs, tenant concurrency limit ${LIMIT}, polling every ${Math.max(10, jobMs / 20) / 1000} s`,
  );
  report('export_parallel_seconds', parallel.seconds);
  report('export_parallel_ideal_seconds', ideal);
  report('export_parallel_vs_ideal', parallel.seconds / ideal);
  report('export_parallel_max_in_flight', parallel.maxInFlight);
  report('export_parallel_exports_created', parallel.created);
  report('export_concurrency_1_seconds', serial.seconds);
  report('export_parallel_speedup_vs_concurrency_1', serial.seconds / parallel.seconds);
}

await main();
