/**
 * The deals path end to end against the simulator over HTTP, on a real DuckDB file and a real
 * PostgreSQL server, with the same assertions: the activity window and the opportunity refresh
 * load exactly what the simulator served (read independently by a tap on it, support/deals-reference.ts),
 * the window moves on with one day of overlap and no gap, re-runs and overlapping windows never
 * duplicate, a run stopped after creating the job or before commit resumes without a second
 * export, older dates and rebuild re-derive the same tables, an empty export keeps what is loaded,
 * failures leave a partial run that says so, retention covers the deal tables.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/alerts/index.js';
import { DEFAULT_RULES } from '../../src/alerts/index.js';
import { defaultDealSettings } from '../../src/app/index.js';
import { migrateWarehouse } from '../../src/analytics/index.js';
import { JobState, type PipelineEvent, rebuildAll, type RunSettings } from '../../src/pipeline/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { dealsSql, type Warehouse } from '../../src/warehouse/index.js';
import {
  dealDuplicates,
  expectedActivities,
  expectedHistory,
  expectedOpportunities,
  loadedWindows,
  ServedDeals,
  warehouseActivities,
  warehouseHistory,
  warehouseOpportunities,
} from '../support/deals-reference.js';
import { type TestPipeline, testPipeline } from '../support/pipeline.js';
import { type Recorded, RecordingWarehouse } from '../support/recording.js';
import { apiCalls, simStats, startTestSim } from '../support/sim.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';
const DAY4 = '2026-11-26';

const DEALS = defaultDealSettings();

const run = (p: TestPipeline, asOf: string, settings: Partial<RunSettings> = {}) =>
  p.run({ asOf, periodCount: 1 }, { activity: DEALS, ...settings });

async function advance(sim: RunningSimulator, days: number): Promise<void> {
  await fetch(`${sim.origin}/__sim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: days }) });
}

async function simConfig(sim: RunningSimulator, body: Record<string, unknown>): Promise<void> {
  await fetch(`${sim.origin}/__sim/config`, { method: 'POST', body: JSON.stringify(body) });
}

/** How many times the deal tables were cleared for a rebuild, among recorded statements. */
const rebuilds = (log: readonly Recorded[]): number =>
  log.filter(
    (s) => s.source === 'warehouse/sql/deals.ts clearDeals' && s.sql.startsWith('DELETE FROM clari_activities '),
  ).length;

