/**
 * The Warehouse port on BigQuery, over a small client port (adapter.ts wraps @google-cloud/bigquery
 * in it, tests use a fake). Everything runs in one BigQuery session, so staging tables are session
 * temp tables and a transaction can span several queries. Bulk loads stream into a gzipped NDJSON
 * file, one load job puts it into a scratch table of the dataset (it expires in a day should the
 * process die), and one INSERT ... SELECT copies it into the temp table. Transactions defer BEGIN to
 * the first write, because BigQuery refuses DDL inside one.
 */
import { randomBytes } from 'node:crypto';
import { DeferredTransaction } from '../deferred-transaction.js';
import type { Dialect } from '../dialect.js';
import { rewritePlaceholders } from '../placeholders.js';
import { normaliseTimestamp } from '../results.js';
import type { Row, SqlValue, StageSpec, Stager, Warehouse } from '../types.js';
import { bigqueryDialect } from './dialect.js';
import { classifyBigquery } from './errors.js';
import { openBigqueryStage } from './stage.js';
import type { BigquerySettings } from './config.js';

/** A result column: name, GoogleSQL type (STRING, INT64, NUMERIC, TIMESTAMP, ...), scale when declared. */
export interface BigqueryField {
  readonly name: string;
  readonly type: string;
  readonly scale?: string | number | null | undefined;
}

export interface BigqueryResult {
  readonly rows: readonly Row[];
  readonly fields: readonly BigqueryField[];
}

export interface BigqueryQuery {
  readonly sql: string;
  /** Named parameters `p1..pn` (only those the statement uses; NULLs are written into the SQL). */
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly types: Readonly<Record<string, string>>;
  /** Run in the warehouse's session (temp tables, transactions) or on its own. */
  readonly session: boolean;
}

/** What the warehouse needs from BigQuery: queries (in its session or not), load jobs, close. */
export interface BigqueryClient {
  /** Runs a query with the dataset as default dataset; INT64 comes back as strings. */
  query(query: BigqueryQuery): Promise<BigqueryResult>;
  /** One load job of a newline-delimited JSON file (gzip) into `table` of the dataset, appending. */
  load(file: string, table: string, fields: readonly BigqueryField[]): Promise<void>;
  /** Ends the session and releases the client. */
  close(): Promise<void>;
}

/** A statement with `$n` turned into `@pn`, NULLs inlined (an untyped NULL parameter is an error). */
export function bindQuery(sql: string, values: readonly SqlValue[], session: boolean): BigqueryQuery {
  const params: Record<string, string | number | boolean> = {};
  const types: Record<string, string> = {};
  const text = rewritePlaceholders(sql, (n) => {
    const value = values[n - 1];
    if (value === undefined) throw new Error(`statement uses $${n} but ${values.length} value(s) were given`);
    if (value === null) return 'NULL';
    const name = `p${n}`;
    if (typeof value === 'bigint') {
      params[name] = value.toString();
      types[name] = 'INT64';
    } else {
      params[name] = value;
      types[name] =
        typeof value === 'string'
          ? 'STRING'
          : typeof value === 'boolean'
            ? 'BOOL'
            : Number.isInteger(value)
              ? 'INT64'
              : 'FLOAT64';
    }
    return `@${name}`;
  });
  return { sql: text, params, types, session };
}

/** A value of the client in the port's shapes: exact decimals as strings, dates and timestamps as text. */
function normaliseValue(value: unknown, field: BigqueryField | undefined): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  const type = field?.type.toUpperCase() ?? '';
  if (type === 'NUMERIC' || type === 'BIGNUMERIC' || type === 'BIGDECIMAL' || type === 'DECIMAL') {
    const big = value as { toFixed(dp?: number): string };
    const scale = field?.scale === undefined || field.scale === null ? undefined : Number(field.scale);
    return scale === undefined || Number.isNaN(scale) ? big.toFixed() : big.toFixed(scale);
  }
  const inner = (value as { value?: unknown }).value;
  if (typeof inner === 'string') return type === 'DATE' ? inner : normaliseTimestamp(inner);
  return value;
}

export function normaliseBigqueryRow(row: Row, fields: readonly BigqueryField[]): Row {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const out: Row = {};
  for (const [name, value] of Object.entries(row)) out[name.toLowerCase()] = normaliseValue(value, byName.get(name));
  return out;
}

export class BigqueryWarehouse implements Warehouse {
  readonly dialect: Dialect;
  private readonly tx: DeferredTransaction;
  /** Scratch tables of this session are named after it, so concurrent processes never share one. */
  private readonly token = randomBytes(6).toString('hex');

  constructor(
    private readonly client: BigqueryClient,
    private readonly settings: Pick<BigquerySettings, 'project' | 'dataset' | 'description'>,
  ) {
    this.dialect = bigqueryDialect(settings);
    this.tx = new DeferredTransaction({
      begin: () => this.run('BEGIN TRANSACTION').then(() => undefined),
      commit: () => this.run('COMMIT TRANSACTION').then(() => undefined),
      rollback: () => this.run('ROLLBACK TRANSACTION').then(() => undefined),
    });
  }

  get description(): string {
    return this.settings.description;
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.query(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    await this.tx.before(sql);
    const result = await this.run(sql, params);
    return result.rows.map((row) => normaliseBigqueryRow(row, result.fields) as T);
  }

  transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T> {
    return this.tx.run(() => work(this));
  }

  /** Times DDL ended an open transaction early (committing its writes so far). 0 for snapshot loads; see deferred-transaction.ts. */
  get transactionSplits(): number {
    return this.tx.splits;
  }

  openStage(spec: StageSpec): Promise<Stager> {
    return openBigqueryStage(
      {
        exec: (sql) => this.exec(sql),
        run: (sql) => this.run(sql, [], false).then(() => undefined),
        runInSession: (sql) => this.run(sql).then(() => undefined),
        load: (path, table, fields) =>
          this.client.load(path, table, fields).catch((error: unknown) => {
            throw classifyBigquery(error, this.description);
          }),
        createStage: (name, columns) => this.dialect.createStage(name, columns),
        table: (name) => this.dialect.table(name),
        token: this.token,
      },
      spec,
    );
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }

  private async run(sql: string, params: readonly SqlValue[] = [], session = true): Promise<BigqueryResult> {
    try {
      return await this.client.query(bindQuery(sql, params, session));
    } catch (error) {
      throw classifyBigquery(error, this.description, sql);
    }
  }
}
