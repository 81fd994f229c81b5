-- Golden SQL, alerts: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/alerts.ts currentUserPlaces =====

-- ----- duckdb -----
SELECT user_id, email, hierarchy_id, hierarchy_name, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL;

-- ----- postgres -----
SELECT user_id, email, hierarchy_id, hierarchy_name, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL;

-- ----- snowflake -----
SELECT user_id, email, hierarchy_id, hierarchy_name, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL;

-- ----- bigquery -----
SELECT user_id, email, hierarchy_id, hierarchy_name, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL;

-- ===== warehouse/sql/alerts.ts replaceAlert =====

-- ----- duckdb -----
DELETE FROM clari_alerts WHERE alert_id = $1 AND channel = $2;

INSERT INTO clari_alerts (alert_id, rule, severity, channel, status, fingerprint, created_at, payload, run_id, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- ----- postgres -----
DELETE FROM clari_alerts WHERE alert_id = $1 AND channel = $2;

INSERT INTO clari_alerts (alert_id, rule, severity, channel, status, fingerprint, created_at, payload, run_id, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- ----- snowflake -----
BEGIN TRANSACTION;

DELETE FROM clari_alerts WHERE alert_id = :1 AND channel = :2;

INSERT INTO clari_alerts (alert_id, rule, severity, channel, status, fingerprint, created_at, payload, run_id, error) VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10);

-- ----- bigquery -----
BEGIN TRANSACTION;

DELETE FROM clari_alerts WHERE alert_id = @p1 AND channel = @p2;

INSERT INTO clari_alerts (alert_id, rule, severity, channel, status, fingerprint, created_at, payload, run_id, error) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, NULL);

-- ===== warehouse/sql/alerts.ts sentForDate =====

-- ----- duckdb -----
SELECT a.fingerprint, a.channel, a.run_id FROM clari_alerts a JOIN clari_sync_runs r ON r.run_id = a.run_id WHERE a.status = 'sent' AND r.as_of = $1 AND a.run_id <> $2;

-- ----- postgres -----
SELECT a.fingerprint, a.channel, a.run_id FROM clari_alerts a JOIN clari_sync_runs r ON r.run_id = a.run_id WHERE a.status = 'sent' AND r.as_of = $1 AND a.run_id <> $2;

-- ----- snowflake -----
SELECT a.fingerprint, a.channel, a.run_id FROM clari_alerts a JOIN clari_sync_runs r ON r.run_id = a.run_id WHERE a.status = 'sent' AND r.as_of = :1 AND a.run_id <> :2;

-- ----- bigquery -----
SELECT a.fingerprint, a.channel, a.run_id FROM clari_alerts a JOIN clari_sync_runs r ON r.run_id = a.run_id WHERE a.status = 'sent' AND r.as_of = @p1 AND a.run_id <> @p2;

-- ===== warehouse/sql/alerts.ts sentSince =====

-- ----- duckdb -----
SELECT fingerprint, channel, max(created_at) AS last FROM clari_alerts WHERE status = 'sent' AND created_at >= $1 GROUP BY fingerprint, channel;

-- ----- postgres -----
SELECT fingerprint, channel, max(created_at) AS last FROM clari_alerts WHERE status = 'sent' AND created_at >= $1 GROUP BY fingerprint, channel;

-- ----- snowflake -----
SELECT fingerprint, channel, max(created_at) AS last FROM clari_alerts WHERE status = 'sent' AND created_at >= :1 GROUP BY fingerprint, channel;

-- ----- bigquery -----
SELECT fingerprint, channel, max(created_at) AS last FROM clari_alerts WHERE status = 'sent' AND created_at >= @p1 GROUP BY fingerprint, channel;

-- ===== warehouse/sql/alerts.ts snapshotsOfPeriod =====

-- ----- duckdb -----
SELECT forecast_id, snapshot_date FROM clari_snapshots WHERE time_period = $1 ORDER BY snapshot_date, forecast_id;

-- ----- postgres -----
SELECT forecast_id, snapshot_date FROM clari_snapshots WHERE time_period = $1 ORDER BY snapshot_date, forecast_id;

-- ----- snowflake -----
SELECT forecast_id, snapshot_date FROM clari_snapshots WHERE time_period = :1 ORDER BY snapshot_date, forecast_id;

-- ----- bigquery -----
SELECT forecast_id, snapshot_date FROM clari_snapshots WHERE time_period = @p1 ORDER BY snapshot_date, forecast_id;

-- ===== warehouse/sql/alerts.ts undeliveredSince =====

-- ----- duckdb -----
SELECT channel, payload FROM clari_alerts WHERE status IN ('failed', 'pending') AND created_at >= $1 AND run_id <> $2;

-- ----- postgres -----
SELECT channel, payload FROM clari_alerts WHERE status IN ('failed', 'pending') AND created_at >= $1 AND run_id <> $2;

-- ----- snowflake -----
SELECT channel, payload FROM clari_alerts WHERE status IN ('failed', 'pending') AND created_at >= :1 AND run_id <> :2;

-- ----- bigquery -----
SELECT channel, payload FROM clari_alerts WHERE status IN ('failed', 'pending') AND created_at >= @p1 AND run_id <> @p2;

-- ===== warehouse/sql/alerts.ts updateAlertOutcome =====

-- ----- duckdb -----
UPDATE clari_alerts SET status = $3, error = $4, payload = $5 WHERE alert_id = $1 AND channel = $2;

-- ----- postgres -----
UPDATE clari_alerts SET status = $3, error = $4, payload = $5 WHERE alert_id = $1 AND channel = $2;

-- ----- snowflake -----
BEGIN TRANSACTION;

UPDATE clari_alerts SET status = :3, error = :4, payload = :5 WHERE alert_id = :1 AND channel = :2;

-- ----- bigquery -----
BEGIN TRANSACTION;

UPDATE clari_alerts SET status = @p3, error = NULL, payload = @p5 WHERE alert_id = @p1 AND channel = @p2;
