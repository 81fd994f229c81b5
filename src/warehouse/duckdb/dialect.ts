import { ANSI, type Dialect } from '../dialect.js';

export const duckdbDialect: Dialect = {
  ...ANSI,
  name: 'duckdb',
  types: {
    text: 'VARCHAR',
    money: 'DECIMAL(18,2)',
    double: 'DOUBLE',
    bigint: 'BIGINT',
    int: 'INTEGER',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    json: 'JSON',
    ratio: 'DECIMAL(38,6)',
    text_array: 'VARCHAR[]',
  },
  emptyTextArray: 'CAST([] AS VARCHAR[])',
  arrayLength: (expr) => `len(${expr})`,
  epochMsToTimestamp: (expr) => `epoch_ms(${expr})`,
  centsToMoney: (expr) => `CAST(CAST(${expr} AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2))`,
  createStage: (name, columns) => `CREATE TEMP TABLE ${name} (${columns})`,
  createStageAs: (name, select) => `CREATE TEMP TABLE ${name} AS ${select}`,
  // DuckDB keeps its statistics up to date as it writes.
  materialized: 'MATERIALIZED ',
  secondaryIndexes: false,
  transactionalDdl: true,
  // An embedded file: whoever can write the file can do everything.
  grants: {
    create_table: 'Make the DuckDB file and its folder writable by the user running clari-dp.',
    create_view: 'Make the DuckDB file and its folder writable by the user running clari-dp.',
    write: 'Make the DuckDB file writable by the user running clari-dp (and not opened read-only).',
    stage: 'Make the DuckDB file writable by the user running clari-dp.',
  },
};
