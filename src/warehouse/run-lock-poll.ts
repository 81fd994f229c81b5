/**
 * What every warehouse run lock shares (run-lock.ts): who holds it, the options of a lock, the lock
 * itself, and the polling that waits for a holder up to --lock-wait.
 */
import { AppError, type Clock, formatDuration } from '../core/index.js';
import type { Warehouse } from './types.js';

export type WarehouseLockMode = 'auto' | 'lease' | 'off';

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
  /** Ends the wait early: the sleep rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
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
  options: Pick<WarehouseLockOptions, 'clock' | 'waitMs' | 'onWait' | 'signal'>,
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
    await clock.sleep(Math.min(everyMs, left), options.signal);
  }
}
