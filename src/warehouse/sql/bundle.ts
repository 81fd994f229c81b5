/**
 * The reads of `clari-dp debug-bundle`: recent runs and jobs, error groups, the schema as the engine
 * reports it, row counts and engine version. app/bundle.ts scrubs whatever comes back of names,
 * e-mail addresses and amounts before it goes into the archive.
 */
import { quoteIdent } from '../dialect.js';
import { TABLES } from '../schema.js';
import type { Row, Warehouse } from '../types.js';

/** Every name and e-mail address the warehouse knows, to be masked wherever they appear. */
export async function peopleValues(wh: Warehouse): Promise<Row[]> {
  return [
    ...(await wh.query('SELECT DISTINCT name, email FROM clari_users')),
    ...(await wh.query('SELECT DISTINCT owner_name, owner_email FROM clari_forecasts')),
  ];
}

export function recentRuns(wh: Warehouse, limit: number): Promise<Row[]> {
  const columns = TABLES.syncRuns.columns.map((c) => c.name);
  return wh.query(
    `SELECT ${columns.map((c) => wh.dialect.ident(c)).join(', ')} FROM clari_sync_runs ORDER BY started_at DESC LIMIT ${limit}`,
  );
}

export function recentJobs(wh: Warehouse, columns: readonly string[], limit: number): Promise<Row[]> {
  return wh.query(
    `SELECT ${columns.map((c) => `j.${wh.dialect.ident(c)}`).join(', ')}
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     ORDER BY r.started_at DESC, j.forecast_id, j.time_period LIMIT ${limit}`,
  );
}

export interface ErrorRow {
  readonly error_code: string | null;
  readonly error: string | null;
  readonly run_id: string;
  readonly forecast_id: string;
  readonly started_at: string | null;
}

/** The most recent failed or warned export rows. */
export function errorRows(wh: Warehouse, limit: number): Promise<ErrorRow[]> {
  return wh.query<ErrorRow & Row>(
    `SELECT j.error_code, j.error, j.run_id, j.forecast_id, r.started_at
     FROM clari_export_jobs j LEFT JOIN clari_sync_runs r ON r.run_id = j.run_id
     WHERE j.error_code IS NOT NULL OR j.error IS NOT NULL
     ORDER BY r.started_at DESC LIMIT ${limit}`,
  );
}

export function runsByStatus(wh: Warehouse): Promise<{ status: string; n: string | number }[]> {
  return wh.query<{ status: string; n: string | number }>(
    'SELECT status, count(*) AS n FROM clari_sync_runs GROUP BY status ORDER BY status',
  );
}

export function appliedMigrations(wh: Warehouse): Promise<Row[]> {
  return wh.query('SELECT version, name, applied_at, checksum FROM clari_schema_migrations ORDER BY version');
}

/** Columns of clari-dp's tables and views, as the engine's information schema reports them. */
export function schemaColumns(
  wh: Warehouse,
): Promise<{ table_name: string; column_name: string; data_type: string; is_nullable: string }[]> {
  return wh.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND (table_name LIKE 'clari%' OR table_name LIKE 'v%')
       ORDER BY table_name, ordinal_position`,
  );
}

export async function rowCount(wh: Warehouse, table: string): Promise<number> {
  const rows = await wh.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return Number(rows[0]?.n ?? 0);
}

export function fieldsSeen(wh: Warehouse): Promise<
  {
    forecast_id: string;
    field_id: string;
    field_type: string | null;
    is_quota: boolean | null;
    last_seen: string | null;
  }[]
> {
  return wh.query(
    'SELECT forecast_id, field_id, field_type, is_quota, last_seen FROM clari_fields ORDER BY forecast_id, field_id',
  );
}

export async function engineVersion(wh: Warehouse): Promise<string> {
  const rows = await wh.query<{ v: string }>('SELECT version() AS v');
  return String(rows[0]?.v ?? '');
}
