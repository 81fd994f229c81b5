/**
 * The dbt package (dbt/) with real dbt 1.9 (.venv-tools/dbt, scripts/python-env.sh) over what
 * clari-dp really loads: `clari-dp demo` into a DuckDB file and into a database of the test
 * PostgreSQL server, then `dbt build` (models and every schema test) with dbt-duckdb and with
 * dbt-postgres, using the profiles.yml the package ships. Each mart must equal clari-dp's own view
 * (or table) row for row, both ways (EXCEPT ALL, duplicates counted). DuckDB also runs the source
 * freshness check and the docs; Snowflake and BigQuery compile offline (no account: --no-populate-cache
 * and a locally made key), and their SQL passes @polyglot-sql/sdk's validator for that engine.
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dialect as PolyDialect, validate } from '@polyglot-sql/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/warehouse/index.js';
import { DBT_DIR, MARTS, TABLE_SPECS } from '../../scripts/dbt-generate.js';
import { runCli } from '../support/cli.js';
import { pythonMissing, pythonTool, runTool, titled, VENV_BUILD_TIMEOUT_MS } from '../support/python-tools.js';
import { type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const missing = pythonMissing();
// Each test runs a real tool several times (a few seconds of start-up each); a busy 2-core CI box is slower.
vi.setConfig({ testTimeout: 300_000 });
const scratch = mkdtempSync(join(tmpdir(), 'clari-dp-dbt-'));
const profiles = join(scratch, 'profiles');
let bin = '';

beforeAll(async () => {
  if (missing) return;
  bin = await pythonTool('dbt');
  // The shipped profiles, from a folder of their own (dbt writes its .user.yml beside them).
  mkdirSync(profiles);
  copyFileSync(join(DBT_DIR, 'profiles.yml'), join(profiles, 'profiles.yml'));
}, VENV_BUILD_TIMEOUT_MS);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface RunResults {
  results: { unique_id: string; status: string; message: string | null }[];
}

/** `dbt <command>` on the package for one target; its run_results.json (or sources.json). */
async function dbt(command: string[], target: string, env: Record<string, string>): Promise<RunResults> {
  const targetPath = join(scratch, `target-${target}`);
  const result = await runTool(
    join(bin, 'dbt'),
    [...command, '--project-dir', DBT_DIR, '--profiles-dir', profiles, '--target-path', targetPath],
    {
      env: {
        PATH: process.env.PATH,
        HOME: scratch,
        DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
        DBT_LOG_PATH: join(scratch, `logs-${target}`),
        CLARI_DP_DBT_TARGET: target,
        ...env,
      },
    },
  );
  expect(result.code, `dbt ${command.join(' ')} (${target}):\n${result.stdout.slice(-6000)}`).toBe(0);
  const file = command[0] === 'source' ? 'sources.json' : 'run_results.json';
  return JSON.parse(readFileSync(join(targetPath, file), 'utf8')) as RunResults;
}

/** The demo's business days, into any warehouse URL. */
async function demo(warehouse: string): Promise<void> {
  const result = await runCli(['demo', '--days', '3', '--users', '16', '--warehouse', warehouse], {
    CLARI_DP_DATA_DIR: join(scratch, `data-${warehouse.split(':')[0]}`),
  });
  expect(result.code, result.stderr).toBe(0);
}

/** Rows of the mart missing from the view and rows of the view missing from the mart, per mart. */
async function differences(wh: Warehouse, dbtSchema: string, source: string) {
  const out: Record<string, { mart: number; view: number; onlyInMart: number; onlyInView: number }> = {};
  for (const [mart, view] of Object.entries(MARTS)) {
    const count = async (sql: string): Promise<number> =>
      Number((await wh.query<{ n: unknown }>(`SELECT count(*) AS n FROM (${sql}) d`))[0]!.n);
    const m = `SELECT * FROM ${dbtSchema}.${mart}`;
    const v = `SELECT * FROM ${source}.${view}`;
    out[mart] = {
      mart: await count(m),
      view: await count(v),
      onlyInMart: await count(`${m} EXCEPT ALL ${v}`),
      onlyInView: await count(`${v} EXCEPT ALL ${m}`),
    };
  }
  return out;
}

function expectSameRows(diff: Awaited<ReturnType<typeof differences>>): void {
  for (const [mart, d] of Object.entries(diff)) {
    expect(d, mart).toEqual({ mart: d.view, view: d.view, onlyInMart: 0, onlyInView: 0 });
  }
  // The demo gives every mart rows to compare, closed periods included, and deals (activity is on in the demo).
  for (const mart of [
    'forecast_accuracy',
    'pipeline_coverage',
    'rep_performance',
    'forecast_changes',
    'deal_movement',
    'deal_engagement',
    'deals_at_risk',
  ])
    expect(diff[mart]!.view, mart).toBeGreaterThan(0);
}

function expectAllPassed(results: RunResults, models: number): void {
  const failed = results.results.filter((r) => !['success', 'pass'].includes(r.status));
  expect(failed.map((r) => `${r.unique_id}: ${r.status} ${r.message ?? ''}`)).toEqual([]);
  expect(results.results.filter((r) => r.unique_id.startsWith('model.'))).toHaveLength(models);
  const tests = results.results.filter((r) => r.unique_id.startsWith('test.')).map((r) => r.unique_id);
  for (const kind of ['unique_', 'not_null_', 'relationships_', 'accepted_values_', 'unique_combination_'])
    expect(
      tests.some((id) => id.startsWith(`test.clari_dp.${kind}`)),
      kind,
    ).toBe(true);
}

