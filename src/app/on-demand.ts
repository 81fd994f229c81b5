/**
 * A Warehouse that opens the real one when a query arrives and closes it once idle. DuckDB lets one
 * process at a time hold a file open for writing (and a read-only holder still blocks the writer),
 * so a long-running reader such as `clari-dp serve` must not keep the file open: a scheduled `run`
 * would fail with `warehouse.locked` every day. Opened read-only and closed after `idleMs`, the
 * dashboard holds the file for milliseconds per page, and `run` (which waits `warehouseLockWaitMs`
 * for the file) always gets it.
 */
import type { Dialect, Row, SqlValue, Stager, Warehouse } from '../warehouse/index.js';

export function onDemandWarehouse(
  open: () => Promise<Warehouse>,
  shape: { dialect: Dialect; description: string },
  idleMs = 250,
): Warehouse {
  let current: Promise<Warehouse> | undefined;
  let closing: Promise<void> = Promise.resolve();
  let active = 0;
  let timer: NodeJS.Timeout | undefined;

  const closeNow = (): Promise<void> => {
    const open = current;
    current = undefined;
    closing = closing.then(async () => {
      if (open) await (await open.catch(() => undefined))?.close();
    });
    return closing;
  };

  const use = async <T>(work: (wh: Warehouse) => Promise<T>): Promise<T> => {
    clearTimeout(timer);
    active++;
    try {
      await closing; // never two instances on one file in one process
      current ??= open().catch((error: unknown) => {
        current = undefined;
        throw error;
      });
      return await work(await current);
    } finally {
      if (--active === 0) timer = setTimeout(() => void closeNow(), idleMs);
    }
  };

  return {
    dialect: shape.dialect,
    description: shape.description,
    exec: (sql: string, params?: readonly SqlValue[]) => use((wh) => wh.exec(sql, params)),
    query: <T extends Row = Row>(sql: string, params?: readonly SqlValue[]) => use((wh) => wh.query<T>(sql, params)),
    transaction: <T>(work: (tx: Warehouse) => Promise<T>) => use((wh) => wh.transaction(work)),
    openStage: (): Promise<Stager> =>
      Promise.reject(new Error('an on-demand warehouse is for reading; it cannot stage a load')),
    close: () => {
      clearTimeout(timer);
      return closeNow();
    },
  };
}
