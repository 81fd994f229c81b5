/**
 * The dashboard page, rendered on the server as one HTML document with inline CSS, inline SVG charts
 * and a small inline script (sorting and filtering the rep table by event delegation): no build step,
 * no CDN, no client framework, and it still reads without JavaScript. Pure functions of the data; the
 * caller supplies the CSP nonce, and every value goes through `esc`.
 */
import {
  type AccuracyPoint,
  type ChangeRow,
  dealMoveKey,
  type DealMoveSummary,
  type DealsAtRisk,
  type DealsBehindChange,
  type Headline,
  type Health,
  type Options,
  type OwnerLevel,
  type RepRow,
  type Selection,
  type TeamCoverage,
  type TrendPoint,
} from '../analytics/index.js';
import { accuracyChart, coverageChart, trendChart } from './charts.js';
import { atRiskPanel, changeDealsSection, dealsCell } from './deal-panels.js';
import {
  ago,
  count,
  duration,
  esc,
  money,
  NULL_TEXT,
  pct,
  ratio,
  signedMoney,
  signedPct,
  timestamp,
  timestampMs,
} from './format.js';

export interface DashboardModel {
  readonly title: string;
  readonly options: Options;
  readonly selection: Selection;
  readonly headline: Headline;
  /** Which owners the changes and the rep table list (reps by default: a manager's row is a roll-up). */
  readonly level: OwnerLevel;
  /** Week by week of the period: the org's call, quota and closed. */
  readonly trend: readonly TrendPoint[];
  readonly accuracy: readonly AccuracyPoint[];
  readonly coverage: readonly TeamCoverage[];
  readonly changes: readonly ChangeRow[];
  readonly changeDays: number;
  /** The owners of the selected level (the service filters; the header counts every owner). */
  readonly reps: readonly RepRow[];
  readonly health: Health;
  /** Epoch ms from the injected clock. */
  readonly now: number;
  /**
   * Deals, when any were loaded (activity.enabled): how many moved under each listed change (by
   * `dealMoveKey`), and the deals at risk. Without them the page has no deal column or panel.
   */
  readonly deals?: DealsModel | undefined;
}

export interface DealsModel {
  readonly moves: ReadonlyMap<string, DealMoveSummary>;
  readonly atRisk: DealsAtRisk;
}

export interface PageFrame {
  readonly title: string;
  /** Per-response nonce allowing the inline style and script under the Content-Security-Policy. */
  readonly nonce: string;
}

/** The empty state's message (also the API's 404 when there is nothing to select). */
export const NO_SNAPSHOTS = 'no snapshots yet: run clari-dp run or clari-dp demo';

/** A last success older than this is flagged stale on the health panel. */
const STALE_MS = 36 * 3_600_000;

const periodLabel = (id: string): string => id.replace('_', ' ');

function metric(name: string, value: number | null, text: string): string {
  return `<span data-metric="${esc(name)}" data-value="${value === null ? '' : esc(value)}">${esc(text)}</span>`;
}

function progress(value: number | null, label: string): string {
  if (value === null || !Number.isFinite(value)) return '';
  const width = Math.max(0, Math.min(100, value));
  return `<svg class="progress" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="${esc(label)}"><rect class="track" width="100" height="6" rx="3"/><rect class="fill" width="${width.toFixed(1)}" height="6" rx="3"/></svg>`;
}

/** A bar for a ratio against what it needs: the fill is the value, the tick is the target. */
function gauge(value: number | null, target: number | null, label: string): string {
  if (value === null || target === null || !Number.isFinite(value) || !Number.isFinite(target)) return '';
  const max = Math.max(value, target, 0.01) * 1.25;
  const at = (v: number): string => ((Math.max(0, v) / max) * 100).toFixed(1);
  return `<svg class="progress gauge" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${esc(label)}"><rect class="track" y="2" width="100" height="6" rx="3"/><rect class="fill${value < target ? ' low' : ''}" y="2" width="${at(value)}" height="6" rx="3"/><rect class="target" x="${at(target)}" y="0" width="0.8" height="10"/></svg>`;
}

function select(
  name: string,
  label: string,
  current: string,
  choices: readonly { value: string; label: string }[],
): string {
  const opts = choices
    .map((c) => `<option value="${esc(c.value)}"${c.value === current ? ' selected' : ''}>${esc(c.label)}</option>`)
    .join('');
  return `<label>${esc(label)} <select name="${esc(name)}" id="select-${esc(name)}">${opts}</select></label>`;
}

/** The level selector's choices, in the words a reader of the page uses. */
const LEVEL_CHOICES: readonly { value: OwnerLevel; label: string }[] = [
  { value: 'rep', label: 'Reps' },
  { value: 'manager', label: 'Managers (team roll-ups)' },
  { value: 'all', label: 'Reps and managers' },
];

/**
 * Who the selection counts, in words: owners are the users with a row for this forecast, period and
 * call field; the rest of Clari's current users are named (not opted in, or no entries yet).
 */
