-- Golden SQL, changes: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/changes.ts changeRows =====

-- ----- duckdb -----
SELECT c.change_kind, c.forecast_name, c.time_period, c.current_snapshot, c.previous_snapshot, c.user_id, c.owner_name, c.owner_email, c.field_id, c.field_name,
            c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            (SELECT max(f.quota_amount) FROM clari_forecasts f WHERE f.forecast_name = c.forecast_name AND f.time_period = c.time_period AND f.snapshot_date = c.current_snapshot AND f.user_id = c.user_id) AS quota
     FROM clari_forecast_changes c WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.current_snapshot = $3
     ORDER BY c.forecast_name, c.time_period, c.user_id, c.field_id, c.change_kind;

-- ----- postgres -----
SELECT c.change_kind, c.forecast_name, c.time_period, c.current_snapshot, c.previous_snapshot, c.user_id, c.owner_name, c.owner_email, c.field_id, c.field_name,
            c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            (SELECT max(f.quota_amount) FROM clari_forecasts f WHERE f.forecast_name = c.forecast_name AND f.time_period = c.time_period AND f.snapshot_date = c.current_snapshot AND f.user_id = c.user_id) AS quota
     FROM clari_forecast_changes c WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.current_snapshot = $3
     ORDER BY c.forecast_name, c.time_period, c.user_id, c.field_id, c.change_kind;

-- ----- snowflake -----
SELECT c.change_kind, c.forecast_name, c.time_period, c.current_snapshot, c.previous_snapshot, c.user_id, c.owner_name, c.owner_email, c.field_id, c.field_name,
            c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            (SELECT max(f.quota_amount) FROM clari_forecasts f WHERE f.forecast_name = c.forecast_name AND f.time_period = c.time_period AND f.snapshot_date = c.current_snapshot AND f.user_id = c.user_id) AS quota
     FROM clari_forecast_changes c WHERE c.forecast_name = :1 AND c.time_period = :2 AND c.current_snapshot = :3
     ORDER BY c.forecast_name, c.time_period, c.user_id, c.field_id, c.change_kind;

-- ----- bigquery -----
SELECT c.change_kind, c.forecast_name, c.time_period, c.current_snapshot, c.previous_snapshot, c.user_id, c.owner_name, c.owner_email, c.field_id, c.field_name,
            c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            (SELECT max(f.quota_amount) FROM clari_forecasts f WHERE f.forecast_name = c.forecast_name AND f.time_period = c.time_period AND f.snapshot_date = c.current_snapshot AND f.user_id = c.user_id) AS quota
     FROM clari_forecast_changes c WHERE c.forecast_name = @p1 AND c.time_period = @p2 AND c.current_snapshot = @p3
     ORDER BY c.forecast_name, c.time_period, c.user_id, c.field_id, c.change_kind;

-- ===== warehouse/sql/changes.ts dealMoveSummaries =====

-- ----- duckdb -----
SELECT user_id, field_id, current_snapshot, count(*) AS deals, count(CASE WHEN slipped THEN 1 END) AS slipped,
            count(CASE WHEN pulled_in THEN 1 END) AS pulled_in, sum(amount_change) AS amount_change
     FROM v_deal_movement WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot >= $3 AND current_snapshot <= $4
     GROUP BY user_id, field_id, current_snapshot;

-- ----- postgres -----
SELECT user_id, field_id, current_snapshot, count(*) AS deals, count(CASE WHEN slipped THEN 1 END) AS slipped,
            count(CASE WHEN pulled_in THEN 1 END) AS pulled_in, sum(amount_change) AS amount_change
     FROM v_deal_movement WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot >= $3 AND current_snapshot <= $4
     GROUP BY user_id, field_id, current_snapshot;

-- ----- snowflake -----
SELECT user_id, field_id, current_snapshot, count(*) AS deals, count(CASE WHEN slipped THEN 1 END) AS slipped,
            count(CASE WHEN pulled_in THEN 1 END) AS pulled_in, sum(amount_change) AS amount_change
     FROM v_deal_movement WHERE forecast_name = :1 AND time_period = :2 AND current_snapshot >= :3 AND current_snapshot <= :4
     GROUP BY user_id, field_id, current_snapshot;

