-- Golden SQL, load: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/load.ts applyDimensions =====

-- ----- duckdb -----
DELETE FROM clari_fields WHERE forecast_id = $1 AND field_id IN (SELECT field_id FROM stage_fields);

INSERT INTO clari_fields (forecast_id, field_id, field_name, field_type, is_quota, last_seen) SELECT $1, field_id, field_name, field_type, is_quota, $2 FROM stage_fields;

DELETE FROM clari_time_frames WHERE time_period = $1 AND time_frame_id IN (SELECT time_frame_id FROM stage_frames);

INSERT INTO clari_time_frames (time_period, time_frame_id, start_date, end_date) SELECT $1, time_frame_id, CAST(start_date AS DATE), CAST(end_date AS DATE) FROM stage_frames;

DELETE FROM clari_time_periods WHERE time_period = $1;

INSERT INTO clari_time_periods (time_period, start_date, end_date, label, year) VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE), $4, $5);

-- ----- postgres -----
DELETE FROM clari_fields WHERE forecast_id = $1 AND field_id IN (SELECT field_id FROM stage_fields);

INSERT INTO clari_fields (forecast_id, field_id, field_name, field_type, is_quota, last_seen) SELECT $1, field_id, field_name, field_type, is_quota, $2 FROM stage_fields;

DELETE FROM clari_time_frames WHERE time_period = $1 AND time_frame_id IN (SELECT time_frame_id FROM stage_frames);

INSERT INTO clari_time_frames (time_period, time_frame_id, start_date, end_date) SELECT $1, time_frame_id, CAST(start_date AS DATE), CAST(end_date AS DATE) FROM stage_frames;

DELETE FROM clari_time_periods WHERE time_period = $1;

INSERT INTO clari_time_periods (time_period, start_date, end_date, label, year) VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE), $4, $5);

-- ----- snowflake -----
DELETE FROM clari_fields WHERE forecast_id = :1 AND field_id IN (SELECT field_id FROM stage_fields);

INSERT INTO clari_fields (forecast_id, field_id, field_name, field_type, is_quota, last_seen) SELECT :1, field_id, field_name, field_type, is_quota, :2 FROM stage_fields;

DELETE FROM clari_time_frames WHERE time_period = :1 AND time_frame_id IN (SELECT time_frame_id FROM stage_frames);

INSERT INTO clari_time_frames (time_period, time_frame_id, start_date, end_date) SELECT :1, time_frame_id, CAST(start_date AS DATE), CAST(end_date AS DATE) FROM stage_frames;

DELETE FROM clari_time_periods WHERE time_period = :1;

INSERT INTO clari_time_periods (time_period, start_date, end_date, label, year) VALUES (:1, CAST(:2 AS DATE), CAST(:3 AS DATE), :4, :5);

-- ----- bigquery -----
DELETE FROM clari_fields WHERE forecast_id = @p1 AND field_id IN (SELECT field_id FROM stage_fields);

INSERT INTO clari_fields (forecast_id, field_id, field_name, field_type, is_quota, last_seen) SELECT @p1, field_id, field_name, field_type, is_quota, @p2 FROM stage_fields;

DELETE FROM clari_time_frames WHERE time_period = @p1 AND time_frame_id IN (SELECT time_frame_id FROM stage_frames);

INSERT INTO clari_time_frames (time_period, time_frame_id, start_date, end_date) SELECT @p1, time_frame_id, CAST(start_date AS DATE), CAST(end_date AS DATE) FROM stage_frames;

DELETE FROM clari_time_periods WHERE time_period = @p1;

INSERT INTO clari_time_periods (time_period, start_date, end_date, label, year) VALUES (@p1, CAST(@p2 AS DATE), CAST(@p3 AS DATE), @p4, @p5);

INSERT INTO clari_time_periods (time_period, start_date, end_date, label, year) VALUES (@p1, CAST(NULL AS DATE), CAST(NULL AS DATE), @p4, NULL);

-- ===== warehouse/sql/load.ts applyUsers =====

-- ----- duckdb -----
UPDATE clari_users t SET name = s.name, email = s.email, crm_id = s.crm_id, hierarchy_id = s.hierarchy_id, hierarchy_name = s.hierarchy_name, parent_hierarchy_id = s.parent_hierarchy_id, parent_hierarchy_name = s.parent_hierarchy_name, scope_id = s.scope_id
     FROM stage_users s WHERE t.user_id = s.user_id AND t.valid_to IS NULL AND t.valid_from = $1 AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id);

UPDATE clari_users t SET valid_to = $1
     WHERE t.valid_to IS NULL AND t.valid_from < $1 AND EXISTS (SELECT 1 FROM stage_users s WHERE s.user_id = t.user_id AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id));

INSERT INTO clari_users (user_id, name, email, crm_id, hierarchy_id, hierarchy_name, parent_hierarchy_id, parent_hierarchy_name, scope_id, valid_from, valid_to)
     SELECT s.user_id, s.name, s.email, s.crm_id, s.hierarchy_id, s.hierarchy_name, s.parent_hierarchy_id, s.parent_hierarchy_name, s.scope_id, $1, NULL FROM stage_users s
     WHERE NOT EXISTS (SELECT 1 FROM clari_users t WHERE t.user_id = s.user_id AND t.valid_to IS NULL);

