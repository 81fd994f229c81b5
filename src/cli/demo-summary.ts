/**
 * What `clari-dp demo` prints once its days are loaded, most useful first: where each forecast's
 * quarter stands, the biggest rep moves of the last day ($ and %), the deals that moved under the
 * biggest one, the alerts as one digest (counts by rule, the largest few), then the runs and tables,
 * then where to look next. Each section is its own function over data read once, so another section
 * is one more function.
 */
import { type Alert } from '../alerts/index.js';
import {
  dealData,
  dealsBehindChange,
  headline,
  type Headline,
  namesakes,
  ownerLabel,
  select,
} from '../analytics/index.js';
import { reportsSql, type Warehouse } from '../warehouse/index.js';
import { count, money, pct, ratio, signedMoney, signedPct } from './format.js';
import { DEAL_COLUMNS, summaryLine } from './commands/report-deals.js';
import { table } from './output.js';
import { render } from './render.js';

/** One business day of the demo: its run's outcome, a row of the runs table. */
export interface DemoDay {
  readonly asOf: string;
  readonly status: string;
  readonly exports: number;
  readonly rows: number;
  readonly changes: number;
  readonly alerts: number;
  readonly durationMs: number;
}

export interface DemoSummaryInput {
  readonly warehouse: Warehouse;
  readonly warehouseUrl: string;
  readonly days: readonly DemoDay[];
  /** Every alert the demo's runs fired (the console channel's share). */
  readonly alerts: readonly Alert[];
  /** Users the simulated tenant has over its history (joiners and leavers included). */
  readonly tenantUsers: number;
}

/** The largest alerted moves the digest lists. */
const TOP_ALERTS = 5;
/** The biggest moves of the last day the summary lists. */
const TOP_MOVES = 8;

/** Everything the demo prints on stdout at the end, most useful first. */
export async function demoSummary(input: DemoSummaryInput): Promise<string> {
  const { warehouse } = input;
  const last = input.days[input.days.length - 1]!.asOf;
  const same = await namesakes(warehouse);
  const managers = new Set(await reportsSql.managerIds(warehouse));
  const users = await reportsSql.currentUsers(warehouse);
  const moves = await reportsSql.biggestMovesOn(warehouse, last, TOP_MOVES);
  return [
    titleSection(input, users),
    standingSection(await standings(warehouse), last),
    movesSection(moves, last, same),
    await dealsSection(warehouse, moves[0], same),
    alertDigest(input.alerts, managers, same),
    runsSection(input.days),
    tablesSection(await reportsSql.tableCounts(warehouse)),
    nextSteps(input.warehouseUrl),
  ].join('\n');
}

function titleSection(input: DemoSummaryInput, users: number): string {
  const { days } = input;
  const failed = days.filter((d) => d.status !== 'success').length;
  const changes = days.reduce((n, d) => n + d.changes, 0);
  const outcome = failed === 0 ? 'every run succeeded' : `${failed} of ${days.length} runs did not succeed`;
  return (
    `clari-dp demo: ${days.length} business days (${days[0]!.asOf} to ${days[days.length - 1]!.asOf}) into ${input.warehouse.description}: ` +
    `${outcome}, ${count(changes)} forecast changes detected, ${count(input.alerts.length)} alerts.\n` +
    (users === input.tenantUsers
      ? `Clari exported all ${count(users)} people of the simulated tenant on the last day.\n`
      : `Clari exported ${count(users)} of the simulated tenant's ${count(input.tenantUsers)} people on the last day: ` +
        'the others had left or not joined yet (Clari exports only the users in its hierarchy at the time).\n')
  );
}

/** The headline of each forecast's latest period, on its default call field (Commit). */
async function standings(wh: Warehouse): Promise<Headline[]> {
  const out: Headline[] = [];
  for (const forecast of await reportsSql.forecastNames(wh)) {
    const selection = await select(wh, { forecast });
    if (selection) out.push(await headline(wh, selection));
  }
  return out;
}

function standingSection(heads: readonly Headline[], last: string): string {
  if (heads.length === 0) return 'No forecast loaded.\n';
  const rows = heads.map((h) => [
    h.selection.forecast,
    h.selection.period,
    h.weekIndex === null ? '' : String(h.weekIndex),
    h.selection.fieldName,
    money(h.forecastAmount),
    money(h.quota),
    pct(h.forecastToQuotaPct),
    money(h.closed),
    pct(h.attainmentPct),
    ratio(h.coverage),
    ratio(h.requiredCoverage),
  ]);
  return (
    `Where the quarter stands on ${last} (the top of the hierarchy; coverage = open pipeline / quota still to close, ` +
    'required = 1 / win rate):\n' +
    table(
      [
        'forecast',
        'period',
        'week',
        'call field',
        'call',
        'quota',
        'call/quota',
        'closed',
        'attained',
        'coverage',
        'required',
      ],
      rows,
    )
  );
}

function movesSection(
  moves: readonly Record<string, string | null>[],
  last: string,
  same: ReadonlySet<string>,
): string {
  if (moves.length === 0) return `No rep moved a call on ${last}.\n`;
  return (
    `Biggest moves on ${last} (reps; managers' roll-ups repeat them: clari-dp changes --level manager):\n` +
    table(
      ['owner', 'forecast', 'period', 'field', 'previous', 'current', 'change', 'change %'],
      moves.map((m) => [
        ownerLabel(m.owner_name ?? '', m.owner_email ?? '', same),
        m.forecast_name ?? '',
        m.time_period ?? '',
        m.field_name ?? '',
        money(m.previous_amount),
        money(m.current_amount),
        signedMoney(m.change_amount),
        signedPct(m.change_pct),
      ]),
    )
  );
}

