/**
 * The one check of a forecast, period and call field against the warehouse (analytics/filters.ts)
 * that the reports, `clari-dp changes`, the page and the JSON API share, on the hand tenant, on
 * DuckDB and PostgreSQL: each problem names the filter, quotes the value and says what exists.
 * How each surface shows a problem is asserted where it is shown (test/e2e/cli-alerts.test.ts for
 * the CLI, test/server/api.test.ts for the 400s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkFilters,
  migrateWarehouse,
  options,
  periodShapeProblem,
  unknownForecastProblem,
} from '../../src/analytics/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { HAND_FORECAST, loadHandTenant } from '../support/hand-tenant.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

describe.each(ENGINES)('filter checks (%s)', (engine) => {
  let target: TestWarehouse;
  let wh: Warehouse;

  beforeAll(async () => {
    target = await testWarehouse(engine);
    wh = await target.open();
  });
  afterAll(async () => {
    await wh.close();
    await target.dispose();
  });

  it('finds no problem in an empty warehouse but a malformed period (there is nothing to choose from)', async () => {
    await migrateWarehouse(wh, () => '2026-05-15 06:00:00');
    expect(await checkFilters(wh, { forecast: 'nope', period: '2026_Q2', field: 'x' })).toEqual({ known: undefined });
    expect((await checkFilters(wh, { period: '2026-Q2' })).problem?.filter).toBe('period');
    expect(unknownForecastProblem('nope', [])?.hint).toBe(
      'The warehouse has no forecast yet: run `clari-dp run` first.',
    );
  });

  it('names the filter, quotes the value and says what exists', async () => {
    await loadHandTenant(wh);
    expect(await checkFilters(wh, {})).toEqual({ known: await options(wh) });
    expect(await checkFilters(wh, { forecast: HAND_FORECAST, period: '2026_Q1', field: 'Commit' })).toEqual({
      known: await options(wh, HAND_FORECAST),
    });
    expect((await checkFilters(wh, { period: '2026-Q2' }, '--')).problem).toEqual({
      filter: 'period',
      message: '--period must look like 2026_Q3 (year, _Q, quarter 1-4), got "2026-Q2"',
      hint: '',
    });
    expect((await checkFilters(wh, { forecast: 'nope', period: '2031_Q1' })).problem).toEqual({
      filter: 'forecast',
      message: 'unknown forecast "nope"',
      hint: `The warehouse has ${HAND_FORECAST}.`,
    });
    expect((await checkFilters(wh, { period: '2024_Q1', field: 'nope' })).problem).toEqual({
      filter: 'period',
      message: `no snapshots of ${HAND_FORECAST} for 2024_Q1`,
      hint: 'Periods loaded: 2026_Q2, 2026_Q1.',
    });
    const field = (await checkFilters(wh, { forecast: HAND_FORECAST, field: 'nope' })).problem;
    expect(field).toMatchObject({ filter: 'field', message: `unknown call field "nope" for ${HAND_FORECAST}` });
    expect(field?.hint).toMatch(/^Choose one of commit \(Commit\), .+\.$/);
  });

  it('cuts a long value it quotes', () => {
    expect(periodShapeProblem(`2026_${'Q'.repeat(200)}`)?.message).toBe(
      `period must look like 2026_Q3 (year, _Q, quarter 1-4), got "2026_${'Q'.repeat(52)}..."`,
    );
    expect(periodShapeProblem(undefined)).toBeUndefined();
  });
});
