/**
 * The plan of a run's deals stage (pure): which dates the activity export covers, the request that
 * asks for them, and its identity for the cache and for persisted jobs.
 *
 * The window is incremental with no gaps: the first export reaches back to the window's start (the
 * as-of date's fiscal quarter, or N days); each later one starts on the business date of the last
 * window loaded before this as-of date, so that day (partial when it was exported) is exported
 * again and the newest export of a date wins. A run of the same as-of date plans the same window
 * (it ignores windows of its own date and later), so a re-run, a killed run and a cache hit all
 * agree. After a pause longer than one window the export starts afresh at the window's start; a
 * chain of windows that does not reach back to the window's start (the window was widened) is
 * exported whole once.
 */
import {
  type ActivityExportRequest,
  type ActivityType,
  MAX_OPPORTUNITY_IDS,
  offsetDateTime,
  parseOffsetDateTime,
} from '../clari/index.js';
import { canonicalJson, sha256Hex } from '../core/index.js';
import {
  addDays,
  type FiscalCalendar,
  periodOfDate,
  periodRange,
  shiftPeriod,
  toEpochDay,
  zoneOffsetMinutes,
} from '../domain/index.js';

export interface DealSettings {
  /** `quarter` or `<N>d` (config activity.window). */
  readonly window: string;
  readonly types: readonly ActivityType[];
  /** Ids per GET /opportunity call, at most 100. */
  readonly batchSize: number;
  /** GET /opportunity calls in flight at once. */
  readonly concurrency: number;
  /** Opportunities refreshed per run, the most recently active first. */
  readonly maxOpportunities: number;
  /** The business dates' time zone: the window's bounds carry its offset. */
  readonly timezone: string;
}

export interface DateWindow {
  readonly from: string;
  readonly to: string;
}

/** Where the configured window starts for a business date, and how far back a pause may be caught up. */
export function windowStart(asOf: string, window: string, fiscal: FiscalCalendar): { start: string; catchUp: string } {
  if (window === 'quarter') {
    const period = periodOfDate(asOf, fiscal);
    return {
      start: periodRange(period, fiscal).startDate,
      catchUp: periodRange(shiftPeriod(period, -1), fiscal).startDate,
    };
  }
  const days = Number(/^(\d+)d$/.exec(window)?.[1] ?? NaN);
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`not an activity window: ${window}`);
  return { start: addDays(asOf, -(days - 1)), catchUp: addDays(asOf, -(2 * days - 1)) };
}

/**
 * The dates this run's activity export covers. `loaded`: windows loaded for business dates before
 * `asOf`, newest first (`as_of`, `from_date`).
 */
export function activityWindow(
  asOf: string,
  settings: Pick<DealSettings, 'window'>,
  fiscal: FiscalCalendar,
  loaded: readonly { readonly as_of: string; readonly from_date: string }[],
): DateWindow {
  const { start, catchUp } = windowStart(asOf, settings.window, fiscal);
  const last = loaded[0];
  if (!last || last.as_of < catchUp) return { from: start, to: asOf };
  // The chain of overlapping windows that ends with the last one: where does it begin?
  let chainFrom = last.from_date;
  for (const w of loaded.slice(1)) {
    if (w.as_of < chainFrom) break;
    if (w.from_date < chainFrom) chainFrom = w.from_date;
  }
  return chainFrom <= start ? { from: last.as_of, to: asOf } : { from: start, to: asOf };
}

export interface PlannedActivity {
  readonly key: string;
  /** `activity`: the landing's and the pending jobs' name for it. */
  readonly forecastId: 'activity';
  /** The fiscal quarter of the as-of date (the landing's folder and retention unit). */
  readonly period: string;
  readonly asOf: string;
  readonly window: DateWindow;
  /** The window's instants, epoch ms: local midnight of `from` to local midnight after `to`. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly request: ActivityExportRequest;
  readonly fingerprint: string;
}

/** The activity export request for a window: each bound at local midnight and end of day in the zone. */
export function planActivity(
  asOf: string,
  window: DateWindow,
  settings: Pick<DealSettings, 'types' | 'timezone'>,
  fiscal: FiscalCalendar,
): PlannedActivity {
  const request: ActivityExportRequest = {
    activityTypes: [...settings.types],
    startDate: offsetDateTime(window.from, zoneOffsetMinutes(window.from, settings.timezone)),
    endDate: offsetDateTime(window.to, zoneOffsetMinutes(window.to, settings.timezone), '23:59:59'),
    exportFormat: 'JSON',
  };
  const bounds = windowInstants(request);
  return {
    key: `activity|${window.from}..${window.to}`,
    forecastId: 'activity',
    period: periodOfDate(asOf, fiscal),
    asOf,
    window,
    ...bounds,
    request,
    fingerprint: sha256Hex(canonicalJson({ activity: request })).slice(0, 32),
  };
}

/** Local midnight of a business date in a time zone, epoch ms. */
export function localMidnightMs(date: string, timezone: string): number {
  return toEpochDay(date) * 86_400_000 - zoneOffsetMinutes(date, timezone) * 60_000;
}

/** The instants an activity request covers: its start date's local midnight to the midnight after its end date. */
export function windowInstants(request: ActivityExportRequest): { fromMs: number; toMs: number } {
  const start = parseOffsetDateTime(request.startDate);
  const end = parseOffsetDateTime(request.endDate);
  if (!start || !end) throw new RangeError('activity request without offset dates');
  const midnight = (date: string, offsetMinutes: number): number =>
    toEpochDay(date) * 86_400_000 - offsetMinutes * 60_000;
  return {
    fromMs: midnight(start.date, start.offsetMinutes),
    toMs: midnight(addDays(end.date, 1), end.offsetMinutes),
  };
}

/** The dates of an activity request (from a landed manifest, for rebuild). */
export function requestWindow(request: ActivityExportRequest): DateWindow {
  return {
    from: parseOffsetDateTime(request.startDate)?.date ?? '',
    to: parseOffsetDateTime(request.endDate)?.date ?? '',
  };
}

/** Identity of an opportunity refresh: the ids asked for and how they were batched. */
export function refreshFingerprint(ids: readonly string[], batchSize: number): string {
  return sha256Hex(canonicalJson({ opportunities: [...ids].sort(), batchSize })).slice(0, 32);
}

/** A run's opportunity refresh: the ids it asks for, how they are batched, its identity. */
export interface PlannedRefresh {
  /** The window's start: the opportunities named by activities since then are refreshed. */
  readonly since: string;
  /** The most recently active of them, at most activity.maxOpportunities. */
  readonly ids: readonly string[];
  /** How many were seen since then in all. */
  readonly seen: number;
  /** Ids per GET /opportunity call (at most Clari's 100). */
  readonly batchSize: number;
  readonly fingerprint: string;
}

/** The refresh of the opportunities seen since `since` (the most recently active first). */
export function planRefresh(
  since: string,
  seen: { readonly ids: readonly string[]; readonly total: number },
  settings: Pick<DealSettings, 'batchSize'>,
): PlannedRefresh {
  const batchSize = Math.min(MAX_OPPORTUNITY_IDS, settings.batchSize);
  return { since, ids: seen.ids, seen: seen.total, batchSize, fingerprint: refreshFingerprint(seen.ids, batchSize) };
}
