/**
 * The dashboard server over real HTTP on a warehouse the real pipeline loaded from the simulator
 * (six quarters, two business days): every /api endpoint returns what the analytics services
 * return, bad parameters answer 400, the token guards everything but /healthz and never comes back
 * out, and hostile owner names are inert in the page. One warehouse for the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accuracyByWeek,
  biggestChanges,
  changeKeyOf,
  coverageByTeam,
  dealsAtRisk,
  dealsBehindChange,
  headline,
  health,
  migrateWarehouse,
  options,
  reps,
  select,
  type Selection,
  trend,
} from '../../src/analytics/index.js';
import { createContext, type Io } from '../../src/app/index.js';
import { dealsReport } from '../../src/cli/commands/report-deals.js';
import { serve } from '../../src/cli/commands/serve.js';
import { isAppError, Redactor, systemClock } from '../../src/core/index.js';
import { checkExposure, isLoopbackHost, type RunningDashboard, startDashboard } from '../../src/server/index.js';
import { openWarehouse, sqlTimestamp, type Warehouse } from '../../src/warehouse/index.js';
import { type DashboardFixture, dashboardWarehouse } from '../support/dashboard.js';
import { loadHandNextDay, loadHandTenant } from '../support/hand-tenant.js';
import { type Recorded, RecordingWarehouse } from '../support/recording.js';

const TOKEN = 'tok-3f9a1c7e5b2d8046aa';
const NASTY = `Zoë "Z" O'Brien <script>alert(1)</script>`;
const NASTY_ESCAPED = 'Zoë &quot;Z&quot; O&#39;Brien &lt;script&gt;alert(1)&lt;/script&gt;';

let fixture: DashboardFixture;
let wh: Warehouse;
let open: RunningDashboard;
let secured: RunningDashboard;
let selection: Selection;
/** Every body and header the secured server sent, to prove the token never left. */
const securedOutput: string[] = [];

async function get(server: RunningDashboard, path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(new URL(path, server.url), { redirect: 'manual', ...init });
  if (server === secured) {
    const text = await response.clone().text();
    securedOutput.push(text, JSON.stringify([...response.headers.entries()]));
  }
  return response;
}

