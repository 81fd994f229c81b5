/**
 * The BigQuery adapter without BigQuery: URL parsing, parameter binding, error classification and
 * BigqueryWarehouse over a fake client (sessions, staging through a load job, result shapes). The
 * same class runs the whole pipeline on DuckDB in test/warehouse/golden.test.ts.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bigquerySettings } from './config.js';
import { classifyBigquery } from './errors.js';
import {
  type BigqueryClient,
  type BigqueryQuery,
  type BigqueryResult,
  bindQuery,
  BigqueryWarehouse,
  normaliseBigqueryRow,
} from './warehouse.js';

describe('bigquery settings', () => {
  it('reads project, dataset and location; a key file path may be given', () => {
    expect(bigquerySettings('bigquery://acme-analytics/clari?location=EU')).toEqual({
      project: 'acme-analytics',
      dataset: 'clari',
      location: 'EU',
      keyFile: undefined,
      description: 'bigquery://acme-analytics/clari?location=EU',
    });
    expect(bigquerySettings('bigquery://acme-analytics/clari?key_file=/run/secrets/sa.json').keyFile).toBe(
      '/run/secrets/sa.json',
    );
  });

  it.each([['bigquery://acme-analytics'], ['bigquery://acme/cla-ri'], ['bigquery://Acme Analytics/clari']])(
    'refuses %s with the URL form',
    (url) => {
      expect(() => bigquerySettings(url)).toThrow(
        expect.objectContaining({
          code: 'warehouse.config',
          hint: expect.stringMatching(/PROJECT|dataset|project id/i),
        }),
      );
    },
  );
});

describe('bindQuery', () => {
  it('names parameters @pn, types them, sends only those used and writes NULLs into the SQL', () => {
    expect(
      bindQuery('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $1)', ['a', 2, 2.5, true, null, 10n], true),
    ).toEqual({
      sql: 'INSERT INTO t VALUES (@p1, @p2, @p3, @p4, NULL, @p6, @p1)',
      params: { p1: 'a', p2: 2, p3: 2.5, p4: true, p6: '10' },
      types: { p1: 'STRING', p2: 'INT64', p3: 'FLOAT64', p4: 'BOOL', p6: 'INT64' },
      session: true,
    });
  });

  it('refuses a statement that uses more parameters than it was given', () => {
    expect(() => bindQuery('SELECT $2', ['a'], true)).toThrow(/uses \$2/);
  });
});

describe('bigquery errors', () => {
  it.each([
    [
      {
        code: 403,
        errors: [{ reason: 'accessDenied' }],
        message: 'Access Denied: Dataset acme:clari: Permission bigquery.tables.create denied on dataset acme:clari',
      },
      'warehouse.privilege',
      /Data Editor/,
    ],
    [
      {
        code: 403,
        errors: [{ reason: 'accessDenied' }],
        message: 'Access Denied: Project acme: User does not have bigquery.jobs.create permission in project acme.',
      },
      'warehouse.privilege',
      /Job User/,
    ],
    [
      {
        message:
          'Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.',
      },
      'warehouse.auth',
      /GOOGLE_APPLICATION_CREDENTIALS/,
    ],
    [
      { code: 404, errors: [{ reason: 'notFound' }], message: 'Not found: Dataset acme:clari' },
      'warehouse.config',
      /bq mk/,
    ],
    [
      { code: 503, errors: [{ reason: 'backendError' }], message: 'Backend error' },
      'warehouse.unreachable',
      /next run/,
    ],
    [
      { code: 400, errors: [{ reason: 'invalidQuery' }], message: 'Syntax error: Unexpected keyword' },
      'warehouse.query',
      undefined,
    ],
  ])('classifies %o', (error, code, hint) => {
    const classified = classifyBigquery(error, 'bigquery://acme/clari', 'SELECT 1');
    expect(classified.code).toBe(code);
    if (hint) expect(classified.hint).toMatch(hint);
  });
});

describe('normaliseBigqueryRow', () => {
  it('turns the client’s NUMERIC, INT64, DATE and TIMESTAMP values into the port’s shapes', () => {
    const big = (text: string) => ({ toFixed: (dp?: number) => (dp === undefined ? text : Number(text).toFixed(dp)) });
    const row = normaliseBigqueryRow(
      {
        N: '7',
        m: big('12.5'),
        m2: big('12.5'),
        d: { value: '2026-11-23' },
        t: { value: '2026-04-10T14:00:04.500Z' },
        f: 0.5,
        s: 'x',
        z: null,
      },
      [
        { name: 'N', type: 'INTEGER' },
        { name: 'm', type: 'NUMERIC' },
        { name: 'm2', type: 'NUMERIC', scale: '2' },
        { name: 'd', type: 'DATE' },
        { name: 't', type: 'TIMESTAMP' },
        { name: 'f', type: 'FLOAT' },
        { name: 's', type: 'STRING' },
        { name: 'z', type: 'NUMERIC' },
      ],
    );
    expect(row).toEqual({
      n: '7',
      m: '12.5',
      m2: '12.50',
      d: '2026-11-23',
      t: '2026-04-10 14:00:04.5',
      f: 0.5,
      s: 'x',
      z: null,
    });
  });
});

describe('BigqueryWarehouse', () => {
  function fake(): { client: BigqueryClient; queries: BigqueryQuery[]; loads: { table: string; lines: string }[] } {
    const queries: BigqueryQuery[] = [];
    const loads: { table: string; lines: string }[] = [];
    const empty: BigqueryResult = { rows: [], fields: [] };
    return {
      queries,
      loads,
      client: {
        query: (q) => Promise.resolve(void queries.push(q)).then(() => empty),
        load: (file, table) =>
          Promise.resolve(void loads.push({ table, lines: gunzipSync(readFileSync(file)).toString('utf8') })),
        close: () => Promise.resolve(),
      },
    };
  }

  it('loads a stage with one load job into an expiring scratch table, copies it into the session temp table, and drops the scratch', async () => {
    const { client, queries, loads } = fake();
    const wh = new BigqueryWarehouse(client, { project: 'acme', dataset: 'clari', description: 'bq' });
    const stager = await wh.openStage({
      name: 'stage_users',
      columns: [
        { name: 'user_id', type: 'text' },
        { name: 'n', type: 'bigint' },
      ],
    });
    await stager.append([
      ['u1', 'u2'],
      [1, null],
    ]);
    expect(await stager.close()).toBe(2);
    const sql = queries.map(
      (q) => `${q.session ? 'session' : 'alone'}: ${q.sql.replace(/clari_dp_stage_[0-9a-f]+_/g, 'clari_dp_stage_X_')}`,
    );
    expect(sql).toEqual([
      'session: DROP TABLE IF EXISTS stage_users',
      'session: CREATE TEMP TABLE stage_users (user_id STRING, n INT64)',
      'alone: CREATE OR REPLACE TABLE `acme.clari.clari_dp_stage_X_stage_users` (user_id STRING, n INT64) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY))',
      'session: INSERT INTO stage_users (user_id, n) SELECT user_id, n FROM `acme.clari.clari_dp_stage_X_stage_users`',
      'alone: DROP TABLE IF EXISTS `acme.clari.clari_dp_stage_X_stage_users`',
    ]);
    expect(loads).toEqual([
      {
        table: expect.stringMatching(/^clari_dp_stage_[0-9a-f]{12}_stage_users$/),
        lines: '{"user_id":"u1","n":1}\n{"user_id":"u2","n":null}\n',
      },
    ]);
  });

  it('wraps writes in BEGIN/COMMIT TRANSACTION in the session, after any DDL', async () => {
    const { client, queries } = fake();
    const wh = new BigqueryWarehouse(client, { project: 'acme', dataset: 'clari', description: 'bq' });
    await wh.transaction(async (tx) => {
      await tx.exec('CREATE TEMP TABLE s AS SELECT 1 AS a');
      await tx.exec('DELETE FROM clari_snapshots WHERE forecast_id = $1', ['f']);
    });
    expect(queries.map((q) => q.sql)).toEqual([
      'CREATE TEMP TABLE s AS SELECT 1 AS a',
      'BEGIN TRANSACTION',
      'DELETE FROM clari_snapshots WHERE forecast_id = @p1',
      'COMMIT TRANSACTION',
    ]);
    expect(queries.every((q) => q.session)).toBe(true);
  });
});
