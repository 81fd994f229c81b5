/**
 * `clari-dp report deals` (the deals that moved under the biggest call changes) and
 * `report deals-at-risk`, from the services the dashboard uses (analytics/deals.ts). Both need deal
 * data: when activity was never enabled they say how to turn it on.
 */
import {
  AT_RISK_DEFAULTS,
  type AtRiskDeal,
  biggestChanges,
  type ChangeRow,
  dealData,
  type DealData,
  type DealMove,
  type DealMoveSummary,
  DEALS_OFF_HINT,
  dealsAtRisk,
  dealsBehindChanges,
  type DealsBehindChange,
  moveReasons,
  namesakes,
  type OwnerLevel,
  ownersNamed,
} from '../../analytics/index.js';
import { UsageError } from '../../core/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { count, money, signedMoney, signedPct } from '../format.js';
import { render } from '../render.js';
import { levelHeading, levelOf } from './changes.js';
import { requireFilters, type Format, heading } from './report-common.js';

type Options = Record<string, unknown>;

/** Refuses a deals report when no deal was ever loaded, saying how to load them; else what was loaded. */
async function requireDeals(wh: Warehouse): Promise<DealData> {
  const data = await dealData(wh);
  if (!data.loaded)
    throw new UsageError('No deal data in this warehouse: the activity export has never run', DEALS_OFF_HINT);
  return data;
}

/** --owner (a name, e-mail or user id) as one current user's id; `same` is `namesakes(wh)`. */
async function ownerOf(
  wh: Warehouse,
  o: Options,
  same: ReadonlySet<string>,
): Promise<{ userId: string; label: string } | undefined> {
  if (typeof o.owner !== 'string') return undefined;
  const found = await ownersNamed(wh, o.owner, same);
  if (found.length === 0)
    throw new UsageError(
      `no current user is named "${o.owner}"`,
      'Give a name, e-mail or user id as `clari-dp report reps --level all` lists them.',
    );
  if (found.length > 1)
    throw new UsageError(
      `"${o.owner}" names ${found.length} users: ${found.map((f) => f.label).join(', ')}`,
      'Give the e-mail instead.',
    );
  return found[0];
}

/** A non-negative whole number option, or its default. */
function wholeNumber(o: Options, name: string, flag: string, fallback: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new UsageError(`${flag} must be a whole number`);
  return v;
}

const dateMove = (from: string | null, to: string | null): string =>
  from === to ? (to ?? '') : `${from ?? ''} -> ${to ?? ''}`;

/** What moved on a deal, in words: "slipped out of the quarter, amount", ... */
const moveWords = (d: DealMove): string =>
  moveReasons(d)
    .map((r) => r.text)
    .join(', ');

export function summaryLine(s: DealMoveSummary): string {
  if (s.deals === 0) return 'no deal moved';
  const extra = [
    s.slipped > 0 ? `${count(s.slipped)} slipped out of the quarter` : '',
    s.pulledIn > 0 ? `${count(s.pulledIn)} pulled in` : '',
  ].filter(Boolean);
  return `${count(s.deals)} deal${s.deals === 1 ? '' : 's'} moved (${signedMoney(s.amountChange)} in amounts)${extra.length > 0 ? `, ${extra.join(', ')}` : ''}`;
}

function changeLine(c: ChangeRow): string {
  const team = c.level === 'manager' ? ' (their team’s deals)' : '';
  return `${c.label}${team} · ${c.forecast} ${c.period} ${c.field} · ${c.previousSnapshot ?? ''} -> ${c.snapshot}: ${money(c.previous)} -> ${money(c.current)} (${signedMoney(c.change)}, ${signedPct(c.changePct)})`;
}

export const DEAL_COLUMNS = [
  ['deal', (d: DealMove) => d.name],
  ['owner', (d: DealMove) => d.owner],
  ['previous', (d: DealMove) => money(d.previousAmount)],
  ['current', (d: DealMove) => money(d.currentAmount)],
  ['change', (d: DealMove) => signedMoney(d.amountChange)],
  ['stage', (d: DealMove) => dateMove(d.previousStage, d.currentStage)],
  ['close date', (d: DealMove) => dateMove(d.previousCloseDate, d.currentCloseDate)],
  ['moved', (d: DealMove) => moveWords(d)],
] as const;

const CSV_COLUMNS = [
  'snapshot',
  'previous_snapshot',
  'forecast',
  'period',
  'owner',
  'level',
  'field',
  'call_change',
  'opportunity_id',
  'deal',
  'deal_owner',
  'previous_amount',
  'current_amount',
  'amount_change',
  'previous_stage',
  'current_stage',
  'previous_close_date',
  'current_close_date',
  'slipped',
  'pulled_in',
] as const;

/** One row per change and deal, for CSV: the change's key and figures, then the deal's. */
function flatRows(
  blocks: readonly DealsBehindChange[],
): Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>[] {
  return blocks.flatMap(({ change: c, deals }) =>
    deals.map((d) => ({
      snapshot: c.snapshot,
      previous_snapshot: c.previousSnapshot,
      forecast: c.forecast,
      period: c.period,
      owner: c.label,
      level: c.level,
      field: c.field,
      call_change: c.change,
      opportunity_id: d.opportunityId,
      deal: d.name,
      deal_owner: d.owner,
      previous_amount: d.previousAmount,
      current_amount: d.currentAmount,
      amount_change: d.amountChange,
      previous_stage: d.previousStage,
      current_stage: d.currentStage,
      previous_close_date: d.previousCloseDate,
      current_close_date: d.currentCloseDate,
      slipped: d.slipped,
      pulled_in: d.pulledIn,
    })),
  );
}

