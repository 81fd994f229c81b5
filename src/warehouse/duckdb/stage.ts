/**
 * DuckDB staging through the Appender with column-major data chunks (stack.md 3.1). Numbers cost
 * little on the way in; strings cost one native call each, so text columns marked `repeats` are
 * dictionary-encoded here: the appender takes integer codes, each distinct string goes in once,
 * and `close` puts a view under the stage's name that joins the strings back, so SQL reads the
 * same columns without the stage ever being held decoded (a 1,000,000-entry payload would take
 * ~160 MB more and a full copy). Numeric columns are written into the chunk's vectors as typed
 * arrays (writeNumbers), not value by value. The appender writes inside the open transaction: a
 * rollback discards it, and `drop` frees the memory of a stage that was applied.
 */
import bindings from '@duckdb/node-bindings';
import {
  BIGINT,
  BOOLEAN,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  DOUBLE,
  INTEGER,
  VARCHAR,
} from '@duckdb/node-api';
import type { ColumnBatch, StageSpec, StageType, Stager } from '../types.js';

type Column = ColumnBatch[number];

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

  encode(column: Column): (number | null)[] {
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
  const dictionaries = spec.columns.map((c) =>
    c.type === 'text' && c.repeats === true ? new Dictionary() : undefined,
  );
  const encoded = dictionaries.some((d) => d !== undefined);
  const codesName = encoded ? `${spec.name}__codes` : spec.name;
  const dictName = (i: number): string => `${spec.name}__d${i}`;
  const drop = (): Promise<void> => dropStage(deps, spec.name);
  await drop();
  const types = spec.columns.map((c, i) => (dictionaries[i] ? INTEGER : TYPES[c.type]));
  await deps.exec(
    deps.createStage(codesName, spec.columns.map((c, i) => `${c.name} ${types[i]!.toString()}`).join(', ')),
  );
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
    await deps.exec(
      `CREATE TEMP VIEW ${spec.name} AS SELECT ${select.join(', ')} FROM ${codesName} r ${joins.join(' ')}`,
    );
  };

  return {
    codes: encoded ? codesName : undefined,
    append: (batch: ColumnBatch) => {
      try {
        appendChunks(
          appender,
          types,
          batch.map((column, i) => dictionaries[i]?.encode(column) ?? column),
        );
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

function appendChunks(target: DuckDBAppender, chunkTypes: readonly DuckDBType[], columns: ColumnBatch): void {
  const n = columns[0]?.length ?? 0;
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const end = Math.min(n, start + CHUNK_ROWS);
    const chunk = DuckDBDataChunk.create(chunkTypes, end - start);
    columns.forEach((column, i) => {
      const kind = NUMERIC[chunkTypes[i]!.typeId];
      if (kind) writeNumbers(bindings.data_chunk_get_vector(chunk.chunk, i), kind, column, start, end);
      else
        chunk.setColumnValues(
          i,
          Array.from(column.slice(start, end), (v) => (v === undefined ? null : (v as DuckDBValue))),
        );
    });
    target.appendDataChunk(chunk);
  }
}

type Numeric = 'int32' | 'int64' | 'float64' | 'bool';
const NUMERIC: Partial<Record<DuckDBTypeId, Numeric>> = {
  [DuckDBTypeId.INTEGER]: 'int32',
  [DuckDBTypeId.BIGINT]: 'int64',
  [DuckDBTypeId.DOUBLE]: 'float64',
  [DuckDBTypeId.BOOLEAN]: 'bool',
};
const TWO_32 = 2 ** 32;
// Vectors hold native little-endian values; DuckDB's Node bindings exist only for little-endian platforms.

/**
 * Writes rows start..end of a numeric column straight into a vector: one typed array for the
 * values and, when some are null, one validity bitmap, each copied in with a single native call.
 * (The per-value path costs a BigInt per BIGINT value and BigInt arithmetic per validity bit.)
 * BIGINT values that are numbers are written as two 32-bit halves, exact for safe integers.
 */
function writeNumbers(vector: bindings.Vector, kind: Numeric, column: Column, start: number, end: number): void {
  const n = end - start;
  if (column instanceof BigInt64Array) {
    // Already the vector's native layout.
    const bytes = column.subarray(start, end);
    bindings.copy_data_to_vector(vector, 0, bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
    return;
  }
  const width = kind === 'bool' ? 1 : kind === 'int32' ? 4 : 8;
  const data = new ArrayBuffer(n * width);
  const words = new Uint32Array(Math.ceil(n / 64) * 2).fill(0xffffffff);
  let nulls = false;
  const halves = kind === 'int64' ? new Int32Array(data) : undefined;
  const int64 = kind === 'int64' ? new BigInt64Array(data) : undefined;
  const int32 = kind === 'int32' ? new Int32Array(data) : undefined;
  const float64 = kind === 'float64' ? new Float64Array(data) : undefined;
  const bool = kind === 'bool' ? new Uint8Array(data) : undefined;
  for (let r = 0; r < n; r++) {
    const v = column[start + r];
    if (v === null || v === undefined) {
      nulls = true;
      words[r >>> 5]! &= ~(1 << (r & 31));
      continue;
    }
    if (halves) {
      if (typeof v === 'bigint') int64![r] = BigInt.asIntN(64, v);
      else {
        const x = Math.trunc(Number(v));
        const high = Math.floor(x / TWO_32);
        halves[2 * r] = x - high * TWO_32;
        halves[2 * r + 1] = high;
      }
    } else if (int32) int32[r] = Number(v);
    else if (float64) float64[r] = Number(v);
    else bool![r] = v === true ? 1 : 0;
  }
  bindings.copy_data_to_vector(vector, 0, data, 0, data.byteLength);
  if (nulls) {
    bindings.vector_ensure_validity_writable(vector);
    bindings.copy_data_to_vector_validity(vector, 0, words.buffer, 0, words.byteLength);
  }
}

/**
 * A query's single BIGINT column (no NULLs) as one typed array, copied vector by vector from the
 * result's chunks: a million fingerprints without a million BigInts.
 */
export async function readInt64Column(
  connection: DuckDBConnection,
  sql: string,
  params: DuckDBValue[],
): Promise<BigInt64Array> {
  const result = await connection.run(sql, params);
  const parts: BigInt64Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    const raw = bindings.vector_get_data(bindings.data_chunk_get_vector(chunk.chunk, 0), n * 8);
    const part = new BigInt64Array(n);
    new Uint8Array(part.buffer).set(raw.subarray(0, n * 8));
    parts.push(part);
    total += n;
  }
  const out = new BigInt64Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
