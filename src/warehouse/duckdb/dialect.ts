import type { Dialect } from '../dialect.js';

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  types: { text: 'VARCHAR', money: 'DECIMAL(18,2)', double: 'DOUBLE', bigint: 'BIGINT', int: 'INTEGER', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP', json: 'JSON' },
  param: (n) => `$${n}`,
  epochMsToTimestamp: (expr) => `epoch_ms(${expr})`,
  centsToMoney: (expr) => `CAST(CAST(${expr} AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2))`,
  createStage: (name, columns) => `CREATE TEMP TABLE ${name} (${columns})`,
  createStageAs: (name, select) => `CREATE TEMP TABLE ${name} AS ${select}`,
  // DuckDB keeps its statistics up to date as it writes.
  analyze: () => undefined,
  secondaryIndexes: false,
};
