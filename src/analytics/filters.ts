/**
 * Checking the filters a reader gives (a forecast, a period, a call field) against what the
 * warehouse holds, once for every surface: the reports and `clari-dp changes` (`--forecast`, ...)
 * and the dashboard's page and JSON API (`forecast`, ...). A check returns a problem, never throws:
 * each surface words nothing itself and maps the problem to its own error (the CLI's usage error,
 * exit 2, with the hint; the server's 400 with the hint appended).
 */
import { isPeriodId } from '../domain/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { type Filters, type Options, options } from './queries.js';

export type FilterName = 'forecast' | 'period' | 'field';

export interface FilterProblem {
  readonly filter: FilterName;
  /** What is wrong, quoting the value as given (long values cut). */
  readonly message: string;
  /** What can be chosen instead, a sentence; empty when the message says it all. */
  readonly hint: string;
}

/** A value quoted in a message: at most 60 characters (a request can carry 200). */
const quote = (text: string): string => `"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;

/**
 * A period that is not a period id (2026_Q3); no warehouse needed. `prefix` is how the surface
 * spells its options before the name: `--` for the CLI's flags, nothing for query parameters.
 */
export function periodShapeProblem(period: string | undefined, prefix = ''): FilterProblem | undefined {
  if (period === undefined || isPeriodId(period)) return undefined;
  return {
    filter: 'period',
    message: `${prefix}period must look like 2026_Q3 (year, _Q, quarter 1-4), got ${quote(period)}`,
    hint: '',
  };
}

/** A forecast the warehouse does not hold, saying which it does (`forecasts`: `options(wh).forecasts`). */
export function unknownForecastProblem(forecast: string, forecasts: readonly string[]): FilterProblem | undefined {
  if (forecasts.includes(forecast)) return undefined;
  return {
    filter: 'forecast',
    message: `unknown forecast ${quote(forecast)}`,
    hint:
      forecasts.length > 0
        ? `The warehouse has ${forecasts.join(', ')}.`
        : 'The warehouse has no forecast yet: run `clari-dp run` first.',
  };
}

/** What a check found: what can be chosen for the forecast (undefined: nothing loaded), or the first problem. */
export type FilterCheck =
  | { readonly known: Options | undefined; readonly problem?: undefined }
  | { readonly known?: undefined; readonly problem: FilterProblem };

/**
 * Checks a forecast, period and call field (id or name) against the warehouse, in that order.
 * `known` is what `select` takes, so the choices are read once. Nothing loaded is no problem:
 * the caller says there is nothing to show.
 */
export async function checkFilters(wh: Warehouse, filters: Filters, prefix = ''): Promise<FilterCheck> {
  const { forecast, period, field } = filters;
  const shape = periodShapeProblem(period, prefix);
  if (shape) return { problem: shape };
  const all = await options(wh);
  if (all.forecasts.length === 0) return { known: undefined };
  const unknown = forecast === undefined ? undefined : unknownForecastProblem(forecast, all.forecasts);
  if (unknown) return { problem: unknown };
  const chosen = forecast === undefined ? all : await options(wh, forecast);
  const name = forecast ?? all.forecasts[0]!;
  if (period !== undefined && !chosen.periods.includes(period))
    return {
      problem: {
        filter: 'period',
        message: `no snapshots of ${name} for ${period}`,
        hint: `Periods loaded: ${chosen.periods.join(', ') || 'none'}.`,
      },
    };
  if (field !== undefined && !chosen.fields.some((f) => f.id === field || f.name === field))
    return {
      problem: {
        filter: 'field',
        message: `unknown call field ${quote(field)} for ${name}`,
        hint: `Choose one of ${chosen.fields.map((f) => `${f.id} (${f.name})`).join(', ')}.`,
      },
    };
  return { known: chosen };
}
