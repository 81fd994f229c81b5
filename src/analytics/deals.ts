/**
 * Deals behind the forecast (docs/analytics.md, "Deals"): the opportunities that moved under a call
 * change (v_deal_movement), engagement per deal (v_deal_engagement) and the deals at risk, read for
 * `report deals` and `report deals-at-risk`, the dashboard's drill-down and panel, the JSON API, the
 * demo's summary. Their SQL is warehouse/sql/reports.ts and changes.ts; the views, views.ts.
 */
import { changesSql, reportsSql, viewsSql, type Warehouse } from '../warehouse/index.js';
import { type ChangeRow, changeRow, namesakes, ownerLabel } from './queries.js';

/** What to do when no deal was ever loaded (the deals stage is off by default: it spends quota). */
export const DEALS_OFF_HINT =
  'Turn deals on with `activity.enabled: true` in the config, CLARI_DP_ACTIVITY=true or `clari-dp run --activity`, ' +
  'then run `clari-dp run` (one export of quota per run: `clari-dp run --dry-run --activity` shows it).';

export interface DealData {
  /** Any activity window or opportunity refresh loaded. */
  readonly loaded: boolean;
  readonly windows: number;
  readonly refreshes: number;
  /** The latest opportunity refresh: the date deal states and "days since" are as of. */
  readonly asOf: string | null;
}

export async function dealData(wh: Warehouse): Promise<DealData> {
  const state = await reportsSql.dealDataState(wh);
  return { ...state, loaded: state.windows + state.refreshes > 0 };
}

/** A call change: the owner's call on one field, between its snapshot and the one before. */
export interface ChangeKey {
  readonly forecast: string;
  readonly period: string;
  readonly userId: string;
  readonly fieldId: string;
  /** The change's (later) snapshot date. */
  readonly snapshot: string;
}

export const changeKeyOf = (c: ChangeRow): ChangeKey => ({
  forecast: c.forecast,
  period: c.period,
  userId: c.userId,
  fieldId: c.fieldId,
  snapshot: c.snapshot,
});

const keyText = (k: ChangeKey): string => [k.forecast, k.period, k.userId, k.fieldId, k.snapshot].join('|');

/** The key `dealMoveCounts` files a change's summary under. */
export const dealMoveKey = (c: ChangeRow): string => keyText(changeKeyOf(c));

export interface DealMove {
  readonly opportunityId: string;
  readonly name: string;
  readonly ownerUserId: string | null;
  /** The deal owner's name (with the e-mail when it is not unique), or their CRM id when Clari has no such user. */
  readonly owner: string;
  readonly previousAmount: number | null;
  readonly currentAmount: number | null;
  /** Current less previous amount (a missing amount counts as 0). */
  readonly amountChange: number;
  readonly previousStage: string | null;
  readonly currentStage: string | null;
  readonly previousCloseDate: string | null;
  readonly currentCloseDate: string | null;
  readonly amountChanged: boolean;
  readonly stageChanged: boolean;
  readonly closeDateChanged: boolean;
  readonly ownerChanged: boolean;
  /** The close date moved from inside the change's period to after its end. */
  readonly slipped: boolean;
  /** The close date moved from after the period's end into it. */
  readonly pulledIn: boolean;
  readonly crmScore: number | null;
  readonly crmScoreMessage: string | null;
}

/** What moved on a deal, in the order both the report and the dashboard show it; `tone` colours a badge. */
export function moveReasons(d: DealMove): { tone: '' | 'bad' | 'good' | 'warn'; text: string }[] {
  const out: { tone: '' | 'bad' | 'good' | 'warn'; text: string }[] = [];
  if (d.slipped) out.push({ tone: 'bad', text: 'slipped out of the quarter' });
  else if (d.pulledIn) out.push({ tone: 'good', text: 'pulled into the quarter' });
  else if (d.closeDateChanged) out.push({ tone: '', text: 'close date' });
  if (d.amountChanged) out.push({ tone: '', text: 'amount' });
  if (d.stageChanged) out.push({ tone: '', text: 'stage' });
  if (d.ownerChanged) out.push({ tone: 'warn', text: 'owner' });
  return out;
}

export interface DealMoveSummary {
  readonly deals: number;
  readonly slipped: number;
  readonly pulledIn: number;
  /** The sum of the deals' amount changes. */
  readonly amountChange: number;
}

