/**
 * `clari-dp demo`: the whole product on a laptop. Starts the simulator in-process, runs the pipeline
 * over several simulated business days into a local DuckDB file (./clari.duckdb unless --warehouse),
 * and prints what was loaded and the biggest forecast moves. Its landing and state live in
 * <dataDir>/demo, apart from real data; re-running it replays the same days and replaces them.
 */
import { join } from 'node:path';
import { acquireLock, type AppContext, metricsText } from '../../app/index.js';
import { createConsoleChannel, DEFAULT_RULES } from '../../alerts/index.js';
import { ACTIVITY_TYPES, ClariClient } from '../../clari/index.js';
import { systemClock } from '../../core/index.js';
import { addDays, dateInZone, dayOfWeek } from '../../domain/index.js';
import {
  type AlertSetup,
  JobState,
  type PipelineDeps,
  Landing,
  planExports,
  runPipeline,
  type RunSettings,
} from '../../pipeline/index.js';
import { type Simulator, startSimulator } from '../../sim/index.js';
import { startDashboard } from '../../server/index.js';
import { openWarehouse, reportsSql, type Warehouse } from '../../warehouse/index.js';
import type { CommandAction } from '../command.js';
import { EXIT, table } from '../output.js';

const DEMO_KEY = 'demo-sim-key';

/** Simulated: quick jobs and polls, every export fresh (no cache), the seed checklist's retention. */
const DEMO_SETTINGS: RunSettings = {
  pollIntervalMs: 100,
  jobTimeoutMs: 60_000,
  maxRequeues: 2,
  capacityWaitMs: 60_000,
  cacheTtlMs: 0,
  noCache: true,
  allowTruncated: false,
  retentionQuarters: 8,
  fiscal: { startMonth: 1 },
  trigger: 'demo',
  // Deals are on in the demo: the activity of the current quarter and the opportunities it names.
  activity: {
    window: 'quarter',
    types: [...ACTIVITY_TYPES],
    batchSize: 100,
    concurrency: 2,
    maxOpportunities: 5_000,
    timezone: 'UTC',
  },
};

export const demo: CommandAction = async (context, o) => {
  const ctx = context();
  const { io } = ctx;
  const warehouseUrl = typeof o.warehouse === 'string' ? o.warehouse : 'duckdb:./clari.duckdb';
  const dataDir = join(ctx.loaded.config.dataDir, 'demo');
  const dates = businessDays(dateInZone(ctx.clock.now(), 'UTC'), typeof o.days === 'number' ? o.days : 10);
  const lock = acquireLock(dataDir, 'demo', () => ctx.clock.now());
  const sim = await startSimulator({
    clock: systemClock,
    asOf: dates[0],
    apiKey: DEMO_KEY,
    seed: typeof o.seed === 'number' ? o.seed : 42,
    users: typeof o.users === 'number' ? o.users : 120,
    forecasts: 2,
    jobDurationMs: 300,
    concurrencyLimit: 3,
  });
  const warehouse = await openWarehouse(warehouseUrl);
  try {
    io.stderr(
      `demo: simulator at ${sim.url} (${sim.simulator.tenant.users.length} users, forecasts ${sim.simulator.tenant.forecastIds.join(', ')}), warehouse ${warehouse.description}\n`,
    );
    const runs = await runDays(ctx, demoDeps(ctx, sim.url, warehouse, dataDir), sim.simulator, dates);
    io.stdout(await summary(warehouse, warehouseUrl, dates, runs));
    if (o.serve === true) await serveUntilSignal(ctx, warehouse, typeof o.port === 'number' ? o.port : 8080);
    return runs.every((r) => r[1] === 'success') ? EXIT.ok : EXIT.partial;
  } finally {
    await warehouse.close();
    await sim.close();
    lock.release();
  }
};

/** The last `days` weekdays up to today, oldest first. */
function businessDays(today: string, days: number): string[] {
  const dates: string[] = [];
  for (let d = today; dates.length < Math.max(1, Math.floor(days)); d = addDays(d, -1))
    if (dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6) dates.unshift(d);
  return dates;
}

