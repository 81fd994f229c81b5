/** The built CLI for changes and alerts: `changes`, `alerts test` against real receivers, `alerts backtest`, alerts.yaml validation. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';
import { parseMail, runCleanups, startHttp, startSmtp } from '../support/receivers.js';

let sim: ChildProcess;
let url: string;
let origin: string;
let dir: string;
const KEY = 'alerts-e2e-key-91';

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    CLARI_BASE_URL: url,
    CLARI_API_KEY: KEY,
    CLARI_DP_FORECASTS: 'net_new_arr',
    CLARI_DP_WAREHOUSE: `duckdb:${join(dir, 'wh.duckdb')}`,
    CLARI_DP_DATA_DIR: join(dir, 'data'),
    ...extra,
  };
}

beforeAll(async () => {
  const started = await startCli(
    [
      'sim',
      '--port',
      '0',
      '--job-duration',
      '20',
      '--users',
      '40',
      '--api-key',
      KEY,
      '--as-of',
      '2026-11-23',
      '--forecasts',
      '1',
    ],
    /listening on (\S+)/,
  );
  sim = started.child;
  url = started.match[1]!;
  origin = url.replace(/\/v4$/, '');
  dir = mkdtempSync(join(tmpdir(), 'clari-dp-e2e-alerts-'));
  writeFileSync(join(dir, 'clari-dp.yaml'), 'export:\n  pollIntervalMs: 20\n');
  // Five business days of history for period 2026_Q4.
  for (const [i, asOf] of ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'].entries()) {
    if (i > 0) await fetch(`${origin}/__sim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: 1 }) });
    const result = await runCli(['run', '--as-of', asOf, '--period', '2026_Q4'], env(), dir);
    expect(result.code).toBe(0);
  }
}, 120_000);
afterAll(() => {
  sim.kill('SIGTERM');
});
afterEach(runCleanups);

describe('clari-dp changes', () => {
  it('lists changes as a table, CSV and JSON, with filters', async () => {
    const table = await runCli(['changes', '--since', '2026-11-27'], env(), dir);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^snapshot\s+forecast\s+period\s+owner/m);
    expect(table.stdout).toMatch(/2026-11-27\s+net_new_arr\s+2026_Q4/);
    const json = JSON.parse(
      (await runCli(['changes', '--json', '--kind', 'changed', '--min-pct', '20'], env(), dir)).stdout,
    ) as { change_pct: number; change_kind: string }[];
    expect(json.length).toBeGreaterThan(0);
    for (const row of json) {
      expect(row.change_kind).toBe('changed');
      expect(Math.abs(row.change_pct)).toBeGreaterThanOrEqual(20);
    }
    const csv = (await runCli(['changes', '--format', 'csv', '--limit', '3'], env(), dir)).stdout.trim().split('\n');
    expect(csv[0]).toBe('snapshot,forecast,period,owner,field,kind,previous,current,change,change %');
    expect(csv).toHaveLength(4);
  });
});

describe('clari-dp alerts', () => {
  it('backtest counts what each rule would have sent over the stored snapshots', async () => {
    writeFileSync(
      join(dir, 'strict.yaml'),
      'rules:\n  - { type: forecast_swing, name: loose, percent: 5, minAmount: 1000 }\n  - { type: forecast_swing, name: strict, percent: 50, minAmount: 100000 }\n  - { type: stale_submission, name: stale, weeks: 3 }\n',
    );
    const result = await runCli(
      ['alerts', 'backtest', '--period', '2026_Q4', '--json'],
      env({ CLARI_DP_ALERTS_FILE: join(dir, 'strict.yaml') }),
      dir,
    );
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { snapshots: number; rows: { rule: string; fired: number }[] };
    expect(out.snapshots).toBe(5);
    const fired = Object.fromEntries(out.rows.map((r) => [r.rule, r.fired]));
    expect(fired.loose).toBeGreaterThan(fired.strict!);
    expect(fired.loose).toBeGreaterThan(0);
    expect(Object.keys(fired)).toEqual(['loose', 'strict', 'stale']);
  });

  it('test sends one message to every configured channel, PASS or FAIL each', async () => {
    const slack = await startHttp(() => ({ status: 200, body: 'ok' }));
    const smtp = await startSmtp();
    const ok = await runCli(
      ['alerts', 'test'],
      env({
        SLACK_WEBHOOK_URL: `${slack.base}/services/T9/B9/topsecret`,
        SMTP_URL: `smtp://user:mailpass@127.0.0.1:${smtp.port}?ignoreTLS=true`,
        ALERT_EMAIL_TO: 'ops@example.com',
      }),
      dir,
    );
    expect(ok.stdout).toMatch(/^PASS {2}slack \(slack\)$/m);
    expect(ok.stdout).toMatch(/^PASS {2}email \(email\)$/m);
    expect(ok.code).toBe(0);
    expect(slack.requests).toHaveLength(1);
    expect(parseMail(smtp.mails[0]!.raw).text).toContain('clari-dp test alert');
    const down = await runCli(
      ['alerts', 'test'],
      env({ SLACK_WEBHOOK_URL: 'http://127.0.0.1:1/services/T9/B9/topsecret' }),
      dir,
    );
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^FAIL {2}slack/m);
    expect(down.stdout + down.stderr).not.toContain('topsecret');
    expect(ok.stdout + ok.stderr).not.toContain('mailpass');
  });

  it('rejects an invalid alerts.yaml with the key named, and an inline webhook', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'rules:\n  - { type: forecast_swing, percnt: 20 }\n');
    const bad = await runCli(['alerts', 'test'], env({ CLARI_DP_ALERTS_FILE: join(dir, 'bad.yaml') }), dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rules.0');
    expect(bad.stderr).toContain('percnt');
    writeFileSync(
      join(dir, 'inline.yaml'),
      'channels:\n  team: { type: slack, webhookUrl: "https://hooks.slack.com/services/T/B/xyz" }\n',
    );
    const inline = await runCli(['alerts', 'test'], env({ CLARI_DP_ALERTS_FILE: join(dir, 'inline.yaml') }), dir);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toContain('holds a secret');
    expect(inline.stderr).not.toContain('xyz');
  });
});
