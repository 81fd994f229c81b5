/**
 * memory: peak RSS of a whole `clari-dp run` (the built CLI in its own process: migrations, a
 * cache-hit load of one export into a fresh DuckDB file, detection, the run's records) at
 * ~1,000,000 and ~2,000,000 entries. Streaming means the larger export needs about the same memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliRun } from './lib/cli.js';
import { entriesOf, shapeFor } from './lib/generate.js';
import { medianOf, note, report, samplesFor, scaleArg } from './lib/measure.js';
import { benchPipeline } from './lib/pipeline.js';

const DAY1 = '2026-11-23';

async function wholeRun(scale: number): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-memory-'));
  try {
    const bench = await benchPipeline(`duckdb:${join(dir, 'landing.duckdb')}`, { dataDir: join(dir, 'data') });
    await bench.land(DAY1, shapeFor(scale));
    const run = await bench.cli(DAY1, `duckdb:${join(dir, 'clari.duckdb')}`, entriesOf(shapeFor(scale)));
    await bench.close();
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const scale = scaleArg();
const runs = samplesFor(scale, 3);
const one = await medianOf(runs, () => wholeRun(scale));
const two = await medianOf(runs, () => wholeRun(scale * 2));
note(
  `memory: a whole \`clari-dp run\` at ${entriesOf(shapeFor(scale)).toLocaleString('en-US')} and ${entriesOf(shapeFor(scale * 2)).toLocaleString('en-US')} entries, each in its own process; median of ${runs} runs each`,
);
report('memory_1x_entries', entriesOf(shapeFor(scale)));
report('memory_1x_peak_rss_mb', one.peakMb);
report('memory_2x_peak_rss_mb', two.peakMb);
report('memory_2x_vs_1x', two.peakMb / one.peakMb);
report('memory_2x_vs_1x_seconds', two.seconds / one.seconds);
