/**
 * Snowflake SQL. Unquoted names fold to upper case, so clari-dp's lower-case names stay unquoted and
 * the adapter lower-cases result columns; only reserved words (`rows`, `trigger`) are quoted, and
 * then always, as lower case. DDL commits any open transaction, hence `transactionalDdl: false`.
 */
import { ANSI, type Dialect, reservedQuoting } from '../dialect.js';

/** Snowflake's reserved keywords (docs.snowflake.com, sql-reference/reserved-keywords). */
const RESERVED = [
  'account', 'all', 'alter', 'and', 'any', 'as', 'between', 'by', 'case', 'cast', 'check', 'column', 'connect', 'connection', 'constraint', 'create', 'cross', 'current',
  'current_date', 'current_time', 'current_timestamp', 'current_user', 'database', 'delete', 'distinct', 'drop', 'else', 'exists', 'false', 'following', 'for', 'from',
  'full', 'grant', 'group', 'gscluster', 'having', 'ilike', 'in', 'increment', 'inner', 'insert', 'intersect', 'into', 'is', 'issue', 'join', 'lateral', 'left', 'like',
  'localtime', 'localtimestamp', 'minus', 'natural', 'not', 'null', 'of', 'on', 'or', 'order', 'organization', 'qualify', 'regexp', 'revoke', 'right', 'rlike', 'row',
  'rows', 'sample', 'schema', 'select', 'set', 'some', 'start', 'table', 'tablesample', 'then', 'to', 'trigger', 'true', 'try_cast', 'union', 'unique', 'update', 'using',
  'values', 'view', 'when', 'whenever', 'where', 'with',
];

export const snowflakeDialect: Dialect = {
  ...ANSI,
  name: 'snowflake',
  // JSON is kept as text (PARSE_JSON reads it): a bound string cannot go into a VARIANT column in INSERT ... VALUES.
  types: { text: 'VARCHAR', money: 'DECIMAL(18,2)', double: 'DOUBLE', bigint: 'BIGINT', int: 'INTEGER', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP_NTZ', json: 'VARCHAR', ratio: 'DECIMAL(38,6)' },
  // `$1` means "first column of a staged file" in Snowflake; `:1` is its numeric bind.
  param: (n) => `:${n}`,
  ident: reservedQuoting(RESERVED, (name) => `"${name}"`),
  epochMsToTimestamp: (expr) => `TO_TIMESTAMP_NTZ(${expr}, 3)`,
  centsToMoney: (expr) => `CAST(CAST(${expr} AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2))`,
  createStage: (name, columns) => `CREATE TEMPORARY TABLE ${name} (${columns})`,
  createStageAs: (name, select) => `CREATE TEMPORARY TABLE ${name} AS ${select}`,
  // One atomic statement: DDL is not transactional here, so DROP + CREATE would leave a gap.
  replaceView: (name, select) => [`CREATE OR REPLACE VIEW ${name} AS\n${select}`],
  materialized: '',
  secondaryIndexes: false,
  transactionalDdl: false,
  grants: {
    create_table: 'GRANT USAGE ON DATABASE <db> TO ROLE <clari_dp_role>; GRANT USAGE, CREATE TABLE ON SCHEMA <db>.<schema> TO ROLE <clari_dp_role>;',
    create_view: 'GRANT CREATE VIEW ON SCHEMA <db>.<schema> TO ROLE <clari_dp_role>;',
    write: 'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA <db>.<schema> TO ROLE <clari_dp_role>; (or let the role own the tables by running `clari-dp migrate` with it)',
    stage: 'GRANT CREATE STAGE ON SCHEMA <db>.<schema> TO ROLE <clari_dp_role>; (bulk loads PUT a file to a temporary stage, then COPY INTO)',
  },
};
