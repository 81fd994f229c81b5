-- Golden SQL, postgres: every distinct statement clari-dp sent in test/support/golden-scenario.ts, as the
-- engine received it, grouped by the statement family function that sent it (src/warehouse/sql/<family>.ts <function>;
-- migrations, privilege probes and the adapter's bulk path besides) (282 statements).
-- Regenerate: npx vitest run test/warehouse/golden.test.ts -u

-- ===== warehouse/migrations.ts ensureLedger =====
CREATE TABLE IF NOT EXISTS clari_schema_migrations (
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at TIMESTAMP NOT NULL,
  checksum TEXT NOT NULL,
  PRIMARY KEY (version)
);

-- ===== warehouse/migrations.ts migrationStatus =====
SELECT version, checksum FROM clari_schema_migrations ORDER BY version;

-- ===== warehouse/migrations.ts apply =====
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

-- ===== warehouse/sql/runs.ts markInterruptedRuns =====
UPDATE clari_sync_runs SET status = 'failed', error = $1 WHERE status = 'running';

-- ===== warehouse/sql/runs.ts insertRun =====
INSERT INTO clari_sync_runs (run_id, started_at, status, as_of, trigger, exports) VALUES ($1, $2, $3, $4, $5, $6);

-- ===== warehouse/sql/load.ts latestSnapshotDate =====
SELECT max(snapshot_date) AS latest FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2;

-- ===== warehouse/postgres bulk load =====
-- bulk load into stage_entries (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_users (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_fields (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_frames (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_activity_rows (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_opportunity_rows (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_gone (postgres adapter: COPY FROM STDIN);

-- bulk load into clari_dp_probe_stage (postgres adapter: COPY FROM STDIN);

-- ===== warehouse/sql/load.ts repeatedKeys =====
SELECT count(*) AS n FROM (SELECT 1 AS one FROM stage_entries GROUP BY time_frame_id, user_id, field_id HAVING count(*) > 1) d;

-- ===== warehouse/sql/load.ts createDiffStage =====
DROP TABLE IF EXISTS stage_entries_diff;

CREATE TEMP TABLE stage_entries_diff (time_frame_id TEXT, user_id TEXT, field_id TEXT, forecast_value BIGINT, quota_value BIGINT, adjustment_value BIGINT, crm_total_value BIGINT, crm_closed_value BIGINT, is_updated BOOLEAN, updated_by TEXT, updated_on BIGINT, currency TEXT, entry_hash BIGINT, ended_time_frame_id TEXT, ended_user_id TEXT, ended_field_id TEXT, rehash BOOLEAN) ON COMMIT DROP;

-- ===== warehouse/sql/load.ts previousSnapshot =====
SELECT snapshot_date, entries FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3 ORDER BY snapshot_date DESC LIMIT 1;

-- ===== warehouse/sql/load.ts hasCurrentVersions =====
SELECT 1 AS one FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL LIMIT 1;

-- ===== warehouse/sql/load.ts insertFirstVersions =====
INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash) SELECT $1, $2, s.time_frame_id, s.user_id, s.field_id, CAST(s.forecast_value * 0.01 AS NUMERIC(18,2)), CAST(s.quota_value * 0.01 AS NUMERIC(18,2)), CAST(s.adjustment_value * 0.01 AS NUMERIC(18,2)), CAST(s.crm_total_value * 0.01 AS NUMERIC(18,2)), CAST(s.crm_closed_value * 0.01 AS NUMERIC(18,2)), s.is_updated, s.updated_by, (to_timestamp(s.updated_on / 1000.0) AT TIME ZONE 'UTC'), s.currency, $3, NULL, $4, NULLIF(s.entry_hash, 0) FROM stage_entries s;

-- ===== warehouse/sql/load.ts applyUsers =====
UPDATE clari_users t SET name = s.name, email = s.email, crm_id = s.crm_id, hierarchy_id = s.hierarchy_id, hierarchy_name = s.hierarchy_name, parent_hierarchy_id = s.parent_hierarchy_id, parent_hierarchy_name = s.parent_hierarchy_name, scope_id = s.scope_id
     FROM stage_users s WHERE t.user_id = s.user_id AND t.valid_to IS NULL AND t.valid_from = $1 AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id);

UPDATE clari_users t SET valid_to = $1
     WHERE t.valid_to IS NULL AND t.valid_from < $1 AND EXISTS (SELECT 1 FROM stage_users s WHERE s.user_id = t.user_id AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id));

INSERT INTO clari_users (user_id, name, email, crm_id, hierarchy_id, hierarchy_name, parent_hierarchy_id, parent_hierarchy_name, scope_id, valid_from, valid_to)
     SELECT s.user_id, s.name, s.email, s.crm_id, s.hierarchy_id, s.hierarchy_name, s.parent_hierarchy_id, s.parent_hierarchy_name, s.scope_id, $1, NULL FROM stage_users s
     WHERE NOT EXISTS (SELECT 1 FROM clari_users t WHERE t.user_id = s.user_id AND t.valid_to IS NULL);

-- ===== warehouse/sql/load.ts applyDimensions =====
DELETE FROM clari_fields WHERE forecast_id = $1 AND field_id IN (SELECT field_id FROM stage_fields);

INSERT INTO clari_fields (forecast_id, field_id, field_name, field_type, is_quota, last_seen) SELECT $1, field_id, field_name, field_type, is_quota, $2 FROM stage_fields;

DELETE FROM clari_time_frames WHERE time_period = $1 AND time_frame_id IN (SELECT time_frame_id FROM stage_frames);

INSERT INTO clari_time_frames (time_period, time_frame_id, start_date, end_date) SELECT $1, time_frame_id, CAST(start_date AS DATE), CAST(end_date AS DATE) FROM stage_frames;

DELETE FROM clari_time_periods WHERE time_period = $1;

INSERT INTO clari_time_periods (time_period, start_date, end_date, label, year) VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE), $4, $5);

-- ===== warehouse/sql/load.ts insertDailyForecasts =====
INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            CAST(s.forecast_value * 0.01 AS NUMERIC(18,2)), q.quota, CAST(s.crm_total_value * 0.01 AS NUMERIC(18,2)), CAST(s.crm_closed_value * 0.01 AS NUMERIC(18,2)), CAST(s.adjustment_value * 0.01 AS NUMERIC(18,2)),
            $2, $1, $3, $4, s.time_frame_id, s.is_updated, s.currency, $5
     FROM stage_entries s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(CAST(qs.quota_value * 0.01 AS NUMERIC(18,2))) AS quota
                FROM stage_entries qs JOIN stage_fields qf ON qf.field_id = qs.field_id AND qf.is_quota
                WHERE qs.time_frame_id = $6 GROUP BY qs.user_id) q ON q.user_id = s.user_id
     WHERE s.time_frame_id = $6 AND NOT coalesce(f.is_quota, FALSE);

INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            s.forecast_value, q.quota, s.crm_total_value, s.crm_closed_value, s.adjustment_value,
            $2, $1, $3, $4, s.time_frame_id, s.is_updated, s.currency, $5
     FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND time_frame_id = $6) s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(qs.quota_value) AS quota
                FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND time_frame_id = $6) qs JOIN stage_fields qf ON qf.field_id = qs.field_id AND qf.is_quota
                WHERE qs.time_frame_id = $6 GROUP BY qs.user_id) q ON q.user_id = s.user_id
     WHERE s.time_frame_id = $6 AND NOT coalesce(f.is_quota, FALSE);

