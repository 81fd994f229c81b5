/**
 * The Snowflake adapter without Snowflake: URL and credential parsing, error classification, and
 * SnowflakeWarehouse over a fake client (binds, result shapes, staging, transactions). The same
 * class also runs the whole pipeline on DuckDB in test/warehouse/golden.test.ts.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WarehouseError } from '../errors.js';
import { snowflakeSettings } from './config.js';
import { classifySnowflake } from './errors.js';
import { type SnowflakeBind, type SnowflakeClient, type SnowflakeResult, SnowflakeWarehouse } from './warehouse.js';

const URL = 'snowflake://CLARI_DP@myorg-myaccount/ANALYTICS/CLARI?warehouse=LOAD_WH&role=CLARI_DP';

describe('snowflake settings', () => {
  it('reads the URL, and key-pair credentials from the environment', () => {
    const s = snowflakeSettings(URL, {
      SNOWFLAKE_PRIVATE_KEY_FILE: '/run/secrets/rsa_key.p8',
      SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'correct horse',
    });
    expect(s).toMatchObject({
      account: 'myorg-myaccount',
      username: 'CLARI_DP',
      database: 'ANALYTICS',
      schema: 'CLARI',
      warehouse: 'LOAD_WH',
      role: 'CLARI_DP',
      authenticator: 'SNOWFLAKE_JWT',
    });
    expect(s.auth).toEqual({
      kind: 'key-pair',
      privateKeyPath: '/run/secrets/rsa_key.p8',
      passphrase: 'correct horse',
      from: 'SNOWFLAKE_PRIVATE_KEY_FILE',
    });
    expect(s.description).toBe('snowflake://CLARI_DP@myorg-myaccount/ANALYTICS/CLARI?warehouse=LOAD_WH&role=CLARI_DP');
    expect(s.secrets).toEqual(['correct horse']);
  });

  it('takes a password from SNOWFLAKE_PASSWORD or from the URL, and never shows it', () => {
    expect(snowflakeSettings(URL, { SNOWFLAKE_PASSWORD: 's3cret-pw' }).auth).toMatchObject({
      kind: 'password',
      password: 's3cret-pw',
      from: 'SNOWFLAKE_PASSWORD',
    });
    const inline = snowflakeSettings('snowflake://CLARI_DP:p%40ss-w0rd@myorg-myaccount/ANALYTICS/CLARI', {});
    expect(inline.auth).toMatchObject({
      kind: 'password',
      password: 'p@ss-w0rd',
      from: 'the URL in CLARI_DP_WAREHOUSE',
    });
    expect(inline.authenticator).toBe('SNOWFLAKE');
    expect(inline.description).not.toContain('p@ss');
    expect(inline.description).not.toContain('p%40ss');
  });

  it.each([
    ['no credentials', URL, {}, /no Snowflake credentials/, /SNOWFLAKE_PRIVATE_KEY_FILE/],
    [
      'no schema',
      'snowflake://U@acct/DB',
      { SNOWFLAKE_PASSWORD: 'x' },
      /missing the user, account, database or schema/,
      /snowflake:\/\/USER@ACCOUNT/,
    ],
    [
      'a quoted name',
      'snowflake://U@acct/DB/"my schema"',
      { SNOWFLAKE_PASSWORD: 'x' },
      /not a plain identifier/,
      /unquoted/,
    ],
  ])('refuses %s with the fix', (_, url, env, message, hint) => {
    let error: unknown;
    try {
      snowflakeSettings(url, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WarehouseError);
    expect(error).toMatchObject({
      code: 'warehouse.config',
      kind: 'config',
      message: expect.stringMatching(message),
      hint: expect.stringMatching(hint),
    });
  });
});

describe('snowflake errors', () => {
  const where = 'snowflake://CLARI_DP@acct/DB/S';
  it.each([
    [{ code: '390100', message: 'Incorrect username or password was specified.' }, 'warehouse.auth', 'config'],
    [{ code: 401001, message: 'Network error. Could not reach Snowflake.' }, 'warehouse.unreachable', 'transient'],
    [
      { code: '003001', message: "SQL access control error: Insufficient privileges to operate on schema 'CLARI'" },
      'warehouse.privilege',
      'config',
    ],
    [
      { code: '000606', message: 'No active warehouse selected in the current session.' },
      'warehouse.privilege',
      'config',
    ],
    [
      { code: '002003', message: "SQL compilation error: Object 'NO_SUCH_TABLE' does not exist or not authorized." },
      'warehouse.query',
      'internal',
    ],
  ])('classifies %o', (error, code, kind) => {
    const classified = classifySnowflake(error, where, ['hunter2-password'], 'SELECT * FROM no_such_table');
    expect(classified).toMatchObject({ code, kind });
    expect(classified.message).toContain(where);
  });

  it('scrubs secrets a driver message might echo', () => {
    const classified = classifySnowflake(
      { code: '390100', message: 'login failed for password hunter2-password' },
      'sf',
      ['hunter2-password'],
    );
    expect(classified.message).not.toContain('hunter2-password');
    expect(classified.message).toContain('***');
  });
});

/** A client that records statements and answers from a script. */
function fakeClient(answer: (sql: string) => SnowflakeResult | Error = () => ({ rows: [], columns: [] })): {
  client: SnowflakeClient;
  calls: { sql: string; binds: readonly SnowflakeBind[] }[];
  files: string[];
} {
  const calls: { sql: string; binds: readonly SnowflakeBind[] }[] = [];
  const files: string[] = [];
  return {
    calls,
    files,
    client: {
      execute: (sql, binds) => {
        calls.push({ sql, binds });
        const put = /^PUT 'file:\/\/(.+?)'/.exec(sql);
        // PUT reads the file while it exists; so does this fake.
        if (put) files.push(gunzipSync(readFileSync(put[1]!)).toString('utf8'));
        const result = answer(sql);
        return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
      },
      close: () => Promise.resolve(),
    },
  };
}