function ownersText(h: Headline, period: string): { text: string; title: string } {
  const split = `${count(h.owners)} owners: ${count(h.reps)} reps, ${count(h.managers)} managers`;
  if (h.absent === 0)
    return { text: split, title: `Every one of the ${count(h.users)} users in Clari's hierarchy has a row here.` };
  const names = h.absentNames.join(', ') + (h.absent > h.absentNames.length ? ', ...' : '');
  const who = `${count(h.absent)} of the ${count(h.users)} users in Clari's hierarchy ${h.absent === 1 ? 'has' : 'have'} no row for ${periodLabel(period)}`;
  return {
    text: `${split} · ${who} (${names})`,
    title: `${who}: not opted in to this forecast, or no entries for the period yet. Users who have left are not in Clari's export at all.`,
  };
}

function headerBlock(model: DashboardModel): string {
  const { selection, options, headline } = model;
  const week = headline.weekIndex === null ? '' : ` · week ${headline.weekIndex} of 13`;
  const owners = ownersText(headline, selection.period);
  return `<header class="top">
<div class="brand"><h1>${esc(model.title)}</h1>
<p class="sub"><span data-selection="forecast">${esc(selection.forecast)}</span> · <span data-selection="period">${esc(periodLabel(selection.period))}</span> · <span data-selection="field">${esc(selection.fieldName)}</span> · snapshot <time data-snapshot="${esc(selection.snapshotDate)}" datetime="${esc(selection.snapshotDate)}">${esc(selection.snapshotDate)}</time>${esc(week)}</p>
<p class="sub owners" data-owners="${headline.owners}" data-reps="${headline.reps}" data-managers="${headline.managers}" data-users="${headline.users}" data-absent="${headline.absent}" title="${esc(owners.title)}">${esc(owners.text)}</p></div>
<form id="selectors" class="selectors" method="get" action="/">
${select(
  'forecast',
  'Forecast',
  selection.forecast,
  options.forecasts.map((f) => ({ value: f, label: f })),
)}
${select(
  'period',
  'Period',
  selection.period,
  options.periods.map((p) => ({ value: p, label: periodLabel(p) })),
)}
${select(
  'field',
  'Call field',
  selection.field,
  options.fields.map((f) => ({ value: f.id, label: f.name })),
)}
${select('level', 'Owners', model.level, LEVEL_CHOICES)}
<noscript><button type="submit">Show</button></noscript>
</form>
</header>`;
}

function cards(model: DashboardModel): string {
  const h = model.headline;
  const below = h.coverage !== null && h.requiredCoverage !== null && h.coverage < h.requiredCoverage;
  const weekText = h.weekIndex === null ? 'this week' : `week ${h.weekIndex}`;
  return `<section class="cards" aria-label="Headline numbers">
<article class="card" data-card="forecast" title="${esc(DEFINITIONS.call)}"><h2>${esc(model.selection.fieldName)} vs quota</h2>
<p class="big">${metric('forecastAmount', h.forecastAmount, money(h.forecastAmount))}</p>
<p class="detail">${metric('forecastToQuotaPct', h.forecastToQuotaPct, pct(h.forecastToQuotaPct))} of ${metric('quota', h.quota, money(h.quota))} quota${h.gapToQuota !== null && h.gapToQuota > 0 ? ` · ${metric('gapToQuota', h.gapToQuota, money(h.gapToQuota))} short` : ''}</p>
${progress(h.forecastToQuotaPct, 'forecast as a share of quota')}</article>
<article class="card" data-card="closed" title="${esc(DEFINITIONS.attainment)}"><h2>Closed · attainment</h2>
<p class="big">${metric('attainmentPct', h.attainmentPct, pct(h.attainmentPct))}</p>
<p class="detail">${metric('closed', h.closed, money(h.closed))} closed of ${money(h.quota)}</p>
${progress(h.attainmentPct, 'closed as a share of quota')}</article>
<article class="card${below ? ' warn' : ''}" data-card="coverage" title="${esc(`${DEFINITIONS.coverage} ${DEFINITIONS.required}`)}"><h2>Pipeline coverage</h2>
<p class="big">${metric('coverage', h.coverage, ratio(h.coverage))}</p>
<p class="detail">required ${metric('requiredCoverage', h.requiredCoverage, ratio(h.requiredCoverage))}${below ? ' <strong class="flag">short</strong>' : ''} · ${metric('pipeline', h.pipeline, money(h.pipeline))} open pipeline</p>
${gauge(h.coverage, h.requiredCoverage, 'coverage against the coverage required (the tick)')}</article>
<article class="card" data-card="accuracy" title="${esc(DEFINITIONS.accuracy)}"><h2>Accuracy at ${esc(weekText)}</h2>
<p class="big">${metric('accuracyPct', h.accuracyPct, pct(h.accuracyPct))}</p>
<p class="detail">${h.accuracyPct === null ? 'no closed quarter to compare with yet' : `mean rep accuracy at ${esc(weekText)} in past quarters`}</p>
${progress(h.accuracyPct, 'accuracy at this week in past quarters')}</article>
</section>`;
}

/**
 * What every derived number on the page means (docs/analytics.md says the same at length): shown
 * under the charts, in the cards' tooltips, and in full at the foot of the page.
 */
