-- Golden SQL, adapters: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/bigquery bulk load =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
-- (nothing on this engine)

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
DROP TABLE IF EXISTS stage_entries;

CREATE TEMP TABLE stage_entries (time_frame_id STRING, user_id STRING, field_id STRING, forecast_value INT64, quota_value INT64, adjustment_value INT64, crm_total_value INT64, crm_closed_value INT64, is_updated BOOL, updated_by STRING, updated_on INT64, currency STRING, entry_hash INT64);

CREATE OR REPLACE TABLE `my-project.clari.clari_dp_stage_<session>_stage_entries` (time_frame_id STRING, user_id STRING, field_id STRING, forecast_value INT64, quota_value INT64, adjustment_value INT64, crm_total_value INT64, crm_closed_value INT64, is_updated BOOL, updated_by STRING, updated_on INT64, currency STRING, entry_hash INT64) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY));

-- load job: clari_dp_stage_<session>_stage_entries <- NEWLINE_DELIMITED_JSON (gzip);

INSERT INTO stage_entries (time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash) SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM `my-project.clari.clari_dp_stage_<session>_stage_entries`;

DROP TABLE IF EXISTS `my-project.clari.clari_dp_stage_<session>_stage_entries`;

DROP TABLE IF EXISTS stage_users;

CREATE TEMP TABLE stage_users (user_id STRING, name STRING, email STRING, crm_id STRING, hierarchy_id STRING, hierarchy_name STRING, parent_hierarchy_id STRING, parent_hierarchy_name STRING, scope_id STRING);

CREATE OR REPLACE TABLE `my-project.clari.clari_dp_stage_<session>_stage_users` (user_id STRING, name STRING, email STRING, crm_id STRING, hierarchy_id STRING, hierarchy_name STRING, parent_hierarchy_id STRING, parent_hierarchy_name STRING, scope_id STRING) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY));

-- load job: clari_dp_stage_<session>_stage_users <- NEWLINE_DELIMITED_JSON (gzip);

INSERT INTO stage_users (user_id, name, email, crm_id, hierarchy_id, hierarchy_name, parent_hierarchy_id, parent_hierarchy_name, scope_id) SELECT user_id, name, email, crm_id, hierarchy_id, hierarchy_name, parent_hierarchy_id, parent_hierarchy_name, scope_id FROM `my-project.clari.clari_dp_stage_<session>_stage_users`;

DROP TABLE IF EXISTS `my-project.clari.clari_dp_stage_<session>_stage_users`;

DROP TABLE IF EXISTS stage_fields;

CREATE TEMP TABLE stage_fields (field_id STRING, field_name STRING, field_type STRING, is_quota BOOL);

CREATE OR REPLACE TABLE `my-project.clari.clari_dp_stage_<session>_stage_fields` (field_id STRING, field_name STRING, field_type STRING, is_quota BOOL) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY));

-- load job: clari_dp_stage_<session>_stage_fields <- NEWLINE_DELIMITED_JSON (gzip);

INSERT INTO stage_fields (field_id, field_name, field_type, is_quota) SELECT field_id, field_name, field_type, is_quota FROM `my-project.clari.clari_dp_stage_<session>_stage_fields`;

DROP TABLE IF EXISTS `my-project.clari.clari_dp_stage_<session>_stage_fields`;

DROP TABLE IF EXISTS stage_frames;

CREATE TEMP TABLE stage_frames (time_frame_id STRING, start_date STRING, end_date STRING);

CREATE OR REPLACE TABLE `my-project.clari.clari_dp_stage_<session>_stage_frames` (time_frame_id STRING, start_date STRING, end_date STRING) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY));

-- load job: clari_dp_stage_<session>_stage_frames <- NEWLINE_DELIMITED_JSON (gzip);

INSERT INTO stage_frames (time_frame_id, start_date, end_date) SELECT time_frame_id, start_date, end_date FROM `my-project.clari.clari_dp_stage_<session>_stage_frames`;

DROP TABLE IF EXISTS `my-project.clari.clari_dp_stage_<session>_stage_frames`;

DROP TABLE IF EXISTS stage_activity_rows;

CREATE TEMP TABLE stage_activity_rows (kind STRING, activity_id STRING, ordinal INT64, activity_type STRING, subject STRING, activity_at INT64, owner_crm_id STRING, organiser_crm_id STRING, email STRING, name STRING, crm_user_id STRING, is_internal BOOL, link_id STRING, link_name STRING);

CREATE OR REPLACE TABLE `my-project.clari.clari_dp_stage_<session>_stage_activity_rows` (kind STRING, activity_id STRING, ordinal INT64, activity_type STRING, subject STRING, activity_at INT64, owner_crm_id STRING, organiser_crm_id STRING, email STRING, name STRING, crm_user_id STRING, is_internal BOOL, link_id STRING, link_name STRING) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY));