-- ===== warehouse/sql/load.ts insertSnapshotLedger =====
INSERT INTO clari_snapshots (forecast_id, time_period, snapshot_date, run_id, job_id, payload_sha256, loaded_at, entries, users, latest_time_frame)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- ===== warehouse/sql/load.ts loadedSums =====
SELECT count(*) AS n, sum(forecast_value) AS forecast_value, sum(quota_value) AS quota_value, sum(adjustment_value) AS adjustment_value, sum(crm_total_value) AS crm_total_value, sum(crm_closed_value) AS crm_closed_value
     FROM clari_forecast_entries
     WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3);

-- ===== warehouse/sql/load.ts dropLoadStages =====
DROP TABLE stage_entries_diff;

-- ===== warehouse/sql/runs.ts recordExportJob =====
DELETE FROM clari_export_jobs WHERE run_id = $1 AND forecast_id = $2 AND time_period = $3;

INSERT INTO clari_export_jobs (job_id, run_id, forecast_id, time_period, status, created_at, finished_at, latency_ms, poll_count, rows, payload_sha256, rows_truncated, cells_truncated, error, error_code, snapshot_date, attempts, cached, format, payload_bytes, payload_rows, loaded_rows, payload_sum, loaded_sum, reconciled, warnings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, CAST($23 AS NUMERIC(18,2)), CAST($24 AS NUMERIC(18,2)), $25, $26);

-- ===== warehouse/sql/deals.ts windowsBefore =====
SELECT as_of, from_date FROM clari_activity_windows WHERE as_of < CAST($1 AS DATE) ORDER BY as_of DESC;

-- ===== warehouse/sql/deals.ts latestWindow =====
SELECT max(as_of) AS d FROM clari_activity_windows;

-- ===== warehouse/sql/deals.ts stagedActivityRepeats =====
SELECT count(*) AS n FROM (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity' GROUP BY activity_id HAVING count(*) > 1) d;

-- ===== warehouse/sql/deals.ts replaceActivities =====
DELETE FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP));

DELETE FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP));

DELETE FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP));

DELETE FROM clari_activities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR (activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP));

INSERT INTO clari_activities (activity_id, activity_type, subject, activity_at, owner_crm_id, organiser_crm_id, account_ids, opportunity_ids, exported_at, as_of, job_id, run_id)
     SELECT s.activity_id, s.activity_type, s.subject, (to_timestamp(s.activity_at / 1000.0) AT TIME ZONE 'UTC'), s.owner_crm_id, s.organiser_crm_id,
            coalesce(acc.ids, CAST(ARRAY[] AS TEXT[])), coalesce(opp.ids, CAST(ARRAY[] AS TEXT[])),
            CAST($1 AS TIMESTAMP), CAST($2 AS DATE), $3, $4
     FROM stage_activity_rows s
     LEFT JOIN (SELECT activity_id, array_agg(link_id ORDER BY ordinal) AS ids FROM stage_activity_rows WHERE kind = 'account' GROUP BY activity_id) acc ON acc.activity_id = s.activity_id
     LEFT JOIN (SELECT activity_id, array_agg(link_id ORDER BY ordinal) AS ids FROM stage_activity_rows WHERE kind = 'opportunity' GROUP BY activity_id) opp ON opp.activity_id = s.activity_id
     WHERE s.kind = 'activity';

INSERT INTO clari_activity_participants (activity_id, ordinal, email, name, crm_user_id, is_internal)
     SELECT activity_id, ordinal, email, name, crm_user_id, is_internal FROM stage_activity_rows WHERE kind = 'participant';

INSERT INTO clari_activity_opportunities (activity_id, ordinal, opportunity_id, opportunity_name, owner_crm_id)
     SELECT activity_id, ordinal, link_id, link_name, owner_crm_id FROM stage_activity_rows WHERE kind = 'opportunity';

INSERT INTO clari_activity_accounts (activity_id, ordinal, account_id, account_name, owner_crm_id)
     SELECT activity_id, ordinal, link_id, link_name, owner_crm_id FROM stage_activity_rows WHERE kind = 'account';

-- ===== warehouse/sql/deals.ts insertWindow =====
INSERT INTO clari_activity_windows (as_of, from_date, to_date, job_id, payload_sha256, activities, participants, run_id, loaded_at)
     VALUES (CAST($1 AS DATE), CAST($2 AS DATE), CAST($3 AS DATE), $4, $5, $6, $7, $8, CAST($9 AS TIMESTAMP));