const DEFINITIONS = {
  call: 'The call is the top of the hierarchy’s own call on the field, or the sum of its direct reports’ calls when it has none (a CRO often has none). Call / quota = call ÷ quota.',
  attainment: 'Attainment = closed-won ÷ quota, for the top of the hierarchy (its row is the org’s roll-up).',
  coverage:
    'Coverage = open pipeline ÷ quota still to close. Open pipeline is the CRM total of the Pipeline call field less what has closed; quota still to close is quota less closed.',
  required:
    'Required coverage = 1 ÷ win rate; the win rate is closed-won ÷ the open pipeline at week 1 of the quarter, over the owner’s last four closed quarters (about 33% gives the usual 3x).',
  accuracy:
    'Accuracy = 1 − |call − closed| ÷ closed (0 when the call is off by more than what closed), for each rep’s call at that week of past, closed quarters, averaged over reps.',
  wape: 'WAPE = Σ|call − closed| ÷ Σ closed over reps (lower is better); bias = Σ(call − closed) ÷ Σ closed (above 0: calls ran high).',
  owners:
    'Owners are the users with a row for this forecast, period and call field in the latest snapshot. A rep has nobody reporting to them; a manager’s row is their team’s roll-up, so lists of moves show reps unless “Owners” says otherwise.',
  changes:
    'A change is a call that differs between two consecutive snapshots (business days) of the same owner, field and period.',
  bias: 'Bias (rep table) = Σ(final call − closed) ÷ Σ closed over the owner’s last four closed quarters.',
} as const;

function definitionsPanel(): string {
  const items: [string, string][] = [
    ['Call and call / quota', DEFINITIONS.call],
    ['Attainment', DEFINITIONS.attainment],
    ['Pipeline coverage', DEFINITIONS.coverage],
    ['Required coverage and win rate', DEFINITIONS.required],
    ['Accuracy', DEFINITIONS.accuracy],
    ['WAPE and bias by week', DEFINITIONS.wape],
    ['Bias (rep table)', DEFINITIONS.bias],
    ['Owners, reps and managers', DEFINITIONS.owners],
    ['Changes', DEFINITIONS.changes],
  ];
  return `<section class="panel" id="definitions"><details><summary><h2>How these numbers are defined</h2></summary>
<dl class="definitions">${items.map(([term, text]) => `<div><dt>${esc(term)}</dt><dd>${esc(text)}</dd></div>`).join('')}</dl>
<p class="muted">More in docs/analytics.md.</p></details></section>`;
}

const LEVEL_WORDS: Record<OwnerLevel, string> = {
  rep: 'reps only (a manager’s row is their team’s roll-up: choose Owners to see managers)',
  manager: 'managers only (each row is their team’s roll-up)',
  all: 'reps and managers (a manager’s row is their team’s roll-up)',
};

function changesTable(
  rows: readonly ChangeRow[],
  days: number,
  level: OwnerLevel,
  deals: DealsModel | undefined,
): string {
  if (rows.length === 0) return `<p class="empty" data-empty="changes">No forecast moves in the last ${days} days.</p>`;
  const withLevel = level === 'all';
  const dealCell = (r: ChangeRow): string => (deals ? dealsCell(r, deals.moves.get(dealMoveKey(r))) : '');
  const body = rows
    .map((r) => {
      const dir = r.change === null ? '' : r.change > 0 ? 'up' : r.change < 0 ? 'down' : '';
      return `<tr data-level="${r.level}"><td>${esc(r.snapshot)}</td><td title="${esc(r.ownerEmail)}" data-owner="${esc(r.userId)}">${esc(r.label)}</td>${withLevel ? `<td>${r.level}</td>` : ''}<td>${esc(r.field)}</td><td class="num">${esc(money(r.previous))}</td><td class="num">${esc(money(r.current))}</td><td class="num ${dir}" data-v="${r.change ?? ''}">${esc(signedMoney(r.change))}</td><td class="num ${dir}">${esc(signedPct(r.changePct))}</td>${dealCell(r)}</tr>`;
    })
    .join('\n');
  const dealHead = deals
    ? '<th class="num" title="the opportunities of the owner (a manager: their team) that moved between the two snapshots">Deals</th>'
    : '';
  return `<div class="scroll"><table class="data" id="changes-table"><thead><tr><th>Snapshot</th><th>Owner</th>${withLevel ? '<th>Level</th>' : ''}<th>Call field</th><th class="num">Previous</th><th class="num">Current</th><th class="num">Change</th><th class="num">Change %</th>${dealHead}</tr></thead><tbody>
${body}
</tbody></table></div>`;
}

interface RepColumn {
  readonly label: string;
  readonly type: 'text' | 'num';
  /** Fixed column width (px): with table-layout fixed the browser never measures 5,000 rows. */
  readonly width: number;
  readonly title?: string;
  readonly cell: (r: RepRow) => { text: string; value?: number | null; className?: string };
}

