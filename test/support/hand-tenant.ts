/**
 * A tenant small enough to compute every derived number by hand (test/analytics/definitions.test.ts
 * does, in its comments): one manager, Mia Chen, and two reps who share a name, Sam Lee (east and
 * west, told apart by e-mail), in one forecast with a Commit, a Pipeline and a Quota field.
 *
 * 2026_Q1 is closed (the 2026-05-15 snapshot is after its end). Its calendar has 14 Monday frames
 * (2025-12-29 to 2026-03-30, cut at both ends), so week 13 is the last frame (2026-03-30) and the
 * 13th frame (2026-03-23) is left out. 2026_Q2 is in progress: 7 frames to 2026-05-11 (week 7).
 *
 * Values per owner (k = $1,000), Q1 closed:
 *
 *   owner          quota  week 1: commit / pipeline total / closed   week 7: commit   frame 13: commit   week 13: commit / pipeline total / closed
 *   Sam Lee east   100k   80k / 300k / 0                            85k              95k (left out)     90k / 250k / 100k
 *   Sam Lee west   200k   150k / 500k / 0                           165k             170k (left out)    180k / 400k / 150k
 *   Mia Chen       300k   230k / 800k / 0                           250k             265k (left out)    280k / 650k / 250k
 *
 * Q2 in progress (snapshot 2026-05-15):
 *
 *   owner          quota  week 1: commit / closed     week 7: commit / commit total / pipeline total / closed
 *   Sam Lee east   120k   50k / 0                    60k / 60k / 340k / 40k
 *   Sam Lee west   200k   140k / 0                   150k / 150k / 350k / 50k
 *   Mia Chen       320k   200k / 0                   230k / 230k / 690k / 90k
 */
import { migrateWarehouse } from '../../src/analytics/index.js';
import { decodeActivityJson, decodeOpportunityBatches, decodeResults } from '../../src/clari/index.js';
import { loadSnapshot } from '../../src/pipeline/index.js';
import { loadActivityWindow, loadRefresh } from '../../src/pipeline/deal-load.js';
import type { Warehouse } from '../../src/warehouse/index.js';

export const HAND_FORECAST = 'hand_arr';
export const EAST = 'u-east';
export const WEST = 'u-west';
export const MIA = 'u-mia';

const k = (n: number): number => n * 1000;

const users = [
  {
    userId: MIA,
    name: 'Mia Chen',
    email: 'mia.chen@example.com',
    crmId: 'crm-mia',
    scopeId: 'h-mia::MGR',
    hierarchyId: 'h-mia',
    hierarchyName: 'VP Sales',
    parentHierarchyId: null,
    parentHierarchyName: null,
  },
  {
    userId: EAST,
    name: 'Sam Lee',
    email: 'sam.lee@east.example.com',
    crmId: 'crm-east',
    scopeId: 'h-east::MGR',
    hierarchyId: 'h-east',
    hierarchyName: 'AE East',
    parentHierarchyId: 'h-mia',
    parentHierarchyName: 'VP Sales',
  },
  {
    userId: WEST,
    name: 'Sam Lee',
    email: 'sam.lee@west.example.com',
    crmId: 'crm-west',
    scopeId: 'h-west::MGR',
    hierarchyId: 'h-west',
    hierarchyName: 'AE West',
    parentHierarchyId: 'h-mia',
    parentHierarchyName: 'VP Sales',
  },
];

const fields = [
  { fieldId: 'commit', fieldName: 'Commit', fieldType: 'forecast' },
  { fieldId: 'pipeline', fieldName: 'Pipeline', fieldType: 'forecast' },
  { fieldId: 'quota', fieldName: 'Quota', fieldType: 'quota' },
];

/** Monday frames from `first`, `count` of them. */
function frames(first: string, count: number): { timeFrameId: string; startDate: string; endDate: string }[] {
  const out = [];
  for (let i = 0; i < count; i++) {
    const start = new Date(Date.parse(`${first}T00:00:00Z`) + i * 7 * 86_400_000);
    const end = new Date(start.getTime() + 6 * 86_400_000);
    const day = (d: Date): string => d.toISOString().slice(0, 10);
    out.push({ timeFrameId: `TF:${day(start)}`, startDate: day(start), endDate: day(end) });
  }
  return out;
}

interface Week {
  readonly frame: string;
  /** Per user: commit, and optionally commit CRM total, pipeline CRM total, closed. */
  readonly values: Record<string, { commit: number; commitTotal?: number; pipeTotal?: number; closed: number }>;
}

