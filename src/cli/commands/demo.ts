/**
 * `clari-dp demo`: the whole product on a laptop. Starts the simulator in-process, runs the pipeline
 * over several simulated business days into a local DuckDB file (./clari.duckdb unless --warehouse),
 * and prints one summary at the end (cli/demo-summary.ts): where the quarter stands, the biggest
 * moves, the alerts as a digest, the runs. While it loads, a terminal shows one progress line on
 * stderr. Its landing and state live in <dataDir>/demo, apart from real data; re-running it replays
 * the same days and replaces them.
 */
import { join } from 'node:path';
import { acquireLock, type AppContext, defaultDealSettings, metricsText } from '../../app/index.js';
import { type Alert, type Channel, DEFAULT_RULES } from '../../alerts/index.js';
import { ClariClient } from '../../clari/index.js';
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
import { openWarehouse, type Warehouse } from '../../warehouse/index.js';
import type { CommandAction } from '../command.js';
import { type DemoDay, demoSummary } from '../demo-summary.js';
import { EXIT } from '../output.js';

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
  activity: defaultDealSettings(),
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
    const tenant = sim.simulator.tenant;
    io.stderr(
      `demo: simulator at ${sim.url} (${tenant.users.length} users, forecasts ${tenant.forecastIds.join(', ')}), warehouse ${warehouse.description}; loading ${dates.length} business days (about ${Math.ceil(dates.length * 4.5)} s)\n`,
    );
    const alerts: Alert[] = [];
    const days = await runDays(ctx, demoDeps(ctx, sim.url, warehouse, dataDir, alerts), sim.simulator, dates);
    io.stdout(await demoSummary({ warehouse, warehouseUrl, days, alerts, tenantUsers: tenant.users.length }));
    if (o.serve === true) await serveUntilSignal(ctx, warehouse, typeof o.port === 'number' ? o.port : 8080);
    return days.every((d) => d.status === 'success') ? EXIT.ok : EXIT.partial;
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

/**
 * The demo's console channel: it keeps the alerts for the summary's digest instead of printing a
 * line per alert while the days load (sixty lines of them would bury the summary).
 */
function collectingChannel(into: Alert[]): Channel {
  return {
    name: 'console',
    type: 'console',
    send: (alerts) => {
      into.push(...alerts);
      return Promise.resolve();
    },
  };
}

function demoDeps(
  ctx: AppContext,
  simUrl: string,
  warehouse: Warehouse,
  dataDir: string,
  alertsOut: Alert[],
): PipelineDeps {
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
    routes: [{ channel: collectingChannel(alertsOut), minSeverity: 'info' }],
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

/**
 * One run per business date, the simulator's clock moved to each. On a terminal one progress line
 * on stderr, rewritten in place and cleared at the end; a failed run's error is printed once.
 */
async function runDays(
  ctx: AppContext,
  deps: PipelineDeps,
  simulator: Simulator,
  dates: readonly string[],
): Promise<DemoDay[]> {
  const days: DemoDay[] = [];
  const showProgress = ctx.io.isTTY && !ctx.json;
  let current = dates[0]!;
  for (const asOf of dates) {
    if (showProgress) ctx.io.stderr(`\r\x1b[2Kdemo: day ${days.length + 1} of ${dates.length} (${asOf})...`);
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
    days.push({
      asOf,
      status: result.status,
      exports: result.exports.length,
      rows: result.rowsLoaded,
      changes: result.changes,
      alerts: result.alerts,
      durationMs: result.durationMs,
    });
    const failed = result.exports.filter((e) => e.status === 'failed');
    if (failed.length > 0)
      ctx.io.stderr(
        `${showProgress ? '\r\x1b[2K' : ''}demo: ${asOf}: ${failed.length} export(s) failed (${failed[0]!.error})\n`,
      );
  }
  if (showProgress) ctx.io.stderr('\r\x1b[2K');
  return days;
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

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