async function count(wh: Warehouse, table: string, where = 'TRUE'): Promise<number> {
  return Number((await wh.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`))[0]?.n ?? 0);
}

/** Every deal table's rows, without the columns that differ between two correct runs. */
async function dealTables(wh: Warehouse): Promise<Record<string, string[]>> {
  const volatile = new Set(['run_id', 'job_id', 'exported_at', 'loaded_at']);
  const out: Record<string, string[]> = {};
  for (const table of [
    'clari_activities',
    'clari_activity_participants',
    'clari_activity_opportunities',
    'clari_activity_accounts',
    'clari_activity_windows',
    'clari_opportunities',
    'clari_opportunity_field_history',
    'clari_opportunity_snapshots',
  ])
    out[table] = (await wh.query<Record<string, unknown>>(`SELECT * FROM ${table}`))
      .map((r) => JSON.stringify(Object.entries(r).filter(([k]) => !volatile.has(k))))
      .sort();
  return out;
}

describe.each(ENGINES)('deals on %s', (engine) => {
  let sim: RunningSimulator;
  let served: ServedDeals;
  let target: TestWarehouse;
  let wh: Warehouse;

  beforeEach(async () => {
    sim = await startTestSim({ asOf: DAY1, users: 20, forecasts: 1 });
    served = new ServedDeals(sim);
    target = await testWarehouse(engine);
    wh = await target.open();
  });
  afterEach(async () => {
    await wh.close();
    await target.dispose();
    await sim.close();
  });

  /** The warehouse equals what the simulator served, for every loaded window and refresh so far. */
  async function expectServed(): Promise<void> {
    const expected = expectedActivities(served, await loadedWindows(wh));
    expect(expected.size).toBeGreaterThan(100);
    expect(await warehouseActivities(wh)).toEqual(expected);
    expect(await warehouseOpportunities(wh)).toEqual(expectedOpportunities(served.opportunityAnswers));
    const history = await warehouseHistory(wh);
    expect(new Set(history)).toEqual(expectedHistory(served.opportunityAnswers));
    expect(history.length).toBe(new Set(history).size);
    expect(Object.values(await dealDuplicates(wh)).every((n) => n === 0)).toBe(true);
  }

  it('first load and the next day: what the simulator served, the window moving on with one day of overlap', async () => {
    const p = testPipeline(sim, wh);
    const first = await run(p, DAY1);
    expect(first.status).toBe('success');
    expect(first.deals).toMatchObject({
      window: { from: '2026-10-01', to: DAY1 },
      activities: { status: 'loaded', cached: false },
      opportunities: { status: 'loaded', calls: 1 },
    });
    await expectServed();
    // The ledger says what it loaded, as the payload counted it.
    expect(await count(wh, 'clari_activities')).toBe(first.deals!.activities.activities);
    expect(await count(wh, 'clari_activity_participants')).toBe(first.deals!.activities.participants);
    // Every opportunity the window's activities name was refreshed, in one call of at most 100 ids.
    const named = new Set(
      served.activitiesOf(first.deals!.activities.jobId!).flatMap((a) => a.opportunities.map((o) => o.opportunityId)),
    );
    expect(served.opportunityAnswers.map((a) => new Set(a.ids))).toEqual([named]);
    expect(first.deals!.opportunities).toMatchObject({ requested: named.size, returned: named.size });
    // The join docs/pipeline.md gives: every deal reaches its forecast owner through clari_users.crm_id.
    const joined = await wh.query<{ n: string; owners: string }>(
      `SELECT count(*) AS n, count(DISTINCT f.user_id) AS owners FROM clari_opportunities o
       JOIN clari_users u ON u.crm_id = o.owner_crm_id AND u.valid_to IS NULL
       JOIN clari_forecasts f ON f.user_id = u.user_id AND f.snapshot_date = CAST('${DAY1}' AS DATE) AND f.field_id = 'fc_commit'
       WHERE o.valid_to IS NULL`,
    );
    expect(Number(joined[0]!.n)).toBe(named.size);
    expect(Number(joined[0]!.owners)).toBeGreaterThan(5);

    await advance(sim, 1);
    const day1 = expectedOpportunities(served.opportunityAnswers);
    const second = await run(p, DAY2);
    expect(second.deals).toMatchObject({ window: { from: DAY1, to: DAY2 }, activities: { status: 'loaded' } });
    await expectServed();
    // New versions only where an opportunity's values moved with the calls, the old ones ended on DAY2.
    const day2 = expectedOpportunities(served.opportunityAnswers.slice(1));
    const moved = [...day2].filter(([id, v]) => day1.has(id) && day1.get(id) !== v).length;
    expect(moved).toBeGreaterThan(0);
    expect(await count(wh, 'clari_opportunities')).toBe(
      day1.size + moved + [...day2.keys()].filter((id) => !day1.has(id)).length,
    );
    expect(await count(wh, 'clari_opportunities', `valid_to = CAST('${DAY2}' AS DATE)`)).toBe(moved);
  });

  it('a skipped business day leaves no gap: the next window starts at the last loaded date', async () => {
    const p = testPipeline(sim, wh);
    await run(p, DAY1);
    await advance(sim, 3);
    const later = await run(p, DAY4);
    expect(later.deals?.window).toEqual({ from: DAY1, to: DAY4 });
    await expectServed();
    // Activities of the days in between came with the later window.
    expect(
      await count(
        wh,
        'clari_activities',
        `activity_at >= CAST('${DAY2} 00:00:00' AS TIMESTAMP) AND activity_at < CAST('${DAY4} 00:00:00' AS TIMESTAMP)`,
      ),
    ).toBeGreaterThan(0);
  });

  it('re-running a date exports the same window again and replaces it; from the landing nothing is rewritten or called', async () => {
    const p = testPipeline(sim, wh);
    await run(p, DAY1);
    const before = await dealTables(wh);
    const again = await run(p, DAY1);
    expect(again.deals?.window).toEqual({ from: '2026-10-01', to: DAY1 });
    expect(again.deals?.activities).toMatchObject({ status: 'loaded', cached: false });
    expect(await dealTables(wh)).toEqual(before);
    await expectServed();
    const calls = await apiCalls(sim);
    const cached = await run(p, DAY1, { noCache: false });
    expect(cached.deals).toMatchObject({
      activities: { cached: true, unchanged: true },
      opportunities: { cached: true, calls: 0 },
    });
    expect(await apiCalls(sim)).toBe(calls);
    expect(await dealTables(wh)).toEqual(before);
  });

  it('the activity export reports its progress and passes its poll checkpoint, as the forecast exports do', async () => {
    const points: string[] = [];
    const events: PipelineEvent[] = [];
    const p = testPipeline(sim, wh, { checkpoint: (point) => void points.push(point), onEvent: (e) => events.push(e) });
    const summary = await run(p, DAY1);
    expect(summary.status).toBe('success');
    const key = `activity|2026-10-01..${DAY1}`;
    const runner = events.flatMap((e) => (e.type === 'export' && e.event.task.key === key ? [e.event.type] : []));
    expect(runner[0]).toBe('created');
    expect(runner).toContain('status');
    expect(runner.at(-1)).toBe('done');
    // The progress bar counts the activity export done once its window is loaded.
    expect(events.filter((e) => e.type !== 'export' && e.key === key)).toEqual([
      { type: 'loaded', key, rows: summary.deals!.activities.activities, changes: 0 },
    ]);
    // Its crash points, in the order a run meets them: posted, created, polled (each status seen), landed, ...
    const activity = points.filter((point) => point.startsWith('activity.'));
    expect([...new Set(activity)]).toEqual([
      'activity.posted',
      'activity.created',
      'activity.polled',
      'activity.landed',
      'activity.applied',
      'activity.committed',
    ]);
    expect(activity.filter((point) => point === 'activity.polled')).toHaveLength(
      runner.filter((t) => t === 'status').length,
    );
    // The forecast export's points stay its own.
    expect(points.filter((point) => point === 'export.polled').length).toBe(
      events.filter((e) => e.type === 'export' && e.event.type === 'status' && e.event.task.key !== key).length,
    );
  });

  it('a deals stage that cannot plan its window fails its step and ends the progress it was counted in', async () => {
    const events: PipelineEvent[] = [];
    const query = wh.query.bind(wh);
    wh.query = (sql, params) =>
      sql.startsWith('SELECT as_of, from_date FROM clari_activity_windows')
        ? Promise.reject(new Error('connection reset'))
        : query(sql, params);
    const result = await run(testPipeline(sim, wh, { onEvent: (e) => events.push(e) }), DAY1);
    wh.query = query;
    expect(result.status).toBe('partial');
    expect(result.deals?.activities.status).toBe('failed');
    expect(events.filter((e) => e.type === 'failed').map((e) => e.type === 'failed' && e.key)).toEqual(['activity']);
  });

  it('a run that stops after creating the activity job resumes it instead of exporting again', async () => {
    const dying = testPipeline(sim, wh);
    dying.deps.client.downloadResults = () => Promise.reject(new Error('process killed'));
    const first = await run(dying, DAY1);
    expect(first.deals?.activities.status).toBe('failed');
    const pending = new JobState(dying.dataDir).all().find((j) => j.forecastId === 'activity');
    expect(pending?.jobId).toMatch(/^[0-9a-f]{24}$/);
    const created = (await simStats(sim)).exportsCreated;
    const resumed = await run(testPipeline(sim, wh, { dataDir: dying.dataDir }), DAY1);
    expect(resumed.status).toBe('success');
    expect(resumed.deals?.activities).toMatchObject({ status: 'loaded', jobId: pending!.jobId });
    expect((await simStats(sim)).exportsCreated).toBe(created);
    expect(new JobState(dying.dataDir).all()).toHaveLength(0);
    await expectServed();
  });

  it('a run that stops between landing and commit loads the landed window next time, without another export', async () => {
    const dying = testPipeline(sim, wh);
    await migrateWarehouse(wh, () => '2026-11-23 00:00:00');
    const transaction = wh.transaction.bind(wh);
    wh.transaction = () => Promise.reject(new Error('process killed'));
    await run(dying, DAY1).catch(() => undefined);
    wh.transaction = transaction;
    expect(await count(wh, 'clari_activities')).toBe(0);
    const stats = await simStats(sim);
    const resumed = await run(testPipeline(sim, wh, { dataDir: dying.dataDir }), DAY1);
    expect(resumed.deals?.activities).toMatchObject({ status: 'loaded', cached: true });
    const after = await simStats(sim);
    // The forecast export and the activity export: both loaded from the landing.
    expect(after.exportsCreated).toBe(stats.exportsCreated);
    expect(after.downloads).toBe(stats.downloads);
    await expectServed();
  });

  it('an older date after a newer one, and rebuild, re-derive the same deal tables from the landing', async () => {
    const p = testPipeline(sim, wh);
    await run(p, DAY1);
    await advance(sim, 1);
    await run(p, DAY2);
    const before = await dealTables(wh);
    const rebuilt = await rebuildAll(p.deps, { runId: 'rebuild-test', allowTruncated: false });
    expect(rebuilt.deals).toEqual({ windows: 2, refreshes: 2, skipped: [] });
    expect(await dealTables(wh)).toEqual(before);
    // DAY1 again, from the landing: older than the latest window, so the deal tables are re-derived,
    // once for the window and the refresh.
    const log: Recorded[] = [];
    const older = await run(testPipeline(sim, new RecordingWarehouse(wh, log), { dataDir: p.dataDir }), DAY1, {
      noCache: false,
    });
    expect(older.deals).toMatchObject({
      activities: { status: 'loaded', cached: true },
      opportunities: { status: 'loaded', cached: true, calls: 0 },
    });
    expect(older.warnings.join(' ')).toMatch(/re-derived/);
    expect(rebuilds(log)).toBe(1);
    expect(await dealTables(wh)).toEqual(before);
  });

  it('an older date exported afresh lands its window and its refresh, then re-derives the deal tables once', async () => {
    const p = testPipeline(sim, wh);
    await run(p, DAY1);
    await advance(sim, 1);
    await run(p, DAY2);
    const log: Recorded[] = [];
    const older = await run(testPipeline(sim, new RecordingWarehouse(wh, log), { dataDir: p.dataDir }), DAY1);
    expect(older.status).toBe('success');
    expect(older.deals).toMatchObject({
      window: { from: '2026-10-01', to: DAY1 },
      activities: { status: 'loaded', cached: false },
      opportunities: { status: 'loaded', cached: false, calls: 1 },
    });
    expect(older.deals!.activities.activities).toBeGreaterThan(0);
    expect(older.deals!.opportunities.returned).toBe(older.deals!.opportunities.requested);
    expect(rebuilds(log)).toBe(1);
    // What the run left is what the landing derives: the fresh window and refresh of DAY1 replayed
    // before DAY2's.
    const after = await dealTables(wh);
    const rebuilt = await rebuildAll(p.deps, { runId: 'rebuild-test', allowTruncated: false });
    expect(rebuilt.deals).toEqual({ windows: 2, refreshes: 2, skipped: [] });
    expect(await dealTables(wh)).toEqual(after);
    expect((await loadedWindows(wh)).map((w) => w.asOf)).toEqual([DAY1, DAY2]);
  });

  it('a past date exported for the first time is re-derived in before its refresh is planned', async () => {
    // 3-day windows: DAY4's covers 11-24..11-26; DAY1's, never exported, 11-21..11-23. The refresh
    // of DAY1 asks for the opportunities named since 11-21, which only DAY1's window holds.
    const deal = { ...DEALS, window: '3d' };
    const p = testPipeline(sim, wh);
    await advance(sim, 3);
    await run(p, DAY4, { activity: deal });
    const log: Recorded[] = [];
    const older = await run(testPipeline(sim, new RecordingWarehouse(wh, log), { dataDir: p.dataDir }), DAY1, {
      activity: deal,
    });
    expect(older.status).toBe('success');
    expect(older.deals).toMatchObject({
      window: { from: '2026-11-21', to: DAY1 },
      activities: { status: 'loaded', cached: false },
      opportunities: { status: 'loaded', cached: false },
    });
    // What the refresh saw is what the warehouse names now that both windows are loaded.
    const named = await dealsSql.opportunitiesSeen(wh, Date.parse('2026-11-21T00:00:00Z'), deal.maxOpportunities);
    expect(named.total).toBeGreaterThan(0);
    expect(older.deals!.opportunities.seen).toBe(named.total);
    // The window is re-derived in first, then the older refresh: twice, and what the run left is
    // what the landing derives.
    expect(rebuilds(log)).toBe(2);
    const after = await dealTables(wh);
    await rebuildAll(p.deps, { runId: 'rebuild-test', allowTruncated: false });
    expect(await dealTables(wh)).toEqual(after);
  });

  it('an empty activity export keeps what is loaded and does not move the window; the next run covers it', async () => {
    const p = testPipeline(sim, wh);
    await run(p, DAY1);
    const before = await dealTables(wh);
    await advance(sim, 1);
    await simConfig(sim, { faultRate: 1, faultKinds: ['empty'], faultRoutes: ['activity'] });
    const empty = await run(p, DAY2);
    expect(empty.deals?.activities).toMatchObject({ status: 'empty', activities: 0 });
    expect(empty.warnings.join(' ')).toMatch(
      /no activities for 2026-11-23 to 2026-11-24, where \d+ are loaded; they are kept/,
    );
    expect((await dealTables(wh)).clari_activities).toEqual(before.clari_activities);
    expect((await loadedWindows(wh)).map((w) => w.asOf)).toEqual([DAY1]);
    await simConfig(sim, { faultRate: 0 });
    const next = await run(p, DAY2);
    expect(next.deals?.window).toEqual({ from: DAY1, to: DAY2 });
    await expectServed();
  });

  it('the activity export out of quota and GET /opportunity failing: a partial run that alerts and keeps what is loaded', async () => {
    const sent: string[] = [];
    const channel: Channel = {
      name: 'memory',
      type: 'webhook',
      send: (alerts) => Promise.resolve(void sent.push(...alerts.map((a) => a.fingerprint))),
    };
    const alerts = {
      rules: DEFAULT_RULES,
      routes: [{ channel, minSeverity: 'info' as const }],
      settings: { digest: true, cooldownHours: 0 },
      managerLevels: 0,
    };
    const p = testPipeline(sim, wh, { alerts });
    await run(p, DAY1);
    const before = await dealTables(wh);
    await advance(sim, 1);
    // One export left in the 30 days: the forecast takes it.
    const used = (await simStats(sim)).exportsCreated;
    await simConfig(sim, {
      monthlyQuota: used + 1,
      faultRate: 1,
      faultKinds: ['server_error'],
      faultRoutes: ['opportunity'],
    });
    const summary = await run(p, DAY2);
    expect(summary.status).toBe('partial');
    expect(summary.exports[0]).toMatchObject({ status: 'loaded' });
    expect(summary.deals?.activities).toMatchObject({ status: 'failed', errorCode: 'clari.quota_exhausted' });
    expect(summary.deals?.opportunities).toMatchObject({ status: 'failed', errorCode: 'clari.server' });
    expect(await dealTables(wh)).toEqual(before);
    expect(sent.some((f) => f.includes('activity'))).toBe(true);
    expect(sent.some((f) => f.includes('opportunity'))).toBe(true);
    const [row] = await wh.query<{ status: string; error: string }>(
      `SELECT status, error FROM clari_sync_runs WHERE as_of = CAST('${DAY2}' AS DATE)`,
    );
    expect(row).toMatchObject({
      status: 'partial',
      error: expect.stringMatching(/^deals: .*quota.*; .*GET \/opportunity/) as unknown,
    });
  });

  it('retention drops deal rows before the kept quarters', async () => {
    const p = testPipeline(sim, wh);
    await run(p, DAY1, { activity: { ...DEALS, window: '120d' } });
    expect(
      await count(wh, 'clari_activities', "activity_at < CAST('2026-10-01 00:00:00' AS TIMESTAMP)"),
    ).toBeGreaterThan(0);
    await run(p, DAY1, { activity: { ...DEALS, window: '120d' }, retentionQuarters: 1 });
    expect(await count(wh, 'clari_activities', "activity_at < CAST('2026-10-01 00:00:00' AS TIMESTAMP)")).toBe(0);
    expect(
      await count(wh, 'clari_activity_participants', 'activity_id NOT IN (SELECT activity_id FROM clari_activities)'),
    ).toBe(0);
    expect(await count(wh, 'clari_activities')).toBeGreaterThan(0);
  });
});