const REP_COLUMNS: readonly RepColumn[] = [
  { label: 'Owner', width: 190, type: 'text', cell: (r) => ({ text: r.owner }) },
  { label: 'Email', width: 230, type: 'text', cell: (r) => ({ text: r.ownerEmail }) },
  { label: 'Manager', width: 200, type: 'text', cell: (r) => ({ text: r.managerLabel ?? NULL_TEXT }) },
  {
    label: 'Role',
    width: 86,
    type: 'text',
    title: 'rep: has no one reporting to them',
    cell: (r) => ({ text: r.isRep ? 'rep' : 'manager' }),
  },
  {
    label: 'Forecast',
    width: 126,
    type: 'num',
    cell: (r) => ({ text: money(r.forecastAmount), value: r.forecastAmount }),
  },
  { label: 'Quota', width: 126, type: 'num', cell: (r) => ({ text: money(r.quota), value: r.quota }) },
  { label: 'Closed', width: 126, type: 'num', cell: (r) => ({ text: money(r.closed), value: r.closed }) },
  {
    label: 'Attainment',
    width: 104,
    type: 'num',
    cell: (r) => ({ text: pct(r.attainmentPct), value: r.attainmentPct }),
  },
  {
    label: 'Forecast / quota',
    width: 128,
    type: 'num',
    cell: (r) => ({ text: pct(r.forecastToQuotaPct), value: r.forecastToQuotaPct }),
  },
  {
    label: 'Bias',
    width: 84,
    type: 'num',
    title: 'final call vs closed over up to 4 past quarters; > 0 over-forecasts',
    cell: (r) => ({ text: signedPct(r.biasPct), value: r.biasPct }),
  },
  {
    label: 'Weeks since update',
    width: 148,
    type: 'num',
    cell: (r) => ({
      text: count(r.weeksSinceUpdate),
      value: r.weeksSinceUpdate,
      className: r.weeksSinceUpdate !== null && r.weeksSinceUpdate >= 2 ? 'warn' : '',
    }),
  },
  {
    label: 'Largest move 7d',
    width: 138,
    type: 'num',
    cell: (r) => ({ text: money(r.largestMove7d), value: r.largestMove7d }),
  },
  {
    label: 'Coverage',
    width: 92,
    type: 'num',
    cell: (r) => ({ text: ratio(r.coverage), value: r.coverage }),
  },
];

/** Rows laid out at once; the rest wait behind "Show all" (a 5,000-row layout takes seconds on a laptop). */
export const REP_PAGE = 500;

function repCountText(matching: number, total: number, limit: number): string {
  const base = matching === total ? `${count(total)} owners` : `${count(matching)} of ${count(total)} owners`;
  return matching > limit ? `${base} · showing the first ${count(limit)}` : base;
}

