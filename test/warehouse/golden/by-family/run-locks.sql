-- Golden SQL, run-locks: what each function sends, on each engine. Generated with the per-dialect files
-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.

-- ===== warehouse/sql/run-locks.ts advisoryHolder =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, CAST(a.backend_start AS TEXT) AS backend_start
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = 793153
      AND l.objid = CAST(CAST(hashtext(current_schema()) AS BIGINT) & 4294967295 AS OID) AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/sql/run-locks.ts advisoryUnlock =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
SELECT pg_advisory_unlock(793153, hashtext(current_schema())) AS unlocked;

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/sql/run-locks.ts ensureLease =====

-- ----- duckdb -----
CREATE TABLE IF NOT EXISTS clari_run_leases (
  lease VARCHAR NOT NULL,
  token BIGINT NOT NULL,
  holder VARCHAR,
  holder_key VARCHAR,
  acquired_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (lease)
);

INSERT INTO clari_run_leases (lease, token, holder, holder_key, acquired_at, expires_at)
    SELECT CAST($1 AS VARCHAR), 0, NULL, NULL, 0, 0 FROM (SELECT 1 AS one) seed
    WHERE NOT EXISTS (SELECT 1 FROM clari_run_leases WHERE lease = $1);

-- ----- postgres -----
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

-- ----- snowflake -----
CREATE TABLE IF NOT EXISTS clari_run_leases (
  lease VARCHAR NOT NULL,
  token BIGINT NOT NULL,
  holder VARCHAR,
  holder_key VARCHAR,
  acquired_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (lease)
);

INSERT INTO clari_run_leases (lease, token, holder, holder_key, acquired_at, expires_at)
    SELECT CAST(:1 AS VARCHAR), 0, NULL, NULL, 0, 0 FROM (SELECT 1 AS one) seed
    WHERE NOT EXISTS (SELECT 1 FROM clari_run_leases WHERE lease = :1);

-- ----- bigquery -----
CREATE TABLE IF NOT EXISTS `my-project.clari.clari_run_leases` (
  lease STRING NOT NULL,
  token INT64 NOT NULL,
  holder STRING,
  holder_key STRING,
  acquired_at INT64 NOT NULL,
  expires_at INT64 NOT NULL,
  PRIMARY KEY (lease) NOT ENFORCED
);

INSERT INTO clari_run_leases (lease, token, holder, holder_key, acquired_at, expires_at)
    SELECT CAST(@p1 AS STRING), 0, NULL, NULL, 0, 0 FROM (SELECT 1 AS one) seed
    WHERE NOT EXISTS (SELECT 1 FROM clari_run_leases WHERE lease = @p1);

-- ===== warehouse/sql/run-locks.ts labelSession =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
SELECT set_config('application_name', $1, false) AS label;

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/sql/run-locks.ts readLease =====

-- ----- duckdb -----
SELECT token, holder, holder_key, acquired_at, expires_at FROM clari_run_leases WHERE lease = $1;

-- ----- postgres -----
SELECT token, holder, holder_key, acquired_at, expires_at FROM clari_run_leases WHERE lease = $1;

-- ----- snowflake -----
SELECT token, holder, holder_key, acquired_at, expires_at FROM clari_run_leases WHERE lease = :1;

-- ----- bigquery -----
SELECT token, holder, holder_key, acquired_at, expires_at FROM clari_run_leases WHERE lease = @p1;

-- ===== warehouse/sql/run-locks.ts releaseLease =====

-- ----- duckdb -----
UPDATE clari_run_leases SET holder = NULL, holder_key = NULL, expires_at = 0 WHERE lease = $1 AND token = $2;

-- ----- postgres -----
UPDATE clari_run_leases SET holder = NULL, holder_key = NULL, expires_at = 0 WHERE lease = $1 AND token = $2;

-- ----- snowflake -----
UPDATE clari_run_leases SET holder = NULL, holder_key = NULL, expires_at = 0 WHERE lease = :1 AND token = :2;

-- ----- bigquery -----
UPDATE clari_run_leases SET holder = NULL, holder_key = NULL, expires_at = 0 WHERE lease = @p1 AND token = @p2;

-- ===== warehouse/sql/run-locks.ts renewLease =====

-- ----- duckdb -----
UPDATE clari_run_leases SET expires_at = $3 WHERE lease = $1 AND token = $2;

-- ----- postgres -----
UPDATE clari_run_leases SET expires_at = $3 WHERE lease = $1 AND token = $2;

-- ----- snowflake -----
BEGIN TRANSACTION;

UPDATE clari_run_leases SET expires_at = :3 WHERE lease = :1 AND token = :2;

-- ----- bigquery -----
BEGIN TRANSACTION;

UPDATE clari_run_leases SET expires_at = @p3 WHERE lease = @p1 AND token = @p2;

-- ===== warehouse/sql/run-locks.ts takeLease =====

-- ----- duckdb -----
UPDATE clari_run_leases SET token = token + 1, holder = $2, holder_key = $3, acquired_at = $4, expires_at = $5
    WHERE lease = $1 AND (holder IS NULL OR expires_at < $4 OR holder_key = $3);

-- ----- postgres -----
UPDATE clari_run_leases SET token = token + 1, holder = $2, holder_key = $3, acquired_at = $4, expires_at = $5
    WHERE lease = $1 AND (holder IS NULL OR expires_at < $4 OR holder_key = $3);

-- ----- snowflake -----
UPDATE clari_run_leases SET token = token + 1, holder = :2, holder_key = :3, acquired_at = :4, expires_at = :5
    WHERE lease = :1 AND (holder IS NULL OR expires_at < :4 OR holder_key = :3);

-- ----- bigquery -----
UPDATE clari_run_leases SET token = token + 1, holder = @p2, holder_key = @p3, acquired_at = @p4, expires_at = @p5
    WHERE lease = @p1 AND (holder IS NULL OR expires_at < @p4 OR holder_key = @p3);

-- ===== warehouse/sql/run-locks.ts tryAdvisoryLock =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
SELECT pg_try_advisory_lock(793153, hashtext(current_schema())) AS locked;

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)

-- ===== warehouse/sql/run-locks.ts watchSessionLiveness =====

-- ----- duckdb -----
-- (nothing on this engine)

-- ----- postgres -----
SELECT set_config('tcp_keepalives_idle', '60', false);

SELECT set_config('tcp_keepalives_interval', '10', false);

SELECT set_config('tcp_keepalives_count', '6', false);

SELECT set_config('client_connection_check_interval', '5000', false);

-- ----- snowflake -----
-- (nothing on this engine)

-- ----- bigquery -----
-- (nothing on this engine)
