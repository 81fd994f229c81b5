/**
 * Builds the pipeline's ports and settings from the configuration (the composition root's share of
 * `run`, `backfill`, `rebuild`, `retention`, `demo`).
 */
import { activitySchema, type Config } from '../config/index.js';
import { UsageError } from '../core/index.js';
import { dateInZone, isIsoDate } from '../domain/index.js';
import {
  type DealSettings,
  type ForecastSpec,
  JobState,
  Landing,
  type PipelineDeps,
  type PipelineEvent,
  type RunSettings,
} from '../pipeline/index.js';
import { type OpenOptions, openWarehouse, type Warehouse } from '../warehouse/index.js';
import { alertSetup } from './alerts.js';
import { type AppContext, createClariClient } from './context.js';
import { crashInjector } from './crash.js';

export function runSettings(
  config: Config,
  overrides: { noCache?: boolean | undefined; trigger: string },
): RunSettings {
  const e = config.export;
  return {
    pollIntervalMs: e.pollIntervalMs,
    jobTimeoutMs: e.jobTimeoutMs,
    maxRequeues: e.maxRequeues,
    maxConcurrency: e.maxConcurrency,
    capacityWaitMs: e.capacityWaitMs,
    cacheTtlMs: e.cacheTtlHours * 3_600_000,
    noCache: overrides.noCache === true,
    allowTruncated: e.allowTruncated,
    retentionQuarters: config.retention.quarters,
    fiscal: { startMonth: config.fiscalYearStartMonth },
    trigger: overrides.trigger,
    activity: dealSettings(config),
  };
}

/** The deals stage's settings, or undefined when activity.enabled is off. */
export function dealSettings(config: Config): DealSettings | undefined {
  return config.activity.enabled ? toDealSettings(config.activity, config.timezone) : undefined;
}

/** The deals stage at the config's defaults (the demo turns deals on without a config file). */
export function defaultDealSettings(timezone = 'UTC'): DealSettings {
  return toDealSettings(activitySchema.parse({}), timezone);
}

function toDealSettings(a: Config['activity'], timezone: string): DealSettings {
  const { window, types, batchSize, concurrency, maxOpportunities } = a;
  return { window, types, batchSize, concurrency, maxOpportunities, timezone };
}

export function forecastSpecs(config: Config): ForecastSpec[] {
  return config.forecasts.map((f) => (typeof f === 'string' ? { id: f } : f));
}

/** The business date: --as-of, else today in the configured time zone. */
export function resolveAsOf(asOf: unknown, ctx: AppContext): string {
  if (typeof asOf === 'string') {
    if (!isIsoDate(asOf)) throw new UsageError(`--as-of must be a date (YYYY-MM-DD), got "${asOf}"`);
    return asOf;
  }
  return dateInZone(ctx.clock.now(), ctx.loaded.config.timezone);
}

export async function openConfiguredWarehouse(ctx: AppContext, options: OpenOptions = {}): Promise<Warehouse> {
  const { config } = ctx.loaded;
  return openWarehouse(config.warehouse, {
    lockWaitMs: config.warehouseLockWaitMs,
    statementTimeoutMs: config.warehouseStatementTimeoutMs,
    ...options,
  });
}

export function pipelineDeps(
  ctx: AppContext,
  warehouse: Warehouse,
  onEvent?: (event: PipelineEvent) => void,
  signal?: AbortSignal,
): PipelineDeps {
  const dataDir = ctx.loaded.config.dataDir;
  return {
    alerts: alertSetup(ctx),
    client: createClariClient(ctx),
    warehouse,
    landing: new Landing(dataDir, ctx.clock),
    jobs: new JobState(dataDir),
    clock: ctx.clock,
    random: ctx.random,
    logger: ctx.logger,
    onEvent,
    checkpoint: crashInjector(ctx.io.environment),
    signal,
  };
}
