/**
 * `doctor`'s least-privilege checks. No Snowflake or BigQuery runs here, so their adapters get a
 * client that refuses what a role without the grant would be refused, with the engines' own error
 * codes and messages; the real classifier, probes and check lines do the rest. DuckDB shows the
 * healthy case on a real engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatChecks, privilegeChecks } from '../../src/app/index.js';
import { checkPrivileges, migrate, openWarehouse } from '../../src/warehouse/index.js';
import { BigqueryWarehouse } from '../../src/warehouse/bigquery/warehouse.js';
import { SnowflakeWarehouse } from '../../src/warehouse/snowflake/warehouse.js';

const ok = { rows: [], columns: [] };

describe('doctor privilege checks', () => {
  it('PASS on a warehouse that allows everything (a real DuckDB file), leaving no probe objects behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-priv-'));
    const wh = await openWarehouse(`duckdb:${join(dir, 'wh.duckdb')}`);
    try {
      await migrate(wh, () => '2026-11-23 10:00:00');
      const checks = privilegeChecks(await checkPrivileges(wh, { migrated: true }));
      expect(checks).toEqual([
        {
          name: 'Warehouse privileges',
          status: 'PASS',
          detail: expect.stringContaining(
            'create tables, create views, stage bulk loads, read and write the clari_ tables',
          ),
        },
      ]);
      expect(
        await wh.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'clari_dp_probe%'"),
      ).toEqual([]);
    } finally {
      await wh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Snowflake: a role without CREATE VIEW gets one FAIL line naming the grant', async () => {
    const refuse = Object.assign(
      new Error("SQL access control error: Insufficient privileges to operate on schema 'CLARI'"),
      { code: '003001' },
    );
    const wh = new SnowflakeWarehouse(
      {
        execute: (sql) => (/CREATE OR REPLACE VIEW/.test(sql) ? Promise.reject(refuse) : Promise.resolve(ok)),
        close: () => Promise.resolve(),
      },
      'snowflake://CLARI_DP@acct/ANALYTICS/CLARI',
    );
    const checks = privilegeChecks(await checkPrivileges(wh, { migrated: true }));
    expect(checks).toEqual([
      {
        name: 'Warehouse privileges',
        status: 'FAIL',
        detail: expect.stringMatching(
          /^missing privilege to create views: snowflake:\/\/CLARI_DP@acct\/ANALYTICS\/CLARI: SQL access control error: Insufficient privileges/,
        ),
        fix: 'GRANT CREATE VIEW ON SCHEMA <db>.<schema> TO ROLE <clari_dp_role>;',
      },
    ]);
    expect(formatChecks(checks)).toMatch(
      /^FAIL {2}Warehouse privileges {2}missing privilege to create views: .*\n {4,}fix: GRANT CREATE VIEW ON SCHEMA/,
    );
  });

  it('BigQuery: a service account without Job User cannot run the load job; the fix is the project role', async () => {
    const denied = Object.assign(
      new Error('Access Denied: Project acme: User does not have bigquery.jobs.create permission in project acme.'),
      { code: 403, errors: [{ reason: 'accessDenied' }] },
    );
    const wh = new BigqueryWarehouse(
      {
        query: () => Promise.resolve({ rows: [], fields: [] }),
        load: () => Promise.reject(denied),
        close: () => Promise.resolve(),
      },
      { project: 'acme', dataset: 'clari', description: 'bigquery://acme/clari' },
    );
    const results = await checkPrivileges(wh, { migrated: false });
    expect(results.map((r) => [r.privilege, r.ok])).toEqual([
      ['create_table', true],
      ['create_view', true],
      ['stage', false],
    ]);
    const [check] = privilegeChecks(results);
    expect(check).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('missing privilege to stage bulk loads'),
      fix: expect.stringContaining('--role=roles/bigquery.jobUser'),
    });
  });

  it('an error that is not about privileges is reported as it is, with its own hint', async () => {
    const down = Object.assign(new Error('Network error. Could not reach Snowflake.'), { code: 401001 });
    const wh = new SnowflakeWarehouse({ execute: () => Promise.reject(down), close: () => Promise.resolve() }, 'sf');
    const checks = privilegeChecks(await checkPrivileges(wh, { migrated: false }));
    expect(checks).toHaveLength(3);
    expect(checks[0]).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(/^could not create tables: sf is unreachable/),
      fix: expect.stringContaining('snowflakecomputing.com'),
    });
  });
});