/** A mart per view (and the changes), a staging model per table (the deal tables too). */
const MODELS = Object.keys(MARTS).length + TABLE_SPECS.length;

describe.skipIf(missing)(titled('dbt package clari_dp with real dbt', missing), () => {
  it('dbt-duckdb: builds over a demo warehouse, tests pass, marts equal the views, sources fresh, docs', async () => {
    const file = join(scratch, 'demo.duckdb');
    await demo(`duckdb:${file}`);
    const env = { CLARI_DP_DUCKDB_PATH: file };
    expectAllPassed(await dbt(['build'], 'duckdb', env), MODELS);

    const wh = await openWarehouse(`duckdb:${file}`, { readOnly: true });
    try {
      expectSameRows(await differences(wh, 'clari_dp', 'main'));
      // A closed period has actuals in both, so accuracy is really compared.
      const closed = await wh.query<{ n: unknown }>(
        'SELECT count(*) AS n FROM clari_dp.forecast_accuracy WHERE actual_closed IS NOT NULL',
      );
      expect(Number(closed[0]!.n)).toBeGreaterThan(0);
    } finally {
      await wh.close();
    }

    const freshness = await dbt(['source', 'freshness'], 'duckdb', env);
    expect(freshness.results.map((r) => [r.unique_id, r.status])).toEqual([
      ['source.clari_dp.clari_dp.clari_sync_runs', 'pass'],
    ]);

    await dbt(['docs', 'generate'], 'duckdb', env);
    const catalog = JSON.parse(readFileSync(join(scratch, 'target-duckdb', 'catalog.json'), 'utf8')) as {
      nodes: Record<string, { columns: Record<string, unknown> }>;
    };
    expect(Object.keys(catalog.nodes['model.clari_dp.forecast_accuracy']!.columns)).toContain('accuracy_pct');
  });

  describe('dbt-postgres', () => {
    let pg: TestWarehouse;
    beforeAll(async () => {
      pg = await testWarehouse('postgres');
    });
    afterAll(() => pg.dispose());

    it('builds over the test PostgreSQL, tests pass, marts equal the views', async () => {
      await demo(pg.url);
      const url = new URL(pg.url);
      const env = {
        PGHOST: url.hostname,
        PGPORT: url.port,
        PGUSER: decodeURIComponent(url.username),
        DBT_ENV_SECRET_PGPASSWORD: decodeURIComponent(url.password),
        PGDATABASE: url.pathname.slice(1),
      };
      expectAllPassed(await dbt(['build'], 'postgres', env), MODELS);
      const wh = await openWarehouse(pg.url);
      try {
        expectSameRows(await differences(wh, 'clari_dp', 'public'));
      } finally {
        await wh.close();
      }
    });
  });

  it('compiles for Snowflake and BigQuery without an account, into SQL their validators accept', async () => {
    // A key made here: dbt-bigquery reads it when it opens the (never used) connection.
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const keyfile = join(scratch, 'service-account.json');
    writeFileSync(
      keyfile,
      JSON.stringify({
        type: 'service_account',
        project_id: 'example-project',
        private_key_id: '0',
        private_key: key,
        client_email: 'clari-dp@example-project.iam.gserviceaccount.com',
        client_id: '0',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );
    const engines = [
      {
        target: 'snowflake',
        poly: PolyDialect.Snowflake,
        env: {
          SNOWFLAKE_ACCOUNT: 'xy12345',
          SNOWFLAKE_USER: 'CLARI_DP',
          SNOWFLAKE_DATABASE: 'ANALYTICS',
          SNOWFLAKE_WAREHOUSE: 'TRANSFORMING',
          SNOWFLAKE_ROLE: 'TRANSFORMER',
          SNOWFLAKE_PRIVATE_KEY_FILE: join(scratch, 'no-such-key.p8'),
        },
        expected: ['"trigger"', 'ANALYTICS.CLARI_DP_DBT.stg_clari__sync_runs'],
      },
      {
        target: 'bigquery',
        poly: PolyDialect.BigQuery,
        env: { BIGQUERY_PROJECT: 'example-project', GOOGLE_APPLICATION_CREDENTIALS: keyfile },
        expected: ['`rows`', 'DATE_SUB(', '`example-project`.`clari_dp_dbt`.`stg_clari__sync_runs`'],
      },
    ] as const;
    for (const engine of engines) {
      await dbt(['compile', '--no-populate-cache', '--vars', '{clari_dp_schema: CLARI}'], engine.target, engine.env);
      const compiled = join(scratch, `target-${engine.target}`, 'compiled', 'clari_dp', 'models');
      const sql = Object.keys(MARTS).map((mart) => readFileSync(join(compiled, 'marts', `${mart}.sql`), 'utf8'));
      const invalid = sql.map((text) => validate(text, engine.poly)).filter((r) => !r.valid);
      expect(
        invalid.map((r) => r.errors.map((e) => e.message).join('; ')),
        engine.target,
      ).toEqual([]);
      for (const text of engine.expected) expect(sql.join('\n'), engine.target).toContain(text);
    }
  });
});
