/**
 * Retention and rebuild: deleting what is older than the kept quarters, and clearing the tables
 * derived from the landing before they are re-derived from it.
 */
import type { SqlValue, Warehouse } from '../types.js';

/** Deletes the rows of `table` whose `column` (a period id) sorts before `cutoff`; returns how many. */
export function deleteBeforePeriod(wh: Warehouse, table: string, column: string, cutoff: string): Promise<number> {
  return deleteRows(wh, table, `${column} < $1`, [cutoff]);
}

/**
 * Deletes the rows of `table` that match `where` and returns how many: every retention delete, the
 * deal tables' too (deals.ts deleteBefore). The rows are counted first because the Warehouse port
 * reports no row count for a DELETE; a table with none to delete gets no DELETE.
 */
export async function deleteRows(
  wh: Warehouse,
  table: string,
  where: string,
  params: readonly SqlValue[],
): Promise<number> {
  const [row] = await wh.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params);
  const n = Number(row?.n ?? 0);
  if (n > 0) await wh.exec(`DELETE FROM ${table} WHERE ${where}`, params);
  return n;
}

/** Every derived row of one forecast and period (rebuilding it from the landing). */
export async function clearPeriod(wh: Warehouse, forecastId: string, period: string): Promise<void> {
  const params = [forecastId, period];
  await wh.exec('DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2', params);
  await wh.exec('DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2', params);
  await wh.exec('DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2', params);
  await wh.exec('DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2', params);
}

const DERIVED_ALL = [
  'clari_forecast_entries',
  'clari_users',
  'clari_forecasts',
  'clari_forecast_changes',
  'clari_snapshots',
  'clari_fields',
  'clari_time_frames',
  'clari_time_periods',
];

/** Every derived row (rebuilding everything from the landing). */
export async function clearDerived(wh: Warehouse): Promise<void> {
  // WHERE TRUE: BigQuery refuses DELETE without a WHERE clause.
  for (const table of DERIVED_ALL) await wh.exec(`DELETE FROM ${table} WHERE TRUE`);
}
