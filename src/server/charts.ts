/**
 * The dashboard's charts as inline SVG strings, built by small pure functions (no chart library, no
 * client script): axes, labels, a <title> tooltip per mark, and one element per data point carrying
 * `data-series` and `data-value`, so the page works without JavaScript and tests can read the marks.
 * Colours come from CSS classes, so the page's stylesheet themes them (light and dark).
 */
import type { AccuracyPoint, TeamCoverage, TrendPoint } from '../analytics/index.js';
import { compactMoney, esc, money, pct, ratio } from './format.js';

/** A number for SVG geometry: two decimals at most, no exponent. */
const n = (value: number): string => (Math.round(value * 100) / 100).toString();

/** Tick values from lo to hi at a "nice" step giving at most `max` intervals. */
export function niceTicks(lo: number, hi: number, max = 5): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / max;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  return ticks;
}

/** The first "nice" tick at or above `value` (the top of an axis that starts at 0). */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const ticks = niceTicks(0, value, 5);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : value;
  return Math.ceil(value / step - 1e-9) * step;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function emptyChart(name: string, message: string): string {
  return `<p class="chart-empty" data-chart="${esc(name)}" data-empty="true">${esc(message)}</p>`;
}

export interface AccuracyChartOptions {
  /** The week of the quarter the selected snapshot is in: marked on the chart. */
  readonly currentWeek?: number | null | undefined;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}

/**
 * Accuracy by week of quarter: WAPE as bars, mean rep accuracy as a line with a point per week,
 * over the closed quarters. Y from 0 (or below, when accuracy went negative) to 100% (or above).
 */
export function accuracyChart(points: readonly AccuracyPoint[], options: AccuracyChartOptions = {}): string {
  const values = points
    .flatMap((p) => [p.accuracyPct, p.wapePct])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (points.length === 0 || values.length === 0)
    return emptyChart(
      'accuracy',
      'No closed quarter yet: accuracy needs at least one quarter that has ended (run backfill for history).',
    );
  const g = accuracyGeometry(points, values, options);
  const out: string[] = [];
  out.push(
    `<svg class="chart" data-chart="accuracy" viewBox="0 0 ${g.width} ${g.height}" role="img" aria-labelledby="chart-accuracy-title" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="chart-accuracy-title">Forecast accuracy and WAPE by week of quarter, closed quarters</title>`,
  );
  accuracyAxes(out, g);
  currentWeekMarker(out, g);
  wapeBars(out, g, points);
  accuracyLine(out, g, points);
  accuracyLegend(out, g);
  out.push('</svg>');
  return out.join('');
}

/** Sizes, scales and the week bands of the accuracy chart. */
interface AccuracyGeometry {
  readonly width: number;
  readonly height: number;
  readonly m: { readonly top: number; readonly right: number; readonly bottom: number; readonly left: number };
  readonly plotW: number;
  readonly plotH: number;
  readonly lo: number;
  readonly hi: number;
  readonly y: (v: number) => number;
  readonly weeks: number;
  readonly band: number;
  readonly cx: (week: number) => number;
  readonly current: number | null | undefined;
}

