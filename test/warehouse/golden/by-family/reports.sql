-- Golden SQL, reports: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/reports.ts absentUsers =====

-- ----- duckdb -----
WITH owner_rows AS (
       SELECT c.user_id FROM clari_forecasts c WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.field_id = $3
         AND c.snapshot_date = (SELECT max(snapshot_date) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2))
     SELECT coalesce(u.name, u.email, u.user_id) AS name FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id
     WHERE u.valid_to IS NULL AND r.user_id IS NULL
     ORDER BY name LIMIT 5;

-- ----- postgres -----
WITH owner_rows AS (
       SELECT c.user_id FROM clari_forecasts c WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.field_id = $3
         AND c.snapshot_date = (SELECT max(snapshot_date) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2))
     SELECT coalesce(u.name, u.email, u.user_id) AS name FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id
     WHERE u.valid_to IS NULL AND r.user_id IS NULL
     ORDER BY name LIMIT 5;

-- ----- snowflake -----
WITH owner_rows AS (
       SELECT c.user_id FROM clari_forecasts c WHERE c.forecast_name = :1 AND c.time_period = :2 AND c.field_id = :3
         AND c.snapshot_date = (SELECT max(snapshot_date) FROM clari_forecasts WHERE forecast_name = :1 AND time_period = :2))
     SELECT coalesce(u.name, u.email, u.user_id) AS name FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id
     WHERE u.valid_to IS NULL AND r.user_id IS NULL
     ORDER BY name LIMIT 5;

-- ----- bigquery -----
WITH owner_rows AS (
       SELECT c.user_id FROM clari_forecasts c WHERE c.forecast_name = @p1 AND c.time_period = @p2 AND c.field_id = @p3
         AND c.snapshot_date = (SELECT max(snapshot_date) FROM clari_forecasts WHERE forecast_name = @p1 AND time_period = @p2))
     SELECT coalesce(u.name, u.email, u.user_id) AS name FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id
     WHERE u.valid_to IS NULL AND r.user_id IS NULL
     ORDER BY name LIMIT 5;

-- ===== warehouse/sql/reports.ts accuracyAtWeek =====

-- ----- duckdb -----
SELECT avg(accuracy_pct) AS a FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND week_index = $3 AND period_status = 'closed' AND is_rep;

-- ----- postgres -----
SELECT avg(accuracy_pct) AS a FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND week_index = $3 AND period_status = 'closed' AND is_rep;

-- ----- snowflake -----
SELECT avg(accuracy_pct) AS a FROM v_forecast_accuracy WHERE forecast_name = :1 AND field_id = :2 AND week_index = :3 AND period_status = 'closed' AND is_rep;

-- ----- bigquery -----
SELECT avg(accuracy_pct) AS a FROM v_forecast_accuracy WHERE forecast_name = @p1 AND field_id = @p2 AND week_index = @p3 AND period_status = 'closed' AND is_rep;

-- ===== warehouse/sql/reports.ts accuracyByWeek =====

-- ----- duckdb -----
SELECT week_index, avg(accuracy_pct) AS accuracy, 100.0 * sum(abs(error_amount)) / nullif(sum(abs(actual_closed)), 0) AS wape,
            100.0 * sum(error_amount) / nullif(sum(actual_closed), 0) AS bias, count(DISTINCT time_period) AS periods
     FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND period_status = 'closed' AND is_rep
     GROUP BY week_index ORDER BY week_index;

-- ----- postgres -----
SELECT week_index, avg(accuracy_pct) AS accuracy, 100.0 * sum(abs(error_amount)) / nullif(sum(abs(actual_closed)), 0) AS wape,
            100.0 * sum(error_amount) / nullif(sum(actual_closed), 0) AS bias, count(DISTINCT time_period) AS periods
     FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND period_status = 'closed' AND is_rep
     GROUP BY week_index ORDER BY week_index;

-- ----- snowflake -----
SELECT week_index, avg(accuracy_pct) AS accuracy, 100.0 * sum(abs(error_amount)) / nullif(sum(abs(actual_closed)), 0) AS wape,
            100.0 * sum(error_amount) / nullif(sum(actual_closed), 0) AS bias, count(DISTINCT time_period) AS periods
     FROM v_forecast_accuracy WHERE forecast_name = :1 AND field_id = :2 AND period_status = 'closed' AND is_rep
     GROUP BY week_index ORDER BY week_index;

-- ----- bigquery -----
SELECT week_index, avg(accuracy_pct) AS accuracy, 100.0 * sum(abs(error_amount)) / nullif(sum(abs(actual_closed)), 0) AS wape,
            100.0 * sum(error_amount) / nullif(sum(actual_closed), 0) AS bias, count(DISTINCT time_period) AS periods
     FROM v_forecast_accuracy WHERE forecast_name = @p1 AND field_id = @p2 AND period_status = 'closed' AND is_rep
     GROUP BY week_index ORDER BY week_index;

-- ===== warehouse/sql/reports.ts biggestChanges =====

