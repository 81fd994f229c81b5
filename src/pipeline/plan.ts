/**
 * The plan of a run: which exports (forecast x period) with which request body. Pure. The request
 * fingerprint (forecast + body) identifies an export for the cache and for persisted jobs.
 */
import { type ExportFormat, type ExportRequest, type ExportType } from '../clari/index.js';
import { canonicalJson, sha256Hex, UsageError } from '../core/index.js';
import {
  comparePeriods,
  type FiscalCalendar,
  isPeriodId,
  periodOfDate,
  recentPeriods,
  shiftPeriod,
} from '../domain/index.js';

export interface ForecastSpec {
  readonly id: string;
  readonly scopeId?: string | undefined;
  readonly currency?: string | undefined;
  readonly types?: readonly ExportType[] | undefined;
}

export interface PlanInput {
  readonly forecasts: readonly ForecastSpec[];
  /** Explicit periods; else the current fiscal quarter of asOf and `periodCount - 1` before it. */
  readonly periods?: readonly string[] | undefined;
  readonly periodCount: number;
  readonly fiscal: FiscalCalendar;
  readonly asOf: string;
  readonly types: readonly ExportType[];
  readonly includeHistorical: boolean;
  readonly format: ExportFormat;
  readonly currency?: string | undefined;
}

export interface PlannedExport {
  /** `forecast|period`, unique within a run. */
  readonly key: string;
  readonly forecastId: string;
  readonly period: string;
  readonly asOf: string;
  readonly request: ExportRequest;
  readonly fingerprint: string;
}

export function planExports(input: PlanInput): PlannedExport[] {
  if (input.forecasts.length === 0) {
    throw new UsageError(
      'No forecasts to export',
      'Name them with --forecast ID (repeatable), CLARI_DP_FORECASTS, or `forecasts:` in clari-dp.yaml; the id is in the Forecast tab URL (app.clari.com/forecast/<id>).',
    );
  }
  const periods =
    input.periods && input.periods.length > 0
      ? [...new Set(input.periods)]
      : recentPeriods(input.asOf, input.fiscal, input.periodCount);
  for (const period of periods) {
    if (!isPeriodId(period)) throw new UsageError(`Not a fiscal period: ${period}`, 'Use YYYY_QN, e.g. 2026_Q2.');
  }
  periods.sort((a, b) => comparePeriods(b, a));
  const seen = new Set<string>();
  const out: PlannedExport[] = [];
  for (const forecast of input.forecasts) {
    if (seen.has(forecast.id)) continue;
    seen.add(forecast.id);
    for (const period of periods) {
      const currency = forecast.currency ?? input.currency;
      const request: ExportRequest = {
        timePeriod: period,
        typesToExport: [...(forecast.types ?? input.types)],
        includeHistorical: input.includeHistorical,
        exportFormat: input.format,
        ...(currency ? { currency } : {}),
        ...(forecast.scopeId ? { scopeId: forecast.scopeId } : {}),
      };
      out.push({
        key: `${forecast.id}|${period}`,
        forecastId: forecast.id,
        period,
        asOf: input.asOf,
        request,
        fingerprint: fingerprint(forecast.id, request),
      });
    }
  }
  return out;
}

export function fingerprint(forecastId: string, request: ExportRequest): string {
  return sha256Hex(canonicalJson({ forecastId, request })).slice(0, 32);
}

export interface BackfillBudget {
  /** Exports this run makes. */
  readonly now: PlannedExport[];
  /** Exports left for a later run, to stay within the quota. */
  readonly deferred: PlannedExport[];
  readonly reserve: number;
}

/**
 * A quota-aware backfill: spend at most what is left of the monthly quota, keeping `reserve`
 * (default a tenth of the quota) for daily runs; the rest waits for the next backfill.
 */
export function budgetBackfill(
  planned: readonly PlannedExport[],
  limits: { readonly monthlyQuota: number; readonly availableMonthlyQuota: number },
  reserve: number = Math.ceil(limits.monthlyQuota * 0.1),
): BackfillBudget {
  const budget = Math.max(0, limits.availableMonthlyQuota - reserve);
  if (budget === 0 && planned.length > 0)
    throw new UsageError(
      `No export quota to spare for a backfill: ${limits.availableMonthlyQuota} left, ${reserve} kept in reserve`,
      'Lower --reserve, or run again when quota frees up (rolling 30 days).',
    );
  return { now: planned.slice(0, budget), deferred: planned.slice(budget), reserve };
}

/** The periods of a backfill: the `quarters` fiscal quarters before the current one. */
export function backfillPeriods(asOf: string, fiscal: FiscalCalendar, quarters: number): string[] {
  const current = periodOfDate(asOf, fiscal);
  return Array.from({ length: quarters }, (_, i) => shiftPeriod(current, -(i + 1)));
}
