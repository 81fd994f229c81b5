/**
 * The tenant's deals and the activity on them, as pure functions of (seed, business date) like the
 * forecast calls they follow. Each rep has a handful of opportunities per quarter in three bands:
 * commit deals share the rep's Commit call, best-case deals the Best Case above it, pipeline deals
 * the Pipeline above that, summed over the forecast tabs. So when a call moves, the deals under it
 * move: their amounts change the same day (POST /__sim/clock moves both), when the commit falls well
 * below its quarter high the largest commit deal slips to next quarter (stage back to Proposal),
 * best-case deals' close dates move out as their band falls, and pipeline deals advance a stage.
 * Meetings and e-mails happen on business days with seeded odds; some deals go dark (no meeting
 * after their first weeks) and their CRM score falls. The simulator's unit is the business day: an
 * export made on a day sees all of that day's activities.
 */
import { hashString, randomHex, seededRandom } from '../core/index.js';
import { fromEpochDay, periodRange, shiftPeriod, toEpochDay } from '../domain/index.js';
import type { SimUser, Tenant } from './tenant.js';

export interface SimDeal {
  readonly opportunityId: string;
  readonly name: string;
  readonly owner: SimUser;
  readonly accountId: string;
  readonly accountName: string;
  readonly band: 0 | 1 | 2;
  readonly share: number;
  /** No meeting after this day. */
  readonly darkFrom: number;
  readonly quarterStart: number;
  readonly quarterEnd: number;
  readonly baseClose: number;
}

export interface DealState {
  readonly amount: number;
  readonly stage: string;
  readonly closeDate: string;
  readonly score: number;
  readonly scoreMessage: string;
}

export interface DealPoint {
  readonly field: 'opportunity.amount' | 'opportunity.stage' | 'opportunity.closeDate';
  readonly oldValue: string;
  readonly newValue: string;
  /** Epoch ms. */
  readonly at: number;
}

const STAGES = ['Negotiation', 'Proposal', 'Discovery'] as const;
const ACCOUNTS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Soylent', 'Tyrell'];
const SUFFIX = ['Corp', 'Labs', 'Group', 'Systems', 'Health', 'Energy'];
const DAY = 86_400_000;

/** Salesforce-looking 18-character id with a prefix (006 opportunities, 001 accounts). */
function crmId(prefix: string, key: string): string {
  return prefix + randomHex(seededRandom(key), 15).toUpperCase();
}

/** The deals of every rep active on `day`, for the quarter of `day`. */
export function dealsOf(tenant: Tenant, day: number): SimDeal[] {
  const period = tenant.currentPeriod(day);
  const range = periodRange(period, tenant.fiscal);
  const qStart = toEpochDay(range.startDate);
  const qEnd = toEpochDay(range.endDate);
  const out: SimDeal[] = [];
  for (const user of tenant.users) {
    if (user.level !== 3 || !tenant.isActive(user, day)) continue;
    out.push(...repDeals(tenant, user, period, qStart, qEnd));
  }
  return out;
}

function repDeals(tenant: Tenant, user: SimUser, period: string, qStart: number, qEnd: number): SimDeal[] {
  const key = `${tenant.options.seed}|deals|${period}|${user.userId}`;
  const r = seededRandom(key);
  const n = 3 + Math.floor(r() * 4);
  const bands: (0 | 1 | 2)[] = Array.from({ length: n }, (_, i) => (i < 2 ? 0 : i === 2 ? 1 : 2));
  const weights = bands.map(() => 0.5 + r());
  const total = (band: number): number => weights.reduce((s, w, i) => s + (bands[i] === band ? w : 0), 0);
  return bands.map((band, i) => {
    const account = `${ACCOUNTS[hashString(`${key}|${i}|a`) % ACCOUNTS.length]} ${SUFFIX[hashString(`${key}|${i}|s`) % SUFFIX.length]}`;
    const span = qEnd - qStart;
    return {
      opportunityId: crmId('006', `${key}|${i}`),
      name: `${account} - ${['Platform', 'Expansion', 'Renewal', 'Pilot'][i % 4]}`,
      owner: user,
      accountId: crmId('001', `${key}|${i}|acct`),
      accountName: account,
      band,
      share: weights[i]! / total(band),
      darkFrom: r() < 0.25 ? qStart + 10 + Math.floor(r() * 20) : Number.MAX_SAFE_INTEGER,
      quarterStart: qStart,
      quarterEnd: qEnd,
      baseClose: qStart + Math.floor(span * (band === 0 ? 0.4 + r() * 0.4 : 0.6 + r() * 0.4)),
    };
  });
}

