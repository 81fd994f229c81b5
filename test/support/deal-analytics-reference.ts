/**
 * The deal analytics of docs/analytics.md ("Deals behind the forecast") computed in plain
 * JavaScript from the raw deal tables, independently of the views: the deals that moved under a
 * rep's call change, and the deals at risk. The browser and CLI tests compare the page and the
 * reports with these.
 */
import type { Warehouse } from '../../src/warehouse/index.js';

interface Version {
  opportunity_id: string;
  name: string | null;
  owner_crm_id: string | null;
  amount: string | null;
  stage: string | null;
  close_date: string | null;
  crm_score: number | null;
  valid_from: string;
  valid_to: string | null;
}

export interface ExpectedMove {
  readonly opportunityId: string;
  readonly previousAmount: number | null;
  readonly currentAmount: number | null;
  readonly slipped: boolean;
}

const DAY = 86_400_000;
const dayOf = (date: string): number => Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY;
const amount = (v: string | null): number | null => (v === null ? null : Number(v));
/** Code-point order, as the warehouses sort text ids. */
const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function versions(wh: Warehouse): Promise<Version[]> {
  return wh.query<Version & Record<string, unknown>>(
    'SELECT opportunity_id, name, owner_crm_id, amount, stage, close_date, crm_score, valid_from, valid_to FROM clari_opportunities',
  );
}

const validOn = (all: readonly Version[], id: string, date: string): Version | undefined =>
  all.find((v) => v.opportunity_id === id && v.valid_from <= date && (v.valid_to === null || v.valid_to > date));

/**
 * The deals of a rep (their CRM id) whose amount, stage, close date or owner differ between the two
 * snapshots, closing in the period on either date.
 */
export async function expectedMoves(
  wh: Warehouse,
  change: { userId: string; previousSnapshot: string | null; snapshot: string; period: string },
): Promise<ExpectedMove[]> {
  if (change.previousSnapshot === null) return [];
  const [user] = await wh.query<{ crm_id: string | null }>(
    'SELECT crm_id FROM clari_users WHERE user_id = $1 AND valid_to IS NULL',
    [change.userId],
  );
  const [period] = await wh.query<{ start_date: string; end_date: string }>(
    'SELECT start_date, end_date FROM clari_time_periods WHERE time_period = $1',
    [change.period],
  );
  const all = await versions(wh);
  const inPeriod = (d: string | null): boolean => d !== null && d >= period!.start_date && d <= period!.end_date;
  const out: ExpectedMove[] = [];
  for (const id of new Set(all.map((v) => v.opportunity_id))) {
    const before = validOn(all, id, change.previousSnapshot);
    const after = validOn(all, id, change.snapshot);
    if (!before || !after) continue;
    if (before.owner_crm_id !== user?.crm_id && after.owner_crm_id !== user?.crm_id) continue;
    const moved =
      amount(before.amount) !== amount(after.amount) ||
      before.stage !== after.stage ||
      before.close_date !== after.close_date ||
      before.owner_crm_id !== after.owner_crm_id;
    if (!moved || !(inPeriod(before.close_date) || inPeriod(after.close_date))) continue;
    out.push({
      opportunityId: id,
      previousAmount: amount(before.amount),
      currentAmount: amount(after.amount),
      slipped: inPeriod(before.close_date) && after.close_date !== null && after.close_date > period!.end_date,
    });
  }
  return out.sort((a, b) => byId(a.opportunityId, b.opportunityId));
}

export interface ExpectedRisk {
  readonly opportunityId: string;
  readonly amount: number;
}

/**
 * Open deals closing in the quarter of the latest refresh, at or above the 75th percent rank by
 * amount among them, whose score's last move was down or with no meeting in more than `quietDays`
 * days; the largest first (ties by id).
 */
export async function expectedAtRisk(wh: Warehouse, quietDays = 14): Promise<ExpectedRisk[]> {
  const [ref] = await wh.query<{ d: string }>('SELECT max(as_of) AS d FROM clari_opportunity_snapshots');
  const asOf = ref!.d;
  const [quarter] = await wh.query<{ start_date: string; end_date: string }>(
    'SELECT start_date, end_date FROM clari_time_periods WHERE start_date <= $1 AND end_date >= $1',
    [asOf],
  );
  const all = await versions(wh);
  const meetings = await wh.query<{ opportunity_id: string; at: string }>(
    `SELECT o.opportunity_id, a.activity_at AS at FROM clari_activity_opportunities o
     JOIN clari_activities a ON a.activity_id = o.activity_id WHERE a.activity_type = 'MEETING'`,
  );
  const lastMeeting = new Map<string, string>();
  for (const m of meetings)
    if (!lastMeeting.has(m.opportunity_id) || m.at > lastMeeting.get(m.opportunity_id)!)
      lastMeeting.set(m.opportunity_id, m.at);
  const current = all.filter((v) => v.valid_to === null);
  const ranked = current.filter(
    (v) =>
      !(v.stage ?? '').toLowerCase().startsWith('closed') &&
      v.amount !== null &&
      v.close_date !== null &&
      v.close_date >= quarter!.start_date &&
      v.close_date <= quarter!.end_date,
  );
  const amounts = ranked.map((v) => Number(v.amount));
  const percentRank = (x: number): number =>
    amounts.length <= 1 ? 0 : amounts.filter((a) => a < x).length / (amounts.length - 1);
  const out: ExpectedRisk[] = [];
  for (const v of ranked) {
    if (percentRank(Number(v.amount)) < 0.75) continue;
    const earlier = all
      .filter((e) => e.opportunity_id === v.opportunity_id && e.valid_to !== null)
      .filter((e) => e.crm_score !== null && v.crm_score !== null && e.crm_score !== v.crm_score)
      .sort((a, b) => b.valid_from.localeCompare(a.valid_from))[0];
    const falling = earlier !== undefined && v.crm_score! < earlier.crm_score!;
    const met = lastMeeting.get(v.opportunity_id);
    const quiet = met === undefined || dayOf(asOf) - dayOf(met) > quietDays;
    if (falling || quiet) out.push({ opportunityId: v.opportunity_id, amount: Number(v.amount) });
  }
  return out.sort((a, b) => b.amount - a.amount || byId(a.opportunityId, b.opportunityId));
}
