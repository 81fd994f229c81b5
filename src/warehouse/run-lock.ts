/**
 * One run at a time per warehouse, whatever data dir or machine the runs start from. Each engine
 * gets the strongest lock it has that dies with its holder:
 *
 * - DuckDB: the engine's own exclusive file lock, taken when a run opens the file for writing and
 *   released by the OS when the process ends (the open already waited for it; nothing more here).
 * - PostgreSQL: a session-level advisory lock on the run's own connection (postgres/lock.ts),
 *   released by the server when that session ends, whether the run finished, was killed or lost
 *   its network.
 * - Snowflake and BigQuery: a lease row with an expiry and a fencing token (lease.ts): a session
 *   there outlives its client, so the lease expires instead, and every snapshot commit checks the
 *   token so a run that lost its lease cannot write after its successor started.
 *
 * `run.warehouseLock: lease` uses the lease on PostgreSQL too (e.g. behind a transaction-pooling
 * PgBouncer, where session locks do not hold); `off` disables the warehouse lock.
 */
import { AppError, type Clock, formatDuration } from '../core/index.js';
import type { DialectName } from './dialect.js';
import { leaseLock } from './lease.js';
import { advisoryLock } from './postgres/lock.js';
import type { Warehouse } from './types.js';

export const WAREHOUSE_LOCK_MODES = ['auto', 'lease', 'off'] as const;
export type WarehouseLockMode = (typeof WAREHOUSE_LOCK_MODES)[number];

export interface RunHolder {
  /** Who holds the lock, for the message others print: `clari-dp run pid 4242 on worker-1`. */
  readonly label: string;
  /**
   * The data dir the run holds (host, boot and path): a lease left by this key belongs to a process
   * that is dead, since the data dir's own lock is ours. Taken over at once, not after its expiry.
   */
  readonly key: string;
}

export interface WarehouseLockOptions {
  readonly mode: WarehouseLockMode;
  readonly holder: RunHolder;
  readonly clock: Clock;
  /** How long to wait for the holder to finish, ms; 0 gives up at once. */
  readonly waitMs: number;
  /** Lease: how long it lasts without renewal, ms. */
  readonly leaseTtlMs: number;
  /** Lease: a second session for takeover, renewal and release (the run's own session is busy loading). */
  readonly openSession: () => Promise<Warehouse>;
  /** Told once per holder that this run waits for it. */
  readonly onWait?: ((holder: string, waitMs: number) => void) | undefined;
  /** The lease was taken over by another run (this one stalled past its expiry): stop the run. */
  readonly onLost?: ((error: AppError) => void) | undefined;
}

export interface WarehouseLock {
  /** What the lock is, for logs: `advisory lock`, `lease`, `engine file lock`, `none`. */
  readonly kind: string;
  /** The warehouse to run on: the same one, or one whose snapshot commits check the lease. */
  readonly warehouse: Warehouse;
  release(): Promise<void>;
}

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

export class WarehouseLockedError extends AppError {
  constructor(where: string, holder: string, waitedMs: number) {
    super(
      `Another clari-dp run holds ${where} (${holder})${waitedMs > 0 ? `; waited ${formatDuration(waitedMs)} (--lock-wait)` : ''}`,
      {
        code: 'run.locked',
        kind: 'transient',
        hint: 'Runs from other data dirs or machines load this warehouse; wait for it to finish, or give the next run a longer --lock-wait. A lock whose run died is released by itself (a lease when it expires).',
      },
    );
  }
}

/** Polls `attempt` until it takes the lock or the wait is over; shared by the advisory lock and the lease. */
export async function pollLock<T>(
  options: Pick<WarehouseLockOptions, 'clock' | 'waitMs' | 'onWait'>,
  where: string,
  everyMs: number,
  attempt: () => Promise<{ readonly taken: T } | { readonly holder: string }>,
): Promise<T> {
  const { clock } = options;
  const until = clock.now() + Math.max(0, options.waitMs);
  let announced: string | undefined;
  for (;;) {
    const got = await attempt();
    if ('taken' in got) return got.taken;
    const left = until - clock.now();
    if (left <= 0) throw new WarehouseLockedError(where, got.holder, options.waitMs);
    if (got.holder !== announced) {
      announced = got.holder;
      options.onWait?.(got.holder, left);
    }
    await clock.sleep(Math.min(everyMs, left));
  }
}
