/**
 * Opens a warehouse from its URL. Drivers are imported lazily, so a DuckDB user never loads `pg`
 * (and, later, a PostgreSQL user never loads the Snowflake SDK).
 */
import { WarehouseError } from './errors.js';
import type { Warehouse } from './types.js';
import { parseWarehouseUrl } from './url.js';

export async function openWarehouse(url: string): Promise<Warehouse> {
  const target = parseWarehouseUrl(url);
  switch (target.kind) {
    case 'duckdb':
      return (await import('./duckdb/adapter.js')).openDuckdb(target.path);
    case 'postgres':
      return (await import('./postgres/adapter.js')).openPostgres(target.url);
    case 'snowflake':
    case 'bigquery':
      throw new WarehouseError('warehouse.unsupported', `${target.kind} is not supported in this version yet`, 'config', 'Use duckdb:PATH or postgres://...; Snowflake and BigQuery adapters are planned.');
  }
}
