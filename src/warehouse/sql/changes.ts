/**
 * Change detection and the reads of detected changes and week-level signals. Detection is
 * set-based in the warehouse (no rows pulled into Node): it compares the daily rows of two
 * consecutive snapshots of a forecast and period and writes one row per change to
 * clari_forecast_changes, with its kind. change_pct is a DOUBLE (a move from 10 to 50,000 does not
 * overflow) and NULL when there is no non-zero previous amount. Detection for a snapshot first
 * deletes that snapshot's changes, so re-running it never duplicates them.
 */
import type { Warehouse } from '../types.js';
import { sqlTimestamp } from '../values.js';

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

/** Week-level signals of the snapshot's latest week (changes/signals.ts reads them). */
export async function weeklySignalRows(
  wh: Warehouse,
  snapshot: { forecastId: string; period: string; asOf: string },
): Promise<Record<string, string | number | null>[]> {
  const double = wh.dialect.types.double;
  const median = (expr: string): string => wh.dialect.median(expr);
  return wh.query<Record<string, string | number | null>>(
    `WITH w AS (
       SELECT e.time_period, e.user_id, e.field_id, e.time_frame_id, CAST(e.forecast_value AS ${double}) AS v, e.is_updated,
              dense_rank() OVER (PARTITION BY e.time_period ORDER BY e.time_frame_id) AS wk
       FROM clari_forecast_entries e
       JOIN clari_fields f ON f.forecast_id = e.forecast_id AND f.field_id = e.field_id AND NOT coalesce(f.is_quota, FALSE)
       WHERE e.forecast_id = $1 AND e.time_period <= $2 AND e.valid_from <= $3 AND (e.valid_to IS NULL OR e.valid_to > $3)),
     d AS (SELECT w.*, v - lag(v) OVER (PARTITION BY time_period, user_id, field_id ORDER BY wk) AS delta FROM w),
     hist AS (SELECT user_id, field_id, wk, count(delta) AS n, ${median('delta')} AS med
              FROM d WHERE time_period < $2 AND delta IS NOT NULL GROUP BY user_id, field_id, wk),
     spread AS (SELECT d.user_id, d.field_id, d.wk, ${median('abs(d.delta - h.med)')} AS mad
                FROM d JOIN hist h ON h.user_id = d.user_id AND h.field_id = d.field_id AND h.wk = d.wk
                WHERE d.time_period < $2 AND d.delta IS NOT NULL GROUP BY d.user_id, d.field_id, d.wk),
     cur AS (SELECT * FROM d WHERE time_period = $2),
     latest AS (SELECT max(wk) AS wk FROM cur),
     updated AS (SELECT user_id, field_id, max(CASE WHEN is_updated THEN wk END) AS wk FROM cur GROUP BY user_id, field_id)
     SELECT c.user_id, c.field_id, c.wk AS week_index, c.time_frame_id, c.v AS value, c.v - c.delta AS previous_value, c.delta, pd.delta AS previous_delta,
            l.wk - coalesce(u.wk, 0) AS stale_weeks, coalesce(h.n, 0) AS history_n, h.med AS history_median, s.mad AS history_mad
     FROM cur c
     JOIN latest l ON c.wk = l.wk
     LEFT JOIN cur pd ON pd.user_id = c.user_id AND pd.field_id = c.field_id AND pd.wk = c.wk - 1
     LEFT JOIN updated u ON u.user_id = c.user_id AND u.field_id = c.field_id
     LEFT JOIN hist h ON h.user_id = c.user_id AND h.field_id = c.field_id AND h.wk = c.wk
     LEFT JOIN spread s ON s.user_id = c.user_id AND s.field_id = c.field_id AND s.wk = c.wk`,
    [snapshot.forecastId, snapshot.period, snapshot.asOf],
  );
}

/** Changes a run wrote, or the changes of one snapshot (backtests). */
export async function changeRows(
  wh: Warehouse,
  filter: { runId: string } | { forecastId: string; period: string; snapshot: string },
): Promise<Record<string, string | number | null>[]> {
  const where =
    'runId' in filter ? 'c.run_id = $1' : 'c.forecast_name = $1 AND c.time_period = $2 AND c.current_snapshot = $3';
  const params = 'runId' in filter ? [filter.runId] : [filter.forecastId, filter.period, filter.snapshot];
  return wh.query<Record<string, string | number | null>>(
    `SELECT c.change_kind, c.forecast_name, c.time_period, c.current_snapshot, c.previous_snapshot, c.user_id, c.owner_name, c.owner_email, c.field_id, c.field_name,
            c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            (SELECT max(f.quota_amount) FROM clari_forecasts f WHERE f.forecast_name = c.forecast_name AND f.time_period = c.time_period AND f.snapshot_date = c.current_snapshot AND f.user_id = c.user_id) AS quota
     FROM clari_forecast_changes c WHERE ${where}
     ORDER BY c.forecast_name, c.time_period, c.user_id, c.field_id, c.change_kind`,
    params,
  );
}

/** Owner and quota of every daily row of a snapshot. */
export async function snapshotOwners(
  wh: Warehouse,
  snapshot: { forecastId: string; period: string; asOf: string },
): Promise<Record<string, string | number | null>[]> {
  return wh.query<Record<string, string | number | null>>(
    'SELECT user_id, field_id, owner_name, owner_email, field_name, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3',
    [snapshot.forecastId, snapshot.period, snapshot.asOf],
  );
}

/**
 * The deals behind each call change of one snapshot (v_deal_movement): how many moved, how many
 * slipped out of the period or were pulled into it, and the sum of their amount changes, per owner
 * and call field. Empty when no opportunity was refreshed (deals off).
 */
export function dealMoveSummaries(
  wh: Warehouse,
  filter: { forecastId: string; period: string; since: string; until?: string | undefined },
): Promise<Record<string, string | number | null>[]> {
  return wh.query(
    `SELECT user_id, field_id, current_snapshot, count(*) AS deals, count(CASE WHEN slipped THEN 1 END) AS slipped,
            count(CASE WHEN pulled_in THEN 1 END) AS pulled_in, sum(amount_change) AS amount_change
     FROM v_deal_movement WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot >= $3 AND current_snapshot <= $4
     GROUP BY user_id, field_id, current_snapshot`,
    [filter.forecastId, filter.period, filter.since, filter.until ?? filter.since],
  );
}
