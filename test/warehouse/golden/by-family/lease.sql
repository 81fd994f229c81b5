-- Golden SQL, lease: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/lease.ts FencedWarehouse.transaction =====

-- ----- duckdb -----
DELETE FROM clari_run_leases WHERE lease = $1;

-- ----- postgres -----
DELETE FROM clari_run_leases WHERE lease = $1;

-- ----- snowflake -----
BEGIN TRANSACTION;

DELETE FROM clari_run_leases WHERE lease = :1;

-- ----- bigquery -----
BEGIN TRANSACTION;

DELETE FROM clari_run_leases WHERE lease = @p1;
