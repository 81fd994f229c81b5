/**
 * The pipeline end to end against the simulator over HTTP, on a real DuckDB file and a real
 * PostgreSQL server, with the same assertions: first load, re-run, next day, overlapping periods, a
 * failing export, a run stopped before download or before commit, empty, truncated and fallback
 * exports, CSV. Loaded values are checked against the raw landed payloads read independently.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { JobState } from '../../src/pipeline/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { migrateWarehouse } from '../../src/analytics/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { testPipeline } from '../support/pipeline.js';
import { expectedChanges, payloadFor, rawEntryMap, rawPayloads, warehouseEntryMap } from '../support/reference.js';
import { apiCalls, simStats, startTestSim } from '../support/sim.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';

async function count(wh: Warehouse, sql: string, params: (string | number)[] = []): Promise<number> {
  const rows = await wh.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

async function advance(sim: RunningSimulator, days: number): Promise<void> {
  await fetch(`${sim.origin}/__sim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: days }) });
}

async function simConfig(sim: RunningSimulator, body: Record<string, unknown>): Promise<void> {
  await fetch(`${sim.origin}/__sim/config`, { method: 'POST', body: JSON.stringify(body) });
}

async function tableCounts(wh: Warehouse): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [
    'clari_forecast_entries',
    'clari_users',
    'clari_forecasts',
    'clari_forecast_changes',
    'clari_snapshots',
  ])
    out[t] = await count(wh, `SELECT count(*) AS n FROM ${t}`);
  return out;
}

describe.each(ENGINES)('pipeline on %s', (engine) => {
  let sim: RunningSimulator;
  let target: TestWarehouse;
  let wh: Warehouse;

  beforeEach(async () => {
    sim = await startTestSim({ asOf: DAY1, users: 30, forecasts: 2 });
    target = await testWarehouse(engine);
    wh = await target.open();
  });
  afterEach(async () => {
    await wh.close();
    await target.dispose();
    await sim.close();
  });

  it('first load: every owner, field and week equals what the simulator served', async () => {
    const p = testPipeline(sim, wh);
    const summary = await p.run({ asOf: DAY1, forecasts: [{ id: 'net_new_arr' }, { id: 'renewals' }] });
    expect(summary.status).toBe('success');
    expect(summary.exports).toHaveLength(4);
    const payloads = rawPayloads(`${p.dataDir}/landing`);
    for (const e of summary.exports) {
      const raw = payloadFor(payloads, e.forecastId, e.timePeriod, DAY1);
      const expected = rawEntryMap(raw.doc.entries);
      expect(expected.size).toBeGreaterThan(100);
      expect(await warehouseEntryMap(wh, e.forecastId, e.timePeriod, DAY1)).toEqual(expected);
      expect(e.rows).toBe(expected.size);
    }
    // clari_forecasts: one row per owner and call field, from the latest week, named from the users array.
    const raw = payloadFor(payloads, 'net_new_arr', summary.exports[0]!.timePeriod, DAY1);
    const latest = raw.doc.entries
      .map((x) => x.timeFrameId)
      .sort()
      .pop()!;
    const callFields = new Set(raw.doc.entries.filter((x) => x.forecastValue !== undefined).map((x) => x.fieldId));
    const expectedRows = raw.doc.entries.filter((x) => x.timeFrameId === latest && callFields.has(x.fieldId));
    const rows = await wh.query<Record<string, string | null>>(
      'SELECT owner_email, user_id, field_id, forecast_amount, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3',
      ['net_new_arr', summary.exports[0]!.timePeriod, DAY1],
    );
    expect(rows).toHaveLength(expectedRows.length);
    const users = new Map(raw.doc.users.map((u) => [u.userId, u.email]));
    const quota = new Map(
      raw.doc.entries
        .filter((x) => x.timeFrameId === latest && x.quotaValue !== undefined)
        .map((x) => [x.userId, x.quotaValue]),
    );
    for (const row of rows) {
      expect(row.owner_email).toBe(users.get(row.user_id!));
      const entry = expectedRows.find((x) => x.userId === row.user_id && x.fieldId === row.field_id)!;
      expect(row.forecast_amount === null ? null : Number(row.forecast_amount)).toBe(entry.forecastValue ?? null);
      expect(row.quota_amount === null ? null : Number(row.quota_amount)).toBe(quota.get(row.user_id!) ?? null);
    }
    // The run and its exports are recorded, with reconciliation.
    // `trigger` is reserved on Snowflake, and its INTEGERs come back as text like every NUMBER.
    const runs = await wh.query<Record<string, unknown>>(
      `SELECT status, ${wh.dialect.ident('trigger')}, exports, exports_failed FROM clari_sync_runs`,
    );
    expect(runs.map((r) => ({ ...r, exports: Number(r.exports), exports_failed: Number(r.exports_failed) }))).toEqual([
      { status: 'success', trigger: 'test', exports: 4, exports_failed: 0 },
    ]);
    const jobs = await wh.query<Record<string, unknown>>(
      'SELECT status, reconciled, payload_rows, loaded_rows, payload_sha256, poll_count FROM clari_export_jobs',
    );
    expect(jobs).toHaveLength(4);
    for (const job of jobs) {
      expect(job).toMatchObject({ status: 'loaded', reconciled: true });
      expect(job.payload_rows).toBe(job.loaded_rows);
      expect(String(job.payload_sha256)).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('re-running the same snapshot replaces it: identical counts and sums, no duplicates', async () => {
    const p = testPipeline(sim, wh);
    await p.run({ asOf: DAY1 });
    const before = await tableCounts(wh);
    const sumBefore = await wh.query('SELECT sum(forecast_amount) AS s, sum(quota_amount) AS q FROM clari_forecasts');
    const again = await p.run({ asOf: DAY1 });
    expect(again.status).toBe('success');
    expect(await tableCounts(wh)).toEqual(before);
    expect(await wh.query('SELECT sum(forecast_amount) AS s, sum(quota_amount) AS q FROM clari_forecasts')).toEqual(
      sumBefore,
    );
    expect(
      await count(
        wh,
        'SELECT count(*) AS n FROM (SELECT forecast_id, time_period, time_frame_id, user_id, field_id FROM clari_forecast_entries WHERE valid_to IS NULL GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d',
      ),
    ).toBe(0);
    // Served from the landing within the TTL: the ledger already holds this very payload, so
    // nothing is rewritten and Clari is not called at all.
    const requestsBefore = await apiCalls(sim);
    const cached = await p.run({ asOf: DAY1 }, { noCache: false });
    expect(cached.exports.every((e) => e.cached && e.unchanged === true)).toBe(true);
    expect(await apiCalls(sim)).toBe(requestsBefore);
    expect(await tableCounts(wh)).toEqual(before);
    // A warehouse that no longer matches the ledger is not trusted: the payload is loaded again.
    await wh.exec(
      'DELETE FROM clari_forecast_entries WHERE user_id = (SELECT min(user_id) FROM clari_forecast_entries)',
    );
    const healed = await p.run({ asOf: DAY1 }, { noCache: false });
    expect(healed.exports.some((e) => e.unchanged === true)).toBe(false);
    expect(await tableCounts(wh)).toEqual(before);
  });

  it('next day: new versions only where values changed, and the changes match the payloads', async () => {
    const p = testPipeline(sim, wh);
    await p.run({ asOf: DAY1, periodCount: 1 });
    const versionsBefore = await count(wh, 'SELECT count(*) AS n FROM clari_forecast_entries');
    await advance(sim, 1);
    const summary = await p.run({ asOf: DAY2, periodCount: 1 });
    const period = summary.exports[0]!.timePeriod;
    const payloads = rawPayloads(`${p.dataDir}/landing`);
    const day1 = rawEntryMap(payloadFor(payloads, 'net_new_arr', period, DAY1).doc.entries);
    const day2 = rawEntryMap(payloadFor(payloads, 'net_new_arr', period, DAY2).doc.entries);
    const changedOrNew = [...day2].filter(([k, v]) => day1.get(k) !== v).length;
    const ended = [...day1].filter(([k, v]) => day2.get(k) !== v).length;
    expect(changedOrNew).toBeGreaterThan(0);
    expect(changedOrNew).toBeLessThan(day2.size / 2);
    expect(await count(wh, 'SELECT count(*) AS n FROM clari_forecast_entries')).toBe(versionsBefore + changedOrNew);
    expect(await count(wh, 'SELECT count(*) AS n FROM clari_forecast_entries WHERE valid_to = $1', [DAY2])).toBe(ended);
    expect(await warehouseEntryMap(wh, 'net_new_arr', period, DAY1)).toEqual(day1);
    expect(await warehouseEntryMap(wh, 'net_new_arr', period, DAY2)).toEqual(day2);
    // Changes: every owner and call field whose latest-week amount moved, computed independently.
    const latest = (entries: { timeFrameId: string }[]): string =>
      entries
        .map((e) => e.timeFrameId)
        .sort()
        .pop()!;
    const amounts = (day: string): Map<string, number | null> => {
      const doc = payloadFor(payloads, 'net_new_arr', period, day).doc;
      const week = latest(doc.entries);
      return new Map(
        doc.entries
          .filter((e) => e.timeFrameId === week && e.forecastValue !== undefined)
          .map((e) => [`${e.userId}|${e.fieldId}`, e.forecastValue ?? null]),
      );
    };
    const a1 = amounts(DAY1);
    const a2 = amounts(DAY2);
    const expectedChanges = [...a2].filter(([k, v]) => a1.has(k) && a1.get(k) !== v).length;
    const changes = await wh.query<Record<string, string | number | null>>(
      "SELECT user_id, field_id, previous_amount, current_amount, change_amount, change_pct, previous_snapshot FROM clari_forecast_changes WHERE change_kind = 'changed'",
    );
    expect(changes).toHaveLength(expectedChanges);
    for (const c of changes) {
      const key = `${String(c.user_id)}|${String(c.field_id)}`;
      expect(Number(c.previous_amount)).toBe(a1.get(key));
      expect(Number(c.current_amount)).toBe(a2.get(key));
      expect(c.previous_snapshot).toBe(DAY1);
      const prev = a1.get(key)!;
      if (prev === 0) expect(c.change_pct).toBeNull();
      else expect(Number(c.change_pct)).toBeCloseTo(((a2.get(key)! - prev) / Math.abs(prev)) * 100, 6);
    }
  });

  it('every kind of change (calls, owners in and out, quota, adjustments) matches the payloads', async () => {
    await sim.close();
    sim = await startTestSim({ asOf: DAY1, users: 90, forecasts: 1 });
    const p = testPipeline(sim, wh);
    await p.run({ asOf: DAY1, periodCount: 1 });
    await advance(sim, 60);
    const later = '2027-01-22';
    const summary = await p.run({ asOf: later, periods: ['2026_Q4'] });
    const payloads = rawPayloads(`${p.dataDir}/landing`);
    const expected = expectedChanges(
      payloadFor(payloads, 'net_new_arr', '2026_Q4', DAY1),
      payloadFor(payloads, 'net_new_arr', '2026_Q4', later),
    );
    const rows = await wh.query<{ change_kind: string; user_id: string; field_id: string }>(
      'SELECT change_kind, user_id, field_id FROM clari_forecast_changes WHERE current_snapshot = $1',
      [later],
    );
    expect(new Set(rows.map((r) => `${r.change_kind}|${r.user_id}|${r.field_id}`))).toEqual(expected);
    expect(rows).toHaveLength(expected.size);
    expect(summary.changes).toBe(expected.size);
    const kinds = new Set([...expected].map((k) => k.split('|')[0]));
    // Over two months people leave, join and move teams (so managers' quotas change).
    expect(kinds).toEqual(new Set(['changed', 'adjustment_changed', 'new_owner', 'removed_owner', 'quota_changed']));
    // Re-running the snapshot does not duplicate them.
    await p.run({ asOf: later, periods: ['2026_Q4'] }, { noCache: false });
    expect(
      await count(wh, 'SELECT count(*) AS n FROM clari_forecast_changes WHERE current_snapshot = $1', [later]),
    ).toBe(expected.size);
  });

  it('overlapping periods across runs deduplicate', async () => {
    const p = testPipeline(sim, wh);
    await p.run({ asOf: DAY1, periods: ['2026_Q4', '2026_Q3'] });
    const q3 = await count(wh, "SELECT count(*) AS n FROM clari_forecasts WHERE time_period = '2026_Q3'");
    await p.run({ asOf: DAY1, periods: ['2026_Q3', '2026_Q2'] });
    expect(await count(wh, "SELECT count(*) AS n FROM clari_forecasts WHERE time_period = '2026_Q3'")).toBe(q3);
    expect(await count(wh, 'SELECT count(*) AS n FROM clari_snapshots')).toBe(3);
    expect(
      await count(
        wh,
        'SELECT count(*) AS n FROM (SELECT forecast_name, time_period, snapshot_date, user_id, field_id FROM clari_forecasts GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d',
      ),
    ).toBe(0);
  });

  it('one failing export does not block the others (partial)', async () => {
    const p = testPipeline(sim, wh);
    const summary = await p.run({
      asOf: DAY1,
      periodCount: 1,
      forecasts: [{ id: 'net_new_arr' }, { id: 'no_such_tab' }],
    });
    expect(summary.status).toBe('partial');
    const failed = summary.exports.find((e) => e.forecastId === 'no_such_tab')!;
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'clari.forecast_not_found' });
    expect(summary.exports.find((e) => e.forecastId === 'net_new_arr')).toMatchObject({ status: 'loaded' });
    expect(
      await wh.query("SELECT status, error_code FROM clari_export_jobs WHERE forecast_id = 'no_such_tab'"),
    ).toEqual([{ status: 'failed', error_code: 'clari.forecast_not_found' }]);
    expect(await wh.query('SELECT status, exports_failed FROM clari_sync_runs')).toEqual([
      { status: 'partial', exports_failed: 1 },
    ]);
  });

  it('a run that stops after creating the job resumes it instead of exporting again', async () => {
    const dying = testPipeline(sim, wh);
    const original = dying.deps.client.downloadResults.bind(dying.deps.client);
    dying.deps.client.downloadResults = () => Promise.reject(new Error('process killed'));
    const first = await dying.run({ asOf: DAY1, periodCount: 1 });
    expect(first.status).toBe('failed');
    dying.deps.client.downloadResults = original;
    const created = (await simStats(sim)).exportsCreated;
    const pending = new JobState(dying.dataDir).all();
    expect(pending).toHaveLength(1);
    const resumed = await testPipeline(sim, wh, { dataDir: dying.dataDir }).run({ asOf: DAY1, periodCount: 1 });
    expect(resumed.status).toBe('success');
    expect(resumed.exports[0]!.jobId).toBe(pending[0]!.jobId);
    expect((await simStats(sim)).exportsCreated).toBe(created);
    expect(new JobState(dying.dataDir).all()).toHaveLength(0);
  });

  it('a run that stops between download and commit loads the landed payload next time, without calling Clari', async () => {
    const dying = testPipeline(sim, wh);
    await migrateWarehouse(wh, () => '2026-11-23 00:00:00');
    const transaction = wh.transaction.bind(wh);
    wh.transaction = () => Promise.reject(new Error('process killed'));
    await dying.run({ asOf: DAY1, periodCount: 1 }).catch(() => undefined);
    wh.transaction = transaction;
    expect(await count(wh, 'SELECT count(*) AS n FROM clari_forecast_entries')).toBe(0);
    const stats = await simStats(sim);
    const resumed = await testPipeline(sim, wh, { dataDir: dying.dataDir }).run({ asOf: DAY1, periodCount: 1 });
    expect(resumed.status).toBe('success');
    expect(resumed.exports[0]!.cached).toBe(true);
    const after = await simStats(sim);
    expect(after.exportsCreated).toBe(stats.exportsCreated);
    expect(after.downloads).toBe(stats.downloads);
    expect(await count(wh, 'SELECT count(*) AS n FROM clari_forecast_entries')).toBeGreaterThan(0);
  });

  it('an empty export where the previous snapshot had rows fails the export and keeps the previous data', async () => {
    const p = testPipeline(sim, wh);
    await p.run({ asOf: DAY1, periodCount: 1 });
    const before = await tableCounts(wh);
    await advance(sim, 1);
    await simConfig(sim, { faultRate: 1, faultKinds: ['empty'] });
    const summary = await p.run({ asOf: DAY2, periodCount: 1 });
    expect(summary.status).toBe('failed');
    expect(summary.exports[0]).toMatchObject({ status: 'failed', errorCode: 'data.empty_export' });
    const after = await tableCounts(wh);
    expect(after).toEqual(before);
    expect(await warehouseEntryMap(wh, 'net_new_arr', summary.exports[0]!.timePeriod, DAY2)).toEqual(
      await warehouseEntryMap(wh, 'net_new_arr', summary.exports[0]!.timePeriod, DAY1),
    );
  });

  it('a truncated export fails unless truncation is allowed', async () => {
    await sim.close();
    sim = await startTestSim({ asOf: DAY1, users: 30, maxEntries: 50 });
    const p = testPipeline(sim, wh);
    const strict = await p.run({ asOf: DAY1, periodCount: 1 });
    expect(strict.exports[0]).toMatchObject({ status: 'failed', errorCode: 'clari.export_truncated' });
    expect(await count(wh, 'SELECT count(*) AS n FROM clari_forecast_entries')).toBe(0);
    const lenient = await p.run({ asOf: DAY1, periodCount: 1 }, { allowTruncated: true });
    expect(lenient.exports[0]).toMatchObject({ status: 'loaded', rows: 50 });
    expect(lenient.warnings.join(' ')).toMatch(/truncated/);
  });

  it('a period Clari does not know fails instead of loading the current quarter under its name', async () => {
    const p = testPipeline(sim, wh);
    const summary = await p.run({ asOf: DAY1, periods: ['2031_Q1', '2026_Q4'] });
    expect(summary.exports.find((e) => e.timePeriod === '2031_Q1')).toMatchObject({
      status: 'failed',
      errorCode: 'data.period_mismatch',
    });
    expect(summary.exports.find((e) => e.timePeriod === '2026_Q4')).toMatchObject({ status: 'loaded' });
    expect(await count(wh, "SELECT count(*) AS n FROM clari_forecast_entries WHERE time_period = '2031_Q1'")).toBe(0);
  });

  it('a CSV export loads the same amounts as a JSON export', async () => {
    const json = testPipeline(sim, wh);
    await json.run({ asOf: DAY1, periodCount: 1 });
    const csvTarget = await testWarehouse(engine);
    const csvWh = await csvTarget.open();
    try {
      const csv = testPipeline(sim, csvWh);
      const summary = await csv.run({ asOf: DAY1, periodCount: 1, format: 'CSV' });
      expect(summary.exports[0]).toMatchObject({ status: 'loaded' });
      const byOwner = async (w: Warehouse) =>
        (
          await w.query<Record<string, string | null>>(
            'SELECT owner_email, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount FROM clari_forecasts ORDER BY owner_email, field_name',
          )
        ).map((r) => JSON.stringify(r));
      expect(await byOwner(csvWh)).toEqual(await byOwner(wh));
      expect(summary.exports[0]!.rows).toBe(
        (await json.run({ asOf: DAY1, periodCount: 1 }, { noCache: false })).exports[0]!.rows,
      );
    } finally {
      await csvWh.close();
      await csvTarget.dispose();
    }
  });

  it('rebuild re-derives identical tables from the landing; an older snapshot is slotted in by rebuilding its period', async () => {
    const p = testPipeline(sim, wh);
    await p.run({ asOf: DAY1, periodCount: 1 });
    await advance(sim, 1);
    await p.run({ asOf: DAY2, periodCount: 1 });
    const snapshot = async () => ({
      counts: await tableCounts(wh),
      entries: await wh.query(
        'SELECT * FROM clari_forecast_entries ORDER BY time_frame_id, user_id, field_id, valid_from',
      ),
      changes: await wh.query(
        'SELECT owner_email, field_id, previous_amount, current_amount, change_pct FROM clari_forecast_changes ORDER BY owner_email, user_id, field_id, change_kind',
      ),
    });
    const before = await snapshot();
    const { rebuildAll } = await import('../../src/pipeline/index.js');
    const result = await rebuildAll(p.deps, { runId: 'rebuild-test', allowTruncated: false });
    expect(result.snapshots).toBe(2);
    const after = await snapshot();
    expect(after.counts).toEqual(before.counts);
    expect(after.changes).toEqual(before.changes);
    expect(after.entries.map((r) => ({ ...r, run_id: null }))).toEqual(
      before.entries.map((r) => ({ ...r, run_id: null })),
    );
    // Loading the first day again after the second replaces it in place, history intact.
    const again = await p.run({ asOf: DAY1, periodCount: 1 }, { noCache: false });
    expect(again.status).toBe('success');
    expect((await snapshot()).counts).toEqual(before.counts);
  });

  it('a type the tenant rejects is dropped, and the run says so', async () => {
    await sim.close();
    sim = await startTestSim({ asOf: DAY1, users: 30, rejectCrmTypes: true });
    const p = testPipeline(sim, wh);
    const summary = await p.run({ asOf: DAY1, periodCount: 2 });
    expect(summary.status).toBe('success');
    expect(summary.warnings.join(' ')).toMatch(/type_not_supported/);
    expect(await count(wh, 'SELECT count(*) AS n FROM clari_forecast_entries WHERE crm_total_value IS NOT NULL')).toBe(
      0,
    );
  });

  it('retention keeps the last N quarters and their landing', async () => {
    const p = testPipeline(sim, wh);
    await p.run({ asOf: DAY1, periodCount: 3 }, { retentionQuarters: 2 });
    expect(
      (
        await wh.query<{ time_period: string }>('SELECT DISTINCT time_period FROM clari_snapshots ORDER BY time_period')
      ).map((r) => r.time_period),
    ).toEqual(['2026_Q3', '2026_Q4']);
    const landed = rawPayloads(`${p.dataDir}/landing`).map((r) => r.manifest.period);
    expect(new Set(landed)).toEqual(new Set(['2026_Q3', '2026_Q4']));
  });
});