/**
 * The deals behind the day's biggest move (the first of the moves above): which of the rep's
 * opportunities changed amount, stage or close date between the two snapshots. Nothing when deals
 * were never loaded.
 */
async function dealsSection(
  wh: Warehouse,
  top: Record<string, string | null> | undefined,
  same: ReadonlySet<string>,
): Promise<string> {
  if (top === undefined || !(await dealData(wh)).loaded) return '';
  const behind = await dealsBehindChange(
    wh,
    {
      forecast: top.forecast_name ?? '',
      period: top.time_period ?? '',
      userId: top.user_id ?? '',
      fieldId: top.field_id ?? '',
      snapshot: top.current_snapshot ?? '',
    },
    same,
  );
  if (!behind) return '';
  const c = behind.change;
  return (
    `The deals behind the biggest move: ${c.label}, ${c.forecast} ${c.period} ${c.field} ${signedMoney(c.change)} ` +
    `(${c.previousSnapshot ?? ''} -> ${c.snapshot}): ${summaryLine(behind.summary)}` +
    (behind.deals.length === 0
      ? '.\n'
      : // A rep's deals are all theirs: no owner column.
        ':\n' +
        render(
          behind.deals,
          DEAL_COLUMNS.filter(([header]) => header !== 'owner'),
          'table',
        )) +
    'Every change with its deals: clari-dp report deals; at-risk deals: clari-dp report deals-at-risk.\n'
  );
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The alerts as one digest: how many each rule fired (on reps, on managers' roll-ups, other), and
 * the largest few moves on reps. The demo's channel is the console; a real setup sends the same
 * alerts to Slack, e-mail or a webhook (docs/alerts.md).
 */
export function alertDigest(
  alerts: readonly Alert[],
  managers: ReadonlySet<string>,
  same: ReadonlySet<string>,
): string {
  if (alerts.length === 0) return 'Alerts: none fired.\n';
  const byRule = new Map<string, { severity: string; reps: number; managers: number; other: number }>();
  for (const a of alerts) {
    const entry = byRule.get(a.rule) ?? { severity: a.severity, reps: 0, managers: 0, other: 0 };
    const user = str(a.data.userId);
    if (user === '') entry.other++;
    else if (managers.has(user)) entry.managers++;
    else entry.reps++;
    byRule.set(a.rule, entry);
  }
  const days = new Set(alerts.map((a) => str(a.data.snapshot)).filter((d) => d !== '')).size;
  let out =
    `Alerts: ${count(alerts.length)} fired over ${days} day${days === 1 ? '' : 's'}, by rule ` +
    '(the demo prints them here; a real setup sends them to Slack, e-mail or a webhook, docs/alerts.md):\n';
  // "other": alerts about the pipeline itself (a failed export), shown only when there are some.
  const other = [...byRule.values()].some((e) => e.other > 0);
  out += table(
    ['rule', 'severity', 'alerts', 'on reps', 'on managers', ...(other ? ['other'] : [])],
    [...byRule].map(([rule, e]) => [
      rule,
      e.severity,
      count(e.reps + e.managers + e.other),
      count(e.reps),
      count(e.managers),
      ...(other ? [count(e.other)] : []),
    ]),
  );
  const top = alerts
    .filter((a) => str(a.data.userId) !== '' && !managers.has(str(a.data.userId)) && num(a.data.change) !== null)
    .sort((a, b) => Math.abs(num(b.data.change)!) - Math.abs(num(a.data.change)!))
    .slice(0, TOP_ALERTS);
  if (top.length === 0) return out;
  return (
    out +
    `\nThe ${top.length} largest alerted moves on reps:\n` +
    table(
      ['date', 'rule', 'owner', 'forecast', 'period', 'field', 'previous', 'current', 'change', 'change %'],
      top.map((a) => [
        str(a.data.snapshot),
        a.rule,
        ownerLabel(str(a.data.ownerName), str(a.data.ownerEmail), same),
        str(a.data.forecastId),
        str(a.data.period),
        str(a.data.fieldName),
        money(num(a.data.previous)),
        money(num(a.data.current)),
        signedMoney(num(a.data.change)),
        signedPct(num(a.data.changePct)),
      ]),
    )
  );
}

function runsSection(days: readonly DemoDay[]): string {
  return (
    'Runs, one per business day:\n' +
    table(
      ['as of', 'status', 'exports', 'rows', 'changes', 'alerts', 'time'],
      days.map((d) => [
        d.asOf,
        d.status,
        String(d.exports),
        count(d.rows),
        count(d.changes),
        count(d.alerts),
        `${(d.durationMs / 1000).toFixed(1)} s`,
      ]),
    )
  );
}

function tablesSection(counts: readonly { t: string; n: string }[]): string {
  return (
    'Warehouse tables:\n' +
    table(
      ['table', 'rows'],
      counts.map((c) => [c.t, count(c.n)]),
    )
  );
}

function nextSteps(warehouseUrl: string): string {
  const flag = warehouseUrl === 'duckdb:./clari.duckdb' ? '' : ` --warehouse ${warehouseUrl}`;
  const file = warehouseUrl.replace(/^duckdb:/, '').replace(/\?.*$/, '');
  return (
    'Next:\n' +
    `  npx clari-dp serve${flag}                 the dashboard on http://127.0.0.1:8080/\n` +
    `  npx clari-dp report coverage|reps|accuracy|changes|health|deals|deals-at-risk${flag}\n` +
    `  npx clari-dp changes${flag}               every detected change (--level manager for roll-ups)\n` +
    (warehouseUrl.startsWith('duckdb:')
      ? `  duckdb ${file} "SELECT * FROM clari_forecast_changes ORDER BY abs(change_amount) DESC LIMIT 10"\n`
      : '')
  );
}
