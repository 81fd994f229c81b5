/**
 * ingest_duckdb: one landed export of ~1,000,000 entries (20,000 owners) from the raw file to
 * committed tables in a fresh DuckDB file, with every validation on (decoding checks, period and
 * range checks, SCD2 versions, daily rows, reconciliation, ledger). Timed through the real pipeline
 * in this process; then the built CLI does the same in its own process, whose peak RSS is the
 * figure that counts (this process also holds the benchmark's own tooling). Baseline, in this
 * process on the same file: what a DuckDB user would write instead, `read_json` of the landed file
 * plus `unnest(entries)` into a table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CliRun } from './lib/cli.js';
import { entriesOf, shapeFor } from './lib/generate.js';
import { measure, median, type Measured, note, report, samplesFor, scaleArg } from './lib/measure.js';
import { benchPipeline } from './lib/pipeline.js';

const DAY1 = '2026-11-23';

async function main(): Promise<void> {
  const scale = scaleArg();
  const shape = shapeFor(scale);
  // Every figure is the median of a few runs, project and baseline alternating so that whatever
  // else the machine does falls on both; each run loads into a fresh warehouse file.
  const runs = samplesFor(scale, 3);
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-ingest-'));
  try {
    const dataDir = join(dir, 'data');
    const lander = await benchPipeline(`duckdb:${join(dir, 'landing.duckdb')}`, { dataDir });
    const landed = await lander.land(DAY1, shape);
    await lander.close();
    const projects: Measured<unknown>[] = [];
    const baselines: Measured<number>[] = [];
    const clis: CliRun[] = [];
    for (let sample = 0; sample < runs; sample++) {
      const bench = await benchPipeline(`duckdb:${join(dir, `project-${sample}.duckdb`)}`, { dataDir });
      const project = await measure(() => bench.run(DAY1));
      if (project.value.status !== 'success' || project.value.rowsLoaded !== entriesOf(shape))
        throw new Error(`ingest run: ${project.value.status}, ${project.value.rowsLoaded} rows`);
      projects.push(project);
      // The built CLI in its own process: its peak RSS is the figure that counts (this process
      // also holds the benchmark's tooling).
      const cli = await bench.cli(DAY1, `duckdb:${join(dir, `cli-${sample}.duckdb`)}`, entriesOf(shape));
      await bench.close();
      clis.push(cli);
      const instance = await DuckDBInstance.create(join(dir, `baseline-${sample}.duckdb`));
      const con = await instance.connect();
      const baseline = await measure(async () => {
        await con.run(
          `CREATE TABLE entries AS SELECT unnest(entries, recursive := true) FROM read_json('${landed.path}', format = 'auto', maximum_object_size = 2000000000)`,
        );
        return Number((await con.runAndReadAll('SELECT count(*) FROM entries')).getColumnsJson()[0]![0]);
      });
      con.closeSync();
      instance.closeSync();
      if (baseline.value !== entriesOf(shape)) throw new Error(`baseline loaded ${baseline.value} rows`);
      baselines.push(baseline);
    }
    const project = median(projects);
    const baseline = median(baselines);
    const cli = median(clis);

    note(
      `ingest_duckdb: ${entriesOf(shape).toLocaleString('en-US')} entries, ${(landed.manifest.bytes / 2 ** 20).toFixed(0)} MB of JSON (${(landed.manifest.compressedBytes / 2 ** 20).toFixed(0)} MB landed); median of ${runs} runs each`,
    );
    report('ingest_duckdb_entries', entriesOf(shape));
    report('ingest_duckdb_seconds', project.seconds);
    report('ingest_duckdb_cli_seconds', cli.seconds);
    report('ingest_duckdb_peak_rss_mb', cli.peakMb);
    report('ingest_duckdb_in_bench_process_peak_rss_mb', project.peakMb);
    report('ingest_duckdb_baseline_read_json_seconds', baseline.seconds);
    report('ingest_duckdb_baseline_peak_rss_mb', baseline.peakMb);
    report('ingest_duckdb_speedup_vs_read_json', baseline.seconds / project.seconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
