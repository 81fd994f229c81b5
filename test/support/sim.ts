/**
 * Test helpers around the simulator: start it on a free loopback port with fast jobs, and build a
 * client for it with small timings. Real HTTP and the real clock; nothing here sleeps for timing.
 */
import { ClariClient, type ClariClientOptions } from '../../src/clari/index.js';
import { Redactor, seededRandom, systemClock } from '../../src/core/index.js';
import { type RunningSimulator, type SimServerOptions, startSimulator } from '../../src/sim/index.js';

export type TestSimOptions = Omit<SimServerOptions, 'clock'> & { clock?: SimServerOptions['clock'] };

export async function startTestSim(options: TestSimOptions = {}): Promise<RunningSimulator> {
  return startSimulator({
    asOf: '2026-11-23',
    users: 24,
    jobDurationMs: 30,
    retryAfterSeconds: 0,
    slowMs: 20,
    ...options,
    clock: options.clock ?? systemClock,
  });
}

export function testClient(sim: RunningSimulator, overrides: Partial<ClariClientOptions> = {}): ClariClient {
  return new ClariClient({
    apiKey: 'sim-key',
    baseUrl: sim.url,
    fetch: (input, init) => fetch(input, init),
    clock: systemClock,
    random: seededRandom(7),
    redactor: new Redactor(),
    timeoutMs: 5_000,
    retry: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 40, minRetryAfterMs: 5 },
    breaker: { failureThreshold: 50, cooldownMs: 50 },
    ...overrides,
  });
}

export async function simStats(sim: RunningSimulator): Promise<{
  requests: Record<string, number>;
  exportsCreated: number;
  maxInFlight: number;
  inFlight: number;
  duplicatePosts: number;
  cancels: number;
  downloads: number;
  faults: Record<string, number>;
  date: string;
}> {
  const response = await fetch(`${sim.origin}/__sim/stats`);
  return (await response.json()) as never;
}

/** Requests to the Clari API itself (the simulator's /__sim control routes are not Clari). */
export async function apiCalls(sim: RunningSimulator): Promise<number> {
  return Object.entries((await simStats(sim)).requests).reduce(
    (n, [route, count]) => (route.includes('/__sim/') ? n : n + count),
    0,
  );
}

/** Collects every part of a decoded document into arrays (tests only: real code streams). */
export async function collect<P extends { kind: string; rows: unknown[] }, S>(
  parts: AsyncGenerator<P, S>,
): Promise<{ rows: Record<string, unknown[]>; summary: S }> {
  const rows: Record<string, unknown[]> = { entries: [], users: [], fields: [], timePeriods: [], timeFrames: [] };
  for (;;) {
    const next = await parts.next();
    if (next.done) return { rows, summary: next.value };
    (rows[next.value.kind] ??= []).push(...next.value.rows);
  }
}