function entries(period: string, quota: Record<string, number>, weeks: readonly Week[]): unknown[] {
  const out: unknown[] = [];
  for (const week of weeks) {
    for (const [userId, v] of Object.entries(week.values)) {
      const base = { userId, timePeriodId: period, timeFrameId: week.frame };
      out.push({
        ...base,
        fieldId: 'commit',
        forecastValue: v.commit,
        crmTotalValue: v.commitTotal ?? v.commit,
        crmClosedValue: v.closed,
        isUpdated: true,
      });
      if (v.pipeTotal !== undefined)
        out.push({
          ...base,
          fieldId: 'pipeline',
          forecastValue: v.pipeTotal,
          crmTotalValue: v.pipeTotal,
          crmClosedValue: v.closed,
          isUpdated: true,
        });
      out.push({ ...base, fieldId: 'quota', quotaValue: quota[userId] });
    }
  }
  return out;
}

const Q1 = {
  period: '2026_Q1',
  doc: {
    entries: entries('2026_Q1', { [EAST]: k(100), [WEST]: k(200), [MIA]: k(300) }, [
      {
        frame: 'TF:2025-12-29',
        values: {
          [EAST]: { commit: k(80), pipeTotal: k(300), closed: 0 },
          [WEST]: { commit: k(150), pipeTotal: k(500), closed: 0 },
          [MIA]: { commit: k(230), pipeTotal: k(800), closed: 0 },
        },
      },
      {
        frame: 'TF:2026-02-09',
        values: {
          [EAST]: { commit: k(85), closed: k(30) },
          [WEST]: { commit: k(165), closed: k(60) },
          [MIA]: { commit: k(250), closed: k(90) },
        },
      },
      {
        frame: 'TF:2026-03-23',
        values: {
          [EAST]: { commit: k(95), closed: k(90) },
          [WEST]: { commit: k(170), closed: k(140) },
          [MIA]: { commit: k(265), closed: k(230) },
        },
      },
      {
        frame: 'TF:2026-03-30',
        values: {
          [EAST]: { commit: k(90), pipeTotal: k(250), closed: k(100) },
          [WEST]: { commit: k(180), pipeTotal: k(400), closed: k(150) },
          [MIA]: { commit: k(280), pipeTotal: k(650), closed: k(250) },
        },
      },
    ]),
    users,
    fields,
    timePeriods: [{ timePeriodId: '2026_Q1', startDate: '2026-01-01', endDate: '2026-03-31', label: 'Quarter 1' }],
    timeFrames: frames('2025-12-29', 14),
  },
};

const Q2 = {
  period: '2026_Q2',
  doc: {
    entries: entries('2026_Q2', { [EAST]: k(120), [WEST]: k(200), [MIA]: k(320) }, [
      {
        frame: 'TF:2026-03-30',
        values: {
          [EAST]: { commit: k(50), closed: 0 },
          [WEST]: { commit: k(140), closed: 0 },
          [MIA]: { commit: k(200), closed: 0 },
        },
      },
      {
        frame: 'TF:2026-05-11',
        values: {
          [EAST]: { commit: k(60), commitTotal: k(60), pipeTotal: k(340), closed: k(40) },
          [WEST]: { commit: k(150), commitTotal: k(150), pipeTotal: k(350), closed: k(50) },
          [MIA]: { commit: k(230), commitTotal: k(230), pipeTotal: k(690), closed: k(90) },
        },
      },
    ]),
    users,
    fields,
    timePeriods: [{ timePeriodId: '2026_Q2', startDate: '2026-04-01', endDate: '2026-06-30', label: 'Quarter 2' }],
    timeFrames: frames('2026-03-30', 7),
  },
};

export const HAND_SNAPSHOT = '2026-05-15';

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
  await Promise.resolve();
}

function loadDoc(wh: Warehouse, period: string, doc: unknown, asOf: string): Promise<unknown> {
  return wh.transaction((tx) =>
    loadSnapshot(tx, {
      snapshot: { forecastId: HAND_FORECAST, period, asOf },
      runId: `hand-${period}-${asOf}`,
      jobId: `job-${period}-${asOf}`,
      payloadSha256: undefined,
      exportedAt: Date.parse(`${asOf}T06:00:00Z`),
      now: Date.parse(`${asOf}T06:00:00Z`),
      allowTruncated: false,
      parts: decodeResults(
        { format: 'JSON', body: bytes(JSON.stringify(doc)), status: 200, headers: new Headers() },
        { requestedPeriod: period },
      ),
    }),
  );
}

/** Migrates `wh` and loads both quarters as of 2026-05-15. */
export async function loadHandTenant(wh: Warehouse): Promise<void> {
  await migrateWarehouse(wh, () => '2026-05-15 06:00:00');
  for (const { period, doc } of [Q1, Q2]) await loadDoc(wh, period, doc, HAND_SNAPSHOT);
}