-- ----- postgres -----
UPDATE clari_users t SET name = s.name, email = s.email, crm_id = s.crm_id, hierarchy_id = s.hierarchy_id, hierarchy_name = s.hierarchy_name, parent_hierarchy_id = s.parent_hierarchy_id, parent_hierarchy_name = s.parent_hierarchy_name, scope_id = s.scope_id
     FROM stage_users s WHERE t.user_id = s.user_id AND t.valid_to IS NULL AND t.valid_from = $1 AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id);

UPDATE clari_users t SET valid_to = $1
     WHERE t.valid_to IS NULL AND t.valid_from < $1 AND EXISTS (SELECT 1 FROM stage_users s WHERE s.user_id = t.user_id AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id));

INSERT INTO clari_users (user_id, name, email, crm_id, hierarchy_id, hierarchy_name, parent_hierarchy_id, parent_hierarchy_name, scope_id, valid_from, valid_to)
     SELECT s.user_id, s.name, s.email, s.crm_id, s.hierarchy_id, s.hierarchy_name, s.parent_hierarchy_id, s.parent_hierarchy_name, s.scope_id, $1, NULL FROM stage_users s
     WHERE NOT EXISTS (SELECT 1 FROM clari_users t WHERE t.user_id = s.user_id AND t.valid_to IS NULL);

-- ----- snowflake -----
UPDATE clari_users t SET name = s.name, email = s.email, crm_id = s.crm_id, hierarchy_id = s.hierarchy_id, hierarchy_name = s.hierarchy_name, parent_hierarchy_id = s.parent_hierarchy_id, parent_hierarchy_name = s.parent_hierarchy_name, scope_id = s.scope_id
     FROM stage_users s WHERE t.user_id = s.user_id AND t.valid_to IS NULL AND t.valid_from = :1 AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id);

UPDATE clari_users t SET valid_to = :1
     WHERE t.valid_to IS NULL AND t.valid_from < :1 AND EXISTS (SELECT 1 FROM stage_users s WHERE s.user_id = t.user_id AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id));

INSERT INTO clari_users (user_id, name, email, crm_id, hierarchy_id, hierarchy_name, parent_hierarchy_id, parent_hierarchy_name, scope_id, valid_from, valid_to)
     SELECT s.user_id, s.name, s.email, s.crm_id, s.hierarchy_id, s.hierarchy_name, s.parent_hierarchy_id, s.parent_hierarchy_name, s.scope_id, :1, NULL FROM stage_users s
     WHERE NOT EXISTS (SELECT 1 FROM clari_users t WHERE t.user_id = s.user_id AND t.valid_to IS NULL);

-- ----- bigquery -----
UPDATE clari_users t SET name = s.name, email = s.email, crm_id = s.crm_id, hierarchy_id = s.hierarchy_id, hierarchy_name = s.hierarchy_name, parent_hierarchy_id = s.parent_hierarchy_id, parent_hierarchy_name = s.parent_hierarchy_name, scope_id = s.scope_id
     FROM stage_users s WHERE t.user_id = s.user_id AND t.valid_to IS NULL AND t.valid_from = @p1 AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id);

UPDATE clari_users t SET valid_to = @p1
     WHERE t.valid_to IS NULL AND t.valid_from < @p1 AND EXISTS (SELECT 1 FROM stage_users s WHERE s.user_id = t.user_id AND (s.name IS DISTINCT FROM t.name OR s.email IS DISTINCT FROM t.email OR s.crm_id IS DISTINCT FROM t.crm_id OR s.hierarchy_id IS DISTINCT FROM t.hierarchy_id OR s.hierarchy_name IS DISTINCT FROM t.hierarchy_name OR s.parent_hierarchy_id IS DISTINCT FROM t.parent_hierarchy_id OR s.parent_hierarchy_name IS DISTINCT FROM t.parent_hierarchy_name OR s.scope_id IS DISTINCT FROM t.scope_id));

INSERT INTO clari_users (user_id, name, email, crm_id, hierarchy_id, hierarchy_name, parent_hierarchy_id, parent_hierarchy_name, scope_id, valid_from, valid_to)
     SELECT s.user_id, s.name, s.email, s.crm_id, s.hierarchy_id, s.hierarchy_name, s.parent_hierarchy_id, s.parent_hierarchy_name, s.scope_id, @p1, NULL FROM stage_users s
     WHERE NOT EXISTS (SELECT 1 FROM clari_users t WHERE t.user_id = s.user_id AND t.valid_to IS NULL);

-- ===== warehouse/sql/load.ts applyVersionChanges =====

-- ----- duckdb -----
INSERT INTO stage_entries_diff (time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash, ended_time_frame_id, ended_user_id, ended_field_id, rehash)
       SELECT s.time_frame_id, s.user_id, s.field_id, s.forecast_value, s.quota_value, s.adjustment_value, s.crm_total_value, s.crm_closed_value, s.is_updated, s.updated_by, s.updated_on, s.currency, s.entry_hash, t.time_frame_id, t.user_id, t.field_id, s.user_id IS NOT NULL AND t.user_id IS NOT NULL AND (CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND epoch_ms(s.updated_on) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency)
       FROM stage_entries s
       FULL JOIN (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND (entry_hash IS NULL OR entry_hash IN (SELECT entry_hash FROM stage_gone))) t ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND epoch_ms(s.updated_on) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency) OR NULLIF(s.entry_hash, 0) IS DISTINCT FROM t.entry_hash;

