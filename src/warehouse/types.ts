/**
 * The warehouse port: what the pipeline, change detection and analytics need from any engine.
 * Results come back JSON-safe (DECIMAL and BIGINT as strings, dates as YYYY-MM-DD) so callers
 * compare exact values the same way on every engine. Bulk loads go through `openStage`, which each
 * engine implements with its bulk path (DuckDB appender data chunks, PostgreSQL COPY).
 */
import type { Dialect } from './dialect.js';

export type SqlValue = string | number | boolean | bigint | null;
export type Row = Record<string, unknown>;

export const STAGE_TYPES = ['text', 'double', 'bigint', 'boolean'] as const;
export type StageType = (typeof STAGE_TYPES)[number];

export interface StageSpec {
  /** Temporary table name, e.g. `stage_entries`; dropped at the end of the transaction. */
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: StageType }[];
}

/** Column-major batch: one array per column, all the same length. */
export type ColumnBatch = readonly (readonly (SqlValue | undefined)[])[];

export interface Stager {
  /** Appends a batch; resolves when the engine can take more (backpressure). */
  append(batch: ColumnBatch): Promise<void>;
  /** Flushes and closes; returns the rows staged. */
  close(): Promise<number>;
}

export interface Warehouse {
  readonly dialect: Dialect;
  /** A display name with any password removed, e.g. `duckdb:./clari.duckdb`. */
  readonly description: string;
  exec(sql: string, params?: readonly SqlValue[]): Promise<void>;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs `work` in one transaction, committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T>;
  /** Creates a temporary staging table (inside the current transaction) and opens a bulk loader on it. */
  openStage(spec: StageSpec): Promise<Stager>;
  close(): Promise<void>;
}
