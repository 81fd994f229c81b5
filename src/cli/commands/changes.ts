/** `clari-dp changes`: detected forecast changes, newest first, biggest moves first. */
import { type AppContext, openConfiguredWarehouse } from '../../app/index.js';
import {
  changeList,
  type ChangeListFilter,
  DEFAULT_LEVEL,
  migrateWarehouse,
  options,
  OWNER_LEVELS,
  type OwnerLevel,
  periodShapeProblem,
  unknownForecastProblem,
} from '../../analytics/index.js';
import { CHANGE_KINDS } from '../../changes/index.js';
import { UsageError } from '../../core/index.js';
import { isIsoDate } from '../../domain/index.js';
import { sqlTimestamp, type Warehouse } from '../../warehouse/index.js';
import type { CommandAction } from '../command.js';
import { money, signedMoney, signedPct } from '../format.js';
import { EXIT } from '../output.js';
import { type Column, render } from '../render.js';
import { filterUsageError } from './report-common.js';

type Row = Record<string, string | number | null>;

export const changes: CommandAction = async (context, o) => {
  const ctx: AppContext = context();
  if (typeof o.since === 'string' && !isIsoDate(o.since))
    throw new UsageError(`--since must be a date (YYYY-MM-DD), got "${o.since}"`);
  if (typeof o.kind === 'string' && !(CHANGE_KINDS as readonly string[]).includes(o.kind))
    throw new UsageError(`--kind must be one of ${CHANGE_KINDS.join(', ')}`);
  const level = levelOf(o);
  const filter: ChangeListFilter = {
    since: typeof o.since === 'string' ? o.since : undefined,
    forecasts: (o.forecast as string[] | undefined) ?? [],
    periods: (o.period as string[] | undefined) ?? [],
    minPct: typeof o.minPct === 'number' ? o.minPct : undefined,
    kind: typeof o.kind === 'string' ? o.kind : undefined,
    level,
    limit: typeof o.limit === 'number' ? Math.max(1, Math.floor(o.limit)) : 50,
  };
  const format = formatOf(ctx, o);
  const wh = await openConfiguredWarehouse(ctx);
  try {
    await migrateWarehouse(wh, () => sqlTimestamp(ctx.clock.now()));
    await checkChangeFilters(wh, filter);
    const rows = await changeList(wh, filter);
    const heading = format === 'table' ? `${levelHeading('Forecast changes', level)}\n\n` : '';
    ctx.io.stdout(ctx.redactor.redact(heading + render(rows, changeColumns(level), format)));
    return EXIT.ok;
  } finally {
    await wh.close();
  }
};

/** The columns of `clari-dp changes`: money as in every report, the owner told apart from a namesake. */
function changeColumns(level: OwnerLevel): Column<Row>[] {
  const text = (v: string | number | null | undefined): string => (v === null || v === undefined ? '' : String(v));
  return [
    ['snapshot', (r) => text(r.current_snapshot)],
    ['forecast', (r) => text(r.forecast_name)],
    ['period', (r) => text(r.time_period)],
    ['owner', (r) => text(r.owner_label)],
    ...(level === 'all' ? ([['level', (r) => text(r.owner_level)]] as Column<Row>[]) : []),
    ['field', (r) => text(r.field_name)],
    ['kind', (r) => text(r.change_kind)],
    ['previous', (r) => money(r.previous_amount)],
    ['current', (r) => money(r.current_amount)],
    ['change', (r) => signedMoney(r.change_amount)],
    ['change %', (r) => signedPct(r.change_pct)],
  ];
}

/**
 * Says what exists when --forecast or --period names nothing in the warehouse, in `report`'s words
 * (analytics/filters.ts). Each flag may repeat, so they are checked one value at a time.
 */
async function checkChangeFilters(wh: Warehouse, filter: ChangeListFilter): Promise<void> {
  for (const period of filter.periods) {
    const shape = periodShapeProblem(period, '--');
    if (shape) throw filterUsageError(shape);
  }
  const all = await options(wh);
  if (all.forecasts.length === 0) return;
  for (const forecast of filter.forecasts) {
    const unknown = unknownForecastProblem(forecast, all.forecasts);
    if (unknown) throw filterUsageError(unknown);
  }
}

/** `--level rep|manager|all`; reps unless asked (a manager's row repeats their team's moves). */
export function levelOf(o: Record<string, unknown>): OwnerLevel {
  const level = o.level === undefined ? DEFAULT_LEVEL : o.level;
  if (typeof level !== 'string' || !(OWNER_LEVELS as readonly string[]).includes(level))
    throw new UsageError(`--level must be one of ${OWNER_LEVELS.join(', ')}`);
  return level as OwnerLevel;
}

/** A table's title line saying which owners it lists and how to see the others. */
export function levelHeading(what: string, level: OwnerLevel): string {
  if (level === 'rep')
    return `${what}, reps only (--level manager for managers, whose rows are their team's roll-up; --level all for both)`;
  if (level === 'manager') return `${what}, managers only (each row is their team's roll-up; --level rep for reps)`;
  return `${what}, reps and managers (a manager's row is their team's roll-up)`;
}

export function formatOf(ctx: AppContext, o: Record<string, unknown>): 'table' | 'csv' | 'json' {
  if (ctx.json) return 'json';
  const format = typeof o.format === 'string' ? o.format : 'table';
  if (format !== 'table' && format !== 'csv' && format !== 'json')
    throw new UsageError(`--format must be table, csv or json, got "${format}"`);
  return format;
}
