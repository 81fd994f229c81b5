-- Golden SQL, deals: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/deals.ts activitiesBetween =====

-- ----- duckdb -----
SELECT count(*) AS n FROM clari_activities WHERE activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP);

-- ----- postgres -----
SELECT count(*) AS n FROM clari_activities WHERE activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP);

-- ----- snowflake -----
SELECT count(*) AS n FROM clari_activities WHERE activity_at >= CAST(:1 AS TIMESTAMP_NTZ) AND activity_at < CAST(:2 AS TIMESTAMP_NTZ);

-- ----- bigquery -----
SELECT count(*) AS n FROM clari_activities WHERE activity_at >= CAST(@p1 AS TIMESTAMP) AND activity_at < CAST(@p2 AS TIMESTAMP);

-- ===== warehouse/sql/deals.ts activityReadBack =====

-- ----- duckdb -----
SELECT count(*) AS activities,
            sum(CASE WHEN a.activity_type IS NOT DISTINCT FROM s.activity_type AND a.subject IS NOT DISTINCT FROM s.subject
                      AND a.activity_at IS NOT DISTINCT FROM epoch_ms(s.activity_at)
                      AND a.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND a.organiser_crm_id IS NOT DISTINCT FROM s.organiser_crm_id
                 THEN 1 ELSE 0 END) AS same,
            sum(len(a.account_ids)) AS account_ids, sum(len(a.opportunity_ids)) AS opportunity_ids
     FROM clari_activities a JOIN stage_activity_rows s ON s.activity_id = a.activity_id AND s.kind = 'activity';

