/**
 * Opening Snowflake and BigQuery from CLARI_DP_WAREHOUSE with the real optional drivers: the adapter
 * modules load lazily and resolve their drivers, and what can go wrong before any network call (a
 * missing driver, missing or unreadable credentials, a malformed URL) is a config error with the
 * fix, never carrying a secret.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWarehouseUrl, openWarehouse, parseWarehouseUrl } from '../../src/warehouse/index.js';
import { loadAdapter, OPTIONAL_DRIVERS } from '../../src/warehouse/drivers.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { optionalDependencies: Record<string, string> };

describe('optional drivers', () => {
  it('are pinned in package.json at the versions the error message tells users to install', () => {
    for (const driver of Object.values(OPTIONAL_DRIVERS)) expect(pkg.optionalDependencies[driver.package], driver.package).toBe(driver.version);
  });

  it('a missing driver becomes a config error naming the npm install command', async () => {
    const missing = Object.assign(new Error("Cannot find package 'snowflake-sdk' imported from /app/dist/warehouse/snowflake/adapter.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await loadAdapter('snowflake', () => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'warehouse.driver_missing', kind: 'config', message: expect.stringContaining('snowflake-sdk'), hint: expect.stringContaining('npm install snowflake-sdk@3.3.0') });
    const other = Object.assign(new Error("Cannot find module './lost.js'"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadAdapter('bigquery', () => Promise.reject(other))).rejects.toBe(other);
  });
});

describe('opening cloud warehouses', () => {
  it('Snowflake without credentials: a config error before any network call', async () => {
    const error = await openWarehouse('snowflake://CLARI_DP@myorg-myaccount/ANALYTICS/CLARI?warehouse=LOAD_WH').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'warehouse.config', message: expect.stringContaining('no Snowflake credentials'), hint: expect.stringContaining('SNOWFLAKE_PRIVATE_KEY_FILE') });
  });

  it('BigQuery with an unreadable key file: an auth error saying which setting to fix', async () => {
    const error = await openWarehouse('bigquery://acme-analytics/clari?key_file=/nonexistent/clari-sa.json').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'warehouse.auth', kind: 'config', hint: expect.stringContaining('GOOGLE_APPLICATION_CREDENTIALS') });
  });

  it('URLs: forms are checked and passwords masked', () => {
    expect(parseWarehouseUrl('bigquery://acme-analytics/clari?location=EU')).toEqual({ kind: 'bigquery', url: 'bigquery://acme-analytics/clari?location=EU', project: 'acme-analytics', dataset: 'clari' });
    expect(() => parseWarehouseUrl('bigquery://acme-analytics')).toThrow(expect.objectContaining({ code: 'warehouse.config', hint: expect.stringContaining('bigquery://PROJECT/DATASET') }));
    expect(describeWarehouseUrl('snowflake://CLARI_DP:hunter2@acct/DB/S?warehouse=WH')).toBe('snowflake://CLARI_DP:***@acct/DB/S?warehouse=WH');
  });
});