-- ----- duckdb -----
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

-- ----- postgres -----
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

-- ----- snowflake -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST(:1 AS INTEGER) AND c.forecast_name = :2 AND c.change_kind = :3
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST(:1 AS INTEGER) AND c.change_kind = :2 AND c.user_id = :3
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST(:1 AS INTEGER) AND c.change_kind = :2
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST(:1 AS INTEGER) AND c.forecast_name = :2 AND c.time_period = :3 AND c.change_kind = :4 AND mg.user_id IS NULL
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 10;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > (SELECT max(current_snapshot) FROM clari_forecast_changes) - CAST(:1 AS INTEGER) AND c.change_kind = :2 AND mg.user_id IS NOT NULL
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

-- ----- bigquery -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > DATE_SUB((SELECT max(current_snapshot) FROM clari_forecast_changes), INTERVAL (CAST(@p1 AS INT64)) DAY) AND c.forecast_name = @p2 AND c.change_kind = @p3
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > DATE_SUB((SELECT max(current_snapshot) FROM clari_forecast_changes), INTERVAL (CAST(@p1 AS INT64)) DAY) AND c.change_kind = @p2 AND c.user_id = @p3
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > DATE_SUB((SELECT max(current_snapshot) FROM clari_forecast_changes), INTERVAL (CAST(@p1 AS INT64)) DAY) AND c.change_kind = @p2
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > DATE_SUB((SELECT max(current_snapshot) FROM clari_forecast_changes), INTERVAL (CAST(@p1 AS INT64)) DAY) AND c.forecast_name = @p2 AND c.time_period = @p3 AND c.change_kind = @p4 AND mg.user_id IS NULL
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 10;

WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot > DATE_SUB((SELECT max(current_snapshot) FROM clari_forecast_changes), INTERVAL (CAST(@p1 AS INT64)) DAY) AND c.change_kind = @p2 AND mg.user_id IS NOT NULL
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT 5;

-- ===== warehouse/sql/reports.ts biggestMovesOn =====

-- ----- duckdb -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.owner_name, c.owner_email, c.forecast_name, c.time_period, c.field_name, c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            c.user_id, c.field_id, c.current_snapshot
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
       WHERE c.current_snapshot = $1 AND c.change_kind = 'changed' AND c.change_pct IS NOT NULL AND mg.user_id IS NULL
       ORDER BY abs(c.change_amount) DESC, c.owner_name LIMIT 8;

-- ----- postgres -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.owner_name, c.owner_email, c.forecast_name, c.time_period, c.field_name, c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            c.user_id, c.field_id, c.current_snapshot
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
       WHERE c.current_snapshot = $1 AND c.change_kind = 'changed' AND c.change_pct IS NOT NULL AND mg.user_id IS NULL
       ORDER BY abs(c.change_amount) DESC, c.owner_name LIMIT 8;

-- ----- snowflake -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.owner_name, c.owner_email, c.forecast_name, c.time_period, c.field_name, c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            c.user_id, c.field_id, c.current_snapshot
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
       WHERE c.current_snapshot = :1 AND c.change_kind = 'changed' AND c.change_pct IS NOT NULL AND mg.user_id IS NULL
       ORDER BY abs(c.change_amount) DESC, c.owner_name LIMIT 8;

-- ----- bigquery -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.owner_name, c.owner_email, c.forecast_name, c.time_period, c.field_name, c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            c.user_id, c.field_id, c.current_snapshot
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
       WHERE c.current_snapshot = @p1 AND c.change_kind = 'changed' AND c.change_pct IS NOT NULL AND mg.user_id IS NULL
       ORDER BY abs(c.change_amount) DESC, c.owner_name LIMIT 8;

-- ===== warehouse/sql/reports.ts callFieldsOf =====

-- ----- duckdb -----
SELECT field_id AS id, coalesce(field_name, field_id) AS name FROM clari_fields WHERE forecast_id = $1 AND NOT coalesce(is_quota, FALSE) ORDER BY field_id;

-- ----- postgres -----
SELECT field_id AS id, coalesce(field_name, field_id) AS name FROM clari_fields WHERE forecast_id = $1 AND NOT coalesce(is_quota, FALSE) ORDER BY field_id;

-- ----- snowflake -----
SELECT field_id AS id, coalesce(field_name, field_id) AS name FROM clari_fields WHERE forecast_id = :1 AND NOT coalesce(is_quota, FALSE) ORDER BY field_id;

-- ----- bigquery -----
SELECT field_id AS id, coalesce(field_name, field_id) AS name FROM clari_fields WHERE forecast_id = @p1 AND NOT coalesce(is_quota, FALSE) ORDER BY field_id;

-- ===== warehouse/sql/reports.ts changeByKey =====

-- ----- duckdb -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
     WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.user_id = $3 AND c.field_id = $4 AND c.current_snapshot = $5
       AND c.change_kind = 'changed';

