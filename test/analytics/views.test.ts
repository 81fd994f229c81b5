/**
 * The analytics views on DuckDB and PostgreSQL against an independent computation, in plain
 * JavaScript, from the raw payloads the simulator served: point accuracy (1 - |F - A| / A), WAPE over reps,
 * coverage and required coverage, attainment and bias, run health (docs/analytics.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/sim/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { testPipeline } from '../support/pipeline.js';
import { payloadFor, type RawEntry, type RawPayload, rawPayloads } from '../support/reference.js';
import { startTestSim } from '../support/sim.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';
const PERIODS = ['2026_Q4', '2026_Q3', '2026_Q2', '2026_Q1', '2025_Q4'];
const CLOSED = PERIODS.slice(1);
const F = 'net_new_arr';

const near = (actual: unknown, expected: number | null, step: number): void => {
  if (expected === null || !Number.isFinite(expected)) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect(Math.abs(Number(actual) - expected)).toBeLessThanOrEqual(step * 0.51);
};
const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

interface Owner {
  weeks: Map<number, RawEntry>;
}

/** Per period: call entries by owner|field and week index, plus helpers. */
function shape(p: RawPayload) {
  const frames = [...new Set(p.doc.entries.map((e) => e.timeFrameId))].sort();
  // 13 weeks: of a 14-frame calendar the 13th frame is left out and the 14th is week 13.
  const week = (e: RawEntry): number => {
    const rank = frames.indexOf(e.timeFrameId) + 1;
    if (frames.length <= 13 || rank <= 12) return rank;
    return rank === frames.length ? 13 : -1;
  };
  const calls = new Map<string, Owner>();
  const quota = new Map<string, number | null>();
  const last = Math.min(frames.length, 13);
  for (const e of p.doc.entries) {
    if (e.quotaValue !== undefined) {
      if (frames.indexOf(e.timeFrameId) + 1 === frames.length) quota.set(e.userId, e.quotaValue ?? null);
      continue;
    }
    const key = `${e.userId}|${e.fieldId}`;
    if (week(e) < 0) continue;
    if (!calls.has(key)) calls.set(key, { weeks: new Map() });
    calls.get(key)!.weeks.set(week(e), e);
  }
  const parents = new Set(p.doc.users.map((u) => u.parentHierarchyId).filter(Boolean));
  const reps = new Set(p.doc.users.filter((u) => !parents.has(u.hierarchyId)).map((u) => u.userId));
  return { calls, quota, last, reps };
}

