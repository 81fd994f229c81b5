import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { backoffDelay, CircuitBreaker, DEFAULT_RETRY, parseRetryAfter, RateLimiter, retryDelay } from './resilience.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('backoff', () => {
  it('grows exponentially, is capped, and never drops below half its step', () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, options, () => 0)).toBe(50);
    expect(backoffDelay(1, options, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(10, options, () => 0.999999)).toBe(1000);
    expect(backoffDelay(10, options, () => 0)).toBe(500);
  });
  it('prefers Retry-After but floors a zero so it cannot hot-loop', () => {
    const options = { ...DEFAULT_RETRY, minRetryAfterMs: 250 };
    expect(retryDelay(1, 0, options, () => 0.5)).toBe(250);
    expect(retryDelay(1, 4000, options, () => 0.5)).toBe(4000);
  });
});

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, fails fast, half-opens for one probe, closes on success', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(clock, { failureThreshold: 3, cooldownMs: 1000 });
    const states: string[] = [];
    breaker.onStateChange((s) => states.push(s));
    for (let i = 0; i < 3; i++) {
      breaker.enter('x');
      breaker.failure();
    }
    expect(breaker.state).toBe('open');
    expect(() => breaker.enter('x')).toThrow(
      expect.objectContaining({ code: 'clari.circuit_open', retryAfterMs: 1000 }),
    );
    await clock.advance(1000);
    breaker.enter('x'); // the probe
    expect(breaker.state).toBe('half-open');
    expect(() => breaker.enter('x')).toThrow(expect.objectContaining({ code: 'clari.circuit_open' }));
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('reopens when the probe fails, and a success resets the count', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(clock, { failureThreshold: 2, cooldownMs: 500 });
    breaker.failure();
    breaker.success();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    await clock.advance(500);
    breaker.enter('x');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(() => breaker.enter('x')).toThrow(expect.objectContaining({ retryAfterMs: 500 }));
  });
});

describe('RateLimiter', () => {
  it('spaces requests beyond the burst at the configured rate', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter(clock, 2, 2);
    const at: number[] = [];
    const all = Promise.all(Array.from({ length: 5 }, () => limiter.acquire().then(() => at.push(clock.now()))));
    await clock.run(all);
    expect(at).toEqual([0, 0, 500, 1000, 1500]);
  });
});