export interface DealsBehindChange {
  readonly change: ChangeRow;
  readonly deals: readonly DealMove[];
  readonly summary: DealMoveSummary;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
type Cell = string | number | boolean | null | undefined;
const str = (v: Cell): string | null => (v === null || v === undefined ? null : String(v));
const flag = (v: unknown): boolean => v === true || v === 'true' || v === 1;

function summarise(deals: readonly DealMove[]): DealMoveSummary {
  return {
    deals: deals.length,
    slipped: deals.filter((d) => d.slipped).length,
    pulledIn: deals.filter((d) => d.pulledIn).length,
    amountChange: Math.round(deals.reduce((sum, d) => sum + d.amountChange, 0) * 100) / 100,
  };
}

/** A row of v_deal_movement (reportsSql.dealMovesOf) as the services return it. */
function dealMove(r: Record<string, Cell>, same: ReadonlySet<string>): DealMove {
  return {
    opportunityId: String(r.opportunity_id),
    name: str(r.opportunity_name) ?? String(r.opportunity_id),
    ownerUserId: str(r.deal_owner_user_id),
    owner:
      r.deal_owner_name === null
        ? (str(r.deal_owner_user_id) ?? '')
        : ownerLabel(String(r.deal_owner_name), str(r.deal_owner_email) ?? '', same),
    previousAmount: num(r.previous_amount),
    currentAmount: num(r.current_amount),
    amountChange: Number(r.amount_change ?? 0),
    previousStage: str(r.previous_stage),
    currentStage: str(r.current_stage),
    previousCloseDate: str(r.previous_close_date),
    currentCloseDate: str(r.current_close_date),
    amountChanged: flag(r.amount_changed),
    stageChanged: flag(r.stage_changed),
    closeDateChanged: flag(r.close_date_changed),
    ownerChanged: flag(r.owner_changed),
    slipped: flag(r.slipped),
    pulledIn: flag(r.pulled_in),
    crmScore: num(r.crm_score),
    crmScoreMessage: str(r.crm_score_message),
  };
}

/** Changes matched per read of v_deal_movement: 5 parameters each stays far below any engine's limit. */
const CHANGES_PER_READ = 200;

/**
 * The deals behind each of `changes` (as biggestChanges returns them), in their order, each list
 * the largest amount changes first: one read of v_deal_movement per 200 of them, so a report costs
 * the same whatever the number of changes it lists (up to 200). `same` is `namesakes(wh)` when the caller has
 * already read it.
 */
export async function dealsBehindChanges(
  wh: Warehouse,
  changes: readonly ChangeRow[],
  same?: ReadonlySet<string>,
): Promise<DealsBehindChange[]> {
  if (changes.length === 0) return [];
  const names = same ?? (await namesakes(wh));
  // Each distinct change once: a change listed twice must not get its deals twice.
  const keys = [...new Map(changes.map((c) => [dealMoveKey(c), changeKeyOf(c)])).values()];
  const byChange = new Map<string, DealMove[]>();
  for (let i = 0; i < keys.length; i += CHANGES_PER_READ)
    for (const r of await reportsSql.dealMovesOf(wh, keys.slice(i, i + CHANGES_PER_READ))) {
      const key = keyText({
        forecast: String(r.forecast_name),
        period: String(r.time_period),
        userId: String(r.user_id),
        fieldId: String(r.field_id),
        snapshot: String(r.current_snapshot),
      });
      const deals = byChange.get(key) ?? [];
      deals.push(dealMove(r, names));
      byChange.set(key, deals);
    }
  return changes.map((change) => {
    const deals = byChange.get(dealMoveKey(change)) ?? [];
    return { change, deals, summary: summarise(deals) };
  });
}

/** The deals behind one call change, the largest amount changes first; undefined when there is no such change. */
export async function dealsBehindChange(
  wh: Warehouse,
  key: ChangeKey,
  same?: ReadonlySet<string>,
): Promise<DealsBehindChange | undefined> {
  const [row] = await reportsSql.changeByKey(wh, key);
  if (!row) return undefined;
  const names = same ?? (await namesakes(wh));
  const [behind] = await dealsBehindChanges(wh, [changeRow(row, names)], names);
  return behind;
}

/**
 * How many deals moved under each of `changes` (their summary by change key, see `dealMoveKey`);
 * one read per forecast and period listed.
 */
export async function dealMoveCounts(
  wh: Warehouse,
  changes: readonly ChangeRow[],
): Promise<ReadonlyMap<string, DealMoveSummary>> {
  const out = new Map<string, DealMoveSummary>();
  const scopes = new Map<string, { forecast: string; period: string; since: string; until: string }>();
  for (const c of changes) {
    const id = `${c.forecast}|${c.period}`;
    const s = scopes.get(id) ?? { forecast: c.forecast, period: c.period, since: c.snapshot, until: c.snapshot };
    scopes.set(id, {
      ...s,
      since: c.snapshot < s.since ? c.snapshot : s.since,
      until: c.snapshot > s.until ? c.snapshot : s.until,
    });
  }
  for (const s of scopes.values()) {
    const rows = await changesSql.dealMoveSummaries(wh, {
      forecastId: s.forecast,
      period: s.period,
      since: s.since,
      until: s.until,
    });
    for (const r of rows)
      out.set(
        keyText({
          forecast: s.forecast,
          period: s.period,
          userId: String(r.user_id),
          fieldId: String(r.field_id),
          snapshot: String(r.current_snapshot),
        }),
        {
          deals: Number(r.deals),
          slipped: Number(r.slipped),
          pulledIn: Number(r.pulled_in),
          amountChange: Number(r.amount_change ?? 0),
        },
      );
  }
  return out;
}

export const AT_RISK_DEFAULTS = viewsSql.AT_RISK;

export interface AtRiskDeal {
  readonly opportunityId: string;
  readonly name: string;
  readonly ownerUserId: string | null;
  /** The deal owner's name (with the e-mail when it is not unique). */
  readonly owner: string;
  readonly amount: number | null;
  readonly stage: string | null;
  readonly closeDate: string | null;
  readonly crmScore: number | null;
  readonly previousCrmScore: number | null;
  readonly crmScoreMessage: string | null;
  readonly scoreFalling: boolean;
  readonly noRecentMeeting: boolean;
  readonly lastMeetingAt: string | null;
  readonly daysSinceLastMeeting: number | null;
  readonly lastActivityAt: string | null;
  readonly lastActivityType: string | null;
  readonly meetings: number;
  readonly internalParticipants: number;
  readonly externalParticipants: number;
  /** 0-1: the share of open deals closing this quarter with a smaller amount. */
  readonly amountPercentRank: number | null;
}

export interface DealsAtRisk {
  /** The latest opportunity refresh: "this quarter" and "days since" count from it. */
  readonly asOf: string | null;
  readonly quarter: string | null;
  readonly quietDays: number;
  /** Large means at least this amount; null: the top quarter by amount (the default). */
  readonly minAmount: number | null;
  /** Deals at risk in all (`deals` holds the first `limit`, largest first). */
  readonly total: number;
  readonly deals: readonly AtRiskDeal[];
}

export interface AtRiskOptions {
  readonly quietDays?: number | undefined;
  readonly minAmount?: number | undefined;
  /** Deals of this user and of everyone below them. */
  readonly userId?: string | undefined;
  readonly limit?: number | undefined;
}

/** What a page or report has already read, so a service does not read it again. */
export interface AlreadyRead {
  /** `namesakes(wh)`. */
  readonly namesakes?: ReadonlySet<string> | undefined;
  /** `dealData(wh)`. */
  readonly dealData?: DealData | undefined;
}

/**
 * Open deals closing this quarter, large, with the CRM score falling or no meeting in `quietDays` days.
 * `read`: the namesakes and deal data state when the caller has them.
 */
export async function dealsAtRisk(
  wh: Warehouse,
  options: AtRiskOptions = {},
  read: AlreadyRead = {},
): Promise<DealsAtRisk> {
  const quietDays = options.quietDays ?? AT_RISK_DEFAULTS.quietDays;
  const rows = await reportsSql.dealsAtRisk(wh, {
    quietDays,
    minAmount: options.minAmount,
    userId: options.userId,
    limit: options.limit ?? 50,
  });
  const state = read.dealData ?? (await reportsSql.dealDataState(wh));
  const same = read.namesakes ?? (await namesakes(wh));
  const quarter = state.asOf === null ? null : await reportsSql.quarterOf(wh, state.asOf);
  return {
    asOf: state.asOf,
    quarter: str(quarter),
    quietDays,
    minAmount: options.minAmount ?? null,
    total: Number(rows[0]?.total ?? 0),
    deals: rows.map((r): AtRiskDeal => ({
      opportunityId: String(r.opportunity_id),
      name: str(r.opportunity_name) ?? String(r.opportunity_id),
      ownerUserId: str(r.owner_user_id),
      owner:
        r.owner_name === null
          ? (str(r.owner_crm_id) ?? '')
          : ownerLabel(String(r.owner_name), str(r.owner_email) ?? '', same),
      amount: num(r.amount),
      stage: str(r.stage),
      closeDate: str(r.close_date),
      crmScore: num(r.crm_score),
      previousCrmScore: num(r.previous_crm_score),
      crmScoreMessage: str(r.crm_score_message),
      scoreFalling: flag(r.score_falling),
      noRecentMeeting: flag(r.no_recent_meeting),
      lastMeetingAt: str(r.last_meeting_at),
      daysSinceLastMeeting: num(r.days_since_last_meeting),
      lastActivityAt: str(r.last_activity_at),
      lastActivityType: str(r.last_activity_type),
      meetings: Number(r.meetings ?? 0),
      internalParticipants: Number(r.internal_participants ?? 0),
      externalParticipants: Number(r.external_participants ?? 0),
      amountPercentRank: num(r.amount_percent_rank),
    })),
  };
}

/**
 * Current users a name, e-mail or user id names, each with the label the page and reports show;
 * `same` is `namesakes(wh)` when the caller has already read it.
 */
export async function ownersNamed(
  wh: Warehouse,
  text: string,
  same?: ReadonlySet<string>,
): Promise<{ userId: string; label: string; email: string }[]> {
  const names = same ?? (await namesakes(wh));
  return (await reportsSql.usersNamed(wh, text)).map((u) => ({
    userId: u.user_id,
    label: ownerLabel(u.name ?? u.user_id, u.email ?? '', names),
    email: u.email ?? '',
  }));
}
