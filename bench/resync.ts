/**
 * resync_unchanged, resync_changed and detect_changes, on DuckDB warehouses through the real
 * pipeline. The first load of ~1,000,000 entries is the baseline of both re-syncs: the same snapshot
 * again (a cache hit with nothing changed; must make no API call), then the next day's export with
 * 10% of the entries changed (must add versions for exactly those, and skip by fingerprint exactly
 * the others). Each of the three is the median of a few samples, each sample a fresh warehouse on
 * the same landing (first load, unchanged, changed, in that order). The full decode of the changed
 * export is reported beside it: what a re-sync without fingerprints could not go below; and the
 * floor of any re-sync of that export here: inflating it plus the bare SQL of the changes.
 * detect_changes times the change detection between the two snapshots against a bare SQL join of
 * the same two snapshots on the same engine.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DUCKDB_LOAD_MEMORY_LIMIT } from '../src/warehouse/index.js';
import { decodeResults } from '../src/clari/index.js';
import { changedEntries, entriesOf, shapeFor } from './lib/generate.js';
import type { RunSummary } from '../src/pipeline/index.js';
import { measure, type Measured, median, medianOf, note, report, samplesFor, scaleArg } from './lib/measure.js';
import { type BenchPipeline, benchPipeline, FORECAST, PERIOD } from './lib/pipeline.js';

const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';

/**
 * The least SQL any SCD2 loader must run for the changed day, on a copy of the warehouse as of
 * day 1 under the same load memory limit: end the changed versions, insert their new versions and
 * the day's daily rows (all prepared beforehand from what the real re-sync wrote), commit. With the
 * inflate of the export, a floor no re-sync of this export goes below here.
 */
