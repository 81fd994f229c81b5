/**
 * What differs between engines, as data first and small hooks second (aesthetics.md rule 3): type
 * names, a few expressions, identifier quoting, DDL shapes and capabilities. SQL builders take a
 * Dialect and never branch on the engine's name. `ANSI` holds the forms DuckDB, PostgreSQL and
 * Snowflake share; each dialect spreads it and overrides only what its engine does differently.
 */
export type LogicalType =
  | 'text'
  | 'money'
  | 'double'
  | 'bigint'
  | 'int'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'json'
  | 'ratio'
  /** A list of texts in the engine's array type (activity ids of accounts and opportunities). */
  | 'text_array';

export const DIALECT_NAMES = ['duckdb', 'postgres', 'snowflake', 'bigquery'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/** What the pipeline needs to be allowed to do; doctor probes each (warehouse/privileges.ts). */
export const PRIVILEGES = ['create_table', 'create_view', 'write', 'stage'] as const;
export type Privilege = (typeof PRIVILEGES)[number];

export interface Dialect {
  readonly name: DialectName;
  /** Physical type per logical type; `ratio` is the exact decimal that ratios are computed in. */
  readonly types: Readonly<Record<LogicalType, string>>;
  /**
   * Positional parameter `n` (1-based) as the engine's driver binds it. SQL is written with `$1..$n`
   * on every engine (warehouse/placeholders.ts); adapters whose driver binds differently rewrite them.
   */
  param(n: number): string;
  /** A column or table name, quoted where the engine reserves the word (`rows`, `trigger`). */
  ident(name: string): string;
  /** A table named inside a stored view, qualified where the engine needs it (BigQuery). */
  table(name: string): string;
  /** An expression turning epoch milliseconds (BIGINT) into a UTC TIMESTAMP. */
  epochMsToTimestamp(expr: string): string;
  /** An exact DECIMAL(18,2) from an integer number of cents. */
  centsToMoney(expr: string): string;
  /** The exact median of `expr` as an aggregate (NULLs ignored; NULL when there is no value). */
  median(expr: string): string;
  /** `date` minus `days` days (both SQL expressions), a DATE. */
  minusDays(date: string, days: string): string;
  /** Whole days from the DATE `from` to the DATE `to` (positive when `to` is later). */
  daysBetween(from: string, to: string): string;
  /** The aggregate collecting `value` into a `text_array` in `orderBy` order. */
  textArrayAgg(value: string, orderBy: string): string;
  /** An empty `text_array` (the array of a group with no rows). */
  readonly emptyTextArray: string;
  /** The number of elements of an array. */
  arrayLength(expr: string): string;
  /** CREATE statement for a staging table that lives until the end of the transaction or session. */
  createStage(name: string, columns: string): string;
  /** The same, filled from a query. */
  createStageAs(name: string, select: string): string;
  /** Statements (re)creating a view; views hold no data, so replacing one is always safe. */
  replaceView(name: string, select: string): string[];
  /** The PRIMARY KEY clause of CREATE TABLE. */
  primaryKey(columns: readonly string[]): string;
  /** Statement refreshing planner statistics after bulk loads, where the engine needs it. */
  analyze(tables: readonly string[]): string | undefined;
  /**
   * `MATERIALIZED ` where a CTE can be asked to be computed once (DuckDB, PostgreSQL): change
   * detection reads each snapshot into one before joining them, a sixth faster on DuckDB.
   */
  readonly materialized: string;
  /** Secondary indexes help this engine (PostgreSQL); the others rely on zone maps or micro-partitions. */
  readonly secondaryIndexes: boolean;
  /**
   * DDL runs inside a transaction and rolls back with it (DuckDB, PostgreSQL). Snowflake commits the
   * open transaction at any DDL and BigQuery refuses DDL in one, so migrations there run statement by
   * statement (each idempotent) and record their ledger row last (warehouse/migrations.ts).
   */
  readonly transactionalDdl: boolean;
  /** How to grant each privilege on this engine: the fix doctor prints when a probe is refused. */
  readonly grants: Readonly<Record<Privilege, string>>;
}

const SAFE = /^[a-z_][a-z0-9_]*$/;

/** Refuses anything that is not a plain lower-case name, so names can never carry SQL. */
export function quoteIdent(name: string): string {
  if (!SAFE.test(name)) throw new Error(`not a safe identifier: ${name}`);
  return name;
}

/** `ident` for an engine: plain names stay bare, reserved words are quoted with `quote`. */
export function reservedQuoting(
  reserved: readonly string[],
  quote: (name: string) => string,
): (name: string) => string {
  const words = new Set(reserved.map((w) => w.toLowerCase()));
  return (name) => (words.has(quoteIdent(name)) ? quote(name) : name);
}

/** The shared defaults; every dialect spreads these and overrides what differs. */
export const ANSI = {
  param: (n: number): string => `$${n}`,
  ident: quoteIdent,
  table: quoteIdent,
  median: (expr: string): string => `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${expr})`,
  minusDays: (date: string, days: string): string => `${date} - ${days}`,
  // DATE - DATE is a whole number of days on DuckDB, PostgreSQL and Snowflake.
  daysBetween: (from: string, to: string): string => `(${to} - ${from})`,
  textArrayAgg: (value: string, orderBy: string): string => `array_agg(${value} ORDER BY ${orderBy})`,
  replaceView: (name: string, select: string): string[] => [
    `DROP VIEW IF EXISTS ${name}`,
    `CREATE VIEW ${name} AS\n${select}`,
  ],
  primaryKey: (columns: readonly string[]): string => `PRIMARY KEY (${columns.join(', ')})`,
  analyze: (): string | undefined => undefined,
} as const;
