/**
 * The soak at CI size: a few simulated days of the real CLI against the simulator at fault rate
 * 0.3, with half the days' first run SIGKILLed at a random checkpoint, the deals stage on. Every check of soak.ts runs
 * after every day; the test fails on any problem it reports. `npm run soak` runs the long version.
 */
import { describe, expect, it } from 'vitest';
import { formatReport, runSoak } from './soak.js';

describe('soak (CI size)', () => {
  it('faults and crashes over simulated days: no loss, no duplicate, no repeat, no unalerted failure, no leak', async () => {
    const options = { days: 7, seed: 2026, faultRate: 0.3, crashRate: 0.5, fullCheckEvery: 7, deals: true };
    const report = await runSoak(options);
    const text = formatReport(report, options);
    expect(report.problems, text).toEqual([]);
    expect(report.losses).toBe(0);
    expect(report.duplicates).toBe(0);
    // The run was a real soak, not a quiet one: faults of many kinds, crashes, failures, data compared.
    expect(Object.keys(report.faults).length, text).toBeGreaterThanOrEqual(6);
    expect(report.crashes, text).toBeGreaterThan(0);
    expect(report.rowsCompared).toBeGreaterThan(10_000);
    expect(report.exportsCreated).toBeLessThanOrEqual(report.exportBudget);
    // The deals stage ran and was checked every day.
    expect(report.deals?.windowsVerified, text).toBeGreaterThanOrEqual(7);
    expect(report.deals?.activitiesCompared, text).toBeGreaterThan(1_000);
  }, 240_000);
});
