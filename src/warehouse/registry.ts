/**
 * Opens a warehouse from its URL. Drivers are imported lazily, so a DuckDB user never loads `pg`
 * and a PostgreSQL user never loads the Snowflake SDK; the cloud drivers are optional dependencies.
 */
import { loadAdapter } from './drivers.js';
import type { Warehouse } from './types.js';
import { parseWarehouseUrl } from './url.js';

export interface OpenOptions {
  /** Open for reading only (DuckDB: ACCESS_MODE READ_ONLY; other engines ignore it). */
  readonly readOnly?: boolean | undefined;
  /** DuckDB: how long to wait for another process to let go of the file, ms. */
  readonly lockWaitMs?: number | undefined;
  /** DuckDB: told once (the error naming the holder) when another process holds the file and the open waits. */
  readonly onLocked?: ((holder: string) => void) | undefined;
  /** PostgreSQL: statement_timeout, ms; the client gives up 30 s after it too. */
  readonly statementTimeoutMs?: number | undefined;
}

export async function openWarehouse(url: string, options: OpenOptions = {}): Promise<Warehouse> {
  const target = parseWarehouseUrl(url);
  switch (target.kind) {
    case 'duckdb':
      return (await import('./duckdb/adapter.js')).openDuckdb(target.path, { ...options, settings: target.settings });
    case 'postgres':
      return (await import('./postgres/adapter.js')).openPostgres(target.url, options);
    case 'snowflake':
      return (await loadAdapter('snowflake', () => import('./snowflake/adapter.js'))).openSnowflake(target.url);
    case 'bigquery':
      return (await loadAdapter('bigquery', () => import('./bigquery/adapter.js'))).openBigquery(target.url);
  }
}
