/**
 * The Warehouse port on Snowflake, over a small client port (adapter.ts wraps snowflake-sdk in it,
 * tests use a fake). Bulk loads are stage.ts (PUT to a temporary internal stage, COPY INTO). Results
 * come back with lower-case column names and the port's value shapes. Transactions defer BEGIN to
 * the first write, because DDL (the staging tables) would commit an open one.
 */
import { DeferredTransaction } from '../deferred-transaction.js';
import { bindPlaceholders } from '../placeholders.js';
import { normaliseTimestamp } from '../results.js';
import type { Row, SqlValue, StageSpec, Stager, Warehouse } from '../types.js';
import { snowflakeDialect } from './dialect.js';
import { classifySnowflake } from './errors.js';
import { openSnowflakeStage } from './stage.js';

export type SnowflakeBind = string | number | boolean | null;

/** A result column as the driver describes it (`fixed`, `real`, `text`, `date`, `timestamp_ntz`, ...). */
export interface SnowflakeColumn {
  readonly name: string;
  readonly type: string;
}

export interface SnowflakeResult {
  readonly rows: readonly Row[];
  readonly columns: readonly SnowflakeColumn[];
}

/** What the warehouse needs from a Snowflake session: run one statement with `:n` binds, close. */
export interface SnowflakeClient {
  /** Runs `sql`; numbers and dates come back as strings (fetchAsString), booleans as booleans. */
  execute(sql: string, binds: readonly SnowflakeBind[]): Promise<SnowflakeResult>;
  close(): Promise<void>;
}

/** Session settings that make results and names predictable whatever the account's defaults are. */
export const SESSION_SETTINGS =
  "ALTER SESSION SET TIMEZONE = 'UTC', DATE_OUTPUT_FORMAT = 'YYYY-MM-DD', TIMESTAMP_NTZ_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF3', TIMESTAMP_TYPE_MAPPING = 'TIMESTAMP_NTZ', QUOTED_IDENTIFIERS_IGNORE_CASE = FALSE, AUTOCOMMIT = TRUE";

function bindValue(value: SqlValue): SnowflakeBind {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A driver row in the port's shapes: lower-case names, exact numbers as strings, floats as numbers, UTC timestamps. */
export function normaliseRow(row: Row, columns: readonly SnowflakeColumn[]): Row {
  const types = new Map(columns.map((c) => [c.name, c.type.toLowerCase()]));
  const out: Row = {};
  for (const [name, value] of Object.entries(row)) {
    const type = types.get(name) ?? '';
    let v = value;
    if (v !== null && v !== undefined) {
      if (type === 'real') v = Number(v);
      else if (type.startsWith('timestamp') && typeof v === 'string') v = normaliseTimestamp(v);
      // ARRAY columns may arrive as their JSON text.
      else if (type === 'array' && typeof v === 'string') v = JSON.parse(v) as unknown;
    }
    out[name.toLowerCase()] = v;
  }
  return out;
}

export class SnowflakeWarehouse implements Warehouse {
  readonly dialect = snowflakeDialect;
  private readonly tx: DeferredTransaction;
  private stageReady = false;

  constructor(
    private readonly client: SnowflakeClient,
    readonly description: string,
    private readonly secrets: readonly string[] = [],
  ) {
    this.tx = new DeferredTransaction({
      begin: () => this.run('BEGIN TRANSACTION').then(() => undefined),
      commit: () => this.run('COMMIT').then(() => undefined),
      rollback: () => this.run('ROLLBACK').then(() => undefined),
    });
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.query(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    await this.tx.before(sql);
    const result = await this.run(bindPlaceholders(sql, this.dialect), params.map(bindValue));
    return result.rows.map((row) => normaliseRow(row, result.columns) as T);
  }

  transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T> {
    return this.tx.run(() => work(this));
  }

  /** Times DDL ended an open transaction early (committing its writes so far). 0 for snapshot loads; see deferred-transaction.ts. */
  get transactionSplits(): number {
    return this.tx.splits;
  }

  async openStage(spec: StageSpec): Promise<Stager> {
    const stager = await openSnowflakeStage(
      {
        exec: (sql) => this.exec(sql),
        run: (sql) => this.run(sql).then(() => undefined),
        createStage: (name, columns) => this.dialect.createStage(name, columns),
        loadStageReady: this.stageReady,
      },
      spec,
    );
    this.stageReady = true;
    return stager;
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }

  private async run(sql: string, binds: readonly SnowflakeBind[] = []): Promise<SnowflakeResult> {
    try {
      return await this.client.execute(sql, binds);
    } catch (error) {
      throw classifySnowflake(error, this.description, this.secrets, sql);
    }
  }
}
