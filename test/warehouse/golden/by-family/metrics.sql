-- Golden SQL, metrics: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/metrics.ts metricFacts =====

-- ----- duckdb -----
SELECT forecast_id, latency_ms FROM clari_export_jobs WHERE latency_ms IS NOT NULL AND NOT coalesce(cached, FALSE);

SELECT status, coalesce(cached, FALSE) AS cached, forecast_id, count(*) AS n, sum(coalesce(loaded_rows, 0)) AS loaded FROM clari_export_jobs GROUP BY status, coalesce(cached, FALSE), forecast_id;

SELECT change_kind AS kind, count(*) AS n FROM clari_forecast_changes GROUP BY change_kind;

SELECT status, count(*) AS n FROM clari_alerts GROUP BY status;

SELECT status, count(*) AS n, max(finished_at) AS last FROM clari_sync_runs GROUP BY status;

SELECT duration_ms AS d FROM clari_sync_runs WHERE duration_ms IS NOT NULL;

SELECT exports_failed FROM clari_sync_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT quota_left, quota_limit FROM clari_sync_runs WHERE quota_left IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT forecast_id, max(loaded_at) AS t FROM clari_snapshots GROUP BY forecast_id;

-- ----- postgres -----
SELECT forecast_id, latency_ms FROM clari_export_jobs WHERE latency_ms IS NOT NULL AND NOT coalesce(cached, FALSE);

SELECT status, coalesce(cached, FALSE) AS cached, forecast_id, count(*) AS n, sum(coalesce(loaded_rows, 0)) AS loaded FROM clari_export_jobs GROUP BY status, coalesce(cached, FALSE), forecast_id;

SELECT change_kind AS kind, count(*) AS n FROM clari_forecast_changes GROUP BY change_kind;

SELECT status, count(*) AS n FROM clari_alerts GROUP BY status;

SELECT status, count(*) AS n, max(finished_at) AS last FROM clari_sync_runs GROUP BY status;

SELECT duration_ms AS d FROM clari_sync_runs WHERE duration_ms IS NOT NULL;

SELECT exports_failed FROM clari_sync_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT quota_left, quota_limit FROM clari_sync_runs WHERE quota_left IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT forecast_id, max(loaded_at) AS t FROM clari_snapshots GROUP BY forecast_id;

-- ----- snowflake -----
SELECT forecast_id, latency_ms FROM clari_export_jobs WHERE latency_ms IS NOT NULL AND NOT coalesce(cached, FALSE);

SELECT status, coalesce(cached, FALSE) AS cached, forecast_id, count(*) AS n, sum(coalesce(loaded_rows, 0)) AS loaded FROM clari_export_jobs GROUP BY status, coalesce(cached, FALSE), forecast_id;

SELECT change_kind AS kind, count(*) AS n FROM clari_forecast_changes GROUP BY change_kind;

SELECT status, count(*) AS n FROM clari_alerts GROUP BY status;

SELECT status, count(*) AS n, max(finished_at) AS last FROM clari_sync_runs GROUP BY status;

SELECT duration_ms AS d FROM clari_sync_runs WHERE duration_ms IS NOT NULL;

SELECT exports_failed FROM clari_sync_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT quota_left, quota_limit FROM clari_sync_runs WHERE quota_left IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT forecast_id, max(loaded_at) AS t FROM clari_snapshots GROUP BY forecast_id;

-- ----- bigquery -----
SELECT forecast_id, latency_ms FROM clari_export_jobs WHERE latency_ms IS NOT NULL AND NOT coalesce(cached, FALSE);

SELECT status, coalesce(cached, FALSE) AS cached, forecast_id, count(*) AS n, sum(coalesce(loaded_rows, 0)) AS loaded FROM clari_export_jobs GROUP BY status, coalesce(cached, FALSE), forecast_id;

SELECT change_kind AS kind, count(*) AS n FROM clari_forecast_changes GROUP BY change_kind;

SELECT status, count(*) AS n FROM clari_alerts GROUP BY status;

SELECT status, count(*) AS n, max(finished_at) AS last FROM clari_sync_runs GROUP BY status;

SELECT duration_ms AS d FROM clari_sync_runs WHERE duration_ms IS NOT NULL;

SELECT exports_failed FROM clari_sync_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT quota_left, quota_limit FROM clari_sync_runs WHERE quota_left IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT forecast_id, max(loaded_at) AS t FROM clari_snapshots GROUP BY forecast_id;
