/**
 * `clari-dp debug-bundle` on a warehouse filled by the real pipeline (simulator over HTTP, DuckDB):
 * the archive is a valid .tar.gz (read back with a small reader written here, and by the system
 * tar), has the documented files, and holds no API key, no name or e-mail of anyone in
 * clari_users, and no amount from clari_forecasts, even when an error text quotes them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, defaultDealSettings, type Io } from '../../src/app/index.js';
import { debugBundle } from '../../src/cli/commands/debug-bundle.js';
import { EXIT } from '../../src/cli/output.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { testPipeline } from '../support/pipeline.js';
import { startTestSim } from '../support/sim.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';
import { DEAL_TABLES } from '../../src/warehouse/index.js';

const DEALS = defaultDealSettings();

const KEY = 'clari-bundle-test-key-5f3a9c';
const SLACK = 'https://hooks.slack.com/services/T0001/B0001/bundleSecretPath42';
const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';

interface TarFile {
  name: string;
  mode: number;
  mtime: number;
  content: string;
}

/** Reads a ustar archive: 512-byte headers (checksum verified), data padded to 512, zero blocks at the end. */
function readTar(archive: Buffer): TarFile[] {
  const files: TarFile[] = [];
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number): string =>
      header
        .subarray(start, start + length)
        .toString('latin1')
        .replace(/\0.*$/s, '')
        .trim();
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    expect(parseInt(field(148, 8), 8), 'header checksum').toBe(sum);
    expect(field(257, 6)).toBe('ustar');
    expect(field(156, 1)).toBe('0');
    const size = parseInt(field(124, 12), 8);
    files.push({
      name: header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, ''),
      mode: parseInt(field(100, 8), 8),
      mtime: parseInt(field(136, 12), 8),
      content: archive.subarray(offset + 512, offset + 512 + size).toString('utf8'),
    });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe.each(ENGINES)('clari-dp debug-bundle on %s', (engine) => {
  let sim: RunningSimulator;
  let target: TestWarehouse;
  let dataDir: string;
  const people: string[] = [];
  const amounts: string[] = [];
  /** Names, e-mails, subjects and account and opportunity names of the deal tables. */
  const deals: string[] = [];

  beforeAll(async () => {
    sim = await startTestSim({ apiKey: KEY, asOf: DAY1, users: 24, forecasts: 2 });
    target = await testWarehouse(engine);
    const wh = await target.open();
    try {
      const p = testPipeline(sim, wh, { client: { apiKey: KEY } });
      dataDir = p.dataDir;
      // Day 1: one good forecast, one that does not exist (clari.forecast_not_found).
      expect((await p.run({ asOf: DAY1, forecasts: [{ id: 'net_new_arr' }, { id: 'not_a_tab' }] })).status).toBe(
        'partial',
      );
      // Day 2: reps revise their calls; then an empty export where there were rows (data.empty_export).
      await fetch(`${sim.origin}/__sim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: 1 }) });
      // With deals on: activities, participants and opportunities whose names, e-mails, subjects
      // and amounts must not reach the bundle either (only their row counts do).
      expect(
        (await p.run({ asOf: DAY2, forecasts: [{ id: 'net_new_arr' }], periodCount: 1 }, { activity: DEALS })).status,
      ).toBe('success');
      await fetch(`${sim.origin}/__sim/config`, {
        method: 'POST',
        body: JSON.stringify({ faultRate: 1, faultKinds: ['empty'] }),
      });
      expect(
        (await p.run({ asOf: DAY2, forecasts: [{ id: 'renewals' }, { id: 'net_new_arr' }], periodCount: 1 })).status,
      ).not.toBe('success');

      const users = await wh.query<{ name: string | null; email: string | null }>(
        'SELECT DISTINCT name, email FROM clari_users',
      );
      const owners = await wh.query<{ owner_name: string; owner_email: string }>(
        'SELECT DISTINCT owner_name, owner_email FROM clari_forecasts',
      );
      for (const u of users) people.push(...[u.name, u.email].filter((v): v is string => !!v));
      for (const o of owners) people.push(o.owner_name, o.owner_email);
      const money = await wh.query<Record<string, string | null>>(
        'SELECT DISTINCT forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount FROM clari_forecasts',
      );
      for (const row of money)
        for (const v of Object.values(row)) if (v !== null && Math.abs(Number(v)) >= 100) amounts.push(v);
      const dealTexts = await wh.query<{ v: string | null }>(
        `SELECT DISTINCT name AS v FROM clari_activity_participants UNION SELECT DISTINCT email FROM clari_activity_participants
         UNION SELECT DISTINCT subject FROM clari_activities UNION SELECT DISTINCT name FROM clari_opportunities
         UNION SELECT DISTINCT account_name FROM clari_activity_accounts`,
      );
      for (const row of dealTexts) if (row.v) deals.push(row.v);
      const dealMoney = await wh.query<{ v: string | null }>('SELECT DISTINCT amount AS v FROM clari_opportunities');
      for (const row of dealMoney) if (row.v !== null && Math.abs(Number(row.v)) >= 100) amounts.push(row.v);

      // An error text that quotes a person, an e-mail, an amount and the key, as a Clari message might.
      const person = users.find((u) => u.name && u.email)!;
      const amount = amounts[0]!;
      const hostile = `Clari said: owner ${person.name} <${person.email}> holds ${amount} (payload sum ${amount}); apikey=${KEY}`;
      await wh.exec(
        "INSERT INTO clari_sync_runs (run_id, started_at, finished_at, status, as_of, trigger, error) VALUES ('run-hostile', '2026-11-24 09:00:00', '2026-11-24 09:01:00', 'failed', '2026-11-24', 'test', $1)",
        [hostile],
      );
      await wh.exec(
        "INSERT INTO clari_export_jobs (run_id, forecast_id, time_period, status, error, error_code, warnings, payload_sum, loaded_sum) VALUES ('run-hostile', 'net_new_arr', '2026_Q4', 'failed', $1, 'test.hostile', $2, $3, $3)",
        [hostile, `schema drift near ${person.email}`, amount],
      );
    } finally {
      await wh.close();
    }
    expect(people.length).toBeGreaterThan(20);
    expect(amounts.length).toBeGreaterThan(20);
    expect(deals.length).toBeGreaterThan(20);
  });

  afterAll(async () => {
    await target.dispose();
    await sim.close();
  });

  describe('the archive', () => {
    let files: TarFile[];
    let byName: Map<string, string>;
    let out: string[];
    let cwd: string;

    beforeAll(async () => {
      cwd = mkdtempSync(join(tmpdir(), 'clari-dp-bundle-'));
      out = [];
      const io: Io = {
        stdout: (t) => out.push(t),
        stderr: (t) => out.push(t),
        isTTY: false,
        cwd,
        environment: {
          CLARI_API_KEY: KEY,
          CLARI_DP_WAREHOUSE: target.url,
          CLARI_DP_DATA_DIR: dataDir,
          CLARI_DP_FORECASTS: 'net_new_arr,renewals',
          SLACK_WEBHOOK_URL: SLACK,
          ALERT_EMAIL_TO: 'revops-lead@example.com',
        },
      };
      const ctx = createContext({ logLevel: 'silent' }, io);
      expect(await debugBundle(() => ctx, {}, [])).toBe(EXIT.ok);
      const written = readdirSync(cwd);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(/^clari-dp-debug-\d{8}T\d{6}Z\.tar\.gz$/);
      const archive = readFileSync(join(cwd, written[0]!));
      files = readTar(gunzipSync(archive));
      const stem = written[0]!.replace(/\.tar\.gz$/, '');
      byName = new Map(files.map((f) => [f.name.replace(`${stem}/`, ''), f.content]));
      expect(out.join('')).toContain(`wrote ${join(cwd, written[0]!)}`);
      if (process.env.BUNDLE_DUMP) for (const f of files) process.stdout.write(`==> ${f.name}\n${f.content}\n`);
      // The system tar reads it the same way.
      expect(
        execFileSync('tar', ['-tzf', join(cwd, written[0]!)], { encoding: 'utf8' })
          .trim()
          .split('\n'),
      ).toEqual(files.map((f) => f.name));
    });

    it('lists the documented files, each valid JSON, owner-only and dated', () => {
      expect([...byName.keys()]).toEqual([
        'manifest.json',
        'versions.json',
        'config.json',
        'runs.json',
        'jobs.json',
        'errors.json',
        'schema.json',
        'state.json',
      ]);
      for (const f of files) {
        expect(f.name).toMatch(/^clari-dp-debug-\d{8}T\d{6}Z\/[a-z]+\.json$/);
        expect(f.mode).toBe(0o600);
        expect(Math.abs(f.mtime * 1000 - Date.now())).toBeLessThan(3_600_000);
        expect(() => JSON.parse(f.content) as unknown).not.toThrow();
      }
    });

    it('contains no API key, webhook, name, e-mail or amount anywhere', () => {
      const needles = [KEY, 'bundleSecretPath42', 'revops-lead@example.com', ...people, ...amounts, ...deals];
      // Amounts also as JSON numbers would print them (1234.5, 347000), matched as whole numbers so
      // that hex hashes and run ids, which are full of digits, do not count.
      const numbers = amounts
        .map((a) => a.replace(/\.?0+$/, ''))
        .filter((n, i) => n !== amounts[i] && n.replace('-', '').length >= 5);
      const leaks: string[] = [];
      for (const [name, content] of byName) {
        const lower = content.toLowerCase();
        for (const needle of needles) if (lower.includes(needle.toLowerCase())) leaks.push(`${name}: ${needle}`);
        // config.json holds settings, never tenant data; its round millisecond settings (300000) would
        // match round amounts by number alone. Its strings are still searched above.
        if (name.endsWith('config.json')) continue;
        for (const n of numbers)
          if (new RegExp(`(?<![\\w.])${n.replace('.', '\\.')}(?![\\w.])`).test(content)) leaks.push(`${name}: ${n}`);
      }
      expect(leaks).toEqual([]);
      expect(byName.get('jobs.json')).toContain('[PERSON]');
      expect(byName.get('jobs.json')).toContain('[NUMBER]');
      expect(byName.get('runs.json')).toContain('[REDACTED]');
    });

    it('says what support needs: versions, effective config, runs, jobs without sums, grouped errors, schema and state', () => {
      const versions = JSON.parse(byName.get('versions.json')!);
      expect(versions).toMatchObject({
        clariDp: '0.1.0',
        node: process.version,
        platform: process.platform,
        warehouseEngine: {
          name: engine,
          version: expect.stringMatching(engine === 'duckdb' ? /^v\d/ : /^PostgreSQL \d/),
        },
      });
      expect(versions.dependencies['@duckdb/node-api']).toEqual({
        declared: expect.any(String),
        installed: expect.stringMatching(/^\d/),
      });
      expect(versions.dependencies.pg.installed).toMatch(/^\d/);

      const config = JSON.parse(byName.get('config.json')!);
      const setting = (key: string): { value: string; source: string } =>
        config.settings.find((s: { key: string }) => s.key === key);
      expect(setting('secrets.clariApiKey')).toMatchObject({
        value: '[REDACTED]',
        source: 'secret from CLARI_API_KEY',
      });
      expect(setting('warehouse').value).toBe(target.url.replace(/:[^:@/]+@/, ':[REDACTED]@'));
      expect(setting('alerts.emailTo').value).toBe('[EMAIL]');

      const runs = JSON.parse(byName.get('runs.json')!);
      expect(runs.rows).toHaveLength(4);
      expect(runs.rows.map((r: { status: string }) => r.status).sort()).toEqual([
        'failed',
        'partial',
        'partial',
        'success',
      ]);
      expect(Object.keys(runs.rows[0])).toEqual(
        expect.arrayContaining([
          'run_id',
          'started_at',
          'finished_at',
          'status',
          'as_of',
          'trigger',
          'error',
          'rows_loaded',
          'quota_left',
        ]),
      );

      const jobs = JSON.parse(byName.get('jobs.json')!);
      expect(jobs.rows.length).toBeGreaterThanOrEqual(6);
      for (const job of jobs.rows) {
        expect(job).not.toHaveProperty('payload_sum');
        expect(job).not.toHaveProperty('loaded_sum');
        expect(job).toHaveProperty('payload_sha256');
      }
      expect(jobs.omitted).toEqual(['payload_sum', 'loaded_sum']);

      const errors = JSON.parse(byName.get('errors.json')!);
      const codes = Object.fromEntries(
        errors.errors.map((e: { errorCode: string; count: number }) => [e.errorCode, e.count]),
      );
      expect(codes).toMatchObject({ 'clari.forecast_not_found': 2, 'data.empty_export': 1, 'test.hostile': 1 });
      expect(errors.runsByStatus).toMatchObject({ success: 1, failed: 1 });
      const notFound = errors.errors.find((e: { errorCode: string }) => e.errorCode === 'clari.forecast_not_found');
      expect(notFound).toMatchObject({
        forecasts: ['not_a_tab'],
        runs: 1,
        sample: expect.stringContaining('not_a_tab'),
      });

      const schema = JSON.parse(byName.get('schema.json')!);
      expect(schema.engine).toBe(engine);
      expect(schema.migrations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ version: 1, checksum: expect.stringMatching(/^[0-9a-f]{64}$/) }),
        ]),
      );
      expect(schema.tables.clari_forecasts.map((c: { column: string }) => c.column)).toEqual(
        expect.arrayContaining(['owner_name', 'forecast_amount', 'snapshot_date']),
      );
      expect(schema.rowCounts.clari_snapshots).toBeGreaterThanOrEqual(3);
      // The deal tables are counted (their rows are never copied).
      for (const table of Object.values(DEAL_TABLES))
        expect(schema.rowCounts[table.name], table.name).toEqual(expect.any(Number));
      for (const table of [
        'clari_activities',
        'clari_activity_participants',
        'clari_opportunities',
        'clari_activity_windows',
      ])
        expect(schema.rowCounts[table], table).toBeGreaterThan(0);
      expect(Object.keys(schema.fields)).toContain('net_new_arr');
      expect(schema.fields.net_new_arr.length).toBeGreaterThan(1);
      expect(schema.fields.net_new_arr[0]).toEqual({
        fieldId: expect.any(String),
        fieldType: expect.any(String),
        isQuota: expect.any(Boolean),
        lastSeen: expect.any(String),
      });
      expect(schema.fields.net_new_arr[0]).not.toHaveProperty('fieldName');

      const state = JSON.parse(byName.get('state.json')!);
      expect(state.landing.net_new_arr).toBeDefined();
      expect(state.pendingJobs).toEqual([]);
      expect(state.runLock).toBeNull();
    });
  });
});

describe('clari-dp debug-bundle without a warehouse', () => {
  it('still writes the archive (--out, --json) and says the warehouse was missing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'clari-dp-bundle-empty-'));
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      isTTY: false,
      cwd,
      environment: {
        CLARI_API_KEY: KEY,
        CLARI_DP_DATA_DIR: join(cwd, 'data'),
        CLARI_DP_WAREHOUSE: `duckdb:${join(cwd, 'none.duckdb')}`,
      },
    };
    const ctx = createContext({ json: true, logLevel: 'silent' }, io);
    expect(await debugBundle(() => ctx, { out: 'support.tgz' }, [])).toBe(EXIT.ok);
    const summary = JSON.parse(out.join(''));
    expect(summary).toMatchObject({
      path: join(cwd, 'support.tgz'),
      files: expect.arrayContaining(['runs.json', 'config.json']),
    });
    expect(summary.problems).toEqual(expect.arrayContaining(['runs.json: warehouse unavailable']));
    expect(readdirSync(cwd)).toEqual(['support.tgz']); // no DuckDB file was created by looking
    const files = readTar(gunzipSync(readFileSync(join(cwd, 'support.tgz'))));
    const runs = JSON.parse(files.find((f) => f.name.endsWith('/runs.json'))!.content);
    expect(runs.error).toContain('does not exist');
    expect(err.join('')).toContain('debug-bundle: runs.json: warehouse unavailable');
    expect(files.map((f) => f.content).join('')).not.toContain(KEY);
  });
});