UPDATE clari_forecast_entries SET valid_to = $3 FROM stage_entries_diff d WHERE clari_forecast_entries.forecast_id = $1 AND clari_forecast_entries.time_period = $2 AND clari_forecast_entries.valid_to IS NULL
         AND clari_forecast_entries.time_frame_id = d.ended_time_frame_id AND clari_forecast_entries.user_id = d.ended_user_id AND clari_forecast_entries.field_id = d.ended_field_id AND NOT d.rehash;

UPDATE clari_forecast_entries SET entry_hash = NULLIF(d.entry_hash, 0) FROM stage_entries_diff d WHERE clari_forecast_entries.forecast_id = $1 AND clari_forecast_entries.time_period = $2 AND clari_forecast_entries.valid_to IS NULL
         AND clari_forecast_entries.time_frame_id = d.ended_time_frame_id AND clari_forecast_entries.user_id = d.ended_user_id AND clari_forecast_entries.field_id = d.ended_field_id AND d.rehash;

INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash) SELECT $1, $2, s.time_frame_id, s.user_id, s.field_id, CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), s.is_updated, s.updated_by, epoch_ms(s.updated_on), s.currency, $3, NULL, $4, NULLIF(s.entry_hash, 0) FROM stage_entries_diff s WHERE s.user_id IS NOT NULL AND NOT s.rehash;

INSERT INTO stage_entries_diff (time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash, ended_time_frame_id, ended_user_id, ended_field_id, rehash)
       SELECT s.time_frame_id, s.user_id, s.field_id, s.forecast_value, s.quota_value, s.adjustment_value, s.crm_total_value, s.crm_closed_value, s.is_updated, s.updated_by, s.updated_on, s.currency, s.entry_hash, t.time_frame_id, t.user_id, t.field_id, s.user_id IS NOT NULL AND t.user_id IS NOT NULL AND (CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND epoch_ms(s.updated_on) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency)
       FROM stage_entries s
       FULL JOIN (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL) t ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND epoch_ms(s.updated_on) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency) OR NULLIF(s.entry_hash, 0) IS DISTINCT FROM t.entry_hash;

-- ----- postgres -----
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

-- ----- snowflake -----
BEGIN TRANSACTION;

INSERT INTO stage_entries_diff (time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash, ended_time_frame_id, ended_user_id, ended_field_id, rehash)
       SELECT s.time_frame_id, s.user_id, s.field_id, s.forecast_value, s.quota_value, s.adjustment_value, s.crm_total_value, s.crm_closed_value, s.is_updated, s.updated_by, s.updated_on, s.currency, s.entry_hash, t.time_frame_id, t.user_id, t.field_id, s.user_id IS NOT NULL AND t.user_id IS NOT NULL AND (CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND TO_TIMESTAMP_NTZ(s.updated_on, 3) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency)
       FROM stage_entries s
       FULL JOIN (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2 AND valid_to IS NULL AND (entry_hash IS NULL OR entry_hash IN (SELECT entry_hash FROM stage_gone))) t ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND TO_TIMESTAMP_NTZ(s.updated_on, 3) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency) OR NULLIF(s.entry_hash, 0) IS DISTINCT FROM t.entry_hash;

UPDATE clari_forecast_entries SET valid_to = :3 FROM stage_entries_diff d WHERE clari_forecast_entries.forecast_id = :1 AND clari_forecast_entries.time_period = :2 AND clari_forecast_entries.valid_to IS NULL
         AND clari_forecast_entries.time_frame_id = d.ended_time_frame_id AND clari_forecast_entries.user_id = d.ended_user_id AND clari_forecast_entries.field_id = d.ended_field_id AND NOT d.rehash;

UPDATE clari_forecast_entries SET entry_hash = NULLIF(d.entry_hash, 0) FROM stage_entries_diff d WHERE clari_forecast_entries.forecast_id = :1 AND clari_forecast_entries.time_period = :2 AND clari_forecast_entries.valid_to IS NULL
         AND clari_forecast_entries.time_frame_id = d.ended_time_frame_id AND clari_forecast_entries.user_id = d.ended_user_id AND clari_forecast_entries.field_id = d.ended_field_id AND d.rehash;

INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash) SELECT :1, :2, s.time_frame_id, s.user_id, s.field_id, CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), s.is_updated, s.updated_by, TO_TIMESTAMP_NTZ(s.updated_on, 3), s.currency, :3, NULL, :4, NULLIF(s.entry_hash, 0) FROM stage_entries_diff s WHERE s.user_id IS NOT NULL AND NOT s.rehash;

INSERT INTO stage_entries_diff (time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash, ended_time_frame_id, ended_user_id, ended_field_id, rehash)
       SELECT s.time_frame_id, s.user_id, s.field_id, s.forecast_value, s.quota_value, s.adjustment_value, s.crm_total_value, s.crm_closed_value, s.is_updated, s.updated_by, s.updated_on, s.currency, s.entry_hash, t.time_frame_id, t.user_id, t.field_id, s.user_id IS NOT NULL AND t.user_id IS NOT NULL AND (CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND TO_TIMESTAMP_NTZ(s.updated_on, 3) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency)
       FROM stage_entries s
       FULL JOIN (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2 AND valid_to IS NULL) t ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND TO_TIMESTAMP_NTZ(s.updated_on, 3) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency) OR NULLIF(s.entry_hash, 0) IS DISTINCT FROM t.entry_hash;

