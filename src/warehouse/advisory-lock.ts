/**
 * The PostgreSQL run lock: `pg_try_advisory_lock` on the run's own session (run-lock.ts), polled
 * while another session holds it, with that session named from pg_stat_activity.
 */
import { pollLock, type WarehouseLock, type WarehouseLockOptions } from './run-lock-poll.js';
import * as runLocksSql from './sql/run-locks.js';
import type { Warehouse } from './types.js';

const POLL_MS = 500;

export async function advisoryLock(wh: Warehouse, options: WarehouseLockOptions): Promise<WarehouseLock> {
  await runLocksSql.labelSession(wh, options.holder.label);
  await runLocksSql.watchSessionLiveness(wh);
  await pollLock(options, wh.description, POLL_MS, async () => {
    if (await runLocksSql.tryAdvisoryLock(wh)) return { taken: true };
    const holder = await runLocksSql.advisoryHolder(wh);
    return {
      holder: holder
        ? `session ${holder.pid}, "${holder.application_name}"${holder.client_addr ? ` from ${holder.client_addr}` : ''}, connected since ${holder.backend_start}`
        : 'a session that just let go',
    };
  });
  return {
    kind: 'advisory lock',
    warehouse: wh,
    // Closing the session releases it anyway.
    release: () => runLocksSql.advisoryUnlock(wh).catch(() => undefined),
  };
}