function repTable(rows: readonly RepRow[], nonce: string, level: OwnerLevel): string {
  const head = REP_COLUMNS.map(
    (c, i) =>
      `<th scope="col" data-type="${c.type}" aria-sort="none"${c.type === 'num' ? ' class="num"' : ''}${c.title ? ` title="${esc(c.title)}"` : ''}><button type="button" data-col="${i}">${esc(c.label)}</button></th>`,
  ).join('');
  const body = rows
    .map((r, i) => {
      const cells = REP_COLUMNS.map((c) => {
        const v = c.cell(r);
        const cls = [c.type === 'num' ? 'num' : '', v.className ?? ''].filter(Boolean).join(' ');
        const data =
          c.type === 'num' ? ` data-v="${v.value === null || v.value === undefined ? '' : esc(v.value)}"` : '';
        // Text cells carry their full text as a tooltip: a fixed-width column may cut it short.
        const title = c.type === 'text' && v.text.length > 20 ? ` title="${esc(v.text)}"` : '';
        return `<td${cls ? ` class="${cls}"` : ''}${data}${title}>${esc(v.text)}</td>`;
      }).join('');
      return `<tr data-rep="${r.isRep ? 1 : 0}"${i >= REP_PAGE ? ' hidden' : ''}>${cells}</tr>`;
    })
    .join('\n');
  const paged = rows.length > REP_PAGE;
  return `<div class="table-tools">
<label class="filter">Filter <input type="search" id="rep-filter" placeholder="owner or manager" autocomplete="off" spellcheck="false"></label>
${level === 'all' ? '<label class="check"><input type="checkbox" id="reps-only"> reps only</label>' : ''}
<span id="rep-count" class="muted" aria-live="polite">${esc(repCountText(rows.length, rows.length, REP_PAGE))}</span>
<button type="button" id="rep-more"${paged ? '' : ' hidden'}>Show all ${esc(count(rows.length))}</button>
</div>
${paged ? `<noscript><style nonce="${esc(nonce)}">#rep-table tr[hidden]{display:table-row!important}#rep-more{display:none!important}</style></noscript>` : ''}
<div class="scroll tall"><table class="data sortable" id="rep-table" data-search-cols="0,2" data-page="${REP_PAGE}" width="${REP_COLUMNS.reduce((w, c) => w + c.width, 0)}"><colgroup>${REP_COLUMNS.map((c) => `<col width="${c.width}">`).join('')}</colgroup><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div>`;
}

function healthPanel(health: Health, now: number): string {
  const lastMs = timestampMs(health.lastSuccessAt);
  const stale = lastMs !== undefined && now - lastMs > STALE_MS;
  const quota =
    health.quotaLeft === null
      ? NULL_TEXT
      : health.quotaLimit === null
        ? count(health.quotaLeft)
        : `${count(health.quotaLeft)} of ${count(health.quotaLimit)}`;
  const stats = `<dl class="stats">
<div><dt>Export completion</dt><dd>${metric('completionPct', health.completionPct, pct(health.completionPct))}</dd></div>
<div><dt>Avg export latency</dt><dd>${metric('avgLatencyMs', health.avgLatencyMs, duration(health.avgLatencyMs))}</dd></div>
<div${stale ? ' class="warn"' : ''}><dt>Last success</dt><dd><span data-metric="lastSuccessAt" data-value="${esc(health.lastSuccessAt ?? '')}">${esc(timestamp(health.lastSuccessAt))}</span> <small class="muted">${esc(ago(health.lastSuccessAt, now))}</small>${stale ? ' <strong class="flag">stale</strong>' : ''}</dd></div>
<div><dt>Export quota left (30 days)</dt><dd>${metric('quotaLeft', health.quotaLeft, quota)}</dd></div>
</dl>`;
  if (health.runs.length === 0) return `${stats}<p class="empty" data-empty="runs">No pipeline runs recorded yet.</p>`;
  const body = health.runs
    .slice(0, 10)
    .map(
      (r) =>
        `<tr><td>${esc(timestamp(r.startedAt))}</td><td><span class="status ${esc(r.status.replace(/[^a-z]/g, ''))}"${r.error ? ` title="${esc(r.error)}"` : ''}>${esc(r.status)}</span></td><td>${esc(r.asOf)}</td><td>${esc(r.trigger)}</td>` +
        `<td class="num${r.exportsFailed > 0 ? ' bad' : ''}">${esc(`${count(r.exportsFailed)} of ${count(r.exports)}`)}</td><td class="num">${esc(count(r.rowsLoaded))}</td><td class="num">${esc(count(r.changes))}</td><td class="num">${esc(duration(r.durationMs))}</td></tr>`,
    )
    .join('\n');
  return `${stats}<div class="scroll"><table class="data" id="runs-table"><thead><tr><th>Started</th><th>Status</th><th>As of</th><th>Trigger</th><th class="num">Exports failed</th><th class="num">Rows</th><th class="num">Changes</th><th class="num">Duration</th></tr></thead><tbody>
${body}
</tbody></table></div>`;
}

function htmlDocument(frame: PageFrame, body: string, script: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>${esc(frame.title)}</title>
<style nonce="${esc(frame.nonce)}">${CSS}</style>
</head>
<body>
${body}
${script ? `<script nonce="${esc(frame.nonce)}">${SCRIPT}</script>` : `<script nonce="${esc(frame.nonce)}">${STRIP_TOKEN}</script>`}
</body>
</html>
`;
}

/** The forecast call's first chart: the org's call against quota and closed, week by week. */
function trendPanel(model: DashboardModel): string {
  const { selection } = model;
  return `<article class="panel" id="trend"><h2>${esc(selection.fieldName)} call vs quota and closed, week by week</h2>
<p class="hint">${esc(periodLabel(selection.period))} of ${esc(selection.forecast)}: the org’s ${esc(selection.fieldName)} call at each week (the top of the hierarchy’s own, or its direct reports’ summed when it has none), its quota and what has closed.</p>
${trendChart(model.trend, { fieldName: selection.fieldName, currentWeek: model.headline.weekIndex })}</article>`;
}

function accuracyPanel(model: DashboardModel): string {
  return `<article class="panel" id="accuracy"><h2>Accuracy by week of quarter</h2>
<p class="hint">How close reps’ ${esc(model.selection.fieldName)} calls at each week came to what closed, in the closed quarters of ${esc(model.selection.forecast)}. Accuracy = 1 − |call − closed| ÷ closed, averaged over reps; WAPE = Σ|call − closed| ÷ Σ closed.</p>
${accuracyChart(model.accuracy, { currentWeek: model.headline.weekIndex })}</article>`;
}

function coveragePanel(model: DashboardModel): string {
  return `<article class="panel" id="coverage"><h2>Coverage by team</h2>
<p class="hint">Per manager’s team: open pipeline (the Pipeline field’s CRM total less closed) ÷ the quota still to close. The tick is the coverage the team needs: 1 ÷ its win rate (closed-won ÷ week-1 open pipeline, last four closed quarters).</p>
${coverageChart(model.coverage)}</article>`;
}

function changesPanel(model: DashboardModel): string {
  const { selection } = model;
  return `<section class="panel" id="changes"><h2>This week’s biggest changes</h2>
<p class="hint" data-level="${model.level}">Largest moves between consecutive snapshots in the last ${model.changeDays} days, ${esc(selection.forecast)} ${esc(periodLabel(selection.period))}, all call fields; ${esc(LEVEL_WORDS[model.level])}.</p>
${changesTable(model.changes, model.changeDays, model.level, model.deals)}</section>`;
}

function repsPanel(model: DashboardModel, nonce: string): string {
  const title = model.level === 'rep' ? 'Reps' : model.level === 'manager' ? 'Managers' : 'Reps and managers';
  return `<section class="panel" id="reps"><h2>${title} · ${esc(model.selection.fieldName)}</h2>
${repTable(model.reps, nonce, model.level)}</section>`;
}

