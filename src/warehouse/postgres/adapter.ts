/**
 * PostgreSQL through `pg` on one dedicated connection (config.ts); the port is warehouse.ts, the
 * bulk path (COPY FROM STDIN) stage.ts.
 */
import pg from 'pg';
import type { Warehouse } from '../types.js';
import { describeWarehouseUrl } from '../url.js';
import { clientConfig } from './config.js';
import { classify } from './errors.js';
import { PostgresWarehouse } from './warehouse.js';

export async function openPostgres(
  url: string,
  options: { readonly statementTimeoutMs?: number | undefined } = {},
): Promise<Warehouse> {
  const description = describeWarehouseUrl(url);
  const client = new pg.Client(clientConfig(url, options.statementTimeoutMs));
  client.on('error', () => undefined); // a dropped connection surfaces on the next query
  try {
    await client.connect();
  } catch (error) {
    throw classify(error, description);
  }
  return new PostgresWarehouse(client, description);
}
