/**
 * Every derived number of the reports and the page, on a tenant small enough to compute by hand
 * (test/support/hand-tenant.ts holds the inputs; each expected value below is worked out in the
 * comment beside it). The definitions are the ones docs/analytics.md states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accuracyByWeek,
  biggestChanges,
  headline,
  migrateWarehouse,
  reps,
  select,
  type Selection,
  trend,
} from '../../src/analytics/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import {
  EAST,
  HAND_FORECAST,
  HAND_NEXT_SNAPSHOT,
  HAND_SNAPSHOT,
  loadHandNextDay,
  loadHandTenant,
  MIA,
  WEST,
} from '../support/hand-tenant.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

describe.each(ENGINES)('derived numbers on a hand-computed tenant (%s)', (engine) => {
  let target: TestWarehouse;
  let wh: Warehouse;
  let current: Selection;

  beforeAll(async () => {
    target = await testWarehouse(engine);
    wh = await target.open();
    await loadHandTenant(wh);
    current = (await select(wh, { forecast: HAND_FORECAST, period: '2026_Q2', field: 'commit' }))!;
  });
  afterAll(async () => {
    await wh.close();
    await target.dispose();
  });

  it('required coverage is 1 / win rate, the win rate being Q1 closed-won over Q1 week-1 open pipeline', async () => {
    const rows = await wh.query<Record<string, unknown>>(
      "SELECT * FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = '2026_Q2' AND field_id = 'commit'",
      [HAND_FORECAST],
    );
    const by = (user: string) => rows.find((r) => r.user_id === user)!;
    // East: Q1 closed 100k / Q1 week-1 pipeline (300k total - 0 closed) = 0.3333 -> required 1 / 0.3333 = 3.00x.
    // (The old closed / week-1 Commit total gave 100k / 80k = 1.25, i.e. a required 0.80x.)
    expect(n(by(EAST).win_rate)).toBeCloseTo(0.3333, 4);
    expect(n(by(EAST).required_coverage)).toBe(3);
    // West: 150k / 500k = 0.30 -> 3.33x.
    expect(n(by(WEST).win_rate)).toBeCloseTo(0.3, 4);
    expect(n(by(WEST).required_coverage)).toBe(3.33);
    // Mia (the team's totals): 250k / 800k = 0.3125 -> 3.20x.
    expect(n(by(MIA).win_rate)).toBeCloseTo(0.3125, 4);
    expect(n(by(MIA).required_coverage)).toBe(3.2);
    for (const r of rows) expect(Number(r.win_rate_periods)).toBe(1);
  });

  it('coverage is open pipeline (the Pipeline field total minus closed) over the quota still to close', async () => {
    const rows = await wh.query<Record<string, unknown>>(
      "SELECT * FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = '2026_Q2' AND field_id = 'commit'",
      [HAND_FORECAST],
    );
    const by = (user: string) => rows.find((r) => r.user_id === user)!;
    // East: pipeline 340k - 40k = 300k; quota left 120k - 40k = 80k; 300 / 80 = 3.75x (Commit's own
    // total would give (60k - 40k) / 80k = 0.25x).
    expect(n(by(EAST).pipeline)).toBe(300_000);
    expect(n(by(EAST).remaining_quota)).toBe(80_000);
    expect(n(by(EAST).coverage)).toBe(3.75);
    // West: (350k - 50k) / (200k - 50k) = 300 / 150 = 2.00x.
    expect(n(by(WEST).coverage)).toBe(2);
    // Mia: (690k - 90k) / (320k - 90k) = 600 / 230 = 2.6087 -> 2.61x.
    expect(n(by(MIA).pipeline)).toBe(600_000);
    expect(n(by(MIA).coverage)).toBe(2.61);
  });

  it('accuracy is 1 - |F - A| / A per rep; WAPE and bias pool the reps; a 14-frame quarter ends at week 13', async () => {
    const points = await accuracyByWeek(wh, HAND_FORECAST, 'commit');
    // Week 1: East 1 - |80 - 100| / 100 = 80.0 %, West 1 - |150 - 150| / 150 = 100.0 %: mean 90.0 %.
    //   WAPE (20 + 0) / (100 + 150) = 8.0 %; bias (-20 + 0) / 250 = -8.0 %.
    // Week 7: East 1 - 15/100 = 85.0 %, West 1 - 15/150 = 90.0 %: mean 87.5 %; WAPE 30/250 = 12.0 %; bias 0.
    // Week 13 (the 14th frame, 2026-03-30; the 13th frame's 95k/170k are left out): East 1 - 10/100 = 90.0 %,
    //   West 1 - 30/150 = 80.0 %: mean 85.0 %; WAPE 40/250 = 16.0 %; bias (-10 + 30) / 250 = +8.0 %.
    expect(points).toEqual([
      { weekIndex: 1, accuracyPct: 90, wapePct: 8, biasPct: -8, periods: 1 },
      { weekIndex: 7, accuracyPct: 87.5, wapePct: 12, biasPct: 0, periods: 1 },
      { weekIndex: 13, accuracyPct: 85, wapePct: 16, biasPct: 8, periods: 1 },
    ]);
  });

  it('the headline: the top owner’s call, quota, closed, coverage and accuracy at this week', async () => {
    const h = await headline(wh, current);
    expect(h.selection.snapshotDate).toBe(HAND_SNAPSHOT);
    expect(h).toMatchObject({
      forecastAmount: 230_000, // Mia's own Commit call
      quota: 320_000,
      closed: 90_000,
      pipeline: 600_000,
      forecastToQuotaPct: 71.9, // 230 / 320 = 71.875 %
      gapToQuota: 90_000, // 320 - 230
      attainmentPct: 28.1, // 90 / 320 = 28.125 %
      coverage: 2.61, // 600 / 230
      requiredCoverage: 3.2, // 1 / (250 / 800)
      weekIndex: 7, // 2026-05-11 is the 7th frame of Q2
      accuracyPct: 87.5, // Q1 week 7, above
      owners: 3,
      reps: 2, // the two Sam Lees: nobody reports to them
      managers: 1, // Mia Chen, whose row is the team's roll-up
      users: 3,
      absent: 0,
      absentNames: [],
    });
  });

  it('the rep table by level: reps are the owners nobody reports to, managers the rest', async () => {
    expect((await reps(wh, current, 'rep')).map((r) => r.userId).sort()).toEqual([EAST, WEST]);
    expect((await reps(wh, current, 'manager')).map((r) => r.userId)).toEqual([MIA]);
    expect(await reps(wh, current)).toHaveLength(3);
    // Both Sam Lees report to Mia Chen, who has no namesake.
    for (const r of await reps(wh, current, 'rep')) expect(r.managerLabel).toBe('Mia Chen');
  });

  it('the rep table: attainment, forecast vs quota and bias over the closed quarter, namesakes told apart', async () => {
    const rows = await reps(wh, current);
    const by = (user: string) => rows.find((r) => r.userId === user)!;
    // East: 40k / 120k = 33.3 %; 60k / 120k = 50.0 %; Q1 bias (90 - 100) / 100 = -10.0 %; coverage 3.75x.
    expect(by(EAST)).toMatchObject({ attainmentPct: 33.3, forecastToQuotaPct: 50, biasPct: -10, coverage: 3.75 });
    // West: 50k / 200k = 25.0 %; 150k / 200k = 75.0 %; Q1 bias (180 - 150) / 150 = +20.0 %.
    expect(by(WEST)).toMatchObject({ attainmentPct: 25, forecastToQuotaPct: 75, biasPct: 20, coverage: 2 });
    expect(by(EAST).label).toBe('Sam Lee (sam.lee@east.example.com)');
    expect(by(WEST).label).toBe('Sam Lee (sam.lee@west.example.com)');
    expect(by(MIA).label).toBe('Mia Chen');
  });

  it('the trend: the top’s call against quota and closed, week by week of the quarter', async () => {
    const t = await trend(wh, current);
    // Q2 week 1: call 200k, quota 320k, closed 0; week 7: 230k, 320k, 90k (Mia's own rows).
    expect(t.points).toEqual([
      { weekIndex: 1, call: 200_000, quota: 320_000, closed: 0 },
      { weekIndex: 7, call: 230_000, quota: 320_000, closed: 90_000 },
    ]);
  });

  it('the next day: changes by level, the largest move of 7 days and weeks since an update', async () => {
    await loadHandNextDay(wh);
    const next = (await select(wh, { forecast: HAND_FORECAST, period: '2026_Q2', field: 'commit' }))!;
    expect(next.snapshotDate).toBe(HAND_NEXT_SNAPSHOT);
    // East 60k -> 75k (+15k, +25.0 %); Mia's roll-up 230k -> 245k (+15k, +6.5 %): the same move twice.
    const moves = (level: 'rep' | 'manager' | 'all') =>
      biggestChanges(wh, { forecast: HAND_FORECAST, period: '2026_Q2', days: 7, limit: 10, level });
    expect((await moves('rep')).map((c) => [c.userId, c.label, c.change, c.changePct])).toEqual([
      [EAST, 'Sam Lee (sam.lee@east.example.com)', 15_000, 25],
    ]);
    expect((await moves('manager')).map((c) => [c.userId, c.level, c.change, c.changePct])).toEqual([
      [MIA, 'manager', 15_000, 6.5],
    ]);
    expect(await moves('all')).toHaveLength(2);
    const rows = await reps(wh, next);
    const by = (user: string) => rows.find((r) => r.userId === user)!;
    // Largest move of the last 7 days: east 15k, Mia 15k, west none.
    expect(by(EAST).largestMove7d).toBe(15_000);
    expect(by(MIA).largestMove7d).toBe(15_000);
    expect(by(WEST).largestMove7d).toBeNull();
    // Weeks since update: the latest week (7) less the last week flagged updated: west's is week 1.
    expect(by(EAST).weeksSinceUpdate).toBe(0);
    expect(by(WEST).weeksSinceUpdate).toBe(6);
    // The headline and the trend move with the manager's roll-up: 245k is 76.6 % of 320k.
    const h = await headline(wh, next);
    expect(h).toMatchObject({ forecastAmount: 245_000, forecastToQuotaPct: 76.6 });
    expect((await trend(wh, next)).points.at(-1)).toEqual({
      weekIndex: 7,
      call: 245_000,
      quota: 320_000,
      closed: 90_000,
    });
  });

  it('a warehouse with the old views gets the current ones on its next migration', async () => {
    await wh.exec('DROP VIEW v_pipeline_coverage');
    await wh.exec('CREATE VIEW v_pipeline_coverage AS SELECT 1 AS old_definition');
    await wh.exec("UPDATE clari_schema_migrations SET checksum = 'checksum-of-an-older-release' WHERE version = 2");
    expect(await migrateWarehouse(wh, () => '2026-05-16 06:00:00')).toEqual([2]);
    const [row] = await wh.query<Record<string, unknown>>(
      "SELECT required_coverage FROM v_pipeline_coverage WHERE user_id = $1 AND time_period = '2026_Q2' AND field_id = 'commit'",
      [EAST],
    );
    expect(n(row!.required_coverage)).toBe(3);
    // Applied once: the ledger now holds the current checksum, so nothing is pending.
    expect(await migrateWarehouse(wh, () => '2026-05-17 06:00:00')).toEqual([]);
  });
});
