/**
 * The pg client clari-dp opens: one dedicated connection (transactions need one), a connect
 * timeout, and DATE, TIMESTAMP, NUMERIC and BIGINT read as strings, matching the DuckDB adapter.
 */
import pg from 'pg';

/** INT8 (20), DATE (1082), TIMESTAMP (1114), TIMESTAMPTZ (1184), NUMERIC (1700): kept as the text PostgreSQL sends. */
const RAW_TYPES = new Set([20, 1082, 1114, 1184, 1700]);

export function clientConfig(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: 'clari-dp',
    connectionTimeoutMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        RAW_TYPES.has(oid)
          ? (v: string) => v
          : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
    },
  };
}