-- ----- bigquery -----
BEGIN TRANSACTION;

INSERT INTO stage_entries_diff (time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash, ended_time_frame_id, ended_user_id, ended_field_id, rehash)
       SELECT s.time_frame_id, s.user_id, s.field_id, s.forecast_value, s.quota_value, s.adjustment_value, s.crm_total_value, s.crm_closed_value, s.is_updated, s.updated_by, s.updated_on, s.currency, s.entry_hash, t.time_frame_id, t.user_id, t.field_id, s.user_id IS NOT NULL AND t.user_id IS NOT NULL AND (CAST(CAST(s.forecast_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND TIMESTAMP_MILLIS(s.updated_on) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency)
       FROM stage_entries s
       FULL JOIN (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2 AND valid_to IS NULL AND (entry_hash IS NULL OR entry_hash IN (SELECT entry_hash FROM stage_gone))) t ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (CAST(CAST(s.forecast_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND TIMESTAMP_MILLIS(s.updated_on) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency) OR NULLIF(s.entry_hash, 0) IS DISTINCT FROM t.entry_hash;

UPDATE clari_forecast_entries SET valid_to = @p3 FROM stage_entries_diff d WHERE clari_forecast_entries.forecast_id = @p1 AND clari_forecast_entries.time_period = @p2 AND clari_forecast_entries.valid_to IS NULL
         AND clari_forecast_entries.time_frame_id = d.ended_time_frame_id AND clari_forecast_entries.user_id = d.ended_user_id AND clari_forecast_entries.field_id = d.ended_field_id AND NOT d.rehash;

UPDATE clari_forecast_entries SET entry_hash = NULLIF(d.entry_hash, 0) FROM stage_entries_diff d WHERE clari_forecast_entries.forecast_id = @p1 AND clari_forecast_entries.time_period = @p2 AND clari_forecast_entries.valid_to IS NULL
         AND clari_forecast_entries.time_frame_id = d.ended_time_frame_id AND clari_forecast_entries.user_id = d.ended_user_id AND clari_forecast_entries.field_id = d.ended_field_id AND d.rehash;

INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash) SELECT @p1, @p2, s.time_frame_id, s.user_id, s.field_id, CAST(CAST(s.forecast_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.quota_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.adjustment_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.crm_total_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.crm_closed_value AS NUMERIC) / 100 AS NUMERIC(18,2)), s.is_updated, s.updated_by, TIMESTAMP_MILLIS(s.updated_on), s.currency, @p3, NULL, @p4, NULLIF(s.entry_hash, 0) FROM stage_entries_diff s WHERE s.user_id IS NOT NULL AND NOT s.rehash;

INSERT INTO stage_entries_diff (time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash, ended_time_frame_id, ended_user_id, ended_field_id, rehash)
       SELECT s.time_frame_id, s.user_id, s.field_id, s.forecast_value, s.quota_value, s.adjustment_value, s.crm_total_value, s.crm_closed_value, s.is_updated, s.updated_by, s.updated_on, s.currency, s.entry_hash, t.time_frame_id, t.user_id, t.field_id, s.user_id IS NOT NULL AND t.user_id IS NOT NULL AND (CAST(CAST(s.forecast_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND TIMESTAMP_MILLIS(s.updated_on) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency)
       FROM stage_entries s
       FULL JOIN (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2 AND valid_to IS NULL) t ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (CAST(CAST(s.forecast_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.forecast_value AND CAST(CAST(s.quota_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.quota_value AND CAST(CAST(s.adjustment_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.adjustment_value AND CAST(CAST(s.crm_total_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_total_value AND CAST(CAST(s.crm_closed_value AS NUMERIC) / 100 AS NUMERIC(18,2)) IS NOT DISTINCT FROM t.crm_closed_value AND s.is_updated IS NOT DISTINCT FROM t.is_updated AND s.updated_by IS NOT DISTINCT FROM t.updated_by AND TIMESTAMP_MILLIS(s.updated_on) IS NOT DISTINCT FROM t.updated_on AND s.currency IS NOT DISTINCT FROM t.currency) OR NULLIF(s.entry_hash, 0) IS DISTINCT FROM t.entry_hash;

-- ===== warehouse/sql/load.ts changeCount =====

-- ----- duckdb -----
SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

-- ----- postgres -----
SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

-- ----- snowflake -----
SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = :1 AND time_period = :2 AND current_snapshot = :3;

-- ----- bigquery -----
SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = @p1 AND time_period = @p2 AND current_snapshot = @p3;

-- ===== warehouse/sql/load.ts createDiffStage =====

-- ----- duckdb -----
DROP TABLE IF EXISTS stage_entries_diff;

CREATE TEMP TABLE stage_entries_diff (time_frame_id VARCHAR, user_id VARCHAR, field_id VARCHAR, forecast_value BIGINT, quota_value BIGINT, adjustment_value BIGINT, crm_total_value BIGINT, crm_closed_value BIGINT, is_updated BOOLEAN, updated_by VARCHAR, updated_on BIGINT, currency VARCHAR, entry_hash BIGINT, ended_time_frame_id VARCHAR, ended_user_id VARCHAR, ended_field_id VARCHAR, rehash BOOLEAN);

-- ----- postgres -----
DROP TABLE IF EXISTS stage_entries_diff;

CREATE TEMP TABLE stage_entries_diff (time_frame_id TEXT, user_id TEXT, field_id TEXT, forecast_value BIGINT, quota_value BIGINT, adjustment_value BIGINT, crm_total_value BIGINT, crm_closed_value BIGINT, is_updated BOOLEAN, updated_by TEXT, updated_on BIGINT, currency TEXT, entry_hash BIGINT, ended_time_frame_id TEXT, ended_user_id TEXT, ended_field_id TEXT, rehash BOOLEAN) ON COMMIT DROP;

-- ----- snowflake -----
DROP TABLE IF EXISTS stage_entries_diff;

CREATE TEMPORARY TABLE stage_entries_diff (time_frame_id VARCHAR, user_id VARCHAR, field_id VARCHAR, forecast_value BIGINT, quota_value BIGINT, adjustment_value BIGINT, crm_total_value BIGINT, crm_closed_value BIGINT, is_updated BOOLEAN, updated_by VARCHAR, updated_on BIGINT, currency VARCHAR, entry_hash BIGINT, ended_time_frame_id VARCHAR, ended_user_id VARCHAR, ended_field_id VARCHAR, rehash BOOLEAN);

-- ----- bigquery -----
DROP TABLE IF EXISTS stage_entries_diff;

CREATE TEMP TABLE stage_entries_diff (time_frame_id STRING, user_id STRING, field_id STRING, forecast_value INT64, quota_value INT64, adjustment_value INT64, crm_total_value INT64, crm_closed_value INT64, is_updated BOOL, updated_by STRING, updated_on INT64, currency STRING, entry_hash INT64, ended_time_frame_id STRING, ended_user_id STRING, ended_field_id STRING, rehash BOOL);

-- ===== warehouse/sql/load.ts currentFingerprints =====

-- ----- duckdb -----
SELECT entry_hash FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND entry_hash IS NOT NULL;

-- ----- postgres -----
SELECT entry_hash FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND entry_hash IS NOT NULL;

-- ----- snowflake -----
SELECT entry_hash FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2 AND valid_to IS NULL AND entry_hash IS NOT NULL;

-- ----- bigquery -----
SELECT entry_hash FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2 AND valid_to IS NULL AND entry_hash IS NOT NULL;

-- ===== warehouse/sql/load.ts currentTotals =====

-- ----- duckdb -----
SELECT count(*) AS n, sum(forecast_value) AS total FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3);

-- ----- postgres -----
SELECT count(*) AS n, sum(forecast_value) AS total FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3);

-- ----- snowflake -----
SELECT count(*) AS n, sum(forecast_value) AS total FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2 AND valid_from <= :3 AND (valid_to IS NULL OR valid_to > :3);

-- ----- bigquery -----
SELECT count(*) AS n, sum(forecast_value) AS total FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2 AND valid_from <= @p3 AND (valid_to IS NULL OR valid_to > @p3);

-- ===== warehouse/sql/load.ts dropLoadStages =====

-- ----- duckdb -----
DROP TABLE stage_entries_diff;

-- ----- postgres -----
DROP TABLE stage_entries_diff;

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/sql/load.ts hasCurrentVersions =====

-- ----- duckdb -----
SELECT 1 AS one FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL LIMIT 1;

-- ----- postgres -----
SELECT 1 AS one FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL LIMIT 1;

-- ----- snowflake -----
SELECT 1 AS one FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2 AND valid_to IS NULL LIMIT 1;

-- ----- bigquery -----
SELECT 1 AS one FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2 AND valid_to IS NULL LIMIT 1;

-- ===== warehouse/sql/load.ts insertDailyForecasts =====

-- ----- duckdb -----
INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), q.quota, CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)),
            $2, $1, $3, $4, s.time_frame_id, s.is_updated, s.currency, $5
     FROM stage_entries s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(CAST(CAST(qs.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2))) AS quota
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

-- ----- postgres -----
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

-- ----- snowflake -----
INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), q.quota, CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)),
            :2, :1, :3, :4, s.time_frame_id, s.is_updated, s.currency, :5
     FROM stage_entries s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(CAST(CAST(qs.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2))) AS quota
                FROM stage_entries qs JOIN stage_fields qf ON qf.field_id = qs.field_id AND qf.is_quota
                WHERE qs.time_frame_id = :6 GROUP BY qs.user_id) q ON q.user_id = s.user_id
     WHERE s.time_frame_id = :6 AND NOT coalesce(f.is_quota, FALSE);

INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            s.forecast_value, q.quota, s.crm_total_value, s.crm_closed_value, s.adjustment_value,
            :2, :1, :3, :4, s.time_frame_id, s.is_updated, s.currency, :5
     FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2 AND valid_to IS NULL AND time_frame_id = :6) s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(qs.quota_value) AS quota
                FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2 AND valid_to IS NULL AND time_frame_id = :6) qs JOIN stage_fields qf ON qf.field_id = qs.field_id AND qf.is_quota
                WHERE qs.time_frame_id = :6 GROUP BY qs.user_id) q ON q.user_id = s.user_id
     WHERE s.time_frame_id = :6 AND NOT coalesce(f.is_quota, FALSE);

-- ----- bigquery -----
INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            CAST(CAST(s.forecast_value AS NUMERIC) / 100 AS NUMERIC(18,2)), q.quota, CAST(CAST(s.crm_total_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.crm_closed_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.adjustment_value AS NUMERIC) / 100 AS NUMERIC(18,2)),
            @p2, @p1, @p3, @p4, s.time_frame_id, s.is_updated, s.currency, @p5
     FROM stage_entries s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(CAST(CAST(qs.quota_value AS NUMERIC) / 100 AS NUMERIC(18,2))) AS quota
                FROM stage_entries qs JOIN stage_fields qf ON qf.field_id = qs.field_id AND qf.is_quota
                WHERE qs.time_frame_id = @p6 GROUP BY qs.user_id) q ON q.user_id = s.user_id
     WHERE s.time_frame_id = @p6 AND NOT coalesce(f.is_quota, FALSE);

INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            s.forecast_value, q.quota, s.crm_total_value, s.crm_closed_value, s.adjustment_value,
            @p2, @p1, @p3, @p4, s.time_frame_id, s.is_updated, s.currency, @p5
     FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2 AND valid_to IS NULL AND time_frame_id = @p6) s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(qs.quota_value) AS quota
                FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, entry_hash FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2 AND valid_to IS NULL AND time_frame_id = @p6) qs JOIN stage_fields qf ON qf.field_id = qs.field_id AND qf.is_quota
                WHERE qs.time_frame_id = @p6 GROUP BY qs.user_id) q ON q.user_id = s.user_id
     WHERE s.time_frame_id = @p6 AND NOT coalesce(f.is_quota, FALSE);

-- ===== warehouse/sql/load.ts insertFirstVersions =====

-- ----- duckdb -----
INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash) SELECT $1, $2, s.time_frame_id, s.user_id, s.field_id, CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), s.is_updated, s.updated_by, epoch_ms(s.updated_on), s.currency, $3, NULL, $4, NULLIF(s.entry_hash, 0) FROM stage_entries s;

-- ----- postgres -----
INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash) SELECT $1, $2, s.time_frame_id, s.user_id, s.field_id, CAST(s.forecast_value * 0.01 AS NUMERIC(18,2)), CAST(s.quota_value * 0.01 AS NUMERIC(18,2)), CAST(s.adjustment_value * 0.01 AS NUMERIC(18,2)), CAST(s.crm_total_value * 0.01 AS NUMERIC(18,2)), CAST(s.crm_closed_value * 0.01 AS NUMERIC(18,2)), s.is_updated, s.updated_by, (to_timestamp(s.updated_on / 1000.0) AT TIME ZONE 'UTC'), s.currency, $3, NULL, $4, NULLIF(s.entry_hash, 0) FROM stage_entries s;

