/**
 * Retry timing shared by every HTTP client of the project (the Clari client, the Slack and webhook
 * channels): capped exponential backoff with jitter, Retry-After, and the fetch port they call.
 * Pure functions of the attempt, the options and an injected Random, so callers sleep on their own
 * injected Clock and tests need no timers. cockatiel's policies sleep on global timers and read
 * Date.now(), which would make these paths untestable without faking globals.
 */
import type { Random } from './random.js';

/** The fetch port: global fetch in production, a scripted function or a loopback server in tests. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Total attempts including the first. Default 5. */
  readonly maxAttempts: number;
  /** First backoff step in ms. Default 1000. */
  readonly baseDelayMs: number;
  /** Cap of one backoff step in ms. Default 60000. */
  readonly maxDelayMs: number;
  /** Floor for a Retry-After of 0 or in the past, so it never becomes a hot loop. Default 500. */
  readonly minRetryAfterMs: number;
  /** Longest Retry-After honoured; beyond it the request fails with the server's advice. Default 300000. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  minRetryAfterMs: 500,
  maxRetryAfterMs: 300_000,
};

/** Capped exponential backoff with "equal jitter": half fixed, half random, so it never collapses to 0. */
export function backoffDelay(attempt: number, options: RetryOptions, random: Random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Retry-After as delta-seconds or an HTTP-date (RFC 9110 10.2.3), in ms from `nowMs`. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The wait before the next attempt: the server's Retry-After when given (floored), else backoff. */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  options: RetryOptions,
  random: Random,
): number {
  if (retryAfterMs === undefined) return backoffDelay(attempt, options, random);
  return Math.max(options.minRetryAfterMs, retryAfterMs);
}
