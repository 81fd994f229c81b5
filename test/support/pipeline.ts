/**
 * Builds a real pipeline for tests: the simulator over HTTP, a real warehouse, a data dir in a temp
 * folder, small timings on the real clock.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClariClientOptions } from '../../src/clari/index.js';
import { type Checkpoint, memoryLogger, seededRandom, systemClock } from '../../src/core/index.js';
import {
  type AlertSetup,
  JobState,
  Landing,
  type PipelineDeps,
  type PipelineEvent,
  planExports,
  type PlanInput,
  type RunSettings,
  runPipeline,
  type RunSummary,
} from '../../src/pipeline/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { testClient } from './sim.js';

export const ALL_TYPES = ['forecast', 'quota', 'forecast_updated', 'adjustment', 'crm_total', 'crm_closed'] as const;

export const SETTINGS: RunSettings = {
  pollIntervalMs: 10,
  jobTimeoutMs: 5_000,
  maxRequeues: 3,
  capacityWaitMs: 10_000,
  cacheTtlMs: 4 * 3_600_000,
  noCache: true,
  allowTruncated: false,
  retentionQuarters: 0,
  fiscal: { startMonth: 1 },
  trigger: 'test',
};

export interface TestPipeline {
  readonly deps: PipelineDeps;
  readonly dataDir: string;
  run(plan: Partial<PlanInput> & { asOf: string }, settings?: Partial<RunSettings>): Promise<RunSummary>;
}

let seed = 1;

export function testPipeline(
  sim: RunningSimulator,
  warehouse: Warehouse,
  options: {
    dataDir?: string;
    client?: Partial<ClariClientOptions>;
    alerts?: AlertSetup;
    /** What the run reports as it goes: its checkpoints and its progress events. */
    checkpoint?: Checkpoint;
    onEvent?: (event: PipelineEvent) => void;
  } = {},
): TestPipeline {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'clari-dp-data-'));
  const deps: PipelineDeps = {
    client: testClient(sim, options.client),
    warehouse,
    landing: new Landing(dataDir, systemClock),
    jobs: new JobState(dataDir),
    clock: systemClock,
    random: seededRandom(seed++),
    logger: memoryLogger(),
    alerts: options.alerts,
    checkpoint: options.checkpoint,
    onEvent: options.onEvent,
  };
  return {
    deps,
    dataDir,
    run: (plan, settings = {}) =>
      runPipeline(
        deps,
        planExports({
          forecasts: [{ id: 'net_new_arr' }],
          periodCount: 2,
          fiscal: { startMonth: 1 },
          types: [...ALL_TYPES],
          includeHistorical: true,
          format: 'JSON',
          ...plan,
        }),
        { ...SETTINGS, ...settings },
      ),
  };
}
