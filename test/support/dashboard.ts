/**
 * A warehouse with history for the dashboard tests: the real pipeline against the simulator, the
 * current quarter and five previous ones (so accuracy has closed periods), then a second business
 * day (so there are changes), with deals on (the activity of the quarter and the opportunities it
 * names, refreshed on both days: deals that moved under the changes). Built once per test file;
 * DuckDB, which is the engine users start on.
 */
import { migrateWarehouse } from '../../src/analytics/index.js';
import { defaultDealSettings } from '../../src/app/index.js';
import { sqlTimestamp, type Warehouse } from '../../src/warehouse/index.js';
import { testPipeline } from './pipeline.js';
import { startTestSim } from './sim.js';
import { type TestWarehouse, testWarehouse } from './warehouses.js';

export const DAY1 = '2026-11-23';
export const DAY2 = '2026-11-24';

const DEALS = defaultDealSettings();

export interface DashboardFixture {
  readonly wh: Warehouse;
  dispose(): Promise<void>;
}

export async function dashboardWarehouse(options: { users?: number } = {}): Promise<DashboardFixture> {
  const sim = await startTestSim({ asOf: DAY1, users: options.users ?? 30, forecasts: 1 });
  let target: TestWarehouse | undefined;
  let wh: Warehouse | undefined;
  try {
    target = await testWarehouse('duckdb');
    wh = await target.open();
    await migrateWarehouse(wh, () => sqlTimestamp(Date.now()));
    const pipeline = testPipeline(sim, wh);
    const first = await pipeline.run({ asOf: DAY1, periodCount: 6 }, { activity: DEALS });
    if (first.status !== 'success') throw new Error(`fixture run on ${DAY1}: ${first.status}`);
    await fetch(`${sim.origin}/__sim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: 1 }) });
    const second = await pipeline.run({ asOf: DAY2, periodCount: 6 }, { activity: DEALS });
    if (second.status !== 'success') throw new Error(`fixture run on ${DAY2}: ${second.status}`);
  } finally {
    await sim.close();
  }
  const opened = wh;
  const disposable = target;
  return {
    wh: opened,
    dispose: async () => {
      await opened.close();
      await disposable.dispose();
    },
  };
}