-- ----- postgres -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
     WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.user_id = $3 AND c.field_id = $4 AND c.current_snapshot = $5
       AND c.change_kind = 'changed';

-- ----- snowflake -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
     WHERE c.forecast_name = :1 AND c.time_period = :2 AND c.user_id = :3 AND c.field_id = :4 AND c.current_snapshot = :5
       AND c.change_kind = 'changed';

-- ----- bigquery -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, c.field_id, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
     WHERE c.forecast_name = @p1 AND c.time_period = @p2 AND c.user_id = @p3 AND c.field_id = @p4 AND c.current_snapshot = @p5
       AND c.change_kind = 'changed';

-- ===== warehouse/sql/reports.ts currentUsers =====

-- ----- duckdb -----
SELECT count(*) AS n FROM clari_users WHERE valid_to IS NULL;

-- ----- postgres -----
SELECT count(*) AS n FROM clari_users WHERE valid_to IS NULL;

-- ----- snowflake -----
SELECT count(*) AS n FROM clari_users WHERE valid_to IS NULL;

-- ----- bigquery -----
SELECT count(*) AS n FROM clari_users WHERE valid_to IS NULL;

-- ===== warehouse/sql/reports.ts currentWeek =====

-- ----- duckdb -----
SELECT CASE WHEN max(f.week_index) > 13 THEN 13 ELSE max(f.week_index) END AS w FROM (SELECT dense_rank() OVER (ORDER BY time_frame_id) AS week_index, time_frame_id FROM clari_time_frames WHERE time_period = $2) f
     WHERE f.time_frame_id <= (SELECT max(time_frame_id) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2);

-- ----- postgres -----
SELECT CASE WHEN max(f.week_index) > 13 THEN 13 ELSE max(f.week_index) END AS w FROM (SELECT dense_rank() OVER (ORDER BY time_frame_id) AS week_index, time_frame_id FROM clari_time_frames WHERE time_period = $2) f
     WHERE f.time_frame_id <= (SELECT max(time_frame_id) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2);

-- ----- snowflake -----
SELECT CASE WHEN max(f.week_index) > 13 THEN 13 ELSE max(f.week_index) END AS w FROM (SELECT dense_rank() OVER (ORDER BY time_frame_id) AS week_index, time_frame_id FROM clari_time_frames WHERE time_period = :2) f
     WHERE f.time_frame_id <= (SELECT max(time_frame_id) FROM clari_forecasts WHERE forecast_name = :1 AND time_period = :2);

-- ----- bigquery -----
SELECT CASE WHEN max(f.week_index) > 13 THEN 13 ELSE max(f.week_index) END AS w FROM (SELECT dense_rank() OVER (ORDER BY time_frame_id) AS week_index, time_frame_id FROM clari_time_frames WHERE time_period = @p2) f
     WHERE f.time_frame_id <= (SELECT max(time_frame_id) FROM clari_forecasts WHERE forecast_name = @p1 AND time_period = @p2);

-- ===== warehouse/sql/reports.ts dealDataState =====

-- ----- duckdb -----
SELECT (SELECT count(*) FROM clari_activity_windows) AS w, (SELECT count(*) FROM clari_opportunity_snapshots) AS r,
            (SELECT max(as_of) FROM clari_opportunity_snapshots) AS d;

-- ----- postgres -----
SELECT (SELECT count(*) FROM clari_activity_windows) AS w, (SELECT count(*) FROM clari_opportunity_snapshots) AS r,
            (SELECT max(as_of) FROM clari_opportunity_snapshots) AS d;

-- ----- snowflake -----
SELECT (SELECT count(*) FROM clari_activity_windows) AS w, (SELECT count(*) FROM clari_opportunity_snapshots) AS r,
            (SELECT max(as_of) FROM clari_opportunity_snapshots) AS d;

-- ----- bigquery -----
SELECT (SELECT count(*) FROM clari_activity_windows) AS w, (SELECT count(*) FROM clari_opportunity_snapshots) AS r,
            (SELECT max(as_of) FROM clari_opportunity_snapshots) AS d;

-- ===== warehouse/sql/reports.ts dealMovesOf =====

-- ----- duckdb -----
SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = $1 AND time_period = $2 AND user_id = $3 AND field_id = $4 AND current_snapshot = $5)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = $1 AND time_period = $2 AND user_id = $3 AND field_id = $4 AND current_snapshot = $5)
        OR (forecast_name = $6 AND time_period = $7 AND user_id = $8 AND field_id = $9 AND current_snapshot = $10)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

-- ----- postgres -----
SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = $1 AND time_period = $2 AND user_id = $3 AND field_id = $4 AND current_snapshot = $5)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = $1 AND time_period = $2 AND user_id = $3 AND field_id = $4 AND current_snapshot = $5)
        OR (forecast_name = $6 AND time_period = $7 AND user_id = $8 AND field_id = $9 AND current_snapshot = $10)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