/** The full dashboard for one selection: headline, charts, moves, owners, health, definitions. */
export function renderDashboard(model: DashboardModel, frame: PageFrame): string {
  const body = `${headerBlock(model)}
<main>
${cards(model)}
<section class="grid2">
<div class="stack">
${trendPanel(model)}
${accuracyPanel(model)}
</div>
${coveragePanel(model)}
</section>
${changesPanel(model)}
${model.deals ? atRiskPanel(model.deals.atRisk) : ''}
${repsPanel(model, frame.nonce)}
<section class="panel" id="health"><h2>Pipeline health</h2>
${healthPanel(model.health, model.now)}</section>
${definitionsPanel()}
</main>
<footer>Generated ${esc(timestamp(new Date(model.now).toISOString()))} · JSON: <a href="/api/headline">/api/headline</a>, <a href="/api/trend">/api/trend</a>, <a href="/api/reps">/api/reps</a>, <a href="/api/health">/api/health</a>${model.deals ? ', <a href="/api/deals-at-risk">/api/deals-at-risk</a>' : ''}</footer>`;
  return htmlDocument(frame, body, true);
}

/** The first-run page: nothing loaded yet, what to do, and the runs so far (a failed first run shows here). */
export function renderEmpty(input: { health: Health; now: number }, frame: PageFrame): string {
  const body = `<header class="top"><div class="brand"><h1>${esc(frame.title)}</h1><p class="sub">no data yet</p></div></header>
<main>
<section class="panel empty-state" data-empty="snapshots"><h2>Nothing loaded yet</h2>
<p class="lead">${esc(NO_SNAPSHOTS)}</p>
<p>The dashboard reads the forecast snapshots in the warehouse. Load some, then reload this page:</p>
<pre><code>npx clari-dp run        # current quarter + 4 previous from your Clari tenant
npx clari-dp demo       # or: a simulated tenant, 10 business days</code></pre>
<p class="muted">Accuracy needs closed quarters; <code>npx clari-dp backfill</code> loads them.</p></section>
<section class="panel" id="health"><h2>Pipeline health</h2>
${healthPanel(input.health, input.now)}</section>
</main>`;
  return htmlDocument(frame, body, false);
}

/** The drill-down of one call change: the deals that moved under it, with a way back to the dashboard. */
export function renderChangeDeals(
  input: { behind: DealsBehindChange; dealsLoaded: boolean; offHint: string; now: number },
  frame: PageFrame,
): string {
  const c = input.behind.change;
  const back = `/?${new URLSearchParams({ forecast: c.forecast, period: c.period, level: c.level }).toString()}#changes`;
  const api = `/api/changes/deals?${new URLSearchParams({ forecast: c.forecast, period: c.period, field: c.fieldId, user: c.userId, snapshot: c.snapshot }).toString()}`;
  const body = `<header class="top"><div class="brand"><h1>${esc(frame.title)}</h1><p class="sub">Deals behind a forecast change · <a href="${esc(back)}">back to the dashboard</a></p></div></header>
<main>
${changeDealsSection(input.behind, input.dealsLoaded, input.offHint)}
</main>
<footer>Generated ${esc(timestamp(new Date(input.now).toISOString()))} · JSON: <a href="${esc(api)}">${esc(api.split('?')[0]!)}</a></footer>`;
  return htmlDocument(frame, body, false);
}

/** An error page (bad parameters, unauthorised, failure), with a way back. */
export function renderMessage(
  input: { heading: string; message: string; link?: { href: string; text: string } | undefined },
  frame: PageFrame,
): string {
  const body = `<header class="top"><div class="brand"><h1>${esc(frame.title)}</h1></div></header>
<main><section class="panel message"><h2>${esc(input.heading)}</h2><p>${esc(input.message)}</p>${input.link ? `<p><a href="${esc(input.link.href)}">${esc(input.link.text)}</a></p>` : ''}</section></main>`;
  return htmlDocument(frame, body, false);
}

// Removes the token query parameter from the address bar once the cookie holds it, so it is not
// bookmarked, shared in a screenshot or kept in history. (It never appears in the page itself.)
const STRIP_TOKEN = `(function(){var u=new URL(location.href);if(u.searchParams.has('token')){u.searchParams.delete('token');history.replaceState(null,'',u.pathname+u.search+u.hash);}})();`;

