/**
 * The bulk path of the cloud warehouses starts here: column batches are streamed into a gzipped
 * newline-delimited JSON file in a private temporary folder, which Snowflake then PUTs to a stage and
 * COPYs, and BigQuery loads with one load job. Nothing is held in memory beyond one batch, and the
 * file is deleted when the load is done (or failed).
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import type { ColumnBatch, SqlValue, StageSpec, StageType, Stager } from './types.js';

export interface StagedFile {
  readonly path: string;
  readonly rows: number;
}

/** One JSON value for a staged cell; integers are written as digits, so BIGINT never loses precision. */
export function jsonCell(value: SqlValue | undefined, type: StageType): string {
  if (value === null || value === undefined) return 'null';
  switch (type) {
    case 'text':
      return JSON.stringify(String(value));
    case 'boolean':
      return value === true || value === 'true' || value === 't' ? 'true' : 'false';
    case 'bigint': {
      const digits = typeof value === 'bigint' ? value.toString() : String(Math.trunc(Number(value)));
      return /^-?\d+$/.test(digits) ? digits : 'null';
    }
    case 'double': {
      const n = Number(value);
      return Number.isFinite(n) ? String(n) : 'null';
    }
  }
}

/** The lines of one batch: `{"col":value,...}\n` per row. */
export function ndjsonLines(spec: StageSpec, batch: ColumnBatch): string {
  const n = batch[0]?.length ?? 0;
  const keys = spec.columns.map((c) => JSON.stringify(c.name));
  let out = '';
  for (let r = 0; r < n; r++) {
    let line = '{';
    for (let c = 0; c < spec.columns.length; c++) {
      if (c > 0) line += ',';
      line += `${keys[c]}:${jsonCell(batch[c]?.[r], spec.columns[c]!.type)}`;
    }
    out += `${line}}\n`;
  }
  return out;
}

export class NdjsonStageFile {
  readonly path: string;
  private readonly dir: string;
  private readonly gzip: Gzip;
  private readonly out: WriteStream;
  private failure: unknown;
  private rows = 0;

  constructor(private readonly spec: StageSpec) {
    this.dir = mkdtempSync(join(tmpdir(), 'clari-dp-stage-'));
    this.path = join(this.dir, `${spec.name}.json.gz`);
    this.gzip = createGzip({ level: 1 });
    this.out = createWriteStream(this.path);
    this.gzip.pipe(this.out);
    for (const stream of [this.gzip, this.out]) stream.on('error', (error: unknown) => (this.failure ??= error));
  }

  /** Appends a batch; resolves when the compressor can take more. */
  async append(batch: ColumnBatch): Promise<void> {
    if (this.failure) throw this.failure;
    const n = batch[0]?.length ?? 0;
    if (n === 0) return;
    this.rows += n;
    // once() rejects when the stream errors while we wait.
    if (!this.gzip.write(ndjsonLines(this.spec, batch))) await once(this.gzip, 'drain');
  }

  /** Flushes and closes the file. */
  close(): Promise<StagedFile> {
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.out.once('error', reject);
      this.out.once('close', () =>
        this.failure ? reject(this.failure) : resolve({ path: this.path, rows: this.rows }),
      );
      this.gzip.end();
    });
  }

  /** Removes the file and its folder; safe to call more than once. */
  dispose(): void {
    this.gzip.destroy();
    this.out.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The Stager of an engine that loads files: batches go to an NdjsonStageFile, and `close` hands the
 * finished file to `load` (when it has rows) and deletes it whatever happens.
 */
export function fileStager(spec: StageSpec, load: (path: string) => Promise<void>, drop: () => Promise<void>): Stager {
  const file = new NdjsonStageFile(spec);
  return {
    append: (batch) => file.append(batch),
    close: async () => {
      try {
        const staged = await file.close();
        if (staged.rows > 0) await load(staged.path);
        return staged.rows;
      } finally {
        file.dispose();
      }
    },
    drop,
  };
}
