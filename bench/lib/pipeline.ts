/**
 * The real pipeline for benchmarks, as the CLI builds it: the simulator over loopback HTTP (so API
 * calls are counted by /__sim/stats), a real warehouse and data dir, and large exports placed in the
 * landing the way an export would land them, so a run finds them as cache hits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { migrateWarehouse } from '../../src/analytics/index.js';
import {
  type Landed,
  planExports,
  type PlannedExport,
  runPipeline,
  type RunSummary,
  type RunSettings,
} from '../../src/pipeline/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { changesSql, openWarehouse, sqlTimestamp, type Warehouse } from '../../src/warehouse/index.js';
import { ALL_TYPES, SETTINGS, testPipeline, type TestPipeline } from '../../test/support/pipeline.js';
import { apiCalls, startTestSim } from '../../test/support/sim.js';
import { type CliRun, runCli } from './cli.js';
import { type ExportShape, generateExport } from './generate.js';

export const FORECAST = 'net_new_arr';
export const PERIOD = '2026_Q4';

export interface BenchPipeline {
  readonly wh: Warehouse;
  readonly sim: RunningSimulator;
  readonly pipeline: TestPipeline;
  /** Lands a generated export for `asOf` as if it had just been exported. */
  land(asOf: string, shape: ExportShape): Promise<Landed>;
  run(asOf: string, settings?: Partial<RunSettings>): Promise<RunSummary>;
  /**
   * The same run by the built CLI in its own process (`clari-dp run`, this simulator and data dir,
   * the warehouse at `warehouseUrl`); throws unless it loaded `rows` entries.
   */
  cli(asOf: string, warehouseUrl: string, rows: number): Promise<CliRun>;
  /** Change detection alone between two loaded snapshots, in its own transaction: the changes found. */
  detect(asOf: string, previous: string): Promise<number>;
  /** Requests the simulator has answered so far. */
  apiCalls(): Promise<number>;
  close(): Promise<void>;
}

export async function benchPipeline(warehouseUrl: string, options: { dataDir?: string } = {}): Promise<BenchPipeline> {
  const sim = await startTestSim({ users: 12, forecasts: 1 });
  const wh = await openWarehouse(warehouseUrl);
  await migrateWarehouse(wh, () => sqlTimestamp(Date.now()));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'clari-dp-bench-data-'));
  const pipeline = testPipeline(sim, wh, { dataDir });
  const plan = (asOf: string): PlannedExport[] =>
    planExports({
      forecasts: [{ id: FORECAST }],
      periods: [PERIOD],
      periodCount: 1,
      fiscal: { startMonth: 1 },
      asOf,
      types: [...ALL_TYPES],
      includeHistorical: true,
      format: 'JSON',
    });
  return {
    wh,
    sim,
    pipeline,
    land: (asOf, shape) => {
      const task = plan(asOf)[0]!;
      return pipeline.deps.landing.land(
        {
          forecastId: FORECAST,
          period: PERIOD,
          asOf,
          jobId: `bench-${asOf}`,
          fingerprint: task.fingerprint,
          request: task.request,
          format: 'JSON',
        },
        Readable.from(generateExport(shape)),
      );
    },
    run: (asOf, settings = {}) => runPipeline(pipeline.deps, plan(asOf), { ...SETTINGS, noCache: false, ...settings }),
    cli: async (asOf, warehouseUrl, rows) => {
      const env = {
        CLARI_BASE_URL: sim.url,
        CLARI_API_KEY: 'sim-key',
        CLARI_DP_FORECASTS: FORECAST,
        CLARI_DP_WAREHOUSE: warehouseUrl,
        CLARI_DP_DATA_DIR: dataDir,
      };
      const run = await runCli(['run', '--as-of', asOf, '--period', PERIOD, '--json'], env);
      if (run.code !== 0 || (JSON.parse(run.stdout) as { rowsLoaded: number }).rowsLoaded !== rows)
        throw new Error(`CLI run exited ${run.code}: ${run.stderr}`);
      return run;
    },
    detect: (asOf, previous) =>
      wh.transaction((tx) =>
        changesSql.detectChanges(tx, {
          forecastId: FORECAST,
          period: PERIOD,
          asOf,
          previous,
          runId: 'bench',
          detectedAt: Date.now(),
        }),
      ),
    apiCalls: () => apiCalls(sim),
    close: async () => {
      await wh.close();
      await sim.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
