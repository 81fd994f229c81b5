/**
 * scaling: cost curves of the four daily operations at 100k, 500k, 1M, 2M and 4M entries (times
 * --scale): the first load, an unchanged re-sync, a changed re-sync (10% of entries moved, the
 * fingerprint skip) and change detection, each timed with its peak RSS, on DuckDB through the real
 * pipeline. Every size runs in its own process (`--child N`), so one size's heap and DuckDB buffers
 * do not count in the next one's peak; peaks are of that process, which also holds the
 * benchmark's own tooling. Writes bench/scaling.svg (µs per entry and peak RSS against entries:
 * flat is linear) unless --smoke output goes elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DUCKDB_LOAD_MEMORY_LIMIT } from '../src/warehouse/index.js';
import { changedEntries, entriesOf, type ExportShape, shapeFor } from './lib/generate.js';
import { measure, type Measured, note, report, scaleArg } from './lib/measure.js';
import { benchPipeline } from './lib/pipeline.js';
import { costChart, type Series } from './lib/svg.js';

const SIZES = [100_000, 500_000, 1_000_000, 2_000_000, 4_000_000];
const PHASES = ['first_load', 'unchanged_resync', 'changed_resync', 'detect_changes'] as const;
type Phase = (typeof PHASES)[number];
const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';

/** The issue's shape with `entries` entries (52 per owner). */
function shapeOf(entries: number, day: number): ExportShape {
  return { ...shapeFor(1, day), users: Math.max(10, Math.round(entries / 52)) };
}

async function child(entries: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-scaling-'));
  try {
    const day1 = shapeOf(entries, 0);
    const day2 = shapeOf(entries, 1);
    const bench = await benchPipeline(`duckdb:${join(dir, 'clari.duckdb')}`, {
      dataDir: join(dir, 'data'),
    });
    await bench.land(DAY1, day1);
    const out: Partial<Record<Phase, Measured<unknown>>> = {};
    out.first_load = await measure(() => bench.run(DAY1));
    out.unchanged_resync = await measure(() => bench.run(DAY1));
    await bench.land(DAY2, day2);
    const changed = await measure(() => bench.run(DAY2));
    if (changed.value.exports[0]?.skipped !== entriesOf(day2) - changedEntries(day2))
      throw new Error(
        `changed re-sync skipped ${changed.value.exports[0]?.skipped} entries: ${JSON.stringify(changed.value.exports[0])}`,
      );
    out.changed_resync = changed;
    out.detect_changes = await measure(() => bench.detect(DAY2, DAY1));
    await bench.close();
    const result = Object.fromEntries(PHASES.map((p) => [p, { seconds: out[p]!.seconds, peakMb: out[p]!.peakMb }]));
    process.stdout.write(`${JSON.stringify({ entries: entriesOf(day1), ...result })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Point = { entries: number } & Record<Phase, { seconds: number; peakMb: number }>;

function draw(points: readonly Point[], scale: number): void {
  const colors: Record<Phase, string> = {
    first_load: '#1f77b4',
    unchanged_resync: '#2ca02c',
    changed_resync: '#d62728',
    detect_changes: '#9467bd',
  };
  const series = (value: (p: Point, phase: Phase) => number): Series[] =>
    PHASES.map((phase) => ({
      name: phase.replace('_', ' ').replace('_', ' '),
      color: colors[phase],
      points: points.map((p) => [p.entries, value(p, phase)] as const),
    }));
  const svg = costChart(
    [
      { title: 'Time per entry', unit: 'µs per entry', series: series((p, f) => (p[f].seconds / p.entries) * 1e6) },
      { title: 'Peak RSS', unit: 'MB', series: series((p, f) => p[f].peakMb) },
    ],
    `clari-dp cost curves (npm run bench${scale === 1 ? '' : ` --scale ${scale}`}): a flat line is linear cost, a rising one worse than linear; 4M runs at load_memory_limit=512MB.`,
  );
  if (scale === 1) writeFileSync(join(import.meta.dirname, 'scaling.svg'), svg);
  else writeFileSync(join(tmpdir(), 'clari-dp-scaling.smoke.svg'), svg);
}

/** `--redraw`: the chart again from the figures in bench/results.md, without measuring. */
function redraw(): void {
  const md = readFileSync(join(import.meta.dirname, 'results.md'), 'utf8');
  const figure = (name: string): number => Number(new RegExp(`^${name}=(.*)$`, 'm').exec(md)?.[1]);
  const sizes = [...md.matchAll(/^scaling_(\d+)_first_load_seconds=/gm)].map((m) => Number(m[1]));
  const points = sizes.map(
    (entries) =>
      ({
        entries,
        ...Object.fromEntries(
          PHASES.map((p) => [
            p,
            {
              seconds: figure(`scaling_${entries}_${p}_seconds`),
              peakMb: figure(`scaling_${entries}_${p}_peak_mb`),
            },
          ]),
        ),
      }) as Point,
  );
  draw(points, 1);
}

function parent(scale: number): void {
  const points: Point[] = [];
  for (const size of SIZES) {
    const entries = Math.max(1_000, Math.round(size * scale));
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', import.meta.filename, '--child', String(entries)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
    );
    if (run.status !== 0) throw new Error(`scaling at ${entries} entries exited ${run.status}`);
    points.push(JSON.parse(run.stdout.trim().split('\n').pop()!) as Point);
  }
  note(
    `scaling: DuckDB, each size in its own process (peak RSS of that process, benchmark tooling included); changed re-sync = 10% of entries moved; default settings (load_memory_limit ${DUCKDB_LOAD_MEMORY_LIMIT}, a load that does not fit runs again under the session's limit)`,
  );
  for (const p of points)
    for (const phase of PHASES) {
      report(`scaling_${p.entries}_${phase}_seconds`, p[phase].seconds);
      report(`scaling_${p.entries}_${phase}_peak_mb`, p[phase].peakMb);
    }
  draw(points, scale);
  // How much the per-entry cost grows from the smallest to the largest size: 1 is linear.
  const [small, large] = [points[0]!, points[points.length - 1]!];
  for (const phase of PHASES)
    report(
      `scaling_${phase}_per_entry_growth`,
      large[phase].seconds / large.entries / (small[phase].seconds / small.entries),
    );
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(Number(process.argv[at + 1]));
else if (process.argv.includes('--redraw')) redraw();
else parent(scaleArg());
