/**
 * BigQuery (GoogleSQL). Tables live in one dataset: statements run with it as the default dataset,
 * and view bodies, which are stored and resolved later, name their tables in full. Staging tables are
 * session temp tables (unqualified by rule). BigQuery refuses DDL inside transactions, and its
 * primary keys are informational (`NOT ENFORCED`), so the loader's delete-then-insert keeps it unique.
 */
import { ANSI, type Dialect, quoteIdent, reservedQuoting } from '../dialect.js';

/** GoogleSQL's reserved keywords (cloud.google.com/bigquery/docs/reference/standard-sql/lexical). */
const RESERVED = [
  'all', 'and', 'any', 'array', 'as', 'asc', 'assert_rows_modified', 'at', 'between', 'by', 'case', 'cast', 'collate', 'contains', 'create', 'cross', 'cube', 'current',
  'default', 'define', 'desc', 'distinct', 'else', 'end', 'enum', 'escape', 'except', 'exclude', 'exists', 'extract', 'false', 'fetch', 'following', 'for', 'from', 'full',
  'group', 'grouping', 'groups', 'hash', 'having', 'if', 'ignore', 'in', 'inner', 'intersect', 'interval', 'into', 'is', 'join', 'lateral', 'left', 'like', 'limit',
  'lookup', 'merge', 'natural', 'new', 'no', 'not', 'null', 'nulls', 'of', 'on', 'or', 'order', 'outer', 'over', 'partition', 'preceding', 'proto', 'qualify', 'range',
  'recursive', 'respect', 'right', 'rollup', 'rows', 'select', 'set', 'some', 'struct', 'tablesample', 'then', 'to', 'treat', 'true', 'unbounded', 'union', 'unnest',
  'using', 'when', 'where', 'window', 'with', 'within',
];

export interface BigqueryTarget {
  readonly project: string;
  readonly dataset: string;
}

/** The dialect for one dataset: stored views need the dataset's full name. */
export function bigqueryDialect(target: BigqueryTarget): Dialect {
  const table = (name: string): string => `\`${target.project}.${target.dataset}.${quoteIdent(name)}\``;
  return {
    ...ANSI,
    name: 'bigquery',
    // NUMERIC(38,6) is out of range (at most 29 digits before the point); plain NUMERIC has 9 after it.
    types: { text: 'STRING', money: 'NUMERIC(18,2)', double: 'FLOAT64', bigint: 'INT64', int: 'INT64', boolean: 'BOOL', date: 'DATE', timestamp: 'TIMESTAMP', json: 'STRING', ratio: 'NUMERIC' },
    param: (n) => `@p${n}`,
    ident: reservedQuoting(RESERVED, (name) => `\`${name}\``),
    table,
    epochMsToTimestamp: (expr) => `TIMESTAMP_MILLIS(${expr})`,
    // A bare 0.01 would be FLOAT64 here; dividing a NUMERIC by an integer stays exact.
    centsToMoney: (expr) => `CAST(CAST(${expr} AS NUMERIC) / 100 AS NUMERIC(18,2))`,
    // PERCENTILE_CONT is only an analytic function in BigQuery: take it over the group's values.
    median: (expr) => `(SELECT PERCENTILE_CONT(v, 0.5) OVER () FROM UNNEST(ARRAY_AGG(${expr} IGNORE NULLS)) AS v LIMIT 1)`,
    minusDays: (date, days) => `DATE_SUB(${date}, INTERVAL ${/^\d+$/.test(days) ? days : `(${days})`} DAY)`,
    createStage: (name, columns) => `CREATE TEMP TABLE ${name} (${columns})`,
    createStageAs: (name, select) => `CREATE TEMP TABLE ${name} AS ${select}`,
    // ALTER TABLE ... RENAME works on dataset tables only, not on session temp tables.
    replaceView: (name, select) => [`CREATE OR REPLACE VIEW ${table(name)} AS\n${select}`],
    primaryKey: (columns) => `PRIMARY KEY (${columns.join(', ')}) NOT ENFORCED`,
    materialized: '',
    secondaryIndexes: false,
    transactionalDdl: false,
    grants: {
      create_table: `GRANT \`roles/bigquery.dataEditor\` ON SCHEMA \`${target.project}.${target.dataset}\` TO "serviceAccount:<sa>@<project>.iam.gserviceaccount.com";`,
      create_view: `GRANT \`roles/bigquery.dataEditor\` ON SCHEMA \`${target.project}.${target.dataset}\` TO "serviceAccount:<sa>@<project>.iam.gserviceaccount.com";`,
      write: `GRANT \`roles/bigquery.dataEditor\` ON SCHEMA \`${target.project}.${target.dataset}\` TO "serviceAccount:<sa>@<project>.iam.gserviceaccount.com";`,
      stage: `gcloud projects add-iam-policy-binding ${target.project} --member=serviceAccount:<sa>@<project>.iam.gserviceaccount.com --role=roles/bigquery.jobUser (load and query jobs, sessions)`,
    },
  };
}