-- ----- snowflake -----
BEGIN TRANSACTION;

INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash) SELECT :1, :2, s.time_frame_id, s.user_id, s.field_id, CAST(CAST(s.forecast_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.quota_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.adjustment_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_total_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), CAST(CAST(s.crm_closed_value AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), s.is_updated, s.updated_by, TO_TIMESTAMP_NTZ(s.updated_on, 3), s.currency, :3, NULL, :4, NULLIF(s.entry_hash, 0) FROM stage_entries s;

-- ----- bigquery -----
BEGIN TRANSACTION;

INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash) SELECT @p1, @p2, s.time_frame_id, s.user_id, s.field_id, CAST(CAST(s.forecast_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.quota_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.adjustment_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.crm_total_value AS NUMERIC) / 100 AS NUMERIC(18,2)), CAST(CAST(s.crm_closed_value AS NUMERIC) / 100 AS NUMERIC(18,2)), s.is_updated, s.updated_by, TIMESTAMP_MILLIS(s.updated_on), s.currency, @p3, NULL, @p4, NULLIF(s.entry_hash, 0) FROM stage_entries s;

-- ===== warehouse/sql/load.ts insertSnapshotLedger =====

-- ----- duckdb -----
INSERT INTO clari_snapshots (forecast_id, time_period, snapshot_date, run_id, job_id, payload_sha256, loaded_at, entries, users, latest_time_frame)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- ----- postgres -----
INSERT INTO clari_snapshots (forecast_id, time_period, snapshot_date, run_id, job_id, payload_sha256, loaded_at, entries, users, latest_time_frame)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- ----- snowflake -----
INSERT INTO clari_snapshots (forecast_id, time_period, snapshot_date, run_id, job_id, payload_sha256, loaded_at, entries, users, latest_time_frame)
     VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10);

-- ----- bigquery -----
INSERT INTO clari_snapshots (forecast_id, time_period, snapshot_date, run_id, job_id, payload_sha256, loaded_at, entries, users, latest_time_frame)
     VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10);

-- ===== warehouse/sql/load.ts latestSnapshotDate =====

-- ----- duckdb -----
SELECT max(snapshot_date) AS latest FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2;

-- ----- postgres -----
SELECT max(snapshot_date) AS latest FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2;

-- ----- snowflake -----
SELECT max(snapshot_date) AS latest FROM clari_snapshots WHERE forecast_id = :1 AND time_period = :2;

-- ----- bigquery -----
SELECT max(snapshot_date) AS latest FROM clari_snapshots WHERE forecast_id = @p1 AND time_period = @p2;

-- ===== warehouse/sql/load.ts ledgerOfPayload =====

-- ----- duckdb -----
SELECT s.entries, s.users, (SELECT max(j.payload_sum) FROM clari_export_jobs j
                                 WHERE j.forecast_id = s.forecast_id AND j.time_period = s.time_period AND j.snapshot_date = s.snapshot_date AND j.payload_sha256 = s.payload_sha256) AS payload_sum
     FROM clari_snapshots s WHERE s.forecast_id = $1 AND s.time_period = $2 AND s.snapshot_date = $3 AND s.payload_sha256 = $4;