// The page's only behaviour: selectors submit on change; the rep table sorts (click a header) and
// filters (text, reps only) on the rendered rows, with one listener per control, none per row.
const SCRIPT = `${STRIP_TOKEN}
(function(){
'use strict';
var form=document.getElementById('selectors');
if(form){form.addEventListener('change',function(e){
  var t=e.target;
  if(t&&t.name==='forecast'){['period','field'].forEach(function(n){var s=form.elements.namedItem(n);if(s)s.disabled=true;});}
  form.submit();
});}
var table=document.getElementById('rep-table');
if(!table)return;
var body=table.tBodies[0];
var rows=Array.prototype.slice.call(body.rows);
var cols=(table.getAttribute('data-search-cols')||'0').split(',').map(Number);
var keys=rows.map(function(r){return cols.map(function(i){var c=r.cells[i];return c?c.textContent:'';}).join(' ').toLowerCase();});
var isRep=rows.map(function(r){return r.getAttribute('data-rep')==='1';});
var filter=document.getElementById('rep-filter');
var only=document.getElementById('reps-only');
var shown=document.getElementById('rep-count');
var more=document.getElementById('rep-more');
var page=Number(table.getAttribute('data-page'))||500;
var limit=page;
var order=rows.map(function(_,i){return i;});
var fmt=new Intl.NumberFormat('en-US');
// Shows the matching rows in the current order, at most limit of them: only those are laid out.
function apply(){
  var q=filter?filter.value.trim().toLowerCase():'';
  var repsOnly=only?only.checked:false;
  var n=0;
  for(var j=0;j<order.length;j++){
    var i=order[j];
    var match=!(repsOnly&&!isRep[i])&&(q===''||keys[i].indexOf(q)>=0);
    if(match)n++;
    var hide=!match||n>limit;
    if(rows[i].hidden!==hide)rows[i].hidden=hide;
  }
  var text=n===rows.length?fmt.format(n)+' owners':fmt.format(n)+' of '+fmt.format(rows.length)+' owners';
  if(n>limit)text+=' \u00b7 showing the first '+fmt.format(limit);
  if(shown)shown.textContent=text;
  if(more){more.hidden=!(n>limit);more.textContent='Show all '+fmt.format(n);}
}
if(filter)filter.addEventListener('input',apply);
if(only)only.addEventListener('change',apply);
if(more)more.addEventListener('click',function(){limit=Infinity;apply();});
if((filter&&filter.value)||(only&&only.checked))apply();
var collator=new Intl.Collator(undefined,{sensitivity:'base',numeric:true});
table.tHead.addEventListener('click',function(e){
  var button=e.target&&e.target.closest?e.target.closest('button[data-col]'):null;
  if(!button)return;
  var th=button.closest('th');
  var col=Number(button.getAttribute('data-col'));
  var numeric=th.getAttribute('data-type')==='num';
  var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c){c.setAttribute('aria-sort','none');});
  th.setAttribute('aria-sort',dir);
  var sign=dir==='ascending'?1:-1;
  var values=rows.map(function(r){
    var c=r.cells[col];
    if(!c)return null;
    if(numeric){var v=c.getAttribute('data-v');return v===null||v===''?null:Number(v);}
    var t=c.textContent.trim();
    return t===''||t==='${NULL_TEXT}'?null:t;
  });
  order=rows.map(function(_,i){return i;});
  order.sort(function(a,b){
    var x=values[a],y=values[b];
    if(x===null||y===null)return x===y?a-b:(x===null?1:-1);
    var d=numeric?x-y:collator.compare(x,y);
    return d!==0?sign*d:a-b;
  });
  // Hide first, then move: rows that end up hidden are never laid out.
  apply();
  var frag=document.createDocumentFragment();
  for(var k=0;k<order.length;k++)frag.appendChild(rows[order[k]]);
  body.appendChild(frag);
});
})();`;

