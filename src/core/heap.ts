/**
 * A full garbage collection on demand. After a large payload is decoded, V8 keeps its garbage (tens
 * of MB of parsed batches) until it next needs room, and the SQL that follows is when DuckDB's
 * buffers grow: collecting in between lowers the run's peak RSS (bench/analysis.md) for a few tens
 * of milliseconds. `--expose-gc` set at run time and `gc` fetched from a fresh context is how
 * jest-leak-detector reaches it without a command-line flag.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
