/**
 * The warehouse-level run lock (run-lock.ts): the PostgreSQL advisory lock on the run's session,
 * and the lease row used where the engine has no lock that dies with its session.
 */
import type { Dialect } from '../dialect.js';
import { createTable, type TableSpec } from '../schema.js';
import type { Row, Warehouse } from '../types.js';

/**
 * PostgreSQL: a session-level advisory lock, released by the server when the session ends (the
 * client exits, is killed, or its connection drops). The two-key form, a fixed class id and the
 * current schema's hash, lets pipelines in two schemas of one database run side by side.
 */
const ADVISORY_CLASS = 0x0c1a41; // "clari"
const ADVISORY_KEY = `${ADVISORY_CLASS}, hashtext(current_schema())`;

/** Names the session in pg_stat_activity (at most 63 bytes), for the message a waiting run prints. */
export async function labelSession(wh: Warehouse, label: string): Promise<void> {
  await wh.query("SELECT set_config('application_name', $1, false) AS label", [label.slice(0, 63)]);
}

/**
 * A killed client's session would otherwise linger until the server next writes to it: the server
 * probes the socket (PostgreSQL 14+, skipped where older) and TCP keepalives find a vanished
 * machine within two minutes.
 */
export async function watchSessionLiveness(wh: Warehouse): Promise<void> {
  await wh.query("SELECT set_config('tcp_keepalives_idle', '60', false)");
  await wh.query("SELECT set_config('tcp_keepalives_interval', '10', false)");
  await wh.query("SELECT set_config('tcp_keepalives_count', '6', false)");
  await wh.query("SELECT set_config('client_connection_check_interval', '5000', false)").catch(() => undefined);
}

export async function tryAdvisoryLock(wh: Warehouse): Promise<boolean> {
  const [row] = await wh.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${ADVISORY_KEY}) AS locked`);
  return row?.locked === true;
}

export async function advisoryUnlock(wh: Warehouse): Promise<void> {
  await wh.query(`SELECT pg_advisory_unlock(${ADVISORY_KEY}) AS unlocked`);
}

export interface AdvisoryHolder extends Row {
  readonly pid: number;
  readonly application_name: string;
  readonly client_addr: string | null;
  readonly backend_start: string;
}

/** The session holding the advisory lock, if any still does. */
export async function advisoryHolder(wh: Warehouse): Promise<AdvisoryHolder | undefined> {
  const [holder] = await wh.query<AdvisoryHolder>(
    `SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, CAST(a.backend_start AS TEXT) AS backend_start
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = ${ADVISORY_CLASS}
      AND l.objid = CAST(CAST(hashtext(current_schema()) AS BIGINT) & 4294967295 AS OID) AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return holder;
}

/**
 * The lease row (Snowflake, BigQuery, or `run.warehouseLock: lease`): one row per lease with a
 * fencing token raised at every takeover, the holder, a key saying which data dir holds it, and an
 * expiry in epoch ms that the holder keeps pushing forward. A takeover is one conditional UPDATE,
 * atomic on every engine; a holder checks its token inside each snapshot transaction, so a run that
 * lost its lease (stalled past the expiry) can never commit after its successor started.
 */
export const LEASE_TABLE: TableSpec = {
  name: 'clari_run_leases',
  columns: [
    { name: 'lease', type: 'text', notNull: true },
    { name: 'token', type: 'bigint', notNull: true },
    { name: 'holder', type: 'text' },
    { name: 'holder_key', type: 'text' },
    { name: 'acquired_at', type: 'bigint', notNull: true },
    { name: 'expires_at', type: 'bigint', notNull: true },
  ],
  primaryKey: ['lease'],
};

export interface LeaseRow extends Row {
  readonly token: string | number;
  readonly holder: string | null;
  readonly holder_key: string | null;
  readonly acquired_at: string | number;
  readonly expires_at: string | number;
}

/** The lease table, and the lease's row once. Two first runs racing may both insert it; every statement below treats the rows as one. */
export async function ensureLease(wh: Warehouse, lease: string): Promise<void> {
  for (const sql of createTable(LEASE_TABLE, wh.dialect)) await wh.exec(sql);
  await wh.exec(seedSql(wh.dialect), [lease]);
}

function seedSql(dialect: Dialect): string {
  return `INSERT INTO clari_run_leases (lease, token, holder, holder_key, acquired_at, expires_at)
    SELECT CAST($1 AS ${dialect.types.text}), 0, NULL, NULL, 0, 0 FROM (SELECT 1 AS one) seed
    WHERE NOT EXISTS (SELECT 1 FROM clari_run_leases WHERE lease = $1)`;
}

/** Takes the lease if it is free, expired, or held from this very data dir (whose holder must be dead: we hold the data dir's lock). */
export async function takeLease(
  wh: Warehouse,
  lease: string,
  holder: { readonly label: string; readonly key: string },
  now: number,
  expiresAt: number,
): Promise<void> {
  await wh.exec(
    `UPDATE clari_run_leases SET token = token + 1, holder = $2, holder_key = $3, acquired_at = $4, expires_at = $5
    WHERE lease = $1 AND (holder IS NULL OR expires_at < $4 OR holder_key = $3)`,
    [lease, holder.label, holder.key, now, expiresAt],
  );
}

export function readLease(wh: Warehouse, lease: string): Promise<LeaseRow[]> {
  return wh.query<LeaseRow>(
    'SELECT token, holder, holder_key, acquired_at, expires_at FROM clari_run_leases WHERE lease = $1',
    [lease],
  );
}

export async function renewLease(wh: Warehouse, lease: string, token: number, expiresAt: number): Promise<void> {
  await wh.exec('UPDATE clari_run_leases SET expires_at = $3 WHERE lease = $1 AND token = $2', [
    lease,
    token,
    expiresAt,
  ]);
}

export async function releaseLease(wh: Warehouse, lease: string, token: number): Promise<void> {
  await wh.exec(
    'UPDATE clari_run_leases SET holder = NULL, holder_key = NULL, expires_at = 0 WHERE lease = $1 AND token = $2',
    [lease, token],
  );
}