-- ----- bigquery -----
SELECT user_id, field_id, current_snapshot, count(*) AS deals, count(CASE WHEN slipped THEN 1 END) AS slipped,
            count(CASE WHEN pulled_in THEN 1 END) AS pulled_in, sum(amount_change) AS amount_change
     FROM v_deal_movement WHERE forecast_name = @p1 AND time_period = @p2 AND current_snapshot >= @p3 AND current_snapshot <= @p4
     GROUP BY user_id, field_id, current_snapshot;

-- ===== warehouse/sql/changes.ts detectChanges =====

-- ----- duckdb -----
DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

INSERT INTO clari_forecast_changes (owner_email, owner_name, field_id, forecast_name, time_period, previous_amount, current_amount, change_amount, change_pct, previous_snapshot, current_snapshot, detected_at, user_id, field_name, change_kind, run_id)
     WITH c AS MATERIALIZED (SELECT user_id, field_id, field_name, owner_email, owner_name, forecast_amount, adjustment_amount, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3), p AS MATERIALIZED (SELECT user_id, field_id, field_name, owner_email, owner_name, forecast_amount, adjustment_amount, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $4),
     j AS (
       SELECT c.owner_email AS c_owner_email, p.owner_email AS p_owner_email, c.owner_name AS c_owner_name, p.owner_name AS p_owner_name, c.field_id AS c_field_id, p.field_id AS p_field_id, c.user_id AS c_user_id, p.user_id AS p_user_id, c.field_name AS c_field_name, p.field_name AS p_field_name, c.forecast_amount AS c_forecast_amount, p.forecast_amount AS p_forecast_amount, c.adjustment_amount AS c_adjustment_amount, p.adjustment_amount AS p_adjustment_amount, c.quota_amount AS c_quota_amount, p.quota_amount AS p_quota_amount
       FROM c FULL JOIN p ON p.user_id = c.user_id AND p.field_id = c.field_id
     ),
     q AS (
       SELECT c_user_id AS user_id, max(c_owner_email) AS owner_email, max(c_owner_name) AS owner_name, max(p_quota_amount) AS p_quota, max(c_quota_amount) AS c_quota
       FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_quota_amount IS DISTINCT FROM p_quota_amount
       GROUP BY c_user_id
     )
     SELECT c_owner_email, c_owner_name, c_field_id, CAST($1 AS VARCHAR), CAST($2 AS VARCHAR), p_forecast_amount, c_forecast_amount, c_forecast_amount - p_forecast_amount, CASE WHEN p_forecast_amount IS NULL OR c_forecast_amount IS NULL OR p_forecast_amount = 0 THEN NULL ELSE CAST(c_forecast_amount - p_forecast_amount AS DOUBLE) / abs(CAST(p_forecast_amount AS DOUBLE)) * 100 END, CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), c_user_id, c_field_name, 'changed', CAST($6 AS VARCHAR)
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_forecast_amount IS DISTINCT FROM p_forecast_amount
     UNION ALL
     SELECT c_owner_email, c_owner_name, c_field_id, CAST($1 AS VARCHAR), CAST($2 AS VARCHAR), p_adjustment_amount, c_adjustment_amount, c_adjustment_amount - p_adjustment_amount, CASE WHEN p_adjustment_amount IS NULL OR c_adjustment_amount IS NULL OR p_adjustment_amount = 0 THEN NULL ELSE CAST(c_adjustment_amount - p_adjustment_amount AS DOUBLE) / abs(CAST(p_adjustment_amount AS DOUBLE)) * 100 END, CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), c_user_id, c_field_name, 'adjustment_changed', $6
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_adjustment_amount IS DISTINCT FROM p_adjustment_amount
     UNION ALL
     SELECT c_owner_email, c_owner_name, c_field_id, CAST($1 AS VARCHAR), CAST($2 AS VARCHAR), CAST(NULL AS DECIMAL(18,2)), c_forecast_amount, c_forecast_amount, CAST(NULL AS DOUBLE), CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), c_user_id, c_field_name, 'new_owner', $6
     FROM j WHERE p_user_id IS NULL
     UNION ALL
     SELECT p_owner_email, p_owner_name, p_field_id, CAST($1 AS VARCHAR), CAST($2 AS VARCHAR), p_forecast_amount, CAST(NULL AS DECIMAL(18,2)), -p_forecast_amount, CAST(NULL AS DOUBLE), CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), p_user_id, p_field_name, 'removed_owner', $6
     FROM j WHERE c_user_id IS NULL
     UNION ALL
     SELECT owner_email, owner_name, 'quota', CAST($1 AS VARCHAR), CAST($2 AS VARCHAR), p_quota, c_quota, c_quota - p_quota, CASE WHEN p_quota IS NULL OR c_quota IS NULL OR p_quota = 0 THEN NULL ELSE CAST(c_quota - p_quota AS DOUBLE) / abs(CAST(p_quota AS DOUBLE)) * 100 END, CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), user_id, 'Quota', 'quota_changed', $6
     FROM q;

SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

-- ----- postgres -----
DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

INSERT INTO clari_forecast_changes (owner_email, owner_name, field_id, forecast_name, time_period, previous_amount, current_amount, change_amount, change_pct, previous_snapshot, current_snapshot, detected_at, user_id, field_name, change_kind, run_id)
     WITH c AS MATERIALIZED (SELECT user_id, field_id, field_name, owner_email, owner_name, forecast_amount, adjustment_amount, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3), p AS MATERIALIZED (SELECT user_id, field_id, field_name, owner_email, owner_name, forecast_amount, adjustment_amount, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $4),
     j AS (
       SELECT c.owner_email AS c_owner_email, p.owner_email AS p_owner_email, c.owner_name AS c_owner_name, p.owner_name AS p_owner_name, c.field_id AS c_field_id, p.field_id AS p_field_id, c.user_id AS c_user_id, p.user_id AS p_user_id, c.field_name AS c_field_name, p.field_name AS p_field_name, c.forecast_amount AS c_forecast_amount, p.forecast_amount AS p_forecast_amount, c.adjustment_amount AS c_adjustment_amount, p.adjustment_amount AS p_adjustment_amount, c.quota_amount AS c_quota_amount, p.quota_amount AS p_quota_amount
       FROM c FULL JOIN p ON p.user_id = c.user_id AND p.field_id = c.field_id
     ),
     q AS (
       SELECT c_user_id AS user_id, max(c_owner_email) AS owner_email, max(c_owner_name) AS owner_name, max(p_quota_amount) AS p_quota, max(c_quota_amount) AS c_quota
       FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_quota_amount IS DISTINCT FROM p_quota_amount
       GROUP BY c_user_id
     )
     SELECT c_owner_email, c_owner_name, c_field_id, CAST($1 AS TEXT), CAST($2 AS TEXT), p_forecast_amount, c_forecast_amount, c_forecast_amount - p_forecast_amount, CASE WHEN p_forecast_amount IS NULL OR c_forecast_amount IS NULL OR p_forecast_amount = 0 THEN NULL ELSE CAST(c_forecast_amount - p_forecast_amount AS DOUBLE PRECISION) / abs(CAST(p_forecast_amount AS DOUBLE PRECISION)) * 100 END, CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), c_user_id, c_field_name, 'changed', CAST($6 AS TEXT)
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_forecast_amount IS DISTINCT FROM p_forecast_amount
     UNION ALL
     SELECT c_owner_email, c_owner_name, c_field_id, CAST($1 AS TEXT), CAST($2 AS TEXT), p_adjustment_amount, c_adjustment_amount, c_adjustment_amount - p_adjustment_amount, CASE WHEN p_adjustment_amount IS NULL OR c_adjustment_amount IS NULL OR p_adjustment_amount = 0 THEN NULL ELSE CAST(c_adjustment_amount - p_adjustment_amount AS DOUBLE PRECISION) / abs(CAST(p_adjustment_amount AS DOUBLE PRECISION)) * 100 END, CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), c_user_id, c_field_name, 'adjustment_changed', $6
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_adjustment_amount IS DISTINCT FROM p_adjustment_amount
     UNION ALL
     SELECT c_owner_email, c_owner_name, c_field_id, CAST($1 AS TEXT), CAST($2 AS TEXT), CAST(NULL AS NUMERIC(18,2)), c_forecast_amount, c_forecast_amount, CAST(NULL AS DOUBLE PRECISION), CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), c_user_id, c_field_name, 'new_owner', $6
     FROM j WHERE p_user_id IS NULL
     UNION ALL
     SELECT p_owner_email, p_owner_name, p_field_id, CAST($1 AS TEXT), CAST($2 AS TEXT), p_forecast_amount, CAST(NULL AS NUMERIC(18,2)), -p_forecast_amount, CAST(NULL AS DOUBLE PRECISION), CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), p_user_id, p_field_name, 'removed_owner', $6
     FROM j WHERE c_user_id IS NULL
     UNION ALL
     SELECT owner_email, owner_name, 'quota', CAST($1 AS TEXT), CAST($2 AS TEXT), p_quota, c_quota, c_quota - p_quota, CASE WHEN p_quota IS NULL OR c_quota IS NULL OR p_quota = 0 THEN NULL ELSE CAST(c_quota - p_quota AS DOUBLE PRECISION) / abs(CAST(p_quota AS DOUBLE PRECISION)) * 100 END, CAST($4 AS DATE), CAST($3 AS DATE), CAST($5 AS TIMESTAMP), user_id, 'Quota', 'quota_changed', $6
     FROM q;

SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

-- ----- snowflake -----
DELETE FROM clari_forecast_changes WHERE forecast_name = :1 AND time_period = :2 AND current_snapshot = :3;

INSERT INTO clari_forecast_changes (owner_email, owner_name, field_id, forecast_name, time_period, previous_amount, current_amount, change_amount, change_pct, previous_snapshot, current_snapshot, detected_at, user_id, field_name, change_kind, run_id)
     WITH c AS (SELECT user_id, field_id, field_name, owner_email, owner_name, forecast_amount, adjustment_amount, quota_amount FROM clari_forecasts WHERE forecast_name = :1 AND time_period = :2 AND snapshot_date = :3), p AS (SELECT user_id, field_id, field_name, owner_email, owner_name, forecast_amount, adjustment_amount, quota_amount FROM clari_forecasts WHERE forecast_name = :1 AND time_period = :2 AND snapshot_date = :4),
     j AS (
       SELECT c.owner_email AS c_owner_email, p.owner_email AS p_owner_email, c.owner_name AS c_owner_name, p.owner_name AS p_owner_name, c.field_id AS c_field_id, p.field_id AS p_field_id, c.user_id AS c_user_id, p.user_id AS p_user_id, c.field_name AS c_field_name, p.field_name AS p_field_name, c.forecast_amount AS c_forecast_amount, p.forecast_amount AS p_forecast_amount, c.adjustment_amount AS c_adjustment_amount, p.adjustment_amount AS p_adjustment_amount, c.quota_amount AS c_quota_amount, p.quota_amount AS p_quota_amount
       FROM c FULL JOIN p ON p.user_id = c.user_id AND p.field_id = c.field_id
     ),
     q AS (
       SELECT c_user_id AS user_id, max(c_owner_email) AS owner_email, max(c_owner_name) AS owner_name, max(p_quota_amount) AS p_quota, max(c_quota_amount) AS c_quota
       FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_quota_amount IS DISTINCT FROM p_quota_amount
       GROUP BY c_user_id
     )
     SELECT c_owner_email, c_owner_name, c_field_id, CAST(:1 AS VARCHAR), CAST(:2 AS VARCHAR), p_forecast_amount, c_forecast_amount, c_forecast_amount - p_forecast_amount, CASE WHEN p_forecast_amount IS NULL OR c_forecast_amount IS NULL OR p_forecast_amount = 0 THEN NULL ELSE CAST(c_forecast_amount - p_forecast_amount AS DOUBLE) / abs(CAST(p_forecast_amount AS DOUBLE)) * 100 END, CAST(:4 AS DATE), CAST(:3 AS DATE), CAST(:5 AS TIMESTAMP_NTZ), c_user_id, c_field_name, 'changed', CAST(:6 AS VARCHAR)
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_forecast_amount IS DISTINCT FROM p_forecast_amount
     UNION ALL
     SELECT c_owner_email, c_owner_name, c_field_id, CAST(:1 AS VARCHAR), CAST(:2 AS VARCHAR), p_adjustment_amount, c_adjustment_amount, c_adjustment_amount - p_adjustment_amount, CASE WHEN p_adjustment_amount IS NULL OR c_adjustment_amount IS NULL OR p_adjustment_amount = 0 THEN NULL ELSE CAST(c_adjustment_amount - p_adjustment_amount AS DOUBLE) / abs(CAST(p_adjustment_amount AS DOUBLE)) * 100 END, CAST(:4 AS DATE), CAST(:3 AS DATE), CAST(:5 AS TIMESTAMP_NTZ), c_user_id, c_field_name, 'adjustment_changed', :6
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_adjustment_amount IS DISTINCT FROM p_adjustment_amount
     UNION ALL
     SELECT c_owner_email, c_owner_name, c_field_id, CAST(:1 AS VARCHAR), CAST(:2 AS VARCHAR), CAST(NULL AS DECIMAL(18,2)), c_forecast_amount, c_forecast_amount, CAST(NULL AS DOUBLE), CAST(:4 AS DATE), CAST(:3 AS DATE), CAST(:5 AS TIMESTAMP_NTZ), c_user_id, c_field_name, 'new_owner', :6
     FROM j WHERE p_user_id IS NULL
     UNION ALL
     SELECT p_owner_email, p_owner_name, p_field_id, CAST(:1 AS VARCHAR), CAST(:2 AS VARCHAR), p_forecast_amount, CAST(NULL AS DECIMAL(18,2)), -p_forecast_amount, CAST(NULL AS DOUBLE), CAST(:4 AS DATE), CAST(:3 AS DATE), CAST(:5 AS TIMESTAMP_NTZ), p_user_id, p_field_name, 'removed_owner', :6
     FROM j WHERE c_user_id IS NULL
     UNION ALL
     SELECT owner_email, owner_name, 'quota', CAST(:1 AS VARCHAR), CAST(:2 AS VARCHAR), p_quota, c_quota, c_quota - p_quota, CASE WHEN p_quota IS NULL OR c_quota IS NULL OR p_quota = 0 THEN NULL ELSE CAST(c_quota - p_quota AS DOUBLE) / abs(CAST(p_quota AS DOUBLE)) * 100 END, CAST(:4 AS DATE), CAST(:3 AS DATE), CAST(:5 AS TIMESTAMP_NTZ), user_id, 'Quota', 'quota_changed', :6
     FROM q;

SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = :1 AND time_period = :2 AND current_snapshot = :3;

-- ----- bigquery -----
DELETE FROM clari_forecast_changes WHERE forecast_name = @p1 AND time_period = @p2 AND current_snapshot = @p3;

INSERT INTO clari_forecast_changes (owner_email, owner_name, field_id, forecast_name, time_period, previous_amount, current_amount, change_amount, change_pct, previous_snapshot, current_snapshot, detected_at, user_id, field_name, change_kind, run_id)
     WITH c AS (SELECT user_id, field_id, field_name, owner_email, owner_name, forecast_amount, adjustment_amount, quota_amount FROM clari_forecasts WHERE forecast_name = @p1 AND time_period = @p2 AND snapshot_date = @p3), p AS (SELECT user_id, field_id, field_name, owner_email, owner_name, forecast_amount, adjustment_amount, quota_amount FROM clari_forecasts WHERE forecast_name = @p1 AND time_period = @p2 AND snapshot_date = @p4),
     j AS (
       SELECT c.owner_email AS c_owner_email, p.owner_email AS p_owner_email, c.owner_name AS c_owner_name, p.owner_name AS p_owner_name, c.field_id AS c_field_id, p.field_id AS p_field_id, c.user_id AS c_user_id, p.user_id AS p_user_id, c.field_name AS c_field_name, p.field_name AS p_field_name, c.forecast_amount AS c_forecast_amount, p.forecast_amount AS p_forecast_amount, c.adjustment_amount AS c_adjustment_amount, p.adjustment_amount AS p_adjustment_amount, c.quota_amount AS c_quota_amount, p.quota_amount AS p_quota_amount
       FROM c FULL JOIN p ON p.user_id = c.user_id AND p.field_id = c.field_id
     ),
     q AS (
       SELECT c_user_id AS user_id, max(c_owner_email) AS owner_email, max(c_owner_name) AS owner_name, max(p_quota_amount) AS p_quota, max(c_quota_amount) AS c_quota
       FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_quota_amount IS DISTINCT FROM p_quota_amount
       GROUP BY c_user_id
     )
     SELECT c_owner_email, c_owner_name, c_field_id, CAST(@p1 AS STRING), CAST(@p2 AS STRING), p_forecast_amount, c_forecast_amount, c_forecast_amount - p_forecast_amount, CASE WHEN p_forecast_amount IS NULL OR c_forecast_amount IS NULL OR p_forecast_amount = 0 THEN NULL ELSE CAST(c_forecast_amount - p_forecast_amount AS FLOAT64) / abs(CAST(p_forecast_amount AS FLOAT64)) * 100 END, CAST(@p4 AS DATE), CAST(@p3 AS DATE), CAST(@p5 AS TIMESTAMP), c_user_id, c_field_name, 'changed', CAST(@p6 AS STRING)
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_forecast_amount IS DISTINCT FROM p_forecast_amount
     UNION ALL
     SELECT c_owner_email, c_owner_name, c_field_id, CAST(@p1 AS STRING), CAST(@p2 AS STRING), p_adjustment_amount, c_adjustment_amount, c_adjustment_amount - p_adjustment_amount, CASE WHEN p_adjustment_amount IS NULL OR c_adjustment_amount IS NULL OR p_adjustment_amount = 0 THEN NULL ELSE CAST(c_adjustment_amount - p_adjustment_amount AS FLOAT64) / abs(CAST(p_adjustment_amount AS FLOAT64)) * 100 END, CAST(@p4 AS DATE), CAST(@p3 AS DATE), CAST(@p5 AS TIMESTAMP), c_user_id, c_field_name, 'adjustment_changed', @p6
     FROM j WHERE c_user_id IS NOT NULL AND p_user_id IS NOT NULL AND c_adjustment_amount IS DISTINCT FROM p_adjustment_amount
     UNION ALL
     SELECT c_owner_email, c_owner_name, c_field_id, CAST(@p1 AS STRING), CAST(@p2 AS STRING), CAST(NULL AS NUMERIC(18,2)), c_forecast_amount, c_forecast_amount, CAST(NULL AS FLOAT64), CAST(@p4 AS DATE), CAST(@p3 AS DATE), CAST(@p5 AS TIMESTAMP), c_user_id, c_field_name, 'new_owner', @p6
     FROM j WHERE p_user_id IS NULL
     UNION ALL
     SELECT p_owner_email, p_owner_name, p_field_id, CAST(@p1 AS STRING), CAST(@p2 AS STRING), p_forecast_amount, CAST(NULL AS NUMERIC(18,2)), -p_forecast_amount, CAST(NULL AS FLOAT64), CAST(@p4 AS DATE), CAST(@p3 AS DATE), CAST(@p5 AS TIMESTAMP), p_user_id, p_field_name, 'removed_owner', @p6
     FROM j WHERE c_user_id IS NULL
     UNION ALL
     SELECT owner_email, owner_name, 'quota', CAST(@p1 AS STRING), CAST(@p2 AS STRING), p_quota, c_quota, c_quota - p_quota, CASE WHEN p_quota IS NULL OR c_quota IS NULL OR p_quota = 0 THEN NULL ELSE CAST(c_quota - p_quota AS FLOAT64) / abs(CAST(p_quota AS FLOAT64)) * 100 END, CAST(@p4 AS DATE), CAST(@p3 AS DATE), CAST(@p5 AS TIMESTAMP), user_id, 'Quota', 'quota_changed', @p6
     FROM q;

SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = @p1 AND time_period = @p2 AND current_snapshot = @p3;

-- ===== warehouse/sql/changes.ts snapshotOwners =====

-- ----- duckdb -----
SELECT user_id, field_id, owner_name, owner_email, field_name, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3;

-- ----- postgres -----
SELECT user_id, field_id, owner_name, owner_email, field_name, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3;

-- ----- snowflake -----
SELECT user_id, field_id, owner_name, owner_email, field_name, quota_amount FROM clari_forecasts WHERE forecast_name = :1 AND time_period = :2 AND snapshot_date = :3;

-- ----- bigquery -----
SELECT user_id, field_id, owner_name, owner_email, field_name, quota_amount FROM clari_forecasts WHERE forecast_name = @p1 AND time_period = @p2 AND snapshot_date = @p3;

-- ===== warehouse/sql/changes.ts weeklySignalRows =====

-- ----- duckdb -----
WITH w AS (
       SELECT e.time_period, e.user_id, e.field_id, e.time_frame_id, CAST(e.forecast_value AS DOUBLE) AS v, e.is_updated,
              dense_rank() OVER (PARTITION BY e.time_period ORDER BY e.time_frame_id) AS wk
       FROM clari_forecast_entries e
       JOIN clari_fields f ON f.forecast_id = e.forecast_id AND f.field_id = e.field_id AND NOT coalesce(f.is_quota, FALSE)
       WHERE e.forecast_id = $1 AND e.time_period <= $2 AND e.valid_from <= $3 AND (e.valid_to IS NULL OR e.valid_to > $3)),
     d AS (SELECT w.*, v - lag(v) OVER (PARTITION BY time_period, user_id, field_id ORDER BY wk) AS delta FROM w),
     hist AS (SELECT user_id, field_id, wk, count(delta) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY delta) AS med
              FROM d WHERE time_period < $2 AND delta IS NOT NULL GROUP BY user_id, field_id, wk),
     spread AS (SELECT d.user_id, d.field_id, d.wk, percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(d.delta - h.med)) AS mad
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
     LEFT JOIN spread s ON s.user_id = c.user_id AND s.field_id = c.field_id AND s.wk = c.wk;

