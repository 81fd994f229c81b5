/**
 * The plan of a run: which exports (forecast x period) with which request body. Pure. The request
 * fingerprint (forecast + body) identifies an export for the cache and for persisted jobs.
 */
import { type ExportFormat, type ExportRequest, type ExportType } from '../clari/index.js';
import { canonicalJson, sha256Hex, UsageError } from '../core/index.js';
import { comparePeriods, type FiscalCalendar, isPeriodId, recentPeriods } from '../domain/index.js';

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
