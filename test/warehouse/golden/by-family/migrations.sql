-- Golden SQL, migrations: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/migrations.ts apply =====

-- ----- duckdb -----
CREATE TABLE IF NOT EXISTS clari_sync_runs (
  run_id VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL,
  as_of DATE NOT NULL,
  trigger VARCHAR NOT NULL,
  error VARCHAR,
  exports INTEGER,
  exports_failed INTEGER,
  rows_loaded BIGINT,
  changes BIGINT,
  alerts INTEGER,
  duration_ms BIGINT,
  quota_left INTEGER,
  quota_limit INTEGER,
  concurrency_limit INTEGER,
  PRIMARY KEY (run_id)
);

CREATE TABLE IF NOT EXISTS clari_export_jobs (
  job_id VARCHAR,
  run_id VARCHAR NOT NULL,
  forecast_id VARCHAR NOT NULL,
  time_period VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  created_at TIMESTAMP,
  finished_at TIMESTAMP,
  latency_ms BIGINT,
  poll_count INTEGER,
  rows BIGINT,
  payload_sha256 VARCHAR,
  rows_truncated BOOLEAN,
  cells_truncated BOOLEAN,
  error VARCHAR,
  error_code VARCHAR,
  snapshot_date DATE,
  attempts INTEGER,
  cached BOOLEAN,
  format VARCHAR,
  payload_bytes BIGINT,
  payload_rows BIGINT,
  loaded_rows BIGINT,
  payload_sum DECIMAL(18,2),
  loaded_sum DECIMAL(18,2),
  reconciled BOOLEAN,
  warnings VARCHAR,
  PRIMARY KEY (run_id, forecast_id, time_period)
);

CREATE TABLE IF NOT EXISTS clari_forecast_entries (
  forecast_id VARCHAR NOT NULL,
  time_period VARCHAR NOT NULL,
  time_frame_id VARCHAR NOT NULL,
  user_id VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  forecast_value DECIMAL(18,2),
  quota_value DECIMAL(18,2),
  adjustment_value DECIMAL(18,2),
  crm_total_value DECIMAL(18,2),
  crm_closed_value DECIMAL(18,2),
  is_updated BOOLEAN,
  updated_by VARCHAR,
  updated_on TIMESTAMP,
  currency VARCHAR,
  valid_from DATE NOT NULL,
  valid_to DATE,
  run_id VARCHAR,
  entry_hash BIGINT
);

CREATE TABLE IF NOT EXISTS clari_users (
  user_id VARCHAR NOT NULL,
  name VARCHAR,
  email VARCHAR,
  crm_id VARCHAR,
  hierarchy_id VARCHAR,
  hierarchy_name VARCHAR,
  parent_hierarchy_id VARCHAR,
  parent_hierarchy_name VARCHAR,
  scope_id VARCHAR,
  valid_from DATE NOT NULL,
  valid_to DATE
);

