/**
 * The warehouse port on every engine: migrations, queries, transactions, bulk staging, errors. The
 * engine matrix (DuckDB, PostgreSQL, and Snowflake and BigQuery when credentials are present) plus
 * the Snowflake and BigQuery adapters running on DuckDB (emulated-warehouses.ts), so their binding,
 * staging, transactions and result shapes meet the same assertions here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEAL_TABLES,
  migrate,
  migrationStatus,
  type Migration,
  MIGRATIONS,
  TABLES,
  type Warehouse,
} from '../../src/warehouse/index.js';
import { emulatedBigquery, emulatedSnowflake } from '../support/emulated-warehouses.js';
import { ENGINES, testWarehouse } from '../support/warehouses.js';

const now = () => '2026-11-23 10:00:00';

async function open(engine: string): Promise<{ wh: Warehouse; dispose: () => Promise<void> }> {
  if (engine === 'snowflake adapter on DuckDB' || engine === 'bigquery adapter on DuckDB') {
    const emulated = engine.startsWith('snowflake') ? await emulatedSnowflake() : await emulatedBigquery();
    return { wh: emulated.adapter, dispose: () => emulated.dispose() };
  }
  const target = await testWarehouse(engine as (typeof ENGINES)[number]);
  const wh = await target.open();
  return { wh, dispose: () => wh.close().then(() => target.dispose()) };
}

describe.each([...ENGINES, 'snowflake adapter on DuckDB', 'bigquery adapter on DuckDB'])('%s', (engine) => {
  let wh: Warehouse;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ wh, dispose } = await open(engine));
  });
  afterAll(async () => {
    await dispose();
  });

  it('migrates every table once, then has nothing pending', async () => {
    expect(await migrate(wh, now)).toEqual([1, 3, 4]);
    expect(await migrate(wh, now)).toEqual([]);
    const status = await migrationStatus(wh);
    expect(status.applied).toEqual([1, 3, 4]);
    for (const table of [...Object.values(TABLES), ...Object.values(DEAL_TABLES)]) {
      const rows = await wh.query(`SELECT count(*) AS n FROM ${table.name}`);
      expect(rows[0], table.name).toEqual({ n: '0' });
    }
  });

  it('a failing migration is not recorded; where DDL is transactional it leaves the schema as it was', async () => {
    const broken: Migration = {
      version: 99,
      name: 'broken',
      statements: () => ['CREATE TABLE IF NOT EXISTS half_done (a INTEGER)', 'CREATE TABLE nope ('],
    };
    if (wh.dialect.transactionalDdl) {
      await expect(migrate(wh, now, [...MIGRATIONS, broken])).rejects.toMatchObject({
        code: 'warehouse.migration',
        message: expect.stringContaining('schema is unchanged'),
      });
      await expect(wh.query('SELECT * FROM half_done')).rejects.toMatchObject({ code: 'warehouse.query' });
    } else {
      // Snowflake and BigQuery: the statements before the failure stay, and are safe to run again.
      await expect(migrate(wh, now, [...MIGRATIONS, broken])).rejects.toMatchObject({
        code: 'warehouse.migration',
        message: expect.stringContaining('not recorded as applied'),
      });
      expect(await wh.query('SELECT count(*) AS n FROM half_done')).toEqual([{ n: '0' }]);
    }
    expect((await migrationStatus(wh, [...MIGRATIONS, broken])).pending.map((m) => m.version)).toEqual([99]);
  });

  it('stages rows in bulk inside a transaction, and a rollback discards everything', async () => {
    const stagedRows = 5000;
    const batch = [
      Array.from({ length: stagedRows }, (_, i) => `k${i}\t"tab\\ \n`),
      Array.from({ length: stagedRows }, (_, i) => (i % 7 === 0 ? null : i / 4)),
      Array.from({ length: stagedRows }, (_, i) => 1775829600000 + i),
      Array.from({ length: stagedRows }, (_, i) => i % 2 === 0),
    ];
    const count = await wh.transaction(async (tx) => {
      const stager = await tx.openStage({
        name: 'stage_test',
        columns: [
          { name: 'k', type: 'text' },
          { name: 'v', type: 'double' },
          { name: 'ms', type: 'bigint' },
          { name: 'b', type: 'boolean' },
        ],
      });
      await stager.append(batch);
      expect(await stager.close()).toBe(stagedRows);
      const rows = await tx.query(
        `SELECT count(*) AS n, count(v) AS nv, sum(CAST(v AS DECIMAL(18,2))) AS s, min(k) AS k, max(${tx.dialect.epochMsToTimestamp('ms')}) AS t FROM stage_test`,
      );
      expect(rows[0]).toMatchObject({ n: String(stagedRows), nv: String(stagedRows - Math.ceil(stagedRows / 7)) });
      expect(String(rows[0]!.k)).toBe('k0\t"tab\\ \n');
      expect(String(rows[0]!.t)).toMatch(/^2026-04-10 14:00:04\.999/);
      await tx.exec("INSERT INTO clari_time_periods (time_period, label) VALUES ('2026_Q1', 'x')");
      return rows[0]!.n;
    });
    expect(count).toBe(String(stagedRows));
    await expect(
      wh.transaction(async (tx) => {
        await tx.exec("INSERT INTO clari_time_periods (time_period, label) VALUES ('2026_Q2', 'y')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await wh.query('SELECT time_period FROM clari_time_periods ORDER BY time_period')).toEqual([
      { time_period: '2026_Q1' },
    ]);
  });

  it('returns exact decimals and dates as strings', async () => {
    const rows = await wh.query(
      `SELECT CAST(1234567890123.45 AS DECIMAL(18,2)) AS m, CAST('2026-11-23' AS DATE) AS d, CAST(9007199254740993 AS BIGINT) AS b, 1.5 AS f`,
    );
    expect(rows[0]).toMatchObject({ m: '1234567890123.45', d: '2026-11-23', b: '9007199254740993' });
  });

  it('classifies a bad statement with the statement in the message', async () => {
    await expect(wh.query('SELECT * FROM no_such_table')).rejects.toMatchObject({
      code: 'warehouse.query',
      message: expect.stringContaining('no_such_table'),
    });
  });
});
