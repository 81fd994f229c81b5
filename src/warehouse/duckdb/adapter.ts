/**
 * DuckDB (@duckdb/node-api), the embedded default: one file, one connection. Staging uses the
 * Appender with column-major data chunks (the fastest bulk path measured in stack.md 3.1); the
 * appender writes inside the connection's open transaction, so a rollback discards it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, DuckDBInstance, type DuckDBConnection, type DuckDBType, type DuckDBValue, VARCHAR } from '@duckdb/node-api';
import { duckdbDialect } from './dialect.js';
import { WarehouseError } from '../errors.js';
import type { ColumnBatch, Row, SqlValue, StageSpec, StageType, Stager, Warehouse } from '../types.js';

const CHUNK_ROWS = 2048;
const TYPES: Record<StageType, DuckDBType> = { text: VARCHAR, double: DOUBLE, bigint: BIGINT, boolean: BOOLEAN };

export async function openDuckdb(path: string): Promise<Warehouse> {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file);
  } catch (error) {
    throw classify(error, `duckdb:${path}`);
  }
  const connection = await instance.connect();
  return new DuckdbWarehouse(instance, connection, `duckdb:${path}`);
}

class DuckdbWarehouse implements Warehouse {
  readonly dialect = duckdbDialect;
  private inTransaction = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
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
    }
  }

  async openStage(spec: StageSpec): Promise<Stager> {
    const columns = spec.columns.map((c) => `${c.name} ${TYPES[c.type].toString()}`).join(', ');
    await this.exec(this.dialect.createStage(spec.name, columns));
    const appender = await this.connection.createAppender(spec.name, 'main', 'temp');
    const types = spec.columns.map((c) => TYPES[c.type]);
    const bigints = spec.columns.map((c) => c.type === 'bigint');
    let rows = 0;
    return {
      append: (batch: ColumnBatch) => {
        const n = batch[0]?.length ?? 0;
        for (let start = 0; start < n; start += CHUNK_ROWS) {
          const end = Math.min(n, start + CHUNK_ROWS);
          const chunk = DuckDBDataChunk.create(types, end - start);
          chunk.setColumns(batch.map((column, i) => toDuck(column.slice(start, end), bigints[i]!)));
          try {
            appender.appendDataChunk(chunk);
          } catch (error) {
            return Promise.reject(classify(error, this.description));
          }
        }
        rows += n;
        return Promise.resolve();
      },
      close: () => {
        try {
          appender.flushSync();
          appender.closeSync();
        } catch (error) {
          return Promise.reject(classify(error, this.description));
        }
        return Promise.resolve(rows);
      },
    };
  }

  close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    return Promise.resolve();
  }
}

function toDuck(values: readonly (SqlValue | undefined)[], bigint: boolean): DuckDBValue[] {
  if (!bigint) return values.map((v) => (v === undefined ? null : v));
  return values.map((v) => (v === undefined || v === null ? null : typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))));
}

function classify(error: unknown, where: string, sql?: string): WarehouseError {
  const message = error instanceof Error ? error.message : String(error);
  if (/lock on file|Conflicting lock/i.test(message)) {
    return new WarehouseError('warehouse.locked', `${where} is locked by another process`, 'transient', 'Another clari-dp (or a DuckDB client) has the file open for writing; close it or wait for it to finish, then run again.', error);
  }
  if (/No space left on device|disk is full/i.test(message)) {
    return new WarehouseError('warehouse.disk_full', `${where}: the disk is full`, 'transient', 'Free disk space (or move the DuckDB file / data dir); nothing was committed.', error);
  }
  const statement = sql ? ` in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}` : '';
  return new WarehouseError('warehouse.query', `${where}: ${message.split('\n')[0]}${statement}`, 'internal', undefined, error);
}
