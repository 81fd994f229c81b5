import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { CircuitBreaker, RateLimiter } from './resilience.js';

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