CREATE TABLE IF NOT EXISTS clari_forecasts (
  owner_name VARCHAR NOT NULL,
  owner_email VARCHAR NOT NULL,
  user_id VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  field_name VARCHAR,
  forecast_amount DECIMAL(18,2),
  quota_amount DECIMAL(18,2),
  crm_total DECIMAL(18,2),
  crm_closed DECIMAL(18,2),
  adjustment_amount DECIMAL(18,2),
  time_period VARCHAR NOT NULL,
  forecast_name VARCHAR NOT NULL,
  snapshot_date DATE NOT NULL,
  exported_at TIMESTAMP NOT NULL,
  time_frame_id VARCHAR,
  is_updated BOOLEAN,
  currency VARCHAR,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_forecast_changes (
  owner_email VARCHAR,
  owner_name VARCHAR,
  forecast_name VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  time_period VARCHAR NOT NULL,
  previous_amount DECIMAL(18,2),
  current_amount DECIMAL(18,2),
  change_amount DECIMAL(18,2),
  change_pct DOUBLE,
  previous_snapshot DATE,
  current_snapshot DATE NOT NULL,
  detected_at TIMESTAMP NOT NULL,
  user_id VARCHAR NOT NULL,
  field_name VARCHAR,
  change_kind VARCHAR NOT NULL,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_alerts (
  alert_id VARCHAR NOT NULL,
  rule VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  channel VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  fingerprint VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  payload JSON,
  run_id VARCHAR,
  error VARCHAR,
  PRIMARY KEY (alert_id, channel)
);

CREATE TABLE IF NOT EXISTS clari_snapshots (
  forecast_id VARCHAR NOT NULL,
  time_period VARCHAR NOT NULL,
  snapshot_date DATE NOT NULL,
  run_id VARCHAR NOT NULL,
  job_id VARCHAR,
  payload_sha256 VARCHAR,
  loaded_at TIMESTAMP NOT NULL,
  entries BIGINT NOT NULL,
  users INTEGER,
  latest_time_frame VARCHAR,
  PRIMARY KEY (forecast_id, time_period, snapshot_date)
);

CREATE TABLE IF NOT EXISTS clari_fields (
  forecast_id VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  field_name VARCHAR,
  field_type VARCHAR,
  is_quota BOOLEAN,
  last_seen DATE,
  PRIMARY KEY (forecast_id, field_id)
);

CREATE TABLE IF NOT EXISTS clari_time_frames (
  time_period VARCHAR NOT NULL,
  time_frame_id VARCHAR NOT NULL,
  start_date DATE,
  end_date DATE,
  PRIMARY KEY (time_period, time_frame_id)
);

CREATE TABLE IF NOT EXISTS clari_time_periods (
  time_period VARCHAR NOT NULL,
  start_date DATE,
  end_date DATE,
  label VARCHAR,
  year VARCHAR,
  PRIMARY KEY (time_period)
);

DELETE FROM clari_schema_migrations WHERE version = $1;

INSERT INTO clari_schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4);

CREATE TABLE IF NOT EXISTS clari_activities (
  activity_id VARCHAR NOT NULL,
  activity_type VARCHAR,
  subject VARCHAR,
  activity_at TIMESTAMP,
  owner_crm_id VARCHAR,
  organiser_crm_id VARCHAR,
  account_ids VARCHAR[],
  opportunity_ids VARCHAR[],
  exported_at TIMESTAMP,
  as_of DATE NOT NULL,
  job_id VARCHAR,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_activity_participants (
  activity_id VARCHAR NOT NULL,
  ordinal INTEGER NOT NULL,
  email VARCHAR,
  name VARCHAR,
  crm_user_id VARCHAR,
  is_internal BOOLEAN
);

CREATE TABLE IF NOT EXISTS clari_activity_opportunities (
  activity_id VARCHAR NOT NULL,
  ordinal INTEGER NOT NULL,
  opportunity_id VARCHAR NOT NULL,
  opportunity_name VARCHAR,
  owner_crm_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_activity_accounts (
  activity_id VARCHAR NOT NULL,
  ordinal INTEGER NOT NULL,
  account_id VARCHAR NOT NULL,
  account_name VARCHAR,
  owner_crm_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_activity_windows (
  as_of DATE NOT NULL,
  from_date DATE NOT NULL,
  to_date DATE NOT NULL,
  job_id VARCHAR,
  payload_sha256 VARCHAR,
  activities BIGINT NOT NULL,
  participants BIGINT,
  run_id VARCHAR,
  loaded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (as_of)
);

CREATE TABLE IF NOT EXISTS clari_opportunities (
  opportunity_id VARCHAR NOT NULL,
  name VARCHAR,
  owner_crm_id VARCHAR,
  amount DECIMAL(18,2),
  stage VARCHAR,
  close_date DATE,
  crm_score DOUBLE,
  crm_score_message VARCHAR,
  valid_from DATE NOT NULL,
  valid_to DATE,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_opportunity_field_history (
  opportunity_id VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  old_value VARCHAR,
  new_value VARCHAR,
  changed_at TIMESTAMP NOT NULL,
  first_seen DATE NOT NULL,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_opportunity_snapshots (
  as_of DATE NOT NULL,
  requested BIGINT NOT NULL,
  opportunities BIGINT NOT NULL,
  calls INTEGER,
  payload_sha256 VARCHAR,
  amount_sum DECIMAL(18,2),
  run_id VARCHAR,
  loaded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (as_of)
);

ALTER TABLE clari_forecast_entries ADD COLUMN IF NOT EXISTS entry_hash BIGINT;

DROP VIEW IF EXISTS v_forecast_accuracy;

CREATE VIEW v_forecast_accuracy AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM clari_time_frames) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM clari_forecasts GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM clari_snapshots) THEN 'closed' ELSE 'in progress' END AS status
    FROM clari_time_periods p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  calls AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, f.week_index, e.time_frame_id, e.forecast_value AS forecast_amount
    FROM clari_forecast_entries e
    JOIN clari_fields cf ON cf.forecast_id = e.forecast_id AND cf.field_id = e.field_id AND NOT coalesce(cf.is_quota, FALSE)
    JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL),
  actuals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, l.snapshot_date, max(c.crm_closed) AS actual, max(c.owner_name) AS owner_name, max(c.owner_email) AS owner_email
    FROM clari_forecasts c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    GROUP BY c.forecast_name, c.time_period, c.user_id, l.snapshot_date),
  scored AS (
    SELECT k.forecast_id AS forecast_name, k.time_period, coalesce(s.status, 'in progress') AS period_status,
           k.user_id, a.owner_name, a.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
           k.field_id, fl.field_name, k.week_index, k.time_frame_id, k.forecast_amount,
           CASE WHEN s.status = 'closed' THEN a.actual END AS actual_closed
    FROM calls k
    LEFT JOIN actuals a ON a.forecast_name = k.forecast_id AND a.time_period = k.time_period AND a.user_id = k.user_id
    LEFT JOIN period_status s ON s.time_period = k.time_period
    LEFT JOIN clari_fields fl ON fl.forecast_id = k.forecast_id AND fl.field_id = k.field_id
    LEFT JOIN clari_users uw ON uw.user_id = k.user_id AND uw.valid_from <= a.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > a.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN clari_users mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN clari_users ui ON ui.user_id = k.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN clari_users mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id)
SELECT scored.*,
  round(CAST(CASE WHEN CAST(abs(forecast_amount - actual_closed) AS DECIMAL(38,6)) / NULLIF(CAST(actual_closed AS DECIMAL(38,6)), 0) > 1 THEN 0
    ELSE (1 - CAST(abs(forecast_amount - actual_closed) AS DECIMAL(38,6)) / NULLIF(CAST(actual_closed AS DECIMAL(38,6)), 0)) * 100 END AS DECIMAL(38,6)), 1) AS accuracy_pct,
  forecast_amount - actual_closed AS error_amount,
  round(CAST(CAST(forecast_amount - actual_closed AS DECIMAL(38,6)) / NULLIF(CAST(actual_closed AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS bias_pct,
  round(CAST(CAST(sum(CASE WHEN is_rep THEN abs(forecast_amount - actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index) AS DECIMAL(38,6)) / NULLIF(CAST(sum(CASE WHEN is_rep THEN abs(actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS wape_pct
FROM scored;

DROP VIEW IF EXISTS v_pipeline_coverage;

CREATE VIEW v_pipeline_coverage AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM clari_time_frames) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM clari_forecasts GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM clari_snapshots) THEN 'closed' ELSE 'in progress' END AS status
    FROM clari_time_periods p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  pipe_field AS (
    SELECT forecast_id, min(field_id) AS field_id FROM clari_fields
    WHERE NOT coalesce(is_quota, FALSE) AND lower(coalesce(field_name, field_id)) LIKE '%pipeline%' GROUP BY forecast_id),
  week_one AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.crm_total_value - coalesce(e.crm_closed_value, 0) AS start_pipeline
    FROM clari_forecast_entries e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    JOIN pipe_field pf ON pf.forecast_id = e.forecast_id AND pf.field_id = e.field_id
    WHERE e.valid_to IS NULL AND f.week_index = 1),
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, max(c.crm_closed) AS closed_won
    FROM clari_forecasts c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    GROUP BY c.forecast_name, c.time_period, c.user_id),
  win_periods AS (
    SELECT f.forecast_name, f.user_id, f.closed_won, w.start_pipeline,
           dense_rank() OVER (PARTITION BY f.forecast_name, f.user_id ORDER BY f.time_period DESC) AS recency
    FROM finals f JOIN week_one w ON w.forecast_id = f.forecast_name AND w.time_period = f.time_period AND w.user_id = f.user_id
    WHERE w.start_pipeline > 0 AND f.closed_won IS NOT NULL),
  win AS (
    SELECT forecast_name, user_id, CAST(sum(closed_won) AS DECIMAL(38,6)) / NULLIF(CAST(sum(start_pipeline) AS DECIMAL(38,6)), 0) AS win_rate, count(*) AS periods
    FROM win_periods WHERE recency <= 4 GROUP BY forecast_name, user_id),
  rows_in AS (
    SELECT c.*, coalesce(p.crm_total, c.crm_total) - c.crm_closed AS open_pipeline,
           greatest(coalesce(c.quota_amount - c.crm_closed, 0), 0) AS quota_left, coalesce(pf.field_id, c.field_id) AS pipeline_field_id
    FROM clari_forecasts c
    JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    LEFT JOIN pipe_field pf ON pf.forecast_id = c.forecast_name
    LEFT JOIN clari_forecasts p ON p.forecast_name = c.forecast_name AND p.time_period = c.time_period AND p.snapshot_date = c.snapshot_date
      AND p.user_id = c.user_id AND p.field_id = pf.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
  c.field_id, c.field_name, c.crm_total, c.crm_closed, c.open_pipeline AS pipeline, c.pipeline_field_id, c.quota_amount,
  c.quota_left AS remaining_quota,
  round(CAST(CAST(c.open_pipeline AS DECIMAL(38,6)) / NULLIF(CAST(c.quota_left AS DECIMAL(38,6)), 0) AS DECIMAL(38,6)), 2) AS coverage,
  round(CAST(win.win_rate AS DECIMAL(38,6)), 4) AS win_rate, coalesce(win.periods, 0) AS win_rate_periods,
  round(CAST(CAST(1 AS DECIMAL(38,6)) / NULLIF(CAST(win.win_rate AS DECIMAL(38,6)), 0) AS DECIMAL(38,6)), 2) AS required_coverage
FROM rows_in c
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN win ON win.forecast_name = c.forecast_name AND win.user_id = c.user_id
LEFT JOIN clari_users uw ON uw.user_id = c.user_id AND uw.valid_from <= c.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > c.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN clari_users mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN clari_users ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN clari_users mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id;

DROP VIEW IF EXISTS v_rep_performance;

CREATE VIEW v_rep_performance AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM clari_time_frames) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM clari_forecasts GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM clari_snapshots) THEN 'closed' ELSE 'in progress' END AS status
    FROM clari_time_periods p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, c.field_id, c.forecast_amount, c.crm_closed,
           dense_rank() OVER (PARTITION BY c.forecast_name, c.user_id, c.field_id ORDER BY c.time_period DESC) AS recency
    FROM clari_forecasts c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    WHERE c.forecast_amount IS NOT NULL AND c.crm_closed IS NOT NULL),
  bias AS (
    SELECT forecast_name, user_id, field_id, count(*) AS bias_periods,
           round(CAST(CAST(sum(forecast_amount - crm_closed) AS DECIMAL(38,6)) / NULLIF(CAST(sum(crm_closed) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS bias_pct
    FROM finals WHERE recency <= 4 GROUP BY forecast_name, user_id, field_id),
  weekly AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, max(f.week_index) AS latest_week, max(CASE WHEN e.is_updated THEN f.week_index END) AS updated_week
    FROM clari_forecast_entries e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL GROUP BY e.forecast_id, e.time_period, e.user_id, e.field_id),
  moves AS (
    SELECT ch.forecast_name, ch.time_period, ch.user_id, ch.field_id, max(abs(ch.change_amount)) AS largest_move
    FROM clari_forecast_changes ch JOIN latest l ON l.forecast_name = ch.forecast_name AND l.time_period = ch.time_period
    WHERE ch.change_kind = 'changed' AND ch.current_snapshot > l.snapshot_date - 7
    GROUP BY ch.forecast_name, ch.time_period, ch.user_id, ch.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
  c.field_id, c.field_name, c.forecast_amount, c.quota_amount, c.crm_closed, c.crm_total, c.adjustment_amount,
  round(CAST(CAST(c.crm_closed AS DECIMAL(38,6)) / NULLIF(CAST(c.quota_amount AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS attainment_pct,
  round(CAST(CAST(c.forecast_amount AS DECIMAL(38,6)) / NULLIF(CAST(c.quota_amount AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS forecast_to_quota_pct,
  b.bias_pct, coalesce(b.bias_periods, 0) AS bias_periods,
  c.is_updated, w.latest_week - coalesce(w.updated_week, 0) AS weeks_since_update,
  m.largest_move AS largest_move_7d
FROM clari_forecasts c
JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN bias b ON b.forecast_name = c.forecast_name AND b.user_id = c.user_id AND b.field_id = c.field_id
LEFT JOIN weekly w ON w.forecast_id = c.forecast_name AND w.time_period = c.time_period AND w.user_id = c.user_id AND w.field_id = c.field_id
LEFT JOIN moves m ON m.forecast_name = c.forecast_name AND m.time_period = c.time_period AND m.user_id = c.user_id AND m.field_id = c.field_id
LEFT JOIN clari_users uw ON uw.user_id = c.user_id AND uw.valid_from <= c.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > c.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN clari_users mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN clari_users ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN clari_users mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id;

DROP VIEW IF EXISTS v_pipeline_health;

CREATE VIEW v_pipeline_health AS
WITH jobs AS (
  SELECT run_id, count(*) AS exports, sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
         sum(CASE WHEN cached THEN 1 ELSE 0 END) AS cached, avg(CAST(latency_ms AS DOUBLE)) AS avg_latency_ms, max(latency_ms) AS max_latency_ms,
         sum(coalesce(poll_count, 0)) AS polls
  FROM clari_export_jobs GROUP BY run_id),
successes AS (
  SELECT r.run_id, max(p.finished_at) AS last_success_at
  FROM clari_sync_runs r JOIN clari_sync_runs p ON p.status = 'success' AND p.finished_at <= coalesce(r.finished_at, r.started_at)
  GROUP BY r.run_id)
SELECT r.run_id, r.started_at, r.finished_at, r.status, r.trigger, r.as_of, coalesce(j.exports, 0) AS exports, coalesce(j.failed, 0) AS exports_failed,
  coalesce(j.cached, 0) AS exports_cached,
  round(CAST(CAST(coalesce(j.exports, 0) - coalesce(j.failed, 0) AS DECIMAL(38,6)) / NULLIF(CAST(j.exports AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS completion_pct,
  round(CAST(j.avg_latency_ms AS DECIMAL(38,6)), 0) AS avg_latency_ms, j.max_latency_ms, j.polls,
  r.rows_loaded, r.changes, r.alerts, r.duration_ms, r.quota_left, r.quota_limit, r.error, s.last_success_at
FROM clari_sync_runs r LEFT JOIN jobs j ON j.run_id = r.run_id LEFT JOIN successes s ON s.run_id = r.run_id;

DROP VIEW IF EXISTS v_export_health;

CREATE VIEW v_export_health AS
SELECT j.run_id, r.started_at AS run_started_at, j.forecast_id, j.time_period, j.snapshot_date, j.job_id, j.status, j.cached, j.attempts, j.poll_count,
  j.latency_ms, j.rows, j.payload_bytes, j.reconciled, j.rows_truncated, j.cells_truncated, j.error_code, j.error, j.warnings
FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id;

DROP VIEW IF EXISTS v_deal_movement;

CREATE VIEW v_deal_movement AS
WITH RECURSIVE edges AS (
    SELECT DISTINCT hierarchy_id, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL),
  subtree AS (
    SELECT hierarchy_id AS root_id, hierarchy_id, CAST(0 AS INTEGER) AS depth FROM edges
    UNION ALL
    SELECT s.root_id, e.hierarchy_id, CAST(s.depth + 1 AS INTEGER) AS depth FROM subtree s JOIN edges e ON e.parent_hierarchy_id = s.hierarchy_id
    WHERE s.depth < 20),
  team AS (
    SELECT DISTINCT lead_user_id, crm_id FROM (
      SELECT r.user_id AS lead_user_id, m.crm_id FROM clari_users r
      JOIN subtree s ON s.root_id = r.hierarchy_id
      JOIN clari_users m ON m.hierarchy_id = s.hierarchy_id AND m.valid_to IS NULL
      WHERE r.valid_to IS NULL
      UNION ALL
      SELECT user_id AS lead_user_id, crm_id FROM clari_users WHERE valid_to IS NULL) members
    WHERE crm_id IS NOT NULL),
  pairs AS (
    SELECT DISTINCT previous_snapshot, current_snapshot FROM clari_forecast_changes
    WHERE change_kind = 'changed' AND previous_snapshot IS NOT NULL),
  moved AS (
    SELECT x.previous_snapshot, x.current_snapshot, a.opportunity_id, a.name AS opportunity_name,
           b.owner_crm_id AS previous_owner_crm_id, a.owner_crm_id AS current_owner_crm_id,
           b.amount AS previous_amount, a.amount AS current_amount, b.stage AS previous_stage, a.stage AS current_stage,
           b.close_date AS previous_close_date, a.close_date AS current_close_date, a.crm_score, a.crm_score_message
    FROM pairs x
    JOIN clari_opportunities a ON a.valid_from <= x.current_snapshot AND (a.valid_to IS NULL OR a.valid_to > x.current_snapshot)
    JOIN clari_opportunities b ON b.opportunity_id = a.opportunity_id
      AND b.valid_from <= x.previous_snapshot AND (b.valid_to IS NULL OR b.valid_to > x.previous_snapshot)
    WHERE b.amount IS DISTINCT FROM a.amount OR b.stage IS DISTINCT FROM a.stage OR b.close_date IS DISTINCT FROM a.close_date
      OR b.owner_crm_id IS DISTINCT FROM a.owner_crm_id),
  holders AS (
    SELECT previous_snapshot, current_snapshot, opportunity_id, previous_owner_crm_id AS crm_id FROM moved
    UNION ALL
    SELECT previous_snapshot, current_snapshot, opportunity_id, current_owner_crm_id AS crm_id FROM moved),
  under AS (
    SELECT DISTINCT tm.lead_user_id AS user_id, h.previous_snapshot, h.current_snapshot, h.opportunity_id
    FROM holders h JOIN team tm ON tm.crm_id = h.crm_id),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL)
SELECT c.forecast_name, c.time_period, c.field_id, c.field_name, c.user_id, c.owner_name, c.owner_email,
  CASE WHEN lr.hierarchy_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level,
  c.previous_snapshot, c.current_snapshot, c.previous_amount AS previous_call, c.current_amount AS current_call, c.change_amount AS call_change,
  d.opportunity_id, d.opportunity_name, d.current_owner_crm_id AS deal_owner_crm_id, du.user_id AS deal_owner_user_id,
  du.name AS deal_owner_name, du.email AS deal_owner_email, d.previous_owner_crm_id,
  d.previous_amount, d.current_amount, coalesce(d.current_amount, 0) - coalesce(d.previous_amount, 0) AS amount_change,
  d.previous_stage, d.current_stage, d.previous_close_date, d.current_close_date,
  d.previous_amount IS DISTINCT FROM d.current_amount AS amount_changed,
  d.previous_stage IS DISTINCT FROM d.current_stage AS stage_changed,
  d.previous_close_date IS DISTINCT FROM d.current_close_date AS close_date_changed,
  d.previous_owner_crm_id IS DISTINCT FROM d.current_owner_crm_id AS owner_changed,
  coalesce((d.previous_close_date >= p.start_date AND d.previous_close_date <= p.end_date) AND d.current_close_date > p.end_date, FALSE) AS slipped,
  coalesce(d.previous_close_date > p.end_date AND (d.current_close_date >= p.start_date AND d.current_close_date <= p.end_date), FALSE) AS pulled_in,
  d.crm_score, d.crm_score_message
FROM clari_forecast_changes c
JOIN clari_time_periods p ON p.time_period = c.time_period
JOIN under u ON u.user_id = c.user_id AND u.previous_snapshot = c.previous_snapshot AND u.current_snapshot = c.current_snapshot
JOIN moved d ON d.opportunity_id = u.opportunity_id AND d.previous_snapshot = c.previous_snapshot AND d.current_snapshot = c.current_snapshot
LEFT JOIN crm_users cu ON cu.crm_id = d.current_owner_crm_id
LEFT JOIN clari_users du ON du.user_id = cu.user_id AND du.valid_to IS NULL
LEFT JOIN clari_users ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id
WHERE c.change_kind = 'changed' AND ((d.previous_close_date >= p.start_date AND d.previous_close_date <= p.end_date) OR (d.current_close_date >= p.start_date AND d.current_close_date <= p.end_date));

DROP VIEW IF EXISTS v_deal_engagement;

CREATE VIEW v_deal_engagement AS
WITH ref AS (
    SELECT max(as_of) AS as_of FROM clari_opportunity_snapshots),
  quarter AS (
    SELECT min(p.time_period) AS time_period, min(p.start_date) AS start_date, min(p.end_date) AS end_date
    FROM clari_time_periods p JOIN ref r ON p.start_date <= r.as_of AND p.end_date >= r.as_of),
  cur AS (
    SELECT o.opportunity_id, o.name, o.owner_crm_id, o.amount, o.stage, o.close_date, o.crm_score, o.crm_score_message,
           lower(coalesce(o.stage, '')) NOT LIKE 'closed%' AS is_open
    FROM clari_opportunities o WHERE o.valid_to IS NULL),
  seen AS (
    SELECT opportunity_id, min(valid_from) AS first_seen FROM clari_opportunities GROUP BY opportunity_id),
  score_before AS (
    SELECT opportunity_id, crm_score AS previous_crm_score FROM (
      SELECT o.opportunity_id, o.crm_score, row_number() OVER (PARTITION BY o.opportunity_id ORDER BY o.valid_from DESC) AS recency
      FROM clari_opportunities o JOIN cur c ON c.opportunity_id = o.opportunity_id
      WHERE o.valid_to IS NOT NULL AND o.crm_score IS NOT NULL AND c.crm_score IS NOT NULL AND o.crm_score <> c.crm_score) ranked
    WHERE recency = 1),
  touches AS (
    SELECT DISTINCT ao.opportunity_id, a.activity_id, a.activity_type, a.activity_at
    FROM clari_activity_opportunities ao JOIN clari_activities a ON a.activity_id = ao.activity_id
    WHERE a.activity_at IS NOT NULL),
  activity AS (
    SELECT opportunity_id, count(*) AS activities, count(CASE WHEN activity_type = 'MEETING' THEN 1 END) AS meetings,
           max(activity_at) AS last_activity_at, max(CASE WHEN activity_type = 'MEETING' THEN activity_at END) AS last_meeting_at
    FROM touches GROUP BY opportunity_id),
  last_touch AS (
    SELECT opportunity_id, activity_type AS last_activity_type FROM (
      SELECT opportunity_id, activity_type, row_number() OVER (PARTITION BY opportunity_id ORDER BY activity_at DESC, activity_id DESC) AS recency
      FROM touches) ranked
    WHERE recency = 1),
  people AS (
    SELECT x.opportunity_id,
           count(DISTINCT CASE WHEN p.is_internal THEN lower(coalesce(p.email, p.name)) END) AS internal_participants,
           count(DISTINCT CASE WHEN NOT coalesce(p.is_internal, FALSE) THEN lower(coalesce(p.email, p.name)) END) AS external_participants
    FROM touches x JOIN clari_activity_participants p ON p.activity_id = x.activity_id GROUP BY x.opportunity_id),
  sized AS (
    SELECT c.opportunity_id, percent_rank() OVER (ORDER BY c.amount) AS amount_rank
    FROM cur c CROSS JOIN quarter q
    WHERE c.is_open AND c.amount IS NOT NULL AND c.close_date >= q.start_date AND c.close_date <= q.end_date),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id)
SELECT r.as_of, q.time_period AS quarter, c.opportunity_id, c.name AS opportunity_name, c.owner_crm_id,
  u.user_id AS owner_user_id, u.name AS owner_name, u.email AS owner_email,
  c.amount, c.stage, c.close_date, c.is_open,
  coalesce(c.close_date >= q.start_date AND c.close_date <= q.end_date, FALSE) AS closing_this_quarter,
  round(CAST(z.amount_rank AS DECIMAL(38,6)), 4) AS amount_percent_rank,
  coalesce(z.amount_rank >= 0.75, FALSE) AS is_large,
  c.crm_score, c.crm_score_message, sb.previous_crm_score, c.crm_score - sb.previous_crm_score AS crm_score_change,
  coalesce(c.crm_score < sb.previous_crm_score, FALSE) AS score_falling,
  coalesce(a.activities, 0) AS activities, coalesce(a.meetings, 0) AS meetings,
  a.last_activity_at, lt.last_activity_type, a.last_meeting_at,
  (r.as_of - CAST(a.last_activity_at AS DATE)) AS days_since_last_activity,
  (r.as_of - CAST(a.last_meeting_at AS DATE)) AS days_since_last_meeting,
  coalesce(pp.internal_participants, 0) AS internal_participants, coalesce(pp.external_participants, 0) AS external_participants,
  round(CAST(CAST(coalesce(pp.external_participants, 0) AS DECIMAL(38,6)) / NULLIF(CAST(coalesce(pp.internal_participants, 0) + coalesce(pp.external_participants, 0) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS external_share_pct,
  s.first_seen
FROM cur c CROSS JOIN ref r CROSS JOIN quarter q
LEFT JOIN seen s ON s.opportunity_id = c.opportunity_id
LEFT JOIN score_before sb ON sb.opportunity_id = c.opportunity_id
LEFT JOIN activity a ON a.opportunity_id = c.opportunity_id
LEFT JOIN last_touch lt ON lt.opportunity_id = c.opportunity_id
LEFT JOIN people pp ON pp.opportunity_id = c.opportunity_id
LEFT JOIN sized z ON z.opportunity_id = c.opportunity_id
LEFT JOIN crm_users cu ON cu.crm_id = c.owner_crm_id
LEFT JOIN clari_users u ON u.user_id = cu.user_id AND u.valid_to IS NULL;

DROP VIEW IF EXISTS v_deals_at_risk;

CREATE VIEW v_deals_at_risk AS
WITH ref AS (
    SELECT max(as_of) AS as_of FROM clari_opportunity_snapshots),
  quarter AS (
    SELECT min(p.time_period) AS time_period, min(p.start_date) AS start_date, min(p.end_date) AS end_date
    FROM clari_time_periods p JOIN ref r ON p.start_date <= r.as_of AND p.end_date >= r.as_of),
  cur AS (
    SELECT o.opportunity_id, o.name, o.owner_crm_id, o.amount, o.stage, o.close_date, o.crm_score, o.crm_score_message,
           lower(coalesce(o.stage, '')) NOT LIKE 'closed%' AS is_open
    FROM clari_opportunities o WHERE o.valid_to IS NULL),
  seen AS (
    SELECT opportunity_id, min(valid_from) AS first_seen FROM clari_opportunities GROUP BY opportunity_id),
  score_before AS (
    SELECT opportunity_id, crm_score AS previous_crm_score FROM (
      SELECT o.opportunity_id, o.crm_score, row_number() OVER (PARTITION BY o.opportunity_id ORDER BY o.valid_from DESC) AS recency
      FROM clari_opportunities o JOIN cur c ON c.opportunity_id = o.opportunity_id
      WHERE o.valid_to IS NOT NULL AND o.crm_score IS NOT NULL AND c.crm_score IS NOT NULL AND o.crm_score <> c.crm_score) ranked
    WHERE recency = 1),
  touches AS (
    SELECT DISTINCT ao.opportunity_id, a.activity_id, a.activity_type, a.activity_at
    FROM clari_activity_opportunities ao JOIN clari_activities a ON a.activity_id = ao.activity_id
    WHERE a.activity_at IS NOT NULL),
  activity AS (
    SELECT opportunity_id, count(*) AS activities, count(CASE WHEN activity_type = 'MEETING' THEN 1 END) AS meetings,
           max(activity_at) AS last_activity_at, max(CASE WHEN activity_type = 'MEETING' THEN activity_at END) AS last_meeting_at
    FROM touches GROUP BY opportunity_id),
  last_touch AS (
    SELECT opportunity_id, activity_type AS last_activity_type FROM (
      SELECT opportunity_id, activity_type, row_number() OVER (PARTITION BY opportunity_id ORDER BY activity_at DESC, activity_id DESC) AS recency
      FROM touches) ranked
    WHERE recency = 1),
  people AS (
    SELECT x.opportunity_id,
           count(DISTINCT CASE WHEN p.is_internal THEN lower(coalesce(p.email, p.name)) END) AS internal_participants,
           count(DISTINCT CASE WHEN NOT coalesce(p.is_internal, FALSE) THEN lower(coalesce(p.email, p.name)) END) AS external_participants
    FROM touches x JOIN clari_activity_participants p ON p.activity_id = x.activity_id GROUP BY x.opportunity_id),
  sized AS (
    SELECT c.opportunity_id, percent_rank() OVER (ORDER BY c.amount) AS amount_rank
    FROM cur c CROSS JOIN quarter q
    WHERE c.is_open AND c.amount IS NOT NULL AND c.close_date >= q.start_date AND c.close_date <= q.end_date),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id),
  engagement AS (
SELECT r.as_of, q.time_period AS quarter, c.opportunity_id, c.name AS opportunity_name, c.owner_crm_id,
  u.user_id AS owner_user_id, u.name AS owner_name, u.email AS owner_email,
  c.amount, c.stage, c.close_date, c.is_open,
  coalesce(c.close_date >= q.start_date AND c.close_date <= q.end_date, FALSE) AS closing_this_quarter,
  round(CAST(z.amount_rank AS DECIMAL(38,6)), 4) AS amount_percent_rank,
  coalesce(z.amount_rank >= 0.75, FALSE) AS is_large,
  c.crm_score, c.crm_score_message, sb.previous_crm_score, c.crm_score - sb.previous_crm_score AS crm_score_change,
  coalesce(c.crm_score < sb.previous_crm_score, FALSE) AS score_falling,
  coalesce(a.activities, 0) AS activities, coalesce(a.meetings, 0) AS meetings,
  a.last_activity_at, lt.last_activity_type, a.last_meeting_at,
  (r.as_of - CAST(a.last_activity_at AS DATE)) AS days_since_last_activity,
  (r.as_of - CAST(a.last_meeting_at AS DATE)) AS days_since_last_meeting,
  coalesce(pp.internal_participants, 0) AS internal_participants, coalesce(pp.external_participants, 0) AS external_participants,
  round(CAST(CAST(coalesce(pp.external_participants, 0) AS DECIMAL(38,6)) / NULLIF(CAST(coalesce(pp.internal_participants, 0) + coalesce(pp.external_participants, 0) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS external_share_pct,
  s.first_seen
FROM cur c CROSS JOIN ref r CROSS JOIN quarter q
LEFT JOIN seen s ON s.opportunity_id = c.opportunity_id
LEFT JOIN score_before sb ON sb.opportunity_id = c.opportunity_id
LEFT JOIN activity a ON a.opportunity_id = c.opportunity_id
LEFT JOIN last_touch lt ON lt.opportunity_id = c.opportunity_id
LEFT JOIN people pp ON pp.opportunity_id = c.opportunity_id
LEFT JOIN sized z ON z.opportunity_id = c.opportunity_id
LEFT JOIN crm_users cu ON cu.crm_id = c.owner_crm_id
LEFT JOIN clari_users u ON u.user_id = cu.user_id AND u.valid_to IS NULL)
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > 14) AS no_recent_meeting
FROM engagement e
WHERE e.is_open AND e.closing_this_quarter AND e.is_large AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > 14));

-- ----- postgres -----
CREATE TABLE IF NOT EXISTS clari_sync_runs (
  run_id TEXT NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status TEXT NOT NULL,
  as_of DATE NOT NULL,
  trigger TEXT NOT NULL,
  error TEXT,
  exports INTEGER,
  exports_failed INTEGER,
  rows_loaded BIGINT,
  changes BIGINT,
  alerts INTEGER,
  duration_ms BIGINT,
  quota_left INTEGER,
  quota_limit INTEGER,
  concurrency_limit INTEGER,
  PRIMARY KEY (run_id)
);

CREATE TABLE IF NOT EXISTS clari_export_jobs (
  job_id TEXT,
  run_id TEXT NOT NULL,
  forecast_id TEXT NOT NULL,
  time_period TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TIMESTAMP,
  finished_at TIMESTAMP,
  latency_ms BIGINT,
  poll_count INTEGER,
  rows BIGINT,
  payload_sha256 TEXT,
  rows_truncated BOOLEAN,
  cells_truncated BOOLEAN,
  error TEXT,
  error_code TEXT,
  snapshot_date DATE,
  attempts INTEGER,
  cached BOOLEAN,
  format TEXT,
  payload_bytes BIGINT,
  payload_rows BIGINT,
  loaded_rows BIGINT,
  payload_sum NUMERIC(18,2),
  loaded_sum NUMERIC(18,2),
  reconciled BOOLEAN,
  warnings TEXT,
  PRIMARY KEY (run_id, forecast_id, time_period)
);

CREATE TABLE IF NOT EXISTS clari_forecast_entries (
  forecast_id TEXT NOT NULL,
  time_period TEXT NOT NULL,
  time_frame_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  field_id TEXT NOT NULL,
  forecast_value NUMERIC(18,2),
  quota_value NUMERIC(18,2),
  adjustment_value NUMERIC(18,2),
  crm_total_value NUMERIC(18,2),
  crm_closed_value NUMERIC(18,2),
  is_updated BOOLEAN,
  updated_by TEXT,
  updated_on TIMESTAMP,
  currency TEXT,
  valid_from DATE NOT NULL,
  valid_to DATE,
  run_id TEXT,
  entry_hash BIGINT
);

CREATE UNIQUE INDEX IF NOT EXISTS clari_forecast_entries_current ON clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id) WHERE valid_to IS NULL;

CREATE INDEX IF NOT EXISTS clari_forecast_entries_from ON clari_forecast_entries (forecast_id, time_period, valid_from);

CREATE TABLE IF NOT EXISTS clari_users (
  user_id TEXT NOT NULL,
  name TEXT,
  email TEXT,
  crm_id TEXT,
  hierarchy_id TEXT,
  hierarchy_name TEXT,
  parent_hierarchy_id TEXT,
  parent_hierarchy_name TEXT,
  scope_id TEXT,
  valid_from DATE NOT NULL,
  valid_to DATE
);

CREATE UNIQUE INDEX IF NOT EXISTS clari_users_current ON clari_users (user_id) WHERE valid_to IS NULL;

CREATE TABLE IF NOT EXISTS clari_forecasts (
  owner_name TEXT NOT NULL,
  owner_email TEXT NOT NULL,
  user_id TEXT NOT NULL,
  field_id TEXT NOT NULL,
  field_name TEXT,
  forecast_amount NUMERIC(18,2),
  quota_amount NUMERIC(18,2),
  crm_total NUMERIC(18,2),
  crm_closed NUMERIC(18,2),
  adjustment_amount NUMERIC(18,2),
  time_period TEXT NOT NULL,
  forecast_name TEXT NOT NULL,
  snapshot_date DATE NOT NULL,
  exported_at TIMESTAMP NOT NULL,
  time_frame_id TEXT,
  is_updated BOOLEAN,
  currency TEXT,
  run_id TEXT
);

CREATE UNIQUE INDEX IF NOT EXISTS clari_forecasts_snapshot ON clari_forecasts (forecast_name, time_period, snapshot_date, user_id, field_id);

CREATE TABLE IF NOT EXISTS clari_forecast_changes (
  owner_email TEXT,
  owner_name TEXT,
  forecast_name TEXT NOT NULL,
  field_id TEXT NOT NULL,
  time_period TEXT NOT NULL,
  previous_amount NUMERIC(18,2),
  current_amount NUMERIC(18,2),
  change_amount NUMERIC(18,2),
  change_pct DOUBLE PRECISION,
  previous_snapshot DATE,
  current_snapshot DATE NOT NULL,
  detected_at TIMESTAMP NOT NULL,
  user_id TEXT NOT NULL,
  field_name TEXT,
  change_kind TEXT NOT NULL,
  run_id TEXT
);

CREATE INDEX IF NOT EXISTS clari_forecast_changes_snapshot ON clari_forecast_changes (forecast_name, time_period, current_snapshot);

CREATE TABLE IF NOT EXISTS clari_alerts (
  alert_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  payload JSONB,
  run_id TEXT,
  error TEXT,
  PRIMARY KEY (alert_id, channel)
);

CREATE TABLE IF NOT EXISTS clari_snapshots (
  forecast_id TEXT NOT NULL,
  time_period TEXT NOT NULL,
  snapshot_date DATE NOT NULL,
  run_id TEXT NOT NULL,
  job_id TEXT,
  payload_sha256 TEXT,
  loaded_at TIMESTAMP NOT NULL,
  entries BIGINT NOT NULL,
  users INTEGER,
  latest_time_frame TEXT,
  PRIMARY KEY (forecast_id, time_period, snapshot_date)
);

CREATE TABLE IF NOT EXISTS clari_fields (
  forecast_id TEXT NOT NULL,
  field_id TEXT NOT NULL,
  field_name TEXT,
  field_type TEXT,
  is_quota BOOLEAN,
  last_seen DATE,
  PRIMARY KEY (forecast_id, field_id)
);

CREATE TABLE IF NOT EXISTS clari_time_frames (
  time_period TEXT NOT NULL,
  time_frame_id TEXT NOT NULL,
  start_date DATE,
  end_date DATE,
  PRIMARY KEY (time_period, time_frame_id)
);

CREATE TABLE IF NOT EXISTS clari_time_periods (
  time_period TEXT NOT NULL,
  start_date DATE,
  end_date DATE,
  label TEXT,
  year TEXT,
  PRIMARY KEY (time_period)
);

DELETE FROM clari_schema_migrations WHERE version = $1;

INSERT INTO clari_schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4);

CREATE TABLE IF NOT EXISTS clari_activities (
  activity_id TEXT NOT NULL,
  activity_type TEXT,
  subject TEXT,
  activity_at TIMESTAMP,
  owner_crm_id TEXT,
  organiser_crm_id TEXT,
  account_ids TEXT[],
  opportunity_ids TEXT[],
  exported_at TIMESTAMP,
  as_of DATE NOT NULL,
  job_id TEXT,
  run_id TEXT
);

CREATE UNIQUE INDEX IF NOT EXISTS clari_activities_id ON clari_activities (activity_id);

CREATE INDEX IF NOT EXISTS clari_activities_at ON clari_activities (activity_at);

CREATE TABLE IF NOT EXISTS clari_activity_participants (
  activity_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  email TEXT,
  name TEXT,
  crm_user_id TEXT,
  is_internal BOOLEAN
);

CREATE INDEX IF NOT EXISTS clari_activity_participants_activity ON clari_activity_participants (activity_id);

CREATE TABLE IF NOT EXISTS clari_activity_opportunities (
  activity_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  opportunity_id TEXT NOT NULL,
  opportunity_name TEXT,
  owner_crm_id TEXT
);

CREATE INDEX IF NOT EXISTS clari_activity_opportunities_activity ON clari_activity_opportunities (activity_id);

CREATE INDEX IF NOT EXISTS clari_activity_opportunities_opportunity ON clari_activity_opportunities (opportunity_id);

CREATE TABLE IF NOT EXISTS clari_activity_accounts (
  activity_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  account_name TEXT,
  owner_crm_id TEXT
);

CREATE INDEX IF NOT EXISTS clari_activity_accounts_activity ON clari_activity_accounts (activity_id);

CREATE TABLE IF NOT EXISTS clari_activity_windows (
  as_of DATE NOT NULL,
  from_date DATE NOT NULL,
  to_date DATE NOT NULL,
  job_id TEXT,
  payload_sha256 TEXT,
  activities BIGINT NOT NULL,
  participants BIGINT,
  run_id TEXT,
  loaded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (as_of)
);

CREATE TABLE IF NOT EXISTS clari_opportunities (
  opportunity_id TEXT NOT NULL,
  name TEXT,
  owner_crm_id TEXT,
  amount NUMERIC(18,2),
  stage TEXT,
  close_date DATE,
  crm_score DOUBLE PRECISION,
  crm_score_message TEXT,
  valid_from DATE NOT NULL,
  valid_to DATE,
  run_id TEXT
);

CREATE UNIQUE INDEX IF NOT EXISTS clari_opportunities_current ON clari_opportunities (opportunity_id) WHERE valid_to IS NULL;

CREATE TABLE IF NOT EXISTS clari_opportunity_field_history (
  opportunity_id TEXT NOT NULL,
  field_id TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  changed_at TIMESTAMP NOT NULL,
  first_seen DATE NOT NULL,
  run_id TEXT
);

CREATE INDEX IF NOT EXISTS clari_opportunity_field_history_opportunity ON clari_opportunity_field_history (opportunity_id, field_id);

CREATE TABLE IF NOT EXISTS clari_opportunity_snapshots (
  as_of DATE NOT NULL,
  requested BIGINT NOT NULL,
  opportunities BIGINT NOT NULL,
  calls INTEGER,
  payload_sha256 TEXT,
  amount_sum NUMERIC(18,2),
  run_id TEXT,
  loaded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (as_of)
);

ALTER TABLE clari_forecast_entries ADD COLUMN IF NOT EXISTS entry_hash BIGINT;

DROP VIEW IF EXISTS v_forecast_accuracy;

CREATE VIEW v_forecast_accuracy AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM clari_time_frames) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM clari_forecasts GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM clari_snapshots) THEN 'closed' ELSE 'in progress' END AS status
    FROM clari_time_periods p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  calls AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, f.week_index, e.time_frame_id, e.forecast_value AS forecast_amount
    FROM clari_forecast_entries e
    JOIN clari_fields cf ON cf.forecast_id = e.forecast_id AND cf.field_id = e.field_id AND NOT coalesce(cf.is_quota, FALSE)
    JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL),
  actuals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, l.snapshot_date, max(c.crm_closed) AS actual, max(c.owner_name) AS owner_name, max(c.owner_email) AS owner_email
    FROM clari_forecasts c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    GROUP BY c.forecast_name, c.time_period, c.user_id, l.snapshot_date),
  scored AS (
    SELECT k.forecast_id AS forecast_name, k.time_period, coalesce(s.status, 'in progress') AS period_status,
           k.user_id, a.owner_name, a.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
           k.field_id, fl.field_name, k.week_index, k.time_frame_id, k.forecast_amount,
           CASE WHEN s.status = 'closed' THEN a.actual END AS actual_closed
    FROM calls k
    LEFT JOIN actuals a ON a.forecast_name = k.forecast_id AND a.time_period = k.time_period AND a.user_id = k.user_id
    LEFT JOIN period_status s ON s.time_period = k.time_period
    LEFT JOIN clari_fields fl ON fl.forecast_id = k.forecast_id AND fl.field_id = k.field_id
    LEFT JOIN clari_users uw ON uw.user_id = k.user_id AND uw.valid_from <= a.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > a.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN clari_users mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN clari_users ui ON ui.user_id = k.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN clari_users mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id)
SELECT scored.*,
  round(CAST(CASE WHEN CAST(abs(forecast_amount - actual_closed) AS DECIMAL(38,6)) / NULLIF(CAST(actual_closed AS DECIMAL(38,6)), 0) > 1 THEN 0
    ELSE (1 - CAST(abs(forecast_amount - actual_closed) AS DECIMAL(38,6)) / NULLIF(CAST(actual_closed AS DECIMAL(38,6)), 0)) * 100 END AS DECIMAL(38,6)), 1) AS accuracy_pct,
  forecast_amount - actual_closed AS error_amount,
  round(CAST(CAST(forecast_amount - actual_closed AS DECIMAL(38,6)) / NULLIF(CAST(actual_closed AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS bias_pct,
  round(CAST(CAST(sum(CASE WHEN is_rep THEN abs(forecast_amount - actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index) AS DECIMAL(38,6)) / NULLIF(CAST(sum(CASE WHEN is_rep THEN abs(actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS wape_pct
FROM scored;

DROP VIEW IF EXISTS v_pipeline_coverage;

CREATE VIEW v_pipeline_coverage AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM clari_time_frames) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM clari_forecasts GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM clari_snapshots) THEN 'closed' ELSE 'in progress' END AS status
    FROM clari_time_periods p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  pipe_field AS (
    SELECT forecast_id, min(field_id) AS field_id FROM clari_fields
    WHERE NOT coalesce(is_quota, FALSE) AND lower(coalesce(field_name, field_id)) LIKE '%pipeline%' GROUP BY forecast_id),
  week_one AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.crm_total_value - coalesce(e.crm_closed_value, 0) AS start_pipeline
    FROM clari_forecast_entries e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    JOIN pipe_field pf ON pf.forecast_id = e.forecast_id AND pf.field_id = e.field_id
    WHERE e.valid_to IS NULL AND f.week_index = 1),
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, max(c.crm_closed) AS closed_won
    FROM clari_forecasts c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    GROUP BY c.forecast_name, c.time_period, c.user_id),
  win_periods AS (
    SELECT f.forecast_name, f.user_id, f.closed_won, w.start_pipeline,
           dense_rank() OVER (PARTITION BY f.forecast_name, f.user_id ORDER BY f.time_period DESC) AS recency
    FROM finals f JOIN week_one w ON w.forecast_id = f.forecast_name AND w.time_period = f.time_period AND w.user_id = f.user_id
    WHERE w.start_pipeline > 0 AND f.closed_won IS NOT NULL),
  win AS (
    SELECT forecast_name, user_id, CAST(sum(closed_won) AS DECIMAL(38,6)) / NULLIF(CAST(sum(start_pipeline) AS DECIMAL(38,6)), 0) AS win_rate, count(*) AS periods
    FROM win_periods WHERE recency <= 4 GROUP BY forecast_name, user_id),
  rows_in AS (
    SELECT c.*, coalesce(p.crm_total, c.crm_total) - c.crm_closed AS open_pipeline,
           greatest(coalesce(c.quota_amount - c.crm_closed, 0), 0) AS quota_left, coalesce(pf.field_id, c.field_id) AS pipeline_field_id
    FROM clari_forecasts c
    JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    LEFT JOIN pipe_field pf ON pf.forecast_id = c.forecast_name
    LEFT JOIN clari_forecasts p ON p.forecast_name = c.forecast_name AND p.time_period = c.time_period AND p.snapshot_date = c.snapshot_date
      AND p.user_id = c.user_id AND p.field_id = pf.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
  c.field_id, c.field_name, c.crm_total, c.crm_closed, c.open_pipeline AS pipeline, c.pipeline_field_id, c.quota_amount,
  c.quota_left AS remaining_quota,
  round(CAST(CAST(c.open_pipeline AS DECIMAL(38,6)) / NULLIF(CAST(c.quota_left AS DECIMAL(38,6)), 0) AS DECIMAL(38,6)), 2) AS coverage,
  round(CAST(win.win_rate AS DECIMAL(38,6)), 4) AS win_rate, coalesce(win.periods, 0) AS win_rate_periods,
  round(CAST(CAST(1 AS DECIMAL(38,6)) / NULLIF(CAST(win.win_rate AS DECIMAL(38,6)), 0) AS DECIMAL(38,6)), 2) AS required_coverage
FROM rows_in c
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN win ON win.forecast_name = c.forecast_name AND win.user_id = c.user_id
LEFT JOIN clari_users uw ON uw.user_id = c.user_id AND uw.valid_from <= c.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > c.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN clari_users mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN clari_users ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN clari_users mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id;

DROP VIEW IF EXISTS v_rep_performance;

CREATE VIEW v_rep_performance AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM clari_time_frames) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM clari_forecasts GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM clari_snapshots) THEN 'closed' ELSE 'in progress' END AS status
    FROM clari_time_periods p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, c.field_id, c.forecast_amount, c.crm_closed,
           dense_rank() OVER (PARTITION BY c.forecast_name, c.user_id, c.field_id ORDER BY c.time_period DESC) AS recency
    FROM clari_forecasts c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    WHERE c.forecast_amount IS NOT NULL AND c.crm_closed IS NOT NULL),
  bias AS (
    SELECT forecast_name, user_id, field_id, count(*) AS bias_periods,
           round(CAST(CAST(sum(forecast_amount - crm_closed) AS DECIMAL(38,6)) / NULLIF(CAST(sum(crm_closed) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS bias_pct
    FROM finals WHERE recency <= 4 GROUP BY forecast_name, user_id, field_id),
  weekly AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, max(f.week_index) AS latest_week, max(CASE WHEN e.is_updated THEN f.week_index END) AS updated_week
    FROM clari_forecast_entries e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL GROUP BY e.forecast_id, e.time_period, e.user_id, e.field_id),
  moves AS (
    SELECT ch.forecast_name, ch.time_period, ch.user_id, ch.field_id, max(abs(ch.change_amount)) AS largest_move
    FROM clari_forecast_changes ch JOIN latest l ON l.forecast_name = ch.forecast_name AND l.time_period = ch.time_period
    WHERE ch.change_kind = 'changed' AND ch.current_snapshot > l.snapshot_date - 7
    GROUP BY ch.forecast_name, ch.time_period, ch.user_id, ch.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
  c.field_id, c.field_name, c.forecast_amount, c.quota_amount, c.crm_closed, c.crm_total, c.adjustment_amount,
  round(CAST(CAST(c.crm_closed AS DECIMAL(38,6)) / NULLIF(CAST(c.quota_amount AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS attainment_pct,
  round(CAST(CAST(c.forecast_amount AS DECIMAL(38,6)) / NULLIF(CAST(c.quota_amount AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS forecast_to_quota_pct,
  b.bias_pct, coalesce(b.bias_periods, 0) AS bias_periods,
  c.is_updated, w.latest_week - coalesce(w.updated_week, 0) AS weeks_since_update,
  m.largest_move AS largest_move_7d
FROM clari_forecasts c
JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN bias b ON b.forecast_name = c.forecast_name AND b.user_id = c.user_id AND b.field_id = c.field_id
LEFT JOIN weekly w ON w.forecast_id = c.forecast_name AND w.time_period = c.time_period AND w.user_id = c.user_id AND w.field_id = c.field_id
LEFT JOIN moves m ON m.forecast_name = c.forecast_name AND m.time_period = c.time_period AND m.user_id = c.user_id AND m.field_id = c.field_id
LEFT JOIN clari_users uw ON uw.user_id = c.user_id AND uw.valid_from <= c.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > c.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN clari_users mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN clari_users ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN clari_users mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id;

DROP VIEW IF EXISTS v_pipeline_health;

CREATE VIEW v_pipeline_health AS
WITH jobs AS (
  SELECT run_id, count(*) AS exports, sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
         sum(CASE WHEN cached THEN 1 ELSE 0 END) AS cached, avg(CAST(latency_ms AS DOUBLE PRECISION)) AS avg_latency_ms, max(latency_ms) AS max_latency_ms,
         sum(coalesce(poll_count, 0)) AS polls
  FROM clari_export_jobs GROUP BY run_id),
successes AS (
  SELECT r.run_id, max(p.finished_at) AS last_success_at
  FROM clari_sync_runs r JOIN clari_sync_runs p ON p.status = 'success' AND p.finished_at <= coalesce(r.finished_at, r.started_at)
  GROUP BY r.run_id)
SELECT r.run_id, r.started_at, r.finished_at, r.status, r.trigger, r.as_of, coalesce(j.exports, 0) AS exports, coalesce(j.failed, 0) AS exports_failed,
  coalesce(j.cached, 0) AS exports_cached,
  round(CAST(CAST(coalesce(j.exports, 0) - coalesce(j.failed, 0) AS DECIMAL(38,6)) / NULLIF(CAST(j.exports AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS completion_pct,
  round(CAST(j.avg_latency_ms AS DECIMAL(38,6)), 0) AS avg_latency_ms, j.max_latency_ms, j.polls,
  r.rows_loaded, r.changes, r.alerts, r.duration_ms, r.quota_left, r.quota_limit, r.error, s.last_success_at
FROM clari_sync_runs r LEFT JOIN jobs j ON j.run_id = r.run_id LEFT JOIN successes s ON s.run_id = r.run_id;

DROP VIEW IF EXISTS v_export_health;

CREATE VIEW v_export_health AS
SELECT j.run_id, r.started_at AS run_started_at, j.forecast_id, j.time_period, j.snapshot_date, j.job_id, j.status, j.cached, j.attempts, j.poll_count,
  j.latency_ms, j.rows, j.payload_bytes, j.reconciled, j.rows_truncated, j.cells_truncated, j.error_code, j.error, j.warnings
FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id;

DROP VIEW IF EXISTS v_deal_movement;

CREATE VIEW v_deal_movement AS
WITH RECURSIVE edges AS (
    SELECT DISTINCT hierarchy_id, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL),
  subtree AS (
    SELECT hierarchy_id AS root_id, hierarchy_id, CAST(0 AS INTEGER) AS depth FROM edges
    UNION ALL
    SELECT s.root_id, e.hierarchy_id, CAST(s.depth + 1 AS INTEGER) AS depth FROM subtree s JOIN edges e ON e.parent_hierarchy_id = s.hierarchy_id
    WHERE s.depth < 20),
  team AS (
    SELECT DISTINCT lead_user_id, crm_id FROM (
      SELECT r.user_id AS lead_user_id, m.crm_id FROM clari_users r
      JOIN subtree s ON s.root_id = r.hierarchy_id
      JOIN clari_users m ON m.hierarchy_id = s.hierarchy_id AND m.valid_to IS NULL
      WHERE r.valid_to IS NULL
      UNION ALL
      SELECT user_id AS lead_user_id, crm_id FROM clari_users WHERE valid_to IS NULL) members
    WHERE crm_id IS NOT NULL),
  pairs AS (
    SELECT DISTINCT previous_snapshot, current_snapshot FROM clari_forecast_changes
    WHERE change_kind = 'changed' AND previous_snapshot IS NOT NULL),
  moved AS (
    SELECT x.previous_snapshot, x.current_snapshot, a.opportunity_id, a.name AS opportunity_name,
           b.owner_crm_id AS previous_owner_crm_id, a.owner_crm_id AS current_owner_crm_id,
           b.amount AS previous_amount, a.amount AS current_amount, b.stage AS previous_stage, a.stage AS current_stage,
           b.close_date AS previous_close_date, a.close_date AS current_close_date, a.crm_score, a.crm_score_message
    FROM pairs x
    JOIN clari_opportunities a ON a.valid_from <= x.current_snapshot AND (a.valid_to IS NULL OR a.valid_to > x.current_snapshot)
    JOIN clari_opportunities b ON b.opportunity_id = a.opportunity_id
      AND b.valid_from <= x.previous_snapshot AND (b.valid_to IS NULL OR b.valid_to > x.previous_snapshot)
    WHERE b.amount IS DISTINCT FROM a.amount OR b.stage IS DISTINCT FROM a.stage OR b.close_date IS DISTINCT FROM a.close_date
      OR b.owner_crm_id IS DISTINCT FROM a.owner_crm_id),
  holders AS (
    SELECT previous_snapshot, current_snapshot, opportunity_id, previous_owner_crm_id AS crm_id FROM moved
    UNION ALL
    SELECT previous_snapshot, current_snapshot, opportunity_id, current_owner_crm_id AS crm_id FROM moved),
  under AS (
    SELECT DISTINCT tm.lead_user_id AS user_id, h.previous_snapshot, h.current_snapshot, h.opportunity_id
    FROM holders h JOIN team tm ON tm.crm_id = h.crm_id),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL)
SELECT c.forecast_name, c.time_period, c.field_id, c.field_name, c.user_id, c.owner_name, c.owner_email,
  CASE WHEN lr.hierarchy_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level,
  c.previous_snapshot, c.current_snapshot, c.previous_amount AS previous_call, c.current_amount AS current_call, c.change_amount AS call_change,
  d.opportunity_id, d.opportunity_name, d.current_owner_crm_id AS deal_owner_crm_id, du.user_id AS deal_owner_user_id,
  du.name AS deal_owner_name, du.email AS deal_owner_email, d.previous_owner_crm_id,
  d.previous_amount, d.current_amount, coalesce(d.current_amount, 0) - coalesce(d.previous_amount, 0) AS amount_change,
  d.previous_stage, d.current_stage, d.previous_close_date, d.current_close_date,
  d.previous_amount IS DISTINCT FROM d.current_amount AS amount_changed,
  d.previous_stage IS DISTINCT FROM d.current_stage AS stage_changed,
  d.previous_close_date IS DISTINCT FROM d.current_close_date AS close_date_changed,
  d.previous_owner_crm_id IS DISTINCT FROM d.current_owner_crm_id AS owner_changed,
  coalesce((d.previous_close_date >= p.start_date AND d.previous_close_date <= p.end_date) AND d.current_close_date > p.end_date, FALSE) AS slipped,
  coalesce(d.previous_close_date > p.end_date AND (d.current_close_date >= p.start_date AND d.current_close_date <= p.end_date), FALSE) AS pulled_in,
  d.crm_score, d.crm_score_message
FROM clari_forecast_changes c
JOIN clari_time_periods p ON p.time_period = c.time_period
JOIN under u ON u.user_id = c.user_id AND u.previous_snapshot = c.previous_snapshot AND u.current_snapshot = c.current_snapshot
JOIN moved d ON d.opportunity_id = u.opportunity_id AND d.previous_snapshot = c.previous_snapshot AND d.current_snapshot = c.current_snapshot
LEFT JOIN crm_users cu ON cu.crm_id = d.current_owner_crm_id
LEFT JOIN clari_users du ON du.user_id = cu.user_id AND du.valid_to IS NULL
LEFT JOIN clari_users ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id
WHERE c.change_kind = 'changed' AND ((d.previous_close_date >= p.start_date AND d.previous_close_date <= p.end_date) OR (d.current_close_date >= p.start_date AND d.current_close_date <= p.end_date));

DROP VIEW IF EXISTS v_deal_engagement;

CREATE VIEW v_deal_engagement AS
WITH ref AS (
    SELECT max(as_of) AS as_of FROM clari_opportunity_snapshots),
  quarter AS (
    SELECT min(p.time_period) AS time_period, min(p.start_date) AS start_date, min(p.end_date) AS end_date
    FROM clari_time_periods p JOIN ref r ON p.start_date <= r.as_of AND p.end_date >= r.as_of),
  cur AS (
    SELECT o.opportunity_id, o.name, o.owner_crm_id, o.amount, o.stage, o.close_date, o.crm_score, o.crm_score_message,
           lower(coalesce(o.stage, '')) NOT LIKE 'closed%' AS is_open
    FROM clari_opportunities o WHERE o.valid_to IS NULL),
  seen AS (
    SELECT opportunity_id, min(valid_from) AS first_seen FROM clari_opportunities GROUP BY opportunity_id),
  score_before AS (
    SELECT opportunity_id, crm_score AS previous_crm_score FROM (
      SELECT o.opportunity_id, o.crm_score, row_number() OVER (PARTITION BY o.opportunity_id ORDER BY o.valid_from DESC) AS recency
      FROM clari_opportunities o JOIN cur c ON c.opportunity_id = o.opportunity_id
      WHERE o.valid_to IS NOT NULL AND o.crm_score IS NOT NULL AND c.crm_score IS NOT NULL AND o.crm_score <> c.crm_score) ranked
    WHERE recency = 1),
  touches AS (
    SELECT DISTINCT ao.opportunity_id, a.activity_id, a.activity_type, a.activity_at
    FROM clari_activity_opportunities ao JOIN clari_activities a ON a.activity_id = ao.activity_id
    WHERE a.activity_at IS NOT NULL),
  activity AS (
    SELECT opportunity_id, count(*) AS activities, count(CASE WHEN activity_type = 'MEETING' THEN 1 END) AS meetings,
           max(activity_at) AS last_activity_at, max(CASE WHEN activity_type = 'MEETING' THEN activity_at END) AS last_meeting_at
    FROM touches GROUP BY opportunity_id),
  last_touch AS (
    SELECT opportunity_id, activity_type AS last_activity_type FROM (
      SELECT opportunity_id, activity_type, row_number() OVER (PARTITION BY opportunity_id ORDER BY activity_at DESC, activity_id DESC) AS recency
      FROM touches) ranked
    WHERE recency = 1),
  people AS (
    SELECT x.opportunity_id,
           count(DISTINCT CASE WHEN p.is_internal THEN lower(coalesce(p.email, p.name)) END) AS internal_participants,
           count(DISTINCT CASE WHEN NOT coalesce(p.is_internal, FALSE) THEN lower(coalesce(p.email, p.name)) END) AS external_participants
    FROM touches x JOIN clari_activity_participants p ON p.activity_id = x.activity_id GROUP BY x.opportunity_id),
  sized AS (
    SELECT c.opportunity_id, percent_rank() OVER (ORDER BY c.amount) AS amount_rank
    FROM cur c CROSS JOIN quarter q
    WHERE c.is_open AND c.amount IS NOT NULL AND c.close_date >= q.start_date AND c.close_date <= q.end_date),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id)
SELECT r.as_of, q.time_period AS quarter, c.opportunity_id, c.name AS opportunity_name, c.owner_crm_id,
  u.user_id AS owner_user_id, u.name AS owner_name, u.email AS owner_email,
  c.amount, c.stage, c.close_date, c.is_open,
  coalesce(c.close_date >= q.start_date AND c.close_date <= q.end_date, FALSE) AS closing_this_quarter,
  round(CAST(z.amount_rank AS DECIMAL(38,6)), 4) AS amount_percent_rank,
  coalesce(z.amount_rank >= 0.75, FALSE) AS is_large,
  c.crm_score, c.crm_score_message, sb.previous_crm_score, c.crm_score - sb.previous_crm_score AS crm_score_change,
  coalesce(c.crm_score < sb.previous_crm_score, FALSE) AS score_falling,
  coalesce(a.activities, 0) AS activities, coalesce(a.meetings, 0) AS meetings,
  a.last_activity_at, lt.last_activity_type, a.last_meeting_at,
  (r.as_of - CAST(a.last_activity_at AS DATE)) AS days_since_last_activity,
  (r.as_of - CAST(a.last_meeting_at AS DATE)) AS days_since_last_meeting,
  coalesce(pp.internal_participants, 0) AS internal_participants, coalesce(pp.external_participants, 0) AS external_participants,
  round(CAST(CAST(coalesce(pp.external_participants, 0) AS DECIMAL(38,6)) / NULLIF(CAST(coalesce(pp.internal_participants, 0) + coalesce(pp.external_participants, 0) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS external_share_pct,
  s.first_seen
FROM cur c CROSS JOIN ref r CROSS JOIN quarter q
LEFT JOIN seen s ON s.opportunity_id = c.opportunity_id
LEFT JOIN score_before sb ON sb.opportunity_id = c.opportunity_id
LEFT JOIN activity a ON a.opportunity_id = c.opportunity_id
LEFT JOIN last_touch lt ON lt.opportunity_id = c.opportunity_id
LEFT JOIN people pp ON pp.opportunity_id = c.opportunity_id
LEFT JOIN sized z ON z.opportunity_id = c.opportunity_id
LEFT JOIN crm_users cu ON cu.crm_id = c.owner_crm_id
LEFT JOIN clari_users u ON u.user_id = cu.user_id AND u.valid_to IS NULL;

DROP VIEW IF EXISTS v_deals_at_risk;

CREATE VIEW v_deals_at_risk AS
WITH ref AS (
    SELECT max(as_of) AS as_of FROM clari_opportunity_snapshots),
  quarter AS (
    SELECT min(p.time_period) AS time_period, min(p.start_date) AS start_date, min(p.end_date) AS end_date
    FROM clari_time_periods p JOIN ref r ON p.start_date <= r.as_of AND p.end_date >= r.as_of),
  cur AS (
    SELECT o.opportunity_id, o.name, o.owner_crm_id, o.amount, o.stage, o.close_date, o.crm_score, o.crm_score_message,
           lower(coalesce(o.stage, '')) NOT LIKE 'closed%' AS is_open
    FROM clari_opportunities o WHERE o.valid_to IS NULL),
  seen AS (
    SELECT opportunity_id, min(valid_from) AS first_seen FROM clari_opportunities GROUP BY opportunity_id),
  score_before AS (
    SELECT opportunity_id, crm_score AS previous_crm_score FROM (
      SELECT o.opportunity_id, o.crm_score, row_number() OVER (PARTITION BY o.opportunity_id ORDER BY o.valid_from DESC) AS recency
      FROM clari_opportunities o JOIN cur c ON c.opportunity_id = o.opportunity_id
      WHERE o.valid_to IS NOT NULL AND o.crm_score IS NOT NULL AND c.crm_score IS NOT NULL AND o.crm_score <> c.crm_score) ranked
    WHERE recency = 1),
  touches AS (
    SELECT DISTINCT ao.opportunity_id, a.activity_id, a.activity_type, a.activity_at
    FROM clari_activity_opportunities ao JOIN clari_activities a ON a.activity_id = ao.activity_id
    WHERE a.activity_at IS NOT NULL),
  activity AS (
    SELECT opportunity_id, count(*) AS activities, count(CASE WHEN activity_type = 'MEETING' THEN 1 END) AS meetings,
           max(activity_at) AS last_activity_at, max(CASE WHEN activity_type = 'MEETING' THEN activity_at END) AS last_meeting_at
    FROM touches GROUP BY opportunity_id),
  last_touch AS (
    SELECT opportunity_id, activity_type AS last_activity_type FROM (
      SELECT opportunity_id, activity_type, row_number() OVER (PARTITION BY opportunity_id ORDER BY activity_at DESC, activity_id DESC) AS recency
      FROM touches) ranked
    WHERE recency = 1),
  people AS (
    SELECT x.opportunity_id,
           count(DISTINCT CASE WHEN p.is_internal THEN lower(coalesce(p.email, p.name)) END) AS internal_participants,
           count(DISTINCT CASE WHEN NOT coalesce(p.is_internal, FALSE) THEN lower(coalesce(p.email, p.name)) END) AS external_participants
    FROM touches x JOIN clari_activity_participants p ON p.activity_id = x.activity_id GROUP BY x.opportunity_id),
  sized AS (
    SELECT c.opportunity_id, percent_rank() OVER (ORDER BY c.amount) AS amount_rank
    FROM cur c CROSS JOIN quarter q
    WHERE c.is_open AND c.amount IS NOT NULL AND c.close_date >= q.start_date AND c.close_date <= q.end_date),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id),
  engagement AS (
SELECT r.as_of, q.time_period AS quarter, c.opportunity_id, c.name AS opportunity_name, c.owner_crm_id,
  u.user_id AS owner_user_id, u.name AS owner_name, u.email AS owner_email,
  c.amount, c.stage, c.close_date, c.is_open,
  coalesce(c.close_date >= q.start_date AND c.close_date <= q.end_date, FALSE) AS closing_this_quarter,
  round(CAST(z.amount_rank AS DECIMAL(38,6)), 4) AS amount_percent_rank,
  coalesce(z.amount_rank >= 0.75, FALSE) AS is_large,
  c.crm_score, c.crm_score_message, sb.previous_crm_score, c.crm_score - sb.previous_crm_score AS crm_score_change,
  coalesce(c.crm_score < sb.previous_crm_score, FALSE) AS score_falling,
  coalesce(a.activities, 0) AS activities, coalesce(a.meetings, 0) AS meetings,
  a.last_activity_at, lt.last_activity_type, a.last_meeting_at,
  (r.as_of - CAST(a.last_activity_at AS DATE)) AS days_since_last_activity,
  (r.as_of - CAST(a.last_meeting_at AS DATE)) AS days_since_last_meeting,
  coalesce(pp.internal_participants, 0) AS internal_participants, coalesce(pp.external_participants, 0) AS external_participants,
  round(CAST(CAST(coalesce(pp.external_participants, 0) AS DECIMAL(38,6)) / NULLIF(CAST(coalesce(pp.internal_participants, 0) + coalesce(pp.external_participants, 0) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS external_share_pct,
  s.first_seen
FROM cur c CROSS JOIN ref r CROSS JOIN quarter q
LEFT JOIN seen s ON s.opportunity_id = c.opportunity_id
LEFT JOIN score_before sb ON sb.opportunity_id = c.opportunity_id
LEFT JOIN activity a ON a.opportunity_id = c.opportunity_id
LEFT JOIN last_touch lt ON lt.opportunity_id = c.opportunity_id
LEFT JOIN people pp ON pp.opportunity_id = c.opportunity_id
LEFT JOIN sized z ON z.opportunity_id = c.opportunity_id
LEFT JOIN crm_users cu ON cu.crm_id = c.owner_crm_id
LEFT JOIN clari_users u ON u.user_id = cu.user_id AND u.valid_to IS NULL)
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > 14) AS no_recent_meeting
FROM engagement e
WHERE e.is_open AND e.closing_this_quarter AND e.is_large AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > 14));

-- ----- snowflake -----
CREATE TABLE IF NOT EXISTS clari_sync_runs (
  run_id VARCHAR NOT NULL,
  started_at TIMESTAMP_NTZ NOT NULL,
  finished_at TIMESTAMP_NTZ,
  status VARCHAR NOT NULL,
  as_of DATE NOT NULL,
  "trigger" VARCHAR NOT NULL,
  error VARCHAR,
  exports INTEGER,
  exports_failed INTEGER,
  rows_loaded BIGINT,
  changes BIGINT,
  alerts INTEGER,
  duration_ms BIGINT,
  quota_left INTEGER,
  quota_limit INTEGER,
  concurrency_limit INTEGER,
  PRIMARY KEY (run_id)
);

CREATE TABLE IF NOT EXISTS clari_export_jobs (
  job_id VARCHAR,
  run_id VARCHAR NOT NULL,
  forecast_id VARCHAR NOT NULL,
  time_period VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  created_at TIMESTAMP_NTZ,
  finished_at TIMESTAMP_NTZ,
  latency_ms BIGINT,
  poll_count INTEGER,
  "rows" BIGINT,
  payload_sha256 VARCHAR,
  rows_truncated BOOLEAN,
  cells_truncated BOOLEAN,
  error VARCHAR,
  error_code VARCHAR,
  snapshot_date DATE,
  attempts INTEGER,
  cached BOOLEAN,
  format VARCHAR,
  payload_bytes BIGINT,
  payload_rows BIGINT,
  loaded_rows BIGINT,
  payload_sum DECIMAL(18,2),
  loaded_sum DECIMAL(18,2),
  reconciled BOOLEAN,
  warnings VARCHAR,
  PRIMARY KEY (run_id, forecast_id, time_period)
);

CREATE TABLE IF NOT EXISTS clari_forecast_entries (
  forecast_id VARCHAR NOT NULL,
  time_period VARCHAR NOT NULL,
  time_frame_id VARCHAR NOT NULL,
  user_id VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  forecast_value DECIMAL(18,2),
  quota_value DECIMAL(18,2),
  adjustment_value DECIMAL(18,2),
  crm_total_value DECIMAL(18,2),
  crm_closed_value DECIMAL(18,2),
  is_updated BOOLEAN,
  updated_by VARCHAR,
  updated_on TIMESTAMP_NTZ,
  currency VARCHAR,
  valid_from DATE NOT NULL,
  valid_to DATE,
  run_id VARCHAR,
  entry_hash BIGINT
);

CREATE TABLE IF NOT EXISTS clari_users (
  user_id VARCHAR NOT NULL,
  name VARCHAR,
  email VARCHAR,
  crm_id VARCHAR,
  hierarchy_id VARCHAR,
  hierarchy_name VARCHAR,
  parent_hierarchy_id VARCHAR,
  parent_hierarchy_name VARCHAR,
  scope_id VARCHAR,
  valid_from DATE NOT NULL,
  valid_to DATE
);

CREATE TABLE IF NOT EXISTS clari_forecasts (
  owner_name VARCHAR NOT NULL,
  owner_email VARCHAR NOT NULL,
  user_id VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  field_name VARCHAR,
  forecast_amount DECIMAL(18,2),
  quota_amount DECIMAL(18,2),
  crm_total DECIMAL(18,2),
  crm_closed DECIMAL(18,2),
  adjustment_amount DECIMAL(18,2),
  time_period VARCHAR NOT NULL,
  forecast_name VARCHAR NOT NULL,
  snapshot_date DATE NOT NULL,
  exported_at TIMESTAMP_NTZ NOT NULL,
  time_frame_id VARCHAR,
  is_updated BOOLEAN,
  currency VARCHAR,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_forecast_changes (
  owner_email VARCHAR,
  owner_name VARCHAR,
  forecast_name VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  time_period VARCHAR NOT NULL,
  previous_amount DECIMAL(18,2),
  current_amount DECIMAL(18,2),
  change_amount DECIMAL(18,2),
  change_pct DOUBLE,
  previous_snapshot DATE,
  current_snapshot DATE NOT NULL,
  detected_at TIMESTAMP_NTZ NOT NULL,
  user_id VARCHAR NOT NULL,
  field_name VARCHAR,
  change_kind VARCHAR NOT NULL,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_alerts (
  alert_id VARCHAR NOT NULL,
  rule VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  channel VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  fingerprint VARCHAR NOT NULL,
  created_at TIMESTAMP_NTZ NOT NULL,
  payload VARCHAR,
  run_id VARCHAR,
  error VARCHAR,
  PRIMARY KEY (alert_id, channel)
);

CREATE TABLE IF NOT EXISTS clari_snapshots (
  forecast_id VARCHAR NOT NULL,
  time_period VARCHAR NOT NULL,
  snapshot_date DATE NOT NULL,
  run_id VARCHAR NOT NULL,
  job_id VARCHAR,
  payload_sha256 VARCHAR,
  loaded_at TIMESTAMP_NTZ NOT NULL,
  entries BIGINT NOT NULL,
  users INTEGER,
  latest_time_frame VARCHAR,
  PRIMARY KEY (forecast_id, time_period, snapshot_date)
);

CREATE TABLE IF NOT EXISTS clari_fields (
  forecast_id VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  field_name VARCHAR,
  field_type VARCHAR,
  is_quota BOOLEAN,
  last_seen DATE,
  PRIMARY KEY (forecast_id, field_id)
);

CREATE TABLE IF NOT EXISTS clari_time_frames (
  time_period VARCHAR NOT NULL,
  time_frame_id VARCHAR NOT NULL,
  start_date DATE,
  end_date DATE,
  PRIMARY KEY (time_period, time_frame_id)
);

CREATE TABLE IF NOT EXISTS clari_time_periods (
  time_period VARCHAR NOT NULL,
  start_date DATE,
  end_date DATE,
  label VARCHAR,
  year VARCHAR,
  PRIMARY KEY (time_period)
);

DELETE FROM clari_schema_migrations WHERE version = :1;

INSERT INTO clari_schema_migrations (version, name, applied_at, checksum) VALUES (:1, :2, :3, :4);

CREATE TABLE IF NOT EXISTS clari_activities (
  activity_id VARCHAR NOT NULL,
  activity_type VARCHAR,
  subject VARCHAR,
  activity_at TIMESTAMP_NTZ,
  owner_crm_id VARCHAR,
  organiser_crm_id VARCHAR,
  account_ids ARRAY,
  opportunity_ids ARRAY,
  exported_at TIMESTAMP_NTZ,
  as_of DATE NOT NULL,
  job_id VARCHAR,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_activity_participants (
  activity_id VARCHAR NOT NULL,
  ordinal INTEGER NOT NULL,
  email VARCHAR,
  name VARCHAR,
  crm_user_id VARCHAR,
  is_internal BOOLEAN
);

CREATE TABLE IF NOT EXISTS clari_activity_opportunities (
  activity_id VARCHAR NOT NULL,
  ordinal INTEGER NOT NULL,
  opportunity_id VARCHAR NOT NULL,
  opportunity_name VARCHAR,
  owner_crm_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_activity_accounts (
  activity_id VARCHAR NOT NULL,
  ordinal INTEGER NOT NULL,
  account_id VARCHAR NOT NULL,
  account_name VARCHAR,
  owner_crm_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_activity_windows (
  as_of DATE NOT NULL,
  from_date DATE NOT NULL,
  to_date DATE NOT NULL,
  job_id VARCHAR,
  payload_sha256 VARCHAR,
  activities BIGINT NOT NULL,
  participants BIGINT,
  run_id VARCHAR,
  loaded_at TIMESTAMP_NTZ NOT NULL,
  PRIMARY KEY (as_of)
);

CREATE TABLE IF NOT EXISTS clari_opportunities (
  opportunity_id VARCHAR NOT NULL,
  name VARCHAR,
  owner_crm_id VARCHAR,
  amount DECIMAL(18,2),
  stage VARCHAR,
  close_date DATE,
  crm_score DOUBLE,
  crm_score_message VARCHAR,
  valid_from DATE NOT NULL,
  valid_to DATE,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_opportunity_field_history (
  opportunity_id VARCHAR NOT NULL,
  field_id VARCHAR NOT NULL,
  old_value VARCHAR,
  new_value VARCHAR,
  changed_at TIMESTAMP_NTZ NOT NULL,
  first_seen DATE NOT NULL,
  run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS clari_opportunity_snapshots (
  as_of DATE NOT NULL,
  requested BIGINT NOT NULL,
  opportunities BIGINT NOT NULL,
  calls INTEGER,
  payload_sha256 VARCHAR,
  amount_sum DECIMAL(18,2),
  run_id VARCHAR,
  loaded_at TIMESTAMP_NTZ NOT NULL,
  PRIMARY KEY (as_of)
);

ALTER TABLE clari_forecast_entries ADD COLUMN IF NOT EXISTS entry_hash BIGINT;

CREATE OR REPLACE VIEW v_forecast_accuracy AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM clari_time_frames) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM clari_forecasts GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM clari_snapshots) THEN 'closed' ELSE 'in progress' END AS status
    FROM clari_time_periods p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  calls AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, f.week_index, e.time_frame_id, e.forecast_value AS forecast_amount
    FROM clari_forecast_entries e
    JOIN clari_fields cf ON cf.forecast_id = e.forecast_id AND cf.field_id = e.field_id AND NOT coalesce(cf.is_quota, FALSE)
    JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL),
  actuals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, l.snapshot_date, max(c.crm_closed) AS actual, max(c.owner_name) AS owner_name, max(c.owner_email) AS owner_email
    FROM clari_forecasts c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    GROUP BY c.forecast_name, c.time_period, c.user_id, l.snapshot_date),
  scored AS (
    SELECT k.forecast_id AS forecast_name, k.time_period, coalesce(s.status, 'in progress') AS period_status,
           k.user_id, a.owner_name, a.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
           k.field_id, fl.field_name, k.week_index, k.time_frame_id, k.forecast_amount,
           CASE WHEN s.status = 'closed' THEN a.actual END AS actual_closed
    FROM calls k
    LEFT JOIN actuals a ON a.forecast_name = k.forecast_id AND a.time_period = k.time_period AND a.user_id = k.user_id
    LEFT JOIN period_status s ON s.time_period = k.time_period
    LEFT JOIN clari_fields fl ON fl.forecast_id = k.forecast_id AND fl.field_id = k.field_id
    LEFT JOIN clari_users uw ON uw.user_id = k.user_id AND uw.valid_from <= a.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > a.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN clari_users mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN clari_users ui ON ui.user_id = k.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN clari_users mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id)
SELECT scored.*,
  round(CAST(CASE WHEN CAST(abs(forecast_amount - actual_closed) AS DECIMAL(38,6)) / NULLIF(CAST(actual_closed AS DECIMAL(38,6)), 0) > 1 THEN 0
    ELSE (1 - CAST(abs(forecast_amount - actual_closed) AS DECIMAL(38,6)) / NULLIF(CAST(actual_closed AS DECIMAL(38,6)), 0)) * 100 END AS DECIMAL(38,6)), 1) AS accuracy_pct,
  forecast_amount - actual_closed AS error_amount,
  round(CAST(CAST(forecast_amount - actual_closed AS DECIMAL(38,6)) / NULLIF(CAST(actual_closed AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS bias_pct,
  round(CAST(CAST(sum(CASE WHEN is_rep THEN abs(forecast_amount - actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index) AS DECIMAL(38,6)) / NULLIF(CAST(sum(CASE WHEN is_rep THEN abs(actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS wape_pct
FROM scored;

CREATE OR REPLACE VIEW v_pipeline_coverage AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM clari_time_frames) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM clari_forecasts GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM clari_snapshots) THEN 'closed' ELSE 'in progress' END AS status
    FROM clari_time_periods p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  pipe_field AS (
    SELECT forecast_id, min(field_id) AS field_id FROM clari_fields
    WHERE NOT coalesce(is_quota, FALSE) AND lower(coalesce(field_name, field_id)) LIKE '%pipeline%' GROUP BY forecast_id),
  week_one AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.crm_total_value - coalesce(e.crm_closed_value, 0) AS start_pipeline
    FROM clari_forecast_entries e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    JOIN pipe_field pf ON pf.forecast_id = e.forecast_id AND pf.field_id = e.field_id
    WHERE e.valid_to IS NULL AND f.week_index = 1),
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, max(c.crm_closed) AS closed_won
    FROM clari_forecasts c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    GROUP BY c.forecast_name, c.time_period, c.user_id),
  win_periods AS (
    SELECT f.forecast_name, f.user_id, f.closed_won, w.start_pipeline,
           dense_rank() OVER (PARTITION BY f.forecast_name, f.user_id ORDER BY f.time_period DESC) AS recency
    FROM finals f JOIN week_one w ON w.forecast_id = f.forecast_name AND w.time_period = f.time_period AND w.user_id = f.user_id
    WHERE w.start_pipeline > 0 AND f.closed_won IS NOT NULL),
  win AS (
    SELECT forecast_name, user_id, CAST(sum(closed_won) AS DECIMAL(38,6)) / NULLIF(CAST(sum(start_pipeline) AS DECIMAL(38,6)), 0) AS win_rate, count(*) AS periods
    FROM win_periods WHERE recency <= 4 GROUP BY forecast_name, user_id),
  rows_in AS (
    SELECT c.*, coalesce(p.crm_total, c.crm_total) - c.crm_closed AS open_pipeline,
           greatest(coalesce(c.quota_amount - c.crm_closed, 0), 0) AS quota_left, coalesce(pf.field_id, c.field_id) AS pipeline_field_id
    FROM clari_forecasts c
    JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    LEFT JOIN pipe_field pf ON pf.forecast_id = c.forecast_name
    LEFT JOIN clari_forecasts p ON p.forecast_name = c.forecast_name AND p.time_period = c.time_period AND p.snapshot_date = c.snapshot_date
      AND p.user_id = c.user_id AND p.field_id = pf.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
  c.field_id, c.field_name, c.crm_total, c.crm_closed, c.open_pipeline AS pipeline, c.pipeline_field_id, c.quota_amount,
  c.quota_left AS remaining_quota,
  round(CAST(CAST(c.open_pipeline AS DECIMAL(38,6)) / NULLIF(CAST(c.quota_left AS DECIMAL(38,6)), 0) AS DECIMAL(38,6)), 2) AS coverage,
  round(CAST(win.win_rate AS DECIMAL(38,6)), 4) AS win_rate, coalesce(win.periods, 0) AS win_rate_periods,
  round(CAST(CAST(1 AS DECIMAL(38,6)) / NULLIF(CAST(win.win_rate AS DECIMAL(38,6)), 0) AS DECIMAL(38,6)), 2) AS required_coverage
FROM rows_in c
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN win ON win.forecast_name = c.forecast_name AND win.user_id = c.user_id
LEFT JOIN clari_users uw ON uw.user_id = c.user_id AND uw.valid_from <= c.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > c.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN clari_users mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN clari_users ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN clari_users mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id;

CREATE OR REPLACE VIEW v_rep_performance AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM clari_time_frames) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM clari_forecasts GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM clari_snapshots) THEN 'closed' ELSE 'in progress' END AS status
    FROM clari_time_periods p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, c.field_id, c.forecast_amount, c.crm_closed,
           dense_rank() OVER (PARTITION BY c.forecast_name, c.user_id, c.field_id ORDER BY c.time_period DESC) AS recency
    FROM clari_forecasts c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    WHERE c.forecast_amount IS NOT NULL AND c.crm_closed IS NOT NULL),
  bias AS (
    SELECT forecast_name, user_id, field_id, count(*) AS bias_periods,
           round(CAST(CAST(sum(forecast_amount - crm_closed) AS DECIMAL(38,6)) / NULLIF(CAST(sum(crm_closed) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS bias_pct
    FROM finals WHERE recency <= 4 GROUP BY forecast_name, user_id, field_id),
  weekly AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, max(f.week_index) AS latest_week, max(CASE WHEN e.is_updated THEN f.week_index END) AS updated_week
    FROM clari_forecast_entries e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL GROUP BY e.forecast_id, e.time_period, e.user_id, e.field_id),
  moves AS (
    SELECT ch.forecast_name, ch.time_period, ch.user_id, ch.field_id, max(abs(ch.change_amount)) AS largest_move
    FROM clari_forecast_changes ch JOIN latest l ON l.forecast_name = ch.forecast_name AND l.time_period = ch.time_period
    WHERE ch.change_kind = 'changed' AND ch.current_snapshot > l.snapshot_date - 7
    GROUP BY ch.forecast_name, ch.time_period, ch.user_id, ch.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
  c.field_id, c.field_name, c.forecast_amount, c.quota_amount, c.crm_closed, c.crm_total, c.adjustment_amount,
  round(CAST(CAST(c.crm_closed AS DECIMAL(38,6)) / NULLIF(CAST(c.quota_amount AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS attainment_pct,
  round(CAST(CAST(c.forecast_amount AS DECIMAL(38,6)) / NULLIF(CAST(c.quota_amount AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS forecast_to_quota_pct,
  b.bias_pct, coalesce(b.bias_periods, 0) AS bias_periods,
  c.is_updated, w.latest_week - coalesce(w.updated_week, 0) AS weeks_since_update,
  m.largest_move AS largest_move_7d
FROM clari_forecasts c
JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN bias b ON b.forecast_name = c.forecast_name AND b.user_id = c.user_id AND b.field_id = c.field_id
LEFT JOIN weekly w ON w.forecast_id = c.forecast_name AND w.time_period = c.time_period AND w.user_id = c.user_id AND w.field_id = c.field_id
LEFT JOIN moves m ON m.forecast_name = c.forecast_name AND m.time_period = c.time_period AND m.user_id = c.user_id AND m.field_id = c.field_id
LEFT JOIN clari_users uw ON uw.user_id = c.user_id AND uw.valid_from <= c.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > c.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN clari_users mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN clari_users ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN clari_users mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id;

CREATE OR REPLACE VIEW v_pipeline_health AS
WITH jobs AS (
  SELECT run_id, count(*) AS exports, sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
         sum(CASE WHEN cached THEN 1 ELSE 0 END) AS cached, avg(CAST(latency_ms AS DOUBLE)) AS avg_latency_ms, max(latency_ms) AS max_latency_ms,
         sum(coalesce(poll_count, 0)) AS polls
  FROM clari_export_jobs GROUP BY run_id),
successes AS (
  SELECT r.run_id, max(p.finished_at) AS last_success_at
  FROM clari_sync_runs r JOIN clari_sync_runs p ON p.status = 'success' AND p.finished_at <= coalesce(r.finished_at, r.started_at)
  GROUP BY r.run_id)
SELECT r.run_id, r.started_at, r.finished_at, r.status, r."trigger", r.as_of, coalesce(j.exports, 0) AS exports, coalesce(j.failed, 0) AS exports_failed,
  coalesce(j.cached, 0) AS exports_cached,
  round(CAST(CAST(coalesce(j.exports, 0) - coalesce(j.failed, 0) AS DECIMAL(38,6)) / NULLIF(CAST(j.exports AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS completion_pct,
  round(CAST(j.avg_latency_ms AS DECIMAL(38,6)), 0) AS avg_latency_ms, j.max_latency_ms, j.polls,
  r.rows_loaded, r.changes, r.alerts, r.duration_ms, r.quota_left, r.quota_limit, r.error, s.last_success_at
FROM clari_sync_runs r LEFT JOIN jobs j ON j.run_id = r.run_id LEFT JOIN successes s ON s.run_id = r.run_id;

CREATE OR REPLACE VIEW v_export_health AS
SELECT j.run_id, r.started_at AS run_started_at, j.forecast_id, j.time_period, j.snapshot_date, j.job_id, j.status, j.cached, j.attempts, j.poll_count,
  j.latency_ms, j."rows", j.payload_bytes, j.reconciled, j.rows_truncated, j.cells_truncated, j.error_code, j.error, j.warnings
FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id;

CREATE OR REPLACE VIEW v_deal_movement AS
WITH RECURSIVE edges AS (
    SELECT DISTINCT hierarchy_id, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL),
  subtree AS (
    SELECT hierarchy_id AS root_id, hierarchy_id, CAST(0 AS INTEGER) AS depth FROM edges
    UNION ALL
    SELECT s.root_id, e.hierarchy_id, CAST(s.depth + 1 AS INTEGER) AS depth FROM subtree s JOIN edges e ON e.parent_hierarchy_id = s.hierarchy_id
    WHERE s.depth < 20),
  team AS (
    SELECT DISTINCT lead_user_id, crm_id FROM (
      SELECT r.user_id AS lead_user_id, m.crm_id FROM clari_users r
      JOIN subtree s ON s.root_id = r.hierarchy_id
      JOIN clari_users m ON m.hierarchy_id = s.hierarchy_id AND m.valid_to IS NULL
      WHERE r.valid_to IS NULL
      UNION ALL
      SELECT user_id AS lead_user_id, crm_id FROM clari_users WHERE valid_to IS NULL) members
    WHERE crm_id IS NOT NULL),
  pairs AS (
    SELECT DISTINCT previous_snapshot, current_snapshot FROM clari_forecast_changes
    WHERE change_kind = 'changed' AND previous_snapshot IS NOT NULL),
  moved AS (
    SELECT x.previous_snapshot, x.current_snapshot, a.opportunity_id, a.name AS opportunity_name,
           b.owner_crm_id AS previous_owner_crm_id, a.owner_crm_id AS current_owner_crm_id,
           b.amount AS previous_amount, a.amount AS current_amount, b.stage AS previous_stage, a.stage AS current_stage,
           b.close_date AS previous_close_date, a.close_date AS current_close_date, a.crm_score, a.crm_score_message
    FROM pairs x
    JOIN clari_opportunities a ON a.valid_from <= x.current_snapshot AND (a.valid_to IS NULL OR a.valid_to > x.current_snapshot)
    JOIN clari_opportunities b ON b.opportunity_id = a.opportunity_id
      AND b.valid_from <= x.previous_snapshot AND (b.valid_to IS NULL OR b.valid_to > x.previous_snapshot)
    WHERE b.amount IS DISTINCT FROM a.amount OR b.stage IS DISTINCT FROM a.stage OR b.close_date IS DISTINCT FROM a.close_date
      OR b.owner_crm_id IS DISTINCT FROM a.owner_crm_id),
  holders AS (
    SELECT previous_snapshot, current_snapshot, opportunity_id, previous_owner_crm_id AS crm_id FROM moved
    UNION ALL
    SELECT previous_snapshot, current_snapshot, opportunity_id, current_owner_crm_id AS crm_id FROM moved),
  under AS (
    SELECT DISTINCT tm.lead_user_id AS user_id, h.previous_snapshot, h.current_snapshot, h.opportunity_id
    FROM holders h JOIN team tm ON tm.crm_id = h.crm_id),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM clari_users WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL)
SELECT c.forecast_name, c.time_period, c.field_id, c.field_name, c.user_id, c.owner_name, c.owner_email,
  CASE WHEN lr.hierarchy_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level,
  c.previous_snapshot, c.current_snapshot, c.previous_amount AS previous_call, c.current_amount AS current_call, c.change_amount AS call_change,
  d.opportunity_id, d.opportunity_name, d.current_owner_crm_id AS deal_owner_crm_id, du.user_id AS deal_owner_user_id,
  du.name AS deal_owner_name, du.email AS deal_owner_email, d.previous_owner_crm_id,
  d.previous_amount, d.current_amount, coalesce(d.current_amount, 0) - coalesce(d.previous_amount, 0) AS amount_change,
  d.previous_stage, d.current_stage, d.previous_close_date, d.current_close_date,
  d.previous_amount IS DISTINCT FROM d.current_amount AS amount_changed,
  d.previous_stage IS DISTINCT FROM d.current_stage AS stage_changed,
  d.previous_close_date IS DISTINCT FROM d.current_close_date AS close_date_changed,
  d.previous_owner_crm_id IS DISTINCT FROM d.current_owner_crm_id AS owner_changed,
  coalesce((d.previous_close_date >= p.start_date AND d.previous_close_date <= p.end_date) AND d.current_close_date > p.end_date, FALSE) AS slipped,
  coalesce(d.previous_close_date > p.end_date AND (d.current_close_date >= p.start_date AND d.current_close_date <= p.end_date), FALSE) AS pulled_in,
  d.crm_score, d.crm_score_message
FROM clari_forecast_changes c
JOIN clari_time_periods p ON p.time_period = c.time_period
JOIN under u ON u.user_id = c.user_id AND u.previous_snapshot = c.previous_snapshot AND u.current_snapshot = c.current_snapshot
JOIN moved d ON d.opportunity_id = u.opportunity_id AND d.previous_snapshot = c.previous_snapshot AND d.current_snapshot = c.current_snapshot
LEFT JOIN crm_users cu ON cu.crm_id = d.current_owner_crm_id
LEFT JOIN clari_users du ON du.user_id = cu.user_id AND du.valid_to IS NULL
LEFT JOIN clari_users ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id
WHERE c.change_kind = 'changed' AND ((d.previous_close_date >= p.start_date AND d.previous_close_date <= p.end_date) OR (d.current_close_date >= p.start_date AND d.current_close_date <= p.end_date));

CREATE OR REPLACE VIEW v_deal_engagement AS
WITH ref AS (
    SELECT max(as_of) AS as_of FROM clari_opportunity_snapshots),
  quarter AS (
    SELECT min(p.time_period) AS time_period, min(p.start_date) AS start_date, min(p.end_date) AS end_date
    FROM clari_time_periods p JOIN ref r ON p.start_date <= r.as_of AND p.end_date >= r.as_of),
  cur AS (
    SELECT o.opportunity_id, o.name, o.owner_crm_id, o.amount, o.stage, o.close_date, o.crm_score, o.crm_score_message,
           lower(coalesce(o.stage, '')) NOT LIKE 'closed%' AS is_open
    FROM clari_opportunities o WHERE o.valid_to IS NULL),
  seen AS (
    SELECT opportunity_id, min(valid_from) AS first_seen FROM clari_opportunities GROUP BY opportunity_id),
  score_before AS (
    SELECT opportunity_id, crm_score AS previous_crm_score FROM (
      SELECT o.opportunity_id, o.crm_score, row_number() OVER (PARTITION BY o.opportunity_id ORDER BY o.valid_from DESC) AS recency
      FROM clari_opportunities o JOIN cur c ON c.opportunity_id = o.opportunity_id
      WHERE o.valid_to IS NOT NULL AND o.crm_score IS NOT NULL AND c.crm_score IS NOT NULL AND o.crm_score <> c.crm_score) ranked
    WHERE recency = 1),
  touches AS (
    SELECT DISTINCT ao.opportunity_id, a.activity_id, a.activity_type, a.activity_at
    FROM clari_activity_opportunities ao JOIN clari_activities a ON a.activity_id = ao.activity_id
    WHERE a.activity_at IS NOT NULL),
  activity AS (
    SELECT opportunity_id, count(*) AS activities, count(CASE WHEN activity_type = 'MEETING' THEN 1 END) AS meetings,
           max(activity_at) AS last_activity_at, max(CASE WHEN activity_type = 'MEETING' THEN activity_at END) AS last_meeting_at
    FROM touches GROUP BY opportunity_id),
  last_touch AS (
    SELECT opportunity_id, activity_type AS last_activity_type FROM (
      SELECT opportunity_id, activity_type, row_number() OVER (PARTITION BY opportunity_id ORDER BY activity_at DESC, activity_id DESC) AS recency
      FROM touches) ranked
    WHERE recency = 1),
  people AS (
    SELECT x.opportunity_id,
           count(DISTINCT CASE WHEN p.is_internal THEN lower(coalesce(p.email, p.name)) END) AS internal_participants,
           count(DISTINCT CASE WHEN NOT coalesce(p.is_internal, FALSE) THEN lower(coalesce(p.email, p.name)) END) AS external_participants
    FROM touches x JOIN clari_activity_participants p ON p.activity_id = x.activity_id GROUP BY x.opportunity_id),
  sized AS (
    SELECT c.opportunity_id, percent_rank() OVER (ORDER BY c.amount) AS amount_rank
    FROM cur c CROSS JOIN quarter q
    WHERE c.is_open AND c.amount IS NOT NULL AND c.close_date >= q.start_date AND c.close_date <= q.end_date),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id)
SELECT r.as_of, q.time_period AS quarter, c.opportunity_id, c.name AS opportunity_name, c.owner_crm_id,
  u.user_id AS owner_user_id, u.name AS owner_name, u.email AS owner_email,
  c.amount, c.stage, c.close_date, c.is_open,
  coalesce(c.close_date >= q.start_date AND c.close_date <= q.end_date, FALSE) AS closing_this_quarter,
  round(CAST(z.amount_rank AS DECIMAL(38,6)), 4) AS amount_percent_rank,
  coalesce(z.amount_rank >= 0.75, FALSE) AS is_large,
  c.crm_score, c.crm_score_message, sb.previous_crm_score, c.crm_score - sb.previous_crm_score AS crm_score_change,
  coalesce(c.crm_score < sb.previous_crm_score, FALSE) AS score_falling,
  coalesce(a.activities, 0) AS activities, coalesce(a.meetings, 0) AS meetings,
  a.last_activity_at, lt.last_activity_type, a.last_meeting_at,
  (r.as_of - CAST(a.last_activity_at AS DATE)) AS days_since_last_activity,
  (r.as_of - CAST(a.last_meeting_at AS DATE)) AS days_since_last_meeting,
  coalesce(pp.internal_participants, 0) AS internal_participants, coalesce(pp.external_participants, 0) AS external_participants,
  round(CAST(CAST(coalesce(pp.external_participants, 0) AS DECIMAL(38,6)) / NULLIF(CAST(coalesce(pp.internal_participants, 0) + coalesce(pp.external_participants, 0) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS external_share_pct,
  s.first_seen
FROM cur c CROSS JOIN ref r CROSS JOIN quarter q
LEFT JOIN seen s ON s.opportunity_id = c.opportunity_id
LEFT JOIN score_before sb ON sb.opportunity_id = c.opportunity_id
LEFT JOIN activity a ON a.opportunity_id = c.opportunity_id
LEFT JOIN last_touch lt ON lt.opportunity_id = c.opportunity_id
LEFT JOIN people pp ON pp.opportunity_id = c.opportunity_id
LEFT JOIN sized z ON z.opportunity_id = c.opportunity_id
LEFT JOIN crm_users cu ON cu.crm_id = c.owner_crm_id
LEFT JOIN clari_users u ON u.user_id = cu.user_id AND u.valid_to IS NULL;

CREATE OR REPLACE VIEW v_deals_at_risk AS
WITH ref AS (
    SELECT max(as_of) AS as_of FROM clari_opportunity_snapshots),
  quarter AS (
    SELECT min(p.time_period) AS time_period, min(p.start_date) AS start_date, min(p.end_date) AS end_date
    FROM clari_time_periods p JOIN ref r ON p.start_date <= r.as_of AND p.end_date >= r.as_of),
  cur AS (
    SELECT o.opportunity_id, o.name, o.owner_crm_id, o.amount, o.stage, o.close_date, o.crm_score, o.crm_score_message,
           lower(coalesce(o.stage, '')) NOT LIKE 'closed%' AS is_open
    FROM clari_opportunities o WHERE o.valid_to IS NULL),
  seen AS (
    SELECT opportunity_id, min(valid_from) AS first_seen FROM clari_opportunities GROUP BY opportunity_id),
  score_before AS (
    SELECT opportunity_id, crm_score AS previous_crm_score FROM (
      SELECT o.opportunity_id, o.crm_score, row_number() OVER (PARTITION BY o.opportunity_id ORDER BY o.valid_from DESC) AS recency
      FROM clari_opportunities o JOIN cur c ON c.opportunity_id = o.opportunity_id
      WHERE o.valid_to IS NOT NULL AND o.crm_score IS NOT NULL AND c.crm_score IS NOT NULL AND o.crm_score <> c.crm_score) ranked
    WHERE recency = 1),
  touches AS (
    SELECT DISTINCT ao.opportunity_id, a.activity_id, a.activity_type, a.activity_at
    FROM clari_activity_opportunities ao JOIN clari_activities a ON a.activity_id = ao.activity_id
    WHERE a.activity_at IS NOT NULL),
  activity AS (
    SELECT opportunity_id, count(*) AS activities, count(CASE WHEN activity_type = 'MEETING' THEN 1 END) AS meetings,
           max(activity_at) AS last_activity_at, max(CASE WHEN activity_type = 'MEETING' THEN activity_at END) AS last_meeting_at
    FROM touches GROUP BY opportunity_id),
  last_touch AS (
    SELECT opportunity_id, activity_type AS last_activity_type FROM (
      SELECT opportunity_id, activity_type, row_number() OVER (PARTITION BY opportunity_id ORDER BY activity_at DESC, activity_id DESC) AS recency
      FROM touches) ranked
    WHERE recency = 1),
  people AS (
    SELECT x.opportunity_id,
           count(DISTINCT CASE WHEN p.is_internal THEN lower(coalesce(p.email, p.name)) END) AS internal_participants,
           count(DISTINCT CASE WHEN NOT coalesce(p.is_internal, FALSE) THEN lower(coalesce(p.email, p.name)) END) AS external_participants
    FROM touches x JOIN clari_activity_participants p ON p.activity_id = x.activity_id GROUP BY x.opportunity_id),
  sized AS (
    SELECT c.opportunity_id, percent_rank() OVER (ORDER BY c.amount) AS amount_rank
    FROM cur c CROSS JOIN quarter q
    WHERE c.is_open AND c.amount IS NOT NULL AND c.close_date >= q.start_date AND c.close_date <= q.end_date),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM clari_users WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id),
  engagement AS (
SELECT r.as_of, q.time_period AS quarter, c.opportunity_id, c.name AS opportunity_name, c.owner_crm_id,
  u.user_id AS owner_user_id, u.name AS owner_name, u.email AS owner_email,
  c.amount, c.stage, c.close_date, c.is_open,
  coalesce(c.close_date >= q.start_date AND c.close_date <= q.end_date, FALSE) AS closing_this_quarter,
  round(CAST(z.amount_rank AS DECIMAL(38,6)), 4) AS amount_percent_rank,
  coalesce(z.amount_rank >= 0.75, FALSE) AS is_large,
  c.crm_score, c.crm_score_message, sb.previous_crm_score, c.crm_score - sb.previous_crm_score AS crm_score_change,
  coalesce(c.crm_score < sb.previous_crm_score, FALSE) AS score_falling,
  coalesce(a.activities, 0) AS activities, coalesce(a.meetings, 0) AS meetings,
  a.last_activity_at, lt.last_activity_type, a.last_meeting_at,
  (r.as_of - CAST(a.last_activity_at AS DATE)) AS days_since_last_activity,
  (r.as_of - CAST(a.last_meeting_at AS DATE)) AS days_since_last_meeting,
  coalesce(pp.internal_participants, 0) AS internal_participants, coalesce(pp.external_participants, 0) AS external_participants,
  round(CAST(CAST(coalesce(pp.external_participants, 0) AS DECIMAL(38,6)) / NULLIF(CAST(coalesce(pp.internal_participants, 0) + coalesce(pp.external_participants, 0) AS DECIMAL(38,6)), 0) * 100 AS DECIMAL(38,6)), 1) AS external_share_pct,
  s.first_seen
FROM cur c CROSS JOIN ref r CROSS JOIN quarter q
LEFT JOIN seen s ON s.opportunity_id = c.opportunity_id
LEFT JOIN score_before sb ON sb.opportunity_id = c.opportunity_id
LEFT JOIN activity a ON a.opportunity_id = c.opportunity_id
LEFT JOIN last_touch lt ON lt.opportunity_id = c.opportunity_id
LEFT JOIN people pp ON pp.opportunity_id = c.opportunity_id
LEFT JOIN sized z ON z.opportunity_id = c.opportunity_id
LEFT JOIN crm_users cu ON cu.crm_id = c.owner_crm_id
LEFT JOIN clari_users u ON u.user_id = cu.user_id AND u.valid_to IS NULL)
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > 14) AS no_recent_meeting
FROM engagement e
WHERE e.is_open AND e.closing_this_quarter AND e.is_large AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > 14));

-- ----- bigquery -----
CREATE TABLE IF NOT EXISTS `my-project.clari.clari_sync_runs` (
  run_id STRING NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status STRING NOT NULL,
  as_of DATE NOT NULL,
  trigger STRING NOT NULL,
  error STRING,
  exports INT64,
  exports_failed INT64,
  rows_loaded INT64,
  changes INT64,
  alerts INT64,
  duration_ms INT64,
  quota_left INT64,
  quota_limit INT64,
  concurrency_limit INT64,
  PRIMARY KEY (run_id) NOT ENFORCED
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_export_jobs` (
  job_id STRING,
  run_id STRING NOT NULL,
  forecast_id STRING NOT NULL,
  time_period STRING NOT NULL,
  status STRING NOT NULL,
  created_at TIMESTAMP,
  finished_at TIMESTAMP,
  latency_ms INT64,
  poll_count INT64,
  `rows` INT64,
  payload_sha256 STRING,
  rows_truncated BOOL,
  cells_truncated BOOL,
  error STRING,
  error_code STRING,
  snapshot_date DATE,
  attempts INT64,
  cached BOOL,
  format STRING,
  payload_bytes INT64,
  payload_rows INT64,
  loaded_rows INT64,
  payload_sum NUMERIC(18,2),
  loaded_sum NUMERIC(18,2),
  reconciled BOOL,
  warnings STRING,
  PRIMARY KEY (run_id, forecast_id, time_period) NOT ENFORCED
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_forecast_entries` (
  forecast_id STRING NOT NULL,
  time_period STRING NOT NULL,
  time_frame_id STRING NOT NULL,
  user_id STRING NOT NULL,
  field_id STRING NOT NULL,
  forecast_value NUMERIC(18,2),
  quota_value NUMERIC(18,2),
  adjustment_value NUMERIC(18,2),
  crm_total_value NUMERIC(18,2),
  crm_closed_value NUMERIC(18,2),
  is_updated BOOL,
  updated_by STRING,
  updated_on TIMESTAMP,
  currency STRING,
  valid_from DATE NOT NULL,
  valid_to DATE,
  run_id STRING,
  entry_hash INT64
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_users` (
  user_id STRING NOT NULL,
  name STRING,
  email STRING,
  crm_id STRING,
  hierarchy_id STRING,
  hierarchy_name STRING,
  parent_hierarchy_id STRING,
  parent_hierarchy_name STRING,
  scope_id STRING,
  valid_from DATE NOT NULL,
  valid_to DATE
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_forecasts` (
  owner_name STRING NOT NULL,
  owner_email STRING NOT NULL,
  user_id STRING NOT NULL,
  field_id STRING NOT NULL,
  field_name STRING,
  forecast_amount NUMERIC(18,2),
  quota_amount NUMERIC(18,2),
  crm_total NUMERIC(18,2),
  crm_closed NUMERIC(18,2),
  adjustment_amount NUMERIC(18,2),
  time_period STRING NOT NULL,
  forecast_name STRING NOT NULL,
  snapshot_date DATE NOT NULL,
  exported_at TIMESTAMP NOT NULL,
  time_frame_id STRING,
  is_updated BOOL,
  currency STRING,
  run_id STRING
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_forecast_changes` (
  owner_email STRING,
  owner_name STRING,
  forecast_name STRING NOT NULL,
  field_id STRING NOT NULL,
  time_period STRING NOT NULL,
  previous_amount NUMERIC(18,2),
  current_amount NUMERIC(18,2),
  change_amount NUMERIC(18,2),
  change_pct FLOAT64,
  previous_snapshot DATE,
  current_snapshot DATE NOT NULL,
  detected_at TIMESTAMP NOT NULL,
  user_id STRING NOT NULL,
  field_name STRING,
  change_kind STRING NOT NULL,
  run_id STRING
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_alerts` (
  alert_id STRING NOT NULL,
  rule STRING NOT NULL,
  severity STRING NOT NULL,
  channel STRING NOT NULL,
  status STRING NOT NULL,
  fingerprint STRING NOT NULL,
  created_at TIMESTAMP NOT NULL,
  payload STRING,
  run_id STRING,
  error STRING,
  PRIMARY KEY (alert_id, channel) NOT ENFORCED
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_snapshots` (
  forecast_id STRING NOT NULL,
  time_period STRING NOT NULL,
  snapshot_date DATE NOT NULL,
  run_id STRING NOT NULL,
  job_id STRING,
  payload_sha256 STRING,
  loaded_at TIMESTAMP NOT NULL,
  entries INT64 NOT NULL,
  users INT64,
  latest_time_frame STRING,
  PRIMARY KEY (forecast_id, time_period, snapshot_date) NOT ENFORCED
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_fields` (
  forecast_id STRING NOT NULL,
  field_id STRING NOT NULL,
  field_name STRING,
  field_type STRING,
  is_quota BOOL,
  last_seen DATE,
  PRIMARY KEY (forecast_id, field_id) NOT ENFORCED
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_time_frames` (
  time_period STRING NOT NULL,
  time_frame_id STRING NOT NULL,
  start_date DATE,
  end_date DATE,
  PRIMARY KEY (time_period, time_frame_id) NOT ENFORCED
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_time_periods` (
  time_period STRING NOT NULL,
  start_date DATE,
  end_date DATE,
  label STRING,
  year STRING,
  PRIMARY KEY (time_period) NOT ENFORCED
);

DELETE FROM clari_schema_migrations WHERE version = @p1;

INSERT INTO clari_schema_migrations (version, name, applied_at, checksum) VALUES (@p1, @p2, @p3, @p4);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_activities` (
  activity_id STRING NOT NULL,
  activity_type STRING,
  subject STRING,
  activity_at TIMESTAMP,
  owner_crm_id STRING,
  organiser_crm_id STRING,
  account_ids ARRAY<STRING>,
  opportunity_ids ARRAY<STRING>,
  exported_at TIMESTAMP,
  as_of DATE NOT NULL,
  job_id STRING,
  run_id STRING
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_activity_participants` (
  activity_id STRING NOT NULL,
  ordinal INT64 NOT NULL,
  email STRING,
  name STRING,
  crm_user_id STRING,
  is_internal BOOL
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_activity_opportunities` (
  activity_id STRING NOT NULL,
  ordinal INT64 NOT NULL,
  opportunity_id STRING NOT NULL,
  opportunity_name STRING,
  owner_crm_id STRING
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_activity_accounts` (
  activity_id STRING NOT NULL,
  ordinal INT64 NOT NULL,
  account_id STRING NOT NULL,
  account_name STRING,
  owner_crm_id STRING
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_activity_windows` (
  as_of DATE NOT NULL,
  from_date DATE NOT NULL,
  to_date DATE NOT NULL,
  job_id STRING,
  payload_sha256 STRING,
  activities INT64 NOT NULL,
  participants INT64,
  run_id STRING,
  loaded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (as_of) NOT ENFORCED
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_opportunities` (
  opportunity_id STRING NOT NULL,
  name STRING,
  owner_crm_id STRING,
  amount NUMERIC(18,2),
  stage STRING,
  close_date DATE,
  crm_score FLOAT64,
  crm_score_message STRING,
  valid_from DATE NOT NULL,
  valid_to DATE,
  run_id STRING
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_opportunity_field_history` (
  opportunity_id STRING NOT NULL,
  field_id STRING NOT NULL,
  old_value STRING,
  new_value STRING,
  changed_at TIMESTAMP NOT NULL,
  first_seen DATE NOT NULL,
  run_id STRING
);

CREATE TABLE IF NOT EXISTS `my-project.clari.clari_opportunity_snapshots` (
  as_of DATE NOT NULL,
  requested INT64 NOT NULL,
  opportunities INT64 NOT NULL,
  calls INT64,
  payload_sha256 STRING,
  amount_sum NUMERIC(18,2),
  run_id STRING,
  loaded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (as_of) NOT ENFORCED
);

ALTER TABLE `my-project.clari.clari_forecast_entries` ADD COLUMN IF NOT EXISTS entry_hash INT64;

CREATE OR REPLACE VIEW `my-project.clari.v_forecast_accuracy` AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM `my-project.clari.clari_time_frames`) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM `my-project.clari.clari_forecasts` GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM `my-project.clari.clari_snapshots`) THEN 'closed' ELSE 'in progress' END AS status
    FROM `my-project.clari.clari_time_periods` p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  calls AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, f.week_index, e.time_frame_id, e.forecast_value AS forecast_amount
    FROM `my-project.clari.clari_forecast_entries` e
    JOIN `my-project.clari.clari_fields` cf ON cf.forecast_id = e.forecast_id AND cf.field_id = e.field_id AND NOT coalesce(cf.is_quota, FALSE)
    JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL),
  actuals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, l.snapshot_date, max(c.crm_closed) AS actual, max(c.owner_name) AS owner_name, max(c.owner_email) AS owner_email
    FROM `my-project.clari.clari_forecasts` c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    GROUP BY c.forecast_name, c.time_period, c.user_id, l.snapshot_date),
  scored AS (
    SELECT k.forecast_id AS forecast_name, k.time_period, coalesce(s.status, 'in progress') AS period_status,
           k.user_id, a.owner_name, a.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
           k.field_id, fl.field_name, k.week_index, k.time_frame_id, k.forecast_amount,
           CASE WHEN s.status = 'closed' THEN a.actual END AS actual_closed
    FROM calls k
    LEFT JOIN actuals a ON a.forecast_name = k.forecast_id AND a.time_period = k.time_period AND a.user_id = k.user_id
    LEFT JOIN period_status s ON s.time_period = k.time_period
    LEFT JOIN `my-project.clari.clari_fields` fl ON fl.forecast_id = k.forecast_id AND fl.field_id = k.field_id
    LEFT JOIN `my-project.clari.clari_users` uw ON uw.user_id = k.user_id AND uw.valid_from <= a.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > a.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN `my-project.clari.clari_users` mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN `my-project.clari.clari_users` ui ON ui.user_id = k.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN `my-project.clari.clari_users` mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id)
SELECT scored.*,
  round(CAST(CASE WHEN CAST(abs(forecast_amount - actual_closed) AS NUMERIC) / NULLIF(CAST(actual_closed AS NUMERIC), 0) > 1 THEN 0
    ELSE (1 - CAST(abs(forecast_amount - actual_closed) AS NUMERIC) / NULLIF(CAST(actual_closed AS NUMERIC), 0)) * 100 END AS NUMERIC), 1) AS accuracy_pct,
  forecast_amount - actual_closed AS error_amount,
  round(CAST(CAST(forecast_amount - actual_closed AS NUMERIC) / NULLIF(CAST(actual_closed AS NUMERIC), 0) * 100 AS NUMERIC), 1) AS bias_pct,
  round(CAST(CAST(sum(CASE WHEN is_rep THEN abs(forecast_amount - actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index) AS NUMERIC) / NULLIF(CAST(sum(CASE WHEN is_rep THEN abs(actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index) AS NUMERIC), 0) * 100 AS NUMERIC), 1) AS wape_pct
FROM scored;

CREATE OR REPLACE VIEW `my-project.clari.v_pipeline_coverage` AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM `my-project.clari.clari_time_frames`) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM `my-project.clari.clari_forecasts` GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM `my-project.clari.clari_snapshots`) THEN 'closed' ELSE 'in progress' END AS status
    FROM `my-project.clari.clari_time_periods` p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  pipe_field AS (
    SELECT forecast_id, min(field_id) AS field_id FROM `my-project.clari.clari_fields`
    WHERE NOT coalesce(is_quota, FALSE) AND lower(coalesce(field_name, field_id)) LIKE '%pipeline%' GROUP BY forecast_id),
  week_one AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.crm_total_value - coalesce(e.crm_closed_value, 0) AS start_pipeline
    FROM `my-project.clari.clari_forecast_entries` e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    JOIN pipe_field pf ON pf.forecast_id = e.forecast_id AND pf.field_id = e.field_id
    WHERE e.valid_to IS NULL AND f.week_index = 1),
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, max(c.crm_closed) AS closed_won
    FROM `my-project.clari.clari_forecasts` c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    GROUP BY c.forecast_name, c.time_period, c.user_id),
  win_periods AS (
    SELECT f.forecast_name, f.user_id, f.closed_won, w.start_pipeline,
           dense_rank() OVER (PARTITION BY f.forecast_name, f.user_id ORDER BY f.time_period DESC) AS recency
    FROM finals f JOIN week_one w ON w.forecast_id = f.forecast_name AND w.time_period = f.time_period AND w.user_id = f.user_id
    WHERE w.start_pipeline > 0 AND f.closed_won IS NOT NULL),
  win AS (
    SELECT forecast_name, user_id, CAST(sum(closed_won) AS NUMERIC) / NULLIF(CAST(sum(start_pipeline) AS NUMERIC), 0) AS win_rate, count(*) AS periods
    FROM win_periods WHERE recency <= 4 GROUP BY forecast_name, user_id),
  rows_in AS (
    SELECT c.*, coalesce(p.crm_total, c.crm_total) - c.crm_closed AS open_pipeline,
           greatest(coalesce(c.quota_amount - c.crm_closed, 0), 0) AS quota_left, coalesce(pf.field_id, c.field_id) AS pipeline_field_id
    FROM `my-project.clari.clari_forecasts` c
    JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    LEFT JOIN pipe_field pf ON pf.forecast_id = c.forecast_name
    LEFT JOIN `my-project.clari.clari_forecasts` p ON p.forecast_name = c.forecast_name AND p.time_period = c.time_period AND p.snapshot_date = c.snapshot_date
      AND p.user_id = c.user_id AND p.field_id = pf.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
  c.field_id, c.field_name, c.crm_total, c.crm_closed, c.open_pipeline AS pipeline, c.pipeline_field_id, c.quota_amount,
  c.quota_left AS remaining_quota,
  round(CAST(CAST(c.open_pipeline AS NUMERIC) / NULLIF(CAST(c.quota_left AS NUMERIC), 0) AS NUMERIC), 2) AS coverage,
  round(CAST(win.win_rate AS NUMERIC), 4) AS win_rate, coalesce(win.periods, 0) AS win_rate_periods,
  round(CAST(CAST(1 AS NUMERIC) / NULLIF(CAST(win.win_rate AS NUMERIC), 0) AS NUMERIC), 2) AS required_coverage
FROM rows_in c
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN win ON win.forecast_name = c.forecast_name AND win.user_id = c.user_id
LEFT JOIN `my-project.clari.clari_users` uw ON uw.user_id = c.user_id AND uw.valid_from <= c.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > c.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN `my-project.clari.clari_users` mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN `my-project.clari.clari_users` ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN `my-project.clari.clari_users` mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id;

CREATE OR REPLACE VIEW `my-project.clari.v_rep_performance` AS
WITH frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM `my-project.clari.clari_time_frames`) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM `my-project.clari.clari_forecasts` GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM `my-project.clari.clari_snapshots`) THEN 'closed' ELSE 'in progress' END AS status
    FROM `my-project.clari.clari_time_periods` p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL),
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, c.field_id, c.forecast_amount, c.crm_closed,
           dense_rank() OVER (PARTITION BY c.forecast_name, c.user_id, c.field_id ORDER BY c.time_period DESC) AS recency
    FROM `my-project.clari.clari_forecasts` c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    WHERE c.forecast_amount IS NOT NULL AND c.crm_closed IS NOT NULL),
  bias AS (
    SELECT forecast_name, user_id, field_id, count(*) AS bias_periods,
           round(CAST(CAST(sum(forecast_amount - crm_closed) AS NUMERIC) / NULLIF(CAST(sum(crm_closed) AS NUMERIC), 0) * 100 AS NUMERIC), 1) AS bias_pct
    FROM finals WHERE recency <= 4 GROUP BY forecast_name, user_id, field_id),
  weekly AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, max(f.week_index) AS latest_week, max(CASE WHEN e.is_updated THEN f.week_index END) AS updated_week
    FROM `my-project.clari.clari_forecast_entries` e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL GROUP BY e.forecast_id, e.time_period, e.user_id, e.field_id),
  moves AS (
    SELECT ch.forecast_name, ch.time_period, ch.user_id, ch.field_id, max(abs(ch.change_amount)) AS largest_move
    FROM `my-project.clari.clari_forecast_changes` ch JOIN latest l ON l.forecast_name = ch.forecast_name AND l.time_period = ch.time_period
    WHERE ch.change_kind = 'changed' AND ch.current_snapshot > DATE_SUB(l.snapshot_date, INTERVAL 7 DAY)
    GROUP BY ch.forecast_name, ch.time_period, ch.user_id, ch.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep,
  c.field_id, c.field_name, c.forecast_amount, c.quota_amount, c.crm_closed, c.crm_total, c.adjustment_amount,
  round(CAST(CAST(c.crm_closed AS NUMERIC) / NULLIF(CAST(c.quota_amount AS NUMERIC), 0) * 100 AS NUMERIC), 1) AS attainment_pct,
  round(CAST(CAST(c.forecast_amount AS NUMERIC) / NULLIF(CAST(c.quota_amount AS NUMERIC), 0) * 100 AS NUMERIC), 1) AS forecast_to_quota_pct,
  b.bias_pct, coalesce(b.bias_periods, 0) AS bias_periods,
  c.is_updated, w.latest_week - coalesce(w.updated_week, 0) AS weeks_since_update,
  m.largest_move AS largest_move_7d
FROM `my-project.clari.clari_forecasts` c
JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN bias b ON b.forecast_name = c.forecast_name AND b.user_id = c.user_id AND b.field_id = c.field_id
LEFT JOIN weekly w ON w.forecast_id = c.forecast_name AND w.time_period = c.time_period AND w.user_id = c.user_id AND w.field_id = c.field_id
LEFT JOIN moves m ON m.forecast_name = c.forecast_name AND m.time_period = c.time_period AND m.user_id = c.user_id AND m.field_id = c.field_id
LEFT JOIN `my-project.clari.clari_users` uw ON uw.user_id = c.user_id AND uw.valid_from <= c.snapshot_date AND (uw.valid_to IS NULL OR uw.valid_to > c.snapshot_date)
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN `my-project.clari.clari_users` mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN `my-project.clari.clari_users` ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN `my-project.clari.clari_users` mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id;

CREATE OR REPLACE VIEW `my-project.clari.v_pipeline_health` AS
WITH jobs AS (
  SELECT run_id, count(*) AS exports, sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
         sum(CASE WHEN cached THEN 1 ELSE 0 END) AS cached, avg(CAST(latency_ms AS FLOAT64)) AS avg_latency_ms, max(latency_ms) AS max_latency_ms,
         sum(coalesce(poll_count, 0)) AS polls
  FROM `my-project.clari.clari_export_jobs` GROUP BY run_id),
successes AS (
  SELECT r.run_id, max(p.finished_at) AS last_success_at
  FROM `my-project.clari.clari_sync_runs` r JOIN `my-project.clari.clari_sync_runs` p ON p.status = 'success' AND p.finished_at <= coalesce(r.finished_at, r.started_at)
  GROUP BY r.run_id)
SELECT r.run_id, r.started_at, r.finished_at, r.status, r.trigger, r.as_of, coalesce(j.exports, 0) AS exports, coalesce(j.failed, 0) AS exports_failed,
  coalesce(j.cached, 0) AS exports_cached,
  round(CAST(CAST(coalesce(j.exports, 0) - coalesce(j.failed, 0) AS NUMERIC) / NULLIF(CAST(j.exports AS NUMERIC), 0) * 100 AS NUMERIC), 1) AS completion_pct,
  round(CAST(j.avg_latency_ms AS NUMERIC), 0) AS avg_latency_ms, j.max_latency_ms, j.polls,
  r.rows_loaded, r.changes, r.alerts, r.duration_ms, r.quota_left, r.quota_limit, r.error, s.last_success_at
FROM `my-project.clari.clari_sync_runs` r LEFT JOIN jobs j ON j.run_id = r.run_id LEFT JOIN successes s ON s.run_id = r.run_id;

CREATE OR REPLACE VIEW `my-project.clari.v_export_health` AS
SELECT j.run_id, r.started_at AS run_started_at, j.forecast_id, j.time_period, j.snapshot_date, j.job_id, j.status, j.cached, j.attempts, j.poll_count,
  j.latency_ms, j.`rows`, j.payload_bytes, j.reconciled, j.rows_truncated, j.cells_truncated, j.error_code, j.error, j.warnings
FROM `my-project.clari.clari_export_jobs` j LEFT JOIN `my-project.clari.clari_sync_runs` r ON r.run_id = j.run_id;

CREATE OR REPLACE VIEW `my-project.clari.v_deal_movement` AS
WITH RECURSIVE edges AS (
    SELECT DISTINCT hierarchy_id, parent_hierarchy_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL),
  subtree AS (
    SELECT hierarchy_id AS root_id, hierarchy_id, CAST(0 AS INT64) AS depth FROM edges
    UNION ALL
    SELECT s.root_id, e.hierarchy_id, CAST(s.depth + 1 AS INT64) AS depth FROM subtree s JOIN edges e ON e.parent_hierarchy_id = s.hierarchy_id
    WHERE s.depth < 20),
  team AS (
    SELECT DISTINCT lead_user_id, crm_id FROM (
      SELECT r.user_id AS lead_user_id, m.crm_id FROM `my-project.clari.clari_users` r
      JOIN subtree s ON s.root_id = r.hierarchy_id
      JOIN `my-project.clari.clari_users` m ON m.hierarchy_id = s.hierarchy_id AND m.valid_to IS NULL
      WHERE r.valid_to IS NULL
      UNION ALL
      SELECT user_id AS lead_user_id, crm_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL) members
    WHERE crm_id IS NOT NULL),
  pairs AS (
    SELECT DISTINCT previous_snapshot, current_snapshot FROM `my-project.clari.clari_forecast_changes`
    WHERE change_kind = 'changed' AND previous_snapshot IS NOT NULL),
  moved AS (
    SELECT x.previous_snapshot, x.current_snapshot, a.opportunity_id, a.name AS opportunity_name,
           b.owner_crm_id AS previous_owner_crm_id, a.owner_crm_id AS current_owner_crm_id,
           b.amount AS previous_amount, a.amount AS current_amount, b.stage AS previous_stage, a.stage AS current_stage,
           b.close_date AS previous_close_date, a.close_date AS current_close_date, a.crm_score, a.crm_score_message
    FROM pairs x
    JOIN `my-project.clari.clari_opportunities` a ON a.valid_from <= x.current_snapshot AND (a.valid_to IS NULL OR a.valid_to > x.current_snapshot)
    JOIN `my-project.clari.clari_opportunities` b ON b.opportunity_id = a.opportunity_id
      AND b.valid_from <= x.previous_snapshot AND (b.valid_to IS NULL OR b.valid_to > x.previous_snapshot)
    WHERE b.amount IS DISTINCT FROM a.amount OR b.stage IS DISTINCT FROM a.stage OR b.close_date IS DISTINCT FROM a.close_date
      OR b.owner_crm_id IS DISTINCT FROM a.owner_crm_id),
  holders AS (
    SELECT previous_snapshot, current_snapshot, opportunity_id, previous_owner_crm_id AS crm_id FROM moved
    UNION ALL
    SELECT previous_snapshot, current_snapshot, opportunity_id, current_owner_crm_id AS crm_id FROM moved),
  under AS (
    SELECT DISTINCT tm.lead_user_id AS user_id, h.previous_snapshot, h.current_snapshot, h.opportunity_id
    FROM holders h JOIN team tm ON tm.crm_id = h.crm_id),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL)
SELECT c.forecast_name, c.time_period, c.field_id, c.field_name, c.user_id, c.owner_name, c.owner_email,
  CASE WHEN lr.hierarchy_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level,
  c.previous_snapshot, c.current_snapshot, c.previous_amount AS previous_call, c.current_amount AS current_call, c.change_amount AS call_change,
  d.opportunity_id, d.opportunity_name, d.current_owner_crm_id AS deal_owner_crm_id, du.user_id AS deal_owner_user_id,
  du.name AS deal_owner_name, du.email AS deal_owner_email, d.previous_owner_crm_id,
  d.previous_amount, d.current_amount, coalesce(d.current_amount, 0) - coalesce(d.previous_amount, 0) AS amount_change,
  d.previous_stage, d.current_stage, d.previous_close_date, d.current_close_date,
  d.previous_amount IS DISTINCT FROM d.current_amount AS amount_changed,
  d.previous_stage IS DISTINCT FROM d.current_stage AS stage_changed,
  d.previous_close_date IS DISTINCT FROM d.current_close_date AS close_date_changed,
  d.previous_owner_crm_id IS DISTINCT FROM d.current_owner_crm_id AS owner_changed,
  coalesce((d.previous_close_date >= p.start_date AND d.previous_close_date <= p.end_date) AND d.current_close_date > p.end_date, FALSE) AS slipped,
  coalesce(d.previous_close_date > p.end_date AND (d.current_close_date >= p.start_date AND d.current_close_date <= p.end_date), FALSE) AS pulled_in,
  d.crm_score, d.crm_score_message
FROM `my-project.clari.clari_forecast_changes` c
JOIN `my-project.clari.clari_time_periods` p ON p.time_period = c.time_period
JOIN under u ON u.user_id = c.user_id AND u.previous_snapshot = c.previous_snapshot AND u.current_snapshot = c.current_snapshot
JOIN moved d ON d.opportunity_id = u.opportunity_id AND d.previous_snapshot = c.previous_snapshot AND d.current_snapshot = c.current_snapshot
LEFT JOIN crm_users cu ON cu.crm_id = d.current_owner_crm_id
LEFT JOIN `my-project.clari.clari_users` du ON du.user_id = cu.user_id AND du.valid_to IS NULL
LEFT JOIN `my-project.clari.clari_users` ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id
WHERE c.change_kind = 'changed' AND ((d.previous_close_date >= p.start_date AND d.previous_close_date <= p.end_date) OR (d.current_close_date >= p.start_date AND d.current_close_date <= p.end_date));

CREATE OR REPLACE VIEW `my-project.clari.v_deal_engagement` AS
WITH ref AS (
    SELECT max(as_of) AS as_of FROM `my-project.clari.clari_opportunity_snapshots`),
  quarter AS (
    SELECT min(p.time_period) AS time_period, min(p.start_date) AS start_date, min(p.end_date) AS end_date
    FROM `my-project.clari.clari_time_periods` p JOIN ref r ON p.start_date <= r.as_of AND p.end_date >= r.as_of),
  cur AS (
    SELECT o.opportunity_id, o.name, o.owner_crm_id, o.amount, o.stage, o.close_date, o.crm_score, o.crm_score_message,
           lower(coalesce(o.stage, '')) NOT LIKE 'closed%' AS is_open
    FROM `my-project.clari.clari_opportunities` o WHERE o.valid_to IS NULL),
  seen AS (
    SELECT opportunity_id, min(valid_from) AS first_seen FROM `my-project.clari.clari_opportunities` GROUP BY opportunity_id),
  score_before AS (
    SELECT opportunity_id, crm_score AS previous_crm_score FROM (
      SELECT o.opportunity_id, o.crm_score, row_number() OVER (PARTITION BY o.opportunity_id ORDER BY o.valid_from DESC) AS recency
      FROM `my-project.clari.clari_opportunities` o JOIN cur c ON c.opportunity_id = o.opportunity_id
      WHERE o.valid_to IS NOT NULL AND o.crm_score IS NOT NULL AND c.crm_score IS NOT NULL AND o.crm_score <> c.crm_score) ranked
    WHERE recency = 1),
  touches AS (
    SELECT DISTINCT ao.opportunity_id, a.activity_id, a.activity_type, a.activity_at
    FROM `my-project.clari.clari_activity_opportunities` ao JOIN `my-project.clari.clari_activities` a ON a.activity_id = ao.activity_id
    WHERE a.activity_at IS NOT NULL),
  activity AS (
    SELECT opportunity_id, count(*) AS activities, count(CASE WHEN activity_type = 'MEETING' THEN 1 END) AS meetings,
           max(activity_at) AS last_activity_at, max(CASE WHEN activity_type = 'MEETING' THEN activity_at END) AS last_meeting_at
    FROM touches GROUP BY opportunity_id),
  last_touch AS (
    SELECT opportunity_id, activity_type AS last_activity_type FROM (
      SELECT opportunity_id, activity_type, row_number() OVER (PARTITION BY opportunity_id ORDER BY activity_at DESC, activity_id DESC) AS recency
      FROM touches) ranked
    WHERE recency = 1),
  people AS (
    SELECT x.opportunity_id,
           count(DISTINCT CASE WHEN p.is_internal THEN lower(coalesce(p.email, p.name)) END) AS internal_participants,
           count(DISTINCT CASE WHEN NOT coalesce(p.is_internal, FALSE) THEN lower(coalesce(p.email, p.name)) END) AS external_participants
    FROM touches x JOIN `my-project.clari.clari_activity_participants` p ON p.activity_id = x.activity_id GROUP BY x.opportunity_id),
  sized AS (
    SELECT c.opportunity_id, percent_rank() OVER (ORDER BY c.amount) AS amount_rank
    FROM cur c CROSS JOIN quarter q
    WHERE c.is_open AND c.amount IS NOT NULL AND c.close_date >= q.start_date AND c.close_date <= q.end_date),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id)
SELECT r.as_of, q.time_period AS quarter, c.opportunity_id, c.name AS opportunity_name, c.owner_crm_id,
  u.user_id AS owner_user_id, u.name AS owner_name, u.email AS owner_email,
  c.amount, c.stage, c.close_date, c.is_open,
  coalesce(c.close_date >= q.start_date AND c.close_date <= q.end_date, FALSE) AS closing_this_quarter,
  round(CAST(z.amount_rank AS NUMERIC), 4) AS amount_percent_rank,
  coalesce(z.amount_rank >= 0.75, FALSE) AS is_large,
  c.crm_score, c.crm_score_message, sb.previous_crm_score, c.crm_score - sb.previous_crm_score AS crm_score_change,
  coalesce(c.crm_score < sb.previous_crm_score, FALSE) AS score_falling,
  coalesce(a.activities, 0) AS activities, coalesce(a.meetings, 0) AS meetings,
  a.last_activity_at, lt.last_activity_type, a.last_meeting_at,
  DATE_DIFF(r.as_of, CAST(a.last_activity_at AS DATE), DAY) AS days_since_last_activity,
  DATE_DIFF(r.as_of, CAST(a.last_meeting_at AS DATE), DAY) AS days_since_last_meeting,
  coalesce(pp.internal_participants, 0) AS internal_participants, coalesce(pp.external_participants, 0) AS external_participants,
  round(CAST(CAST(coalesce(pp.external_participants, 0) AS NUMERIC) / NULLIF(CAST(coalesce(pp.internal_participants, 0) + coalesce(pp.external_participants, 0) AS NUMERIC), 0) * 100 AS NUMERIC), 1) AS external_share_pct,
  s.first_seen
FROM cur c CROSS JOIN ref r CROSS JOIN quarter q
LEFT JOIN seen s ON s.opportunity_id = c.opportunity_id
LEFT JOIN score_before sb ON sb.opportunity_id = c.opportunity_id
LEFT JOIN activity a ON a.opportunity_id = c.opportunity_id
LEFT JOIN last_touch lt ON lt.opportunity_id = c.opportunity_id
LEFT JOIN people pp ON pp.opportunity_id = c.opportunity_id
LEFT JOIN sized z ON z.opportunity_id = c.opportunity_id
LEFT JOIN crm_users cu ON cu.crm_id = c.owner_crm_id
LEFT JOIN `my-project.clari.clari_users` u ON u.user_id = cu.user_id AND u.valid_to IS NULL;

CREATE OR REPLACE VIEW `my-project.clari.v_deals_at_risk` AS
WITH ref AS (
    SELECT max(as_of) AS as_of FROM `my-project.clari.clari_opportunity_snapshots`),
  quarter AS (
    SELECT min(p.time_period) AS time_period, min(p.start_date) AS start_date, min(p.end_date) AS end_date
    FROM `my-project.clari.clari_time_periods` p JOIN ref r ON p.start_date <= r.as_of AND p.end_date >= r.as_of),
  cur AS (
    SELECT o.opportunity_id, o.name, o.owner_crm_id, o.amount, o.stage, o.close_date, o.crm_score, o.crm_score_message,
           lower(coalesce(o.stage, '')) NOT LIKE 'closed%' AS is_open
    FROM `my-project.clari.clari_opportunities` o WHERE o.valid_to IS NULL),
  seen AS (
    SELECT opportunity_id, min(valid_from) AS first_seen FROM `my-project.clari.clari_opportunities` GROUP BY opportunity_id),
  score_before AS (
    SELECT opportunity_id, crm_score AS previous_crm_score FROM (
      SELECT o.opportunity_id, o.crm_score, row_number() OVER (PARTITION BY o.opportunity_id ORDER BY o.valid_from DESC) AS recency
      FROM `my-project.clari.clari_opportunities` o JOIN cur c ON c.opportunity_id = o.opportunity_id
      WHERE o.valid_to IS NOT NULL AND o.crm_score IS NOT NULL AND c.crm_score IS NOT NULL AND o.crm_score <> c.crm_score) ranked
    WHERE recency = 1),
  touches AS (
    SELECT DISTINCT ao.opportunity_id, a.activity_id, a.activity_type, a.activity_at
    FROM `my-project.clari.clari_activity_opportunities` ao JOIN `my-project.clari.clari_activities` a ON a.activity_id = ao.activity_id
    WHERE a.activity_at IS NOT NULL),
  activity AS (
    SELECT opportunity_id, count(*) AS activities, count(CASE WHEN activity_type = 'MEETING' THEN 1 END) AS meetings,
           max(activity_at) AS last_activity_at, max(CASE WHEN activity_type = 'MEETING' THEN activity_at END) AS last_meeting_at
    FROM touches GROUP BY opportunity_id),
  last_touch AS (
    SELECT opportunity_id, activity_type AS last_activity_type FROM (
      SELECT opportunity_id, activity_type, row_number() OVER (PARTITION BY opportunity_id ORDER BY activity_at DESC, activity_id DESC) AS recency
      FROM touches) ranked
    WHERE recency = 1),
  people AS (
    SELECT x.opportunity_id,
           count(DISTINCT CASE WHEN p.is_internal THEN lower(coalesce(p.email, p.name)) END) AS internal_participants,
           count(DISTINCT CASE WHEN NOT coalesce(p.is_internal, FALSE) THEN lower(coalesce(p.email, p.name)) END) AS external_participants
    FROM touches x JOIN `my-project.clari.clari_activity_participants` p ON p.activity_id = x.activity_id GROUP BY x.opportunity_id),
  sized AS (
    SELECT c.opportunity_id, percent_rank() OVER (ORDER BY c.amount) AS amount_rank
    FROM cur c CROSS JOIN quarter q
    WHERE c.is_open AND c.amount IS NOT NULL AND c.close_date >= q.start_date AND c.close_date <= q.end_date),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM `my-project.clari.clari_users` WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id),
  engagement AS (
SELECT r.as_of, q.time_period AS quarter, c.opportunity_id, c.name AS opportunity_name, c.owner_crm_id,
  u.user_id AS owner_user_id, u.name AS owner_name, u.email AS owner_email,
  c.amount, c.stage, c.close_date, c.is_open,
  coalesce(c.close_date >= q.start_date AND c.close_date <= q.end_date, FALSE) AS closing_this_quarter,
  round(CAST(z.amount_rank AS NUMERIC), 4) AS amount_percent_rank,
  coalesce(z.amount_rank >= 0.75, FALSE) AS is_large,
  c.crm_score, c.crm_score_message, sb.previous_crm_score, c.crm_score - sb.previous_crm_score AS crm_score_change,
  coalesce(c.crm_score < sb.previous_crm_score, FALSE) AS score_falling,
  coalesce(a.activities, 0) AS activities, coalesce(a.meetings, 0) AS meetings,
  a.last_activity_at, lt.last_activity_type, a.last_meeting_at,
  DATE_DIFF(r.as_of, CAST(a.last_activity_at AS DATE), DAY) AS days_since_last_activity,
  DATE_DIFF(r.as_of, CAST(a.last_meeting_at AS DATE), DAY) AS days_since_last_meeting,
  coalesce(pp.internal_participants, 0) AS internal_participants, coalesce(pp.external_participants, 0) AS external_participants,
  round(CAST(CAST(coalesce(pp.external_participants, 0) AS NUMERIC) / NULLIF(CAST(coalesce(pp.internal_participants, 0) + coalesce(pp.external_participants, 0) AS NUMERIC), 0) * 100 AS NUMERIC), 1) AS external_share_pct,
  s.first_seen
FROM cur c CROSS JOIN ref r CROSS JOIN quarter q
LEFT JOIN seen s ON s.opportunity_id = c.opportunity_id
LEFT JOIN score_before sb ON sb.opportunity_id = c.opportunity_id
LEFT JOIN activity a ON a.opportunity_id = c.opportunity_id
LEFT JOIN last_touch lt ON lt.opportunity_id = c.opportunity_id
LEFT JOIN people pp ON pp.opportunity_id = c.opportunity_id
LEFT JOIN sized z ON z.opportunity_id = c.opportunity_id
LEFT JOIN crm_users cu ON cu.crm_id = c.owner_crm_id
LEFT JOIN `my-project.clari.clari_users` u ON u.user_id = cu.user_id AND u.valid_to IS NULL)
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > 14) AS no_recent_meeting
FROM engagement e
WHERE e.is_open AND e.closing_this_quarter AND e.is_large AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > 14));

-- ===== warehouse/migrations.ts ensureLedger =====

-- ----- duckdb -----
CREATE TABLE IF NOT EXISTS clari_schema_migrations (
  version INTEGER NOT NULL,
  name VARCHAR NOT NULL,
  applied_at TIMESTAMP NOT NULL,
  checksum VARCHAR NOT NULL,
  PRIMARY KEY (version)
);

-- ----- postgres -----
CREATE TABLE IF NOT EXISTS clari_schema_migrations (
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at TIMESTAMP NOT NULL,
  checksum TEXT NOT NULL,
  PRIMARY KEY (version)
);

-- ----- snowflake -----
CREATE TABLE IF NOT EXISTS clari_schema_migrations (
  version INTEGER NOT NULL,
  name VARCHAR NOT NULL,
  applied_at TIMESTAMP_NTZ NOT NULL,
  checksum VARCHAR NOT NULL,
  PRIMARY KEY (version)
);

-- ----- bigquery -----
CREATE TABLE IF NOT EXISTS `my-project.clari.clari_schema_migrations` (
  version INT64 NOT NULL,
  name STRING NOT NULL,
  applied_at TIMESTAMP NOT NULL,
  checksum STRING NOT NULL,
  PRIMARY KEY (version) NOT ENFORCED
);

-- ===== warehouse/migrations.ts migrationStatus =====

-- ----- duckdb -----
SELECT version, checksum FROM clari_schema_migrations ORDER BY version;

-- ----- postgres -----
SELECT version, checksum FROM clari_schema_migrations ORDER BY version;

-- ----- snowflake -----
SELECT version, checksum FROM clari_schema_migrations ORDER BY version;

-- ----- bigquery -----
SELECT version, checksum FROM clari_schema_migrations ORDER BY version;
