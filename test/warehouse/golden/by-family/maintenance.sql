-- Golden SQL, maintenance: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/maintenance.ts clearDerived =====

-- ----- duckdb -----
DELETE FROM clari_forecast_entries WHERE TRUE;

DELETE FROM clari_users WHERE TRUE;

DELETE FROM clari_forecasts WHERE TRUE;

DELETE FROM clari_forecast_changes WHERE TRUE;

DELETE FROM clari_snapshots WHERE TRUE;

DELETE FROM clari_fields WHERE TRUE;

DELETE FROM clari_time_frames WHERE TRUE;

DELETE FROM clari_time_periods WHERE TRUE;

-- ----- postgres -----
DELETE FROM clari_forecast_entries WHERE TRUE;

DELETE FROM clari_users WHERE TRUE;

DELETE FROM clari_forecasts WHERE TRUE;

DELETE FROM clari_forecast_changes WHERE TRUE;

DELETE FROM clari_snapshots WHERE TRUE;

DELETE FROM clari_fields WHERE TRUE;

DELETE FROM clari_time_frames WHERE TRUE;

DELETE FROM clari_time_periods WHERE TRUE;

-- ----- snowflake -----
BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE TRUE;

DELETE FROM clari_users WHERE TRUE;

DELETE FROM clari_forecasts WHERE TRUE;

DELETE FROM clari_forecast_changes WHERE TRUE;

DELETE FROM clari_snapshots WHERE TRUE;

DELETE FROM clari_fields WHERE TRUE;

DELETE FROM clari_time_frames WHERE TRUE;

DELETE FROM clari_time_periods WHERE TRUE;

-- ----- bigquery -----
BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE TRUE;

DELETE FROM clari_users WHERE TRUE;

DELETE FROM clari_forecasts WHERE TRUE;

DELETE FROM clari_forecast_changes WHERE TRUE;

DELETE FROM clari_snapshots WHERE TRUE;

DELETE FROM clari_fields WHERE TRUE;

DELETE FROM clari_time_frames WHERE TRUE;

DELETE FROM clari_time_periods WHERE TRUE;

-- ===== warehouse/sql/maintenance.ts clearPeriod =====

-- ----- duckdb -----
DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2;

DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2;

DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2;

DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2;

-- ----- postgres -----
DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2;

DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2;

DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2;

DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2;

-- ----- snowflake -----
BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2;

DELETE FROM clari_forecasts WHERE forecast_name = :1 AND time_period = :2;

DELETE FROM clari_forecast_changes WHERE forecast_name = :1 AND time_period = :2;

DELETE FROM clari_snapshots WHERE forecast_id = :1 AND time_period = :2;

-- ----- bigquery -----
BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2;

DELETE FROM clari_forecasts WHERE forecast_name = @p1 AND time_period = @p2;

DELETE FROM clari_forecast_changes WHERE forecast_name = @p1 AND time_period = @p2;

DELETE FROM clari_snapshots WHERE forecast_id = @p1 AND time_period = @p2;

-- ===== warehouse/sql/maintenance.ts deleteBeforePeriod =====

-- ----- duckdb -----
SELECT count(*) AS n FROM clari_forecast_entries WHERE time_period < $1;

SELECT count(*) AS n FROM clari_forecasts WHERE time_period < $1;

SELECT count(*) AS n FROM clari_forecast_changes WHERE time_period < $1;

SELECT count(*) AS n FROM clari_snapshots WHERE time_period < $1;

SELECT count(*) AS n FROM clari_time_frames WHERE time_period < $1;

SELECT count(*) AS n FROM clari_time_periods WHERE time_period < $1;

DELETE FROM clari_forecast_entries WHERE time_period < $1;

DELETE FROM clari_forecasts WHERE time_period < $1;

DELETE FROM clari_snapshots WHERE time_period < $1;

DELETE FROM clari_time_frames WHERE time_period < $1;

DELETE FROM clari_time_periods WHERE time_period < $1;

-- ----- postgres -----
SELECT count(*) AS n FROM clari_forecast_entries WHERE time_period < $1;

SELECT count(*) AS n FROM clari_forecasts WHERE time_period < $1;

SELECT count(*) AS n FROM clari_forecast_changes WHERE time_period < $1;

SELECT count(*) AS n FROM clari_snapshots WHERE time_period < $1;

SELECT count(*) AS n FROM clari_time_frames WHERE time_period < $1;

SELECT count(*) AS n FROM clari_time_periods WHERE time_period < $1;

DELETE FROM clari_forecast_entries WHERE time_period < $1;

DELETE FROM clari_forecasts WHERE time_period < $1;

DELETE FROM clari_snapshots WHERE time_period < $1;

DELETE FROM clari_time_frames WHERE time_period < $1;

DELETE FROM clari_time_periods WHERE time_period < $1;

-- ----- snowflake -----
SELECT count(*) AS n FROM clari_forecast_entries WHERE time_period < :1;

SELECT count(*) AS n FROM clari_forecasts WHERE time_period < :1;

SELECT count(*) AS n FROM clari_forecast_changes WHERE time_period < :1;

SELECT count(*) AS n FROM clari_snapshots WHERE time_period < :1;

SELECT count(*) AS n FROM clari_time_frames WHERE time_period < :1;

SELECT count(*) AS n FROM clari_time_periods WHERE time_period < :1;

BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE time_period < :1;

DELETE FROM clari_forecasts WHERE time_period < :1;

DELETE FROM clari_snapshots WHERE time_period < :1;

DELETE FROM clari_time_frames WHERE time_period < :1;

DELETE FROM clari_time_periods WHERE time_period < :1;

-- ----- bigquery -----
SELECT count(*) AS n FROM clari_forecast_entries WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_forecasts WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_forecast_changes WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_snapshots WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_time_frames WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_time_periods WHERE time_period < @p1;

BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE time_period < @p1;

DELETE FROM clari_forecasts WHERE time_period < @p1;

DELETE FROM clari_snapshots WHERE time_period < @p1;

DELETE FROM clari_time_frames WHERE time_period < @p1;

DELETE FROM clari_time_periods WHERE time_period < @p1;
