/**
 * memory: peak RSS of a whole run (cache-hit load of one export into a fresh DuckDB file, through
 * the real pipeline) at ~1,000,000 and ~2,000,000 entries, each in its own process so neither peak
 * includes the other. Streaming means the larger export needs about the same memory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entriesOf, shapeFor } from './lib/generate.js';
import { measure, note, report, scaleArg } from './lib/measure.js';
import { benchPipeline } from './lib/pipeline.js';

const DAY1 = '2026-11-23';

/** In the child: one run at `scale`, printing `seconds peakMb`. */
async function child(scale: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-memory-'));
  try {
    const bench = await benchPipeline(`duckdb:${join(dir, 'clari.duckdb')}`, { dataDir: join(dir, 'data') });
    await bench.land(DAY1, shapeFor(scale));
    const run = await measure(() => bench.run(DAY1));
    if (run.value.status !== 'success') throw new Error(`run: ${run.value.status}`);
    await bench.close();
    process.stdout.write(`${run.seconds} ${run.peakMb}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function inChild(scale: number): { seconds: number; peakMb: number } {
  const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--child', '--scale', String(scale)], { encoding: 'utf8' });
  const [seconds, peakMb] = out.trim().split(/\s+/).slice(-2).map(Number) as [number, number];
  return { seconds, peakMb };
}

const scale = scaleArg();
if (process.argv.includes('--child')) await child(scale);
else {
  const one = inChild(scale);
  const two = inChild(scale * 2);
  note(`memory: whole run at ${entriesOf(shapeFor(scale)).toLocaleString('en-US')} and ${entriesOf(shapeFor(scale * 2)).toLocaleString('en-US')} entries, each in its own process`);
  report('memory_1x_entries', entriesOf(shapeFor(scale)));
  report('memory_1x_peak_rss_mb', one.peakMb);
  report('memory_2x_peak_rss_mb', two.peakMb);
  report('memory_2x_vs_1x', two.peakMb / one.peakMb);
  report('memory_2x_vs_1x_seconds', two.seconds / one.seconds);
}
