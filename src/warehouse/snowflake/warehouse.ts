/**
 * The Warehouse port on Snowflake, over a small client port (adapter.ts wraps snowflake-sdk in it,
 * tests use a fake). Bulk loads stream into a gzipped NDJSON file, PUT it to a temporary internal
 * stage and COPY INTO the staging table: one round trip per table instead of one per row. Results
 * come back with lower-case column names and the port's value shapes. Transactions defer BEGIN to
 * the first write, because DDL (the staging tables) would commit an open one.
 */
import { DeferredTransaction } from '../deferred-transaction.js';
import { fileStager } from '../ndjson-file.js';
import { bindPlaceholders } from '../placeholders.js';
import { normaliseTimestamp } from '../results.js';
import type { Row, SqlValue, StageSpec, StageType, Stager, Warehouse } from '../types.js';
import { snowflakeDialect } from './dialect.js';
import { classifySnowflake } from './errors.js';

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

/** The temporary internal stage bulk loads go through; it disappears with the session. */
export const LOAD_STAGE = 'clari_dp_load';

const STAGE_TYPES: Record<StageType, string> = {
  text: 'VARCHAR',
  double: 'DOUBLE',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
};

/** Creates the load stage; DDL, so it goes through the transaction logic like any other. */
export const CREATE_LOAD_STAGE = `CREATE TEMPORARY STAGE IF NOT EXISTS ${LOAD_STAGE}`;

/** The statements that move a staged file into a staging table. */
export function copyStatements(spec: StageSpec, file: string): string[] {
  const target = `@${LOAD_STAGE}/${spec.name}/`;
  return [
    `PUT '${pathUrl(file)}' ${target} AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE`,
    // FORCE: the staging table is new for every load, but load metadata would skip a re-used file name.
    `COPY INTO ${spec.name} FROM ${target} FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE`,
  ];
}

/** `file://` URL for PUT; quotes are doubled because the path sits in a string literal. */
function pathUrl(path: string): string {
  return `file://${path.replace(/\\/g, '/').replace(/'/g, "''")}`;
}

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
    await this.exec(`DROP TABLE IF EXISTS ${spec.name}`);
    await this.exec(
      this.dialect.createStage(spec.name, spec.columns.map((c) => `${c.name} ${STAGE_TYPES[c.type]}`).join(', ')),
    );
    if (!this.stageReady) {
      await this.exec(CREATE_LOAD_STAGE);
      this.stageReady = true;
    }
    // PUT and COPY bypass the transaction logic: the staging table is temporary and new.
    return fileStager(
      spec,
      async (path) => {
        for (const sql of copyStatements(spec, path)) await this.run(sql);
      },
      () => this.exec(`DROP TABLE IF EXISTS ${spec.name}`),
    );
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