/** The tests read arbitrary JSON bodies. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function json(
  server: RunningDashboard,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Json }> {
  const response = await get(server, path, init);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: await response.json() };
}

/** What a service returned, as it looks after a JSON round trip. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

beforeAll(async () => {
  fixture = await dashboardWarehouse();
  wh = fixture.wh;
  // A manager with a hostile name, everywhere names are shown: snapshots, users (as manager), changes.
  const [manager] = await wh.query<{ user_id: string }>(
    "SELECT DISTINCT user_id FROM v_pipeline_coverage WHERE NOT is_rep AND manager_user_id IS NOT NULL AND field_id = 'fc_commit' ORDER BY user_id LIMIT 1",
  );
  await wh.exec('UPDATE clari_forecasts SET owner_name = $1 WHERE user_id = $2', [NASTY, manager!.user_id]);
  await wh.exec('UPDATE clari_users SET name = $1 WHERE user_id = $2', [NASTY, manager!.user_id]);
  await wh.exec('UPDATE clari_forecast_changes SET owner_name = $1 WHERE user_id = $2', [NASTY, manager!.user_id]);
  selection = (await select(wh, {}))!;
  const metrics = (): Promise<string> =>
    Promise.resolve('# HELP clari_test a test series\n# TYPE clari_test gauge\nclari_test 1\n');
  open = await startDashboard({
    warehouse: wh,
    clock: systemClock,
    redactor: new Redactor(),
    host: '127.0.0.1',
    port: 0,
  });
  secured = await startDashboard({
    warehouse: wh,
    clock: systemClock,
    redactor: new Redactor(),
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    metricsText: metrics,
  });
});

afterAll(async () => {
  await open?.close();
  await secured?.close();
  await fixture?.dispose();
});

describe('JSON API', () => {
  it('/api/options lists forecasts, periods newest first and call fields', async () => {
    const { status, body } = await json(open, '/api/options');
    expect(status).toBe(200);
    expect(body).toEqual(plain(await options(wh)));
    expect(body.periods).toHaveLength(6);
    expect((await json(open, '/api/options?forecast=net_new_arr')).body).toEqual(
      plain(await options(wh, 'net_new_arr')),
    );
  });

  it('/api/headline is headline() of the default selection, and of an explicit one', async () => {
    const { status, body } = await json(open, '/api/headline');
    expect(status).toBe(200);
    expect(body).toEqual(plain(await headline(wh, selection)));
    expect(body.selection).toEqual({
      forecast: 'net_new_arr',
      period: '2026_Q4',
      field: 'fc_commit',
      fieldName: 'Commit',
      snapshotDate: '2026-11-24',
    });
    expect(body.forecastAmount).toBeGreaterThan(0);
    const other = (await select(wh, { period: '2026_Q3', field: 'fc_best_case' }))!;
    expect((await json(open, '/api/headline?period=2026_Q3&field=fc_best_case')).body).toEqual(
      plain(await headline(wh, other)),
    );
    // A field may be named as Clari shows it, too.
    expect((await json(open, '/api/headline?field=Best%20Case')).body.selection.field).toBe('fc_best_case');
  });

  it('/api/accuracy, /api/coverage and /api/reps wrap accuracyByWeek, coverageByTeam and reps', async () => {
    const accuracy = await json(open, '/api/accuracy');
    expect(accuracy.body).toEqual(
      plain({ selection, points: await accuracyByWeek(wh, selection.forecast, selection.field) }),
    );
    expect(accuracy.body.points.length).toBeGreaterThan(10);
    const coverage = await json(open, '/api/coverage');
    expect(coverage.body).toEqual(plain({ selection, teams: await coverageByTeam(wh, selection) }));
    expect(coverage.body.teams.length).toBeGreaterThan(1);
    // Reps unless asked, as on the page; `level=all` is every owner.
    const rows = await json(open, '/api/reps');
    expect(rows.body).toEqual(plain({ selection, level: 'rep', reps: await reps(wh, selection, 'rep') }));
    expect(rows.body.reps.every((r: { isRep: boolean }) => r.isRep)).toBe(true);
    const everyone = await json(open, '/api/reps?level=all');
    expect(everyone.body).toEqual(plain({ selection, level: 'all', reps: await reps(wh, selection) }));
    expect(everyone.body.reps).toHaveLength(30);
    const managers = await json(open, '/api/reps?level=manager');
    expect(managers.body.reps.length + rows.body.reps.length).toBe(30);
    const q3 = (await select(wh, { period: '2026_Q3', field: 'fc_pipeline' }))!;
    expect((await json(open, '/api/reps?period=2026_Q3&field=fc_pipeline&level=all')).body).toEqual(
      plain({ selection: q3, level: 'all', reps: await reps(wh, q3) }),
    );
  });

  it('/api/trend is trend(): the call, quota and closed week by week', async () => {
    const { body } = await json(open, '/api/trend');
    expect(body).toEqual(plain(await trend(wh, selection)));
    expect(body.points.length).toBeGreaterThan(3);
    const q3 = (await select(wh, { period: '2026_Q3' }))!;
    expect((await json(open, '/api/trend?period=2026_Q3')).body).toEqual(plain(await trend(wh, q3)));
  });

  it('/api/changes is biggestChanges() with days, limit, kind and level (reps unless asked)', async () => {
    const { body } = await json(open, '/api/changes');
    expect(body).toEqual(
      plain({
        days: 7,
        limit: 15,
        kind: 'changed',
        level: 'rep',
        rows: await biggestChanges(wh, { days: 7, limit: 15, level: 'rep' }),
      }),
    );
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.rows.every((r: { level: string }) => r.level === 'rep')).toBe(true);
    const all = await json(open, '/api/changes?level=all');
    expect(all.body.rows).toEqual(plain(await biggestChanges(wh, { days: 7, limit: 15, level: 'all' })));
    expect(all.body.rows.some((r: { level: string }) => r.level === 'manager')).toBe(true);
    const filtered = await json(open, '/api/changes?forecast=net_new_arr&period=2026_Q4&days=30&limit=3&kind=changed');
    expect(filtered.body.rows).toEqual(
      plain(
        await biggestChanges(wh, {
          forecast: 'net_new_arr',
          period: '2026_Q4',
          days: 30,
          limit: 3,
          kind: 'changed',
          level: 'rep',
        }),
      ),
    );
    expect(filtered.body.rows).toHaveLength(3);
    const quota = await json(open, '/api/changes?kind=quota_changed');
    expect(quota.body.rows).toEqual(
      plain(await biggestChanges(wh, { kind: 'quota_changed', days: 7, limit: 15, level: 'rep' })),
    );
  });

  it('/api/health is health()', async () => {
    const { body } = await json(open, '/api/health');
    expect(body).toEqual(plain(await health(wh, 20)));
    expect(body.runs).toHaveLength(2);
    expect((await json(open, '/api/health?limit=1')).body).toEqual(plain(await health(wh, 1)));
  });

  it('answers 400 with {error} for parameters it cannot use', async () => {
    for (const path of [
      '/api/headline?period=2026-Q4',
      '/api/headline?period=2031_Q1',
      '/api/headline?forecast=nope',
      '/api/reps?field=fc_nope',
      '/api/accuracy?forecast=%3Cscript%3E',
      '/api/coverage?period=%00',
      '/api/options?forecast=nope',
      '/api/changes?days=abc',
      '/api/changes?days=0',
      '/api/changes?limit=5000',
      '/api/changes?kind=bogus',
      '/api/changes?forecast=nope',
      '/api/changes?level=boss',
      '/api/reps?level=everyone',
      '/api/trend?period=2031_Q1',
      '/api/health?limit=-1',
      '/api/changes/deals?forecast=net_new_arr&period=2026_Q4&field=fc_commit&snapshot=2026-11-24',
      '/api/changes/deals?forecast=net_new_arr&period=2026_Q4&field=fc_commit&user=u&snapshot=yesterday',
      '/api/deals-at-risk?quiet_days=-3',
      '/api/deals-at-risk?min_amount=lots',
      '/api/deals-at-risk?owner=nobody%40example.com',
    ]) {
      const { status, body } = await json(open, path);
      expect(status, path).toBe(400);
      expect(body, path).toEqual({ error: expect.any(String) });
    }
    // The filters are checked by the same check as the CLI's (analytics/filters.ts), the hint appended.
    expect((await json(open, '/api/headline?period=2031_Q1')).body.error).toBe(
      'no snapshots of net_new_arr for 2031_Q1. Periods loaded: 2026_Q4, 2026_Q3, 2026_Q2, 2026_Q1, 2025_Q4, 2025_Q3.',
    );
    expect((await json(open, '/api/headline?forecast=nope')).body.error).toBe(
      'unknown forecast "nope". The warehouse has net_new_arr.',
    );
    expect((await json(open, '/api/reps?field=fc_nope')).body.error).toBe(
      'unknown call field "fc_nope" for net_new_arr. Choose one of fc_best_case (Best Case), fc_commit (Commit), fc_pipeline (Pipeline).',
    );
    expect((await json(open, '/api/headline?period=2026-Q4')).body.error).toBe(
      'period must look like 2026_Q3 (year, _Q, quarter 1-4), got "2026-Q4"',
    );
    expect((await json(open, '/api/nothing')).status).toBe(404);
  });

  it('/api/changes/deals is dealsBehindChange() of one change; 404 for a change that does not exist', async () => {
    const [change] = await biggestChanges(wh, { days: 7, limit: 1, level: 'all' });
    const k = changeKeyOf(change!);
    const q = new URLSearchParams({
      forecast: k.forecast,
      period: k.period,
      field: k.fieldId,
      user: k.userId,
      snapshot: k.snapshot,
    });
    const { status, body } = await json(open, `/api/changes/deals?${q.toString()}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      ...(plain(await dealsBehindChange(wh, k)) as object),
      dealsLoaded: true,
      dealsAsOf: '2026-11-24',
    });
    expect(body.deals.length).toBeGreaterThan(0);
    q.set('snapshot', '2020-01-01');
    expect(await json(open, `/api/changes/deals?${q.toString()}`)).toEqual({
      status: 404,
      body: { error: expect.stringMatching(/no such change/) },
    });
  });

  it('/api/deals-at-risk is dealsAtRisk() with quiet_days, min_amount, owner (a manager: their team) and limit', async () => {
    const { status, body } = await json(open, '/api/deals-at-risk');
    expect(status).toBe(200);
    expect(body).toEqual(plain(await dealsAtRisk(wh, {})));
    expect(body.quietDays).toBe(14);
    const [manager] = await wh.query<{ user_id: string; email: string }>(
      `SELECT u.user_id, u.email FROM clari_users u WHERE u.valid_to IS NULL AND u.parent_hierarchy_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM clari_users r WHERE r.parent_hierarchy_id = u.hierarchy_id AND r.valid_to IS NULL)
       ORDER BY u.user_id LIMIT 1`,
    );
    const team = await json(
      open,
      `/api/deals-at-risk?quiet_days=3&min_amount=1000&limit=5&owner=${encodeURIComponent(manager!.email)}`,
    );
    expect(team.body).toEqual(
      plain(await dealsAtRisk(wh, { quietDays: 3, minAmount: 1000, limit: 5, userId: manager!.user_id })),
    );
    expect(team.body.total).toBeGreaterThan(0);
    expect(team.body.minAmount).toBe(1000);
  });

  it('/healthz reports the warehouse and the last success; 503 when the warehouse fails', async () => {
    const { status, body } = await json(open, '/healthz');
    const [last] = await wh.query<{ t: string }>(
      "SELECT max(finished_at) AS t FROM clari_sync_runs WHERE status IN ('success', 'partial')",
    );
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', warehouse: wh.description, lastSuccessAt: last!.t });
    expect(body.lastSuccessAt).toBeTruthy();

    const broken: Warehouse = {
      ...wh,
      description: 'duckdb:broken',
      query: () => Promise.reject(new Error('IO Error: disk gone')),
    };
    const failing = await startDashboard({ warehouse: broken, clock: systemClock, redactor: new Redactor(), port: 0 });
    try {
      const r = await json(failing, '/healthz');
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ status: 'error', warehouse: 'duckdb:broken' });
      expect(JSON.stringify(r.body)).not.toContain('disk gone');
      // Other routes fail loudly, as JSON, without a stack.
      const api = await json(failing, '/api/headline');
      expect(api.status).toBe(500);
      expect(api.body.error).toContain('disk gone');
    } finally {
      await failing.close();
    }
  });

  it('/metrics serves the exposition text when given one, 404 otherwise', async () => {
    const response = await get(secured, '/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toContain('clari_test 1');
    expect((await get(open, '/metrics')).status).toBe(404);
  });
});

describe('token', () => {
  it('guards every route but /healthz', async () => {
    for (const path of ['/', '/api/headline', '/api/options', '/api/health', '/metrics', '/api/nothing']) {
      const response = await get(secured, path);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate'), path).toMatch(/^Bearer/);
    }
    expect((await json(secured, '/api/headline')).body).toMatchObject({ error: 'unauthorized' });
    expect(
      (await get(secured, '/api/headline', { headers: { Authorization: 'Bearer wrong-token-0000000000' } })).status,
    ).toBe(401);
    expect((await get(secured, '/api/headline', { headers: { Authorization: TOKEN } })).status).toBe(401);
    expect((await get(secured, '/api/headline?token=wrong')).status).toBe(401);
    expect((await get(secured, '/api/headline', { headers: { Cookie: `clari_dp_session=${TOKEN}` } })).status).toBe(
      401,
    );
    expect((await get(secured, '/healthz')).status).toBe(200);
  });

  it('accepts the Bearer header', async () => {
    const { status, body } = await json(secured, '/api/headline', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(status).toBe(200);
    expect(body).toEqual(plain(await headline(wh, selection)));
  });

  it('accepts the query parameter once and sets an HttpOnly, SameSite=Strict session cookie that then works alone', async () => {
    const first = await get(secured, `/?token=${TOKEN}`);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^clari_dp_session=[0-9a-f]{64}; /);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    const page = await get(secured, '/?period=2026_Q3', { headers: { Cookie: session } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-chart="accuracy"');
    expect((await json(secured, '/api/reps', { headers: { Cookie: session } })).status).toBe(200);
  });

  it('is never written into a page, an API answer or a header', async () => {
    await get(secured, `/?token=${TOKEN}`);
    await get(secured, `/api/options?token=${TOKEN}`);
    await get(secured, `/?token=${TOKEN}&period=bad`);
    await get(secured, `/api/headline?token=${TOKEN}&period=2031_Q1`);
    expect(securedOutput.length).toBeGreaterThan(10);
    for (const text of securedOutput) expect(text).not.toContain(TOKEN);
  });
});

describe('page', () => {
  it('renders the dashboard with charts, tables, a CSP and one nonce-tagged script', async () => {
    const response = await get(open, '/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await response.text();
    for (const marker of [
      'data-chart="accuracy"',
      'data-chart="coverage"',
      'data-chart="trend"',
      '<select name="level"',
      'id="changes-table"',
      'id="rep-table"',
      'id="runs-table"',
      'data-metric="forecastAmount"',
      '<select name="field"',
    ])
      expect(page).toContain(marker);
    expect(page.match(/<script\b/g)).toHaveLength(1);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    // Money, percentages and nulls in the house style.
    const h = await headline(wh, selection);
    expect(page).toContain(`$${Math.round(h.forecastAmount!).toLocaleString('en-US')}`);
    expect(page).toContain(`${h.forecastToQuotaPct!.toFixed(1)}%`);
    expect(page).toContain('>–<');
  });

  it('escapes hostile names everywhere they appear', async () => {
    const page = await (await get(open, '/')).text();
    expect(page).toContain(NASTY_ESCAPED);
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain(`"Z" O'Brien`);
    // In the rep table (owner and manager), the coverage chart and the JSON, unharmed.
    expect(page.split(NASTY_ESCAPED).length - 1).toBeGreaterThanOrEqual(3);
    const api = await json(open, '/api/reps?level=all');
    expect(api.body.reps.some((r: { owner: string }) => r.owner === NASTY)).toBe(true);
  });

  it('escapes hostile names in the drill-down of a change, and answers a change without a name with a 400 page', async () => {
    const [change] = await wh.query<Record<string, string>>(
      "SELECT forecast_name, time_period, field_id, user_id, current_snapshot FROM clari_forecast_changes WHERE owner_name = $1 AND change_kind = 'changed' LIMIT 1",
      [NASTY],
    );
    const q = new URLSearchParams({
      forecast: change!.forecast_name!,
      period: change!.time_period!,
      field: change!.field_id!,
      user: change!.user_id!,
      snapshot: change!.current_snapshot!,
    });
    const response = await get(open, `/changes/deals?${q.toString()}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(NASTY_ESCAPED);
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('team’s');
    const missing = await get(open, '/changes/deals?forecast=net_new_arr', { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('period is required');
  });

  it('answers bad selections with a 400 page that escapes what was asked', async () => {
    const response = await get(open, '/?forecast=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E');
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img');
    expect((await get(open, '/?period=2026-Q4')).status).toBe(400);
    expect((await get(open, '/?field=fc_nope')).status).toBe(400);
  });

  it('shows the empty state on a warehouse without snapshots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-empty-'));
    const empty = await openWarehouse(`duckdb:${join(dir, 'empty.duckdb')}`);
    const server = await startDashboard({ warehouse: empty, clock: systemClock, redactor: new Redactor(), port: 0 });
    try {
      await migrateWarehouse(empty, () => sqlTimestamp(Date.now()));
      const response = await get(server, '/');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('no snapshots yet: run clari-dp run or clari-dp demo');
      expect(await json(server, '/api/headline')).toEqual({
        status: 404,
        body: { error: 'no snapshots yet: run clari-dp run or clari-dp demo' },
      });
      expect((await json(server, '/api/options')).body).toEqual({ forecasts: [], periods: [], fields: [] });
      expect((await json(server, '/api/health')).body.runs).toEqual([]);
      expect((await json(server, '/healthz')).body).toMatchObject({ status: 'ok', lastSuccessAt: null });
    } finally {
      await server.close();
      await empty.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * What a page or a report costs the warehouse, counted at the port (RecordingWarehouse over the
 * fixture's real DuckDB): a fixed number of statements, whatever the number of changes it lists,
 * and each shared read (namesakes, the deal data state) once.
 */
