/**
 * Reads of the deal statement family (src/warehouse/sql/deals.ts) that the pipeline tests cover
 * only in part, on the hand tenant's five activities (test/support/hand-tenant.ts) in a real DuckDB
 * file and on the PostgreSQL test server:
 *
 *   activity  at (UTC)           opportunities
 *   a2        2026-04-20 15:00   o8
 *   a4        2026-05-04 14:00   o1
 *   a1        2026-05-11 14:00   o6
 *   a3        2026-05-15 16:00   o8
 *   a5        2026-05-17 09:00   o1, o3
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealsSql, type Warehouse } from '../../src/warehouse/index.js';
import { loadHandDeals, loadHandNextDay, loadHandTenant } from '../support/hand-tenant.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const at = (text: string): number => Date.parse(`${text}Z`);

describe.each(ENGINES)('deal SQL reads (%s)', (engine) => {
  let target: TestWarehouse;
  let wh: Warehouse;

  beforeAll(async () => {
    target = await testWarehouse(engine);
    wh = await target.open();
    await loadHandTenant(wh);
    await loadHandNextDay(wh);
    await loadHandDeals(wh);
  });
  afterAll(async () => {
    await wh.close();
    await target.dispose();
  });

  it('opportunitiesSeen: the most recently active first (ties by id), at most the limit, and how many in all', async () => {
    const seen = (since: string, limit: number) => dealsSql.opportunitiesSeen(wh, at(since), limit);
    // o1 and o3 last active 05-17 09:00, o8 05-15 (a3; a2 is older), o6 05-11.
    expect(await seen('2026-04-01T00:00', 100)).toEqual({ ids: ['o1', 'o3', 'o8', 'o6'], total: 4 });
    expect(await seen('2026-04-01T00:00', 2)).toEqual({ ids: ['o1', 'o3'], total: 4 });
    // No id asked for: the total is still counted.
    expect(await seen('2026-04-01T00:00', 0)).toEqual({ ids: [], total: 4 });
    // The start is inclusive: a3 at exactly 05-15 16:00 counts, a1 (05-11) does not; o8 once.
    expect(await seen('2026-05-15T16:00', 100)).toEqual({ ids: ['o1', 'o3', 'o8'], total: 3 });
    expect(await seen('2026-05-15T16:00', 1)).toEqual({ ids: ['o1'], total: 3 });
    expect(await seen('2026-05-18T00:00', 100)).toEqual({ ids: [], total: 0 });
  });
});
