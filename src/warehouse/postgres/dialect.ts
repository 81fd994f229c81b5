import type { Dialect } from '../dialect.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  types: { text: 'TEXT', money: 'NUMERIC(18,2)', double: 'DOUBLE PRECISION', bigint: 'BIGINT', int: 'INTEGER', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP', json: 'JSONB' },
  param: (n) => `$${n}`,
  epochMsToTimestamp: (expr) => `(to_timestamp(${expr} / 1000.0) AT TIME ZONE 'UTC')`,
  centsToMoney: (expr) => `CAST(${expr} * 0.01 AS NUMERIC(18,2))`,
  createStage: (name, columns) => `CREATE TEMP TABLE ${name} (${columns}) ON COMMIT DROP`,
  createStageAs: (name, select) => `CREATE TEMP TABLE ${name} ON COMMIT DROP AS ${select}`,
  // Autovacuum analyzes eventually; right after a bulk load the planner would guess one row per table.
  analyze: (tables) => `ANALYZE ${tables.join(', ')}`,
  secondaryIndexes: true,
};
