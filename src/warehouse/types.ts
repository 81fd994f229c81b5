/**
 * The warehouse port: what the pipeline, change detection and analytics need from any engine.
 * Results come back JSON-safe (DECIMAL and BIGINT as strings, dates as YYYY-MM-DD) so callers
 * compare exact values the same way on every engine, with lower-case column names (Snowflake folds
 * unquoted names to upper case; its adapter lowers them). Parameters are written `$1..$n` on every
 * engine; adapters whose driver binds otherwise rewrite them (placeholders.ts). Bulk loads go through
 * `openStage`, which each engine implements with its bulk path (DuckDB appender data chunks,
 * PostgreSQL COPY, Snowflake PUT + COPY INTO, BigQuery load jobs).
 */
import type { Dialect } from './dialect.js';

export type SqlValue = string | number | boolean | bigint | null;
export type Row = Record<string, unknown>;

export const STAGE_TYPES = ['text', 'double', 'bigint', 'boolean'] as const;
export type StageType = (typeof STAGE_TYPES)[number];

export interface StageColumn {
  readonly name: string;
  readonly type: StageType;
  /**
   * A text column with few distinct values repeated over many rows (owner, field and week ids).
   * An engine whose per-string bulk path is slow (DuckDB's appender) may dictionary-encode it;
   * the staged table reads the same either way.
   */
  readonly repeats?: boolean;
}

export interface StageSpec {
  /** Temporary table name, e.g. `stage_entries`; dropped at the end of the transaction. */
  readonly name: string;
  readonly columns: readonly StageColumn[];
}

/**
 * Column-major batch: one array per column, all the same length. A `bigint` column may come as a
 * BigInt64Array (fingerprints: a million of them cost no BigInt allocation on the way in).
 */
export type ColumnBatch = readonly (readonly (SqlValue | undefined)[] | BigInt64Array)[];

export interface Stager {
  /** Appends a batch; resolves when the engine can take more (backpressure). */
  append(batch: ColumnBatch): Promise<void>;
  /** Flushes and closes; returns the rows staged. */
  close(): Promise<number>;
  /** Removes the staging table (and whatever the engine built for it) once its rows are applied. */
  drop(): Promise<void>;
  /**
   * After close, where the engine keeps the stage with its text columns as integer codes, equal
   * exactly when the texts are (DuckDB's dictionary-encoded stages): grouping and counting on it
   * give what they give on the stage, without decoding. Undefined where there is no such table.
   */
  readonly codes?: string | undefined;
}

export interface Warehouse {
  readonly dialect: Dialect;
  /** A display name with any password removed, e.g. `duckdb:./clari.duckdb`. */
  readonly description: string;
  exec(sql: string, params?: readonly SqlValue[]): Promise<void>;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs `work` in one transaction, committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T>;
  /**
   * Creates a temporary staging table (inside the current transaction), replacing one of that name
   * left by an earlier load of this session, and opens a bulk loader on it.
   */
  openStage(spec: StageSpec): Promise<Stager>;
  /**
   * The single BIGINT column of a query's rows, without NULLs, as one typed array: an engine with
   * a columnar result (DuckDB) copies its vectors instead of building a value per row. Optional:
   * callers fall back to `query`.
   */
  readInt64?(sql: string, params?: readonly SqlValue[]): Promise<BigInt64Array>;
  close(): Promise<void>;
}