async function bareApply(bench: BenchPipeline, dir: string): Promise<number> {
  const copy = (sql: string, file: string): Promise<void> =>
    bench.wh.exec(`COPY (${sql}) TO '${join(dir, file)}' (FORMAT parquet)`);
  await copy(`SELECT * FROM clari_forecast_entries WHERE valid_from = DATE '${DAY2}'`, 'new.parquet');
  await copy(`SELECT * FROM clari_forecasts WHERE snapshot_date = DATE '${DAY2}'`, 'daily.parquet');
  const instance = await DuckDBInstance.create(join(dir, 'floor.duckdb'));
  const con = await instance.connect();
  try {
    await con.run(`SET memory_limit = '${DUCKDB_LOAD_MEMORY_LIMIT}'`);
    await con.run(`CREATE TEMP TABLE n AS SELECT * FROM '${join(dir, 'new.parquet')}'`);
    await con.run(`CREATE TEMP TABLE d AS SELECT * FROM '${join(dir, 'daily.parquet')}'`);
    const keys = ['forecast_id', 'time_period', 'time_frame_id', 'user_id', 'field_id'];
    const bare = await measure(async () => {
      await con.run('BEGIN');
      await con.run(
        `UPDATE clari_forecast_entries e SET valid_to = DATE '${DAY2}' FROM n WHERE e.valid_to IS NULL AND ${keys.map((k) => `e.${k} = n.${k}`).join(' AND ')}`,
      );
      await con.run('INSERT INTO clari_forecast_entries SELECT * FROM n');
      await con.run('INSERT INTO clari_forecasts SELECT * FROM d');
      await con.run('COMMIT');
    });
    return bare.seconds;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

async function main(): Promise<void> {
  const scale = scaleArg();
  const day1 = shapeFor(scale, 0);
  const day2 = shapeFor(scale, 1);
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-resync-'));
  try {
    const dataDir = join(dir, 'data');
    const lander = await benchPipeline(`duckdb:${join(dir, 'lander.duckdb')}`, { dataDir });
    await lander.land(DAY1, day1);
    const landed2 = await lander.land(DAY2, day2);
    await lander.close();
    const expected = changedEntries(day2);
    const firsts: Measured<unknown>[] = [];
    const unchangeds: Measured<unknown>[] = [];
    const changeds: Measured<RunSummary>[] = [];
    let apiCalls = 0;
    let bench: BenchPipeline | undefined;
    for (let sample = 0; sample < samplesFor(scale, 3); sample++) {
      await bench?.close();
      bench = await benchPipeline(`duckdb:${join(dir, `clari-${sample}.duckdb`)}`, { dataDir });
      const versions = async (): Promise<number> =>
        Number((await bench!.wh.query<{ n: string }>('SELECT count(*) AS n FROM clari_forecast_entries'))[0]!.n);
      const first = await measure(() => bench!.run(DAY1));
      if (first.value.status !== 'success' || first.value.rowsLoaded !== entriesOf(day1))
        throw new Error(`first load: ${first.value.status}`);
      const calls = await bench.apiCalls();
      const unchanged = await measure(() => bench!.run(DAY1));
      apiCalls += (await bench.apiCalls()) - calls;
      if (unchanged.value.status !== 'success' || (await versions()) !== entriesOf(day1))
        throw new Error('unchanged re-sync changed the warehouse');
      // A copy of the warehouse as of day 1, for the bare SQL floor below.
      await bench.wh.exec('CHECKPOINT');
      copyFileSync(join(dir, `clari-${sample}.duckdb`), join(dir, 'floor.duckdb'));
      const before = await versions();
      const changed = await measure(() => bench!.run(DAY2));
      const added = (await versions()) - before;
      if (changed.value.status !== 'success' || added !== expected)
        throw new Error(`changed re-sync added ${added} versions, expected ${expected}`);
      if (changed.value.exports[0]?.skipped !== entriesOf(day2) - expected)
        throw new Error(`changed re-sync skipped ${changed.value.exports[0]?.skipped} entries`);
      firsts.push(first);
      unchangeds.push(unchanged);
      changeds.push(changed);
    }
    const first = median(firsts);
    const unchanged = median(unchangeds);
    const changed = median(changeds);
    const sqlFloor = await bareApply(bench!, dir);
    // Inflating the changed export, nothing else: every re-sync of a changed payload pays it.
    const gunzip = await measure(async () => {
      let bytes = 0;
      for await (const chunk of bench!.pipeline.deps.landing.read(landed2)) bytes += chunk.byteLength;
      return bytes;
    });
    // What a re-sync that decodes the whole export pays before staging anything.
    const floor = await measure(async () => {
      let rows = 0;
      for await (const part of decodeResults(
        { format: 'JSON', body: bench!.pipeline.deps.landing.read(landed2), status: 200, headers: new Headers() },
        { requestedPeriod: PERIOD },
      ))
        rows += part.rows.length;
      return rows;
    });

    // Detection alone, then the bare join, on the two snapshots now in the warehouse.
    // Both are idempotent (detection replaces its rows for the day), so each is the median of a few runs.
    const runs = samplesFor(scale, 5);
    const detect = await medianOf(runs, () => measure(() => bench!.detect(DAY2, DAY1)));
    const snapshot = (date: string): string =>
      `SELECT * FROM clari_forecasts WHERE forecast_name = '${FORECAST}' AND time_period = '${PERIOD}' AND snapshot_date = DATE '${date}'`;
    const join_ = await medianOf(runs, () =>
      measure(async () => {
        await bench!.wh.exec(
          `CREATE OR REPLACE TEMP TABLE bare_join AS SELECT c.user_id, c.field_id, p.forecast_amount AS previous_amount, c.forecast_amount AS current_amount
         FROM (${snapshot(DAY2)}) c JOIN (${snapshot(DAY1)}) p ON p.user_id = c.user_id AND p.field_id = c.field_id
         WHERE c.forecast_amount IS DISTINCT FROM p.forecast_amount`,
        );
        return Number((await bench!.wh.query<{ n: string }>('SELECT count(*) AS n FROM bare_join'))[0]!.n);
      }),
    );
    const dailyRows = Number(
      (await bench!.wh.query<{ n: string }>(`SELECT count(*) AS n FROM (${snapshot(DAY2)}) s`))[0]!.n,
    );
    await bench!.close();

    note(
      `resync: ${entriesOf(day1).toLocaleString('en-US')} entries; next day ${expected.toLocaleString('en-US')} call values changed (${((expected / entriesOf(day1)) * 100).toFixed(1)}% of entries); median of ${firsts.length} samples each`,
    );
    report('resync_first_load_seconds', first.seconds);
    report('resync_unchanged_seconds', unchanged.seconds);
    report('resync_unchanged_api_calls', apiCalls);
    report('resync_unchanged_speedup', first.seconds / unchanged.seconds);
    report('resync_changed_seconds', changed.seconds);
    report('resync_changed_new_versions', expected);
    report('resync_changed_skipped_entries', changed.value.exports[0]?.skipped ?? 0);
    report('resync_changed_speedup', first.seconds / changed.seconds);
    report('resync_changed_peak_rss_mb', changed.peakMb);
    report('resync_first_load_peak_rss_mb', first.peakMb);
    report('resync_changed_full_decode_seconds', floor.seconds);
    report('resync_changed_floor_gunzip_seconds', gunzip.seconds);
    report('resync_changed_floor_bare_sql_seconds', sqlFloor);
    report('resync_changed_speedup_bound', first.seconds / (gunzip.seconds + sqlFloor));
    note(
      `detect_changes: ${dailyRows.toLocaleString('en-US')} daily rows per snapshot (owner x call field, latest week), ${join_.value.toLocaleString('en-US')} moved calls; median of ${runs} runs each`,
    );
    report('detect_changes_seconds', detect.seconds);
    report('detect_changes_changes', detect.value);
    report('detect_changes_bare_join_seconds', join_.seconds);
    report('detect_changes_vs_bare_join', detect.seconds / join_.seconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
