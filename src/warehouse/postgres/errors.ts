/**
 * PostgreSQL failures as WarehouseErrors: an unreachable server (transient: the run changed
 * nothing), wrong credentials or database (config), a full disk, anything else with its statement.
 */
import { WarehouseError } from '../errors.js';

export function classify(error: unknown, where: string, sql?: string): WarehouseError {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  const code = e.code ?? '';
  if (
    [
      'ECONNREFUSED',
      'ENOTFOUND',
      'ETIMEDOUT',
      'ECONNRESET',
      'EPIPE',
      '57P01',
      '57P02',
      '57P03',
      '08000',
      '08001',
      '08003',
      '08006',
    ].includes(code) ||
    /Connection terminated|timeout expired|Query read timeout|connection.*closed|not queryable|terminating connection/i.test(
      message,
    )
  ) {
    return new WarehouseError(
      'warehouse.unreachable',
      `${where} is unreachable: ${message}`,
      'transient',
      'Check that PostgreSQL is running and the URL (host, port, database, user) is right; the run changed nothing and can be repeated.',
      error,
    );
  }
  if (code === '28P01' || code === '28000' || code === '3D000') {
    return new WarehouseError(
      'warehouse.config',
      `${where}: ${message}`,
      'config',
      'Check the user, password (PGPASSWORD or the URL in CLARI_DP_WAREHOUSE) and database name.',
      error,
    );
  }
  if (code === '53100')
    return new WarehouseError(
      'warehouse.disk_full',
      `${where}: the disk is full`,
      'transient',
      'Free disk space on the database server; nothing was committed.',
      error,
    );
  const statement = sql ? ` in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}` : '';
  return new WarehouseError('warehouse.query', `${where}: ${message}${statement}`, 'internal', undefined, error);
}
