/**
 * What differs between engines, as data first and small hooks second (aesthetics.md rule 3): type
 * names, a few expressions, and capabilities. SQL builders take a Dialect and never branch on the
 * engine's name.
 */
export type LogicalType = 'text' | 'money' | 'double' | 'bigint' | 'int' | 'boolean' | 'date' | 'timestamp' | 'json';

export interface Dialect {
  readonly name: 'duckdb' | 'postgres' | 'snowflake' | 'bigquery';
  readonly types: Readonly<Record<LogicalType, string>>;
  /** Positional parameter `n` (1-based). */
  param(n: number): string;
  /** An expression turning epoch milliseconds (BIGINT) into a UTC TIMESTAMP. */
  epochMsToTimestamp(expr: string): string;
  /** An exact DECIMAL(18,2) from an integer number of cents. */
  centsToMoney(expr: string): string;
  /** CREATE statement for a staging table that lives until the end of the transaction. */
  createStage(name: string, columns: string): string;
  /** The same, filled from a query. */
  createStageAs(name: string, select: string): string;
  /** Statement refreshing planner statistics after bulk loads, where the engine needs it. */
  analyze(tables: readonly string[]): string | undefined;
  /** Secondary indexes help this engine (PostgreSQL); DuckDB relies on zone maps instead. */
  readonly secondaryIndexes: boolean;
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe identifier: ${name}`);
  return name;
}