-- ===== warehouse/sql/deals.ts activityReadBack =====
SELECT count(*) AS activities,
            sum(CASE WHEN a.activity_type IS NOT DISTINCT FROM s.activity_type AND a.subject IS NOT DISTINCT FROM s.subject
                      AND a.activity_at IS NOT DISTINCT FROM (to_timestamp(s.activity_at / 1000.0) AT TIME ZONE 'UTC')
                      AND a.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND a.organiser_crm_id IS NOT DISTINCT FROM s.organiser_crm_id
                 THEN 1 ELSE 0 END) AS same,
            sum(cardinality(a.account_ids)) AS account_ids, sum(cardinality(a.opportunity_ids)) AS opportunity_ids
     FROM clari_activities a JOIN stage_activity_rows s ON s.activity_id = a.activity_id AND s.kind = 'activity';

SELECT (SELECT count(*) FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS participants, (SELECT count(*) FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS accounts,
            (SELECT count(*) FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS opportunities;

-- ===== warehouse/sql/deals.ts opportunitiesSeen =====
SELECT o.opportunity_id, max(a.activity_at) AS last_activity, count(*) OVER () AS total
     FROM clari_activity_opportunities o JOIN clari_activities a ON a.activity_id = o.activity_id
     WHERE a.activity_at >= CAST($1 AS TIMESTAMP)
     GROUP BY o.opportunity_id ORDER BY last_activity DESC, o.opportunity_id LIMIT 5000;

-- ===== warehouse/sql/deals.ts latestRefresh =====
SELECT max(as_of) AS d FROM clari_opportunity_snapshots;

-- ===== warehouse/sql/deals.ts stagedOpportunityRepeats =====
SELECT count(*) AS n FROM (SELECT opportunity_id FROM stage_opportunity_rows WHERE kind = 'opportunity' GROUP BY opportunity_id HAVING count(*) > 1) d;

-- ===== warehouse/sql/deals.ts applyOpportunityVersions =====
UPDATE clari_opportunities t SET valid_to = CAST($1 AS DATE)
     WHERE t.valid_to IS NULL AND EXISTS (SELECT 1 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s WHERE s.opportunity_id = t.opportunity_id AND NOT (t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(s.amount * 0.01 AS NUMERIC(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message));

INSERT INTO clari_opportunities (opportunity_id, name, owner_crm_id, amount, stage, close_date, crm_score, crm_score_message, valid_from, valid_to, run_id)
     SELECT s.opportunity_id, s.name, s.owner_crm_id, CAST(s.amount * 0.01 AS NUMERIC(18,2)), s.stage, CAST(s.close_date AS DATE), s.crm_score, s.crm_score_message, CAST($1 AS DATE), NULL, $2 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunities t WHERE t.opportunity_id = s.opportunity_id AND t.valid_to IS NULL);

-- ===== warehouse/sql/deals.ts insertTrendPoints =====
INSERT INTO clari_opportunity_field_history (opportunity_id, field_id, old_value, new_value, changed_at, first_seen, run_id)
     SELECT s.opportunity_id, s.field_id, s.old_value, s.new_value, (to_timestamp(s.changed_at / 1000.0) AT TIME ZONE 'UTC'), CAST($1 AS DATE), $2
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = (to_timestamp(s.changed_at / 1000.0) AT TIME ZONE 'UTC')
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value);

-- ===== warehouse/sql/deals.ts insertRefresh =====
INSERT INTO clari_opportunity_snapshots (as_of, requested, opportunities, calls, payload_sha256, amount_sum, run_id, loaded_at)
     VALUES (CAST($1 AS DATE), $2, $3, $4, $5, CAST($6 AS NUMERIC(18,2)), $7, CAST($8 AS TIMESTAMP));

-- ===== warehouse/sql/deals.ts opportunityReadBack =====
SELECT count(*) AS versions, sum(CASE WHEN t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(s.amount * 0.01 AS NUMERIC(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message THEN 1 ELSE 0 END) AS same, sum(t.amount) AS amount
     FROM clari_opportunities t JOIN (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s ON s.opportunity_id = t.opportunity_id
     WHERE t.valid_from <= CAST($1 AS DATE) AND (t.valid_to IS NULL OR t.valid_to > CAST($1 AS DATE));

SELECT count(*) AS points, sum(CASE WHEN EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = (to_timestamp(s.changed_at / 1000.0) AT TIME ZONE 'UTC')
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value) THEN 1 ELSE 0 END) AS kept
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s;

-- ===== warehouse/sql/runs.ts analyzeLoadedTables =====
ANALYZE clari_forecast_entries, clari_forecasts, clari_forecast_changes, clari_users, clari_snapshots, clari_fields;

-- ===== warehouse/sql/deals.ts analyzeDealTables =====
ANALYZE clari_activity_participants, clari_activity_opportunities, clari_activity_accounts, clari_activities, clari_activity_windows, clari_opportunities, clari_opportunity_field_history, clari_opportunity_snapshots;

-- ===== warehouse/sql/changes.ts changeRows =====
SELECT c.change_kind, c.forecast_name, c.time_period, c.current_snapshot, c.previous_snapshot, c.user_id, c.owner_name, c.owner_email, c.field_id, c.field_name,
            c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            (SELECT max(f.quota_amount) FROM clari_forecasts f WHERE f.forecast_name = c.forecast_name AND f.time_period = c.time_period AND f.snapshot_date = c.current_snapshot AND f.user_id = c.user_id) AS quota
     FROM clari_forecast_changes c WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.current_snapshot = $3
     ORDER BY c.forecast_name, c.time_period, c.user_id, c.field_id, c.change_kind;

-- ===== warehouse/sql/alerts.ts currentUserPlaces =====
SELECT user_id, email, hierarchy_id, hierarchy_name, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL;

-- ===== warehouse/sql/alerts.ts sentSince =====
SELECT fingerprint, channel, max(created_at) AS last FROM clari_alerts WHERE status = 'sent' AND created_at >= $1 GROUP BY fingerprint, channel;

-- ===== warehouse/sql/alerts.ts undeliveredSince =====
SELECT channel, payload FROM clari_alerts WHERE status IN ('failed', 'pending') AND created_at >= $1 AND run_id <> $2;

-- ===== warehouse/sql/alerts.ts sentForDate =====
SELECT a.fingerprint, a.channel, a.run_id FROM clari_alerts a JOIN clari_sync_runs r ON r.run_id = a.run_id WHERE a.status = 'sent' AND r.as_of = $1 AND a.run_id <> $2;

-- ===== warehouse/sql/runs.ts finishRun =====
UPDATE clari_sync_runs SET finished_at = $2, status = $3, error = $4, exports_failed = $5, rows_loaded = $6, changes = $7, alerts = $8, duration_ms = $9, quota_left = $10, quota_limit = $11, concurrency_limit = $12 WHERE run_id = $1;

-- ===== warehouse/sql/load.ts currentFingerprints =====
SELECT entry_hash FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND entry_hash IS NOT NULL;

-- ===== warehouse/sql/load.ts matchedByField =====
SELECT t.field_id, count(*) AS n, count(t.quota_value) AS quotas, count(t.forecast_value) AS forecasts,
            max(t.time_frame_id) AS latest, count(s.user_id) AS restaged, sum(t.forecast_value) AS forecast_value, sum(t.quota_value) AS quota_value, sum(t.adjustment_value) AS adjustment_value, sum(t.crm_total_value) AS crm_total_value, sum(t.crm_closed_value) AS crm_closed_value
     FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND entry_hash IS NOT NULL AND entry_hash NOT IN (SELECT entry_hash FROM stage_gone)) t
     LEFT JOIN (SELECT time_frame_id, user_id, field_id FROM stage_entries) s ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
     GROUP BY t.field_id;

-- ===== warehouse/sql/load.ts applyVersionChanges =====
INSERT INTO stage_entries_diff (time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash, ended_time_frame_id, ended_user_id, ended_field_id, rehash)
       SELECT s.time_frame_id, s.user_id, s.field_id, s.forecast_value, s.quota_value, s.adjustment_value, s.crm_total_value, s.crm_closed_value, s.is_updated, s.updated_by, s.updated_on, s.currency, s.entry_hash, t.time_frame_id, t.user_id, t.field_id, s.user_id IS NOT NULL AND t.user_id IS NOT NULL AND (CAST(s.forecast_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(s.quota_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(s.adjustment_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(s.crm_total_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(s.crm_closed_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND (to_timestamp(s.updated_on / 1000.0) AT TIME ZONE 'UTC') IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency)
       FROM stage_entries s
       FULL JOIN (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND (entry_hash IS NULL OR entry_hash IN (SELECT entry_hash FROM stage_gone))) t ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (CAST(s.forecast_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(s.quota_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(s.adjustment_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(s.crm_total_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(s.crm_closed_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND (to_timestamp(s.updated_on / 1000.0) AT TIME ZONE 'UTC') IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency) OR NULLIF(s.entry_hash, 0) IS DISTINCT FROM t.entry_hash;

UPDATE clari_forecast_entries SET valid_to = $3 FROM stage_entries_diff d WHERE clari_forecast_entries.forecast_id = $1 AND clari_forecast_entries.time_period = $2 AND clari_forecast_entries.valid_to IS NULL
         AND clari_forecast_entries.time_frame_id = d.ended_time_frame_id AND clari_forecast_entries.user_id = d.ended_user_id AND clari_forecast_entries.field_id = d.ended_field_id AND NOT d.rehash;

UPDATE clari_forecast_entries SET entry_hash = NULLIF(d.entry_hash, 0) FROM stage_entries_diff d WHERE clari_forecast_entries.forecast_id = $1 AND clari_forecast_entries.time_period = $2 AND clari_forecast_entries.valid_to IS NULL
         AND clari_forecast_entries.time_frame_id = d.ended_time_frame_id AND clari_forecast_entries.user_id = d.ended_user_id AND clari_forecast_entries.field_id = d.ended_field_id AND d.rehash;

INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash) SELECT $1, $2, s.time_frame_id, s.user_id, s.field_id, CAST(s.forecast_value * 0.01 AS NUMERIC(18,2)), CAST(s.quota_value * 0.01 AS NUMERIC(18,2)), CAST(s.adjustment_value * 0.01 AS NUMERIC(18,2)), CAST(s.crm_total_value * 0.01 AS NUMERIC(18,2)), CAST(s.crm_closed_value * 0.01 AS NUMERIC(18,2)), s.is_updated, s.updated_by, (to_timestamp(s.updated_on / 1000.0) AT TIME ZONE 'UTC'), s.currency, $3, NULL, $4, NULLIF(s.entry_hash, 0) FROM stage_entries_diff s WHERE s.user_id IS NOT NULL AND NOT s.rehash;

INSERT INTO stage_entries_diff (time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash, ended_time_frame_id, ended_user_id, ended_field_id, rehash)
       SELECT s.time_frame_id, s.user_id, s.field_id, s.forecast_value, s.quota_value, s.adjustment_value, s.crm_total_value, s.crm_closed_value, s.is_updated, s.updated_by, s.updated_on, s.currency, s.entry_hash, t.time_frame_id, t.user_id, t.field_id, s.user_id IS NOT NULL AND t.user_id IS NOT NULL AND (CAST(s.forecast_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(s.quota_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(s.adjustment_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(s.crm_total_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(s.crm_closed_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND (to_timestamp(s.updated_on / 1000.0) AT TIME ZONE 'UTC') IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency)
       FROM stage_entries s
       FULL JOIN (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL) t ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (CAST(s.forecast_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(s.quota_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(s.adjustment_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(s.crm_total_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(s.crm_closed_value * 0.01 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND (to_timestamp(s.updated_on / 1000.0) AT TIME ZONE 'UTC') IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency) OR NULLIF(s.entry_hash, 0) IS DISTINCT FROM t.entry_hash;

-- ===== warehouse/sql/changes.ts detectChanges =====
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

-- ===== warehouse/sql/maintenance.ts deleteRows =====
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

-- ===== warehouse/sql/changes.ts dealMoveSummaries =====
SELECT user_id, field_id, current_snapshot, count(*) AS deals, count(CASE WHEN slipped THEN 1 END) AS slipped,
            count(CASE WHEN pulled_in THEN 1 END) AS pulled_in, sum(amount_change) AS amount_change
     FROM v_deal_movement WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot >= $3 AND current_snapshot <= $4
     GROUP BY user_id, field_id, current_snapshot;

-- ===== warehouse/sql/alerts.ts replaceAlert =====
DELETE FROM clari_alerts WHERE alert_id = $1 AND channel = $2;

INSERT INTO clari_alerts (alert_id, rule, severity, channel, status, fingerprint, created_at, payload, run_id, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- ===== warehouse/sql/alerts.ts updateAlertOutcome =====
UPDATE clari_alerts SET status = $3, error = $4, payload = $5 WHERE alert_id = $1 AND channel = $2;

-- ===== warehouse/sql/load.ts ledgerOfPayload =====
SELECT s.entries, s.users, (SELECT max(j.payload_sum) FROM clari_export_jobs j
                                 WHERE j.forecast_id = s.forecast_id AND j.time_period = s.time_period AND j.snapshot_date = s.snapshot_date AND j.payload_sha256 = s.payload_sha256) AS payload_sum
     FROM clari_snapshots s WHERE s.forecast_id = $1 AND s.time_period = $2 AND s.snapshot_date = $3 AND s.payload_sha256 = $4;

-- ===== warehouse/sql/load.ts currentTotals =====
SELECT count(*) AS n, sum(forecast_value) AS total FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3);

-- ===== warehouse/sql/load.ts changeCount =====
SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

-- ===== warehouse/sql/load.ts previousSnapshotDate =====
SELECT max(snapshot_date) AS d FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3;

-- ===== warehouse/sql/deals.ts windowOf =====
SELECT w.payload_sha256, w.activities, w.participants,
            (SELECT count(*) FROM clari_activities a WHERE a.as_of = w.as_of) AS carried
     FROM clari_activity_windows w WHERE w.as_of = CAST($1 AS DATE);

-- ===== warehouse/sql/deals.ts undoRefresh =====
DELETE FROM clari_opportunities WHERE valid_from = CAST($1 AS DATE);

UPDATE clari_opportunities SET valid_to = NULL WHERE valid_to = CAST($1 AS DATE);

DELETE FROM clari_opportunity_field_history WHERE first_seen = CAST($1 AS DATE);

DELETE FROM clari_opportunity_snapshots WHERE as_of = CAST($1 AS DATE);

-- ===== test =====
SELECT count(*) AS n FROM clari_activity_participants;

SELECT count(*) AS n FROM clari_activity_opportunities;

SELECT count(*) AS n FROM clari_activity_accounts;

SELECT count(*) AS n FROM clari_activities;

SELECT count(*) AS n FROM clari_activity_windows;

SELECT count(*) AS n FROM clari_opportunities;

SELECT count(*) AS n FROM clari_opportunity_field_history;

SELECT count(*) AS n FROM clari_opportunity_snapshots;

SELECT sum(cardinality(account_ids)) AS a, sum(cardinality(opportunity_ids)) AS o FROM clari_activities;

SELECT count(*) AS n FROM clari_forecast_entries;

-- ===== warehouse/sql/deals.ts activitiesBetween =====
SELECT count(*) AS n FROM clari_activities WHERE activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP);

-- ===== warehouse/sql/deals.ts refreshCount =====
SELECT opportunities FROM clari_opportunity_snapshots WHERE as_of = CAST($1 AS DATE);

-- ===== warehouse/sql/reports.ts dealDataState =====
SELECT (SELECT count(*) FROM clari_activity_windows) AS w, (SELECT count(*) FROM clari_opportunity_snapshots) AS r,
            (SELECT max(as_of) FROM clari_opportunity_snapshots) AS d;

-- ===== warehouse/sql/reports.ts biggestChanges =====
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST($1 AS INTEGER) AND c.forecast_name = $2 AND c.change_kind = $3
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST($1 AS INTEGER) AND c.change_kind = $2 AND c.user_id = $3
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST($1 AS INTEGER) AND c.change_kind = $2
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST($1 AS INTEGER) AND c.forecast_name = $2 AND c.time_period = $3 AND c.change_kind = $4 AND mg.user_id IS NULL
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 10;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST($1 AS INTEGER) AND c.change_kind = $2 AND mg.user_id IS NOT NULL
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

-- ===== warehouse/sql/reports.ts namesakes =====
SELECT name FROM clari_users WHERE valid_to IS NULL AND name IS NOT NULL GROUP BY name HAVING count(DISTINCT user_id) > 1;

-- ===== warehouse/sql/reports.ts changeByKey =====
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
     WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.user_id = $3 AND c.field_id = $4 AND c.current_snapshot = $5
       AND c.change_kind = 'changed';

-- ===== warehouse/sql/reports.ts dealMovesOf =====
SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = $1 AND time_period = $2 AND user_id = $3 AND field_id = $4 AND current_snapshot = $5)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = $1 AND time_period = $2 AND user_id = $3 AND field_id = $4 AND current_snapshot = $5)
        OR (forecast_name = $6 AND time_period = $7 AND user_id = $8 AND field_id = $9 AND current_snapshot = $10)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

-- ===== warehouse/sql/reports.ts usersNamed =====
SELECT user_id, name, email FROM clari_users
     WHERE valid_to IS NULL AND (user_id = $1 OR lower(email) = lower($1) OR lower(name) = lower($1))
     ORDER BY name, email, user_id;

-- ===== warehouse/sql/reports.ts dealsAtRisk =====
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST($1 AS INTEGER)) AS no_recent_meeting, count(*) OVER () AS total
     FROM v_deal_engagement e 
     WHERE e.is_open AND e.closing_this_quarter AND e.is_large AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST($1 AS INTEGER)))
     ORDER BY e.amount DESC, e.opportunity_id LIMIT 5;

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
    WHERE crm_id IS NOT NULL)
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST($1 AS INTEGER)) AS no_recent_meeting, count(*) OVER () AS total
     FROM v_deal_engagement e JOIN team tm ON tm.crm_id = e.owner_crm_id AND tm.lead_user_id = $3
     WHERE e.is_open AND e.closing_this_quarter AND e.amount >= CAST($2 AS NUMERIC(18,2)) AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST($1 AS INTEGER)))
     ORDER BY e.amount DESC, e.opportunity_id LIMIT 5;

-- ===== warehouse/sql/reports.ts quarterOf =====
SELECT min(time_period) AS p FROM clari_time_periods WHERE start_date <= $1 AND end_date >= $1;

-- ===== warehouse/sql/load.ts undoSnapshot =====
DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from = $3;

UPDATE clari_forecast_entries SET valid_to = NULL WHERE forecast_id = $1 AND time_period = $2 AND valid_to = $3;

DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3;

DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3;

-- ===== warehouse/sql/reports.ts forecastNames =====
SELECT DISTINCT forecast_name AS f FROM clari_forecasts ORDER BY f;

-- ===== warehouse/sql/reports.ts periodsOf =====
SELECT DISTINCT time_period AS p FROM clari_forecasts WHERE forecast_name = $1 ORDER BY p DESC;

-- ===== warehouse/sql/reports.ts callFieldsOf =====
SELECT field_id AS id, coalesce(field_name, field_id) AS name FROM clari_fields WHERE forecast_id = $1 AND NOT coalesce(is_quota, FALSE) ORDER BY field_id;

-- ===== warehouse/sql/reports.ts latestSnapshotOf =====
SELECT max(snapshot_date) AS d FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2;

-- ===== warehouse/sql/reports.ts topCoverage =====
WITH owner_rows AS (SELECT * FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3),
     tops AS (SELECT r.* FROM owner_rows r WHERE r.manager_user_id IS NULL),
     absent AS (SELECT u.user_id FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id WHERE u.valid_to IS NULL AND r.user_id IS NULL)
     SELECT (SELECT sum(quota_amount) FROM tops) AS quota, (SELECT sum(crm_closed) FROM tops) AS closed, (SELECT sum(pipeline) FROM tops) AS pipeline,
            (SELECT sum(remaining_quota) FROM tops) AS remaining, (SELECT max(required_coverage) FROM tops) AS required, (SELECT count(*) FROM owner_rows) AS owners,
            (SELECT sum(CASE WHEN is_rep THEN 1 ELSE 0 END) FROM owner_rows) AS reps, (SELECT count(*) FROM absent) AS absent;

-- ===== warehouse/sql/reports.ts topCall =====
SELECT (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3 AND p.manager_user_id IS NULL) AS own,
            (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
               AND p.manager_user_id IN (SELECT t.user_id FROM v_rep_performance t WHERE t.forecast_name = $1 AND t.time_period = $2 AND t.field_id = $3 AND t.manager_user_id IS NULL)) AS reports;

-- ===== warehouse/sql/reports.ts currentWeek =====
SELECT CASE WHEN max(f.week_index) > 13 THEN 13 ELSE max(f.week_index) END AS w FROM (SELECT dense_rank() OVER (ORDER BY time_frame_id) AS week_index, time_frame_id FROM clari_time_frames WHERE time_period = $2) f
     WHERE f.time_frame_id <= (SELECT max(time_frame_id) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2);

-- ===== warehouse/sql/reports.ts accuracyAtWeek =====
SELECT avg(accuracy_pct) AS a FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND week_index = $3 AND period_status = 'closed' AND is_rep;

-- ===== warehouse/sql/reports.ts currentUsers =====
SELECT count(*) AS n FROM clari_users WHERE valid_to IS NULL;

-- ===== warehouse/sql/reports.ts absentUsers =====
WITH owner_rows AS (
       SELECT c.user_id FROM clari_forecasts c WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.field_id = $3
         AND c.snapshot_date = (SELECT max(snapshot_date) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2))
     SELECT coalesce(u.name, u.email, u.user_id) AS name FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id
     WHERE u.valid_to IS NULL AND r.user_id IS NULL
     ORDER BY name LIMIT 5;

-- ===== warehouse/sql/reports.ts accuracyByWeek =====
SELECT week_index, avg(accuracy_pct) AS accuracy, 100.0 * sum(abs(error_amount)) / nullif(sum(abs(actual_closed)), 0) AS wape,
            100.0 * sum(error_amount) / nullif(sum(actual_closed), 0) AS bias, count(DISTINCT time_period) AS periods
     FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND period_status = 'closed' AND is_rep
     GROUP BY week_index ORDER BY week_index;

-- ===== warehouse/sql/reports.ts teamCoverage =====
SELECT owner_name, owner_email, pipeline, remaining_quota, quota_amount, crm_closed, coverage, required_coverage
     FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3 AND NOT is_rep AND manager_user_id IS NOT NULL
     ORDER BY coverage ASC NULLS LAST, owner_name;

-- ===== warehouse/sql/reports.ts trendByWeek =====
WITH ranked AS (
       SELECT time_frame_id, dense_rank() OVER (ORDER BY time_frame_id) AS frame_rank, count(*) OVER () AS frame_count
       FROM clari_time_frames WHERE time_period = $2),
     frames AS (
       SELECT time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM ranked
       WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
     tops AS (
       SELECT DISTINCT user_id FROM v_rep_performance WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3 AND manager_user_id IS NULL),
     heads AS (
       SELECT DISTINCT p.user_id FROM v_rep_performance p JOIN tops t ON t.user_id = p.manager_user_id
       WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3)
     SELECT f.week_index,
       sum(CASE WHEN e.field_id = $3 AND t.user_id IS NOT NULL THEN e.forecast_value END) AS own_call,
       sum(CASE WHEN e.field_id = $3 AND h.user_id IS NOT NULL THEN e.forecast_value END) AS reports_call,
       sum(CASE WHEN e.field_id = $3 AND t.user_id IS NOT NULL THEN e.crm_closed_value END) AS closed,
       sum(CASE WHEN q.is_quota AND t.user_id IS NOT NULL THEN e.quota_value END) AS quota
     FROM clari_forecast_entries e
     JOIN frames f ON f.time_frame_id = e.time_frame_id
     JOIN clari_fields q ON q.forecast_id = e.forecast_id AND q.field_id = e.field_id
     LEFT JOIN tops t ON t.user_id = e.user_id
     LEFT JOIN heads h ON h.user_id = e.user_id
     WHERE e.valid_to IS NULL AND e.forecast_id = $1 AND e.time_period = $2
     GROUP BY f.week_index ORDER BY f.week_index;

-- ===== warehouse/sql/reports.ts reps =====
SELECT p.user_id, p.owner_name, p.owner_email, p.manager_user_id, p.manager_name, p.is_rep, p.forecast_amount, p.quota_amount, p.crm_closed, p.attainment_pct, p.forecast_to_quota_pct,
            p.bias_pct, p.weeks_since_update, p.largest_move_7d, c.coverage
     FROM v_rep_performance p
     LEFT JOIN v_pipeline_coverage c ON c.forecast_name = p.forecast_name AND c.time_period = p.time_period AND c.user_id = p.user_id AND c.field_id = p.field_id
     WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
     ORDER BY p.owner_name, p.user_id;

-- ===== warehouse/sql/reports.ts recentRuns =====
SELECT * FROM v_pipeline_health ORDER BY started_at DESC LIMIT 5;

-- ===== warehouse/sql/reports.ts lastSuccessAt =====
SELECT max(finished_at) AS t FROM clari_sync_runs WHERE status IN ('success', 'partial');

-- ===== warehouse/sql/changes.ts weeklySignalRows =====
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

-- ===== warehouse/sql/changes.ts snapshotOwners =====
SELECT user_id, field_id, owner_name, owner_email, field_name, quota_amount FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3;

-- ===== warehouse/sql/alerts.ts snapshotsOfPeriod =====
SELECT forecast_id, snapshot_date FROM clari_snapshots WHERE time_period = $1 ORDER BY snapshot_date, forecast_id;

-- ===== warehouse/sql/metrics.ts metricFacts =====
SELECT forecast_id, latency_ms FROM clari_export_jobs WHERE latency_ms IS NOT NULL AND NOT coalesce(cached, FALSE);

SELECT status, coalesce(cached, FALSE) AS cached, forecast_id, count(*) AS n, sum(coalesce(loaded_rows, 0)) AS loaded FROM clari_export_jobs GROUP BY status, coalesce(cached, FALSE), forecast_id;

SELECT change_kind AS kind, count(*) AS n FROM clari_forecast_changes GROUP BY change_kind;

SELECT status, count(*) AS n FROM clari_alerts GROUP BY status;

SELECT status, count(*) AS n, max(finished_at) AS last FROM clari_sync_runs GROUP BY status;

SELECT duration_ms AS d FROM clari_sync_runs WHERE duration_ms IS NOT NULL;

SELECT exports_failed FROM clari_sync_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT quota_left, quota_limit FROM clari_sync_runs WHERE quota_left IS NOT NULL ORDER BY finished_at DESC LIMIT 1;

SELECT forecast_id, max(loaded_at) AS t FROM clari_snapshots GROUP BY forecast_id;

-- ===== warehouse/sql/reports.ts listChanges =====
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot >= $1 AND c.forecast_name IN ($2, $3) AND c.time_period IN ($4, $5) AND abs(c.change_pct) >= $6 AND c.change_kind = $7 AND mg.user_id IS NULL
       ORDER BY c.current_snapshot DESC, abs(coalesce(c.change_amount, 0)) DESC LIMIT 50;

-- ===== warehouse/sql/reports.ts tableCounts =====
SELECT 'clari_forecast_entries (versions)' AS t, count(*) AS n FROM clari_forecast_entries
       UNION ALL SELECT 'clari_users (versions)', count(*) FROM clari_users
       UNION ALL SELECT 'clari_forecasts (daily rows)', count(*) FROM clari_forecasts
       UNION ALL SELECT 'clari_forecast_changes', count(*) FROM clari_forecast_changes
       UNION ALL SELECT 'clari_snapshots', count(*) FROM clari_snapshots
       UNION ALL SELECT 'clari_activities', count(*) FROM clari_activities
       UNION ALL SELECT 'clari_activity_participants', count(*) FROM clari_activity_participants
       UNION ALL SELECT 'clari_activity_opportunities', count(*) FROM clari_activity_opportunities
       UNION ALL SELECT 'clari_activity_accounts', count(*) FROM clari_activity_accounts
       UNION ALL SELECT 'clari_opportunities (versions)', count(*) FROM clari_opportunities
       UNION ALL SELECT 'clari_opportunity_field_history', count(*) FROM clari_opportunity_field_history;

-- ===== warehouse/sql/reports.ts biggestMovesOn =====
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.owner_name, c.owner_email, c.forecast_name, c.time_period, c.field_name, c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            c.user_id, c.field_id, c.current_snapshot
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
       WHERE c.current_snapshot = $1 AND c.change_kind = 'changed' AND c.change_pct IS NOT NULL AND mg.user_id IS NULL
       ORDER BY abs(c.change_amount) DESC, c.owner_name LIMIT 8;

-- ===== warehouse/sql/reports.ts managerIds =====
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL) SELECT user_id FROM managers ORDER BY user_id;

-- ===== warehouse/sql/bundle.ts peopleValues =====
SELECT DISTINCT name, email FROM clari_users;

SELECT DISTINCT owner_name, owner_email FROM clari_forecasts;

-- ===== warehouse/sql/bundle.ts recentRuns =====
SELECT run_id, started_at, finished_at, status, as_of, trigger, error, exports, exports_failed, rows_loaded, changes, alerts, duration_ms, quota_left, quota_limit, concurrency_limit FROM clari_sync_runs ORDER BY started_at DESC LIMIT 20;

-- ===== warehouse/sql/bundle.ts recentJobs =====
SELECT j.job_id, j.run_id, j.status
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     ORDER BY r.started_at DESC, j.forecast_id, j.time_period LIMIT 100;

-- ===== warehouse/sql/bundle.ts errorRows =====
SELECT j.error_code, j.error, j.run_id, j.forecast_id, r.started_at
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     WHERE j.error_code IS NOT NULL OR j.error IS NOT NULL
     ORDER BY r.started_at DESC LIMIT 1000;

-- ===== warehouse/sql/bundle.ts runsByStatus =====
SELECT status, count(*) AS n FROM clari_sync_runs GROUP BY status ORDER BY status;

-- ===== warehouse/sql/bundle.ts appliedMigrations =====
SELECT version, name, applied_at, checksum FROM clari_schema_migrations ORDER BY version;

-- ===== warehouse/sql/bundle.ts schemaColumns =====
SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND (table_name LIKE 'clari%' OR table_name LIKE 'v%')
       ORDER BY table_name, ordinal_position;

-- ===== warehouse/sql/bundle.ts rowCount =====
SELECT count(*) AS n FROM clari_snapshots;

-- ===== warehouse/sql/bundle.ts fieldsSeen =====
SELECT forecast_id, field_id, field_type, is_quota, last_seen FROM clari_fields ORDER BY forecast_id, field_id;

-- ===== warehouse/sql/bundle.ts engineVersion =====
SELECT version() AS v;

-- ===== warehouse/sql/maintenance.ts clearPeriod =====
DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2;

DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2;

DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2;

DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2;

-- ===== warehouse/sql/maintenance.ts clearDerived =====
DELETE FROM clari_forecast_entries WHERE TRUE;

DELETE FROM clari_users WHERE TRUE;

DELETE FROM clari_forecasts WHERE TRUE;

DELETE FROM clari_forecast_changes WHERE TRUE;

DELETE FROM clari_snapshots WHERE TRUE;

DELETE FROM clari_fields WHERE TRUE;

DELETE FROM clari_time_frames WHERE TRUE;

DELETE FROM clari_time_periods WHERE TRUE;

-- ===== warehouse/sql/deals.ts clearDeals =====
DELETE FROM clari_activity_participants WHERE TRUE;

DELETE FROM clari_activity_opportunities WHERE TRUE;

DELETE FROM clari_activity_accounts WHERE TRUE;

DELETE FROM clari_activities WHERE TRUE;

DELETE FROM clari_activity_windows WHERE TRUE;

DELETE FROM clari_opportunities WHERE TRUE;

DELETE FROM clari_opportunity_field_history WHERE TRUE;

DELETE FROM clari_opportunity_snapshots WHERE TRUE;

-- ===== warehouse/sql/run-locks.ts ensureLease =====
CREATE TABLE IF NOT EXISTS clari_run_leases (
  lease TEXT NOT NULL,
  token BIGINT NOT NULL,
  holder TEXT,
  holder_key TEXT,
  acquired_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (lease)
);

INSERT INTO clari_run_leases (lease, token, holder, holder_key, acquired_at, expires_at)
    SELECT CAST($1 AS TEXT), 0, NULL, NULL, 0, 0 FROM (SELECT 1 AS one) seed
    WHERE NOT EXISTS (SELECT 1 FROM clari_run_leases WHERE lease = $1);

-- ===== warehouse/sql/run-locks.ts takeLease =====
UPDATE clari_run_leases SET token = token + 1, holder = $2, holder_key = $3, acquired_at = $4, expires_at = $5
    WHERE lease = $1 AND (holder IS NULL OR expires_at < $4 OR holder_key = $3);

-- ===== warehouse/sql/run-locks.ts readLease =====
SELECT token, holder, holder_key, acquired_at, expires_at FROM clari_run_leases WHERE lease = $1;

-- ===== warehouse/sql/run-locks.ts renewLease =====
UPDATE clari_run_leases SET expires_at = $3 WHERE lease = $1 AND token = $2;

-- ===== warehouse/sql/run-locks.ts releaseLease =====
UPDATE clari_run_leases SET holder = NULL, holder_key = NULL, expires_at = 0 WHERE lease = $1 AND token = $2;

-- ===== warehouse/sql/run-locks.ts labelSession =====
SELECT set_config('application_name', $1, false) AS label;

-- ===== warehouse/sql/run-locks.ts watchSessionLiveness =====
SELECT set_config('tcp_keepalives_idle', '60', false);

SELECT set_config('tcp_keepalives_interval', '10', false);

SELECT set_config('tcp_keepalives_count', '6', false);

SELECT set_config('client_connection_check_interval', '5000', false);

-- ===== warehouse/sql/run-locks.ts tryAdvisoryLock =====
SELECT pg_try_advisory_lock(793153, hashtext(current_schema())) AS locked;

-- ===== warehouse/sql/run-locks.ts advisoryHolder =====
SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, CAST(a.backend_start AS TEXT) AS backend_start
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = 793153
      AND l.objid = CAST(CAST(hashtext(current_schema()) AS BIGINT) & 4294967295 AS OID) AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());

-- ===== warehouse/sql/run-locks.ts advisoryUnlock =====
SELECT pg_advisory_unlock(793153, hashtext(current_schema())) AS unlocked;

-- ===== warehouse/privileges.ts execAll =====
CREATE TABLE IF NOT EXISTS clari_dp_probe (id INTEGER);

DROP TABLE IF EXISTS clari_dp_probe;

DROP VIEW IF EXISTS clari_dp_probe_view;

CREATE VIEW clari_dp_probe_view AS
SELECT 1 AS one;

INSERT INTO clari_snapshots SELECT * FROM clari_snapshots WHERE 1 = 0;

UPDATE clari_snapshots SET run_id = run_id WHERE 1 = 0;

DELETE FROM clari_snapshots WHERE 1 = 0;

-- ===== warehouse/privileges.ts run =====
DROP TABLE IF EXISTS clari_dp_probe_stage;