function accuracyGeometry(
  points: readonly AccuracyPoint[],
  values: readonly number[],
  options: AccuracyChartOptions,
): AccuracyGeometry {
  const width = options.width ?? 640;
  const height = options.height ?? 290;
  const m = { top: 34, right: 16, bottom: 40, left: 48 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const lo = Math.min(0, Math.floor(Math.min(...values) / 10) * 10);
  const hi = Math.max(100, Math.ceil(Math.max(...values) / 10) * 10);
  const weeks = Math.max(...points.map((p) => p.weekIndex), 1);
  const band = plotW / weeks;
  return {
    width,
    height,
    m,
    plotW,
    plotH,
    lo,
    hi,
    y: (v) => m.top + plotH - ((v - lo) / (hi - lo)) * plotH,
    weeks,
    band,
    cx: (week) => m.left + (week - 0.5) * band,
    current: options.currentWeek,
  };
}

function accuracyAxes(out: string[], g: AccuracyGeometry): void {
  const { m, width, height, lo, hi, y, weeks, cx, plotW } = g;
  // Grid and Y axis.
  out.push('<g class="axis y">');
  for (const t of niceTicks(lo, hi, 5)) {
    out.push(`<line class="grid" x1="${m.left}" x2="${width - m.right}" y1="${n(y(t))}" y2="${n(y(t))}"/>`);
    out.push(`<text x="${m.left - 6}" y="${n(y(t) + 4)}" text-anchor="end">${t}%</text>`);
  }
  out.push('</g>');
  // X axis.
  const every = weeks > 16 ? 2 : 1;
  out.push(
    `<g class="axis x"><line class="baseline" x1="${m.left}" x2="${width - m.right}" y1="${n(y(Math.max(lo, 0)))}" y2="${n(y(Math.max(lo, 0)))}"/>`,
  );
  for (let w = 1; w <= weeks; w++)
    if ((w - 1) % every === 0)
      out.push(`<text x="${n(cx(w))}" y="${height - m.bottom + 16}" text-anchor="middle">W${w}</text>`);
  out.push(
    `<text class="axis-label" x="${n(m.left + plotW / 2)}" y="${height - 6}" text-anchor="middle">week of quarter</text></g>`,
  );
}

function currentWeekMarker(out: string[], g: AccuracyGeometry): void {
  const { m, band, plotH, cx, weeks } = g;
  // Current week marker.
  const current = g.current;
  if (typeof current === 'number' && current >= 1 && current <= weeks) {
    out.push(
      `<g class="current-week"><rect class="current" x="${n(m.left + (current - 1) * band)}" y="${m.top}" width="${n(band)}" height="${n(plotH)}"><title>This week of the quarter: week ${current}</title></rect>`,
      `<text x="${n(cx(current))}" y="${m.top - 6}" text-anchor="middle">this week</text></g>`,
    );
  }
}

function wapeBars(out: string[], g: AccuracyGeometry, points: readonly AccuracyPoint[]): void {
  const { lo, y, cx, band } = g;
  // WAPE bars.
  const zero = y(Math.max(lo, 0));
  out.push('<g class="series wape">');
  for (const p of points) {
    if (p.wapePct === null || !Number.isFinite(p.wapePct)) continue;
    const top = Math.min(y(p.wapePct), zero);
    const h = Math.abs(zero - y(p.wapePct));
    out.push(
      `<rect class="bar wape" data-series="wape" data-week="${p.weekIndex}" data-value="${p.wapePct}" x="${n(cx(p.weekIndex) - band * 0.28)}" y="${n(top)}" width="${n(band * 0.56)}" height="${n(Math.max(h, 0.5))}">` +
        `<title>Week ${p.weekIndex}: WAPE ${esc(pct(p.wapePct))} (${p.periods} closed quarter${p.periods === 1 ? '' : 's'})</title></rect>`,
    );
  }
  out.push('</g>');
}

function accuracyLine(out: string[], g: AccuracyGeometry, points: readonly AccuracyPoint[]): void {
  const { weeks, cx, y, current } = g;
  // Accuracy line and points; the line breaks where a week has no value.
  let d = '';
  let pen = false;
  for (let w = 1; w <= weeks; w++) {
    const p = points.find((q) => q.weekIndex === w);
    if (!p || p.accuracyPct === null || !Number.isFinite(p.accuracyPct)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${n(cx(w))} ${n(y(p.accuracyPct))} `;
    pen = true;
  }
  out.push(`<g class="series accuracy"><path class="line accuracy" d="${d.trim()}"/>`);
  for (const p of points) {
    if (p.accuracyPct === null || !Number.isFinite(p.accuracyPct)) continue;
    out.push(
      `<circle class="point accuracy${p.weekIndex === current ? ' is-current' : ''}" data-series="accuracy" data-week="${p.weekIndex}" data-value="${p.accuracyPct}" cx="${n(cx(p.weekIndex))}" cy="${n(y(p.accuracyPct))}" r="4.5">` +
        `<title>Week ${p.weekIndex}: accuracy ${esc(pct(p.accuracyPct))}, WAPE ${esc(pct(p.wapePct))}, bias ${esc(pct(p.biasPct))} (${p.periods} closed quarter${p.periods === 1 ? '' : 's'})</title></circle>`,
    );
  }
  out.push('</g>');
}

function accuracyLegend(out: string[], g: AccuracyGeometry): void {
  const { m } = g;
  // Legend.
  out.push(
    `<g class="legend" transform="translate(${m.left},${14})">`,
    `<line class="line accuracy" x1="0" x2="18" y1="0" y2="0"/><circle class="point accuracy" cx="9" cy="0" r="3.5"/><text x="24" y="4">mean rep accuracy</text>`,
    `<rect class="bar wape" x="150" y="-6" width="12" height="12"/><text x="168" y="4">WAPE (lower is better)</text>`,
    '</g>',
  );
}

export interface CoverageChartOptions {
  readonly width?: number | undefined;
  /** Most teams drawn (lowest coverage first, as the service orders them); the rest are summarised. */
  readonly maxTeams?: number | undefined;
}

/**
 * Coverage by team: a horizontal bar per manager (open pipeline over the quota still to close), a
 * marker at the coverage their history says they need; bars short of it are flagged.
 */
export function coverageChart(teams: readonly TeamCoverage[], options: CoverageChartOptions = {}): string {
  if (teams.length === 0) return emptyChart('coverage', 'No teams in this snapshot: coverage is shown per manager.');
  const maxTeams = options.maxTeams ?? 30;
  const shown = teams.slice(0, maxTeams);
  // Room for the longest label (a namesake carries an e-mail), up to a limit.
  const longest = Math.max(...shown.map((t) => t.label.length));
  const labelChars = Math.min(longest, 44);
  const m = { top: 26, right: 56, bottom: 30, left: Math.max(150, Math.round(labelChars * 6.6) + 16) };
  const width = (options.width ?? 600) + Math.max(0, m.left - 170);
  const row = 28;
  const height = m.top + m.bottom + row * shown.length;
  const plotW = width - m.left - m.right;
  const values = shown
    .flatMap((t) => [t.coverage, t.requiredCoverage])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const hi = Math.max(1, ...values) * 1.08;
  const x = (v: number): number => m.left + (Math.max(0, v) / hi) * plotW;
  const out: string[] = [];
  out.push(
    `<svg class="chart" data-chart="coverage" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-coverage-title" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="chart-coverage-title">Pipeline coverage by team against required coverage</title>`,
    '<g class="axis x">',
  );
  for (const t of niceTicks(0, hi, 5)) {
    out.push(`<line class="grid" x1="${n(x(t))}" x2="${n(x(t))}" y1="${m.top - 4}" y2="${height - m.bottom}"/>`);
    out.push(`<text x="${n(x(t))}" y="${height - m.bottom + 16}" text-anchor="middle">${t}x</text>`);
  }
  out.push(`<line class="grid one" x1="${n(x(1))}" x2="${n(x(1))}" y1="${m.top - 4}" y2="${height - m.bottom}"/></g>`);
  out.push(
    `<g class="legend" transform="translate(${m.left},${12})"><rect class="cov ok" x="0" y="-6" width="12" height="10"/><text x="16" y="3">coverage</text>` +
      `<rect class="cov low" x="90" y="-6" width="12" height="10"/><text x="106" y="3">below required</text>` +
      `<line class="required" x1="210" x2="210" y1="-7" y2="5"/><text x="216" y="3">required (1 / win rate)</text></g>`,
  );
  shown.forEach((t, i) => {
    const top = m.top + i * row;
    const mid = top + row / 2;
    const low = t.coverage !== null && t.requiredCoverage !== null && t.coverage < t.requiredCoverage;
    const tip = `${t.label}: coverage ${ratio(t.coverage)}, required ${ratio(t.requiredCoverage)}; open pipeline ${money(t.pipeline)} for ${money(t.remainingQuota)} of quota still to close (quota ${money(t.quota)}, closed ${money(t.closed)})`;
    out.push(
      `<g class="team" data-manager="${esc(t.manager)}" data-email="${esc(t.managerEmail)}"><text class="label" x="${m.left - 8}" y="${n(mid + 4)}" text-anchor="end">${esc(truncate(t.label, labelChars))}<title>${esc(t.label)}</title></text>`,
    );
    if (t.coverage !== null && Number.isFinite(t.coverage)) {
      out.push(
        `<rect class="cov ${low ? 'low' : 'ok'}" data-series="coverage" data-value="${t.coverage}" data-required="${t.requiredCoverage ?? ''}" x="${m.left}" y="${n(top + 5)}" width="${n(Math.max(x(t.coverage) - m.left, 1))}" height="${row - 10}"><title>${esc(tip)}</title></rect>`,
        `<text class="value" x="${n(x(t.coverage) + 6)}" y="${n(mid + 4)}">${esc(ratio(t.coverage))}</text>`,
      );
    } else {
      out.push(
        `<text class="value muted" x="${m.left + 4}" y="${n(mid + 4)}">no open quota<title>${esc(tip)}</title></text>`,
      );
    }
    if (t.requiredCoverage !== null && Number.isFinite(t.requiredCoverage)) {
      out.push(
        `<line class="required" x1="${n(x(t.requiredCoverage))}" x2="${n(x(t.requiredCoverage))}" y1="${n(top + 2)}" y2="${n(top + row - 2)}"><title>${esc(`${t.label}: required ${ratio(t.requiredCoverage)}`)}</title></line>`,
      );
    }
    out.push('</g>');
  });
  out.push('</svg>');
  const more = teams.length - shown.length;
  return (
    out.join('') +
    (more > 0
      ? `<p class="note">and ${more} more team${more === 1 ? '' : 's'} with higher coverage: see the rep table.</p>`
      : '')
  );
}

export interface TrendChartOptions {
  /** The call field's name, for the legend and tooltips ("Commit"). */
  readonly fieldName: string;
  /** The week of the quarter the selected snapshot is in: marked on the chart. */
  readonly currentWeek?: number | null | undefined;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}

/** Weeks in a quarter: the trend's X axis always spans the whole quarter, so the weeks left show. */
const QUARTER_WEEKS = 13;

type TrendSeries = 'call' | 'quota' | 'closed';

const TREND_LABELS: Record<TrendSeries, (field: string) => string> = {
  call: (field) => `${field} call`,
  quota: () => 'quota',
  closed: () => 'closed',
};

/** Sizes and scales of the trend chart. */
interface TrendGeometry {
  readonly width: number;
  readonly height: number;
  readonly m: { readonly top: number; readonly right: number; readonly bottom: number; readonly left: number };
  readonly plotW: number;
  readonly plotH: number;
  readonly hi: number;
  readonly y: (v: number) => number;
  readonly band: number;
  readonly cx: (week: number) => number;
}

/**
 * The forecast call's first chart: week by week of the quarter, the org's call on the field against
 * its quota (dashed) and what has closed (a filled line). One point per week and series carries
 * `data-series`, `data-week` and `data-value`; the weeks still to come are left empty.
 */
export function trendChart(points: readonly TrendPoint[], options: TrendChartOptions): string {
  const values = points
    .flatMap((p) => [p.call, p.quota, p.closed])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (points.length === 0 || values.length === 0)
    return emptyChart('trend', 'No weekly values for this period yet: the trend starts with its first snapshot.');
  const g = trendGeometry(points, values, options);
  const out: string[] = [
    `<svg class="chart" data-chart="trend" viewBox="0 0 ${g.width} ${g.height}" role="img" aria-labelledby="chart-trend-title" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="chart-trend-title">${esc(options.fieldName)} call against quota and closed, week by week of the quarter</title>`,
  ];
  trendAxes(out, g);
  const current = options.currentWeek;
  if (typeof current === 'number' && current >= 1 && current <= QUARTER_WEEKS)
    out.push(
      `<g class="current-week"><line class="now" x1="${n(g.cx(current))}" x2="${n(g.cx(current))}" y1="${g.m.top}" y2="${n(g.m.top + g.plotH)}"><title>This week of the quarter: week ${current}</title></line>`,
      `<text x="${n(g.cx(current))}" y="${g.m.top - 6}" text-anchor="middle">this week</text></g>`,
    );
  closedArea(out, g, points);
  for (const series of ['quota', 'closed', 'call'] as const) trendLine(out, g, points, series, options.fieldName);
  trendEndLabels(out, g, points);
  trendLegend(out, g, options.fieldName);
  out.push('</svg>');
  return out.join('');
}

function trendGeometry(
  points: readonly TrendPoint[],
  values: readonly number[],
  options: TrendChartOptions,
): TrendGeometry {
  const width = options.width ?? 640;
  const height = options.height ?? 290;
  const m = { top: 34, right: 64, bottom: 40, left: 60 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const hi = niceCeiling(Math.max(...values) * 1.05);
  const weeks = Math.max(QUARTER_WEEKS, ...points.map((p) => p.weekIndex));
  const band = plotW / weeks;
  return {
    width,
    height,
    m,
    plotW,
    plotH,
    hi,
    y: (v) => m.top + plotH - (Math.max(0, v) / hi) * plotH,
    band,
    cx: (week) => m.left + (week - 0.5) * band,
  };
}

function trendAxes(out: string[], g: TrendGeometry): void {
  const { m, width, height, hi, y, cx, plotW } = g;
  out.push('<g class="axis y">');
  for (const t of niceTicks(0, hi, 5)) {
    out.push(`<line class="grid" x1="${m.left}" x2="${width - m.right}" y1="${n(y(t))}" y2="${n(y(t))}"/>`);
    out.push(`<text x="${m.left - 6}" y="${n(y(t) + 4)}" text-anchor="end">${esc(compactMoney(t))}</text>`);
  }
  out.push(
    '</g>',
    `<g class="axis x"><line class="baseline" x1="${m.left}" x2="${width - m.right}" y1="${n(y(0))}" y2="${n(y(0))}"/>`,
  );
  for (let w = 1; w <= QUARTER_WEEKS; w++)
    out.push(`<text x="${n(cx(w))}" y="${height - m.bottom + 16}" text-anchor="middle">W${w}</text>`);
  out.push(
    `<text class="axis-label" x="${n(m.left + plotW / 2)}" y="${height - 6}" text-anchor="middle">week of quarter</text></g>`,
  );
}

/** The path through a series' weeks; it breaks where a week has no value. */
function trendPath(g: TrendGeometry, points: readonly TrendPoint[], series: TrendSeries): string {
  let d = '';
  let pen = false;
  let previous = 0;
  for (const p of [...points].sort((a, b) => a.weekIndex - b.weekIndex)) {
    const v = p[series];
    if (v === null || !Number.isFinite(v) || (pen && p.weekIndex !== previous + 1)) pen = false;
    if (v === null || !Number.isFinite(v)) continue;
    d += `${pen ? 'L' : 'M'}${n(g.cx(p.weekIndex))} ${n(g.y(v))} `;
    pen = true;
    previous = p.weekIndex;
  }
  return d.trim();
}

function closedArea(out: string[], g: TrendGeometry, points: readonly TrendPoint[]): void {
  const closed = [...points]
    .filter((p) => p.closed !== null && Number.isFinite(p.closed))
    .sort((a, b) => a.weekIndex - b.weekIndex);
  if (closed.length < 2) return;
  const first = closed[0]!;
  const last = closed[closed.length - 1]!;
  const line = closed.map((p) => `L${n(g.cx(p.weekIndex))} ${n(g.y(p.closed!))}`).join(' ');
  out.push(
    `<path class="area closed" d="M${n(g.cx(first.weekIndex))} ${n(g.y(0))} ${line} L${n(g.cx(last.weekIndex))} ${n(g.y(0))} Z"/>`,
  );
}

function trendLine(
  out: string[],
  g: TrendGeometry,
  points: readonly TrendPoint[],
  series: TrendSeries,
  fieldName: string,
): void {
  const label = TREND_LABELS[series](fieldName);
  out.push(`<g class="series ${series}"><path class="line ${series}" d="${trendPath(g, points, series)}"/>`);
  for (const p of points) {
    const v = p[series];
    if (v === null || !Number.isFinite(v)) continue;
    const tip = `Week ${p.weekIndex}: ${label} ${money(v)}${series === 'call' && p.quota ? ` (${pct((v / p.quota) * 100)} of quota)` : ''}`;
    out.push(
      `<circle class="point ${series}" data-series="${series}" data-week="${p.weekIndex}" data-value="${v}" cx="${n(g.cx(p.weekIndex))}" cy="${n(g.y(v))}" r="${series === 'call' ? 4 : 3}"><title>${esc(tip)}</title></circle>`,
    );
  }
  out.push('</g>');
}

/** The latest value of each series at the right end of its line, so the chart reads without hovering. */
function trendEndLabels(out: string[], g: TrendGeometry, points: readonly TrendPoint[]): void {
  const placed: number[] = [];
  out.push('<g class="end-labels">');
  for (const series of ['call', 'quota', 'closed'] as const) {
    const last = [...points]
      .filter((p) => p[series] !== null && Number.isFinite(p[series]))
      .sort((a, b) => b.weekIndex - a.weekIndex)[0];
    if (!last) continue;
    let yy = g.y(last[series]!) + 4;
    // Keep labels of nearly equal values apart.
    while (placed.some((p) => Math.abs(p - yy) < 12)) yy += 12;
    placed.push(yy);
    out.push(
      `<text class="end ${series}" x="${n(g.cx(last.weekIndex) + 8)}" y="${n(yy)}">${esc(compactMoney(last[series]))}</text>`,
    );
  }
  out.push('</g>');
}

function trendLegend(out: string[], g: TrendGeometry, fieldName: string): void {
  const call = `${fieldName} call`;
  const quotaX = 30 + call.length * 6.4 + 16;
  out.push(
    `<g class="legend" transform="translate(${g.m.left},14)">`,
    `<line class="line call" x1="0" x2="18" y1="0" y2="0"/><circle class="point call" cx="9" cy="0" r="3.5"/><text x="24" y="4">${esc(call)}</text>`,
    `<line class="line quota" x1="${n(quotaX)}" x2="${n(quotaX + 18)}" y1="0" y2="0"/><text x="${n(quotaX + 24)}" y="4">quota</text>`,
    `<rect class="area closed" x="${n(quotaX + 76)}" y="-6" width="12" height="12"/><text x="${n(quotaX + 94)}" y="4">closed</text>`,
    '</g>',
  );
}
