/** The built CLI running the pipeline as a user would: run (--json, --dry-run, partial), migrate, rebuild, retention, demo. */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { runCli, startCli } from '../support/cli.js';
import { expectedAtRisk, expectedMoves } from '../support/deal-analytics-reference.js';

let sim: ChildProcess;
let url: string;
let origin: string;
const KEY = 'pipeline-e2e-key-77';

beforeAll(async () => {
  const started = await startCli(
    ['sim', '--port', '0', '--job-duration', '40', '--users', '25', '--api-key', KEY, '--as-of', '2026-11-23'],
    /listening on (\S+)/,
  );
  sim = started.child;
  url = started.match[1]!;
  origin = url.replace(/\/v4$/, '');
});
afterAll(() => {
  sim.kill('SIGTERM');
});

function env(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  writeFileSync(join(dir, 'clari-dp.yaml'), 'export:\n  pollIntervalMs: 20\n');
  return {
    CLARI_BASE_URL: url,
    CLARI_API_KEY: KEY,
    CLARI_DP_FORECASTS: 'net_new_arr',
    CLARI_DP_WAREHOUSE: `duckdb:${join(dir, 'wh.duckdb')}`,
    CLARI_DP_DATA_DIR: join(dir, 'data'),
    ...extra,
  };
}

const stats = async (): Promise<{ exportsCreated: number }> =>
  (await (await fetch(`${origin}/__sim/stats`)).json()) as { exportsCreated: number };

describe('clari-dp run', () => {
  it('plans without spending quota on --dry-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-e2e-'));
    const before = await stats();
    const result = await runCli(['run', '--dry-run', '--as-of', '2026-11-23'], env(dir), dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('export quota this run would spend: 5');
    expect(result.stdout).toMatch(/net_new_arr\s+2026_Q4/);
    expect(result.stdout).toMatch(/net_new_arr\s+2025_Q4/);
    expect((await stats()).exportsCreated).toBe(before.exportsCreated);
    expect(existsSync(join(dir, 'wh.duckdb'))).toBe(false);
  });

  it('with --activity: the dry run shows the activity export and GET /opportunity calls, the run loads them and says so in --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-e2e-'));
    const before = await stats();
    const args = ['--as-of', '2026-11-23', '--period', '2026_Q4', '--activity'];
    const dry = await runCli(['run', '--dry-run', ...args], env(dir), dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('activity 2026-10-01 to 2026-11-23: new export (export quota 1)');
    expect(dry.stdout).toContain('export quota this run would spend: 2');
    expect((await stats()).exportsCreated).toBe(before.exportsCreated);
    const result = await runCli(['run', '--json', ...args], env(dir), dir);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      deals: {
        window: unknown;
        activities: { status: string; activities: number };
        opportunities: { status: string; calls: number };
      };
    };
    expect(summary.deals.window).toEqual({ from: '2026-10-01', to: '2026-11-23' });
    expect(summary.deals.activities.status).toBe('loaded');
    expect(summary.deals.activities.activities).toBeGreaterThan(100);
    expect(summary.deals.opportunities).toMatchObject({ status: 'loaded', calls: 1 });
    expect((await stats()).exportsCreated).toBe(before.exportsCreated + 2);
    // Now the dry run reads the ledger: the next window starts on the loaded date, and the opportunities are known.
    const next = await runCli(
      ['run', '--dry-run', '--json', '--as-of', '2026-11-24', '--period', '2026_Q4', '--activity'],
      env(dir),
      dir,
    );
    expect(JSON.parse(next.stdout)).toMatchObject({
      quotaCost: 2,
      deals: {
        window: { from: '2026-11-23', to: '2026-11-24' },
        source: 'new export',
        quotaCost: 1,
        opportunities: { calls: 1, cached: false },
      },
    });
  });

  it('prints the documented JSON summary and leaves a DuckDB file any client can query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-e2e-'));
    const result = await runCli(
      ['run', '--json', '--as-of', '2026-11-23', '--period', '2026_Q4', '--period', '2026_Q3'],
      env(dir),
      dir,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining(['runId', 'status', 'asOf', 'exports', 'rowsLoaded', 'changes', 'alerts', 'durationMs']),
    );
    expect(summary).toMatchObject({ status: 'success', asOf: '2026-11-23' });
    expect(summary.exports).toHaveLength(2);
    for (const e of summary.exports)
      expect(Object.keys(e)).toEqual(
        expect.arrayContaining(['forecastId', 'timePeriod', 'jobId', 'status', 'rows', 'cached', 'latencyMs']),
      );
    expect(summary.rowsLoaded).toBe(summary.exports[0].rows + summary.exports[1].rows);
    expect(result.stdout).not.toContain(KEY);
    const wh = await openWarehouse(`duckdb:${join(dir, 'wh.duckdb')}`);
    try {
      expect(await wh.query('SELECT count(*) AS n FROM clari_snapshots')).toEqual([{ n: '2' }]);
    } finally {
      await wh.close();
    }
    // Deals were never loaded (activity is off for run): the deal reports say how to turn it on.
    for (const name of ['deals', 'deals-at-risk']) {
      const refused = await runCli(['report', name], env(dir));
      expect(refused.code, name).toBe(2);
      expect(refused.stderr, name).toMatch(/No deal data in this warehouse: the activity export has never run/);
      expect(refused.stderr, name).toContain('`activity.enabled: true`');
      expect(refused.stderr, name).toContain('`clari-dp run --activity`');
    }
    // migrate: nothing pending; rebuild: the same snapshots again; retention: one quarter kept.
    expect((await runCli(['migrate'], env(dir))).stdout).toContain('schema is up to date');
    expect((await runCli(['rebuild'], env(dir))).stdout).toContain('re-derived 2 snapshot(s)');
    const kept = await runCli(['retention', '--quarters', '1', '--as-of', '2026-11-23', '--json'], env(dir));
    expect(JSON.parse(kept.stdout)).toMatchObject({ cutoff: '2026_Q4', payloadsDeleted: 1 });
  });

  it('exits 3 when some exports fail and the rest load, naming the failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-e2e-'));
    const result = await runCli(
      ['run', '--as-of', '2026-11-23', '--period', '2026_Q4', '--forecast', 'net_new_arr', '--forecast', 'not_a_tab'],
      env(dir),
      dir,
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/FAILED not_a_tab 2026_Q4: Forecast 'not_a_tab' does not exist/);
    expect(result.stdout).toMatch(/net_new_arr\s+2026_Q4\s+loaded/);
  });

  it('exits 2 with a clear message when there is nothing to export or the warehouse URL is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-e2e-'));
    const none = await runCli(['run'], { ...env(dir), CLARI_DP_FORECASTS: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No forecasts to export');
    const bad = await runCli(['run', '--warehouse', 'mysql://x'], env(dir));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown warehouse');
  });

  it('fails in seconds, once, naming the URL, when Clari refuses the connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-e2e-'));
    // A port that was just free: nothing listens there, so connecting is refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const base = `http://127.0.0.1:${port}/v4`;
    const started = Date.now();
    const result = await runCli(['run', '--as-of', '2026-11-23'], { ...env(dir), CLARI_BASE_URL: base });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.code).toBe(1);
    expect(result.stdout.match(/^FAILED/gm)).toHaveLength(1);
    expect(result.stdout).toContain(`FAILED 5 exports`);
    expect(result.stdout).toContain(`Cannot reach Clari at ${base}: connection refused`);
    expect(result.stdout).toContain('hint: Check CLARI_BASE_URL');
    // One warning line on stderr, no retry noise.
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('retrying');
  });

  it('reports an unreachable PostgreSQL clearly, with exit 1 and no password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-e2e-'));
    const result = await runCli(['run', '--as-of', '2026-11-23'], {
      ...env(dir),
      CLARI_DP_WAREHOUSE: 'postgres://clari:s3cret-pw@127.0.0.1:1/clari',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is unreachable');
    expect(result.stderr).not.toContain('s3cret-pw');
  });
});

