/**
 * The README's picture of the dashboard (docs/dashboard.png), taken the way a user would see it:
 * the real server over a warehouse the demo loaded, in Debian's chromium (as the browser test).
 *
 *   npx clari-dp demo                          # in a scratch folder: ./clari.duckdb
 *   npm run screenshot -- duckdb:/path/to/clari.duckdb
 *
 * The page down to the week's biggest changes and the deals at risk (header, cards, the week-by-week
 * trend, accuracy, coverage, changes with their deals, deals at risk) at 1360 px, 1.5 times the
 * pixels for sharp text; `--full` takes the whole page. When the demo loaded deals, the drill-down
 * of the first change with a slipped deal (else the first whose deals moved) goes to
 * docs/dashboard-deals.png (`--deals-out=` elsewhere).
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { migrateWarehouse } from '../src/analytics/index.js';
import { Redactor, systemClock } from '../src/core/index.js';
import { startDashboard } from '../src/server/index.js';
import { openWarehouse, sqlTimestamp } from '../src/warehouse/index.js';

const CHROMIUM = '/usr/bin/chromium';
const WIDTH = 1360;
const HEIGHT = 900;

async function main(argv: readonly string[]): Promise<void> {
  const url = argv.find((a) => !a.startsWith('--')) ?? 'duckdb:./clari.duckdb';
  const out = argv.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? join('docs', 'dashboard.png');
  const dealsOut =
    argv.find((a) => a.startsWith('--deals-out='))?.slice('--deals-out='.length) ?? join('docs', 'dashboard-deals.png');
  const warehouse = await openWarehouse(url);
  try {
    await migrateWarehouse(warehouse, () => sqlTimestamp(Date.now()));
    const dashboard = await startDashboard({
      warehouse,
      clock: systemClock,
      redactor: new Redactor(),
      host: '127.0.0.1',
      port: 0,
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1.5 });
      await page.goto(dashboard.url);
      await page.locator('svg[data-chart="trend"]').waitFor();
      const last = (await page.locator('#at-risk').count()) > 0 ? '#at-risk' : '#changes';
      const changes = (await page.locator(last).boundingBox())!;
      await page.screenshot(
        argv.includes('--full')
          ? { path: out, fullPage: true }
          : {
              path: out,
              fullPage: true,
              clip: { x: 0, y: 0, width: WIDTH, height: Math.ceil(changes.y + changes.height + 18) },
            },
      );
      process.stdout.write(`wrote ${out}\n`);
      // A change whose deals include a slip shows the most; else the first whose deals moved.
      const slipped = page.locator('#changes-table td[data-slipped]:not([data-slipped="0"]) a').first();
      const moved =
        (await slipped.count()) > 0
          ? slipped
          : page.locator('#changes-table td[data-deals]:not([data-deals="0"]) a').first();
      if ((await moved.count()) > 0) {
        await Promise.all([page.waitForURL(/\/changes\/deals/), moved.click()]);
        const footer = (await page.locator('footer').boundingBox())!;
        await page.screenshot({
          path: dealsOut,
          clip: { x: 0, y: 0, width: WIDTH, height: Math.ceil(footer.y + footer.height + 8) },
        });
        process.stdout.write(`wrote ${dealsOut}\n`);
      }
    } finally {
      await browser.close();
      await dashboard.close();
    }
  } finally {
    await warehouse.close();
  }
}

await main(process.argv.slice(2));