function demoDeps(ctx: AppContext, simUrl: string, warehouse: Warehouse, dataDir: string): PipelineDeps {
  const client = new ClariClient({
    apiKey: DEMO_KEY,
    baseUrl: simUrl,
    fetch: (input, init) => fetch(input, init),
    clock: ctx.clock,
    random: ctx.random,
    logger: ctx.logger,
    redactor: ctx.redactor,
    timeoutMs: 30_000,
  });
  // The seed checklist's rules, to the console only: simulated data never reaches a real Slack or inbox.
  const alerts: AlertSetup = {
    rules: DEFAULT_RULES,
    routes: [{ channel: createConsoleChannel({ write: ctx.io.stdout, compact: true }), minSeverity: 'info' }],
    settings: { digest: true, cooldownHours: 24 },
    managerLevels: 0,
  };
  return {
    client,
    warehouse,
    landing: new Landing(dataDir, ctx.clock),
    jobs: new JobState(dataDir),
    clock: ctx.clock,
    random: ctx.random,
    logger: ctx.logger,
    alerts,
  };
}

/** One run per business date, the simulator's clock moved to each; a table row per run. */
async function runDays(
  ctx: AppContext,
  deps: PipelineDeps,
  simulator: Simulator,
  dates: readonly string[],
): Promise<string[][]> {
  const runs: string[][] = [];
  let current = dates[0]!;
  for (const asOf of dates) {
    if (asOf !== current) simulator.advanceDays(Number((Date.parse(asOf) - Date.parse(current)) / 86_400_000));
    current = asOf;
    const planned = planExports({
      forecasts: simulator.tenant.forecastIds.map((id) => ({ id })),
      periodCount: 5,
      fiscal: DEMO_SETTINGS.fiscal,
      asOf,
      types: ['forecast', 'quota', 'forecast_updated', 'adjustment', 'crm_total', 'crm_closed'],
      includeHistorical: true,
      format: 'JSON',
    });
    const result = await runPipeline(deps, planned, DEMO_SETTINGS);
    const failed = result.exports.filter((e) => e.status === 'failed');
    runs.push([
      asOf,
      result.status,
      String(result.exports.length),
      result.rowsLoaded.toLocaleString('en-US'),
      String(result.changes),
      String(result.alerts),
      `${(result.durationMs / 1000).toFixed(1)} s`,
    ]);
    ctx.io.stderr(
      `  ${asOf}: ${result.status}, ${result.rowsLoaded.toLocaleString('en-US')} rows, ${result.changes} changes${failed.length ? `, ${failed.length} failed (${failed[0]!.error})` : ''}\n`,
    );
  }
  return runs;
}

/** The runs, the tables' row counts and the biggest moves of the last day, with where to look next. */
async function summary(
  warehouse: Warehouse,
  warehouseUrl: string,
  dates: readonly string[],
  runs: readonly string[][],
): Promise<string> {
  const current = dates[dates.length - 1]!;
  const counts = await reportsSql.tableCounts(warehouse);
  const moves = await reportsSql.biggestMovesOn(warehouse, current);
  let out = `clari-dp demo: ${dates.length} business days (${dates[0]} to ${current}) into ${warehouse.description}\n\n`;
  out += table(['as of', 'status', 'exports', 'rows', 'changes', 'alerts', 'time'], runs);
  out += `\n${table(
    ['table', 'rows'],
    counts.map((c) => [c.t, Number(c.n).toLocaleString('en-US')]),
  )}`;
  out += `\nbiggest moves on ${current}:\n${table(
    ['owner', 'forecast', 'period', 'field', 'previous', 'current', 'change'],
    moves.map((m) => [
      m.owner_name ?? '',
      m.forecast_name ?? '',
      m.time_period ?? '',
      m.field_name ?? '',
      money(m.previous_amount),
      money(m.current_amount),
      `${Number(m.change_pct).toFixed(1)}%`,
    ]),
  )}`;
  out += `\nQuery it with any DuckDB client, e.g.: duckdb ${warehouseUrl.replace(/^duckdb:/, '').replace(/\?.*$/, '')} "SELECT * FROM clari_forecast_changes ORDER BY abs(change_amount) DESC LIMIT 10"\n`;
  out += `Reports: npx clari-dp report accuracy|coverage|reps|changes|health${warehouseUrl === 'duckdb:./clari.duckdb' ? '' : ` --warehouse ${warehouseUrl}`}\n`;
  return out;
}

async function serveUntilSignal(ctx: AppContext, warehouse: Warehouse, port: number): Promise<void> {
  const dashboard = await startDashboard({
    warehouse,
    clock: ctx.clock,
    redactor: ctx.redactor,
    host: '127.0.0.1',
    port,
    metricsText: () => metricsText(warehouse),
  });
  ctx.io.stdout(`dashboard on ${dashboard.url} (Ctrl-C to stop)\n`);
  await untilSignal();
  await dashboard.close();
}

function money(value: string | null | undefined): string {
  return value === null || value === undefined
    ? ''
    : `$${Number(value).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
