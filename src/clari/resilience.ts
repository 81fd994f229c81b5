/**
 * Circuit breaker and client-side rate limit of the Clari client, on the injected Clock (retry timing
 * and Retry-After are shared with the alert channels, in core/retry.ts). cockatiel's policies sleep
 * on global timers and read Date.now(), which would make these paths untestable without faking
 * globals, so the few dozen lines are ours.
 */
import { ClariError } from './errors.js';
import type { Clock } from '../core/index.js';

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
