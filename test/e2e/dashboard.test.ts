/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core) against the server
 * over a warehouse the real pipeline loaded from the simulator: the headline equals what the tables
 * say (queried here, independently of the page), the charts draw the service results, the selectors
 * reload, the rep table filters and sorts (also at 5,000 rows), and the console stays clean.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accuracyByWeek,
  coverageByTeam,
  headline,
  health,
  options,
  type RepRow,
  reps,
  select,
  type Selection,
} from '../../src/analytics/index.js';
import { Redactor, systemClock } from '../../src/core/index.js';
import { renderDashboard, type RunningDashboard, startDashboard } from '../../src/server/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { type DashboardFixture, dashboardWarehouse } from '../support/dashboard.js';

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

  it('lists every owner in the rep table, filters by text and by reps only', async () => {
    const all = await reps(wh, selection);
    expect(await visibleRows()).toHaveLength(all.length);
    await page.fill('#rep-filter', 'KELLY');
    const matches = (r: RepRow): boolean => `${r.owner} ${r.manager ?? ''}`.toLowerCase().includes('kelly');
    const shown = await visibleRows();
    expect(shown.length).toBe(all.filter(matches).length);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(all.length);
    for (const cells of shown) expect(`${cells[0]} ${cells[2]}`.toLowerCase()).toContain('kelly');
    expect(await page.locator('#rep-count').textContent()).toBe(`${shown.length} of ${all.length} owners`);
    await page.check('#reps-only');
    expect((await visibleRows()).length).toBe(all.filter((r) => matches(r) && r.isRep).length);
    await page.fill('#rep-filter', '');
    expect((await visibleRows()).length).toBe(all.filter((r) => r.isRep).length);
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
