/**
 * Snapshot-to-snapshot change detection, set-based in the warehouse (no rows pulled into Node): it
 * compares the daily rows of two consecutive snapshots of a forecast and period and writes one row
 * per change to clari_forecast_changes, with its kind. change_pct is a DOUBLE (a move from 10 to
 * 50,000 does not overflow) and NULL when there is no non-zero previous amount. Detection for a
 * snapshot first deletes that snapshot's changes, so re-running it never duplicates them.
 */
import { sqlTimestamp, type Warehouse } from '../warehouse/index.js';

export const CHANGE_KINDS = ['changed', 'new_owner', 'removed_owner', 'quota_changed', 'adjustment_changed'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface DetectInput {
  readonly forecastId: string;
  readonly period: string;
  readonly asOf: string;
  readonly previous: string;
  readonly runId: string;
  readonly detectedAt: number;
}

const COLUMNS = 'owner_email, owner_name, forecast_name, field_id, time_period, previous_amount, current_amount, change_amount, change_pct, previous_snapshot, current_snapshot, detected_at, user_id, field_name, change_kind, run_id';

/** Writes the changes of snapshot `asOf` against `previous`; returns how many. */
export async function detectChanges(wh: Warehouse, input: DetectInput): Promise<number> {
  const { forecastId, period, asOf, previous } = input;
  const double = wh.dialect.types.double;
  const pct = (prev: string, cur: string): string =>
    `CASE WHEN ${prev} IS NULL OR ${cur} IS NULL OR ${prev} = 0 THEN NULL ELSE CAST(${cur} - ${prev} AS ${double}) / abs(CAST(${prev} AS ${double})) * 100 END`;
  // $1 forecast, $2 period, $3 current snapshot, $4 previous snapshot, $5 detected at, $6 run
  const params = [forecastId, period, asOf, previous, sqlTimestamp(input.detectedAt), input.runId];
  const current = `SELECT * FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3`;
  const prior = `SELECT * FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $4`;
  await wh.exec('DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3', [forecastId, period, asOf]);
  const insert = (select: string): Promise<void> => wh.exec(`INSERT INTO clari_forecast_changes (${COLUMNS}) ${select}`, params);

  // A call that moved, and a manager adjustment that was added, changed or removed.
  for (const [kind, column] of [
    ['changed', 'forecast_amount'],
    ['adjustment_changed', 'adjustment_amount'],
  ] as const) {
    await insert(
      `SELECT c.owner_email, c.owner_name, c.forecast_name, c.field_id, c.time_period, p.${column}, c.${column}, c.${column} - p.${column}, ${pct(`p.${column}`, `c.${column}`)},
              $4, $3, $5, c.user_id, c.field_name, '${kind}', $6
       FROM (${current}) c JOIN (${prior}) p ON p.user_id = c.user_id AND p.field_id = c.field_id
       WHERE c.${column} IS DISTINCT FROM p.${column}`,
    );
  }
  // Owners (per call field) who appeared or disappeared.
  await insert(
    `SELECT c.owner_email, c.owner_name, c.forecast_name, c.field_id, c.time_period, NULL, c.forecast_amount, c.forecast_amount, NULL,
            $4, $3, $5, c.user_id, c.field_name, 'new_owner', $6
     FROM (${current}) c WHERE NOT EXISTS (SELECT 1 FROM (${prior}) p WHERE p.user_id = c.user_id AND p.field_id = c.field_id)`,
  );
  await insert(
    `SELECT p.owner_email, p.owner_name, p.forecast_name, p.field_id, p.time_period, p.forecast_amount, NULL, -p.forecast_amount, NULL,
            $4, $3, $5, p.user_id, p.field_name, 'removed_owner', $6
     FROM (${prior}) p WHERE NOT EXISTS (SELECT 1 FROM (${current}) c WHERE c.user_id = p.user_id AND c.field_id = p.field_id)`,
  );
  // Quota is per owner: one row per owner whose quota changed (field 'quota').
  await insert(
    `SELECT c.owner_email, c.owner_name, c.forecast_name, 'quota', c.time_period, p.quota, c.quota, c.quota - p.quota, ${pct('p.quota', 'c.quota')},
            $4, $3, $5, c.user_id, 'Quota', 'quota_changed', $6
     FROM (SELECT user_id, max(owner_email) AS owner_email, max(owner_name) AS owner_name, max(forecast_name) AS forecast_name, max(time_period) AS time_period, max(quota_amount) AS quota FROM (${current}) x GROUP BY user_id) c
     JOIN (SELECT user_id, max(quota_amount) AS quota FROM (${prior}) y GROUP BY user_id) p ON p.user_id = c.user_id
     WHERE c.quota IS DISTINCT FROM p.quota`,
  );
  const [row] = await wh.query<{ n: string }>('SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3', [forecastId, period, asOf]);
  return Number(row?.n ?? 0);
}
