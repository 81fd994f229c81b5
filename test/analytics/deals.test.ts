/**
 * The deal analytics on a tenant small enough to work out by hand (test/support/hand-tenant.ts,
 * loadHandDeals: eight deals of Mia Chen's team refreshed on 2026-05-15 and 2026-05-18, five
 * activities), through the real load path, on DuckDB and PostgreSQL: the deals behind a rep's and a
 * manager's call change, engagement per deal, the deals at risk with the defaults and with the
 * report's thresholds, and the change alert's sentence. docs/analytics.md ("Deals behind the
 * forecast") states the definitions; each expected value is worked out in the comment beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, evaluate, renderAlert } from '../../src/alerts/index.js';
import {
  dealData,
  dealMoveCounts,
  dealMoveKey,
  dealsAtRisk,
  dealsBehindChange,
  dealsBehindChanges,
  biggestChanges,
} from '../../src/analytics/index.js';
import { loadChangeEvents } from '../../src/changes/index.js';
import { dealsAtRiskReport, dealsReport } from '../../src/cli/commands/report-deals.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import {
  EAST,
  HAND_FORECAST,
  HAND_NEXT_SNAPSHOT,
  loadHandDeals,
  loadHandNextDay,
  loadHandTenant,
  MIA,
  WEST,
} from '../support/hand-tenant.js';
import { type Recorded, RecordingWarehouse } from '../support/recording.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const key = (userId: string) => ({
  forecast: HAND_FORECAST,
  period: '2026_Q2',
  userId,
  fieldId: 'commit',
  snapshot: HAND_NEXT_SNAPSHOT,
});

describe.each(ENGINES)('deals behind the forecast on a hand-computed tenant (%s)', (engine) => {
  let target: TestWarehouse;
  let wh: Warehouse;

  beforeAll(async () => {
    target = await testWarehouse(engine);
    wh = await target.open();
    await loadHandTenant(wh);
    await loadHandNextDay(wh);
    // Before any deal is loaded, the services say so (the reports turn that into how to turn it on).
    expect(await dealData(wh)).toMatchObject({ loaded: false, windows: 0, refreshes: 0 });
    await expect(dealsReport(wh, {}, 'table')).rejects.toThrow(/No deal data.*activity export has never run/);
    await loadHandDeals(wh);
  });
  afterAll(async () => {
    await wh.close();
    await target.dispose();
  });

  it("lists a rep's deals that moved between the change's snapshots, closing in its period", async () => {
    // East's Commit 60k -> 75k on 05-18. Their deals: o1 50k -> 65k (amount), o2 close 06-25 -> 07-15
    // (slipped out of Q2), o3 unchanged, o6 first refreshed on 05-18 (no earlier state: not listed).
    const behind = (await dealsBehindChange(wh, key(EAST)))!;
    expect(behind.change).toMatchObject({ userId: EAST, level: 'rep', change: 15_000, previousSnapshot: '2026-05-15' });
    expect(behind.deals.map((d) => d.opportunityId)).toEqual(['o1', 'o2']); // the largest amount change first
    expect(behind.deals[0]).toMatchObject({
      previousAmount: 50_000,
      currentAmount: 65_000,
      amountChange: 15_000,
      amountChanged: true,
      stageChanged: false,
      closeDateChanged: false,
      slipped: false,
      owner: 'Sam Lee (sam.lee@east.example.com)',
    });
    expect(behind.deals[1]).toMatchObject({
      previousCloseDate: '2026-06-25',
      currentCloseDate: '2026-07-15',
      amountChange: 0,
      closeDateChanged: true,
      slipped: true,
      pulledIn: false,
    });
    expect(behind.summary).toEqual({ deals: 2, slipped: 1, pulledIn: 0, amountChange: 15_000 });
  });

  it("lists a manager's team's deals: everyone below them", async () => {
    // Mia's roll-up 230k -> 245k: East's o1 and o2, and West's o4 (close 07-10 -> 06-28: pulled into
    // Q2). West's o5 moved but closes in Q3 on both dates; o8's score alone changed: neither counts.
    const behind = (await dealsBehindChange(wh, key(MIA)))!;
    expect(behind.change.level).toBe('manager');
    expect(behind.deals.map((d) => d.opportunityId)).toEqual(['o1', 'o2', 'o4']);
    expect(behind.deals.find((d) => d.opportunityId === 'o4')).toMatchObject({ pulledIn: true, slipped: false });
    expect(behind.summary).toEqual({ deals: 3, slipped: 1, pulledIn: 1, amountChange: 15_000 });
    // The changes list's counts agree with the drill-down.
    const changes = await biggestChanges(wh, { forecast: HAND_FORECAST, period: '2026_Q2', days: 7, level: 'all' });
    const counts = await dealMoveCounts(wh, changes);
    expect(changes.map((c) => [c.userId, counts.get(dealMoveKey(c))?.deals])).toEqual([
      [MIA, 3],
      [EAST, 2],
    ]);
    expect(await dealsBehindChange(wh, { ...key(WEST) })).toBeUndefined(); // West's call did not move
    // The report's batched read: each change of the list, in its order, with its own deals (the
    // drill-down reads one change through it, so the hand-computed ids are the reference).
    const batched = await dealsBehindChanges(wh, changes);
    expect(batched.map((b) => [b.change, b.deals.map((d) => d.opportunityId), b.summary.deals])).toEqual([
      [changes[0], ['o1', 'o2', 'o4'], 3],
      [changes[1], ['o1', 'o2'], 2],
    ]);
    const [mia, east] = [batched[0]!.deals, batched[1]!.deals];
    expect(await dealsBehindChanges(wh, [])).toEqual([]);
    // A long list is read in parts, each far below an engine's parameter limit (5 per change): 399
    // changes without deals (other dates), then East's and Mia's, Mia's twice (read once).
    const others = Array.from({ length: 399 }, (_, i) => ({
      ...changes[0]!,
      snapshot: new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
    }));
    const many = [...others, changes[1]!, changes[0]!, changes[0]!];
    const log: Recorded[] = [];
    const listed = await dealsBehindChanges(new RecordingWarehouse(wh, log), many);
    expect(listed.map((b) => b.deals)).toEqual([...others.map(() => []), east, mia, mia]);
    const highest = (sql: string): number => Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    expect(log.filter((l) => l.sql.includes('v_deal_movement')).map((l) => highest(l.sql))).toEqual([1000, 1000, 5]);
  });

  it('measures engagement per deal as of the latest refresh', async () => {
    const rows = await wh.query<Record<string, unknown>>('SELECT * FROM v_deal_engagement ORDER BY opportunity_id');
    const by = (id: string) => rows.find((r) => r.opportunity_id === id)!;
    const n = (v: unknown): number | null => (v === null ? null : Number(v));
    expect(rows).toHaveLength(8);
    expect(String(by('o1').as_of)).toBe('2026-05-18');
    expect(by('o1').quarter).toBe('2026_Q2');
    // o1: a4 (meeting 05-04) and a5 (e-mail 05-17): 2 activities, 1 meeting, 14 days since the meeting,
    // 1 since the last activity; people: Sam Lee east inside, bob@one.example outside.
    expect([n(by('o1').activities), n(by('o1').meetings), by('o1').last_activity_type]).toEqual([
      2,
      1,
      'EMAIL_RECEIVED',
    ]);
    expect([n(by('o1').days_since_last_meeting), n(by('o1').days_since_last_activity)]).toEqual([14, 1]);
    expect([n(by('o1').internal_participants), n(by('o1').external_participants)]).toEqual([1, 1]);
    // o8: a2 (meeting 04-20: West, Mia, ann) and a3 (e-mail 05-15: West, ann): 28 days since the
    // meeting; 2 inside, 1 outside; score 60 -> 40: falling.
    expect([
      n(by('o8').days_since_last_meeting),
      n(by('o8').internal_participants),
      n(by('o8').external_participants),
    ]).toEqual([28, 2, 1]);
    expect([n(by('o8').previous_crm_score), n(by('o8').crm_score_change), by('o8').score_falling]).toEqual([
      60,
      -20,
      true,
    ]);
    // o1's version changed (amount) but its score did not: no previous score, not falling.
    expect([by('o1').previous_crm_score, by('o1').score_falling]).toEqual([null, false]);
    // o3 (in a5 only): no meeting loaded; o4: no activity at all.
    expect([n(by('o3').meetings), by('o3').last_meeting_at, by('o3').days_since_last_meeting]).toEqual([0, null, null]);
    expect([n(by('o4').activities), n(by('o4').internal_participants)]).toEqual([0, 0]);
    // Open deals closing in Q2 ranked by amount: o3 10k (0), o4 20k (1/4), o1 65k (2/4), o8 80k (3/4),
    // o6 90k (4/4); large at 0.75: o8 and o6. o2 and o5 close in Q3, o7 is Closed Won.
    expect(rows.map((r) => [r.opportunity_id, n(r.amount_percent_rank), r.is_large])).toEqual([
      ['o1', 0.5, false],
      ['o2', null, false],
      ['o3', 0, false],
      ['o4', 0.25, false],
      ['o5', null, false],
      ['o6', 1, true],
      ['o7', null, false],
      ['o8', 0.75, true],
    ]);
    expect([by('o7').is_open, by('o2').closing_this_quarter, by('o1').closing_this_quarter]).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('finds the deals at risk with the defaults and with the report thresholds', async () => {
    // Defaults (14 days, top quarter): o8 (score falling, 28 days); o6 had a meeting 7 days ago.
    const view = await wh.query<{ opportunity_id: string }>('SELECT opportunity_id FROM v_deals_at_risk');
    expect(view.map((r) => r.opportunity_id)).toEqual(['o8']);
    const ids = async (o: Parameters<typeof dealsAtRisk>[1]) =>
      (await dealsAtRisk(wh, o)).deals.map((d) => d.opportunityId);
    const risk = await dealsAtRisk(wh);
    expect(risk).toMatchObject({ asOf: '2026-05-18', quarter: '2026_Q2', quietDays: 14, minAmount: null, total: 1 });
    expect(risk.deals[0]).toMatchObject({
      scoreFalling: true,
      noRecentMeeting: true,
      daysSinceLastMeeting: 28,
      previousCrmScore: 60,
    });
    // Quiet after 5 days: o6's meeting 7 days ago no longer counts (largest first).
    expect(await ids({ quietDays: 5 })).toEqual(['o6', 'o8']);
    // Large = at least $60k (o1, o8, o6): o1's meeting is 14 days old, not more than 14.
    expect(await ids({ minAmount: 60_000 })).toEqual(['o8']);
    // At least $5k and 13 days: o1 (14 > 13), o4 (no activity), o3 (no meeting) join o8.
    expect(await ids({ minAmount: 5_000, quietDays: 13 })).toEqual(['o8', 'o1', 'o4', 'o3']);
    // A rep's deals, and a manager's team's.
    expect(await ids({ minAmount: 5_000, quietDays: 13, userId: WEST })).toEqual(['o8', 'o4']);
    expect(await ids({ minAmount: 5_000, quietDays: 13, userId: EAST })).toEqual(['o1', 'o3']);
    expect(await ids({ minAmount: 5_000, quietDays: 13, userId: MIA })).toEqual(['o8', 'o1', 'o4', 'o3']);
    const limited = await dealsAtRisk(wh, { minAmount: 5_000, quietDays: 13, limit: 2 });
    expect([limited.total, limited.deals.length]).toEqual([4, 2]);
  });

  it('says in the change alert what the deals did', async () => {
    const events = await loadChangeEvents(wh, {
      forecastId: HAND_FORECAST,
      period: '2026_Q2',
      snapshot: HAND_NEXT_SNAPSHOT,
    });
    const east = events.find((e) => e.userId === EAST && e.kind === 'changed')!;
    expect(east.deals).toEqual({ moved: 2, slipped: 1, pulledIn: 0, amountChange: 15_000 });
    expect(events.find((e) => e.userId === MIA)!.deals).toEqual({
      moved: 3,
      slipped: 1,
      pulledIn: 1,
      amountChange: 15_000,
    });
    // The default swing rule fires on East (+25%, +$15,000), not on Mia's roll-up (+6.5%).
    const [candidate, ...others] = evaluate(DEFAULT_RULES, events, [], () => undefined);
    expect(others).toEqual([]);
    const alert = renderAlert(candidate!, { runId: 'hand', place: () => undefined });
    expect(alert.text).toBe(
      'Sam Lee: Commit on hand_arr 2026_Q2 up 25.0% ($60,000 -> $75,000). 1 deal slipped to a later quarter; 2 deals moved in all (+$15,000 in amounts).',
    );
    expect(alert.fields).toContainEqual({
      label: 'Deals',
      value: '1 deal slipped to a later quarter; 2 deals moved in all (+$15,000 in amounts)',
    });
    expect(alert.data.deals).toEqual({ moved: 2, slipped: 1, pulledIn: 0, amountChange: 15_000 });
  });

  it('prints the deals reports', async () => {
    const deals = await dealsReport(wh, { owner: 'sam.lee@east.example.com', days: 7 }, 'table');
    expect(deals).toContain('2 deals moved (+$15,000 in amounts), 1 slipped out of the quarter');
    expect(deals).toMatch(
      /East Slip\s.*\$40,000\s+\$40,000\s+\$0\s+Proposal\s+2026-06-25 -> 2026-07-15\s+slipped out of the quarter/,
    );
    await expect(dealsReport(wh, { owner: 'Sam Lee' }, 'table')).rejects.toThrow(/names 2 users/);
    const csv = (await dealsReport(wh, { level: 'manager' }, 'csv')).trim().split('\n');
    expect(csv).toHaveLength(4); // header + Mia's three deals
    expect(csv[0]).toMatch(/^snapshot,previous_snapshot,forecast,period,owner,level,field,call_change,opportunity_id,/);
    const risk = JSON.parse(await dealsAtRiskReport(wh, { quietDays: 5 }, 'json'));
    expect(risk.deals.map((d: { opportunityId: string }) => d.opportunityId)).toEqual(['o6', 'o8']);
    await expect(dealsAtRiskReport(wh, { forecast: HAND_FORECAST }, 'table')).rejects.toThrow(/takes no --forecast/);
    const table = await dealsAtRiskReport(wh, {}, 'table');
    expect(table).toMatch(/West Big\s.*\$80,000.*CRM score down 60 -> 40; no meeting in 28 days \(> 14\)/);
  });
});