const CSS = `
:root{--bg:#f6f7f9;--panel:#fff;--text:#1c2430;--muted:#5f6b7a;--line:#e3e7ec;--accent:#2f6fdb;--accent-soft:#d9e5fb;--good:#1f8a4c;--bad:#c0392b;--warn:#b7791f;--grid:#edf0f3;--current:rgba(47,111,219,.08)}
@media (prefers-color-scheme:dark){:root{--bg:#12161c;--panel:#1a2029;--text:#e6eaf0;--muted:#97a3b4;--line:#2b3340;--accent:#6ea0ff;--accent-soft:#24344f;--good:#4cc38a;--bad:#ff7b6b;--warn:#f0b35a;--grid:#242c38;--current:rgba(110,160,255,.12)}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
a{color:var(--accent)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:auto}
.top{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:flex-end;justify-content:space-between;padding:18px 24px 14px;background:var(--panel);border-bottom:1px solid var(--line)}
.top h1{margin:0;font-size:20px;font-weight:650}
.sub{margin:4px 0 0;color:var(--muted)}
.selectors{display:flex;flex-wrap:wrap;gap:10px}
.selectors label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
select,input[type=search],button{font:inherit;color:var(--text);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:5px 8px}
main{padding:18px 24px 8px;display:grid;grid-template-columns:minmax(0,1fr);gap:18px;max-width:1440px;margin:0 auto}
main>*,.grid2>*{min-width:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:14px}
.card,.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card h2{margin:0 0 6px;font-size:13px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.card .big{margin:0;font-size:28px;font-weight:650;font-variant-numeric:tabular-nums}
.card .detail{margin:4px 0 8px;color:var(--muted)}
.card.warn{border-color:var(--warn)}
.flag{color:var(--bad);font-weight:650}
.progress{width:100%;height:6px;display:block}
.progress .track{fill:var(--grid)}.progress .fill{fill:var(--accent)}
.progress.gauge{height:10px}.gauge .fill{fill:var(--good)}.gauge .fill.low{fill:var(--bad)}.gauge .target{fill:var(--text)}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:18px;align-items:start}
.stack{display:grid;gap:18px}
.sub.owners{font-size:12.5px}
.chart .line.call{fill:none;stroke:var(--accent);stroke-width:2.4}
.chart .point.call{fill:var(--accent);stroke:var(--panel);stroke-width:1.5}
.chart .line.quota{fill:none;stroke:var(--text);stroke-width:1.6;stroke-dasharray:6 4}
.chart .point.quota{fill:var(--panel);stroke:var(--text);stroke-width:1.2}
.chart .line.closed{fill:none;stroke:var(--good);stroke-width:2}
.chart .point.closed{fill:var(--good)}
.chart .area.closed{fill:var(--good);fill-opacity:.16}
.chart .now{stroke:var(--accent);stroke-width:1.2;stroke-dasharray:2 3}
.chart .end{font-size:11.5px;font-weight:600}.chart .end.call{fill:var(--accent)}.chart .end.quota{fill:var(--text)}.chart .end.closed{fill:var(--good)}
#definitions summary{cursor:pointer}#definitions summary h2{display:inline;font-size:15px}
.definitions{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:10px 24px;margin:12px 0 6px}
.definitions dt{font-weight:600}.definitions dd{margin:2px 0 0;color:var(--muted)}
.panel h2{margin:0 0 4px;font-size:16px}
.hint{margin:0 0 10px;color:var(--muted);font-size:12.5px}
.muted{color:var(--muted)}
.empty,.chart-empty{color:var(--muted);padding:18px 0}
.chart{width:100%;height:auto;display:block}
.chart text{fill:var(--muted);font-size:11px}
.chart .grid{stroke:var(--grid);stroke-width:1}.chart .grid.one{stroke:var(--line);stroke-dasharray:3 3}
.chart .baseline{stroke:var(--line)}
.chart .bar.wape{fill:var(--accent-soft)}
.chart .line.accuracy{fill:none;stroke:var(--accent);stroke-width:2.2}
.chart .point.accuracy{fill:var(--panel);stroke:var(--accent);stroke-width:2}
.chart .point.is-current{fill:var(--accent)}
.chart .current{fill:var(--current)}
.chart .cov.ok{fill:var(--good)}.chart .cov.low{fill:var(--bad)}
.chart .required{stroke:var(--text);stroke-width:2.5}
.chart .label{fill:var(--text);font-size:12px}.chart .value{fill:var(--text)}
.chart rect:hover,.chart circle:hover{opacity:.75}
.note{color:var(--muted);font-size:12.5px}
.scroll{overflow:auto}.scroll.tall{max-height:70vh;border:1px solid var(--line);border-radius:6px}
table.data{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
table.data th,table.data td{padding:5px 9px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
table.data th{position:sticky;top:0;background:var(--panel);font-size:12px;color:var(--muted);font-weight:600;z-index:1}
table.data .num{text-align:right}
table.sortable{table-layout:fixed}table.sortable td{overflow:hidden;text-overflow:ellipsis}
table.data tbody tr:hover{background:var(--bg)}
td.up{color:var(--good)}td.down{color:var(--bad)}td.warn{color:var(--warn)}td.bad{color:var(--bad)}
th button{all:unset;cursor:pointer}
th button:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
th[aria-sort=ascending] button::after{content:" \\25B2";font-size:10px}
th[aria-sort=descending] button::after{content:" \\25BC";font-size:10px}
.table-tools{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:6px 0 10px}
.table-tools .filter{display:flex;gap:6px;align-items:center}
.table-tools input[type=search]{min-width:240px}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin:6px 0 14px}
.stats div{background:var(--bg);border-radius:8px;padding:10px 12px}
.stats dt{font-size:12px;color:var(--muted)}.stats dd{margin:2px 0 0;font-size:18px;font-weight:600}
.stats div.warn{outline:1px solid var(--warn)}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:var(--grid)}
.status.success{background:rgba(31,138,76,.15);color:var(--good)}.status.partial{background:rgba(183,121,31,.15);color:var(--warn)}.status.failed{background:rgba(192,57,43,.15);color:var(--bad)}
.empty-state h2{font-size:18px}.empty-state .lead{font-size:16px;font-weight:600}
footer{padding:10px 24px 24px;color:var(--muted);font-size:12px;max-width:1440px;margin:0 auto}
[hidden]{display:none!important}
.badge{display:inline-block;padding:0 7px;margin:1px 0;border-radius:9px;font-size:11.5px;background:var(--grid);white-space:nowrap}
table.data td.why{white-space:normal;min-width:150px}table.data td.wrap{white-space:normal;min-width:130px}
.badge.bad{background:rgba(192,57,43,.15);color:var(--bad)}.badge.warn{background:rgba(183,121,31,.15);color:var(--warn)}.badge.good{background:rgba(31,138,76,.15);color:var(--good)}
.lead .up{color:var(--good)}.lead .down{color:var(--bad)}
#changes-table td a{text-decoration:none}#changes-table td a:hover{text-decoration:underline}
`;
