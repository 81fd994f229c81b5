/**
 * Snowflake and BigQuery cannot run here, so their real adapter classes (SnowflakeWarehouse,
 * BigqueryWarehouse: binding, deferred transactions, NDJSON staging, result normalisation) run on
 * DuckDB through their client ports. Every statement the adapter sends is recorded exactly as the
 * engine would receive it, then executed on a DuckDB file:
 *
 * - Snowflake SQL runs verbatim (DuckDB agrees with it on nearly everything), with `:n` binds as
 *   `$n`. Two spellings disagree and are replaced textually: the type TIMESTAMP_NTZ (TIMESTAMP) and
 *   TO_TIMESTAMP_NTZ(ms, 3) (epoch_ms(ms)); and so do Snowflake's arrays: the type ARRAY
 *   (VARCHAR[]), ARRAY_AGG(x) WITHIN GROUP (ORDER BY y) (ARRAY_AGG(x ORDER BY y)), ARRAY_CONSTRUCT()
 *   ([]) and ARRAY_SIZE (len); those statements are listed in `adapted`. The
 *   driver-level statements (ALTER SESSION, CREATE TEMPORARY STAGE, PUT, COPY INTO from the stage)
 *   are emulated: PUT remembers the file, COPY reads it with read_json.
 * - BigQuery SQL is translated by @polyglot-sql/sdk (bigquery -> duckdb) and then executed, so it
 *   is checked by a parser and run for real; parameters go in as literals, dataset qualification is
 *   dropped (one DuckDB schema), load jobs read the NDJSON file with read_json.
 *
 * Results come back shaped like each driver's (Snowflake: upper-case names, numbers and dates as
 * text; BigQuery: INT64 as strings, NUMERIC as a Big-like object, DATE and TIMESTAMP as `{value}`),
 * so the adapters' normalisation is exercised too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { Dialect as PolyDialect, transpile } from '@polyglot-sql/sdk';
import { BigqueryWarehouse, type BigqueryClient, type BigqueryField } from '../../src/warehouse/bigquery/warehouse.js';
import {
  type SnowflakeClient,
  type SnowflakeColumn,
  SnowflakeWarehouse,
} from '../../src/warehouse/snowflake/warehouse.js';
import type { Row, Warehouse } from '../../src/warehouse/index.js';
import { currentSource, type Recorded, RecordingWarehouse } from './recording.js';

export const GOLDEN_BIGQUERY = {
  project: 'my-project',
  dataset: 'clari',
  description: 'bigquery://my-project/clari (emulated on DuckDB)',
} as const;

export interface Emulated<W extends Warehouse> {
  /** The adapter, wrapped so each statement is credited to the function that called the port. */
  readonly warehouse: Warehouse;
  /** The adapter itself. */
  readonly adapter: W;
  /** Every statement the adapter sent, as the engine would receive it. */
  readonly log: Recorded[];
  /** Statements that needed a documented translation before DuckDB could run them. */
  readonly adapted: string[];
  dispose(): Promise<void>;
}

interface DuckResult {
  readonly rows: Row[];
  readonly types: Map<string, string>;
}

class DuckEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly dir: string,
  ) {}

  static async open(): Promise<DuckEngine> {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-emulated-'));
    const instance = await DuckDBInstance.create(join(dir, 'engine.duckdb'));
    return new DuckEngine(instance, await instance.connect(), dir);
  }

  async run(sql: string, params: readonly DuckDBValue[] = []): Promise<DuckResult> {
    const reader = await this.connection.runAndReadAll(sql, [...params]);
    const names = reader.columnNames();
    const types = new Map(names.map((name, i) => [name, reader.columnTypes()[i]!.toString()]));
    return { rows: reader.getRowObjectsJson(), types };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Rewrites `:n` binds outside string literals and quoted names. */
function colonBindsToDollar(sql: string): string {
  return sql.replace(
    /('(?:[^'\\]|\\.|'')*'|"(?:[^"]|"")*")|(?<![:\w]):(\d+)\b/g,
    (match, quoted: string | undefined, n: string | undefined) => (quoted ? quoted : `$${n}`),
  );
}

/** A scalar DuckDB result value as the text a driver would send. */
function asText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

const FIXED = /^(DECIMAL|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)/;