export const HAND_NEXT_SNAPSHOT = '2026-05-18';

/**
 * The next business day's Q2 export (2026-05-18): Sam Lee east raises the week-7 Commit call from
 * 60k to 75k; Sam Lee west's week-7 call is no longer flagged as updated (he last touched it in
 * week 1); Mia Chen's roll-up follows east, 230k -> 245k.
 */
export async function loadHandNextDay(wh: Warehouse): Promise<void> {
  const doc = structuredClone(Q2.doc) as { entries: Record<string, unknown>[] };
  for (const e of doc.entries) {
    if (e.timeFrameId !== 'TF:2026-05-11' || e.fieldId !== 'commit') continue;
    if (e.userId === EAST) Object.assign(e, { forecastValue: k(75), crmTotalValue: k(75) });
    if (e.userId === MIA) Object.assign(e, { forecastValue: k(245), crmTotalValue: k(245) });
    if (e.userId === WEST) e.isUpdated = false;
  }
  await loadDoc(wh, Q2.period, doc, HAND_NEXT_SNAPSHOT);
}

/**
 * Deals of the hand tenant (CRM ids crm-mia, crm-east, crm-west), refreshed on both Q2 snapshot
 * dates, and the activity of Q2 up to 2026-05-18 (test/analytics/deals.test.ts works the figures out):
 *
 *   deal          owner  2026-05-15                          2026-05-18                          note
 *   o1 East Big   east   50k Negotiation 06-20 score 70      65k Negotiation 06-20 score 70      amount +15k
 *   o2 East Slip  east   40k Proposal 06-25 score 60         40k Proposal 07-15 score 45         slipped to Q3
 *   o3 East Small east   10k Discovery 05-30 score 50        (same)                              did not move
 *   o4 West Pull  west   20k Proposal 07-10 score 55         20k Proposal 06-28 score 55         pulled into Q2
 *   o5 West Q3    west   30k Proposal 08-10 score 50         35k Proposal 08-10 score 50         moved, closes in Q3
 *   o6 East New   east   (not refreshed yet)                 90k Negotiation 06-10 score 80      first seen 05-18
 *   o7 West Won   west   100k Closed Won 05-01 score 90      (same)                              closed
 *   o8 West Big   west   80k Negotiation 06-15 score 60      80k Negotiation 06-15 score 40      score falling
 *
 *   activity  type            at (UTC)          deals    participants
 *   a1        MEETING         2026-05-11 14:00  o6       east (internal), buyer@six.example, cfo@six.example
 *   a2        MEETING         2026-04-20 15:00  o8       west, mia (internal), ann@eight.example
 *   a3        EMAIL_SENT      2026-05-15 16:00  o8       west, ann@eight.example
 *   a4        MEETING         2026-05-04 14:00  o1       east, bob@one.example
 *   a5        EMAIL_RECEIVED  2026-05-17 09:00  o1, o3   east, bob@one.example
 */
export const HAND_DEALS = { o1: 'o1', o2: 'o2', o3: 'o3', o4: 'o4', o5: 'o5', o6: 'o6', o7: 'o7', o8: 'o8' } as const;

interface HandDeal {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly amount: number;
  readonly stage: string;
  readonly close: string;
  readonly score: number;
}

const deal = (
  id: string,
  name: string,
  owner: string,
  amount: number,
  stage: string,
  close: string,
  score: number,
): HandDeal => ({
  id,
  name,
  owner,
  amount,
  stage,
  close,
  score,
});

const DEALS_0515: readonly HandDeal[] = [
  deal('o1', 'East Big', 'crm-east', k(50), 'Negotiation', '2026-06-20', 70),
  deal('o2', 'East Slip', 'crm-east', k(40), 'Proposal', '2026-06-25', 60),
  deal('o3', 'East Small', 'crm-east', k(10), 'Discovery', '2026-05-30', 50),
  deal('o4', 'West Pull', 'crm-west', k(20), 'Proposal', '2026-07-10', 55),
  deal('o5', 'West Q3', 'crm-west', k(30), 'Proposal', '2026-08-10', 50),
  deal('o7', 'West Won', 'crm-west', k(100), 'Closed Won', '2026-05-01', 90),
  deal('o8', 'West Big', 'crm-west', k(80), 'Negotiation', '2026-06-15', 60),
];