-- ----- snowflake -----
SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = :1 AND time_period = :2 AND user_id = :3 AND field_id = :4 AND current_snapshot = :5)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = :1 AND time_period = :2 AND user_id = :3 AND field_id = :4 AND current_snapshot = :5)
        OR (forecast_name = :6 AND time_period = :7 AND user_id = :8 AND field_id = :9 AND current_snapshot = :10)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

-- ----- bigquery -----
SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = @p1 AND time_period = @p2 AND user_id = @p3 AND field_id = @p4 AND current_snapshot = @p5)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

SELECT forecast_name, time_period, user_id, field_id, current_snapshot, opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message FROM v_deal_movement
     WHERE (forecast_name = @p1 AND time_period = @p2 AND user_id = @p3 AND field_id = @p4 AND current_snapshot = @p5)
        OR (forecast_name = @p6 AND time_period = @p7 AND user_id = @p8 AND field_id = @p9 AND current_snapshot = @p10)
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id;

-- ===== warehouse/sql/reports.ts dealsAtRisk =====

-- ----- duckdb -----
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
     WHERE e.is_open AND e.closing_this_quarter AND e.amount >= CAST($2 AS DECIMAL(18,2)) AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST($1 AS INTEGER)))
     ORDER BY e.amount DESC, e.opportunity_id LIMIT 5;

-- ----- postgres -----
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

-- ----- snowflake -----
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST(:1 AS INTEGER)) AS no_recent_meeting, count(*) OVER () AS total
     FROM v_deal_engagement e 
     WHERE e.is_open AND e.closing_this_quarter AND e.is_large AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST(:1 AS INTEGER)))
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
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST(:1 AS INTEGER)) AS no_recent_meeting, count(*) OVER () AS total
     FROM v_deal_engagement e JOIN team tm ON tm.crm_id = e.owner_crm_id AND tm.lead_user_id = :3
     WHERE e.is_open AND e.closing_this_quarter AND e.amount >= CAST(:2 AS DECIMAL(18,2)) AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST(:1 AS INTEGER)))
     ORDER BY e.amount DESC, e.opportunity_id LIMIT 5;

-- ----- bigquery -----
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST(@p1 AS INT64)) AS no_recent_meeting, count(*) OVER () AS total
     FROM v_deal_engagement e 
     WHERE e.is_open AND e.closing_this_quarter AND e.is_large AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST(@p1 AS INT64)))
     ORDER BY e.amount DESC, e.opportunity_id LIMIT 5;

WITH RECURSIVE edges AS (
    SELECT DISTINCT hierarchy_id, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL),
  subtree AS (
    SELECT hierarchy_id AS root_id, hierarchy_id, CAST(0 AS INT64) AS depth FROM edges
    UNION ALL
    SELECT s.root_id, e.hierarchy_id, CAST(s.depth + 1 AS INT64) AS depth FROM subtree s JOIN edges e ON e.parent_hierarchy_id = s.hierarchy_id
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
SELECT e.*, (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST(@p1 AS INT64)) AS no_recent_meeting, count(*) OVER () AS total
     FROM v_deal_engagement e JOIN team tm ON tm.crm_id = e.owner_crm_id AND tm.lead_user_id = @p3
     WHERE e.is_open AND e.closing_this_quarter AND e.amount >= CAST(@p2 AS NUMERIC(18,2)) AND (e.score_falling OR (e.last_meeting_at IS NULL OR e.days_since_last_meeting > CAST(@p1 AS INT64)))
     ORDER BY e.amount DESC, e.opportunity_id LIMIT 5;

-- ===== warehouse/sql/reports.ts forecastNames =====

-- ----- duckdb -----
SELECT DISTINCT forecast_name AS f FROM clari_forecasts ORDER BY f;

-- ----- postgres -----
SELECT DISTINCT forecast_name AS f FROM clari_forecasts ORDER BY f;

-- ----- snowflake -----
SELECT DISTINCT forecast_name AS f FROM clari_forecasts ORDER BY f;

-- ----- bigquery -----
SELECT DISTINCT forecast_name AS f FROM clari_forecasts ORDER BY f;

-- ===== warehouse/sql/reports.ts lastSuccessAt =====

-- ----- duckdb -----
SELECT max(finished_at) AS t FROM clari_sync_runs WHERE status IN ('success', 'partial');

-- ----- postgres -----
SELECT max(finished_at) AS t FROM clari_sync_runs WHERE status IN ('success', 'partial');

-- ----- snowflake -----
SELECT max(finished_at) AS t FROM clari_sync_runs WHERE status IN ('success', 'partial');

-- ----- bigquery -----
SELECT max(finished_at) AS t FROM clari_sync_runs WHERE status IN ('success', 'partial');

-- ===== warehouse/sql/reports.ts latestSnapshotOf =====

-- ----- duckdb -----
SELECT max(snapshot_date) AS d FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2;

-- ----- postgres -----
SELECT max(snapshot_date) AS d FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2;

-- ----- snowflake -----
SELECT max(snapshot_date) AS d FROM clari_forecasts WHERE forecast_name = :1 AND time_period = :2;

-- ----- bigquery -----
SELECT max(snapshot_date) AS d FROM clari_forecasts WHERE forecast_name = @p1 AND time_period = @p2;

-- ===== warehouse/sql/reports.ts listChanges =====

-- ----- duckdb -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot >= $1 AND c.forecast_name IN ($2, $3) AND c.time_period IN ($4, $5) AND abs(c.change_pct) >= $6 AND c.change_kind = $7 AND mg.user_id IS NULL
       ORDER BY c.current_snapshot DESC, abs(coalesce(c.change_amount, 0)) DESC LIMIT 50;

-- ----- postgres -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot >= $1 AND c.forecast_name IN ($2, $3) AND c.time_period IN ($4, $5) AND abs(c.change_pct) >= $6 AND c.change_kind = $7 AND mg.user_id IS NULL
       ORDER BY c.current_snapshot DESC, abs(coalesce(c.change_amount, 0)) DESC LIMIT 50;

-- ----- snowflake -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot >= :1 AND c.forecast_name IN (:2, :3) AND c.time_period IN (:4, :5) AND abs(c.change_pct) >= :6 AND c.change_kind = :7 AND mg.user_id IS NULL
       ORDER BY c.current_snapshot DESC, abs(coalesce(c.change_amount, 0)) DESC LIMIT 50;

-- ----- bigquery -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)
     SELECT c.current_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct, CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE c.current_snapshot >= @p1 AND c.forecast_name IN (@p2, @p3) AND c.time_period IN (@p4, @p5) AND abs(c.change_pct) >= @p6 AND c.change_kind = @p7 AND mg.user_id IS NULL
       ORDER BY c.current_snapshot DESC, abs(coalesce(c.change_amount, 0)) DESC LIMIT 50;

