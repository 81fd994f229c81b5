-- Golden SQL, privileges: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/privileges.ts execAll =====

-- ----- duckdb -----
CREATE TABLE IF NOT EXISTS clari_dp_probe (id INTEGER);

DROP TABLE IF EXISTS clari_dp_probe;

DROP VIEW IF EXISTS clari_dp_probe_view;

CREATE VIEW clari_dp_probe_view AS
SELECT 1 AS one;

INSERT INTO clari_snapshots SELECT * FROM clari_snapshots WHERE 1 = 0;

UPDATE clari_snapshots SET run_id = run_id WHERE 1 = 0;

DELETE FROM clari_snapshots WHERE 1 = 0;

-- ----- postgres -----
CREATE TABLE IF NOT EXISTS clari_dp_probe (id INTEGER);

DROP TABLE IF EXISTS clari_dp_probe;

DROP VIEW IF EXISTS clari_dp_probe_view;

CREATE VIEW clari_dp_probe_view AS
SELECT 1 AS one;

INSERT INTO clari_snapshots SELECT * FROM clari_snapshots WHERE 1 = 0;

UPDATE clari_snapshots SET run_id = run_id WHERE 1 = 0;

DELETE FROM clari_snapshots WHERE 1 = 0;

-- ----- snowflake -----
CREATE TABLE IF NOT EXISTS clari_dp_probe (id INTEGER);

DROP TABLE IF EXISTS clari_dp_probe;

CREATE OR REPLACE VIEW clari_dp_probe_view AS
SELECT 1 AS one;

DROP VIEW IF EXISTS clari_dp_probe_view;

INSERT INTO clari_snapshots SELECT * FROM clari_snapshots WHERE 1 = 0;

UPDATE clari_snapshots SET run_id = run_id WHERE 1 = 0;

DELETE FROM clari_snapshots WHERE 1 = 0;

-- ----- bigquery -----
CREATE TABLE IF NOT EXISTS `my-project.clari.clari_dp_probe` (id INT64);

DROP TABLE IF EXISTS `my-project.clari.clari_dp_probe`;

CREATE OR REPLACE VIEW `my-project.clari.clari_dp_probe_view` AS
SELECT 1 AS one;

DROP VIEW IF EXISTS `my-project.clari.clari_dp_probe_view`;

INSERT INTO clari_snapshots SELECT * FROM clari_snapshots WHERE 1 = 0;

UPDATE clari_snapshots SET run_id = run_id WHERE 1 = 0;

DELETE FROM clari_snapshots WHERE 1 = 0;

-- ===== warehouse/privileges.ts run =====

-- ----- duckdb -----
DROP TABLE IF EXISTS clari_dp_probe_stage;

-- ----- postgres -----
DROP TABLE IF EXISTS clari_dp_probe_stage;

-- ----- snowflake -----
DROP TABLE IF EXISTS clari_dp_probe_stage;

-- ----- bigquery -----
DROP TABLE IF EXISTS clari_dp_probe_stage;