const DEALS_0518: readonly HandDeal[] = [
  deal('o1', 'East Big', 'crm-east', k(65), 'Negotiation', '2026-06-20', 70),
  deal('o2', 'East Slip', 'crm-east', k(40), 'Proposal', '2026-07-15', 45),
  deal('o3', 'East Small', 'crm-east', k(10), 'Discovery', '2026-05-30', 50),
  deal('o4', 'West Pull', 'crm-west', k(20), 'Proposal', '2026-06-28', 55),
  deal('o5', 'West Q3', 'crm-west', k(35), 'Proposal', '2026-08-10', 50),
  deal('o6', 'East New', 'crm-east', k(90), 'Negotiation', '2026-06-10', 80),
  deal('o7', 'West Won', 'crm-west', k(100), 'Closed Won', '2026-05-01', 90),
  deal('o8', 'West Big', 'crm-west', k(80), 'Negotiation', '2026-06-15', 40),
];

function opportunityJson(d: HandDeal): unknown {
  const field = (id: string, value: string | number) => ({ id, value, trendHistory: [] });
  return {
    id: d.id,
    crmScore: { score: d.score, message: `score ${d.score}` },
    fields: [
      field('opportunity.name', d.name),
      field('opportunity.ownerId', d.owner),
      field('opportunity.amount', d.amount),
      field('opportunity.stage', d.stage),
      field('opportunity.closeDate', d.close),
    ],
  };
}

const person = (email: string, internal: boolean) => ({
  name: email.split('@')[0]!,
  email,
  sfdcUserId: internal ? `crm-${email.split('.')[0]!}` : '',
  isInternal: internal,
});
const EAST_P = person('sam.lee@east.example.com', true);
const WEST_P = person('sam.lee@west.example.com', true);
const MIA_P = person('mia.chen@example.com', true);

function activityJson(
  id: string,
  type: string,
  at: string,
  deals: readonly string[],
  people: readonly unknown[],
): unknown {
  return {
    activityId: id,
    activityType: type,
    subject: `${type} ${id}`,
    date: Date.parse(`${at}:00Z`),
    activityOwnerId: 'crm-east',
    activityOrganiserId: 'crm-east',
    accounts: [],
    opportunities: deals.map((d) => ({ opportunityId: d, opportunityName: d, opportunityOwnerId: 'crm-east' })),
    participants: people,
  };
}

const ACTIVITIES = [
  activityJson(
    'a1',
    'MEETING',
    '2026-05-11T14:00',
    ['o6'],
    [EAST_P, person('buyer@six.example', false), person('cfo@six.example', false)],
  ),
  activityJson('a2', 'MEETING', '2026-04-20T15:00', ['o8'], [WEST_P, MIA_P, person('ann@eight.example', false)]),
  activityJson('a3', 'EMAIL_SENT', '2026-05-15T16:00', ['o8'], [WEST_P, person('ann@eight.example', false)]),
  activityJson('a4', 'MEETING', '2026-05-04T14:00', ['o1'], [EAST_P, person('bob@one.example', false)]),
  activityJson('a5', 'EMAIL_RECEIVED', '2026-05-17T09:00', ['o1', 'o3'], [EAST_P, person('bob@one.example', false)]),
];

function refresh(wh: Warehouse, asOf: string, deals: readonly HandDeal[]): Promise<unknown> {
  const doc = JSON.stringify({ asOf, batches: [deals.map(opportunityJson)] });
  return wh.transaction((tx) =>
    loadRefresh(tx, {
      asOf,
      runId: `hand-deals-${asOf}`,
      payloadSha256: null,
      now: Date.parse(`${asOf}T06:00:00Z`),
      requested: deals.length,
      calls: 1,
      batches: decodeOpportunityBatches(bytes(doc)),
    }),
  );
}

/** After loadHandTenant and loadHandNextDay: the deals refreshed on both dates and Q2's activity up to 2026-05-18. */
export async function loadHandDeals(wh: Warehouse): Promise<void> {
  await refresh(wh, HAND_SNAPSHOT, DEALS_0515);
  await refresh(wh, HAND_NEXT_SNAPSHOT, DEALS_0518);
  const doc = JSON.stringify({ activities: ACTIVITIES });
  await wh.transaction((tx) =>
    loadActivityWindow(tx, {
      asOf: HAND_NEXT_SNAPSHOT,
      window: { from: '2026-04-01', to: HAND_NEXT_SNAPSHOT },
      fromMs: Date.parse('2026-04-01T00:00:00Z'),
      toMs: Date.parse('2026-05-18T23:59:59Z'),
      runId: 'hand-activity',
      jobId: null,
      payloadSha256: null,
      exportedAt: Date.parse('2026-05-18T06:00:00Z'),
      now: Date.parse('2026-05-18T06:00:00Z'),
      activities: decodeActivityJson(bytes(doc)),
    }),
  );
}