-- ===== warehouse/sql/reports.ts managerIds =====

-- ----- duckdb -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL) SELECT user_id FROM managers ORDER BY user_id;

-- ----- postgres -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL) SELECT user_id FROM managers ORDER BY user_id;

-- ----- snowflake -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL) SELECT user_id FROM managers ORDER BY user_id;

-- ----- bigquery -----
WITH managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL) SELECT user_id FROM managers ORDER BY user_id;

-- ===== warehouse/sql/reports.ts namesakes =====

-- ----- duckdb -----
SELECT name FROM clari_users WHERE valid_to IS NULL AND name IS NOT NULL GROUP BY name HAVING count(DISTINCT user_id) > 1;

-- ----- postgres -----
SELECT name FROM clari_users WHERE valid_to IS NULL AND name IS NOT NULL GROUP BY name HAVING count(DISTINCT user_id) > 1;

-- ----- snowflake -----
SELECT name FROM clari_users WHERE valid_to IS NULL AND name IS NOT NULL GROUP BY name HAVING count(DISTINCT user_id) > 1;

-- ----- bigquery -----
SELECT name FROM clari_users WHERE valid_to IS NULL AND name IS NOT NULL GROUP BY name HAVING count(DISTINCT user_id) > 1;

-- ===== warehouse/sql/reports.ts periodsOf =====

-- ----- duckdb -----
SELECT DISTINCT time_period AS p FROM clari_forecasts WHERE forecast_name = $1 ORDER BY p DESC;

-- ----- postgres -----
SELECT DISTINCT time_period AS p FROM clari_forecasts WHERE forecast_name = $1 ORDER BY p DESC;

-- ----- snowflake -----
SELECT DISTINCT time_period AS p FROM clari_forecasts WHERE forecast_name = :1 ORDER BY p DESC;

-- ----- bigquery -----
SELECT DISTINCT time_period AS p FROM clari_forecasts WHERE forecast_name = @p1 ORDER BY p DESC;

-- ===== warehouse/sql/reports.ts quarterOf =====

-- ----- duckdb -----
SELECT min(time_period) AS p FROM clari_time_periods WHERE start_date <= $1 AND end_date >= $1;

-- ----- postgres -----
SELECT min(time_period) AS p FROM clari_time_periods WHERE start_date <= $1 AND end_date >= $1;

-- ----- snowflake -----
SELECT min(time_period) AS p FROM clari_time_periods WHERE start_date <= :1 AND end_date >= :1;

-- ----- bigquery -----
SELECT min(time_period) AS p FROM clari_time_periods WHERE start_date <= @p1 AND end_date >= @p1;

-- ===== warehouse/sql/reports.ts recentRuns =====

-- ----- duckdb -----
SELECT * FROM v_pipeline_health ORDER BY started_at DESC LIMIT 5;

-- ----- postgres -----
SELECT * FROM v_pipeline_health ORDER BY started_at DESC LIMIT 5;

-- ----- snowflake -----
SELECT * FROM v_pipeline_health ORDER BY started_at DESC LIMIT 5;

-- ----- bigquery -----
SELECT * FROM v_pipeline_health ORDER BY started_at DESC LIMIT 5;

