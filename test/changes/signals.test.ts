/**
 * Week-level signals (week-over-week move, direction flip, staleness, robust z against the same
 * week of prior quarters) computed in SQL, checked against the same quantities computed in plain
 * JavaScript from the raw landed payloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { robustZ, weeklySignals } from '../../src/changes/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { testPipeline } from '../support/pipeline.js';
import { payloadFor, type RawPayload, rawPayloads } from '../support/reference.js';
import { startTestSim } from '../support/sim.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const AS_OF = '2026-11-23';
const PERIODS = ['2026_Q4', '2026_Q3', '2026_Q2', '2026_Q1', '2025_Q4', '2025_Q3'];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** week index -> value, per owner and call field. */
function weekly(p: RawPayload): Map<string, Map<number, { value: number | null; updated: boolean }>> {
  const frames = [...new Set(p.doc.entries.map((e) => e.timeFrameId))].sort();
  const out = new Map<string, Map<number, { value: number | null; updated: boolean }>>();
  for (const e of p.doc.entries) {
    if (e.forecastValue === undefined) continue;
    const key = `${e.userId}|${e.fieldId}`;
    if (!out.has(key)) out.set(key, new Map());
    out
      .get(key)!
      .set(frames.indexOf(e.timeFrameId) + 1, { value: e.forecastValue ?? null, updated: e.isUpdated === true });
  }
  return out;
}

describe.each(ENGINES)('weekly signals on %s', (engine) => {
  let sim: RunningSimulator;
  let target: TestWarehouse;
  let wh: Warehouse;
  let payloads: RawPayload[];

  beforeAll(async () => {
    sim = await startTestSim({ asOf: AS_OF, users: 25, forecasts: 1 });
    target = await testWarehouse(engine);
    wh = await target.open();
    const p = testPipeline(sim, wh);
    await p.run({ asOf: AS_OF, periods: PERIODS });
    payloads = rawPayloads(`${p.dataDir}/landing`);
  });
  afterAll(async () => {
    await wh.close();
    await target.dispose();
    await sim.close();
  });

  it('matches an independent computation from the payloads', async () => {
    const signals = await weeklySignals(wh, { forecastId: 'net_new_arr', period: '2026_Q4', asOf: AS_OF });
    const current = weekly(payloadFor(payloads, 'net_new_arr', '2026_Q4', AS_OF));
    const prior = PERIODS.slice(1).map((period) => weekly(payloadFor(payloads, 'net_new_arr', period, AS_OF)));
    expect(signals.length).toBe(current.size);
    let withHistory = 0;
    for (const s of signals) {
      const weeks = current.get(`${s.userId}|${s.fieldId}`)!;
      const last = Math.max(...weeks.keys());
      expect(s.weekIndex).toBe(last);
      const now = weeks.get(last)!.value;
      const before = weeks.get(last - 1)?.value ?? null;
      expect(s.value).toBe(now);
      expect(s.delta).toBe(now === null || before === null ? null : now - before);
      const twoBack = weeks.get(last - 2)?.value ?? null;
      expect(s.previousDelta).toBe(before === null || twoBack === null ? null : before - twoBack);
      const lastUpdated = Math.max(0, ...[...weeks].filter(([, w]) => w.updated).map(([i]) => i));
      expect(s.staleWeeks).toBe(last - lastUpdated);
      const moves = prior
        .map((q) => q.get(`${s.userId}|${s.fieldId}`))
        .map((w) => {
          const a = w?.get(last)?.value;
          const b = w?.get(last - 1)?.value;
          return a === undefined || b === undefined || a === null || b === null ? null : a - b;
        })
        .filter((d): d is number => d !== null);
      expect(s.historyN).toBe(moves.length);
      if (moves.length > 0) {
        withHistory++;
        const med = median(moves);
        expect(s.historyMedian!).toBeCloseTo(med, 4);
        expect(s.historyMad!).toBeCloseTo(median(moves.map((m) => Math.abs(m - med))), 4);
        if (s.historyMad && s.delta !== null)
          expect(robustZ(s)!).toBeCloseTo((0.6745 * (s.delta - med)) / s.historyMad, 4);
      }
    }
    expect(withHistory).toBeGreaterThan(10);
  });
});
