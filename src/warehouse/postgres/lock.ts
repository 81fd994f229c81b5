/**
 * The PostgreSQL run lock: `pg_try_advisory_lock` on the run's own session (run-lock.ts), polled
 * while another session holds it, with that session named from pg_stat_activity.
 */
import { ADVISORY_SQL } from '../run-lock-sql.js';
import { pollLock, type WarehouseLock, type WarehouseLockOptions } from '../run-lock.js';
import type { Warehouse } from '../types.js';

const POLL_MS = 500;

export async function advisoryLock(wh: Warehouse, options: WarehouseLockOptions): Promise<WarehouseLock> {
  // application_name holds at most 63 bytes.
  await wh.query(ADVISORY_SQL.label, [options.holder.label.slice(0, 63)]);
  for (const sql of ADVISORY_SQL.liveness) await wh.query(sql);
  await wh.query(ADVISORY_SQL.livenessProbe).catch(() => undefined); // PostgreSQL 14+
  await pollLock(options, wh.description, POLL_MS, async () => {
    const [row] = await wh.query<{ locked: boolean }>(ADVISORY_SQL.tryLock);
    if (row?.locked === true) return { taken: true };
    const [holder] = await wh.query<{
      pid: number;
      application_name: string;
      client_addr: string | null;
      backend_start: string;
    }>(ADVISORY_SQL.holder);
    return {
      holder: holder
        ? `session ${holder.pid}, "${holder.application_name}"${holder.client_addr ? ` from ${holder.client_addr}` : ''}, connected since ${holder.backend_start}`
        : 'a session that just let go',
    };
  });
  return {
    kind: 'advisory lock',
    warehouse: wh,
    release: async () => {
      await wh.query(ADVISORY_SQL.unlock).catch(() => undefined); // closing the session releases it anyway
    },
  };
}
