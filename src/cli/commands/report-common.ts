/**
 * What the reports share: checking --forecast, --period and --field against what the warehouse
 * holds (saying what exists), resolving them to a selection, the output format and title line.
 */
import {
  checkFilters,
  type FilterProblem,
  type Filters,
  type Options,
  select,
  type Selection,
} from '../../analytics/index.js';
import { UsageError } from '../../core/index.js';
import type { Warehouse } from '../../warehouse/index.js';

/** A filter problem (analytics/filters.ts) as the CLI reports it: a usage error (exit 2) with its hint. */
export const filterUsageError = (problem: FilterProblem): UsageError =>
  new UsageError(problem.message, problem.hint || undefined);

const filtersOf = (o: Record<string, unknown>): Filters => ({
  forecast: o.forecast as string | undefined,
  period: o.period as string | undefined,
  field: o.field as string | undefined,
});

/**
 * Says what exists when --forecast, --period or --field names nothing in the warehouse; returns what
 * can be chosen for the forecast (undefined when nothing is loaded).
 */
export async function requireFilters(wh: Warehouse, o: Record<string, unknown>): Promise<Options | undefined> {
  const check = await checkFilters(wh, filtersOf(o), '--');
  if (check.problem) throw filterUsageError(check.problem);
  return check.known;
}

export async function selection(wh: Warehouse, o: Record<string, unknown>): Promise<Selection> {
  const known = await requireFilters(wh, o);
  const chosen = await select(wh, filtersOf(o), known);
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