-- ===== warehouse/sql/reports.ts reps =====

-- ----- duckdb -----
SELECT p.user_id, p.owner_name, p.owner_email, p.manager_user_id, p.manager_name, p.is_rep, p.forecast_amount, p.quota_amount, p.crm_closed, p.attainment_pct, p.forecast_to_quota_pct,
            p.bias_pct, p.weeks_since_update, p.largest_move_7d, c.coverage
     FROM v_rep_performance p
     LEFT JOIN v_pipeline_coverage c ON c.forecast_name = p.forecast_name AND c.time_period = p.time_period AND c.user_id = p.user_id AND c.field_id = p.field_id
     WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
     ORDER BY p.owner_name, p.user_id;

-- ----- postgres -----
SELECT p.user_id, p.owner_name, p.owner_email, p.manager_user_id, p.manager_name, p.is_rep, p.forecast_amount, p.quota_amount, p.crm_closed, p.attainment_pct, p.forecast_to_quota_pct,
            p.bias_pct, p.weeks_since_update, p.largest_move_7d, c.coverage
     FROM v_rep_performance p
     LEFT JOIN v_pipeline_coverage c ON c.forecast_name = p.forecast_name AND c.time_period = p.time_period AND c.user_id = p.user_id AND c.field_id = p.field_id
     WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
     ORDER BY p.owner_name, p.user_id;

-- ----- snowflake -----
SELECT p.user_id, p.owner_name, p.owner_email, p.manager_user_id, p.manager_name, p.is_rep, p.forecast_amount, p.quota_amount, p.crm_closed, p.attainment_pct, p.forecast_to_quota_pct,
            p.bias_pct, p.weeks_since_update, p.largest_move_7d, c.coverage
     FROM v_rep_performance p
     LEFT JOIN v_pipeline_coverage c ON c.forecast_name = p.forecast_name AND c.time_period = p.time_period AND c.user_id = p.user_id AND c.field_id = p.field_id
     WHERE p.forecast_name = :1 AND p.time_period = :2 AND p.field_id = :3
     ORDER BY p.owner_name, p.user_id;

-- ----- bigquery -----
SELECT p.user_id, p.owner_name, p.owner_email, p.manager_user_id, p.manager_name, p.is_rep, p.forecast_amount, p.quota_amount, p.crm_closed, p.attainment_pct, p.forecast_to_quota_pct,
            p.bias_pct, p.weeks_since_update, p.largest_move_7d, c.coverage
     FROM v_rep_performance p
     LEFT JOIN v_pipeline_coverage c ON c.forecast_name = p.forecast_name AND c.time_period = p.time_period AND c.user_id = p.user_id AND c.field_id = p.field_id
     WHERE p.forecast_name = @p1 AND p.time_period = @p2 AND p.field_id = @p3
     ORDER BY p.owner_name, p.user_id;

-- ===== warehouse/sql/reports.ts tableCounts =====

-- ----- duckdb -----
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

-- ----- postgres -----
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

-- ----- snowflake -----
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

-- ----- bigquery -----
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

-- ===== warehouse/sql/reports.ts teamCoverage =====

-- ----- duckdb -----
SELECT owner_name, owner_email, pipeline, remaining_quota, quota_amount, crm_closed, coverage, required_coverage
     FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3 AND NOT is_rep AND manager_user_id IS NOT NULL
     ORDER BY coverage ASC NULLS LAST, owner_name;

-- ----- postgres -----
SELECT owner_name, owner_email, pipeline, remaining_quota, quota_amount, crm_closed, coverage, required_coverage
     FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3 AND NOT is_rep AND manager_user_id IS NOT NULL
     ORDER BY coverage ASC NULLS LAST, owner_name;

-- ----- snowflake -----
SELECT owner_name, owner_email, pipeline, remaining_quota, quota_amount, crm_closed, coverage, required_coverage
     FROM v_pipeline_coverage WHERE forecast_name = :1 AND time_period = :2 AND field_id = :3 AND NOT is_rep AND manager_user_id IS NOT NULL
     ORDER BY coverage ASC NULLS LAST, owner_name;

-- ----- bigquery -----
SELECT owner_name, owner_email, pipeline, remaining_quota, quota_amount, crm_closed, coverage, required_coverage
     FROM v_pipeline_coverage WHERE forecast_name = @p1 AND time_period = @p2 AND field_id = @p3 AND NOT is_rep AND manager_user_id IS NOT NULL
     ORDER BY coverage ASC NULLS LAST, owner_name;

-- ===== warehouse/sql/reports.ts topCall =====

-- ----- duckdb -----
SELECT (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3 AND p.manager_user_id IS NULL) AS own,
            (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
               AND p.manager_user_id IN (SELECT t.user_id FROM v_rep_performance t WHERE t.forecast_name = $1 AND t.time_period = $2 AND t.field_id = $3 AND t.manager_user_id IS NULL)) AS reports;