SELECT (SELECT count(*) FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS participants, (SELECT count(*) FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS accounts,
            (SELECT count(*) FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS opportunities;

-- ----- postgres -----
SELECT count(*) AS activities,
            sum(CASE WHEN a.activity_type IS NOT DISTINCT FROM s.activity_type AND a.subject IS NOT DISTINCT FROM s.subject
                      AND a.activity_at IS NOT DISTINCT FROM (to_timestamp(s.activity_at / 1000.0) AT TIME ZONE 'UTC')
                      AND a.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND a.organiser_crm_id IS NOT DISTINCT FROM s.organiser_crm_id
                 THEN 1 ELSE 0 END) AS same,
            sum(cardinality(a.account_ids)) AS account_ids, sum(cardinality(a.opportunity_ids)) AS opportunity_ids
     FROM clari_activities a JOIN stage_activity_rows s ON s.activity_id = a.activity_id AND s.kind = 'activity';

SELECT (SELECT count(*) FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS participants, (SELECT count(*) FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS accounts,
            (SELECT count(*) FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS opportunities;

-- ----- snowflake -----
SELECT count(*) AS activities,
            sum(CASE WHEN a.activity_type IS NOT DISTINCT FROM s.activity_type AND a.subject IS NOT DISTINCT FROM s.subject
                      AND a.activity_at IS NOT DISTINCT FROM TO_TIMESTAMP_NTZ(s.activity_at, 3)
                      AND a.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND a.organiser_crm_id IS NOT DISTINCT FROM s.organiser_crm_id
                 THEN 1 ELSE 0 END) AS same,
            sum(ARRAY_SIZE(a.account_ids)) AS account_ids, sum(ARRAY_SIZE(a.opportunity_ids)) AS opportunity_ids
     FROM clari_activities a JOIN stage_activity_rows s ON s.activity_id = a.activity_id AND s.kind = 'activity';

SELECT (SELECT count(*) FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS participants, (SELECT count(*) FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS accounts,
            (SELECT count(*) FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS opportunities;

-- ----- bigquery -----
SELECT count(*) AS activities,
            sum(CASE WHEN a.activity_type IS NOT DISTINCT FROM s.activity_type AND a.subject IS NOT DISTINCT FROM s.subject
                      AND a.activity_at IS NOT DISTINCT FROM TIMESTAMP_MILLIS(s.activity_at)
                      AND a.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND a.organiser_crm_id IS NOT DISTINCT FROM s.organiser_crm_id
                 THEN 1 ELSE 0 END) AS same,
            sum(ARRAY_LENGTH(a.account_ids)) AS account_ids, sum(ARRAY_LENGTH(a.opportunity_ids)) AS opportunity_ids
     FROM clari_activities a JOIN stage_activity_rows s ON s.activity_id = a.activity_id AND s.kind = 'activity';

SELECT (SELECT count(*) FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS participants, (SELECT count(*) FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS accounts,
            (SELECT count(*) FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity')) AS opportunities;

-- ===== warehouse/sql/deals.ts analyzeDealTables =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
ANALYZE clari_activity_participants, clari_activity_opportunities, clari_activity_accounts, clari_activities, clari_activity_windows, clari_opportunities, clari_opportunity_field_history, clari_opportunity_snapshots;

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/sql/deals.ts applyOpportunityVersions =====

-- ----- duckdb -----
UPDATE clari_opportunities t SET valid_to = CAST($1 AS DATE)
     WHERE t.valid_to IS NULL AND EXISTS (SELECT 1 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s WHERE s.opportunity_id = t.opportunity_id AND NOT (t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(CAST(s.amount AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message));

INSERT INTO clari_opportunities (opportunity_id, name, owner_crm_id, amount, stage, close_date, crm_score, crm_score_message, valid_from, valid_to, run_id)
     SELECT s.opportunity_id, s.name, s.owner_crm_id, CAST(CAST(s.amount AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), s.stage, CAST(s.close_date AS DATE), s.crm_score, s.crm_score_message, CAST($1 AS DATE), NULL, $2 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunities t WHERE t.opportunity_id = s.opportunity_id AND t.valid_to IS NULL);

-- ----- postgres -----
UPDATE clari_opportunities t SET valid_to = CAST($1 AS DATE)
     WHERE t.valid_to IS NULL AND EXISTS (SELECT 1 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s WHERE s.opportunity_id = t.opportunity_id AND NOT (t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(s.amount * 0.01 AS NUMERIC(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message));

INSERT INTO clari_opportunities (opportunity_id, name, owner_crm_id, amount, stage, close_date, crm_score, crm_score_message, valid_from, valid_to, run_id)
     SELECT s.opportunity_id, s.name, s.owner_crm_id, CAST(s.amount * 0.01 AS NUMERIC(18,2)), s.stage, CAST(s.close_date AS DATE), s.crm_score, s.crm_score_message, CAST($1 AS DATE), NULL, $2 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunities t WHERE t.opportunity_id = s.opportunity_id AND t.valid_to IS NULL);

-- ----- snowflake -----
BEGIN TRANSACTION;

UPDATE clari_opportunities t SET valid_to = CAST(:1 AS DATE)
     WHERE t.valid_to IS NULL AND EXISTS (SELECT 1 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s WHERE s.opportunity_id = t.opportunity_id AND NOT (t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(CAST(s.amount AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message));

INSERT INTO clari_opportunities (opportunity_id, name, owner_crm_id, amount, stage, close_date, crm_score, crm_score_message, valid_from, valid_to, run_id)
     SELECT s.opportunity_id, s.name, s.owner_crm_id, CAST(CAST(s.amount AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)), s.stage, CAST(s.close_date AS DATE), s.crm_score, s.crm_score_message, CAST(:1 AS DATE), NULL, :2 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunities t WHERE t.opportunity_id = s.opportunity_id AND t.valid_to IS NULL);

-- ----- bigquery -----
BEGIN TRANSACTION;

UPDATE clari_opportunities t SET valid_to = CAST(@p1 AS DATE)
     WHERE t.valid_to IS NULL AND EXISTS (SELECT 1 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s WHERE s.opportunity_id = t.opportunity_id AND NOT (t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(CAST(s.amount AS NUMERIC) / 100 AS NUMERIC(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message));

INSERT INTO clari_opportunities (opportunity_id, name, owner_crm_id, amount, stage, close_date, crm_score, crm_score_message, valid_from, valid_to, run_id)
     SELECT s.opportunity_id, s.name, s.owner_crm_id, CAST(CAST(s.amount AS NUMERIC) / 100 AS NUMERIC(18,2)), s.stage, CAST(s.close_date AS DATE), s.crm_score, s.crm_score_message, CAST(@p1 AS DATE), NULL, @p2 FROM (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunities t WHERE t.opportunity_id = s.opportunity_id AND t.valid_to IS NULL);

-- ===== warehouse/sql/deals.ts clearDeals =====

-- ----- duckdb -----
DELETE FROM clari_activity_participants WHERE TRUE;

DELETE FROM clari_activity_opportunities WHERE TRUE;

DELETE FROM clari_activity_accounts WHERE TRUE;

DELETE FROM clari_activities WHERE TRUE;

DELETE FROM clari_activity_windows WHERE TRUE;

DELETE FROM clari_opportunities WHERE TRUE;

DELETE FROM clari_opportunity_field_history WHERE TRUE;

DELETE FROM clari_opportunity_snapshots WHERE TRUE;

-- ----- postgres -----
DELETE FROM clari_activity_participants WHERE TRUE;

DELETE FROM clari_activity_opportunities WHERE TRUE;

DELETE FROM clari_activity_accounts WHERE TRUE;

DELETE FROM clari_activities WHERE TRUE;

DELETE FROM clari_activity_windows WHERE TRUE;

DELETE FROM clari_opportunities WHERE TRUE;

DELETE FROM clari_opportunity_field_history WHERE TRUE;

DELETE FROM clari_opportunity_snapshots WHERE TRUE;

-- ----- snowflake -----
DELETE FROM clari_activity_participants WHERE TRUE;

DELETE FROM clari_activity_opportunities WHERE TRUE;

DELETE FROM clari_activity_accounts WHERE TRUE;

DELETE FROM clari_activities WHERE TRUE;

DELETE FROM clari_activity_windows WHERE TRUE;

DELETE FROM clari_opportunities WHERE TRUE;

DELETE FROM clari_opportunity_field_history WHERE TRUE;

DELETE FROM clari_opportunity_snapshots WHERE TRUE;

-- ----- bigquery -----
DELETE FROM clari_activity_participants WHERE TRUE;

DELETE FROM clari_activity_opportunities WHERE TRUE;

DELETE FROM clari_activity_accounts WHERE TRUE;

DELETE FROM clari_activities WHERE TRUE;

DELETE FROM clari_activity_windows WHERE TRUE;

DELETE FROM clari_opportunities WHERE TRUE;

DELETE FROM clari_opportunity_field_history WHERE TRUE;

DELETE FROM clari_opportunity_snapshots WHERE TRUE;

-- ===== warehouse/sql/deals.ts insertRefresh =====

-- ----- duckdb -----
INSERT INTO clari_opportunity_snapshots (as_of, requested, opportunities, calls, payload_sha256, amount_sum, run_id, loaded_at)
     VALUES (CAST($1 AS DATE), $2, $3, $4, $5, CAST($6 AS DECIMAL(18,2)), $7, CAST($8 AS TIMESTAMP));

-- ----- postgres -----
INSERT INTO clari_opportunity_snapshots (as_of, requested, opportunities, calls, payload_sha256, amount_sum, run_id, loaded_at)
     VALUES (CAST($1 AS DATE), $2, $3, $4, $5, CAST($6 AS NUMERIC(18,2)), $7, CAST($8 AS TIMESTAMP));

-- ----- snowflake -----
INSERT INTO clari_opportunity_snapshots (as_of, requested, opportunities, calls, payload_sha256, amount_sum, run_id, loaded_at)
     VALUES (CAST(:1 AS DATE), :2, :3, :4, :5, CAST(:6 AS DECIMAL(18,2)), :7, CAST(:8 AS TIMESTAMP_NTZ));

-- ----- bigquery -----
INSERT INTO clari_opportunity_snapshots (as_of, requested, opportunities, calls, payload_sha256, amount_sum, run_id, loaded_at)
     VALUES (CAST(@p1 AS DATE), @p2, @p3, @p4, @p5, CAST(@p6 AS NUMERIC(18,2)), @p7, CAST(@p8 AS TIMESTAMP));

-- ===== warehouse/sql/deals.ts insertTrendPoints =====

-- ----- duckdb -----
INSERT INTO clari_opportunity_field_history (opportunity_id, field_id, old_value, new_value, changed_at, first_seen, run_id)
     SELECT s.opportunity_id, s.field_id, s.old_value, s.new_value, epoch_ms(s.changed_at), CAST($1 AS DATE), $2
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = epoch_ms(s.changed_at)
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value);

-- ----- postgres -----
INSERT INTO clari_opportunity_field_history (opportunity_id, field_id, old_value, new_value, changed_at, first_seen, run_id)
     SELECT s.opportunity_id, s.field_id, s.old_value, s.new_value, (to_timestamp(s.changed_at / 1000.0) AT TIME ZONE 'UTC'), CAST($1 AS DATE), $2
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = (to_timestamp(s.changed_at / 1000.0) AT TIME ZONE 'UTC')
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value);

-- ----- snowflake -----
INSERT INTO clari_opportunity_field_history (opportunity_id, field_id, old_value, new_value, changed_at, first_seen, run_id)
     SELECT s.opportunity_id, s.field_id, s.old_value, s.new_value, TO_TIMESTAMP_NTZ(s.changed_at, 3), CAST(:1 AS DATE), :2
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = TO_TIMESTAMP_NTZ(s.changed_at, 3)
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value);

-- ----- bigquery -----
INSERT INTO clari_opportunity_field_history (opportunity_id, field_id, old_value, new_value, changed_at, first_seen, run_id)
     SELECT s.opportunity_id, s.field_id, s.old_value, s.new_value, TIMESTAMP_MILLIS(s.changed_at), CAST(@p1 AS DATE), @p2
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = TIMESTAMP_MILLIS(s.changed_at)
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value);

-- ===== warehouse/sql/deals.ts insertWindow =====

-- ----- duckdb -----
INSERT INTO clari_activity_windows (as_of, from_date, to_date, job_id, payload_sha256, activities, participants, run_id, loaded_at)
     VALUES (CAST($1 AS DATE), CAST($2 AS DATE), CAST($3 AS DATE), $4, $5, $6, $7, $8, CAST($9 AS TIMESTAMP));

-- ----- postgres -----
INSERT INTO clari_activity_windows (as_of, from_date, to_date, job_id, payload_sha256, activities, participants, run_id, loaded_at)
     VALUES (CAST($1 AS DATE), CAST($2 AS DATE), CAST($3 AS DATE), $4, $5, $6, $7, $8, CAST($9 AS TIMESTAMP));

-- ----- snowflake -----
INSERT INTO clari_activity_windows (as_of, from_date, to_date, job_id, payload_sha256, activities, participants, run_id, loaded_at)
     VALUES (CAST(:1 AS DATE), CAST(:2 AS DATE), CAST(:3 AS DATE), :4, :5, :6, :7, :8, CAST(:9 AS TIMESTAMP_NTZ));

-- ----- bigquery -----
INSERT INTO clari_activity_windows (as_of, from_date, to_date, job_id, payload_sha256, activities, participants, run_id, loaded_at)
     VALUES (CAST(@p1 AS DATE), CAST(@p2 AS DATE), CAST(@p3 AS DATE), @p4, @p5, @p6, @p7, @p8, CAST(@p9 AS TIMESTAMP));

-- ===== warehouse/sql/deals.ts latestRefresh =====

-- ----- duckdb -----
SELECT max(as_of) AS d FROM clari_opportunity_snapshots;

-- ----- postgres -----
SELECT max(as_of) AS d FROM clari_opportunity_snapshots;

-- ----- snowflake -----
SELECT max(as_of) AS d FROM clari_opportunity_snapshots;

-- ----- bigquery -----
SELECT max(as_of) AS d FROM clari_opportunity_snapshots;

-- ===== warehouse/sql/deals.ts latestWindow =====

-- ----- duckdb -----
SELECT max(as_of) AS d FROM clari_activity_windows;

-- ----- postgres -----
SELECT max(as_of) AS d FROM clari_activity_windows;

-- ----- snowflake -----
SELECT max(as_of) AS d FROM clari_activity_windows;

-- ----- bigquery -----
SELECT max(as_of) AS d FROM clari_activity_windows;

-- ===== warehouse/sql/deals.ts opportunitiesSeen =====

-- ----- duckdb -----
SELECT o.opportunity_id, max(a.activity_at) AS last_activity, count(*) OVER () AS total
     FROM clari_activity_opportunities o JOIN clari_activities a ON a.activity_id = o.activity_id
     WHERE a.activity_at >= CAST($1 AS TIMESTAMP)
     GROUP BY o.opportunity_id ORDER BY last_activity DESC, o.opportunity_id LIMIT 5000;

-- ----- postgres -----
SELECT o.opportunity_id, max(a.activity_at) AS last_activity, count(*) OVER () AS total
     FROM clari_activity_opportunities o JOIN clari_activities a ON a.activity_id = o.activity_id
     WHERE a.activity_at >= CAST($1 AS TIMESTAMP)
     GROUP BY o.opportunity_id ORDER BY last_activity DESC, o.opportunity_id LIMIT 5000;

-- ----- snowflake -----
SELECT o.opportunity_id, max(a.activity_at) AS last_activity, count(*) OVER () AS total
     FROM clari_activity_opportunities o JOIN clari_activities a ON a.activity_id = o.activity_id
     WHERE a.activity_at >= CAST(:1 AS TIMESTAMP_NTZ)
     GROUP BY o.opportunity_id ORDER BY last_activity DESC, o.opportunity_id LIMIT 5000;

-- ----- bigquery -----
SELECT o.opportunity_id, max(a.activity_at) AS last_activity, count(*) OVER () AS total
     FROM clari_activity_opportunities o JOIN clari_activities a ON a.activity_id = o.activity_id
     WHERE a.activity_at >= CAST(@p1 AS TIMESTAMP)
     GROUP BY o.opportunity_id ORDER BY last_activity DESC, o.opportunity_id LIMIT 5000;

-- ===== warehouse/sql/deals.ts opportunityReadBack =====

-- ----- duckdb -----
SELECT count(*) AS versions, sum(CASE WHEN t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(CAST(s.amount AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message THEN 1 ELSE 0 END) AS same, sum(t.amount) AS amount
     FROM clari_opportunities t JOIN (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s ON s.opportunity_id = t.opportunity_id
     WHERE t.valid_from <= CAST($1 AS DATE) AND (t.valid_to IS NULL OR t.valid_to > CAST($1 AS DATE));

SELECT count(*) AS points, sum(CASE WHEN EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = epoch_ms(s.changed_at)
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value) THEN 1 ELSE 0 END) AS kept
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s;

-- ----- postgres -----
SELECT count(*) AS versions, sum(CASE WHEN t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(s.amount * 0.01 AS NUMERIC(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message THEN 1 ELSE 0 END) AS same, sum(t.amount) AS amount
     FROM clari_opportunities t JOIN (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s ON s.opportunity_id = t.opportunity_id
     WHERE t.valid_from <= CAST($1 AS DATE) AND (t.valid_to IS NULL OR t.valid_to > CAST($1 AS DATE));

SELECT count(*) AS points, sum(CASE WHEN EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = (to_timestamp(s.changed_at / 1000.0) AT TIME ZONE 'UTC')
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value) THEN 1 ELSE 0 END) AS kept
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s;

-- ----- snowflake -----
SELECT count(*) AS versions, sum(CASE WHEN t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(CAST(s.amount AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message THEN 1 ELSE 0 END) AS same, sum(t.amount) AS amount
     FROM clari_opportunities t JOIN (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s ON s.opportunity_id = t.opportunity_id
     WHERE t.valid_from <= CAST(:1 AS DATE) AND (t.valid_to IS NULL OR t.valid_to > CAST(:1 AS DATE));

SELECT count(*) AS points, sum(CASE WHEN EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = TO_TIMESTAMP_NTZ(s.changed_at, 3)
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value) THEN 1 ELSE 0 END) AS kept
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s;

-- ----- bigquery -----
SELECT count(*) AS versions, sum(CASE WHEN t.name IS NOT DISTINCT FROM s.name AND t.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND t.amount IS NOT DISTINCT FROM CAST(CAST(s.amount AS NUMERIC) / 100 AS NUMERIC(18,2)) AND t.stage IS NOT DISTINCT FROM s.stage AND t.close_date IS NOT DISTINCT FROM CAST(s.close_date AS DATE) AND t.crm_score IS NOT DISTINCT FROM s.crm_score AND t.crm_score_message IS NOT DISTINCT FROM s.crm_score_message THEN 1 ELSE 0 END) AS same, sum(t.amount) AS amount
     FROM clari_opportunities t JOIN (SELECT * FROM stage_opportunity_rows WHERE kind = 'opportunity') s ON s.opportunity_id = t.opportunity_id
     WHERE t.valid_from <= CAST(@p1 AS DATE) AND (t.valid_to IS NULL OR t.valid_to > CAST(@p1 AS DATE));

SELECT count(*) AS points, sum(CASE WHEN EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = TIMESTAMP_MILLIS(s.changed_at)
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value) THEN 1 ELSE 0 END) AS kept
     FROM (SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM stage_opportunity_rows WHERE kind = 'point') s;

-- ===== warehouse/sql/deals.ts refreshCount =====

-- ----- duckdb -----
SELECT opportunities FROM clari_opportunity_snapshots WHERE as_of = CAST($1 AS DATE);

-- ----- postgres -----
SELECT opportunities FROM clari_opportunity_snapshots WHERE as_of = CAST($1 AS DATE);

-- ----- snowflake -----
SELECT opportunities FROM clari_opportunity_snapshots WHERE as_of = CAST(:1 AS DATE);

-- ----- bigquery -----
SELECT opportunities FROM clari_opportunity_snapshots WHERE as_of = CAST(@p1 AS DATE);

-- ===== warehouse/sql/deals.ts replaceActivities =====

-- ----- duckdb -----
DELETE FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP));

DELETE FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP));

DELETE FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP));

DELETE FROM clari_activities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR (activity_at >= CAST($1 AS TIMESTAMP) AND activity_at < CAST($2 AS TIMESTAMP));

INSERT INTO clari_activities (activity_id, activity_type, subject, activity_at, owner_crm_id, organiser_crm_id, account_ids, opportunity_ids, exported_at, as_of, job_id, run_id)
     SELECT s.activity_id, s.activity_type, s.subject, epoch_ms(s.activity_at), s.owner_crm_id, s.organiser_crm_id,
            coalesce(acc.ids, CAST([] AS VARCHAR[])), coalesce(opp.ids, CAST([] AS VARCHAR[])),
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

-- ----- postgres -----
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

-- ----- snowflake -----
BEGIN TRANSACTION;

DELETE FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST(:1 AS TIMESTAMP_NTZ) AND activity_at < CAST(:2 AS TIMESTAMP_NTZ));

DELETE FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST(:1 AS TIMESTAMP_NTZ) AND activity_at < CAST(:2 AS TIMESTAMP_NTZ));

DELETE FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST(:1 AS TIMESTAMP_NTZ) AND activity_at < CAST(:2 AS TIMESTAMP_NTZ));

DELETE FROM clari_activities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR (activity_at >= CAST(:1 AS TIMESTAMP_NTZ) AND activity_at < CAST(:2 AS TIMESTAMP_NTZ));

INSERT INTO clari_activities (activity_id, activity_type, subject, activity_at, owner_crm_id, organiser_crm_id, account_ids, opportunity_ids, exported_at, as_of, job_id, run_id)
     SELECT s.activity_id, s.activity_type, s.subject, TO_TIMESTAMP_NTZ(s.activity_at, 3), s.owner_crm_id, s.organiser_crm_id,
            coalesce(acc.ids, ARRAY_CONSTRUCT()), coalesce(opp.ids, ARRAY_CONSTRUCT()),
            CAST(:1 AS TIMESTAMP_NTZ), CAST(:2 AS DATE), :3, :4
     FROM stage_activity_rows s
     LEFT JOIN (SELECT activity_id, ARRAY_AGG(link_id) WITHIN GROUP (ORDER BY ordinal) AS ids FROM stage_activity_rows WHERE kind = 'account' GROUP BY activity_id) acc ON acc.activity_id = s.activity_id
     LEFT JOIN (SELECT activity_id, ARRAY_AGG(link_id) WITHIN GROUP (ORDER BY ordinal) AS ids FROM stage_activity_rows WHERE kind = 'opportunity' GROUP BY activity_id) opp ON opp.activity_id = s.activity_id
     WHERE s.kind = 'activity';

INSERT INTO clari_activity_participants (activity_id, ordinal, email, name, crm_user_id, is_internal)
     SELECT activity_id, ordinal, email, name, crm_user_id, is_internal FROM stage_activity_rows WHERE kind = 'participant';

INSERT INTO clari_activity_opportunities (activity_id, ordinal, opportunity_id, opportunity_name, owner_crm_id)
     SELECT activity_id, ordinal, link_id, link_name, owner_crm_id FROM stage_activity_rows WHERE kind = 'opportunity';

INSERT INTO clari_activity_accounts (activity_id, ordinal, account_id, account_name, owner_crm_id)
     SELECT activity_id, ordinal, link_id, link_name, owner_crm_id FROM stage_activity_rows WHERE kind = 'account';

-- ----- bigquery -----
BEGIN TRANSACTION;

DELETE FROM clari_activity_participants WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST(@p1 AS TIMESTAMP) AND activity_at < CAST(@p2 AS TIMESTAMP));

DELETE FROM clari_activity_opportunities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST(@p1 AS TIMESTAMP) AND activity_at < CAST(@p2 AS TIMESTAMP));

DELETE FROM clari_activity_accounts WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at >= CAST(@p1 AS TIMESTAMP) AND activity_at < CAST(@p2 AS TIMESTAMP));

DELETE FROM clari_activities WHERE activity_id IN (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity') OR (activity_at >= CAST(@p1 AS TIMESTAMP) AND activity_at < CAST(@p2 AS TIMESTAMP));

INSERT INTO clari_activities (activity_id, activity_type, subject, activity_at, owner_crm_id, organiser_crm_id, account_ids, opportunity_ids, exported_at, as_of, job_id, run_id)
     SELECT s.activity_id, s.activity_type, s.subject, TIMESTAMP_MILLIS(s.activity_at), s.owner_crm_id, s.organiser_crm_id,
            coalesce(acc.ids, ARRAY<STRING>[]), coalesce(opp.ids, ARRAY<STRING>[]),
            CAST(@p1 AS TIMESTAMP), CAST(@p2 AS DATE), @p3, @p4
     FROM stage_activity_rows s
     LEFT JOIN (SELECT activity_id, ARRAY_AGG(link_id ORDER BY ordinal) AS ids FROM stage_activity_rows WHERE kind = 'account' GROUP BY activity_id) acc ON acc.activity_id = s.activity_id
     LEFT JOIN (SELECT activity_id, ARRAY_AGG(link_id ORDER BY ordinal) AS ids FROM stage_activity_rows WHERE kind = 'opportunity' GROUP BY activity_id) opp ON opp.activity_id = s.activity_id
     WHERE s.kind = 'activity';

INSERT INTO clari_activity_participants (activity_id, ordinal, email, name, crm_user_id, is_internal)
     SELECT activity_id, ordinal, email, name, crm_user_id, is_internal FROM stage_activity_rows WHERE kind = 'participant';

INSERT INTO clari_activity_opportunities (activity_id, ordinal, opportunity_id, opportunity_name, owner_crm_id)
     SELECT activity_id, ordinal, link_id, link_name, owner_crm_id FROM stage_activity_rows WHERE kind = 'opportunity';

INSERT INTO clari_activity_accounts (activity_id, ordinal, account_id, account_name, owner_crm_id)
     SELECT activity_id, ordinal, link_id, link_name, owner_crm_id FROM stage_activity_rows WHERE kind = 'account';

-- ===== warehouse/sql/deals.ts stagedActivityRepeats =====

-- ----- duckdb -----
SELECT count(*) AS n FROM (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity' GROUP BY activity_id HAVING count(*) > 1) d;

-- ----- postgres -----
SELECT count(*) AS n FROM (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity' GROUP BY activity_id HAVING count(*) > 1) d;

-- ----- snowflake -----
SELECT count(*) AS n FROM (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity' GROUP BY activity_id HAVING count(*) > 1) d;

-- ----- bigquery -----
SELECT count(*) AS n FROM (SELECT activity_id FROM stage_activity_rows WHERE kind = 'activity' GROUP BY activity_id HAVING count(*) > 1) d;

-- ===== warehouse/sql/deals.ts stagedOpportunityRepeats =====

-- ----- duckdb -----
SELECT count(*) AS n FROM (SELECT opportunity_id FROM stage_opportunity_rows WHERE kind = 'opportunity' GROUP BY opportunity_id HAVING count(*) > 1) d;

-- ----- postgres -----
SELECT count(*) AS n FROM (SELECT opportunity_id FROM stage_opportunity_rows WHERE kind = 'opportunity' GROUP BY opportunity_id HAVING count(*) > 1) d;

-- ----- snowflake -----
SELECT count(*) AS n FROM (SELECT opportunity_id FROM stage_opportunity_rows WHERE kind = 'opportunity' GROUP BY opportunity_id HAVING count(*) > 1) d;

-- ----- bigquery -----
SELECT count(*) AS n FROM (SELECT opportunity_id FROM stage_opportunity_rows WHERE kind = 'opportunity' GROUP BY opportunity_id HAVING count(*) > 1) d;

-- ===== warehouse/sql/deals.ts undoRefresh =====

-- ----- duckdb -----
DELETE FROM clari_opportunities WHERE valid_from = CAST($1 AS DATE);

UPDATE clari_opportunities SET valid_to = NULL WHERE valid_to = CAST($1 AS DATE);

DELETE FROM clari_opportunity_field_history WHERE first_seen = CAST($1 AS DATE);

DELETE FROM clari_opportunity_snapshots WHERE as_of = CAST($1 AS DATE);

-- ----- postgres -----
DELETE FROM clari_opportunities WHERE valid_from = CAST($1 AS DATE);

UPDATE clari_opportunities SET valid_to = NULL WHERE valid_to = CAST($1 AS DATE);

DELETE FROM clari_opportunity_field_history WHERE first_seen = CAST($1 AS DATE);

DELETE FROM clari_opportunity_snapshots WHERE as_of = CAST($1 AS DATE);

-- ----- snowflake -----
BEGIN TRANSACTION;

DELETE FROM clari_opportunities WHERE valid_from = CAST(:1 AS DATE);

UPDATE clari_opportunities SET valid_to = NULL WHERE valid_to = CAST(:1 AS DATE);

DELETE FROM clari_opportunity_field_history WHERE first_seen = CAST(:1 AS DATE);

DELETE FROM clari_opportunity_snapshots WHERE as_of = CAST(:1 AS DATE);

-- ----- bigquery -----
BEGIN TRANSACTION;

DELETE FROM clari_opportunities WHERE valid_from = CAST(@p1 AS DATE);

UPDATE clari_opportunities SET valid_to = NULL WHERE valid_to = CAST(@p1 AS DATE);

DELETE FROM clari_opportunity_field_history WHERE first_seen = CAST(@p1 AS DATE);

DELETE FROM clari_opportunity_snapshots WHERE as_of = CAST(@p1 AS DATE);

-- ===== warehouse/sql/deals.ts windowOf =====

-- ----- duckdb -----
SELECT w.payload_sha256, w.activities, w.participants,
            (SELECT count(*) FROM clari_activities a WHERE a.as_of = w.as_of) AS carried
     FROM clari_activity_windows w WHERE w.as_of = CAST($1 AS DATE);

-- ----- postgres -----
SELECT w.payload_sha256, w.activities, w.participants,
            (SELECT count(*) FROM clari_activities a WHERE a.as_of = w.as_of) AS carried
     FROM clari_activity_windows w WHERE w.as_of = CAST($1 AS DATE);

-- ----- snowflake -----
SELECT w.payload_sha256, w.activities, w.participants,
            (SELECT count(*) FROM clari_activities a WHERE a.as_of = w.as_of) AS carried
     FROM clari_activity_windows w WHERE w.as_of = CAST(:1 AS DATE);

-- ----- bigquery -----
SELECT w.payload_sha256, w.activities, w.participants,
            (SELECT count(*) FROM clari_activities a WHERE a.as_of = w.as_of) AS carried
     FROM clari_activity_windows w WHERE w.as_of = CAST(@p1 AS DATE);

-- ===== warehouse/sql/deals.ts windowsBefore =====

-- ----- duckdb -----
SELECT as_of, from_date FROM clari_activity_windows WHERE as_of < CAST($1 AS DATE) ORDER BY as_of DESC;

-- ----- postgres -----
SELECT as_of, from_date FROM clari_activity_windows WHERE as_of < CAST($1 AS DATE) ORDER BY as_of DESC;

-- ----- snowflake -----
SELECT as_of, from_date FROM clari_activity_windows WHERE as_of < CAST(:1 AS DATE) ORDER BY as_of DESC;

-- ----- bigquery -----
SELECT as_of, from_date FROM clari_activity_windows WHERE as_of < CAST(@p1 AS DATE) ORDER BY as_of DESC;