-- ----- postgres -----
WITH w AS (
       SELECT e.time_period, e.user_id, e.field_id, e.time_frame_id, CAST(e.forecast_value AS DOUBLE PRECISION) AS v, e.is_updated,
              dense_rank() OVER (PARTITION BY e.time_period ORDER BY e.time_frame_id) AS wk
       FROM clari_forecast_entries e
       JOIN clari_fields f ON f.forecast_id = e.forecast_id AND f.field_id = e.field_id AND NOT coalesce(f.is_quota, FALSE)
       WHERE e.forecast_id = $1 AND e.time_period <= $2 AND e.valid_from <= $3 AND (e.valid_to IS NULL OR e.valid_to > $3)),
     d AS (SELECT w.*, v - lag(v) OVER (PARTITION BY time_period, user_id, field_id ORDER BY wk) AS delta FROM w),
     hist AS (SELECT user_id, field_id, wk, count(delta) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY delta) AS med
              FROM d WHERE time_period < $2 AND delta IS NOT NULL GROUP BY user_id, field_id, wk),
     spread AS (SELECT d.user_id, d.field_id, d.wk, percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(d.delta - h.med)) AS mad
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
     LEFT JOIN spread s ON s.user_id = c.user_id AND s.field_id = c.field_id AND s.wk = c.wk;

-- ----- snowflake -----
WITH w AS (
       SELECT e.time_period, e.user_id, e.field_id, e.time_frame_id, CAST(e.forecast_value AS DOUBLE) AS v, e.is_updated,
              dense_rank() OVER (PARTITION BY e.time_period ORDER BY e.time_frame_id) AS wk
       FROM clari_forecast_entries e
       JOIN clari_fields f ON f.forecast_id = e.forecast_id AND f.field_id = e.field_id AND NOT coalesce(f.is_quota, FALSE)
       WHERE e.forecast_id = :1 AND e.time_period <= :2 AND e.valid_from <= :3 AND (e.valid_to IS NULL OR e.valid_to > :3)),
     d AS (SELECT w.*, v - lag(v) OVER (PARTITION BY time_period, user_id, field_id ORDER BY wk) AS delta FROM w),
     hist AS (SELECT user_id, field_id, wk, count(delta) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY delta) AS med
              FROM d WHERE time_period < :2 AND delta IS NOT NULL GROUP BY user_id, field_id, wk),
     spread AS (SELECT d.user_id, d.field_id, d.wk, percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(d.delta - h.med)) AS mad
                FROM d JOIN hist h ON h.user_id = d.user_id AND h.field_id = d.field_id AND h.wk = d.wk
                WHERE d.time_period < :2 AND d.delta IS NOT NULL GROUP BY d.user_id, d.field_id, d.wk),
     cur AS (SELECT * FROM d WHERE time_period = :2),
     latest AS (SELECT max(wk) AS wk FROM cur),
     updated AS (SELECT user_id, field_id, max(CASE WHEN is_updated THEN wk END) AS wk FROM cur GROUP BY user_id, field_id)
     SELECT c.user_id, c.field_id, c.wk AS week_index, c.time_frame_id, c.v AS value, c.v - c.delta AS previous_value, c.delta, pd.delta AS previous_delta,
            l.wk - coalesce(u.wk, 0) AS stale_weeks, coalesce(h.n, 0) AS history_n, h.med AS history_median, s.mad AS history_mad
     FROM cur c
     JOIN latest l ON c.wk = l.wk
     LEFT JOIN cur pd ON pd.user_id = c.user_id AND pd.field_id = c.field_id AND pd.wk = c.wk - 1
     LEFT JOIN updated u ON u.user_id = c.user_id AND u.field_id = c.field_id
     LEFT JOIN hist h ON h.user_id = c.user_id AND h.field_id = c.field_id AND h.wk = c.wk
     LEFT JOIN spread s ON s.user_id = c.user_id AND s.field_id = c.field_id AND s.wk = c.wk;