describe.each(ENGINES)('analytics views on %s', (engine) => {
  let sim: RunningSimulator;
  let target: TestWarehouse;
  let wh: Warehouse;
  let payloads: RawPayload[];

  beforeAll(async () => {
    sim = await startTestSim({ asOf: DAY1, users: 30, forecasts: 1, seed: 5 });
    target = await testWarehouse(engine);
    wh = await target.open();
    const p = testPipeline(sim, wh);
    await p.run({ asOf: DAY1, periods: PERIODS });
    sim.simulator.advanceDays(1);
    await p.run({ asOf: DAY2, periods: PERIODS });
    payloads = rawPayloads(`${p.dataDir}/landing`);
  });
  afterAll(async () => {
    await wh.close();
    await target.dispose();
    await sim.close();
  });

  it('v_forecast_accuracy: point accuracy over actual, signed error and WAPE over reps, closed periods only', async () => {
    const rows = await wh.query<Record<string, string | number | boolean | null>>(
      'SELECT * FROM v_forecast_accuracy WHERE forecast_name = $1',
      [F],
    );
    let checked = 0;
    for (const period of PERIODS) {
      const s = shape(payloadFor(payloads, F, period, DAY2));
      const closed = CLOSED.includes(period);
      const actual = (userId: string): number | null => {
        for (const [key, o] of s.calls)
          if (key.startsWith(`${userId}|`)) return o.weeks.get(s.last)?.crmClosedValue ?? null;
        return null;
      };
      const wape = new Map<string, { err: number; act: number }>();
      for (const [key, o] of s.calls) {
        const userId = key.split('|')[0]!;
        for (const [w, e] of o.weeks) {
          const a = actual(userId);
          if (closed && s.reps.has(userId) && e.forecastValue !== null && e.forecastValue !== undefined && a !== null) {
            const k = `${e.fieldId}|${w}`;
            const acc = wape.get(k) ?? { err: 0, act: 0 };
            acc.err += Math.abs(e.forecastValue - a);
            acc.act += Math.abs(a);
            wape.set(k, acc);
          }
        }
      }
      for (const [key, o] of s.calls) {
        const [userId, fieldId] = key.split('|') as [string, string];
        for (const [w, e] of o.weeks) {
          const row = rows.find(
            (r) =>
              r.time_period === period && r.user_id === userId && r.field_id === fieldId && Number(r.week_index) === w,
          );
          expect(row, `${period} ${key} week ${w}`).toBeDefined();
          expect(row!.period_status).toBe(closed ? 'closed' : 'in progress');
          expect(row!.is_rep).toBe(s.reps.has(userId));
          const fc = e.forecastValue ?? null;
          const a = closed ? actual(userId) : null;
          near(row!.forecast_amount, fc, 0.01);
          near(row!.actual_closed, a, 0.01);
          near(row!.accuracy_pct, fc !== null && a ? round(Math.max(0, 1 - Math.abs(fc - a) / a) * 100, 1) : null, 0.1);
          near(row!.error_amount, fc !== null && a !== null ? fc - a : null, 0.01);
          const w8 = wape.get(`${fieldId}|${w}`);
          near(row!.wape_pct, closed && w8 && w8.act ? round((100 * w8.err) / w8.act, 1) : null, 0.1);
          checked++;
        }
      }
    }
    expect(checked).toBe(rows.length);
  });

  it('v_pipeline_coverage: open pipeline (Pipeline field) over remaining quota, required coverage = 1 / win rate of week-1 pipeline', async () => {
    const rows = await wh.query<Record<string, string | number | null>>(
      "SELECT * FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = '2026_Q4'",
      [F],
    );
    const current = shape(payloadFor(payloads, F, '2026_Q4', DAY2));
    const history = CLOSED.map((period) => shape(payloadFor(payloads, F, period, DAY2)));
    expect(rows.length).toBe(current.calls.size);
    for (const row of rows) {
      const key = `${String(row.user_id)}|fc_pipeline`;
      const e = current.calls.get(key)!.weeks.get(current.last)!;
      const total = e.crmTotalValue ?? 0;
      const closed = e.crmClosedValue ?? 0;
      const quota = current.quota.get(String(row.user_id)) ?? 0;
      const remaining = Math.max(quota - closed, 0);
      near(row.pipeline, total - closed, 0.01);
      near(row.remaining_quota, remaining, 0.01);
      near(row.coverage, remaining > 0 ? round((total - closed) / remaining, 2) : null, 0.01);
      let won = 0;
      let started = 0;
      for (const h of history) {
        const o = h.calls.get(key);
        const first = o?.weeks.get(1);
        const final = o?.weeks.get(h.last);
        if (!first || !final) continue;
        const start = (first.crmTotalValue ?? 0) - (first.crmClosedValue ?? 0);
        if (start <= 0 || final.crmClosedValue === null || final.crmClosedValue === undefined) continue;
        won += final.crmClosedValue;
        started += start;
      }
      near(row.required_coverage, started > 0 && won > 0 ? round(started / won, 2) : null, 0.01);
    }
  });

  it('v_rep_performance: attainment, forecast vs quota, bias over the last closed quarters', async () => {
    const rows = await wh.query<Record<string, string | number | boolean | null>>(
      "SELECT * FROM v_rep_performance WHERE forecast_name = $1 AND time_period = '2026_Q4'",
      [F],
    );
    const current = shape(payloadFor(payloads, F, '2026_Q4', DAY2));
    const history = CLOSED.map((period) => shape(payloadFor(payloads, F, period, DAY2)));
    for (const row of rows) {
      const key = `${String(row.user_id)}|${String(row.field_id)}`;
      const e = current.calls.get(key)!.weeks.get(current.last)!;
      const quota = current.quota.get(String(row.user_id)) ?? null;
      const closed = e.crmClosedValue ?? null;
      near(row.attainment_pct, quota && closed !== null ? round((closed / quota) * 100, 1) : null, 0.1);
      near(row.forecast_to_quota_pct, quota && e.forecastValue ? round((e.forecastValue / quota) * 100, 1) : null, 0.1);
      let error = 0;
      let actual = 0;
      let periods = 0;
      for (const h of history) {
        const final = h.calls.get(key)?.weeks.get(h.last);
        if (
          !final ||
          final.forecastValue === null ||
          final.forecastValue === undefined ||
          final.crmClosedValue === null ||
          final.crmClosedValue === undefined
        )
          continue;
        error += final.forecastValue - final.crmClosedValue;
        actual += final.crmClosedValue;
        periods++;
      }
      expect(Number(row.bias_periods)).toBe(periods);
      near(row.bias_pct, periods && actual ? round((error / actual) * 100, 1) : null, 0.1);
    }
  });

  it('v_pipeline_health: one row per run with completion and counts', async () => {
    const rows = await wh.query<Record<string, string | number | null>>(
      'SELECT * FROM v_pipeline_health ORDER BY started_at',
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        status: 'success',
        exports: String(PERIODS.length),
        exports_failed: '0',
        completion_pct: '100.0',
      });
      expect(Number(row.rows_loaded)).toBeGreaterThan(0);
    }
    expect(rows[1]!.last_success_at).toBe(rows[1]!.finished_at);
  });
});
