/**
 * Change detection between two consecutive snapshots of a forecast and period, set-based in the
 * warehouse (no rows pulled into Node): every owner and call field whose forecast amount moved.
 * change_pct is NULL when the previous amount is 0 (or either side is NULL) and is a DOUBLE, so a
 * move from 10 to 50,000 does not overflow.
 */
import { sqlTimestamp, type Warehouse } from '../warehouse/index.js';

export interface DetectInput {
  readonly forecastId: string;
  readonly period: string;
  readonly asOf: string;
  readonly previous: string;
  readonly runId: string;
  readonly detectedAt: number;
}

/** Writes the changes of snapshot `asOf` against `previous`; returns how many. Idempotent per snapshot. */
export async function detectChanges(wh: Warehouse, input: DetectInput): Promise<number> {
  const { forecastId, period, asOf, previous } = input;
  const double = wh.dialect.types.double;
  await wh.exec('DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3', [forecastId, period, asOf]);
  await wh.exec(
    `INSERT INTO clari_forecast_changes (owner_email, owner_name, forecast_name, field_id, time_period, previous_amount, current_amount, change_amount, change_pct, previous_snapshot, current_snapshot, detected_at, user_id, field_name, change_kind, run_id)
     SELECT c.owner_email, c.owner_name, c.forecast_name, c.field_id, c.time_period, p.forecast_amount, c.forecast_amount,
            c.forecast_amount - p.forecast_amount,
            CASE WHEN p.forecast_amount IS NULL OR c.forecast_amount IS NULL OR p.forecast_amount = 0 THEN NULL
                 ELSE CAST(c.forecast_amount - p.forecast_amount AS ${double}) / abs(CAST(p.forecast_amount AS ${double})) * 100 END,
            $4, $3, $5, c.user_id, c.field_name, 'changed', $6
     FROM clari_forecasts c
     JOIN clari_forecasts p ON p.forecast_name = c.forecast_name AND p.time_period = c.time_period AND p.user_id = c.user_id AND p.field_id = c.field_id AND p.snapshot_date = $4
     WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.snapshot_date = $3
       AND c.forecast_amount IS DISTINCT FROM p.forecast_amount`,
    [forecastId, period, asOf, previous, sqlTimestamp(input.detectedAt), input.runId],
  );
  const [row] = await wh.query<{ n: string }>('SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3', [forecastId, period, asOf]);
  return Number(row?.n ?? 0);
}