-- ----- postgres -----
SELECT (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3 AND p.manager_user_id IS NULL) AS own,
            (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
               AND p.manager_user_id IN (SELECT t.user_id FROM v_rep_performance t WHERE t.forecast_name = $1 AND t.time_period = $2 AND t.field_id = $3 AND t.manager_user_id IS NULL)) AS reports;

-- ----- snowflake -----
SELECT (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = :1 AND p.time_period = :2 AND p.field_id = :3 AND p.manager_user_id IS NULL) AS own,
            (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = :1 AND p.time_period = :2 AND p.field_id = :3
               AND p.manager_user_id IN (SELECT t.user_id FROM v_rep_performance t WHERE t.forecast_name = :1 AND t.time_period = :2 AND t.field_id = :3 AND t.manager_user_id IS NULL)) AS reports;

-- ----- bigquery -----
SELECT (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = @p1 AND p.time_period = @p2 AND p.field_id = @p3 AND p.manager_user_id IS NULL) AS own,
            (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = @p1 AND p.time_period = @p2 AND p.field_id = @p3
               AND p.manager_user_id IN (SELECT t.user_id FROM v_rep_performance t WHERE t.forecast_name = @p1 AND t.time_period = @p2 AND t.field_id = @p3 AND t.manager_user_id IS NULL)) AS reports;

-- ===== warehouse/sql/reports.ts topCoverage =====

-- ----- duckdb -----
WITH owner_rows AS (SELECT * FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3),
     tops AS (SELECT r.* FROM owner_rows r WHERE r.manager_user_id IS NULL),
     absent AS (SELECT u.user_id FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id WHERE u.valid_to IS NULL AND r.user_id IS NULL)
     SELECT (SELECT sum(quota_amount) FROM tops) AS quota, (SELECT sum(crm_closed) FROM tops) AS closed, (SELECT sum(pipeline) FROM tops) AS pipeline,
            (SELECT sum(remaining_quota) FROM tops) AS remaining, (SELECT max(required_coverage) FROM tops) AS required, (SELECT count(*) FROM owner_rows) AS owners,
            (SELECT sum(CASE WHEN is_rep THEN 1 ELSE 0 END) FROM owner_rows) AS reps, (SELECT count(*) FROM absent) AS absent;

-- ----- postgres -----
WITH owner_rows AS (SELECT * FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3),
     tops AS (SELECT r.* FROM owner_rows r WHERE r.manager_user_id IS NULL),
     absent AS (SELECT u.user_id FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id WHERE u.valid_to IS NULL AND r.user_id IS NULL)
     SELECT (SELECT sum(quota_amount) FROM tops) AS quota, (SELECT sum(crm_closed) FROM tops) AS closed, (SELECT sum(pipeline) FROM tops) AS pipeline,
            (SELECT sum(remaining_quota) FROM tops) AS remaining, (SELECT max(required_coverage) FROM tops) AS required, (SELECT count(*) FROM owner_rows) AS owners,
            (SELECT sum(CASE WHEN is_rep THEN 1 ELSE 0 END) FROM owner_rows) AS reps, (SELECT count(*) FROM absent) AS absent;

-- ----- snowflake -----
WITH owner_rows AS (SELECT * FROM v_pipeline_coverage WHERE forecast_name = :1 AND time_period = :2 AND field_id = :3),
     tops AS (SELECT r.* FROM owner_rows r WHERE r.manager_user_id IS NULL),
     absent AS (SELECT u.user_id FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id WHERE u.valid_to IS NULL AND r.user_id IS NULL)
     SELECT (SELECT sum(quota_amount) FROM tops) AS quota, (SELECT sum(crm_closed) FROM tops) AS closed, (SELECT sum(pipeline) FROM tops) AS pipeline,
            (SELECT sum(remaining_quota) FROM tops) AS remaining, (SELECT max(required_coverage) FROM tops) AS required, (SELECT count(*) FROM owner_rows) AS owners,
            (SELECT sum(CASE WHEN is_rep THEN 1 ELSE 0 END) FROM owner_rows) AS reps, (SELECT count(*) FROM absent) AS absent;

-- ----- bigquery -----
WITH owner_rows AS (SELECT * FROM v_pipeline_coverage WHERE forecast_name = @p1 AND time_period = @p2 AND field_id = @p3),
     tops AS (SELECT r.* FROM owner_rows r WHERE r.manager_user_id IS NULL),
     absent AS (SELECT u.user_id FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id WHERE u.valid_to IS NULL AND r.user_id IS NULL)
     SELECT (SELECT sum(quota_amount) FROM tops) AS quota, (SELECT sum(crm_closed) FROM tops) AS closed, (SELECT sum(pipeline) FROM tops) AS pipeline,
            (SELECT sum(remaining_quota) FROM tops) AS remaining, (SELECT max(required_coverage) FROM tops) AS required, (SELECT count(*) FROM owner_rows) AS owners,
            (SELECT sum(CASE WHEN is_rep THEN 1 ELSE 0 END) FROM owner_rows) AS reps, (SELECT count(*) FROM absent) AS absent;

