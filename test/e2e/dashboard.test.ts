/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core) against the server
 * over a warehouse the real pipeline loaded from the simulator: the headline equals what the tables
 * say (queried here, independently of the page), the charts draw the service results, the selectors
 * reload, lists show reps unless asked (a manager's row is a roll-up), namesakes are told apart,
 * each change links to the deals that moved under it and the deals at risk are listed (both equal
 * to a computation from the deal tables here, the drill-down also without JavaScript), the rep
 * table filters and sorts (also at 5,000 rows), and the console stays clean.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accuracyByWeek,
  biggestChanges,
  coverageByTeam,
  headline,
  health,
  options,
  type RepRow,
  reps,
  select,
  type Selection,
  trend,
} from '../../src/analytics/index.js';
import { Redactor, systemClock } from '../../src/core/index.js';
import { renderDashboard, type RunningDashboard, startDashboard } from '../../src/server/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { type DashboardFixture, dashboardWarehouse } from '../support/dashboard.js';
import { expectedAtRisk, expectedMoves } from '../support/deal-analytics-reference.js';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const TOKEN = 'e2e-token-7d41b9c2a0f5e83d';
if (!HAS_CHROMIUM)
  console.warn(`dashboard browser tests skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

let fixture: DashboardFixture;
let wh: Warehouse;
let server: RunningDashboard;
let context: BrowserContext;
let page: Page;
let profile: string;
let selection: Selection;
const consoleErrors: string[] = [];

const money = (v: number): string => `${v < 0 ? '-' : ''}$${Math.abs(Math.round(v)).toLocaleString('en-US')}`;

async function metric(name: string): Promise<{ text: string; value: string }> {
  const el = page.locator(`[data-metric="${name}"]`).first();
  return { text: (await el.textContent())!.trim(), value: (await el.getAttribute('data-value'))! };
}

async function visibleRows(): Promise<string[][]> {
  return page.$$eval('#rep-table tbody tr:not([hidden])', (rows) =>
    rows.map((r) => Array.from(r.children as ArrayLike<{ textContent: string | null }>, (c) => c.textContent ?? '')),
  );
}

async function columnValues(col: number): Promise<(number | null)[]> {
  return page.$$eval(
    '#rep-table tbody tr',
    (rows, i) =>
      rows.map((r) => {
        const v = r.children[i]!.getAttribute('data-v');
        return v === null || v === '' ? null : Number(v);
      }),
    col,
  );
}

async function header(label: string): Promise<void> {
  await page.locator('#rep-table thead button', { hasText: new RegExp(`^${label}$`) }).click();
}

describe.skipIf(!HAS_CHROMIUM)('dashboard in a browser', () => {
  beforeAll(async () => {
    fixture = await dashboardWarehouse();
    wh = fixture.wh;
    selection = (await select(wh, {}))!;
    server = await startDashboard({
      warehouse: wh,
      clock: systemClock,
      redactor: new Redactor(),
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
    });
    profile = mkdtempSync(join(tmpdir(), 'clari-dp-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1360, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    // The link a RevOps lead gets: the token once in the URL; the cookie carries it from then on.
    const response = await page.goto(`${server.url}?token=${TOKEN}`);
    expect(response?.status()).toBe(200);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await fixture?.dispose();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('takes the token out of the address bar once the session cookie holds it', async () => {
    expect(page.url()).toBe(server.url);
    const cookies = await context.cookies(server.url);
    expect(cookies.find((c) => c.name === 'clari_dp_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.content()).not.toContain(TOKEN);
  });

  it('shows headline numbers equal to the snapshot tables', async () => {
    // Independently of the views: the top of the hierarchy (no parent), its direct reports, the latest snapshot.
    const [db] = await wh.query<Record<string, string | null>>(
      `WITH cur AS (SELECT * FROM clari_users WHERE valid_to IS NULL),
            top AS (SELECT user_id, hierarchy_id FROM cur WHERE parent_hierarchy_id IS NULL),
            day AS (SELECT * FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2
                     AND snapshot_date = (SELECT max(snapshot_date) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2)),
            snap AS (SELECT * FROM day WHERE field_id = $3),
            -- Open pipeline is the CRM total of the "Pipeline" call field less what closed (revops-domain.md 2.2).
            pipe AS (SELECT * FROM day WHERE lower(field_name) LIKE '%pipeline%')
       SELECT (SELECT sum(quota_amount) FROM snap WHERE user_id IN (SELECT user_id FROM top)) AS quota,
              (SELECT sum(crm_closed) FROM snap WHERE user_id IN (SELECT user_id FROM top)) AS closed,
              (SELECT sum(p.crm_total - s.crm_closed) FROM snap s JOIN pipe p ON p.user_id = s.user_id WHERE s.user_id IN (SELECT user_id FROM top)) AS pipeline,
              (SELECT sum(forecast_amount) FROM snap WHERE user_id IN (SELECT user_id FROM top)) AS own_call,
              (SELECT sum(forecast_amount) FROM snap WHERE user_id IN (SELECT c.user_id FROM cur c JOIN top t ON c.parent_hierarchy_id = t.hierarchy_id)) AS reports_call,
              (SELECT max(snapshot_date) FROM snap) AS snapshot`,
      [selection.forecast, selection.period, selection.field],
    );
    const quota = Number(db!.quota);
    const closed = Number(db!.closed);
    const pipeline = Number(db!.pipeline);
    const call = Number(db!.own_call ?? db!.reports_call);
    expect(quota).toBeGreaterThan(0);
    expect(await page.locator('[data-snapshot]').getAttribute('data-snapshot')).toBe(db!.snapshot);
    expect(await metric('forecastAmount')).toEqual({ text: money(call), value: String(call) });
    expect(await metric('quota')).toEqual({ text: money(quota), value: String(quota) });
    expect(await metric('closed')).toEqual({ text: money(closed), value: String(closed) });
    expect((await metric('forecastToQuotaPct')).text).toBe(`${((call / quota) * 100).toFixed(1)}%`);
    const gap = Math.round((quota - call) * 100) / 100;
    if (gap > 0) expect(await metric('gapToQuota')).toEqual({ text: money(gap), value: String(gap) });
    expect((await metric('attainmentPct')).text).toBe(`${((closed / quota) * 100).toFixed(1)}%`);
    expect(await metric('pipeline')).toEqual({ text: money(pipeline), value: String(pipeline) });
    expect((await metric('coverage')).text).toBe(`${(pipeline / Math.max(quota - closed, 0)).toFixed(2)}x`);
    // Accuracy at this week: the card is the chart's point for the current week, and headline() agrees.
    const h = await headline(wh, selection);
    const current = page.locator(`[data-chart="accuracy"] [data-series="accuracy"][data-week="${h.weekIndex}"]`);
    expect(Number((await metric('accuracyPct')).value)).toBe(Number(await current.getAttribute('data-value')));
    expect(Number((await metric('accuracyPct')).value)).toBe(h.accuracyPct);
  });

  it('draws both charts from the service results', async () => {
    const points = await accuracyByWeek(wh, selection.forecast, selection.field);
    const chart = page.locator('svg[data-chart="accuracy"]');
    expect((await chart.boundingBox())!.height).toBeGreaterThan(150);
    const read = (series: string): Promise<{ week: number; value: number }[]> =>
      page.$$eval(`svg[data-chart="accuracy"] [data-series="${series}"][data-value]`, (els) =>
        els.map((e) => ({ week: Number(e.getAttribute('data-week')), value: Number(e.getAttribute('data-value')) })),
      );
    expect(await read('accuracy')).toEqual(
      points.filter((p) => p.accuracyPct !== null).map((p) => ({ week: p.weekIndex, value: p.accuracyPct })),
    );
    expect(await read('wape')).toEqual(
      points.filter((p) => p.wapePct !== null).map((p) => ({ week: p.weekIndex, value: p.wapePct })),
    );
    expect(await page.locator('svg[data-chart="accuracy"] [data-value]').count()).toBe(
      points.filter((p) => p.accuracyPct !== null).length + points.filter((p) => p.wapePct !== null).length,
    );

    const teams = await coverageByTeam(wh, selection);
    const bars = await page.$$eval('svg[data-chart="coverage"] [data-value]', (els) =>
      els.map((e) => ({
        value: Number(e.getAttribute('data-value')),
        required: e.getAttribute('data-required'),
        width: Number(e.getAttribute('width')),
      })),
    );
    expect(bars.map((b) => b.value)).toEqual(teams.filter((t) => t.coverage !== null).map((t) => t.coverage));
    expect(bars.map((b) => b.required)).toEqual(
      teams.filter((t) => t.coverage !== null).map((t) => String(t.requiredCoverage ?? '')),
    );
    expect(bars.every((b) => b.width > 0)).toBe(true);
    expect(await page.locator('svg[data-chart="coverage"] g.team line.required').count()).toBe(
      teams.filter((t) => t.requiredCoverage !== null).length,
    );
  });

  it('draws the call against quota and closed week by week, ending at the headline', async () => {
    const t = await trend(wh, selection);
    expect(t.points.length).toBeGreaterThan(3);
    const chart = page.locator('svg[data-chart="trend"]');
    expect((await chart.boundingBox())!.height).toBeGreaterThan(150);
    for (const series of ['call', 'quota', 'closed'] as const) {
      const marks = await page.$$eval(`svg[data-chart="trend"] [data-series="${series}"]`, (els) =>
        els.map((e) => ({ week: Number(e.getAttribute('data-week')), value: Number(e.getAttribute('data-value')) })),
      );
      expect(marks, series).toEqual(
        t.points.filter((p) => p[series] !== null).map((p) => ({ week: p.weekIndex, value: p[series] })),
      );
    }
    // The current week's point is the headline's call, quota and closed; the axis spans the 13 weeks.
    const h = await headline(wh, selection);
    const at = t.points.find((p) => p.weekIndex === h.weekIndex)!;
    expect(at).toEqual({ weekIndex: h.weekIndex, call: h.forecastAmount, quota: h.quota, closed: h.closed });
    expect(await chart.locator('g.axis.x text', { hasText: /^W\d+$/ }).allTextContents()).toEqual(
      Array.from({ length: 13 }, (_, i) => `W${i + 1}`),
    );
  });

  it('tells namesakes apart by e-mail in the coverage chart, the changes and the rep table', async () => {
    // Independently of the services: names two current users share.
    const same = new Set(
      (
        await wh.query<{ name: string }>(
          'SELECT name FROM clari_users WHERE valid_to IS NULL GROUP BY name HAVING count(DISTINCT user_id) > 1',
        )
      ).map((r) => r.name),
    );
    expect(same.size).toBeGreaterThan(0);
    const teams = await page.$$eval('svg[data-chart="coverage"] g.team', (els) =>
      els.map((e) => ({
        name: e.getAttribute('data-manager')!,
        email: e.getAttribute('data-email')!,
        label: e.querySelector('text.label > title')!.textContent!,
      })),
    );
    const namesakeTeams = teams.filter((t) => same.has(t.name));
    expect(namesakeTeams.length).toBeGreaterThan(0);
    for (const t of teams) expect(t.label).toBe(same.has(t.name) ? `${t.name} (${t.email})` : t.name);
    await page.goto(`${server.url}?level=all`);
    const owners = await page.$$eval('#changes-table tbody td[data-owner]', (cells) =>
      cells.map((c) => ({ text: c.textContent!, email: c.getAttribute('title')! })),
    );
    for (const o of owners) if ([...same].some((n) => o.text.startsWith(n))) expect(o.text).toContain(o.email);
    // The rep table shows each owner's e-mail beside the name, and a namesake manager with theirs.
    const managers = await page.$$eval('#rep-table tbody tr', (rows) => rows.map((r) => r.children[2]!.textContent!));
    for (const m of managers) if (same.has(m)) throw new Error(`manager ${m} shown without an e-mail`);
    await page.goto(server.url);
  });

  it('shows reps in the biggest changes unless Owners asks for managers, who are roll-ups', async () => {
    const rows = async (): Promise<{ owner: string; level: string }[]> =>
      page.$$eval('#changes-table tbody tr', (trs) =>
        trs.map((tr) => ({
          owner: tr.querySelector('td[data-owner]')!.getAttribute('data-owner')!,
          level: tr.getAttribute('data-level')!,
        })),
      );
    // Managers, independently of the services: current users someone reports to.
    const managers = new Set(
      (
        await wh.query<{ user_id: string }>(
          'SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL WHERE m.valid_to IS NULL',
        )
      ).map((r) => r.user_id),
    );
    const filters = { forecast: selection.forecast, period: selection.period, days: 7, limit: 15 };
    const reps = await rows();
    expect(reps.length).toBeGreaterThan(0);
    expect(reps.every((r) => !managers.has(r.owner) && r.level === 'rep')).toBe(true);
    expect(reps.map((r) => r.owner)).toEqual(
      (await biggestChanges(wh, { ...filters, level: 'rep' })).map((c) => c.userId),
    );
    expect(await page.locator('#changes .hint').textContent()).toContain('reps only');
    await Promise.all([page.waitForURL(/level=manager/), page.selectOption('#select-level', 'manager')]);
    const rollUps = await rows();
    expect(rollUps.length).toBeGreaterThan(0);
    expect(rollUps.every((r) => managers.has(r.owner) && r.level === 'manager')).toBe(true);
    await Promise.all([page.waitForURL(/level=all/), page.selectOption('#select-level', 'all')]);
    const both = await rows();
    expect(both.map((r) => r.owner)).toEqual(
      (await biggestChanges(wh, { ...filters, level: 'all' })).map((c) => c.userId),
    );
    expect(await page.locator('#changes-table thead th').allTextContents()).toContain('Level');
    await page.goto(server.url);
  });

  it('links each change to the deals that moved under it, and the drill-down lists them', async () => {
    await page.goto(server.url);
    const changes = await biggestChanges(wh, {
      forecast: selection.forecast,
      period: selection.period,
      days: 7,
      limit: 15,
      level: 'rep',
    });
    const cells = await page.$$eval('#changes-table tbody tr', (trs) =>
      trs.map((tr) => {
        const cell = tr.querySelector('td[data-deals]')!;
        return {
          owner: tr.querySelector('td[data-owner]')!.getAttribute('data-owner')!,
          deals: Number(cell.getAttribute('data-deals')),
          href: cell.querySelector('a')!.getAttribute('href')!,
        };
      }),
    );
    expect(cells.map((c) => c.owner)).toEqual(changes.map((c) => c.userId));
    // Independently of the views: each rep's deals whose state differs between the two snapshots.
    const expected = await Promise.all(changes.map((c) => expectedMoves(wh, c)));
    expect(cells.map((c) => c.deals)).toEqual(expected.map((e) => e.length));
    const first = cells.findIndex((c) => c.deals > 0);
    expect(first).toBeGreaterThanOrEqual(0);

    await Promise.all([page.waitForURL(/\/changes\/deals\?/), page.locator(`a[href="${cells[first]!.href}"]`).click()]);
    expect(await page.locator('#change').getAttribute('data-owner')).toBe(changes[first]!.userId);
    expect(await page.locator('[data-metric="deals"]').getAttribute('data-value')).toBe(
      String(expected[first]!.length),
    );
    const shown = await page.$$eval('#deals-table tbody tr', (trs) =>
      trs.map((tr) => ({
        opportunityId: tr.getAttribute('data-opportunity')!,
        previousAmount: Number(tr.children[2]!.getAttribute('data-v')),
        currentAmount: Number(tr.children[3]!.getAttribute('data-v')),
        slipped: (tr.textContent ?? '').includes('slipped out of the quarter'),
      })),
    );
    expect([...shown].sort((a, b) => (a.opportunityId < b.opportunityId ? -1 : 1))).toEqual(expected[first]);
    // Largest amount change first.
    const moves = shown.map((d) => Math.abs(d.currentAmount - d.previousAmount));
    expect(moves).toEqual([...moves].sort((a, b) => b - a));
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/'),
      page.locator('a', { hasText: 'back to the dashboard' }).click(),
    ]);
    expect(await page.locator('#changes-table').count()).toBe(1);
  });

  it('opens a change’s deals without JavaScript', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      const plain = await noScript.newPage();
      expect((await plain.goto(`${server.url}?token=${TOKEN}`))?.status()).toBe(200);
      const link = plain.locator('#changes-table td[data-deals]:not([data-deals="0"]) a').first();
      await Promise.all([plain.waitForURL(/\/changes\/deals\?/), link.click()]);
      expect(await plain.locator('#deals-table tbody tr').count()).toBeGreaterThan(0);
      await noScript.close();
    } finally {
      await browser.close();
    }
  });

  it('lists the deals at risk equal to the deal tables', async () => {
    await page.goto(server.url);
    const expected = await expectedAtRisk(wh);
    expect(expected.length).toBeGreaterThan(0);
    const panel = page.locator('#at-risk');
    expect(await panel.getAttribute('data-total')).toBe(String(expected.length));
    const rows = await page.$$eval('#at-risk-table tbody tr', (trs) =>
      trs.map((tr) => ({
        opportunityId: tr.getAttribute('data-opportunity')!,
        amount: Number(tr.children[2]!.getAttribute('data-v')),
      })),
    );
    expect(rows).toEqual(expected.slice(0, 12));
    expect(await panel.locator('.hint').textContent()).toMatch(/top quarter by amount.*more than 14 days/);
  });

  it('says who the owners are: reps and managers, and the users without a row', async () => {
    const [db] = await wh.query<Record<string, string>>(
      `WITH snap AS (SELECT user_id FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3
                       AND snapshot_date = (SELECT max(snapshot_date) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2)),
            cur AS (SELECT * FROM clari_users WHERE valid_to IS NULL),
            leads AS (SELECT DISTINCT m.user_id FROM cur m JOIN cur r ON r.parent_hierarchy_id = m.hierarchy_id)
       SELECT (SELECT count(*) FROM snap) AS owners, (SELECT count(*) FROM snap WHERE user_id IN (SELECT user_id FROM leads)) AS managers,
              (SELECT count(*) FROM cur) AS users, (SELECT count(*) FROM cur WHERE user_id NOT IN (SELECT user_id FROM snap)) AS absent`,
      [selection.forecast, selection.period, selection.field],
    );
    const line = page.locator('.sub.owners');
    const owners = Number(db!.owners);
    const managers = Number(db!.managers);
    expect(await line.getAttribute('data-owners')).toBe(String(owners));
    expect(await line.getAttribute('data-managers')).toBe(String(managers));
    expect(await line.getAttribute('data-reps')).toBe(String(owners - managers));
    expect(await line.getAttribute('data-users')).toBe(db!.users);
    expect(await line.getAttribute('data-absent')).toBe(db!.absent);
    const text = (await line.textContent())!;
    expect(text).toContain(`${owners} owners: ${owners - managers} reps, ${managers} managers`);
    if (Number(db!.absent) > 0) expect(text).toContain(`${db!.absent} of the ${db!.users} users`);
    expect(await line.getAttribute('title')).toMatch(/not opted in|Every one of the/);
  });

  it('states the definitions: accuracy over closed, coverage from the Pipeline field, required from the win rate', async () => {
    expect(await page.locator('#accuracy .hint').textContent()).toContain('1 − |call − closed| ÷ closed');
    expect(await page.locator('#coverage .hint').textContent()).toMatch(/Pipeline field.*1 ÷ its win rate.*week-1/);
    await page.locator('#definitions summary').click();
    const terms = await page.locator('#definitions dt').allTextContents();
    expect(terms).toEqual(expect.arrayContaining(['Pipeline coverage', 'Required coverage and win rate', 'Accuracy']));
    expect(await page.locator('#definitions').textContent()).toContain(
      'closed-won ÷ the open pipeline at week 1 of the quarter',
    );
    for (const card of ['forecast', 'closed', 'coverage', 'accuracy'])
      expect(await page.locator(`[data-card="${card}"]`).getAttribute('title')).toBeTruthy();
  });

  it('leaves no large empty area in a panel: each is as tall as what it shows', async () => {
    for (const id of ['trend', 'accuracy', 'coverage']) {
      const gap = await page.$eval(`#${id}`, (panel) => {
        const last = panel.lastElementChild!.getBoundingClientRect().bottom;
        return panel.getBoundingClientRect().bottom - last;
      });
      expect(gap, id).toBeLessThan(40);
    }
  });

  it('lists reps in the rep table by default, every owner with Owners set to both, filters by text and by reps only', async () => {
    const all = await reps(wh, selection);
    const repsOnly = all.filter((r) => r.isRep);
    expect(repsOnly.length).toBeGreaterThan(0);
    expect(repsOnly.length).toBeLessThan(all.length);
    expect(await visibleRows()).toHaveLength(repsOnly.length);
    expect(await page.locator('#reps h2').textContent()).toMatch(/^Reps ·/);
    expect(await page.locator('#reps-only').count()).toBe(0);
    await Promise.all([page.waitForURL(/level=all/), page.selectOption('#select-level', 'all')]);
    expect(await visibleRows()).toHaveLength(all.length);
    await page.fill('#rep-filter', 'KELLY');
    const matches = (r: RepRow): boolean => `${r.owner} ${r.managerLabel ?? ''}`.toLowerCase().includes('kelly');
    const shown = await visibleRows();
    expect(shown.length).toBe(all.filter(matches).length);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(all.length);
    for (const cells of shown) expect(`${cells[0]} ${cells[2]}`.toLowerCase()).toContain('kelly');
    expect(await page.locator('#rep-count').textContent()).toBe(`${shown.length} of ${all.length} owners`);
    await page.check('#reps-only');
    expect((await visibleRows()).length).toBe(all.filter((r) => matches(r) && r.isRep).length);
    await page.fill('#rep-filter', '');
    expect((await visibleRows()).length).toBe(repsOnly.length);
    await page.uncheck('#reps-only');
    expect(await visibleRows()).toHaveLength(all.length);
  });

  it('sorts the rep table by a column header, numbers and text, toggling the direction', async () => {
    const col = 4; // Forecast
    await header('Forecast');
    expect(await page.locator('#rep-table thead th').nth(col).getAttribute('aria-sort')).toBe('ascending');
    const up = await columnValues(col);
    const numbers = up.filter((v): v is number => v !== null);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(up.slice(numbers.length).every((v) => v === null)).toBe(true);
    await header('Forecast');
    expect(await page.locator('#rep-table thead th').nth(col).getAttribute('aria-sort')).toBe('descending');
    const down = (await columnValues(col)).filter((v): v is number => v !== null);
    expect(down).toEqual([...down].sort((a, b) => b - a));
    expect(down[0]).toBe(Math.max(...down));

    await header('Owner');
    const owners = (await visibleRows()).map((cells) => cells[0]!);
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    expect(owners).toEqual([...owners].sort((a, b) => collator.compare(a, b)));
    await header('Owner');
    const reversed = (await visibleRows()).map((cells) => cells[0]!);
    expect(reversed[0]).toBe(owners[owners.length - 1]);
  });

  it('reloads with another call field chosen in the selector', async () => {
    await Promise.all([page.waitForURL(/field=fc_best_case/), page.selectOption('#select-field', 'fc_best_case')]);
    expect(await page.locator('[data-selection="field"]').textContent()).toBe('Best Case');
    expect(await page.locator('#select-field').inputValue()).toBe('fc_best_case');
    const best = (await select(wh, { field: 'fc_best_case' }))!;
    const h = await headline(wh, best);
    expect(Number((await metric('forecastAmount')).value)).toBe(h.forecastAmount);
    expect(await page.locator('[data-card="forecast"] h2').textContent()).toContain('Best Case');
    await Promise.all([page.waitForURL(/period=2026_Q3/), page.selectOption('#select-period', '2026_Q3')]);
    expect(await page.locator('[data-selection="period"]').textContent()).toBe('2026 Q3');
    expect(await page.locator('#select-field').inputValue()).toBe('fc_best_case');
  });

  it('shows pipeline health from health()', async () => {
    await page.goto(server.url);
    const h = await health(wh, 10);
    expect(await page.locator('#runs-table tbody tr').count()).toBe(h.runs.length);
    expect((await metric('completionPct')).text).toBe(`${h.completionPct!.toFixed(1)}%`);
    expect((await metric('quotaLeft')).value).toBe(String(h.quotaLeft));
    expect(await page.locator('#runs-table tbody tr').first().textContent()).toContain(h.runs[0]!.asOf);
  });

  it('keeps the console clean and saves a screenshot', async () => {
    await page.goto(server.url);
    await page.locator('svg[data-chart="coverage"]').waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'dashboard.png'))).toBe(true);
    expect(consoleErrors.filter((e) => !/favicon/i.test(e))).toEqual([]);
  });

  it('sorts and filters 5,000 rows quickly', async () => {
    const base = await reps(wh, selection);
    const many: RepRow[] = Array.from({ length: 5000 }, (_, i) => {
      const r = base[i % base.length]!;
      return {
        ...r,
        userId: `${r.userId}-${i}`,
        owner: `${r.owner} ${i}`,
        forecastAmount: r.forecastAmount === null ? null : (r.forecastAmount * ((i * 7919) % 1000)) / 500,
      };
    });
    const html = renderDashboard(
      {
        title: 'big tenant',
        options: await options(wh, selection.forecast),
        selection,
        headline: await headline(wh, selection),
        level: 'all',
        trend: [],
        accuracy: await accuracyByWeek(wh, selection.forecast, selection.field),
        coverage: await coverageByTeam(wh, selection),
        changes: [],
        changeDays: 7,
        reps: many,
        health: await health(wh, 10),
        now: Date.now(),
      },
      { title: 'big tenant', nonce: 'test' },
    );
    const big = await context.newPage();
    try {
      await big.setContent(html);
      expect(await big.locator('#rep-table tbody tr').count()).toBe(5000);
      const timed = (action: () => Promise<unknown>): Promise<number> => {
        const start = Date.now();
        return action().then(() => Date.now() - start);
      };
      const sort = await timed(() => big.locator('#rep-table thead button', { hasText: /^Forecast$/ }).click());
      const first = await big.$$eval('#rep-table tbody tr', (rows) =>
        rows.slice(0, 50).map((r) => Number(r.children[4]!.getAttribute('data-v'))),
      );
      expect(first).toEqual([...first].sort((a, b) => a - b));
      const filter = await timed(() => big.fill('#rep-filter', ' 4999'));
      expect(await big.locator('#rep-table tbody tr:not([hidden])').count()).toBe(1);
      console.log(`5,000 rows: sort ${sort} ms, filter ${filter} ms`);
      // Only the first 500 matching rows are laid out; "Show all" lays out the rest.
      await big.fill('#rep-filter', '');
      expect(await big.locator('#rep-table tbody tr:not([hidden])').count()).toBe(500);
      expect(await big.locator('#rep-count').textContent()).toBe('5,000 owners · showing the first 500');
      await big.click('#rep-more');
      expect(await big.locator('#rep-table tbody tr:not([hidden])').count()).toBe(5000);
      expect(await big.locator('#rep-more').isHidden()).toBe(true);
      expect(sort).toBeLessThan(1500);
      expect(filter).toBeLessThan(1500);
    } finally {
      await big.close();
    }
  });
});