-- ----- postgres -----
SELECT s.entries, s.users, (SELECT max(j.payload_sum) FROM clari_export_jobs j
                                 WHERE j.forecast_id = s.forecast_id AND j.time_period = s.time_period AND j.snapshot_date = s.snapshot_date AND j.payload_sha256 = s.payload_sha256) AS payload_sum
     FROM clari_snapshots s WHERE s.forecast_id = $1 AND s.time_period = $2 AND s.snapshot_date = $3 AND s.payload_sha256 = $4;

-- ----- snowflake -----
SELECT s.entries, s.users, (SELECT max(j.payload_sum) FROM clari_export_jobs j
                                 WHERE j.forecast_id = s.forecast_id AND j.time_period = s.time_period AND j.snapshot_date = s.snapshot_date AND j.payload_sha256 = s.payload_sha256) AS payload_sum
     FROM clari_snapshots s WHERE s.forecast_id = :1 AND s.time_period = :2 AND s.snapshot_date = :3 AND s.payload_sha256 = :4;

-- ----- bigquery -----
SELECT s.entries, s.users, (SELECT max(j.payload_sum) FROM clari_export_jobs j
                                 WHERE j.forecast_id = s.forecast_id AND j.time_period = s.time_period AND j.snapshot_date = s.snapshot_date AND j.payload_sha256 = s.payload_sha256) AS payload_sum
     FROM clari_snapshots s WHERE s.forecast_id = @p1 AND s.time_period = @p2 AND s.snapshot_date = @p3 AND s.payload_sha256 = @p4;

-- ===== warehouse/sql/load.ts loadedSums =====

-- ----- duckdb -----
SELECT count(*) AS n, sum(forecast_value) AS forecast_value, sum(quota_value) AS quota_value, sum(adjustment_value) AS adjustment_value, sum(crm_total_value) AS crm_total_value, sum(crm_closed_value) AS crm_closed_value
     FROM clari_forecast_entries
     WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3);

-- ----- postgres -----
SELECT count(*) AS n, sum(forecast_value) AS forecast_value, sum(quota_value) AS quota_value, sum(adjustment_value) AS adjustment_value, sum(crm_total_value) AS crm_total_value, sum(crm_closed_value) AS crm_closed_value
     FROM clari_forecast_entries
     WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3);

-- ----- snowflake -----
SELECT count(*) AS n, sum(forecast_value) AS forecast_value, sum(quota_value) AS quota_value, sum(adjustment_value) AS adjustment_value, sum(crm_total_value) AS crm_total_value, sum(crm_closed_value) AS crm_closed_value
     FROM clari_forecast_entries
     WHERE forecast_id = :1 AND time_period = :2 AND valid_from <= :3 AND (valid_to IS NULL OR valid_to > :3);

-- ----- bigquery -----
SELECT count(*) AS n, sum(forecast_value) AS forecast_value, sum(quota_value) AS quota_value, sum(adjustment_value) AS adjustment_value, sum(crm_total_value) AS crm_total_value, sum(crm_closed_value) AS crm_closed_value
     FROM clari_forecast_entries
     WHERE forecast_id = @p1 AND time_period = @p2 AND valid_from <= @p3 AND (valid_to IS NULL OR valid_to > @p3);

-- ===== warehouse/sql/load.ts matchedByField =====

-- ----- duckdb -----
SELECT t.field_id, count(*) AS n, count(t.quota_value) AS quotas, count(t.forecast_value) AS forecasts,
            max(t.time_frame_id) AS latest, count(s.user_id) AS restaged, sum(t.forecast_value) AS forecast_value, sum(t.quota_value) AS quota_value, sum(t.adjustment_value) AS adjustment_value, sum(t.crm_total_value) AS crm_total_value, sum(t.crm_closed_value) AS crm_closed_value
     FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND entry_hash IS NOT NULL AND entry_hash NOT IN (SELECT entry_hash FROM stage_gone)) t
     LEFT JOIN (SELECT time_frame_id, user_id, field_id FROM stage_entries) s ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
     GROUP BY t.field_id;

-- ----- postgres -----
SELECT t.field_id, count(*) AS n, count(t.quota_value) AS quotas, count(t.forecast_value) AS forecasts,
            max(t.time_frame_id) AS latest, count(s.user_id) AS restaged, sum(t.forecast_value) AS forecast_value, sum(t.quota_value) AS quota_value, sum(t.adjustment_value) AS adjustment_value, sum(t.crm_total_value) AS crm_total_value, sum(t.crm_closed_value) AS crm_closed_value
     FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL AND entry_hash IS NOT NULL AND entry_hash NOT IN (SELECT entry_hash FROM stage_gone)) t
     LEFT JOIN (SELECT time_frame_id, user_id, field_id FROM stage_entries) s ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
     GROUP BY t.field_id;

-- ----- snowflake -----
SELECT t.field_id, count(*) AS n, count(t.quota_value) AS quotas, count(t.forecast_value) AS forecasts,
            max(t.time_frame_id) AS latest, count(s.user_id) AS restaged, sum(t.forecast_value) AS forecast_value, sum(t.quota_value) AS quota_value, sum(t.adjustment_value) AS adjustment_value, sum(t.crm_total_value) AS crm_total_value, sum(t.crm_closed_value) AS crm_closed_value
     FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2 AND valid_to IS NULL AND entry_hash IS NOT NULL AND entry_hash NOT IN (SELECT entry_hash FROM stage_gone)) t
     LEFT JOIN (SELECT time_frame_id, user_id, field_id FROM stage_entries) s ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
     GROUP BY t.field_id;

