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

-- ===== warehouse/sql/maintenance.ts deleteRows =====

-- ----- duckdb -----
SELECT count(*) AS n FROM clari_forecast_entries WHERE time_period < $1;

SELECT count(*) AS n FROM clari_forecasts WHERE time_period < $1;

SELECT count(*) AS n FROM clari_forecast_changes WHERE time_period < $1;

SELECT count(*) AS n FROM clari_snapshots WHERE time_period < $1;

SELECT count(*) AS n FROM clari_time_frames WHERE time_period < $1;

SELECT count(*) AS n FROM clari_time_periods WHERE time_period < $1;

SELECT count(*) AS n FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

SELECT count(*) AS n FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

SELECT count(*) AS n FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

SELECT count(*) AS n FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP);

SELECT count(*) AS n FROM clari_activity_windows WHERE as_of < CAST($1 AS DATE);

SELECT count(*) AS n FROM clari_opportunities WHERE valid_to < CAST($1 AS DATE);

SELECT count(*) AS n FROM clari_opportunity_field_history WHERE changed_at < CAST($1 AS TIMESTAMP);

SELECT count(*) AS n FROM clari_opportunity_snapshots WHERE as_of < CAST($1 AS DATE);

DELETE FROM clari_forecast_entries WHERE time_period < $1;

DELETE FROM clari_forecasts WHERE time_period < $1;

DELETE FROM clari_snapshots WHERE time_period < $1;

DELETE FROM clari_time_frames WHERE time_period < $1;

DELETE FROM clari_time_periods WHERE time_period < $1;

DELETE FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

DELETE FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

DELETE FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

DELETE FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP);

DELETE FROM clari_activity_windows WHERE as_of < CAST($1 AS DATE);

DELETE FROM clari_opportunity_field_history WHERE changed_at < CAST($1 AS TIMESTAMP);

DELETE FROM clari_opportunity_snapshots WHERE as_of < CAST($1 AS DATE);

-- ----- postgres -----
SELECT count(*) AS n FROM clari_forecast_entries WHERE time_period < $1;

SELECT count(*) AS n FROM clari_forecasts WHERE time_period < $1;

SELECT count(*) AS n FROM clari_forecast_changes WHERE time_period < $1;

SELECT count(*) AS n FROM clari_snapshots WHERE time_period < $1;

SELECT count(*) AS n FROM clari_time_frames WHERE time_period < $1;

SELECT count(*) AS n FROM clari_time_periods WHERE time_period < $1;

SELECT count(*) AS n FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

SELECT count(*) AS n FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

SELECT count(*) AS n FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

SELECT count(*) AS n FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP);

SELECT count(*) AS n FROM clari_activity_windows WHERE as_of < CAST($1 AS DATE);

SELECT count(*) AS n FROM clari_opportunities WHERE valid_to < CAST($1 AS DATE);

SELECT count(*) AS n FROM clari_opportunity_field_history WHERE changed_at < CAST($1 AS TIMESTAMP);

SELECT count(*) AS n FROM clari_opportunity_snapshots WHERE as_of < CAST($1 AS DATE);

DELETE FROM clari_forecast_entries WHERE time_period < $1;

DELETE FROM clari_forecasts WHERE time_period < $1;

DELETE FROM clari_snapshots WHERE time_period < $1;

DELETE FROM clari_time_frames WHERE time_period < $1;

DELETE FROM clari_time_periods WHERE time_period < $1;

DELETE FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

DELETE FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

DELETE FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP));

DELETE FROM clari_activities WHERE activity_at < CAST($1 AS TIMESTAMP);

DELETE FROM clari_activity_windows WHERE as_of < CAST($1 AS DATE);

DELETE FROM clari_opportunity_field_history WHERE changed_at < CAST($1 AS TIMESTAMP);

DELETE FROM clari_opportunity_snapshots WHERE as_of < CAST($1 AS DATE);

-- ----- snowflake -----
SELECT count(*) AS n FROM clari_forecast_entries WHERE time_period < :1;

SELECT count(*) AS n FROM clari_forecasts WHERE time_period < :1;

