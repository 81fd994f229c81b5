/**
 * PostgreSQL through `pg` on one dedicated connection (transactions need one). Staging uses COPY FROM
 * STDIN in text format (pg-copy-streams), the bulk path measured in stack.md 3.2. Dates, timestamps,
 * NUMERIC and BIGINT come back as strings, matching the DuckDB adapter.
 */
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { postgresDialect } from './dialect.js';
import { WarehouseError } from '../errors.js';
import { describeWarehouseUrl } from '../url.js';
import type { ColumnBatch, Row, SqlValue, StageSpec, StageType, Stager, Warehouse } from '../types.js';

const DEFAULT_STATEMENT_TIMEOUT_MS = 1_800_000;
const RAW_TYPES = new Set([20, 1082, 1114, 1184, 1700]);
const TYPES: Record<StageType, string> = {
  text: 'TEXT',
  double: 'DOUBLE PRECISION',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
};

export async function openPostgres(
  url: string,
  options: { readonly statementTimeoutMs?: number | undefined } = {},
): Promise<Warehouse> {
  const description = describeWarehouseUrl(url);
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const client = new pg.Client({
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
  });
  client.on('error', () => undefined); // a dropped connection surfaces on the next query
  try {
    await client.connect();
  } catch (error) {
    throw classify(error, description);
  }
  return new PostgresWarehouse(client, description);
}

class PostgresWarehouse implements Warehouse {
  readonly dialect = postgresDialect;
  private inTransaction = false;

  constructor(
    private readonly client: pg.Client,
    readonly description: string,
  ) {}

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.query(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    try {
      const result = await this.client.query(
        sql,
        params.map((p) => (typeof p === 'bigint' ? p.toString() : p)),
      );
      return result.rows as T[];
    } catch (error) {
      throw classify(error, this.description, sql);
    }
  }

  async transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    await this.exec('BEGIN');
    this.inTransaction = true;
    try {
      const result = await work(this);
      await this.exec('COMMIT');
      return result;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  async openStage(spec: StageSpec): Promise<Stager> {
    const columns = spec.columns.map((c) => `${c.name} ${TYPES[c.type]}`).join(', ');
    await this.exec(`DROP TABLE IF EXISTS ${spec.name}`);
    await this.exec(this.dialect.createStage(spec.name, columns));
    const stream = this.client.query(
      copyFrom(`COPY ${spec.name} (${spec.columns.map((c) => c.name).join(', ')}) FROM STDIN`),
    );
    let failure: unknown;
    stream.on('error', (error: unknown) => (failure = error));
    let rows = 0;
    return {
      append: async (batch: ColumnBatch) => {
        if (failure) throw classify(failure, this.description);
        const text = copyText(batch);
        rows += batch[0]?.length ?? 0;
        if (!stream.write(text))
          await new Promise<void>((resolve, reject) => {
            stream.once('drain', resolve);
            stream.once('error', reject);
          }).catch((error: unknown) => {
            throw classify(error, this.description);
          });
      },
      close: () =>
        new Promise<number>((resolve, reject) => {
          if (failure) {
            reject(classify(failure, this.description));
            return;
          }
          stream.once('error', (error: unknown) => reject(classify(error, this.description)));
          stream.once('finish', () => resolve(rows));
          stream.end();
        }),
      drop: () => this.exec(`DROP TABLE IF EXISTS ${spec.name}`),
    };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** COPY text format: tab-separated, \N for NULL, backslash escapes. */
function copyText(batch: ColumnBatch): string {
  const n = batch[0]?.length ?? 0;
  const lines: string[] = new Array<string>(n);
  for (let r = 0; r < n; r++) {
    let line = '';
    for (let c = 0; c < batch.length; c++) {
      const v = batch[c]![r];
      if (c > 0) line += '\t';
      if (v === null || v === undefined) line += '\\N';
      else if (typeof v === 'string')
        line += v.replace(/[\\\t\n\r]/g, (ch) =>
          ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r',
        );
      else if (typeof v === 'boolean') line += v ? 't' : 'f';
      else line += String(v);
    }
    lines[r] = line;
  }
  return n === 0 ? '' : `${lines.join('\n')}\n`;
}

function classify(error: unknown, where: string, sql?: string): WarehouseError {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  const code = e.code ?? '';
  if (
    [
      'ECONNREFUSED',
      'ENOTFOUND',
      'ETIMEDOUT',
      'ECONNRESET',
      'EPIPE',
      '57P01',
      '57P02',
      '57P03',
      '08000',
      '08001',
      '08003',
      '08006',
    ].includes(code) ||
    /Connection terminated|timeout expired|Query read timeout|connection.*closed|not queryable|terminating connection/i.test(
      message,
    )
  ) {
    return new WarehouseError(
      'warehouse.unreachable',
      `${where} is unreachable: ${message}`,
      'transient',
      'Check that PostgreSQL is running and the URL (host, port, database, user) is right; the run changed nothing and can be repeated.',
      error,
    );
  }
  if (code === '28P01' || code === '28000' || code === '3D000') {
    return new WarehouseError(
      'warehouse.config',
      `${where}: ${message}`,
      'config',
      'Check the user, password (PGPASSWORD or the URL in CLARI_DP_WAREHOUSE) and database name.',
      error,
    );
  }
  if (code === '53100')
    return new WarehouseError(
      'warehouse.disk_full',
      `${where}: the disk is full`,
      'transient',
      'Free disk space on the database server; nothing was committed.',
      error,
    );
  const statement = sql ? ` in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}` : '';
  return new WarehouseError('warehouse.query', `${where}: ${message}${statement}`, 'internal', undefined, error);
}