-- ----- bigquery -----
SELECT t.field_id, count(*) AS n, count(t.quota_value) AS quotas, count(t.forecast_value) AS forecasts,
            max(t.time_frame_id) AS latest, count(s.user_id) AS restaged, sum(t.forecast_value) AS forecast_value, sum(t.quota_value) AS quota_value, sum(t.adjustment_value) AS adjustment_value, sum(t.crm_total_value) AS crm_total_value, sum(t.crm_closed_value) AS crm_closed_value
     FROM (SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2 AND valid_to IS NULL AND entry_hash IS NOT NULL AND entry_hash NOT IN (SELECT entry_hash FROM stage_gone)) t
     LEFT JOIN (SELECT time_frame_id, user_id, field_id FROM stage_entries) s ON s.time_frame_id = t.time_frame_id AND s.user_id = t.user_id AND s.field_id = t.field_id
     GROUP BY t.field_id;

-- ===== warehouse/sql/load.ts previousSnapshot =====

-- ----- duckdb -----
SELECT snapshot_date, entries FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3 ORDER BY snapshot_date DESC LIMIT 1;

-- ----- postgres -----
SELECT snapshot_date, entries FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3 ORDER BY snapshot_date DESC LIMIT 1;

-- ----- snowflake -----
SELECT snapshot_date, entries FROM clari_snapshots WHERE forecast_id = :1 AND time_period = :2 AND snapshot_date < :3 ORDER BY snapshot_date DESC LIMIT 1;

-- ----- bigquery -----
SELECT snapshot_date, entries FROM clari_snapshots WHERE forecast_id = @p1 AND time_period = @p2 AND snapshot_date < @p3 ORDER BY snapshot_date DESC LIMIT 1;

-- ===== warehouse/sql/load.ts previousSnapshotDate =====

-- ----- duckdb -----
SELECT max(snapshot_date) AS d FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3;

-- ----- postgres -----
SELECT max(snapshot_date) AS d FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3;

-- ----- snowflake -----
SELECT max(snapshot_date) AS d FROM clari_snapshots WHERE forecast_id = :1 AND time_period = :2 AND snapshot_date < :3;

-- ----- bigquery -----
SELECT max(snapshot_date) AS d FROM clari_snapshots WHERE forecast_id = @p1 AND time_period = @p2 AND snapshot_date < @p3;

-- ===== warehouse/sql/load.ts repeatedKeys =====

-- ----- duckdb -----
SELECT count(*) AS n FROM (SELECT 1 AS one FROM stage_entries GROUP BY time_frame_id, user_id, field_id HAVING count(*) > 1) d;

-- ----- postgres -----
SELECT count(*) AS n FROM (SELECT 1 AS one FROM stage_entries GROUP BY time_frame_id, user_id, field_id HAVING count(*) > 1) d;

-- ----- snowflake -----
SELECT count(*) AS n FROM (SELECT 1 AS one FROM stage_entries GROUP BY time_frame_id, user_id, field_id HAVING count(*) > 1) d;

-- ----- bigquery -----
SELECT count(*) AS n FROM (SELECT 1 AS one FROM stage_entries GROUP BY time_frame_id, user_id, field_id HAVING count(*) > 1) d;

-- ===== warehouse/sql/load.ts undoSnapshot =====

-- ----- duckdb -----
DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from = $3;

UPDATE clari_forecast_entries SET valid_to = NULL WHERE forecast_id = $1 AND time_period = $2 AND valid_to = $3;

DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3;

DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3;

-- ----- postgres -----
DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from = $3;

UPDATE clari_forecast_entries SET valid_to = NULL WHERE forecast_id = $1 AND time_period = $2 AND valid_to = $3;

DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3;

DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3;

DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3;

-- ----- snowflake -----
BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE forecast_id = :1 AND time_period = :2 AND valid_from = :3;

UPDATE clari_forecast_entries SET valid_to = NULL WHERE forecast_id = :1 AND time_period = :2 AND valid_to = :3;

DELETE FROM clari_forecasts WHERE forecast_name = :1 AND time_period = :2 AND snapshot_date = :3;

DELETE FROM clari_forecast_changes WHERE forecast_name = :1 AND time_period = :2 AND current_snapshot = :3;

DELETE FROM clari_snapshots WHERE forecast_id = :1 AND time_period = :2 AND snapshot_date = :3;

-- ----- bigquery -----
BEGIN TRANSACTION;

DELETE FROM clari_forecast_entries WHERE forecast_id = @p1 AND time_period = @p2 AND valid_from = @p3;

UPDATE clari_forecast_entries SET valid_to = NULL WHERE forecast_id = @p1 AND time_period = @p2 AND valid_to = @p3;

DELETE FROM clari_forecasts WHERE forecast_name = @p1 AND time_period = @p2 AND snapshot_date = @p3;

DELETE FROM clari_forecast_changes WHERE forecast_name = @p1 AND time_period = @p2 AND current_snapshot = @p3;

DELETE FROM clari_snapshots WHERE forecast_id = @p1 AND time_period = @p2 AND snapshot_date = @p3;
