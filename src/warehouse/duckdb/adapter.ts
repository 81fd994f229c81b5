/**
 * DuckDB (@duckdb/node-api), the embedded default: one file, one connection. Staging is in
 * stage.ts (the Appender with data chunks).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { duckdbDialect } from './dialect.js';
import { openDuckdbStage } from './stage.js';
import { WarehouseError } from '../errors.js';
import type { Row, SqlValue, StageSpec, Stager, Warehouse } from '../types.js';
import type { DuckdbSettings } from '../url.js';

export interface DuckdbOpenOptions {
  /** Open with ACCESS_MODE READ_ONLY (readers: the dashboard). Default false. */
  readonly readOnly?: boolean | undefined;
  /**
   * How long to keep trying while another process holds the file, ms. DuckDB allows one writing
   * process per file; a reader (the dashboard opening it for one request) lets go within
   * milliseconds, so a short wait turns a collision into a delay instead of a failed run. Default 0.
   */
  readonly lockWaitMs?: number | undefined;
  /** Told once, with the holder, when another process holds the file and the open waits for it. */
  readonly onLocked?: ((holder: string) => void) | undefined;
  /** From the URL (url.ts): memory limits and threads. */
  readonly settings?: DuckdbSettings | undefined;
}

export async function openDuckdb(path: string, options: DuckdbOpenOptions = {}): Promise<Warehouse> {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:' && !options.readOnly) mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + Math.max(0, options.lockWaitMs ?? 0);
  let instance: DuckDBInstance;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      instance = await DuckDBInstance.create(file, {
        ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
        ...instanceSettings(options.settings),
      });
      break;
    } catch (error) {
      const classified = classify(error, `duckdb:${path}`);
      if (classified.code !== 'warehouse.locked' || Date.now() + delay > deadline) throw classified;
      if (delay === 25) options.onLocked?.(classified.message);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  const connection = await instance.connect();
  return new DuckdbWarehouse(instance, connection, `duckdb:${path}`, options.settings);
}

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

class DuckdbWarehouse implements Warehouse {
  readonly dialect = duckdbDialect;
  private inTransaction = false;
  /** A load in this transaction runs under the lower load limit (url.ts). */
  private loadCapped = false;
  /** The limit restored after a load: the URL's, else DuckDB's default as first read (read once, so its display rounding cannot drift). */
  private sessionLimit: string | undefined;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
    private readonly settings: DuckdbSettings | undefined,
  ) {}

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    try {
      await this.connection.run(sql, params as DuckDBValue[]);
    } catch (error) {
      throw classify(error, this.description, sql);
    }
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
      return reader.getRowObjectsJson() as unknown as T[];
    } catch (error) {
      throw classify(error, this.description, sql);
    }
  }

  async transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    await this.exec('BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const result = await work(this);
      await this.exec('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.inTransaction = false;
      if (this.loadCapped) {
        // Settings are not transactional: restored after a rollback too. Not `RESET`, which changes
        // the setting but leaves DuckDB's buffer manager at the lower limit.
        this.loadCapped = false;
        await this.exec(`SET memory_limit = '${this.sessionLimit}'`);
      }
    }
  }

  async openStage(spec: StageSpec): Promise<Stager> {
    // A stage inside a transaction is a load: cap memory until the transaction ends.
    if (this.inTransaction && !this.loadCapped && this.settings?.load_memory_limit) {
      this.sessionLimit ??=
        this.settings.memory_limit ??
        String((await this.query<{ m: string }>("SELECT current_setting('memory_limit') AS m"))[0]!.m);
      await this.exec(`SET memory_limit = '${this.settings.load_memory_limit}'`);
      this.loadCapped = true;
    }
    return openDuckdbStage(
      {
        connection: this.connection,
        exec: (sql) => this.exec(sql),
        query: (sql) => this.query(sql),
        createStage: (name, columns) => this.dialect.createStage(name, columns),
        classify: (error) => classify(error, this.description),
      },
      spec,
    );
  }

  close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    return Promise.resolve();
  }
}

function instanceSettings(settings: DuckdbSettings | undefined): Record<string, string> {
  return {
    ...(settings?.memory_limit ? { memory_limit: settings.memory_limit } : {}),
    ...(settings?.threads ? { threads: String(settings.threads) } : {}),
  };
}

function classify(error: unknown, where: string, sql?: string): WarehouseError {
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
  return new WarehouseError(
    'warehouse.query',
    `${where}: ${message.split('\n')[0]}${statement}`,
    'internal',
    undefined,
    error,
  );
}
