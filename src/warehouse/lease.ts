/**
 * The lease (run-lock.ts): where a warehouse session outlives its client (Snowflake, BigQuery),
 * the run lock is a row with an expiry and a fencing token. Taking it over is one conditional
 * UPDATE; the holder renews it from a second session while the run works, and checks its token
 * inside every snapshot transaction, just before the commit: a run that stalled past the expiry
 * and lost the lease rolls back instead of writing beside its successor. The renewal inside the
 * transaction also locks the row until the commit, so no takeover can slip between check and commit.
 */
import { AppError } from '../core/index.js';
import { pollLock, type WarehouseLock, type WarehouseLockOptions } from './run-lock-poll.js';
import * as runLocksSql from './sql/run-locks.js';
import type { LeaseRow } from './sql/run-locks.js';
import type { Row, SqlValue, StageSpec, Stager, Warehouse } from './types.js';

const LEASE = 'run';
/** Between two takeover attempts: a statement on a cloud warehouse costs money; a lease is held for minutes. */
const POLL_MS = 5_000;

export async function leaseLock(wh: Warehouse, options: WarehouseLockOptions): Promise<WarehouseLock> {
  const { clock, leaseTtlMs: ttl, holder } = options;
  const side = await options.openSession();
  const read = (target: Warehouse): Promise<LeaseRow[]> => runLocksSql.readLease(target, LEASE);
  const mine = (rows: readonly LeaseRow[], token: number): boolean =>
    rows.length > 0 && rows.every((row) => Number(row.token) === token);
  let token: number;
  try {
    await runLocksSql.ensureLease(side, LEASE);
    token = await pollLock(options, `${wh.description} (lease "${LEASE}" in clari_run_leases)`, POLL_MS, async () => {
      const now = clock.now();
      await runLocksSql.takeLease(side, LEASE, holder, now, now + ttl);
      const rows = await read(side);
      if (rows.length > 0 && rows.every((row) => row.holder === holder.label)) return { taken: Number(rows[0]!.token) };
      const row = rows.find((r) => r.holder !== holder.label);
      return {
        holder: row ? `${row.holder ?? 'nobody'}, lease until ${new Date(Number(row.expires_at)).toISOString()}` : '?',
      };
    });
  } catch (error) {
    await side.close();
    throw error;
  }

  const lost = (rows: readonly LeaseRow[]): AppError =>
    new AppError(
      `This run's lease on ${wh.description} was taken over by ${rows.find((r) => Number(r.token) !== token)?.holder ?? 'another run'} (this run stalled past the lease's expiry)`,
      {
        code: 'run.fenced',
        kind: 'transient',
        hint: 'Nothing was committed after the takeover; the run stops and the next run picks up its exports. If runs stall this long, raise run.leaseTtlMs.',
      },
    );
  let lastRenewed = clock.now();
  let transactions = 0;
  const stop = new AbortController();
  const heartbeat = (async () => {
    for (;;) {
      try {
        await clock.sleep(ttl / 3, stop.signal);
      } catch {
        return;
      }
      // A commit renews it too; renewing beside an open transaction would only contend with it.
      if (transactions > 0 || clock.now() - lastRenewed < ttl / 3) continue;
      try {
        const at = clock.now();
        await runLocksSql.renewLease(side, LEASE, token, at + ttl);
        const rows = await read(side);
        if (!mine(rows, token)) {
          options.onLost?.(lost(rows));
          return;
        }
        lastRenewed = at;
      } catch {
        // The warehouse is unreachable: the run fails on its own statements, and commits stay fenced.
      }
    }
  })();
  const fence = async (tx: Warehouse): Promise<void> => {
    const at = clock.now();
    await runLocksSql.renewLease(tx, LEASE, token, at + ttl);
    const rows = await read(tx);
    if (!mine(rows, token)) throw lost(rows);
    lastRenewed = at;
  };
  return {
    kind: `lease (token ${token})`,
    warehouse: new FencedWarehouse(wh, fence, (delta) => (transactions += delta)),
    release: async () => {
      stop.abort();
      await heartbeat;
      await runLocksSql.releaseLease(side, LEASE, token).catch(() => undefined);
      await side.close();
    },
  };
}

/** The run's warehouse, whose every transaction checks the lease before it commits. */
class FencedWarehouse implements Warehouse {
  constructor(
    private readonly inner: Warehouse,
    private readonly fence: (tx: Warehouse) => Promise<void>,
    private readonly track: (delta: number) => void,
  ) {}

  get dialect(): Warehouse['dialect'] {
    return this.inner.dialect;
  }

  get description(): string {
    return this.inner.description;
  }

  exec(sql: string, params?: readonly SqlValue[]): Promise<void> {
    return this.inner.exec(sql, params);
  }

  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.inner.query<T>(sql, params);
  }

  async transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T> {
    this.track(1);
    try {
      return await this.inner.transaction(async (tx) => {
        const result = await work(tx);
        await this.fence(tx);
        return result;
      });
    } finally {
      this.track(-1);
    }
  }

  openStage(spec: StageSpec): Promise<Stager> {
    return this.inner.openStage(spec);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
