/**
 * Opening Snowflake and BigQuery from CLARI_DP_WAREHOUSE with the real optional drivers: the adapter
 * modules load lazily and resolve their drivers, and what can go wrong before any network call (a
 * missing driver, missing or unreadable credentials, a malformed URL) is a config error with the
 * fix, never carrying a secret.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWarehouseUrl, openWarehouse, parseWarehouseUrl, type Warehouse } from '../../src/warehouse/index.js';
import { loadAdapter, OPTIONAL_DRIVERS } from '../../src/warehouse/drivers.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  optionalDependencies: Record<string, string>;
};

describe('optional drivers', () => {
  it('are pinned in package.json at the versions the error message tells users to install', () => {
    for (const driver of Object.values(OPTIONAL_DRIVERS))
      expect(pkg.optionalDependencies[driver.package], driver.package).toBe(driver.version);
  });

  it('a missing driver becomes a config error naming the npm install command', async () => {
    const missing = Object.assign(
      new Error("Cannot find package 'snowflake-sdk' imported from /app/dist/warehouse/snowflake/adapter.js"),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
    const error = await loadAdapter('snowflake', () => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'warehouse.driver_missing',
      kind: 'config',
      message: expect.stringContaining('snowflake-sdk'),
      hint: expect.stringContaining('npm install snowflake-sdk@3.3.0'),
    });
    const other = Object.assign(new Error("Cannot find module './lost.js'"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadAdapter('bigquery', () => Promise.reject(other))).rejects.toBe(other);
  });
});

describe('opening cloud warehouses', () => {
  it('Snowflake without credentials: a config error before any network call', async () => {
    const error = await openWarehouse('snowflake://CLARI_DP@myorg-myaccount/ANALYTICS/CLARI?warehouse=LOAD_WH').catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'warehouse.config',
      message: expect.stringContaining('no Snowflake credentials'),
      hint: expect.stringContaining('SNOWFLAKE_PRIVATE_KEY_FILE'),
    });
  });

  it('BigQuery with an unreadable key file: an auth error saying which setting to fix', async () => {
    const error = await openWarehouse('bigquery://acme-analytics/clari?key_file=/nonexistent/clari-sa.json').catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'warehouse.auth',
      kind: 'config',
      hint: expect.stringContaining('GOOGLE_APPLICATION_CREDENTIALS'),
    });
  });

  it('URLs: forms are checked and passwords masked', () => {
    expect(parseWarehouseUrl('bigquery://acme-analytics/clari?location=EU')).toEqual({
      kind: 'bigquery',
      url: 'bigquery://acme-analytics/clari?location=EU',
      project: 'acme-analytics',
      dataset: 'clari',
    });
    expect(() => parseWarehouseUrl('bigquery://acme-analytics')).toThrow(
      expect.objectContaining({
        code: 'warehouse.config',
        hint: expect.stringContaining('bigquery://PROJECT/DATASET'),
      }),
    );
    expect(describeWarehouseUrl('snowflake://CLARI_DP:hunter2@acct/DB/S?warehouse=WH')).toBe(
      'snowflake://CLARI_DP:***@acct/DB/S?warehouse=WH',
    );
  });
});

describe('DuckDB URL settings', () => {
  it('memory_limit and threads reach the engine; a load runs under load_memory_limit, restored after commit and rollback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-duck-settings-'));
    const limit = async (wh: Warehouse): Promise<unknown> =>
      (await wh.query("SELECT current_setting('memory_limit') AS m"))[0]!.m;
    try {
      const configured = await openWarehouse(`duckdb:${join(dir, 'a.duckdb')}?memory_limit=300MB&threads=1`);
      try {
        expect(
          await configured.query("SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t"),
        ).toEqual([{ m: '286.1 MiB', t: '1' }]);
        await configured.transaction(async (tx) => {
          await tx.openStage({ name: 'stage_probe', columns: [{ name: 'id', type: 'bigint' }] });
          expect(await limit(tx)).toBe('91.5 MiB');
        });
        expect(await limit(configured)).toBe('286.1 MiB');
        await expect(
          configured.transaction(async (tx) => {
            await tx.openStage({ name: 'stage_probe', columns: [{ name: 'id', type: 'bigint' }] });
            throw new Error('load failed');
          }),
        ).rejects.toThrow('load failed');
        expect(await limit(configured)).toBe('286.1 MiB');
      } finally {
        await configured.close();
      }
      // Defaults: DuckDB's own session limit (gigabytes here), the load cap during loads.
      const defaults = await openWarehouse(`duckdb:${join(dir, 'b.duckdb')}`);
      try {
        expect(await limit(defaults)).toMatch(/GiB$/);
        const load = (): Promise<void> =>
          defaults.transaction(async (tx) => {
            await tx.openStage({ name: 'stage_probe', columns: [{ name: 'id', type: 'bigint' }] });
            expect(await limit(tx)).toBe('91.5 MiB');
          });
        await load();
        const restored = await limit(defaults);
        expect(restored).toMatch(/GiB$/);
        // Many loads in one process (the scheduler) restore the same limit, not a drifting one.
        for (let i = 0; i < 3; i++) await load();
        expect(await limit(defaults)).toBe(restored);
      } finally {
        await defaults.close();
      }
      expect(parseWarehouseUrl('duckdb:./x.duckdb?memory_limit=64MB')).toMatchObject({
        settings: { memory_limit: '64MB', load_memory_limit: '64MB' },
      });
      expect(parseWarehouseUrl('duckdb:./x.duckdb?load_memory_limit=1GiB')).toMatchObject({
        settings: { load_memory_limit: '1GiB' },
      });
      expect(() => parseWarehouseUrl('duckdb:./x.duckdb?memory_limit=lots')).toThrow(
        expect.objectContaining({ code: 'warehouse.config', hint: expect.stringContaining('memory_limit') }),
      );
      expect(() => parseWarehouseUrl('duckdb:./x.duckdb?access_mode=READ_ONLY')).toThrow(
        /unsupported setting access_mode/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a load that runs out of memory under the load cap runs again under the session limit; one over the session limit fails with the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-duck-oom-'));
    // Distinct hashes of 300,000 rows: more than 4MB, a few MB under DuckDB's default.
    const load = (wh: Warehouse, attempts: string[]): Promise<void> =>
      wh.transaction(async (tx) => {
        await tx.openStage({ name: 'stage_probe', columns: [{ name: 'id', type: 'bigint' }] });
        attempts.push(String((await tx.query("SELECT current_setting('memory_limit') AS m"))[0]!.m));
        await tx.exec('CREATE TABLE t AS SELECT range AS id, md5(range::VARCHAR) AS h FROM range(300000)');
        await tx.query('SELECT count(DISTINCT h) AS n FROM t');
      });
    try {
      const capped = await openWarehouse(`duckdb:${join(dir, 'a.duckdb')}?load_memory_limit=4MB`);
      try {
        const attempts: string[] = [];
        await load(capped, attempts);
        expect(attempts).toEqual(['3.8 MiB', expect.stringMatching(/GiB$/)]);
        expect(await capped.query('SELECT count(*)::INTEGER AS n FROM t')).toEqual([{ n: 300_000 }]);
        // The cap applies again to the next load.
        const next: string[] = [];
        await capped.transaction(async (tx) => {
          await tx.openStage({ name: 'stage_probe', columns: [{ name: 'id', type: 'bigint' }] });
          next.push(String((await tx.query("SELECT current_setting('memory_limit') AS m"))[0]!.m));
        });
        expect(next).toEqual(['3.8 MiB']);
      } finally {
        await capped.close();
      }
      // A session limit that caps loads too: nothing higher to retry under.
      const small = await openWarehouse(`duckdb:${join(dir, 'b.duckdb')}?memory_limit=4MB`);
      try {
        const attempts: string[] = [];
        await expect(load(small, attempts)).rejects.toMatchObject({
          code: 'warehouse.out_of_memory',
          hint: expect.stringContaining('memory_limit=4GB'),
        });
        expect(attempts).toHaveLength(1);
        expect(await small.query("SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 't'")).toEqual([
          { n: 0 },
        ]);
      } finally {
        await small.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
