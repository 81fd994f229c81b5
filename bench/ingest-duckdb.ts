/**
 * ingest_duckdb: one landed export of ~1,000,000 entries (20,000 owners) from the raw file to
 * committed tables in a fresh DuckDB file, through the real pipeline with every validation on
 * (reconciliation, period and range checks, SCD2 versions, daily rows, ledger). Baseline: what a
 * DuckDB user would write instead, `read_json` of the same landed file plus `unnest(entries)` into a
 * table, in the same process on the same file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { entriesOf, shapeFor } from './lib/generate.js';
import { measure, note, report, scaleArg } from './lib/measure.js';
import { benchPipeline } from './lib/pipeline.js';

const DAY1 = '2026-11-23';

async function main(): Promise<void> {
  const scale = scaleArg();
  const shape = shapeFor(scale);
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-ingest-'));
  try {
    const bench = await benchPipeline(`duckdb:${join(dir, 'clari.duckdb')}`, { dataDir: join(dir, 'data') });
    const landed = await bench.land(DAY1, shape);
    const project = await measure(() => bench.run(DAY1));
    if (project.value.status !== 'success' || project.value.rowsLoaded !== entriesOf(shape)) throw new Error(`ingest run: ${project.value.status}, ${project.value.rowsLoaded} rows`);
    await bench.close();

    const instance = await DuckDBInstance.create(join(dir, 'baseline.duckdb'));
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

    note(`ingest_duckdb: ${entriesOf(shape).toLocaleString('en-US')} entries, ${(landed.manifest.bytes / 2 ** 20).toFixed(0)} MB of JSON (${(landed.manifest.compressedBytes / 2 ** 20).toFixed(0)} MB landed)`);
    report('ingest_duckdb_entries', entriesOf(shape));
    report('ingest_duckdb_seconds', project.seconds);
    report('ingest_duckdb_peak_rss_mb', project.peakMb);
    report('ingest_duckdb_baseline_read_json_seconds', baseline.seconds);
    report('ingest_duckdb_baseline_peak_rss_mb', baseline.peakMb);
    report('ingest_duckdb_speedup_vs_read_json', baseline.seconds / project.seconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
