/**
 * What the reports share: checking --forecast, --period and --field against what the warehouse
 * holds (saying what exists), resolving them to a selection, the output format and title line.
 */
import { options, type Options, select, type Selection } from '../../analytics/index.js';
import { UsageError } from '../../core/index.js';
import { isPeriodId } from '../../domain/index.js';
import type { Warehouse } from '../../warehouse/index.js';

/**
 * Says what exists when --forecast, --period or --field names nothing in the warehouse; returns what
 * can be chosen for the forecast (undefined when nothing is loaded).
 */
export async function checkFilters(wh: Warehouse, o: Record<string, unknown>): Promise<Options | undefined> {
  const forecast = o.forecast as string | undefined;
  const period = o.period as string | undefined;
  const field = o.field as string | undefined;
  if (period !== undefined && !isPeriodId(period))
    throw new UsageError(`--period must look like 2026_Q3 (year, _Q, quarter 1-4), got "${period}"`);
  const all = await options(wh);
  if (all.forecasts.length === 0) return undefined;
  if (forecast !== undefined && !all.forecasts.includes(forecast))
    throw new UsageError(`unknown forecast "${forecast}"`, `The warehouse has ${all.forecasts.join(', ')}.`);
  const chosen = forecast === undefined ? all : await options(wh, forecast);
  if (period !== undefined && !chosen.periods.includes(period))
    throw new UsageError(
      `no snapshots of ${forecast ?? all.forecasts[0]} for ${period}`,
      `Periods loaded: ${chosen.periods.join(', ') || 'none'}.`,
    );
  if (field !== undefined && !chosen.fields.some((f) => f.id === field || f.name === field))
    throw new UsageError(
      `unknown call field "${field}"`,
      `Choose one of ${chosen.fields.map((f) => `${f.id} (${f.name})`).join(', ')}.`,
    );
  return chosen;
}

export async function selection(wh: Warehouse, o: Record<string, unknown>): Promise<Selection> {
  const known = await checkFilters(wh, o);
  const chosen = await select(
    wh,
    {
      forecast: o.forecast as string | undefined,
      period: o.period as string | undefined,
      field: o.field as string | undefined,
    },
    known,
  );
  if (!chosen)
    throw new UsageError(
      'Nothing to report for that forecast, period and field',
      'Run `clari-dp run` first, or check --forecast / --period / --field against `clari-dp changes`.',
    );
  return chosen;
}

export type Format = 'table' | 'csv' | 'json';

/** A report's title line, on a terminal only. */
export const heading =
  (format: Format) =>
  (text: string): string =>
    format === 'table' ? `${text}\n\n` : '';
