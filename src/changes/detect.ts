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

const COLUMNS =
  'owner_email, owner_name, field_id, forecast_name, time_period, previous_amount, current_amount, change_amount, change_pct, previous_snapshot, current_snapshot, detected_at, user_id, field_name, change_kind, run_id';

/** Writes the changes of snapshot `asOf` against `previous`; returns how many. */
export async function detectChanges(wh: Warehouse, input: DetectInput): Promise<number> {
  const { forecastId, period, asOf, previous } = input;
  const double = wh.dialect.types.double;
  const pct = (prev: string, cur: string): string =>
    `CASE WHEN ${prev} IS NULL OR ${cur} IS NULL OR ${prev} = 0 THEN NULL ELSE CAST(${cur} - ${prev} AS ${double}) / abs(CAST(${prev} AS ${double})) * 100 END`;
  // $1 forecast, $2 period, $3 current snapshot, $4 previous snapshot, $5 detected at, $6 run
  const params = [forecastId, period, asOf, previous, sqlTimestamp(input.detectedAt), input.runId];
  const snapshot = (date: string): string =>
    `SELECT user_id, field_id, field_name, owner_email, owner_name, forecast_amount, adjustment_amount, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = ${date}`;
  const both = (column: string): string => `c.${column} AS c_${column}, p.${column} AS p_${column}`;
  // Typed once: in a UNION ALL an untyped parameter or NULL would be read as text (PostgreSQL).
  const t = wh.dialect.types;
  const meta = `CAST($4 AS ${t.date}), CAST($3 AS ${t.date}), CAST($5 AS ${t.timestamp})`;
  const none = (type: string): string => `CAST(NULL AS ${type})`;
  // Forecast and period are the parameters: not carried through the join.
  const scope = `CAST($1 AS ${t.text}), CAST($2 AS ${t.text})`;
  const side = (prefix: 'c' | 'p'): string =>
    `${prefix}_owner_email, ${prefix}_owner_name, ${prefix}_field_id, ${scope}`;
  await wh.exec(
    'DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3',
    [forecastId, period, asOf],
  );
  // Both snapshots are read once and joined once (owner x call field, both sides kept); every kind
  // of change is a filter on that join. Quota is per owner and repeated on each of its rows: one row
  // per owner whose quota changed, grouped from the few joined rows where it differs.
  await wh.exec(
    `INSERT INTO clari_forecast_changes (${COLUMNS})
     WITH c AS ${wh.dialect.materialized}(${snapshot('$3')}), p AS ${wh.dialect.materialized}(${snapshot('$4')}),
     j AS (
       SELECT ${['owner_email', 'owner_name', 'field_id', 'user_id', 'field_name', 'forecast_amount', 'adjustment_amount', 'quota_amount'].map(both).join(', ')}
       FROM c FULL JOIN p ON p.user_id = c.user_id AND p.field_id = c.field_id
     ),
     q AS (
       SELECT c_user_id AS user_id, max(c_owner_email) AS owner_email, max(c_owner_name) AS owner_name, max(p_quota_amount) AS p_quota, max(c_quota_amount) AS c_quota
       FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_quota_amount IS DISTINCT FROM p_quota_amount
       GROUP BY c_user_id
     )
     SELECT ${side('c')}, p_forecast_amount, c_forecast_amount, c_forecast_amount - p_forecast_amount, ${pct('p_forecast_amount', 'c_forecast_amount')}, ${meta}, c_user_id, c_field_name, 'changed', CAST($6 AS ${t.text})
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_forecast_amount IS DISTINCT FROM p_forecast_amount
     UNION ALL
     SELECT ${side('c')}, p_adjustment_amount, c_adjustment_amount, c_adjustment_amount - p_adjustment_amount, ${pct('p_adjustment_amount', 'c_adjustment_amount')}, ${meta}, c_user_id, c_field_name, 'adjustment_changed', $6
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_adjustment_amount IS DISTINCT FROM p_adjustment_amount
     UNION ALL
     SELECT ${side('c')}, ${none(t.money)}, c_forecast_amount, c_forecast_amount, ${none(t.double)}, ${meta}, c_user_id, c_field_name, 'new_owner', $6
     FROM j WHERE p_user_id IS NULL
     UNION ALL
     SELECT ${side('p')}, p_forecast_amount, ${none(t.money)}, -p_forecast_amount, ${none(t.double)}, ${meta}, p_user_id, p_field_name, 'removed_owner', $6
     FROM j WHERE c_user_id IS NULL
     UNION ALL
     SELECT owner_email, owner_name, 'quota', ${scope}, p_quota, c_quota, c_quota - p_quota, ${pct('p_quota', 'c_quota')}, ${meta}, user_id, 'Quota', 'quota_changed', $6
     FROM q`,
    params,
  );
  const [row] = await wh.query<{ n: string }>(
    'SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3',
    [forecastId, period, asOf],
  );
  return Number(row?.n ?? 0);
}