-- load job: clari_dp_stage_<session>_stage_activity_rows <- NEWLINE_DELIMITED_JSON (gzip);

INSERT INTO stage_activity_rows (kind, activity_id, ordinal, activity_type, subject, activity_at, owner_crm_id, organiser_crm_id, email, name, crm_user_id, is_internal, link_id, link_name) SELECT kind, activity_id, ordinal, activity_type, subject, activity_at, owner_crm_id, organiser_crm_id, email, name, crm_user_id, is_internal, link_id, link_name FROM `my-project.clari.clari_dp_stage_<session>_stage_activity_rows`;

DROP TABLE IF EXISTS `my-project.clari.clari_dp_stage_<session>_stage_activity_rows`;

DROP TABLE IF EXISTS stage_opportunity_rows;

CREATE TEMP TABLE stage_opportunity_rows (kind STRING, opportunity_id STRING, name STRING, owner_crm_id STRING, amount INT64, stage STRING, close_date STRING, crm_score FLOAT64, crm_score_message STRING, field_id STRING, old_value STRING, new_value STRING, changed_at INT64);

CREATE OR REPLACE TABLE `my-project.clari.clari_dp_stage_<session>_stage_opportunity_rows` (kind STRING, opportunity_id STRING, name STRING, owner_crm_id STRING, amount INT64, stage STRING, close_date STRING, crm_score FLOAT64, crm_score_message STRING, field_id STRING, old_value STRING, new_value STRING, changed_at INT64) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY));

-- load job: clari_dp_stage_<session>_stage_opportunity_rows <- NEWLINE_DELIMITED_JSON (gzip);

INSERT INTO stage_opportunity_rows (kind, opportunity_id, name, owner_crm_id, amount, stage, close_date, crm_score, crm_score_message, field_id, old_value, new_value, changed_at) SELECT kind, opportunity_id, name, owner_crm_id, amount, stage, close_date, crm_score, crm_score_message, field_id, old_value, new_value, changed_at FROM `my-project.clari.clari_dp_stage_<session>_stage_opportunity_rows`;

DROP TABLE IF EXISTS `my-project.clari.clari_dp_stage_<session>_stage_opportunity_rows`;

DROP TABLE IF EXISTS stage_gone;

CREATE TEMP TABLE stage_gone (entry_hash INT64);

CREATE OR REPLACE TABLE `my-project.clari.clari_dp_stage_<session>_stage_gone` (entry_hash INT64) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY));

-- load job: clari_dp_stage_<session>_stage_gone <- NEWLINE_DELIMITED_JSON (gzip);

INSERT INTO stage_gone (entry_hash) SELECT entry_hash FROM `my-project.clari.clari_dp_stage_<session>_stage_gone`;

DROP TABLE IF EXISTS `my-project.clari.clari_dp_stage_<session>_stage_gone`;

COMMIT TRANSACTION;

DROP TABLE IF EXISTS clari_dp_probe_stage;

CREATE TEMP TABLE clari_dp_probe_stage (id INT64);

CREATE OR REPLACE TABLE `my-project.clari.clari_dp_stage_<session>_clari_dp_probe_stage` (id INT64) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY));

-- load job: clari_dp_stage_<session>_clari_dp_probe_stage <- NEWLINE_DELIMITED_JSON (gzip);

INSERT INTO clari_dp_probe_stage (id) SELECT id FROM `my-project.clari.clari_dp_stage_<session>_clari_dp_probe_stage`;

DROP TABLE IF EXISTS `my-project.clari.clari_dp_stage_<session>_clari_dp_probe_stage`;

-- ===== warehouse/bigquery transaction =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
-- (nothing on this engine)

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
COMMIT TRANSACTION;

-- ===== warehouse/duckdb bulk load =====

-- ----- duckdb -----
-- bulk load into stage_entries (duckdb adapter: appender);

-- bulk load into stage_users (duckdb adapter: appender);

-- bulk load into stage_fields (duckdb adapter: appender);

-- bulk load into stage_frames (duckdb adapter: appender);

-- bulk load into stage_activity_rows (duckdb adapter: appender);

-- bulk load into stage_opportunity_rows (duckdb adapter: appender);

-- bulk load into stage_gone (duckdb adapter: appender);

-- bulk load into clari_dp_probe_stage (duckdb adapter: appender);

