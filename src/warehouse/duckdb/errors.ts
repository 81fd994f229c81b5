/**
 * DuckDB failures as WarehouseErrors: a file another process holds (naming that process), a full
 * disk, its memory limit reached, anything else with the statement it came from.
 */
import { readFileSync } from 'node:fs';
import { WarehouseError } from '../errors.js';

/** "pid 4242 (node bin/clari-dp.js serve)" from DuckDB's lock message, reading /proc where there is one. */
function lockHolder(message: string): string | undefined {
  const pid = /\(PID (\d+)\)/.exec(message)?.[1];
  if (!pid) return undefined;
  let command: string | undefined;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    command = /held in (.+?) \(PID/.exec(message)?.[1];
  }
  return command ? `pid ${pid} (${command.length > 120 ? `${command.slice(0, 117)}...` : command})` : `pid ${pid}`;
}

export function classify(error: unknown, where: string, sql?: string): WarehouseError {
  const message = error instanceof Error ? error.message : String(error);
  if (/lock on file|Conflicting lock/i.test(message)) {
    const holder = lockHolder(message);
    return new WarehouseError(
      'warehouse.locked',
      `${where} is locked by another process${holder ? `: ${holder}` : ''}`,
      'transient',
      'DuckDB lets one process at a time open the file for writing. Close that process (a DuckDB CLI or UI session, a script, an older clari-dp serve) or wait for it to finish, then run again; nothing was written. Readers should open the file read-only and briefly.',
      error,
    );
  }
  if (/No space left on device|disk is full/i.test(message)) {
    return new WarehouseError(
      'warehouse.disk_full',
      `${where}: the disk is full`,
      'transient',
      'Free disk space (or move the DuckDB file / data dir); nothing was committed.',
      error,
    );
  }
  const statement = sql ? ` in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}` : '';
  if (/Out of Memory Error/i.test(message)) {
    return new WarehouseError(
      'warehouse.out_of_memory',
      `${where}: ${message.split('\n')[0]}${statement}`,
      'transient',
      'DuckDB reached its memory_limit; nothing was committed. Give it more in the URL (duckdb:./clari.duckdb?memory_limit=4GB) or free memory on this machine, then run again.',
      error,
    );
  }
  return new WarehouseError(
    'warehouse.query',
    `${where}: ${message.split('\n')[0]}${statement}`,
    'internal',
    undefined,
    error,
  );
}
