/**
 * Retention (`clari-dp retention`, and the end of every run): keeps the last N fiscal quarters
 * (default 8) in the warehouse and the landing, deals included. A quarter that is kept keeps its raw
 * landing.
 */
import { type FiscalCalendar, periodOfDate, periodRange, shiftPeriod } from '../domain/index.js';
import { dealsSql, maintenanceSql, type Warehouse } from '../warehouse/index.js';
import type { Landing } from './landing.js';

export interface RetentionResult {
  /** The oldest period kept. */
  readonly cutoff: string;
  readonly rowsDeleted: number;
  readonly payloadsDeleted: number;
}

const BY_PERIOD: readonly [string, string][] = [
  ['clari_forecast_entries', 'time_period'],
  ['clari_forecasts', 'time_period'],
  ['clari_forecast_changes', 'time_period'],
  ['clari_snapshots', 'time_period'],
  ['clari_time_frames', 'time_period'],
  ['clari_time_periods', 'time_period'],
];

export async function applyRetention(
  wh: Warehouse,
  landing: Landing,
  options: { asOf: string; fiscal: FiscalCalendar; quarters: number },
): Promise<RetentionResult> {
  const cutoff = shiftPeriod(periodOfDate(options.asOf, options.fiscal), -(Math.max(1, options.quarters) - 1));
  let rowsDeleted = 0;
  await wh.transaction(async (tx) => {
    for (const [table, column] of BY_PERIOD) {
      rowsDeleted += await maintenanceSql.deleteBeforePeriod(tx, table, column, cutoff);
    }
    // Deals by date: activities before the first kept quarter, closed opportunity versions, old ledgers.
    rowsDeleted += await dealsSql.deleteBefore(tx, periodRange(cutoff, options.fiscal).startDate);
  });
  // The landing goes only after the warehouse committed, so a failure never leaves rows without their source.
  const payloadsDeleted = landing.removePeriodsBefore(cutoff) + landing.deals().removePeriodsBefore(cutoff);
  return { cutoff, rowsDeleted, payloadsDeleted };
}