SELECT count(*) AS n FROM clari_forecast_changes WHERE time_period < :1;

SELECT count(*) AS n FROM clari_snapshots WHERE time_period < :1;

SELECT count(*) AS n FROM clari_time_frames WHERE time_period < :1;

SELECT count(*) AS n FROM clari_time_periods WHERE time_period < :1;

SELECT count(*) AS n FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(:1 AS TIMESTAMP_NTZ));

SELECT count(*) AS n FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(:1 AS TIMESTAMP_NTZ));

SELECT count(*) AS n FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(:1 AS TIMESTAMP_NTZ));

SELECT count(*) AS n FROM clari_activities WHERE activity_at < CAST(:1 AS TIMESTAMP_NTZ);

SELECT count(*) AS n FROM clari_activity_windows WHERE as_of < CAST(:1 AS DATE);

SELECT count(*) AS n FROM clari_opportunities WHERE valid_to < CAST(:1 AS DATE);

SELECT count(*) AS n FROM clari_opportunity_field_history WHERE changed_at < CAST(:1 AS TIMESTAMP_NTZ);

SELECT count(*) AS n FROM clari_opportunity_snapshots WHERE as_of < CAST(:1 AS DATE);

BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE time_period < :1;

DELETE FROM clari_forecasts WHERE time_period < :1;

DELETE FROM clari_snapshots WHERE time_period < :1;

DELETE FROM clari_time_frames WHERE time_period < :1;

DELETE FROM clari_time_periods WHERE time_period < :1;

DELETE FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(:1 AS TIMESTAMP_NTZ));

DELETE FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(:1 AS TIMESTAMP_NTZ));

DELETE FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(:1 AS TIMESTAMP_NTZ));

DELETE FROM clari_activities WHERE activity_at < CAST(:1 AS TIMESTAMP_NTZ);

DELETE FROM clari_activity_windows WHERE as_of < CAST(:1 AS DATE);

DELETE FROM clari_opportunity_field_history WHERE changed_at < CAST(:1 AS TIMESTAMP_NTZ);

DELETE FROM clari_opportunity_snapshots WHERE as_of < CAST(:1 AS DATE);

-- ----- bigquery -----
SELECT count(*) AS n FROM clari_forecast_entries WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_forecasts WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_forecast_changes WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_snapshots WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_time_frames WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_time_periods WHERE time_period < @p1;

SELECT count(*) AS n FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(@p1 AS TIMESTAMP));

SELECT count(*) AS n FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(@p1 AS TIMESTAMP));

SELECT count(*) AS n FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(@p1 AS TIMESTAMP));

SELECT count(*) AS n FROM clari_activities WHERE activity_at < CAST(@p1 AS TIMESTAMP);

SELECT count(*) AS n FROM clari_activity_windows WHERE as_of < CAST(@p1 AS DATE);

SELECT count(*) AS n FROM clari_opportunities WHERE valid_to < CAST(@p1 AS DATE);

SELECT count(*) AS n FROM clari_opportunity_field_history WHERE changed_at < CAST(@p1 AS TIMESTAMP);

SELECT count(*) AS n FROM clari_opportunity_snapshots WHERE as_of < CAST(@p1 AS DATE);

BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE time_period < @p1;

DELETE FROM clari_forecasts WHERE time_period < @p1;

DELETE FROM clari_snapshots WHERE time_period < @p1;

DELETE FROM clari_time_frames WHERE time_period < @p1;

DELETE FROM clari_time_periods WHERE time_period < @p1;

DELETE FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(@p1 AS TIMESTAMP));

DELETE FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(@p1 AS TIMESTAMP));

DELETE FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < CAST(@p1 AS TIMESTAMP));

DELETE FROM clari_activities WHERE activity_at < CAST(@p1 AS TIMESTAMP);

DELETE FROM clari_activity_windows WHERE as_of < CAST(@p1 AS DATE);

DELETE FROM clari_opportunity_field_history WHERE changed_at < CAST(@p1 AS TIMESTAMP);

DELETE FROM clari_opportunity_snapshots WHERE as_of < CAST(@p1 AS DATE);
