/**
 * DuckDB staging through the Appender with column-major data chunks (stack.md 3.1). Numbers cost
 * little on the way in; strings cost one native call each, so text columns marked `repeats` are
 * dictionary-encoded here: the appender takes integer codes, each distinct string goes in once,
 * and `close` puts a view under the stage's name that joins the strings back, so SQL reads the
 * same columns without the stage ever being held decoded (a 1,000,000-entry payload would take
 * ~160 MB more and a full copy). The appender writes inside the open transaction: a rollback
 * discards it, and `drop` frees the memory of a stage that was applied.
 */
import { BIGINT, BOOLEAN, type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk, type DuckDBType, type DuckDBValue, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { ColumnBatch, SqlValue, StageSpec, StageType, Stager } from '../types.js';

const CHUNK_ROWS = 2048;
const TYPES: Record<StageType, DuckDBType> = { text: VARCHAR, double: DOUBLE, bigint: BIGINT, boolean: BOOLEAN };

export interface StageDeps {
  readonly connection: DuckDBConnection;
  exec(sql: string): Promise<void>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  createStage(name: string, columns: string): string;
  classify(error: unknown): Error;
}

class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  encode(column: readonly (SqlValue | undefined)[]): (number | null)[] {
    const out = new Array<number | null>(column.length);
    for (let i = 0; i < column.length; i++) {
      const v = column[i];
      if (v === null || v === undefined) {
        out[i] = null;
        continue;
      }
      const text = String(v);
      let code = this.codes.get(text);
      if (code === undefined) {
        code = this.values.length;
        this.codes.set(text, code);
        this.values.push(text);
      }
      out[i] = code;
    }
    return out;
  }
}

export async function openDuckdbStage(deps: StageDeps, spec: StageSpec): Promise<Stager> {
  const dictionaries = spec.columns.map((c) => (c.type === 'text' && c.repeats === true ? new Dictionary() : undefined));
  const encoded = dictionaries.some((d) => d !== undefined);
  const codesName = encoded ? `${spec.name}__codes` : spec.name;
  const dictName = (i: number): string => `${spec.name}__d${i}`;
  const drop = (): Promise<void> => dropStage(deps, spec.name);
  await drop();
  const types = spec.columns.map((c, i) => (dictionaries[i] ? INTEGER : TYPES[c.type]));
  await deps.exec(deps.createStage(codesName, spec.columns.map((c, i) => `${c.name} ${types[i]!.toString()}`).join(', ')));
  const appender = await deps.connection.createAppender(codesName, 'main', 'temp');
  let rows = 0;

  const decodingView = async (): Promise<void> => {
    const joins: string[] = [];
    const select = spec.columns.map((c, i) => {
      if (!dictionaries[i]) return `r.${c.name}`;
      joins.push(`LEFT JOIN ${dictName(i)} d${i} ON d${i}.code = r.${c.name}`);
      return `d${i}.value AS ${c.name}`;
    });
    for (const [i, dictionary] of dictionaries.entries()) {
      if (!dictionary) continue;
      await deps.exec(deps.createStage(dictName(i), 'code INTEGER, value VARCHAR'));
      const dict = await deps.connection.createAppender(dictName(i), 'main', 'temp');
      appendChunks(dict, [INTEGER, VARCHAR], [dictionary.values.map((_, code) => code), dictionary.values]);
      dict.closeSync();
    }
    await deps.exec(`CREATE TEMP VIEW ${spec.name} AS SELECT ${select.join(', ')} FROM ${codesName} r ${joins.join(' ')}`);
  };

  return {
    append: (batch: ColumnBatch) => {
      try {
        appendChunks(appender, types, batch.map((column, i) => dictionaries[i]?.encode(column) ?? toDuck(column, spec.columns[i]!.type === 'bigint')));
      } catch (error) {
        return Promise.reject(deps.classify(error));
      }
      rows += batch[0]?.length ?? 0;
      return Promise.resolve();
    },
    close: async () => {
      try {
        appender.flushSync();
        appender.closeSync();
      } catch (error) {
        throw deps.classify(error);
      }
      if (encoded) await decodingView();
      return rows;
    },
    drop,
  };
}

/** Drops the stage `name` and what it is built from, whatever is left of it (view or tables). */
async function dropStage(deps: StageDeps, name: string): Promise<void> {
  const left = await deps.query(
    `SELECT name, kind FROM (SELECT view_name AS name, 'VIEW' AS kind FROM duckdb_views() WHERE temporary UNION ALL SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE temporary) o
     WHERE name = '${name}' OR starts_with(name, '${name}__') ORDER BY kind DESC`,
  );
  for (const { name: object, kind } of left) await deps.exec(`DROP ${String(kind)} ${String(object)}`);
}

function appendChunks(target: DuckDBAppender, chunkTypes: readonly DuckDBType[], columns: readonly (readonly DuckDBValue[])[]): void {
  const n = columns[0]?.length ?? 0;
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const end = Math.min(n, start + CHUNK_ROWS);
    const chunk = DuckDBDataChunk.create(chunkTypes, end - start);
    chunk.setColumns(columns.map((column) => column.slice(start, end)));
    target.appendDataChunk(chunk);
  }
}

function toDuck(values: readonly (SqlValue | undefined)[], bigint: boolean): DuckDBValue[] {
  if (!bigint) return values.map((v) => (v === undefined ? null : v));
  return values.map((v) => (v === undefined || v === null ? null : typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))));
}