function snowflakeType(duck: string): string {
  if (FIXED.test(duck)) return 'fixed';
  if (/^(DOUBLE|FLOAT)/.test(duck)) return 'real';
  if (duck === 'DATE') return 'date';
  if (duck.startsWith('TIMESTAMP')) return 'timestamp_ntz';
  if (duck === 'BOOLEAN') return 'boolean';
  return 'text';
}

/** `2026-04-10 14:00:04.5` as Snowflake prints it with TIMESTAMP_NTZ_OUTPUT_FORMAT ...FF3. */
function ff3(text: string): string {
  const [base, fraction = ''] = text.split('.');
  return `${base}.${fraction.padEnd(3, '0').slice(0, 3)}`;
}

/** Snowflake's array spellings: the column type, the ordered aggregate, the empty array, the length. */
const SNOWFLAKE_ARRAYS = /ARRAY_AGG\(|ARRAY_CONSTRUCT\(|ARRAY_SIZE\(|\w ARRAY(,|\n|$)/;

function snowflakeArraysToDuck(sql: string): string {
  return sql
    .replace(/ARRAY_AGG\(([^()]+)\) WITHIN GROUP \(ORDER BY ([^()]+)\)/g, 'ARRAY_AGG($1 ORDER BY $2)')
    .replace(/ARRAY_CONSTRUCT\(\)/g, '[]')
    .replace(/ARRAY_SIZE\(/g, 'len(')
    .replace(/(\w) ARRAY(,|\n|$)/g, '$1 VARCHAR[]$2');
}

export async function emulatedSnowflake(): Promise<Emulated<SnowflakeWarehouse>> {
  const engine = await DuckEngine.open();
  const log: Recorded[] = [];
  const adapted: string[] = [];
  const staged = new Map<string, string>();
  const client: SnowflakeClient = {
    execute: async (sql, binds) => {
      log.push({ sql, source: currentSource() });
      if (/^(ALTER SESSION|CREATE TEMPORARY STAGE)\b/.test(sql)) return { rows: [], columns: [] };
      const put = /^PUT 'file:\/\/(.+?)' (@\S+)/.exec(sql);
      if (put) {
        staged.set(put[2]!, put[1]!.replace(/''/g, "'"));
        return { rows: [], columns: [] };
      }
      const copy = /^COPY INTO (\w+) FROM (@\S+)/.exec(sql);
      if (copy) {
        await engine.run(
          `INSERT INTO ${copy[1]} BY NAME SELECT * FROM read_json_auto('${staged.get(copy[2]!)!.replace(/'/g, "''")}', format = 'newline_delimited')`,
        );
        return { rows: [], columns: [] };
      }
      let text = sql;
      if (/TIMESTAMP_NTZ/.test(text)) {
        adapted.push(sql);
        text = text
          .replace(/TO_TIMESTAMP_NTZ\(([^()]+), 3\)/g, 'epoch_ms($1)')
          .replace(/\bTIMESTAMP_NTZ\b/g, 'TIMESTAMP');
      }
      if (SNOWFLAKE_ARRAYS.test(text)) {
        if (!adapted.includes(sql)) adapted.push(sql);
        text = snowflakeArraysToDuck(text);
      }
      const result = await engine.run(colonBindsToDollar(text), binds);
      const columns: SnowflakeColumn[] = [...result.types].map(([name, type]) => ({
        name: name.toUpperCase(),
        type: snowflakeType(type),
      }));
      const rows = result.rows.map((row) => {
        const out: Row = {};
        for (const [name, value] of Object.entries(row)) {
          const type = snowflakeType(result.types.get(name) ?? '');
          // fetchAsString: ['Number', 'Date'], as adapter.ts asks the driver.
          out[name.toUpperCase()] =
            value === null
              ? null
              : type === 'fixed' || type === 'real' || type === 'date'
                ? asText(value)
                : type === 'timestamp_ntz'
                  ? ff3(asText(value))
                  : value;
        }
        return out;
      });
      return { rows, columns };
    },
    close: () => Promise.resolve(),
  };
  const adapter = new SnowflakeWarehouse(client, 'snowflake://golden@emulated/CLARI/PUBLIC (emulated on DuckDB)', [
    'not-a-real-password',
  ]);
  return {
    warehouse: new RecordingWarehouse(adapter),
    adapter,
    log,
    adapted,
    dispose: () => Promise.resolve(engine.close()),
  };
}

/** The parts of big.js the adapter uses. */
class BigLike {
  constructor(private readonly text: string) {}
  toFixed(dp?: number): string {
    const negative = this.text.startsWith('-');
    const [whole = '0', fraction = ''] = this.text.replace(/^-/, '').split('.');
    // big.js without dp prints the shortest exact text, as BigQuery sends NUMERIC.
    const digits = dp === undefined ? fraction.replace(/0+$/, '') : fraction.padEnd(dp, '0').slice(0, dp);
    return `${negative ? '-' : ''}${whole}${digits ? `.${digits}` : ''}`;
  }
}

function bigqueryField(name: string, duck: string): BigqueryField {
  if (duck.startsWith('DECIMAL')) return { name, type: 'NUMERIC' };
  if (FIXED.test(duck)) return { name, type: 'INTEGER' };
  if (/^(DOUBLE|FLOAT)/.test(duck)) return { name, type: 'FLOAT' };
  if (duck === 'DATE') return { name, type: 'DATE' };
  if (duck.startsWith('TIMESTAMP')) return { name, type: 'TIMESTAMP' };
  if (duck === 'BOOLEAN') return { name, type: 'BOOLEAN' };
  return { name, type: 'STRING' };
}

function duckLiteral(value: string | number | boolean): string {
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return String(value);
}

/** BigQuery SQL as DuckDB runs it: polyglot's translation, parameters as literals, one schema. */
function bigqueryToDuck(
  sql: string,
  params: Readonly<Record<string, string | number | boolean>>,
  adapted: string[],
): string {
  if (/^BEGIN TRANSACTION$/.test(sql)) return 'BEGIN TRANSACTION';
  if (/^(COMMIT|ROLLBACK) TRANSACTION$/.test(sql)) return sql.split(' ')[0]!;
  const result = transpile(sql.replace(/@(p\d+)\b/g, '__$1__'), PolyDialect.BigQuery, PolyDialect.DuckDB);
  if (!result.success || !result.sql)
    throw new Error(`polyglot could not translate BigQuery SQL: ${result.error ?? 'no output'}\n${sql}`);
  adapted.push(sql);
  const { project, dataset } = GOLDEN_BIGQUERY;
  return (
    result.sql
      .join(';\n')
      .replaceAll(`"${project}"."${dataset}".`, '')
      .replace(new RegExp(`"${project}\\.${dataset}\\.([a-z0-9_]+)"`, 'g'), '$1')
      .replace(/__(p\d+)__/g, (_, name: string) => duckLiteral(params[name]!))
      // DuckDB enforces its keys and has no informational ones.
      .replaceAll(' NOT ENFORCED', '')
  );
}

export async function emulatedBigquery(): Promise<Emulated<BigqueryWarehouse>> {
  const engine = await DuckEngine.open();
  const log: Recorded[] = [];
  const adapted: string[] = [];
  const client: BigqueryClient = {
    query: async (q) => {
      log.push({ sql: q.sql, source: currentSource() });
      const result = await engine.run(bigqueryToDuck(q.sql, q.params, adapted));
      const fields = [...result.types].map(([name, type]) => bigqueryField(name, type));
      const byName = new Map(fields.map((f) => [f.name, f.type]));
      const rows = result.rows.map((row) => {
        const out: Row = {};
        for (const [name, value] of Object.entries(row)) {
          const type = byName.get(name);
          out[name] =
            value === null
              ? null
              : type === 'NUMERIC'
                ? new BigLike(asText(value))
                : type === 'INTEGER'
                  ? asText(value)
                  : type === 'DATE'
                    ? { value: asText(value) }
                    : type === 'TIMESTAMP'
                      ? { value: `${asText(value).replace(' ', 'T')}Z` }
                      : value;
        }
        return out;
      });
      return { rows, fields };
    },
    load: async (file, table) => {
      log.push({ sql: `-- load job: ${table} <- NEWLINE_DELIMITED_JSON (gzip)`, source: currentSource() });
      await engine.run(
        `INSERT INTO ${table} BY NAME SELECT * FROM read_json_auto('${file.replace(/'/g, "''")}', format = 'newline_delimited')`,
      );
    },
    close: () => Promise.resolve(),
  };
  const adapter = new BigqueryWarehouse(client, GOLDEN_BIGQUERY);
  return {
    warehouse: new RecordingWarehouse(adapter),
    adapter,
    log,
    adapted,
    dispose: () => Promise.resolve(engine.close()),
  };
}