/** One week of a rep's quarter: band totals as of its last day (or `day` for the current week). */
interface BandWeek {
  /** Commit, best case above it, pipeline above that; summed over the forecast tabs. */
  readonly totals: [number, number, number];
  /** The week's last day, or `day` for the week in progress. */
  readonly asOf: number;
  /** The week ended before `day`: its values are final. */
  readonly complete: boolean;
}

/** The rep's band totals per week of the quarter as of `day` (summed over the forecast tabs). */
function bandSeries(tenant: Tenant, user: SimUser, day: number): BandWeek[] {
  const period = tenant.currentPeriod(day);
  let weeks: BandWeek[] = [];
  for (const forecastId of tenant.forecastIds) {
    const data = tenant.period(forecastId, period, day);
    const nW = data.weeks.length;
    if (weeks.length === 0)
      weeks = data.weeks.map((w) => ({
        totals: [0, 0, 0],
        asOf: Math.min(toEpochDay(w.endDate), day),
        complete: toEpochDay(w.endDate) < day,
      }));
    for (let w = 0; w < nW; w++) {
      const slot = user.index * nW + w;
      const v = (f: number): number => (Number.isNaN(data.call[f]![slot]!) ? 0 : data.call[f]![slot]!);
      const commit = v(0);
      const best = Math.max(commit, v(1));
      const pipe = Math.max(best, v(2));
      const t = weeks[w]!.totals;
      t[0] += commit;
      t[1] += best - commit;
      t[2] += pipe - best;
    }
  }
  return weeks;
}

interface WeekState {
  readonly amount: number;
  readonly stage: string;
  readonly close: string;
  readonly at: number;
  readonly complete: boolean;
}

/**
 * A deal week by week, following its band of the rep's calls: the amount is its share of the band;
 * the largest commit deal slips to next quarter (back to Proposal) once the commit falls below 80%
 * of its quarter high; a best-case deal's close date moves a week out each week its band falls by a
 * tenth (past the quarter end: into the next one); a pipeline deal reaches Proposal in the second
 * half of the quarter when its band has grown since week 1.
 */
function dealWeeks(tenant: Tenant, deal: SimDeal, day: number): WeekState[] {
  const weeks = bandSeries(tenant, deal.owner, day);
  const nextQuarter = toEpochDay(periodRange(shiftPeriod(tenant.currentPeriod(day), 1), tenant.fiscal).startDate);
  const mid = deal.quarterStart + (deal.quarterEnd - deal.quarterStart) / 2;
  let high = 0;
  let slipped = false;
  let close = deal.baseClose;
  let stage: string = STAGES[deal.band];
  return weeks.map((week, w) => {
    const band = week.totals[deal.band];
    const previous = weeks[w - 1]?.totals[deal.band];
    if (deal.band === 0 && deal.share >= 0.5 && high > 0 && week.totals[0] < 0.8 * high) slipped = true;
    high = Math.max(high, week.totals[0]);
    if (deal.band === 1 && previous !== undefined && band < 0.9 * previous)
      close = close + 7 > deal.quarterEnd ? Math.max(close, nextQuarter + 7) : close + 7;
    if (deal.band === 2 && week.asOf >= mid && band > (weeks[0]?.totals[2] ?? Infinity)) stage = 'Proposal';
    return {
      amount: Math.round(deal.share * band),
      stage: slipped ? 'Proposal' : stage,
      close: fromEpochDay(slipped ? nextQuarter + 14 : close),
      at: week.asOf * DAY + 17 * 3_600_000,
      complete: week.complete,
    };
  });
}

/**
 * A deal's state as of `day` and its trend history: one point per field that changed between two
 * weeks that had both ended by then, dated at the later week's end (so a point, once there, never
 * changes), while the state itself follows the week in progress.
 */
export function dealHistory(tenant: Tenant, deal: SimDeal, day: number): { state: DealState; points: DealPoint[] } {
  const states = dealWeeks(tenant, deal, day);
  const points: DealPoint[] = [];
  for (let w = 1; w < states.length && states[w]!.complete; w++) {
    const a = states[w - 1]!;
    const b = states[w]!;
    if (a.amount !== b.amount)
      points.push({ field: 'opportunity.amount', oldValue: String(a.amount), newValue: String(b.amount), at: b.at });
    if (a.stage !== b.stage)
      points.push({ field: 'opportunity.stage', oldValue: a.stage, newValue: b.stage, at: b.at });
    if (a.close !== b.close)
      points.push({ field: 'opportunity.closeDate', oldValue: a.close, newValue: b.close, at: b.at });
  }
  const last = states[states.length - 1] ?? {
    amount: 0,
    stage: STAGES[deal.band],
    close: fromEpochDay(deal.baseClose),
  };
  const slipped = last.close >= fromEpochDay(deal.quarterEnd + 1);
  const quiet = Math.max(0, day - Math.min(day, deal.darkFrom));
  const score = Math.max(5, Math.min(95, 80 - deal.band * 10 - quiet * 2 - (slipped ? 15 : 0)));
  const scoreMessage =
    quiet > 0 ? `No meeting in ${quiet} days` : slipped ? 'Close date pushed out' : 'Healthy engagement';
  return { state: { amount: last.amount, stage: last.stage, closeDate: last.close, score, scoreMessage }, points };
}

