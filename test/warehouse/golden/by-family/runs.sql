-- Golden SQL, runs: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/runs.ts analyzeLoadedTables =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
ANALYZE clari_forecast_entries, clari_forecasts, clari_forecast_changes, clari_users, clari_snapshots, clari_fields;

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/sql/runs.ts finishRun =====

-- ----- duckdb -----
UPDATE clari_sync_runs SET finished_at = $2, status = $3, error = $4, exports_failed = $5, rows_loaded = $6, changes = $7, alerts = $8, duration_ms = $9, quota_left = $10, quota_limit = $11, concurrency_limit = $12 WHERE run_id = $1;

-- ----- postgres -----
UPDATE clari_sync_runs SET finished_at = $2, status = $3, error = $4, exports_failed = $5, rows_loaded = $6, changes = $7, alerts = $8, duration_ms = $9, quota_left = $10, quota_limit = $11, concurrency_limit = $12 WHERE run_id = $1;

-- ----- snowflake -----
UPDATE clari_sync_runs SET finished_at = :2, status = :3, error = :4, exports_failed = :5, rows_loaded = :6, changes = :7, alerts = :8, duration_ms = :9, quota_left = :10, quota_limit = :11, concurrency_limit = :12 WHERE run_id = :1;

-- ----- bigquery -----
UPDATE clari_sync_runs SET finished_at = @p2, status = @p3, error = NULL, exports_failed = @p5, rows_loaded = @p6, changes = @p7, alerts = @p8, duration_ms = @p9, quota_left = @p10, quota_limit = @p11, concurrency_limit = @p12 WHERE run_id = @p1;

UPDATE clari_sync_runs SET finished_at = @p2, status = @p3, error = NULL, exports_failed = @p5, rows_loaded = @p6, changes = @p7, alerts = @p8, duration_ms = @p9, quota_left = NULL, quota_limit = NULL, concurrency_limit = NULL WHERE run_id = @p1;

-- ===== warehouse/sql/runs.ts insertRun =====

-- ----- duckdb -----
INSERT INTO clari_sync_runs (run_id, started_at, status, as_of, trigger, exports) VALUES ($1, $2, $3, $4, $5, $6);

-- ----- postgres -----
INSERT INTO clari_sync_runs (run_id, started_at, status, as_of, trigger, exports) VALUES ($1, $2, $3, $4, $5, $6);

-- ----- snowflake -----
INSERT INTO clari_sync_runs (run_id, started_at, status, as_of, "trigger", exports) VALUES (:1, :2, :3, :4, :5, :6);

-- ----- bigquery -----
INSERT INTO clari_sync_runs (run_id, started_at, status, as_of, trigger, exports) VALUES (@p1, @p2, @p3, @p4, @p5, @p6);

-- ===== warehouse/sql/runs.ts markInterruptedRuns =====

-- ----- duckdb -----
UPDATE clari_sync_runs SET status = 'failed', error = $1 WHERE status = 'running';

-- ----- postgres -----
UPDATE clari_sync_runs SET status = 'failed', error = $1 WHERE status = 'running';

-- ----- snowflake -----
UPDATE clari_sync_runs SET status = 'failed', error = :1 WHERE status = 'running';

-- ----- bigquery -----
UPDATE clari_sync_runs SET status = 'failed', error = @p1 WHERE status = 'running';

-- ===== warehouse/sql/runs.ts recordExportJob =====

-- ----- duckdb -----
DELETE FROM clari_export_jobs WHERE run_id = $1 AND forecast_id = $2 AND time_period = $3;

INSERT INTO clari_export_jobs (job_id, run_id, forecast_id, time_period, status, created_at, finished_at, latency_ms, poll_count, rows, payload_sha256, rows_truncated, cells_truncated, error, error_code, snapshot_date, attempts, cached, format, payload_bytes, payload_rows, loaded_rows, payload_sum, loaded_sum, reconciled, warnings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, CAST($23 AS DECIMAL(18,2)), CAST($24 AS DECIMAL(18,2)), $25, $26);

-- ----- postgres -----
DELETE FROM clari_export_jobs WHERE run_id = $1 AND forecast_id = $2 AND time_period = $3;

INSERT INTO clari_export_jobs (job_id, run_id, forecast_id, time_period, status, created_at, finished_at, latency_ms, poll_count, rows, payload_sha256, rows_truncated, cells_truncated, error, error_code, snapshot_date, attempts, cached, format, payload_bytes, payload_rows, loaded_rows, payload_sum, loaded_sum, reconciled, warnings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, CAST($23 AS NUMERIC(18,2)), CAST($24 AS NUMERIC(18,2)), $25, $26);

-- ----- snowflake -----
DELETE FROM clari_export_jobs WHERE run_id = :1 AND forecast_id = :2 AND time_period = :3;

INSERT INTO clari_export_jobs (job_id, run_id, forecast_id, time_period, status, created_at, finished_at, latency_ms, poll_count, "rows", payload_sha256, rows_truncated, cells_truncated, error, error_code, snapshot_date, attempts, cached, format, payload_bytes, payload_rows, loaded_rows, payload_sum, loaded_sum, reconciled, warnings)
     VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11, :12, :13, :14, :15, :16, :17, :18, :19, :20, :21, :22, CAST(:23 AS DECIMAL(18,2)), CAST(:24 AS DECIMAL(18,2)), :25, :26);

BEGIN TRANSACTION;

-- ----- bigquery -----
DELETE FROM clari_export_jobs WHERE run_id = @p1 AND forecast_id = @p2 AND time_period = @p3;

INSERT INTO clari_export_jobs (job_id, run_id, forecast_id, time_period, status, created_at, finished_at, latency_ms, poll_count, `rows`, payload_sha256, rows_truncated, cells_truncated, error, error_code, snapshot_date, attempts, cached, format, payload_bytes, payload_rows, loaded_rows, payload_sum, loaded_sum, reconciled, warnings)
     VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, NULL, NULL, @p16, @p17, @p18, @p19, @p20, @p21, @p22, CAST(@p23 AS NUMERIC(18,2)), CAST(@p24 AS NUMERIC(18,2)), @p25, NULL);

BEGIN TRANSACTION;

INSERT INTO clari_export_jobs (job_id, run_id, forecast_id, time_period, status, created_at, finished_at, latency_ms, poll_count, `rows`, payload_sha256, rows_truncated, cells_truncated, error, error_code, snapshot_date, attempts, cached, format, payload_bytes, payload_rows, loaded_rows, payload_sum, loaded_sum, reconciled, warnings)
     VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, NULL, @p9, @p10, @p11, @p12, @p13, NULL, NULL, @p16, @p17, @p18, @p19, @p20, @p21, @p22, CAST(@p23 AS NUMERIC(18,2)), CAST(@p24 AS NUMERIC(18,2)), @p25, NULL);
