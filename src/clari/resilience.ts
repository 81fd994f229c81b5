/**
 * Retry timing, Retry-After, circuit breaker and client-side rate limit, all on the injected Clock.
 * cockatiel's policies sleep on global timers and read Date.now(), which would make these paths
 * untestable without faking globals, so the few dozen lines are ours.
 */
import { ClariError } from './errors.js';
import type { Clock, Random } from '../core/index.js';

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

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one probe is let through, in ms. Default 30000. */
  readonly cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, cooldownMs: 30_000 };

/**
 * Consecutive-failure circuit breaker. Open: calls fail fast with `clari.circuit_open` (which carries
 * the remaining cooldown as retryAfterMs). After the cooldown one probe goes through (half-open); its
 * success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';
  private readonly listeners: ((state: BreakerState) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  onStateChange(listener: (state: BreakerState) => void): void {
    this.listeners.push(listener);
  }

  /** Call before each request; throws when the circuit is open. */
  enter(endpoint: string): void {
    if (this.current === 'closed') return;
    const remaining = this.openedAt + this.options.cooldownMs - this.clock.now();
    if (this.current === 'open' && remaining <= 0) this.set('half-open');
    if (this.current === 'half-open' && !this.probing) {
      this.probing = true;
      return;
    }
    throw new ClariError(
      'clari.circuit_open',
      `Clari API circuit is open after ${this.options.failureThreshold} consecutive failures`,
      {
        kind: 'transient',
        endpoint,
        retryAfterMs: Math.max(remaining, 1),
        hint: 'Clari looks unavailable; requests resume automatically after the cooldown. Check https://clari.statuspage.io/.',
      },
    );
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') this.set('closed');
  }

  failure(): void {
    this.probing = false;
    this.failures++;
    if (this.current === 'half-open' || (this.current === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openedAt = this.clock.now();
      this.set('open');
    }
  }

  private set(state: BreakerState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** Token bucket: at most `perSecond` requests per second on average, bursts up to `burst`. */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number = Math.max(1, Math.ceil(perSecond)),
  ) {
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** Waits for a token. Callers are served in order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.take(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000), signal);
    }
  }
}