describe('reads per page and report', () => {
  const counted = () => {
    const log: Recorded[] = [];
    return { log, wh: new RecordingWarehouse(wh, log) };
  };
  const from = (log: readonly Recorded[], fn: string): number => log.filter((r) => r.source.endsWith(` ${fn}`)).length;

  it('report deals sends as many statements for 15 changes as for 1', async () => {
    const cost = async (limit: number) => {
      const { log, wh: recording } = counted();
      const out = JSON.parse(await dealsReport(recording, { level: 'all', limit }, 'json')) as {
        deals: unknown[];
      }[];
      return { log, changes: out.length, deals: out.reduce((n, b) => n + b.deals.length, 0) };
    };
    const one = await cost(1);
    const many = await cost(15);
    expect(one.changes).toBe(1);
    expect(many.changes).toBe(15);
    expect(many.deals).toBeGreaterThan(one.deals);
    expect(many.log.length).toBe(one.log.length);
    expect(from(many.log, 'namesakes')).toBe(1);
    expect(from(many.log, 'dealMovesOf')).toBe(1);
    expect(from(many.log, 'changeByKey')).toBe(0);
    // The text is what it was with one read per change.
    const table = await dealsReport(wh, { level: 'all', limit: 15 }, 'table');
    expect(table.match(/ deals? moved \(/g)?.length ?? 0).toBeGreaterThan(1);
  });

  it('the page reads namesakes and the deal data state once, and the same for few changes as for many', async () => {
    const { log, wh: recording } = counted();
    const server = await startDashboard({
      warehouse: recording,
      clock: systemClock,
      redactor: new Redactor(),
      port: 0,
    });
    try {
      const cost = async (level: string) => {
        log.length = 0;
        const page = await (await fetch(new URL(`/?level=${level}`, server.url))).text();
        return { statements: log.length, changes: page.match(/data-deals="/g)?.length ?? 0, log: [...log] };
      };
      const reps = await cost('rep');
      const managers = await cost('manager');
      expect(reps.changes).toBeGreaterThan(managers.changes);
      expect(managers.changes).toBeGreaterThan(0);
      expect(reps.statements).toBe(managers.statements);
      expect(from(reps.log, 'namesakes')).toBe(1);
      expect(from(reps.log, 'dealDataState')).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('without deal data', () => {
  it('has no deal column or panel, and the deal routes say how to turn activity on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-nodeals-'));
    const target = await openWarehouse(`duckdb:${join(dir, 'hand.duckdb')}`);
    const server = await startDashboard({ warehouse: target, clock: systemClock, redactor: new Redactor(), port: 0 });
    try {
      await loadHandTenant(target);
      await loadHandNextDay(target);
      const page = await (await get(server, '/')).text();
      expect(page).toContain('id="changes-table"');
      expect(page).not.toContain('data-deals');
      expect(page).not.toContain('id="at-risk"');
      const risk = await json(server, '/api/deals-at-risk');
      expect(risk.status).toBe(404);
      expect(risk.body.hint).toMatch(/activity\.enabled: true.*CLARI_DP_ACTIVITY=true.*run --activity/);
      const q = 'forecast=hand_arr&period=2026_Q2&field=commit&user=u-east&snapshot=2026-05-18';
      expect((await json(server, `/api/changes/deals?${q}`)).body).toMatchObject({ deals: [], dealsLoaded: false });
      const drill = await (await get(server, `/changes/deals?${q}`)).text();
      expect(drill).toContain('No deal data in this warehouse');
      expect(drill).toContain('activity.enabled: true');
    } finally {
      await server.close();
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('serve command', () => {
  function io(environment: Record<string, string>, out: string[]): Io {
    return { stdout: (t) => void out.push(t), stderr: () => undefined, isTTY: false, environment, cwd: process.cwd() };
  }

  it('knows loopback addresses and refuses exposure without a long token', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.1.1'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'dashboard.example.com'])
      expect(isLoopbackHost(host), host).toBe(false);
    expect(() => checkExposure('0.0.0.0', undefined)).toThrow(
      /Refusing to serve the dashboard on 0\.0\.0\.0 without a token/,
    );
    expect(() => checkExposure('0.0.0.0', 'short')).toThrow(/too short/);
    expect(() => checkExposure('0.0.0.0', TOKEN)).not.toThrow();
    expect(() => checkExposure('127.0.0.1', undefined)).not.toThrow();
  });

  it('refuses a non-loopback host without a token, as a usage error, before opening the warehouse', async () => {
    const out: string[] = [];
    const ctx = createContext({}, io({ CLARI_DP_WAREHOUSE: 'duckdb:/nonexistent/never/opened.duckdb' }, out));
    const error: unknown = await serve(() => ctx, { host: '0.0.0.0', port: 0 }, []).catch((e: unknown) => e);
    expect(isAppError(error) && error.kind === 'usage').toBe(true);
    expect(String((error as Error).message)).toMatch(/without a token/);
    expect((error as { hint?: string }).hint).toMatch(/CLARI_DP_SERVE_TOKEN/);
  });

  it('serves the configured warehouse, prints its URL and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-serve-'));
    const out: string[] = [];
    const ctx = createContext(
      {},
      io({ CLARI_DP_WAREHOUSE: `duckdb:${join(dir, 'serve.duckdb')}`, CLARI_DP_SERVE_TOKEN: TOKEN }, out),
    );
    const before = process.listeners('SIGTERM');
    const done = serve(() => ctx, { host: '127.0.0.1', port: 0 }, []);
    try {
      let url: string | undefined;
      for (let i = 0; i < 200 && !url; i++) {
        url = /dashboard on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.join(''))?.[1];
        if (!url) await new Promise((r) => setTimeout(r, 25));
      }
      expect(url).toBeDefined();
      expect((await fetch(`${url}healthz`)).status).toBe(200);
      expect((await fetch(`${url}api/options`)).status).toBe(401);
      const page = await fetch(`${url}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(await page.text()).toContain('no snapshots yet');
      // Stop it the way a terminal would: call only the handler serve added.
      const added = process.listeners('SIGTERM').filter((l) => !before.includes(l));
      expect(added).toHaveLength(1);
      (added[0] as () => void)();
      await expect(done).resolves.toBe(0);
      await expect(fetch(`${url}healthz`)).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
