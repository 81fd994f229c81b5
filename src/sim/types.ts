/**
 * The simulator's shapes: its options, and a request and response independent of node:http.
 */
import type { Clock } from '../core/index.js';
import type { FaultKind } from './faults.js';

export interface SimulatorOptions {
  readonly seed?: number | undefined;
  readonly users?: number | undefined;
  readonly forecasts?: number | undefined;
  readonly fiscalStartMonth?: number | undefined;
  /** The tenant's business date at start (YYYY-MM-DD). Default: today (UTC) by the clock. */
  readonly asOf?: string | undefined;
  readonly historyQuarters?: number | undefined;
  readonly weekStartDay?: number | undefined;
  readonly concurrencyLimit?: number | undefined;
  readonly monthlyQuota?: number | undefined;
  /** Time from creation to DONE, ms (a fifth of it queued as SCHEDULED). Default 2000. */
  readonly jobDurationMs?: number | undefined;
  /** Added to every response, ms. */
  readonly latencyMs?: number | undefined;
  readonly faultRate?: number | undefined;
  readonly faultKinds?: readonly FaultKind[] | undefined;
  /** Retry-After sent with 429s, seconds. Default 1. */
  readonly retryAfterSeconds?: number | undefined;
  /** Extra delay of a "slow" fault, ms. Default 3x latency or 1500. */
  readonly slowMs?: number | undefined;
  readonly apiKey?: string | undefined;
  /** More keys: key -> Clari user id of the token's user (jobs are private to their user). */
  readonly extraKeys?: Readonly<Record<string, number>> | undefined;
  /** Reproduce the documented 400 type_not_supported for crm_total/crm_closed (clari-api.md C4). */
  readonly rejectCrmTypes?: boolean | undefined;
  /** Serve job status bare instead of wrapped in {job} (C1). */
  readonly bareJobStatus?: boolean | undefined;
  /** Serve the job list as {jobs: [...]} instead of a bare array (C15). */
  readonly wrappedJobList?: boolean | undefined;
  /** Exports with more entries are cut to this many and flagged rowsTruncated. */
  readonly maxEntries?: number | undefined;
  /** Gateway request rate limit per key, requests per second. */
  readonly rateLimitPerSecond?: number | undefined;
  readonly orgId?: number | undefined;
  readonly clock: Clock;
}

export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  /** Absolute origin, for nextLink. */
  readonly origin: string;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Iterable<string>;
  /** Destroy the connection instead of answering (or, with a body, part-way through it). */
  readonly fault?: 'reset' | 'truncate' | undefined;
  readonly delayMs?: number | undefined;
}

export const DAY_MS = 86_400_000;
/** The rolling window of the monthly export quota, and how long results stay downloadable. */
export const WINDOW_MS = 30 * DAY_MS;