-- ----- postgres -----
-- (nothing on this engine)

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/postgres bulk load =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
-- bulk load into stage_entries (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_users (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_fields (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_frames (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_activity_rows (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_opportunity_rows (postgres adapter: COPY FROM STDIN);

-- bulk load into stage_gone (postgres adapter: COPY FROM STDIN);

-- bulk load into clari_dp_probe_stage (postgres adapter: COPY FROM STDIN);

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/snowflake bulk load =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
-- (nothing on this engine)

-- ----- snowflake -----
DROP TABLE IF EXISTS stage_entries;

CREATE TEMPORARY TABLE stage_entries (time_frame_id VARCHAR, user_id VARCHAR, field_id VARCHAR, forecast_value BIGINT, quota_value BIGINT, adjustment_value BIGINT, crm_total_value BIGINT, crm_closed_value BIGINT, is_updated BOOLEAN, updated_by VARCHAR, updated_on BIGINT, currency VARCHAR, entry_hash BIGINT);

CREATE TEMPORARY STAGE IF NOT EXISTS clari_dp_load;

PUT 'file://<tmp>/stage_entries.json.gz' @clari_dp_load/stage_entries/ AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE;

COPY INTO stage_entries FROM @clari_dp_load/stage_entries/ FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE;

DROP TABLE IF EXISTS stage_users;

CREATE TEMPORARY TABLE stage_users (user_id VARCHAR, name VARCHAR, email VARCHAR, crm_id VARCHAR, hierarchy_id VARCHAR, hierarchy_name VARCHAR, parent_hierarchy_id VARCHAR, parent_hierarchy_name VARCHAR, scope_id VARCHAR);

PUT 'file://<tmp>/stage_users.json.gz' @clari_dp_load/stage_users/ AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE;

COPY INTO stage_users FROM @clari_dp_load/stage_users/ FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE;

DROP TABLE IF EXISTS stage_fields;

CREATE TEMPORARY TABLE stage_fields (field_id VARCHAR, field_name VARCHAR, field_type VARCHAR, is_quota BOOLEAN);

PUT 'file://<tmp>/stage_fields.json.gz' @clari_dp_load/stage_fields/ AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE;

COPY INTO stage_fields FROM @clari_dp_load/stage_fields/ FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE;

DROP TABLE IF EXISTS stage_frames;

CREATE TEMPORARY TABLE stage_frames (time_frame_id VARCHAR, start_date VARCHAR, end_date VARCHAR);

PUT 'file://<tmp>/stage_frames.json.gz' @clari_dp_load/stage_frames/ AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE;

COPY INTO stage_frames FROM @clari_dp_load/stage_frames/ FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE;

DROP TABLE IF EXISTS stage_activity_rows;

CREATE TEMPORARY TABLE stage_activity_rows (kind VARCHAR, activity_id VARCHAR, ordinal BIGINT, activity_type VARCHAR, subject VARCHAR, activity_at BIGINT, owner_crm_id VARCHAR, organiser_crm_id VARCHAR, email VARCHAR, name VARCHAR, crm_user_id VARCHAR, is_internal BOOLEAN, link_id VARCHAR, link_name VARCHAR);

PUT 'file://<tmp>/stage_activity_rows.json.gz' @clari_dp_load/stage_activity_rows/ AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE;

COPY INTO stage_activity_rows FROM @clari_dp_load/stage_activity_rows/ FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE;

DROP TABLE IF EXISTS stage_opportunity_rows;

CREATE TEMPORARY TABLE stage_opportunity_rows (kind VARCHAR, opportunity_id VARCHAR, name VARCHAR, owner_crm_id VARCHAR, amount BIGINT, stage VARCHAR, close_date VARCHAR, crm_score DOUBLE, crm_score_message VARCHAR, field_id VARCHAR, old_value VARCHAR, new_value VARCHAR, changed_at BIGINT);

PUT 'file://<tmp>/stage_opportunity_rows.json.gz' @clari_dp_load/stage_opportunity_rows/ AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE;

COPY INTO stage_opportunity_rows FROM @clari_dp_load/stage_opportunity_rows/ FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE;

DROP TABLE IF EXISTS stage_gone;

CREATE TEMPORARY TABLE stage_gone (entry_hash BIGINT);

PUT 'file://<tmp>/stage_gone.json.gz' @clari_dp_load/stage_gone/ AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE;

COPY INTO stage_gone FROM @clari_dp_load/stage_gone/ FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE;

COMMIT;

DROP TABLE IF EXISTS clari_dp_probe_stage;

CREATE TEMPORARY TABLE clari_dp_probe_stage (id BIGINT);

PUT 'file://<tmp>/clari_dp_probe_stage.json.gz' @clari_dp_load/clari_dp_probe_stage/ AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE;

COPY INTO clari_dp_probe_stage FROM @clari_dp_load/clari_dp_probe_stage/ FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE;

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/snowflake transaction =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
-- (nothing on this engine)

-- ----- snowflake -----
COMMIT;

-- ----- bigquery -----
-- (nothing on this engine)
