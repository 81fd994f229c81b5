-- Golden SQL, bundle: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/bundle.ts appliedMigrations =====

-- ----- duckdb -----
SELECT version, name, applied_at, checksum FROM clari_schema_migrations ORDER BY version;

-- ----- postgres -----
SELECT version, name, applied_at, checksum FROM clari_schema_migrations ORDER BY version;

-- ----- snowflake -----
SELECT version, name, applied_at, checksum FROM clari_schema_migrations ORDER BY version;

-- ----- bigquery -----
SELECT version, name, applied_at, checksum FROM clari_schema_migrations ORDER BY version;

-- ===== warehouse/sql/bundle.ts engineVersion =====

-- ----- duckdb -----
SELECT version() AS v;

-- ----- postgres -----
SELECT version() AS v;

-- ----- snowflake -----
SELECT version() AS v;

-- ----- bigquery -----
SELECT version() AS v;

-- ===== warehouse/sql/bundle.ts errorRows =====

-- ----- duckdb -----
SELECT j.error_code, j.error, j.run_id, j.forecast_id, r.started_at
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     WHERE j.error_code IS NOT NULL OR j.error IS NOT NULL
     ORDER BY r.started_at DESC LIMIT 1000;

-- ----- postgres -----
SELECT j.error_code, j.error, j.run_id, j.forecast_id, r.started_at
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     WHERE j.error_code IS NOT NULL OR j.error IS NOT NULL
     ORDER BY r.started_at DESC LIMIT 1000;

-- ----- snowflake -----
SELECT j.error_code, j.error, j.run_id, j.forecast_id, r.started_at
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     WHERE j.error_code IS NOT NULL OR j.error IS NOT NULL
     ORDER BY r.started_at DESC LIMIT 1000;

-- ----- bigquery -----
SELECT j.error_code, j.error, j.run_id, j.forecast_id, r.started_at
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     WHERE j.error_code IS NOT NULL OR j.error IS NOT NULL
     ORDER BY r.started_at DESC LIMIT 1000;

-- ===== warehouse/sql/bundle.ts fieldsSeen =====

-- ----- duckdb -----
SELECT forecast_id, field_id, field_type, is_quota, last_seen FROM clari_fields ORDER BY forecast_id, field_id;

-- ----- postgres -----
SELECT forecast_id, field_id, field_type, is_quota, last_seen FROM clari_fields ORDER BY forecast_id, field_id;

-- ----- snowflake -----
SELECT forecast_id, field_id, field_type, is_quota, last_seen FROM clari_fields ORDER BY forecast_id, field_id;

-- ----- bigquery -----
SELECT forecast_id, field_id, field_type, is_quota, last_seen FROM clari_fields ORDER BY forecast_id, field_id;

-- ===== warehouse/sql/bundle.ts peopleValues =====

-- ----- duckdb -----
SELECT DISTINCT name, email FROM clari_users;

SELECT DISTINCT owner_name, owner_email FROM clari_forecasts;

-- ----- postgres -----
SELECT DISTINCT name, email FROM clari_users;

SELECT DISTINCT owner_name, owner_email FROM clari_forecasts;

-- ----- snowflake -----
SELECT DISTINCT name, email FROM clari_users;

SELECT DISTINCT owner_name, owner_email FROM clari_forecasts;

-- ----- bigquery -----
SELECT DISTINCT name, email FROM clari_users;

SELECT DISTINCT owner_name, owner_email FROM clari_forecasts;

-- ===== warehouse/sql/bundle.ts recentJobs =====

-- ----- duckdb -----
SELECT j.job_id, j.run_id, j.status
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     ORDER BY r.started_at DESC, j.forecast_id, j.time_period LIMIT 100;

-- ----- postgres -----
SELECT j.job_id, j.run_id, j.status
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     ORDER BY r.started_at DESC, j.forecast_id, j.time_period LIMIT 100;

-- ----- snowflake -----
SELECT j.job_id, j.run_id, j.status
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     ORDER BY r.started_at DESC, j.forecast_id, j.time_period LIMIT 100;

-- ----- bigquery -----
SELECT j.job_id, j.run_id, j.status
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     ORDER BY r.started_at DESC, j.forecast_id, j.time_period LIMIT 100;

-- ===== warehouse/sql/bundle.ts recentRuns =====

-- ----- duckdb -----
SELECT run_id, started_at, finished_at, status, as_of, trigger, error, exports, exports_failed, rows_loaded, changes, alerts, duration_ms, quota_left, quota_limit, concurrency_limit FROM clari_sync_runs ORDER BY started_at DESC LIMIT 20;

-- ----- postgres -----
SELECT run_id, started_at, finished_at, status, as_of, trigger, error, exports, exports_failed, rows_loaded, changes, alerts, duration_ms, quota_left, quota_limit, concurrency_limit FROM clari_sync_runs ORDER BY started_at DESC LIMIT 20;

-- ----- snowflake -----
SELECT run_id, started_at, finished_at, status, as_of, "trigger", error, exports, exports_failed, rows_loaded, changes, alerts, duration_ms, quota_left, quota_limit, concurrency_limit FROM clari_sync_runs ORDER BY started_at DESC LIMIT 20;

-- ----- bigquery -----
SELECT run_id, started_at, finished_at, status, as_of, trigger, error, exports, exports_failed, rows_loaded, changes, alerts, duration_ms, quota_left, quota_limit, concurrency_limit FROM clari_sync_runs ORDER BY started_at DESC LIMIT 20;

-- ===== warehouse/sql/bundle.ts rowCount =====

-- ----- duckdb -----
SELECT count(*) AS n FROM clari_snapshots;

-- ----- postgres -----
SELECT count(*) AS n FROM clari_snapshots;

-- ----- snowflake -----
SELECT count(*) AS n FROM clari_snapshots;

-- ----- bigquery -----
SELECT count(*) AS n FROM clari_snapshots;

-- ===== warehouse/sql/bundle.ts runsByStatus =====

-- ----- duckdb -----
SELECT status, count(*) AS n FROM clari_sync_runs GROUP BY status ORDER BY status;

-- ----- postgres -----
SELECT status, count(*) AS n FROM clari_sync_runs GROUP BY status ORDER BY status;

-- ----- snowflake -----
SELECT status, count(*) AS n FROM clari_sync_runs GROUP BY status ORDER BY status;

-- ----- bigquery -----
SELECT status, count(*) AS n FROM clari_sync_runs GROUP BY status ORDER BY status;

-- ===== warehouse/sql/bundle.ts schemaColumns =====

-- ----- duckdb -----
SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND (table_name LIKE 'clari%' OR table_name LIKE 'v%')
       ORDER BY table_name, ordinal_position;

-- ----- postgres -----
SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND (table_name LIKE 'clari%' OR table_name LIKE 'v%')
       ORDER BY table_name, ordinal_position;

-- ----- snowflake -----
SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND (table_name LIKE 'clari%' OR table_name LIKE 'v%')
       ORDER BY table_name, ordinal_position;

-- ----- bigquery -----
SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND (table_name LIKE 'clari%' OR table_name LIKE 'v%')
       ORDER BY table_name, ordinal_position;