describe('SnowflakeWarehouse', () => {
  it('binds as :n, and returns lower-case names, exact numbers as strings, floats as numbers, UTC timestamps', async () => {
    const { client, calls } = fakeClient(() => ({
      rows: [
        {
          N: '5',
          AMOUNT: '1234567890123.45',
          SHARE: '0.25',
          AT: '2026-04-10 14:00:04.500',
          D: '2026-11-23',
          OK: true,
          NOTHING: null,
        },
      ],
      columns: [
        { name: 'N', type: 'fixed' },
        { name: 'AMOUNT', type: 'fixed' },
        { name: 'SHARE', type: 'real' },
        { name: 'AT', type: 'timestamp_ntz' },
        { name: 'D', type: 'date' },
        { name: 'OK', type: 'boolean' },
        { name: 'NOTHING', type: 'text' },
      ],
    }));
    const wh = new SnowflakeWarehouse(client, 'sf');
    const rows = await wh.query('SELECT ... WHERE a = $1 AND b = $2 AND c = $1', ['x', 9007199254740993n]);
    expect(calls).toEqual([{ sql: 'SELECT ... WHERE a = :1 AND b = :2 AND c = :1', binds: ['x', '9007199254740993'] }]);
    expect(rows).toEqual([
      {
        n: '5',
        amount: '1234567890123.45',
        share: 0.25,
        at: '2026-04-10 14:00:04.5',
        d: '2026-11-23',
        ok: true,
        nothing: null,
      },
    ]);
  });

  it('stages through a gzipped NDJSON file, PUT to a temporary stage and one COPY INTO, and defers BEGIN to the first write', async () => {
    const { client, calls, files } = fakeClient();
    const wh = new SnowflakeWarehouse(client, 'sf');
    const rows = await wh.transaction(async (tx) => {
      const stager = await tx.openStage({
        name: 'stage_test',
        columns: [
          { name: 'k', type: 'text' },
          { name: 'v', type: 'double' },
          { name: 'ms', type: 'bigint' },
          { name: 'b', type: 'boolean' },
        ],
      });
      await stager.append([
        ['a"\n', null],
        [1.5, Number.NaN],
        [1775829600000, 9007199254740993n],
        [true, false],
      ]);
      const staged = await stager.close();
      await tx.exec('INSERT INTO t SELECT * FROM stage_test');
      return staged;
    });
    expect(rows).toBe(2);
    expect(calls.map((c) => c.sql.replace(/'file:\/\/[^']+'/, "'file://<tmp>'"))).toEqual([
      'DROP TABLE IF EXISTS stage_test',
      'CREATE TEMPORARY TABLE stage_test (k VARCHAR, v DOUBLE, ms BIGINT, b BOOLEAN)',
      'CREATE TEMPORARY STAGE IF NOT EXISTS clari_dp_load',
      "PUT 'file://<tmp>' @clari_dp_load/stage_test/ AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE",
      'COPY INTO stage_test FROM @clari_dp_load/stage_test/ FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE',
      'BEGIN TRANSACTION',
      'INSERT INTO t SELECT * FROM stage_test',
      'COMMIT',
    ]);
    expect(files).toEqual([
      '{"k":"a\\"\\n","v":1.5,"ms":1775829600000,"b":true}\n{"k":null,"v":null,"ms":9007199254740993,"b":false}\n',
    ]);
    expect(wh.transactionSplits).toBe(0);
  });

  it('classifies engine errors, naming the statement but never its bound values', async () => {
    const { client } = fakeClient(() =>
      Object.assign(new Error("SQL compilation error: Object 'NOPE' does not exist or not authorized."), {
        code: '002003',
      }),
    );
    const wh = new SnowflakeWarehouse(client, 'sf');
    const error = await wh.query('SELECT * FROM nope WHERE secret = $1', ['bound-value-123']).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'warehouse.query',
      message: expect.stringContaining('SELECT * FROM nope WHERE secret = :1'),
    });
    expect((error as Error).message).not.toContain('bound-value-123');
  });
});
