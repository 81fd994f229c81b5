/**
 * `clari-dp report accuracy|coverage|reps|changes|health|deals|deals-at-risk`: the dashboard's numbers
 * on the command line, from the same service functions (a table on a TTY, `--format csv|json`).
 */
import { openConfiguredWarehouse } from '../../app/index.js';
import {
  accuracyByWeek,
  biggestChanges,
  type ChangeRow,
  coverageByTeam,
  health,
  migrateWarehouse,
  type RepRow,
  reps,
} from '../../analytics/index.js';
import { UsageError } from '../../core/index.js';
import { sqlTimestamp, type Warehouse } from '../../warehouse/index.js';
import type { CommandAction } from '../command.js';
import { money, pct, ratio, signedMoney, signedPct } from '../format.js';
import { EXIT } from '../output.js';
import { render } from '../render.js';
import { formatOf, levelHeading, levelOf } from './changes.js';
import { requireFilters, type Format, heading, selection } from './report-common.js';
import { dealsAtRiskReport, dealsReport } from './report-deals.js';

export const REPORTS = ['accuracy', 'coverage', 'reps', 'changes', 'health', 'deals', 'deals-at-risk'] as const;

const plain = (v: number | string | null): string => (v === null ? '' : String(v));

export const report: CommandAction = async (context, o, args) => {
  const name = args[0];
  if (!(REPORTS as readonly string[]).includes(name ?? ''))
    throw new UsageError(`unknown report "${name ?? ''}"`, `Use one of ${REPORTS.join(', ')}.`);
  const ctx = context();
  const format = formatOf(ctx, o);
  const wh = await openConfiguredWarehouse(ctx);
  try {
    await migrateWarehouse(wh, () => sqlTimestamp(ctx.clock.now()));
    const out = await build(wh, name as (typeof REPORTS)[number], o, format);
    ctx.io.stdout(ctx.redactor.redact(out));
    return EXIT.ok;
  } finally {
    await wh.close();
  }
};

const BUILDERS: Record<
  (typeof REPORTS)[number],
  (wh: Warehouse, o: Record<string, unknown>, format: Format) => Promise<string>
> = {
  accuracy: accuracyReport,
  coverage: coverageReport,
  reps: repsReport,
  changes: changesReport,
  health: healthReport,
  deals: dealsReport,
  'deals-at-risk': dealsAtRiskReport,
};

function build(
  wh: Warehouse,
  name: (typeof REPORTS)[number],
  o: Record<string, unknown>,
  format: Format,
): Promise<string> {
  return BUILDERS[name](wh, o, format);
}

async function accuracyReport(wh: Warehouse, o: Record<string, unknown>, format: Format): Promise<string> {
  const title = heading(format);
  const s = await selection(wh, o);
  const rows = await accuracyByWeek(wh, s.forecast, s.field);
  return (
    title(`Forecast accuracy of ${s.fieldName} on ${s.forecast} by week of quarter (reps, closed periods)`) +
    render(
      rows,
      [
        ['week', (r) => String(r.weekIndex)],
        ['accuracy', (r) => pct(r.accuracyPct)],
        ['WAPE', (r) => pct(r.wapePct)],
        ['bias', (r) => signedPct(r.biasPct)],
        ['periods', (r) => String(r.periods)],
      ],
      format,
    )
  );
}

async function coverageReport(wh: Warehouse, o: Record<string, unknown>, format: Format): Promise<string> {
  const title = heading(format);
  const s = await selection(wh, o);
  const rows = await coverageByTeam(wh, s);
  return (
    title(
      `Pipeline coverage by team: ${s.forecast} ${s.period} (snapshot ${s.snapshotDate})\n` +
        'coverage = open pipeline (Pipeline field total less closed) / quota still to close; ' +
        'required = 1 / win rate (closed-won over week-1 open pipeline, last 4 closed quarters)',
    ) +
    render(
      rows,
      [
        ['team', (r) => r.label],
        ['pipeline', (r) => money(r.pipeline)],
        ['quota left', (r) => money(r.remainingQuota)],
        ['coverage', (r) => ratio(r.coverage)],
        ['required', (r) => ratio(r.requiredCoverage)],
      ],
      format,
    )
  );
}

