/**
 * The acceptance run: against a simulator with --fault-rate 0.3 and --concurrency-limit 2,
 * a client exporting 20 (forecast, period) pairs finishes all of them, never has more than 2 jobs in
 * flight, and never POSTs for a job that already exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportRunner, type ExportTask } from '../../src/clari/index.js';
import { systemClock } from '../../src/core/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { collect, simStats, startTestSim, testClient } from '../support/sim.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startTestSim({ faultRate: 0.3, concurrencyLimit: 2, forecasts: 4, users: 30, seed: 2026 });
});
afterAll(() => sim.close());

describe('export under faults', () => {
  it('finishes 20 exports with at most 2 jobs in flight and no duplicate POST', async () => {
    const client = testClient(sim, {
      retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 50, minRetryAfterMs: 5 },
      timeoutMs: 2000,
    });
    const periods = ['2026_Q4', '2026_Q3', '2026_Q2', '2026_Q1', '2025_Q4'];
    const tasks: ExportTask[] = sim.simulator.tenant.forecastIds.flatMap((forecastId) =>
      periods.map((timePeriod) => ({
        key: `${forecastId}|${timePeriod}`,
        forecastId,
        request: { timePeriod, typesToExport: ['forecast', 'quota', 'forecast_updated'], includeHistorical: true },
      })),
    );
    expect(tasks).toHaveLength(20);
    const persisted = new Map<string, string[]>();
    const runner = new ExportRunner({
      api: client,
      clock: systemClock,
      pollIntervalMs: 10,
      jobTimeoutMs: 800,
      maxRequeues: 6,
      downloadAttempts: 8,
      onJobCreated: (task, jobId) => {
        persisted.set(task.key, [...(persisted.get(task.key) ?? []), jobId]);
        return Promise.resolve();
      },
    });
    const outcomes = await runner.run(tasks, async (task, job) => {
      const { rows, summary } = await collect(
        client.readResults(job.jobId, { requestedPeriod: task.request.timePeriod }),
      );
      return {
        entries: summary.counts.entries,
        period: (rows.timePeriods![0] as { timePeriodId: string } | undefined)?.timePeriodId,
      };
    });
    const failed = outcomes.filter((o) => o.status === 'failed');
    expect(failed.map((o) => o.status === 'failed' && `${o.task.key}: ${o.error.message}`)).toEqual([]);
    for (const o of outcomes) if (o.status === 'done') expect(o.value.period).toBe(o.task.request.timePeriod);
    const stats = await simStats(sim);
    expect(stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(stats.duplicatePosts).toBe(0);
    // Faults really happened, of several kinds.
    expect(Object.keys(stats.faults).length).toBeGreaterThanOrEqual(5);
    // Every job the simulator created was persisted (adopted after an unknown outcome, or created normally).
    const created = stats.exportsCreated;
    expect([...persisted.values()].flat()).toHaveLength(created);
  });
});