-- ----- bigquery -----
WITH w AS (
       SELECT e.time_period, e.user_id, e.field_id, e.time_frame_id, CAST(e.forecast_value AS FLOAT64) AS v, e.is_updated,
              dense_rank() OVER (PARTITION BY e.time_period ORDER BY e.time_frame_id) AS wk
       FROM clari_forecast_entries e
       JOIN clari_fields f ON f.forecast_id = e.forecast_id AND f.field_id = e.field_id AND NOT coalesce(f.is_quota, FALSE)
       WHERE e.forecast_id = @p1 AND e.time_period <= @p2 AND e.valid_from <= @p3 AND (e.valid_to IS NULL OR e.valid_to > @p3)),
     d AS (SELECT w.*, v - lag(v) OVER (PARTITION BY time_period, user_id, field_id ORDER BY wk) AS delta FROM w),
     hist AS (SELECT user_id, field_id, wk, count(delta) AS n, (SELECT PERCENTILE_CONT(v, 0.5) OVER () FROM UNNEST(ARRAY_AGG(delta IGNORE NULLS)) AS v LIMIT 1) AS med
              FROM d WHERE time_period < @p2 AND delta IS NOT NULL GROUP BY user_id, field_id, wk),
     spread AS (SELECT d.user_id, d.field_id, d.wk, (SELECT PERCENTILE_CONT(v, 0.5) OVER () FROM UNNEST(ARRAY_AGG(abs(d.delta - h.med) IGNORE NULLS)) AS v LIMIT 1) AS mad
                FROM d JOIN hist h ON h.user_id = d.user_id AND h.field_id = d.field_id AND h.wk = d.wk
                WHERE d.time_period < @p2 AND d.delta IS NOT NULL GROUP BY d.user_id, d.field_id, d.wk),
     cur AS (SELECT * FROM d WHERE time_period = @p2),
     latest AS (SELECT max(wk) AS wk FROM cur),
     updated AS (SELECT user_id, field_id, max(CASE WHEN is_updated THEN wk END) AS wk FROM cur GROUP BY user_id, field_id)
     SELECT c.user_id, c.field_id, c.wk AS week_index, c.time_frame_id, c.v AS value, c.v - c.delta AS previous_value, c.delta, pd.delta AS previous_delta,
            l.wk - coalesce(u.wk, 0) AS stale_weeks, coalesce(h.n, 0) AS history_n, h.med AS history_median, s.mad AS history_mad
     FROM cur c
     JOIN latest l ON c.wk = l.wk
     LEFT JOIN cur pd ON pd.user_id = c.user_id AND pd.field_id = c.field_id AND pd.wk = c.wk - 1
     LEFT JOIN updated u ON u.user_id = c.user_id AND u.field_id = c.field_id
     LEFT JOIN hist h ON h.user_id = c.user_id AND h.field_id = c.field_id AND h.wk = c.wk
     LEFT JOIN spread s ON s.user_id = c.user_id AND s.field_id = c.field_id AND s.wk = c.wk;
