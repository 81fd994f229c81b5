import { ANSI, type Dialect } from '../dialect.js';

export const postgresDialect: Dialect = {
  ...ANSI,
  name: 'postgres',
  types: {
    text: 'TEXT',
    money: 'NUMERIC(18,2)',
    double: 'DOUBLE PRECISION',
    bigint: 'BIGINT',
    int: 'INTEGER',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    json: 'JSONB',
    ratio: 'DECIMAL(38,6)',
    text_array: 'TEXT[]',
  },
  emptyTextArray: 'CAST(ARRAY[] AS TEXT[])',
  arrayLength: (expr) => `cardinality(${expr})`,
  epochMsToTimestamp: (expr) => `(to_timestamp(${expr} / 1000.0) AT TIME ZONE 'UTC')`,
  centsToMoney: (expr) => `CAST(${expr} * 0.01 AS NUMERIC(18,2))`,
  createStage: (name, columns) => `CREATE TEMP TABLE ${name} (${columns}) ON COMMIT DROP`,
  createStageAs: (name, select) => `CREATE TEMP TABLE ${name} ON COMMIT DROP AS ${select}`,
  // Autovacuum analyzes eventually; right after a bulk load the planner would guess one row per table.
  analyze: (tables) => `ANALYZE ${tables.join(', ')}`,
  materialized: 'MATERIALIZED ',
  secondaryIndexes: true,
  transactionalDdl: true,
  grants: {
    create_table: 'GRANT USAGE, CREATE ON SCHEMA <schema> TO <clari_dp_user>;',
    create_view: 'GRANT USAGE, CREATE ON SCHEMA <schema> TO <clari_dp_user>;',
    write:
      'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA <schema> TO <clari_dp_user>; (or let that user own the tables by running `clari-dp migrate` as it)',
    stage: 'GRANT TEMPORARY ON DATABASE <database> TO <clari_dp_user>;',
  },
};