export interface SimActivity {
  readonly activityId: string;
  readonly activityType: string;
  readonly subject: string;
  readonly date: number;
  readonly deal: SimDeal;
  readonly externals: number;
  readonly withManager: boolean;
}

/** Activities on the deals of the quarters that `fromDay..toDay` touch, on business days up to `today`. */
export function activitiesBetween(tenant: Tenant, fromDay: number, toDay: number, today: number): SimActivity[] {
  const out: SimActivity[] = [];
  const last = Math.min(toDay, today);
  let deals: SimDeal[] = [];
  let dealsPeriod = '';
  for (let d = fromDay; d <= last; d++) {
    const dow = (((d + 4) % 7) + 7) % 7;
    if (dow === 0 || dow === 6 || d < tenant.historyStartDay) continue;
    const period = tenant.currentPeriod(d);
    // The deals of a day's quarter as of that quarter's start, so a window never sees a rep's deals change.
    if (period !== dealsPeriod) {
      dealsPeriod = period;
      deals = dealsOf(tenant, toEpochDay(periodRange(period, tenant.fiscal).startDate));
    }
    for (const deal of deals) {
      if (!tenant.isActive(deal.owner, d)) continue;
      out.push(...dayActivities(tenant, deal, d));
    }
  }
  return out;
}

function dayActivities(tenant: Tenant, deal: SimDeal, d: number): SimActivity[] {
  const key = `${tenant.options.seed}|act|${deal.opportunityId}|${d}`;
  const r = seededRandom(key);
  const out: SimActivity[] = [];
  const add = (type: string, subject: string, hour: number, k: number): void => {
    out.push({
      activityId: randomHex(seededRandom(`${key}|${k}`), 32),
      activityType: type,
      subject,
      date: d * DAY + hour * 3_600_000 + Math.floor(r() * 3_000_000),
      deal,
      externals: 1 + Math.floor(r() * 3),
      withManager: r() < 0.2,
    });
  };
  if (d < deal.darkFrom && r() < 0.18) add('MEETING', `${deal.accountName}: ${pickSubject(r)}`, 14, 0);
  if (r() < 0.3) add('EMAIL_SENT', `Re: ${deal.name}`, 16, 1);
  if (r() < 0.2) add('EMAIL_RECEIVED', `Re: ${deal.name}`, 18, 2);
  if (r() < 0.05) add('ATTACHMENT_SENT', `${deal.name} proposal.pdf`, 19, 3);
  if (r() < 0.03) add('ATTACHMENT_RECEIVED', `${deal.accountName} redlines.docx`, 20, 4);
  return out;
}

function pickSubject(r: () => number): string {
  const subjects = ['Discovery call', 'Demo', 'Pricing review', 'Security review', 'Exec sponsor sync', 'Mutual plan'];
  return subjects[Math.floor(r() * subjects.length)]!;
}

/** An activity as the export serves it (clari-api.md 2.8). */
export function activityJson(tenant: Tenant, a: SimActivity): Record<string, unknown> {
  const owner = a.deal.owner;
  const manager = tenant.users[tenant.parentAt(owner, Math.floor(a.date / DAY))];
  const domain = `${a.deal.accountName.toLowerCase().replace(/[^a-z]+/g, '')}.example.org`;
  const participants: Record<string, unknown>[] = [
    { name: owner.name, email: owner.email, sfdcUserId: owner.crmId, isInternal: true },
  ];
  if (a.withManager && manager)
    participants.push({ name: manager.name, email: manager.email, sfdcUserId: manager.crmId, isInternal: true });
  for (let k = 0; k < a.externals; k++)
    participants.push({
      name: `Contact ${k + 1}`,
      email: `contact${k + 1}@${domain}`,
      sfdcUserId: '',
      isInternal: false,
    });
  return {
    activityId: a.activityId,
    activityType: a.activityType,
    subject: a.subject,
    date: a.date,
    activityOwnerId: owner.crmId,
    activityOrganiserId: owner.crmId,
    accounts: [{ accountId: a.deal.accountId, accountName: a.deal.accountName, accountOwnerId: owner.crmId }],
    opportunities: [
      { opportunityId: a.deal.opportunityId, opportunityName: a.deal.name, opportunityOwnerId: owner.crmId },
    ],
    participants,
  };
}

/** An ISO date-time in a fixed UTC offset (minutes), as Clari writes trend-history dates. */
export function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