/**
 * `report deals`: the biggest call changes of the last --days days, each with the deals that moved
 * under it. Its reads do not grow with the changes listed (namesakes once, the deals of all in one).
 */
export async function dealsReport(wh: Warehouse, o: Options, format: Format): Promise<string> {
  await requireFilters(wh, o);
  await requireDeals(wh);
  const level: OwnerLevel = levelOf(o);
  const same = await namesakes(wh);
  const owner = await ownerOf(wh, o, same);
  const days = wholeNumber(o, 'days', '--days', 7);
  const changes = await biggestChanges(
    wh,
    {
      forecast: o.forecast as string | undefined,
      period: o.period as string | undefined,
      days,
      limit: wholeNumber(o, 'limit', '--limit', 10),
      level: owner === undefined ? level : 'all',
      userId: owner?.userId,
    },
    same,
  );
  const blocks = await dealsBehindChanges(wh, changes, same);
  if (format === 'json') return `${JSON.stringify(blocks)}\n`;
  if (format === 'csv')
    return render(
      flatRows(blocks),
      CSV_COLUMNS.map((k) => [k, (r) => csvCell(r[k])] as const),
      'csv',
    );
  const who = owner === undefined ? '' : ` of ${owner.label}`;
  const title = heading(format)(
    levelHeading(
      `The deals behind the biggest forecast changes${who} of the last ${days} days`,
      owner ? 'all' : level,
    ) +
      '\nA deal moved when its amount, stage, close date or owner differ between the change’s two snapshots; ' +
      'a manager’s change lists their team’s deals.',
  );
  if (blocks.length === 0) return `${title}no forecast changes\n`;
  return (
    title +
    blocks
      .map(
        (b) =>
          `${changeLine(b.change)}\n${summaryLine(b.summary)}\n${b.deals.length === 0 ? '' : render(b.deals, DEAL_COLUMNS, 'table')}`,
      )
      .join('\n')
  );
}

const csvCell = (v: string | number | boolean | null): string => (v === null ? '' : String(v));

/** Why a deal is at risk, in words. */
function riskWords(d: AtRiskDeal, quietDays: number): string {
  const words: string[] = [];
  if (d.scoreFalling) words.push(`CRM score down ${d.previousCrmScore ?? ''} -> ${d.crmScore ?? ''}`);
  if (d.noRecentMeeting)
    words.push(
      d.daysSinceLastMeeting === null
        ? 'no meeting loaded'
        : `no meeting in ${d.daysSinceLastMeeting} days (> ${quietDays})`,
    );
  return words.join('; ');
}

/** `report deals-at-risk`: open, large deals closing this quarter whose score falls or that had no meeting lately. */
export async function dealsAtRiskReport(wh: Warehouse, o: Options, format: Format): Promise<string> {
  for (const flag of ['forecast', 'period', 'field'] as const)
    if (o[flag] !== undefined)
      throw new UsageError(
        `report deals-at-risk takes no --${flag}: deals are not per forecast, and "this quarter" is the quarter of the latest opportunity refresh`,
        'Narrow it with --owner (a rep, or a manager for their team), --quiet-days or --min-amount.',
      );
  const data = await requireDeals(wh);
  const same = await namesakes(wh);
  const owner = await ownerOf(wh, o, same);
  const quietDays = wholeNumber(o, 'quietDays', '--quiet-days', AT_RISK_DEFAULTS.quietDays);
  const minAmount = typeof o.minAmount === 'number' ? o.minAmount : undefined;
  const risk = await dealsAtRisk(
    wh,
    { quietDays, minAmount, userId: owner?.userId, limit: wholeNumber(o, 'limit', '--limit', 50) },
    { namesakes: same, dealData: data },
  );
  if (format === 'json') return `${JSON.stringify(risk)}\n`;
  const large =
    minAmount === undefined
      ? 'in the top quarter by amount of the open deals closing this quarter'
      : `of at least ${money(minAmount)}`;
  const title = heading(format)(
    `Deals at risk${owner ? ` of ${owner.label} (and their team)` : ''} as of ${risk.asOf ?? ''}, closing in ${risk.quarter ?? ''}: ` +
      `${count(risk.total)}${risk.total > risk.deals.length ? ` (the ${risk.deals.length} largest shown)` : ''}\n` +
      `Open deals ${large}, whose CRM score fell at its last move or that had no meeting in more than ${quietDays} days.`,
  );
  return (
    title +
    render(
      risk.deals,
      [
        ['deal', (d) => d.name],
        ['owner', (d) => d.owner],
        ['amount', (d) => money(d.amount)],
        ['close date', (d) => d.closeDate ?? ''],
        ['stage', (d) => d.stage ?? ''],
        ['CRM score', (d) => (d.crmScore === null ? '' : String(d.crmScore))],
        ['last meeting', (d) => (d.lastMeetingAt === null ? 'none' : d.lastMeetingAt.slice(0, 10))],
        ['why', (d) => riskWords(d, quietDays)],
      ],
      format,
    )
  );
}
