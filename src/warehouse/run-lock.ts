/**
 * One run at a time per warehouse, whatever data dir or machine the runs start from. Each engine
 * gets the strongest lock it has that dies with its holder:
 *
 * - DuckDB: the engine's own exclusive file lock, taken when a run opens the file for writing and
 *   released by the OS when the process ends (the open already waited for it; nothing more here).
 * - PostgreSQL: a session-level advisory lock on the run's own connection (advisory-lock.ts),
 *   released by the server when that session ends, whether the run finished, was killed or lost
 *   its network.
 * - Snowflake and BigQuery: a lease row with an expiry and a fencing token (lease.ts): a session
 *   there outlives its client, so the lease expires instead, and every snapshot commit checks the
 *   token so a run that lost its lease cannot write after its successor started.
 *
 * `run.warehouseLock: lease` uses the lease on PostgreSQL too (e.g. behind a transaction-pooling
 * PgBouncer, where session locks do not hold); `off` disables the warehouse lock.
 */
import { advisoryLock } from './advisory-lock.js';
import type { DialectName } from './dialect.js';
import { leaseLock } from './lease.js';
import type { WarehouseLock, WarehouseLockMode, WarehouseLockOptions } from './run-lock-poll.js';
import type { Warehouse } from './types.js';

export {
  type RunHolder,
  type WarehouseLock,
  WarehouseLockedError,
  type WarehouseLockMode,
  type WarehouseLockOptions,
} from './run-lock-poll.js';

export const WAREHOUSE_LOCK_MODES: readonly WarehouseLockMode[] = ['auto', 'lease', 'off'];

type Strategy = 'engine' | 'advisory' | 'lease';

/** What `auto` means per engine; DuckDB cannot lease (one process opens the file at a time anyway). */
const AUTO: Readonly<Record<DialectName, Strategy>> = {
  duckdb: 'engine',
  postgres: 'advisory',
  snowflake: 'lease',
  bigquery: 'lease',
};

export async function lockWarehouse(wh: Warehouse, options: WarehouseLockOptions): Promise<WarehouseLock> {
  const auto = AUTO[wh.dialect.name];
  const strategy = options.mode === 'off' ? 'none' : options.mode === 'lease' && auto !== 'engine' ? 'lease' : auto;
  switch (strategy) {
    case 'advisory':
      return advisoryLock(wh, options);
    case 'lease':
      return leaseLock(wh, options);
    case 'engine':
      return { kind: 'engine file lock', warehouse: wh, release: () => Promise.resolve() };
    case 'none':
      return { kind: 'none', warehouse: wh, release: () => Promise.resolve() };
  }
}