async function repsReport(wh: Warehouse, o: Record<string, unknown>, format: Format): Promise<string> {
  const title = heading(format);
  const s = await selection(wh, o);
  const level = levelOf(o);
  const rows = await reps(wh, s, level);
  return (
    title(
      levelHeading(`Rep performance: ${s.forecast} ${s.period} (${s.fieldName}, snapshot ${s.snapshotDate})`, level),
    ) +
    render(
      rows,
      [
        ['owner', (r) => r.label],
        ...(level === 'all' ? [['level', (r: RepRow) => (r.isRep ? 'rep' : 'manager')] as const] : []),
        ['manager', (r) => r.managerLabel ?? ''],
        ['forecast', (r) => money(r.forecastAmount)],
        ['quota', (r) => money(r.quota)],
        ['closed', (r) => money(r.closed)],
        ['attainment', (r) => pct(r.attainmentPct)],
        ['fcst/quota', (r) => pct(r.forecastToQuotaPct)],
        ['bias', (r) => signedPct(r.biasPct)],
        ['weeks stale', (r) => plain(r.weeksSinceUpdate)],
        ['largest move 7d', (r) => money(r.largestMove7d)],
      ],
      format,
    )
  );
}

async function changesReport(wh: Warehouse, o: Record<string, unknown>, format: Format): Promise<string> {
  const title = heading(format);
  await requireFilters(wh, o);
  const level = levelOf(o);
  const days = typeof o.days === 'number' ? o.days : 7;
  const rows = await biggestChanges(wh, {
    forecast: o.forecast as string | undefined,
    period: o.period as string | undefined,
    days,
    limit: typeof o.limit === 'number' ? o.limit : 50,
    level,
  });
  return (
    title(levelHeading(`Biggest forecast changes of the last ${days} days`, level)) +
    render(
      rows,
      [
        ['snapshot', (r) => r.snapshot],
        ['forecast', (r) => r.forecast],
        ['period', (r) => r.period],
        ['owner', (r) => r.label],
        ...(level === 'all' ? [['level', (r: ChangeRow) => r.level] as const] : []),
        ['field', (r) => r.field],
        ['previous', (r) => money(r.previous)],
        ['current', (r) => money(r.current)],
        ['change', (r) => signedMoney(r.change)],
        ['change %', (r) => signedPct(r.changePct)],
      ],
      format,
    )
  );
}

async function healthReport(wh: Warehouse, o: Record<string, unknown>, format: Format): Promise<string> {
  const title = heading(format);
  const h = await health(wh, typeof o.limit === 'number' ? o.limit : 20);
  if (format === 'json') return `${JSON.stringify(h)}\n`;
  const summary = `completion ${pct(h.completionPct)} · avg export latency ${h.avgLatencyMs === null ? '–' : `${(h.avgLatencyMs / 1000).toFixed(1)} s`} · last success ${h.lastSuccessAt ?? 'never'} · quota left ${h.quotaLeft ?? '–'}/${h.quotaLimit ?? '–'}`;
  return (
    title(`Pipeline health: ${summary}`) +
    render(
      h.runs,
      [
        ['started', (r) => r.startedAt],
        ['status', (r) => r.status],
        ['trigger', (r) => r.trigger],
        ['as of', (r) => r.asOf],
        ['exports', (r) => String(r.exports)],
        ['failed', (r) => String(r.exportsFailed)],
        ['rows', (r) => plain(r.rowsLoaded)],
        ['changes', (r) => plain(r.changes)],
        ['alerts', (r) => plain(r.alerts)],
        ['duration', (r) => (r.durationMs === null ? '' : `${(r.durationMs / 1000).toFixed(1)} s`)],
      ],
      format,
    )
  );
}
