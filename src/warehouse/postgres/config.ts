/**
 * The pg client clari-dp opens: one dedicated connection (transactions need one), a connect
 * timeout, statement timeouts (no wait is unbounded), and DATE, TIMESTAMP, NUMERIC and BIGINT read as strings, matching the DuckDB adapter.
 */
import pg from 'pg';

/** INT8 (20), DATE (1082), TIMESTAMP (1114), TIMESTAMPTZ (1184), NUMERIC (1700): kept as the text PostgreSQL sends. */
const RAW_TYPES = new Set([20, 1082, 1114, 1184, 1700]);

const DEFAULT_STATEMENT_TIMEOUT_MS = 1_800_000;

export function clientConfig(url: string, statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: 'clari-dp',
    connectionTimeoutMillis: 10_000,
    // No wait is unbounded: the server cancels a statement past the timeout, and the client gives up
    // soon after should the server never answer; a transaction left idle (a stalled client) ends.
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 30_000,
    idle_in_transaction_session_timeout: 600_000,
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        RAW_TYPES.has(oid)
          ? (v: string) => v
          : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
    },
  };
}
