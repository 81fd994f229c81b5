/**
 * The Warehouse port on one DuckDB connection. A stage opened inside a transaction is a load: it
 * runs under the URL's lower load_memory_limit until the transaction ends (url.ts), and once more
 * under the session's limit if the cap was too low for it.
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { WarehouseError } from '../errors.js';
import { ConnectionTransaction } from '../transaction.js';
import type { Row, SqlValue, StageSpec, Stager, Warehouse } from '../types.js';
import type { DuckdbSettings } from '../url.js';
import { duckdbDialect } from './dialect.js';
import { classify } from './errors.js';
import { openDuckdbStage, readInt64Column } from './stage.js';

export class DuckdbWarehouse implements Warehouse {
  readonly dialect = duckdbDialect;
  private readonly tx = new ConnectionTransaction({
    begin: () => this.exec('BEGIN TRANSACTION'),
    commit: () => this.exec('COMMIT'),
    rollback: () => this.connection.run('ROLLBACK'),
  });
  /** A load in this transaction runs under the lower load limit (url.ts). */
  private loadCapped = false;
  /** Off while a load that ran out of memory under the cap runs again. */
  private capLoads = true;
  /** Whether the last transaction ran under the cap. */
  private lastAttemptCapped = false;
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

  async readInt64(sql: string, params: readonly SqlValue[] = []): Promise<BigInt64Array> {
    try {
      return await readInt64Column(this.connection, sql, params as DuckDBValue[]);
    } catch (error) {
      throw classify(error, this.description, sql);
    }
  }

  async transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T> {
    if (this.tx.active) return work(this);
    try {
      return await this.attempt(work);
    } catch (error) {
      // The load cap keeps a run's memory low, but a large or unusual load can need more than it
      // (a 2M-entry re-sync under 96MB does): the transaction rolled back, so it runs once more
      // under the session's limit rather than failing the run over a setting meant to save memory.
      if (!this.cappedOutOfMemory(error)) throw error;
      this.capLoads = false;
      try {
        return await this.attempt(work);
      } finally {
        this.capLoads = true;
      }
    }
  }

  private cappedOutOfMemory(error: unknown): boolean {
    const { memory_limit, load_memory_limit } = this.settings ?? {};
    return (
      this.lastAttemptCapped &&
      load_memory_limit !== memory_limit &&
      error instanceof WarehouseError &&
      error.code === 'warehouse.out_of_memory'
    );
  }

  private attempt<T>(work: (tx: Warehouse) => Promise<T>): Promise<T> {
    this.lastAttemptCapped = false;
    return this.tx.run(
      () => work(this),
      async () => {
        if (!this.loadCapped) return;
        // Settings are not transactional: restored after a rollback too. Not `RESET`, which changes
        // the setting but leaves DuckDB's buffer manager at the lower limit.
        this.loadCapped = false;
        this.lastAttemptCapped = true;
        await this.exec(`SET memory_limit = '${this.sessionLimit}'`);
      },
    );
  }

  async openStage(spec: StageSpec): Promise<Stager> {
    // A stage inside a transaction is a load: cap memory until the transaction ends.
    if (this.tx.active && this.capLoads && !this.loadCapped && this.settings?.load_memory_limit) {
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
