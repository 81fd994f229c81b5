/**
 * One pass through everything that sends SQL, run the same way on each dialect for the golden
 * tests: migrations and views, two business days of loads with change detection and alerts, a CSV
 * re-load of a snapshot (replace, partial-row merge), every analytics read, backtest, metrics,
 * rebuilds, retention and the doctor's privilege probes.
 */
import { expect } from 'vitest';
import { type Channel, DEFAULT_RULES } from '../../src/alerts/index.js';
import {
  accuracyByWeek,
  ALL_MIGRATIONS,
  biggestChanges,
  changeKeyOf,
  coverageByTeam,
  dealData,
  dealMoveCounts,
  dealsAtRisk,
  dealsBehindChange,
  dealsBehindChanges,
  headline,
  ownersNamed,
  health,
  options,
  reps,
  select,
  trend,
} from '../../src/analytics/index.js';
import { defaultDealSettings, metricsText } from '../../src/app/index.js';
import { loadChangeEvents, loadSignalEvents } from '../../src/changes/index.js';
import { type AlertSetup, applyRetention, backtest, rebuildAll, rebuildPeriod } from '../../src/pipeline/index.js';
import {
  bundleSql,
  checkPrivileges,
  dealsSql,
  migrationStatus,
  reportsSql,
  lockWarehouse,
  runLocksSql,
  type Warehouse,
  type WarehouseLockOptions,
} from '../../src/warehouse/index.js';
import { FakeClock } from '../../src/core/index.js';
import { leaseLock } from '../../src/warehouse/lease.js';
import { testPipeline } from './pipeline.js';
import { startTestSim } from './sim.js';

const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';
const FORECAST = 'net_new_arr';

export interface ScenarioOutcome {
  readonly rowsLoaded: number;
  readonly changes: number;
  readonly privilegesOk: boolean;
  /** Transactions a DDL statement cut short while loading snapshots: must be 0 on every engine. */
  readonly splitLoads: number;
  /** Rows of the deal tables after two days with deals on. */
  readonly deals: Record<string, number>;
}

const DEALS = defaultDealSettings('America/New_York');

/** Rows per deal table, and the array elements: the same on every engine. */
async function dealCounts(wh: Warehouse): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of dealsSql.DEAL_TABLE_NAMES)
    out[table] = Number((await wh.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0);
  const [arrays] = await wh.query<{ a: string; o: string }>(
    `SELECT sum(${wh.dialect.arrayLength('account_ids')}) AS a, sum(${wh.dialect.arrayLength('opportunity_ids')}) AS o FROM clari_activities`,
  );
  out.account_ids = Number(arrays?.a ?? 0);
  out.opportunity_ids = Number(arrays?.o ?? 0);
  return out;
}