-- ===== warehouse/sql/reports.ts trendByWeek =====

-- ----- duckdb -----
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

-- ----- postgres -----
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

-- ----- snowflake -----
WITH ranked AS (
       SELECT time_frame_id, dense_rank() OVER (ORDER BY time_frame_id) AS frame_rank, count(*) OVER () AS frame_count
       FROM clari_time_frames WHERE time_period = :2),
     frames AS (
       SELECT time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM ranked
       WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
     tops AS (
       SELECT DISTINCT user_id FROM v_rep_performance WHERE forecast_name = :1 AND time_period = :2 AND field_id = :3 AND manager_user_id IS NULL),
     heads AS (
       SELECT DISTINCT p.user_id FROM v_rep_performance p JOIN tops t ON t.user_id = p.manager_user_id
       WHERE p.forecast_name = :1 AND p.time_period = :2 AND p.field_id = :3)
     SELECT f.week_index,
       sum(CASE WHEN e.field_id = :3 AND t.user_id IS NOT NULL THEN e.forecast_value END) AS own_call,
       sum(CASE WHEN e.field_id = :3 AND h.user_id IS NOT NULL THEN e.forecast_value END) AS reports_call,
       sum(CASE WHEN e.field_id = :3 AND t.user_id IS NOT NULL THEN e.crm_closed_value END) AS closed,
       sum(CASE WHEN q.is_quota AND t.user_id IS NOT NULL THEN e.quota_value END) AS quota
     FROM clari_forecast_entries e
     JOIN frames f ON f.time_frame_id = e.time_frame_id
     JOIN clari_fields q ON q.forecast_id = e.forecast_id AND q.field_id = e.field_id
     LEFT JOIN tops t ON t.user_id = e.user_id
     LEFT JOIN heads h ON h.user_id = e.user_id
     WHERE e.valid_to IS NULL AND e.forecast_id = :1 AND e.time_period = :2
     GROUP BY f.week_index ORDER BY f.week_index;

-- ----- bigquery -----
WITH ranked AS (
       SELECT time_frame_id, dense_rank() OVER (ORDER BY time_frame_id) AS frame_rank, count(*) OVER () AS frame_count
       FROM clari_time_frames WHERE time_period = @p2),
     frames AS (
       SELECT time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM ranked
       WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
     tops AS (
       SELECT DISTINCT user_id FROM v_rep_performance WHERE forecast_name = @p1 AND time_period = @p2 AND field_id = @p3 AND manager_user_id IS NULL),
     heads AS (
       SELECT DISTINCT p.user_id FROM v_rep_performance p JOIN tops t ON t.user_id = p.manager_user_id
       WHERE p.forecast_name = @p1 AND p.time_period = @p2 AND p.field_id = @p3)
     SELECT f.week_index,
       sum(CASE WHEN e.field_id = @p3 AND t.user_id IS NOT NULL THEN e.forecast_value END) AS own_call,
       sum(CASE WHEN e.field_id = @p3 AND h.user_id IS NOT NULL THEN e.forecast_value END) AS reports_call,
       sum(CASE WHEN e.field_id = @p3 AND t.user_id IS NOT NULL THEN e.crm_closed_value END) AS closed,
       sum(CASE WHEN q.is_quota AND t.user_id IS NOT NULL THEN e.quota_value END) AS quota
     FROM clari_forecast_entries e
     JOIN frames f ON f.time_frame_id = e.time_frame_id
     JOIN clari_fields q ON q.forecast_id = e.forecast_id AND q.field_id = e.field_id
     LEFT JOIN tops t ON t.user_id = e.user_id
     LEFT JOIN heads h ON h.user_id = e.user_id
     WHERE e.valid_to IS NULL AND e.forecast_id = @p1 AND e.time_period = @p2
     GROUP BY f.week_index ORDER BY f.week_index;

-- ===== warehouse/sql/reports.ts usersNamed =====

-- ----- duckdb -----
SELECT user_id, name, email FROM clari_users
     WHERE valid_to IS NULL AND (user_id = $1 OR lower(email) = lower($1) OR lower(name) = lower($1))
     ORDER BY name, email, user_id;

-- ----- postgres -----
SELECT user_id, name, email FROM clari_users
     WHERE valid_to IS NULL AND (user_id = $1 OR lower(email) = lower($1) OR lower(name) = lower($1))
     ORDER BY name, email, user_id;

-- ----- snowflake -----
SELECT user_id, name, email FROM clari_users
     WHERE valid_to IS NULL AND (user_id = :1 OR lower(email) = lower(:1) OR lower(name) = lower(:1))
     ORDER BY name, email, user_id;

-- ----- bigquery -----
SELECT user_id, name, email FROM clari_users
     WHERE valid_to IS NULL AND (user_id = @p1 OR lower(email) = lower(@p1) OR lower(name) = lower(@p1))
     ORDER BY name, email, user_id;