describe('clari-dp demo', () => {
  it('runs simulated business days into ./clari.duckdb and leads with the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-demo-'));
    const result = await runCli(['demo', '--days', '3', '--users', '30'], {}, dir);
    expect(result.code).toBe(0);
    const out = result.stdout;
    const lines = out.split('\n');
    expect(lines[0]).toMatch(
      /^clari-dp demo: 3 business days .*: every run succeeded, [\d,]+ forecast changes detected, \d+ alerts\.$/,
    );
    // Most useful first: where the quarter stands, the biggest moves, the alert digest; then the runs.
    const order = [
      'Where the quarter stands',
      'Biggest moves on',
      'The deals behind the biggest move:',
      'Alerts:',
      'Runs, one per business day',
      'Next:',
    ].map((heading) => out.indexOf(heading));
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(out).toMatch(
      /^net_new_arr\s+2026_Q\d\s+\d+\s+Commit\s+\$[\d,]+\s+\$[\d,]+\s+[\d.]+%\s+\$[\d,]+\s+[\d.]+%\s+[\d.]+x/m,
    );
    // The biggest moves show dollars and percent together.
    const moves = out
      .slice(out.indexOf('Biggest moves on'), out.indexOf('The deals behind the biggest move:'))
      .split('\n');
    expect(moves[1]).toMatch(/previous\s+current\s+change\s+change %$/);
    const moveRows = moves.filter((l) => /\$[\d,]+\s+\$[\d,]+/.test(l));
    expect(moveRows.length).toBeGreaterThan(0);
    for (const row of moveRows) expect(row).toMatch(/[+-]\$[\d,]+\s+[+-]\d+\.\d%$/);
    // The deals behind the biggest move (the first row above): the rep's deals that moved, as the
    // tables say (computed here from the opportunity versions, independently of the views).
    const dealsText = out.slice(out.indexOf('The deals behind the biggest move:'), out.indexOf('Alerts:'));
    const dealRows = dealsText.split('\n').filter((l) => /^\S.*\s\$[\d,]+\s+\$[\d,]+\s+[+-]?\$[\d,]+\s/.test(l));
    // Alerts are one digest, not a line each; its count is the runs' alerts.
    expect(out).not.toMatch(/^\[WARNING\]/m);
    const fired = Number(/(\d+) alerts\.$/.exec(lines[0]!)![1]);
    const runs = out
      .slice(out.indexOf('Runs, one per business day'))
      .split('\n')
      .filter((l) => /^\d{4}-\d\d-\d\d\s+success/.test(l));
    expect(runs).toHaveLength(3);
    expect(runs.reduce((n, l) => n + Number(l.split(/\s+/)[5]), 0)).toBe(fired);
    if (fired > 0) expect(out).toMatch(new RegExp(`^call-swing\\s+warning\\s+${fired}\\s+\\d+\\s+\\d+$`, 'm'));
    else expect(out).toContain('Alerts: none fired.');
    // stderr: the start line only; the per-day table is not repeated there.
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^demo: simulator at http:\/\/127\.0\.0\.1:\d+\/v4 \(30 users/);
    const wh = await openWarehouse(`duckdb:${join(dir, 'clari.duckdb')}`);
    let expectedRisk: Awaited<ReturnType<typeof expectedAtRisk>>;
    try {
      const [row] = await wh.query<{ n: string }>('SELECT count(DISTINCT snapshot_date) AS n FROM clari_forecasts');
      expect(row!.n).toBe('3');
      expect(
        Number((await wh.query<{ n: string }>('SELECT count(*) AS n FROM clari_forecast_changes'))[0]!.n),
      ).toBeGreaterThan(0);
      const [top] = await wh.query<Record<string, string>>(
        `WITH mg AS (SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL WHERE m.valid_to IS NULL)
         SELECT c.user_id, c.previous_snapshot, c.current_snapshot, c.time_period FROM clari_forecast_changes c
         WHERE c.current_snapshot = (SELECT max(current_snapshot) FROM clari_forecast_changes) AND c.change_kind = 'changed'
           AND c.change_pct IS NOT NULL AND c.user_id NOT IN (SELECT user_id FROM mg)
         ORDER BY abs(c.change_amount) DESC, c.owner_name LIMIT 1`,
      );
      const moved = await expectedMoves(wh, {
        userId: top!.user_id!,
        previousSnapshot: top!.previous_snapshot!,
        snapshot: top!.current_snapshot!,
        period: top!.time_period!,
      });
      expect(moved.length).toBeGreaterThan(0);
      expect(dealsText).toContain(`${moved.length} deal${moved.length === 1 ? '' : 's'} moved`);
      const dollars = (v: number | null): string => `$${Math.round(v ?? 0).toLocaleString('en-US')}`;
      expect(dealRows).toHaveLength(moved.length);
      for (const m of moved)
        expect(
          dealRows.some(
            (row) => row.includes(`${dollars(m.previousAmount)}  `) && row.includes(dollars(m.currentAmount)),
          ),
          JSON.stringify(m),
        ).toBe(true);
      // The table counts include the deal tables, each as the warehouse counts it.
      for (const table of ['clari_activities', 'clari_activity_participants', 'clari_opportunity_field_history']) {
        const n = Number((await wh.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
        expect(n, table).toBeGreaterThan(0);
        expect(out).toMatch(new RegExp(`^${table}\\s+${n.toLocaleString('en-US')}$`, 'm'));
      }
      const versions = Number((await wh.query<{ n: string }>('SELECT count(*) AS n FROM clari_opportunities'))[0]!.n);
      expect(out).toMatch(
        new RegExp(`^clari_opportunities \\(versions\\)\\s+${versions.toLocaleString('en-US')}$`, 'm'),
      );
      expectedRisk = await expectedAtRisk(wh);
    } finally {
      await wh.close();
    }
    const report = (args: string[]) =>
      runCli(['report', ...args, '--warehouse', `duckdb:${join(dir, 'clari.duckdb')}`], {}, dir);
    const risk = await report(['deals-at-risk', '--format', 'json']);
    expect(risk.code, risk.stderr).toBe(0);
    const parsed = JSON.parse(risk.stdout) as { total: number; quietDays: number; deals: { opportunityId: string }[] };
    // The reports over the demo's deals: the at-risk list as the tables say, and the deals by change.
    expect(parsed).toMatchObject({ quietDays: 14, total: expectedRisk.length });
    expect(parsed.deals.map((d) => d.opportunityId)).toEqual(expectedRisk.slice(0, 50).map((r) => r.opportunityId));
    const byChange = await report(['deals', '--days', '1', '--limit', '2', '--format', 'json']);
    expect(byChange.code, byChange.stderr).toBe(0);
    const blocks = JSON.parse(byChange.stdout) as {
      change: { userId: string; previousSnapshot: string; snapshot: string; period: string };
      deals: { opportunityId: string }[];
    }[];
    expect(blocks).toHaveLength(2);
    const check = await openWarehouse(`duckdb:${join(dir, 'clari.duckdb')}`, { readOnly: true });
    try {
      for (const b of blocks)
        expect(b.deals.map((d) => d.opportunityId).sort()).toEqual(
          (await expectedMoves(check, b.change)).map((m) => m.opportunityId),
        );
    } finally {
      await check.close();
    }
  });
});