/** `splits`: how many transactions the adapter had to commit early (Snowflake, BigQuery). */
export async function goldenScenario(wh: Warehouse, splits: () => number = () => 0): Promise<ScenarioOutcome> {
  const sim = await startTestSim({ asOf: DAY1, users: 14, forecasts: 1, seed: 5 });
  try {
    const channel: Channel = { name: 'memory', type: 'webhook', send: () => Promise.resolve() };
    const alerts: AlertSetup = {
      rules: DEFAULT_RULES,
      routes: [{ channel, minSeverity: 'info' }],
      settings: { digest: true, cooldownHours: 24 },
      managerLevels: 1,
    };
    const p = testPipeline(sim, wh, { alerts });
    // Deals on: the activity window, its load and the opportunity refresh on every engine.
    const first = await p.run({ asOf: DAY1, periodCount: 2 }, { activity: DEALS });
    expect(first.status).toBe('success');
    await fetch(`${sim.origin}/__sim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: 1 }) });
    const second = await p.run({ asOf: DAY2, periodCount: 2 }, { retentionQuarters: 8, activity: DEALS });
    expect(second.status).toBe('success');
    expect(second.changes).toBeGreaterThan(0);
    expect(second.deals?.activities.status).toBe('loaded');
    expect(second.deals?.opportunities.status).toBe('loaded');
    // The same window again from the landing: unchanged, nothing rewritten.
    const again = await p.run({ asOf: DAY2, periodCount: 1 }, { noCache: false, activity: DEALS });
    expect(again.deals?.activities).toMatchObject({ cached: true, unchanged: true });
    const deals = await dealCounts(wh);
    // Reads of paths the two days do not take: an empty window's warning, an out-of-order refresh.
    await dealsSql.activitiesBetween(wh, Date.parse(`${DAY1}T00:00:00Z`), Date.parse(`${DAY2}T00:00:00Z`));
    expect(await dealsSql.refreshCount(wh, DAY2)).toBeGreaterThan(0);
    // Deals behind the day's call changes (the views read on every engine, the team walk included),
    // engagement, at risk; before the CSV re-load below, which makes every owner new.
    expect((await dealData(wh)).loaded).toBe(true);
    const moved = await biggestChanges(wh, { forecast: FORECAST, days: 7, limit: 5, level: 'all' });
    expect(moved.length).toBeGreaterThan(0);
    const counts = await dealMoveCounts(wh, moved);
    expect([...counts.values()].some((c) => c.deals > 0)).toBe(true);
    await dealsBehindChange(wh, changeKeyOf(moved[0]!));
    // The report's read: the deals behind several changes in one statement.
    expect((await dealsBehindChanges(wh, moved.slice(0, 2))).map((b) => b.change)).toEqual(moved.slice(0, 2));
    await biggestChanges(wh, { days: 7, limit: 5, userId: moved[0]!.userId });
    const owner = (await ownersNamed(wh, moved[0]!.ownerEmail))[0]!;
    await dealsAtRisk(wh, { limit: 5 });
    await dealsAtRisk(wh, { quietDays: 3, minAmount: 1000, userId: owner.userId, limit: 5 });
    // The same snapshot again, as CSV: replaces the JSON load and merges CSV's partial rows.
    const csv = await p.run({ asOf: DAY2, periodCount: 1, format: 'CSV' });
    expect(csv.status).toBe('success');
    const period = csv.exports[0]!.timePeriod;
    // Every snapshot load staged (DDL) before its first write, so each committed as one transaction.
    const splitLoads = splits();

    const choices = await options(wh);
    expect(choices.forecasts).toEqual([FORECAST]);
    const selection = await select(wh, { forecast: FORECAST, period });
    expect(selection).toBeDefined();
    await headline(wh, selection!);
    await accuracyByWeek(wh, FORECAST, selection!.field);
    await coverageByTeam(wh, selection!);
    await trend(wh, selection!);
    await biggestChanges(wh, { days: 7, limit: 5 });
    await biggestChanges(wh, { forecast: FORECAST, period, days: 30, kind: 'new_owner', level: 'rep' });
    await biggestChanges(wh, { days: 7, limit: 5, level: 'manager' });
    await reps(wh, selection!);
    await health(wh, 5);
    await loadChangeEvents(wh, { forecastId: FORECAST, period, snapshot: DAY2 });
    await loadSignalEvents(wh, { forecastId: FORECAST, period, asOf: DAY2 });
    await backtest(wh, alerts, { period });
    expect(await metricsText(wh)).toContain('clari_exports_total');
    // `clari-dp changes` and the demo's summary.
    // Two of each: the BigQuery emulation's transpiler drops the parentheses of a one-element IN list.
    await reportsSql.listChanges(wh, {
      since: DAY1,
      forecasts: [FORECAST, 'other_forecast'],
      periods: [period, '2020_Q1'],
      minPct: 1,
      kind: 'changed',
      level: 'rep',
      limit: 50,
    });
    await reportsSql.tableCounts(wh);
    await reportsSql.biggestMovesOn(wh, DAY2);
    await reportsSql.managerIds(wh);
    await reportsSql.absentUsers(wh, [FORECAST, period, selection!.field], 5);
    // The debug bundle's reads.
    await bundleSql.peopleValues(wh);
    await bundleSql.recentRuns(wh, 20);
    await bundleSql.recentJobs(wh, ['job_id', 'run_id', 'status'], 100);
    await bundleSql.errorRows(wh, 1000);
    await bundleSql.runsByStatus(wh);
    await bundleSql.appliedMigrations(wh);
    // BigQuery keeps INFORMATION_SCHEMA per dataset: there the bundle reports this section's error instead.
    await bundleSql.schemaColumns(wh).catch(() => undefined);
    await bundleSql.rowCount(wh, 'clari_snapshots');
    await bundleSql.fieldsSeen(wh);
    await bundleSql.engineVersion(wh);

    await rebuildPeriod(p.deps, FORECAST, period, { runId: 'golden-rebuild-period', allowTruncated: false });
    const rebuilt = await rebuildAll(p.deps, { runId: 'golden-rebuild', allowTruncated: false });
    expect(rebuilt.snapshots).toBe(4);
    expect(rebuilt.deals).toMatchObject({ windows: 2, refreshes: 2, skipped: [] });
    expect(await dealCounts(wh)).toEqual(deals);
    const retained = await applyRetention(wh, p.deps.landing, { asOf: DAY2, fiscal: { startMonth: 1 }, quarters: 1 });
    expect(retained.rowsDeleted).toBeGreaterThan(0);
    // The deal rows all fall in the kept quarter: a cut-off inside it makes the deal tables' DELETEs run
    // too (nothing reads the deal tables after this).
    expect(await dealsSql.deleteBefore(wh, DAY2)).toBeGreaterThan(0);

    // The lease that serialises runs where sessions outlive their clients: take it, commit under its
    // fence, release it. One session plays both (the lease's side session is this one).
    const leaseOptions: WarehouseLockOptions = {
      mode: 'lease',
      holder: { label: 'golden run', key: 'golden' },
      clock: new FakeClock(),
      waitMs: 0,
      leaseTtlMs: 60_000,
      openSession: () => Promise.resolve(sameSession(wh)),
    };
    const lease = await leaseLock(wh, leaseOptions);
    await lease.warehouse.transaction((tx) => runLocksSql.readLease(tx, 'none'));
    await lease.release();
    if (wh.dialect.name === 'postgres') {
      // PostgreSQL's own run lock: the advisory lock on the run's session, named for waiting runs.
      const advisory = await lockWarehouse(wh, { ...leaseOptions, mode: 'auto' });
      await runLocksSql.advisoryHolder(wh);
      await advisory.release();
    }

    const status = await migrationStatus(wh, ALL_MIGRATIONS);
    expect(status.pending).toEqual([]);
    const privileges = await checkPrivileges(wh, { migrated: true });
    const [row] = await wh.query<{ n: string }>('SELECT count(*) AS n FROM clari_forecast_entries');
    return {
      rowsLoaded: Number(row?.n ?? 0),
      changes: second.changes,
      privilegesOk: privileges.every((r) => r.ok),
      splitLoads,
      deals,
    };
  } finally {
    await sim.close();
  }
}

/** The same session as a plain object (its methods bound), for a caller that wants one of its own. */
function sameSession(wh: Warehouse): Warehouse {
  return {
    dialect: wh.dialect,
    description: wh.description,
    exec: (sql, params) => wh.exec(sql, params),
    query: (sql, params) => wh.query(sql, params),
    transaction: (work) => wh.transaction(work),
    openStage: (spec) => wh.openStage(spec),
    close: () => Promise.resolve(),
  };
}
