/**
 * Statement capture for the golden SQL tests: each statement with the source function that built
 * it (from the stack, e.g. `pipeline/load.ts applyUsers`). RecordingWarehouse captures at the port
 * (DuckDB, PostgreSQL); the emulated Snowflake and BigQuery clients capture at the driver, so their
 * adapter-internal statements (stage, PUT, COPY, load) are captured too. The source is taken where
 * the port is called and carried through the adapter's awaits (AsyncLocalStorage), so both ways of
 * capturing name the same function.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Row, SqlValue, StageSpec, Stager, Warehouse } from '../../src/warehouse/index.js';

export interface Recorded {
  readonly sql: string;
  readonly source: string;
}

const FRAME = /at (?:async )?(?:([\w$.<>]+) \()?(?:file:\/\/)?[^\s()]*\/src\/([\w/.-]+\.ts):\d+:\d+\)?$/;

/** The innermost src/ function outside the warehouse layer that issued the statement, else the warehouse file. */
export function callerSource(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack
    .split('\n')
    .map((line) => FRAME.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[2]!, fn: (m[1] ?? '').replace(/^(Object|Array|Module)\./, '') }));
  // Callbacks have no name: an anonymous frame takes the name of the next named frame of its file.
  const outside = frames.filter(
    (f) =>
      !f.file.startsWith('warehouse/') ||
      f.file.startsWith('warehouse/sql/') ||
      f.file === 'warehouse/migrations.ts' ||
      f.file === 'warehouse/privileges.ts',
  );
  const first = outside[0] ?? frames[0];
  if (!first) return 'test';
  const named = (outside.length > 0 ? outside : frames).find(
    (f) => f.file === first.file && f.fn !== '' && !f.fn.includes('anonymous'),
  );
  return `${first.file} ${named?.fn ?? '(anonymous)'}`;
}

const sources = new AsyncLocalStorage<string>();

/** The source of the port call in progress, else the caller found on the stack. */
export function currentSource(): string {
  return sources.getStore() ?? callerSource();
}

/**
 * The port of `inner`: tags every call with its source and, given a log, records every statement as
 * written (`$n` parameters).
 */
export class RecordingWarehouse implements Warehouse {
  constructor(
    private readonly inner: Warehouse,
    readonly log?: Recorded[],
  ) {}

  get dialect(): Warehouse['dialect'] {
    return this.inner.dialect;
  }

  get description(): string {
    return this.inner.description;
  }

  private tagged<T>(work: (source: string) => Promise<T>): Promise<T> {
    const source = callerSource();
    return sources.run(source, () => work(source));
  }

  exec(sql: string, params?: readonly SqlValue[]): Promise<void> {
    return this.tagged((source) => {
      this.log?.push({ sql, source });
      return this.inner.exec(sql, params);
    });
  }

  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.tagged((source) => {
      this.log?.push({ sql, source });
      return this.inner.query<T>(sql, params);
    });
  }

  /** BEGIN and COMMIT are the adapter's own statements; those of `work` are tagged by their callers. */
  transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T> {
    return sources.run(`warehouse/${this.inner.dialect.name} transaction`, () =>
      this.inner.transaction((tx) => work(new RecordingWarehouse(tx, this.log))),
    );
  }

  /** Bulk loads are the adapter's own statements: they are filed under its bulk path, whoever opened the stage. */
  async openStage(spec: StageSpec): Promise<Stager> {
    const source = `warehouse/${this.inner.dialect.name} bulk load`;
    const bulk = <T>(work: () => Promise<T>): Promise<T> => sources.run(source, work);
    const stager = await bulk(() => {
      this.log?.push({
        sql: `-- bulk load into ${spec.name} (${this.inner.dialect.name} adapter: ${this.inner.dialect.name === 'duckdb' ? 'appender' : 'COPY FROM STDIN'})`,
        source,
      });
      return this.inner.openStage(spec);
    });
    return {
      append: (batch) => bulk(() => stager.append(batch)),
      close: () => bulk(() => stager.close()),
      drop: () => bulk(() => stager.drop()),
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
