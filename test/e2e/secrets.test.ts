/**
 * The redaction promise over a full working life of the CLI: two business days with alerts on
 * Slack (failing once), e-mail and a webhook, a wrong forecast id, a revoked key, debug logging,
 * then every read command, doctor, the debug bundle and the dashboard. Every byte a user or a
 * support engineer could see (output, logs, messages received, files under the working and data
 * directories, warehouse rows) is searched for the API keys, the SMTP password and the webhook URLs.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, startCli } from '../support/cli.js';
import { runCleanups, startHttp, startSmtp } from '../support/receivers.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { findSecrets } from '../support/secrets.js';

const KEY = 'clari-live-7Hq2ZpX9wLmN4vB8';
const REVOKED = 'clari-live-REVOKEDk3y5577';
const SMTP_PASSWORD = 'smtp-Pa55-w0rd-93';
const SLACK_TOKEN = 'xoxb-slack-path-token-4411';
const HOOK_TOKEN = 'hook-path-secret-8812';

let sim: ChildProcess;
let dir: string;
let secrets: Record<string, string>;
let env: Record<string, string>;
const outputs: { what: string; result: CliResult }[] = [];
let received: () => string[];

async function cli(what: string, args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli([...args, '--log-level', 'debug'], { ...env, ...extra }, dir);
  outputs.push({ what, result });
  return result;
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
  const url = started.match[1]!;
  dir = mkdtempSync(join(tmpdir(), 'clari-dp-secrets-'));
  writeFileSync(join(dir, 'clari-dp.yaml'), 'export:\n  pollIntervalMs: 20\n');
  const slack = await startHttp((n) =>
    n === 0 ? { status: 500, body: 'internal_error' } : { status: 200, body: 'ok' },
  );
  const hook = await startHttp(() => ({ status: 204, body: '' }));
  const smtp = await startSmtp();
  const slackUrl = `${slack.base}/services/T01/B02/${SLACK_TOKEN}`;
  const hookUrl = `${hook.base}/hooks/${HOOK_TOKEN}`;
  const smtpUrl = `smtp://alerts:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}?ignoreTLS=true`;
  secrets = {
    'API key': KEY,
    'revoked API key': REVOKED,
    'SMTP password': SMTP_PASSWORD,
    'Slack webhook URL': slackUrl,
    'Slack webhook token': SLACK_TOKEN,
    'webhook URL': hookUrl,
    'webhook token': HOOK_TOKEN,
  };
  env = {
    CLARI_BASE_URL: url,
    CLARI_API_KEY: KEY,
    CLARI_DP_FORECASTS: 'net_new_arr',
    CLARI_DP_WAREHOUSE: `duckdb:${join(dir, 'wh.duckdb')}`,
    CLARI_DP_DATA_DIR: join(dir, 'data'),
    SLACK_WEBHOOK_URL: slackUrl,
    ALERT_WEBHOOK_URL: hookUrl,
    SMTP_URL: smtpUrl,
    ALERT_EMAIL_TO: 'revops@example.com',
  };
  received = () => [
    ...slack.requests.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`),
    ...hook.requests.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`),
    ...smtp.mails.map((m) => m.raw),
  ];

  expect((await cli('run day 1', ['run', '--as-of', '2026-11-23', '--period', '2026_Q4'])).code).toBe(0);
  await fetch(`${url.replace(/\/v4$/, '')}/__sim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: 1 }) });
  expect((await cli('run day 2', ['run', '--as-of', '2026-11-24', '--period', '2026_Q4'])).code).toBe(0);
  expect(
    (await cli('wrong forecast id', ['run', '--as-of', '2026-11-24', '--period', '2026_Q4', '--forecast', 'not_a_tab']))
      .code,
  ).not.toBe(0);
  expect(
    (
      await cli('revoked key', ['run', '--as-of', '2026-11-24', '--period', '2026_Q4', '--no-cache'], {
        CLARI_API_KEY: REVOKED,
      })
    ).code,
  ).not.toBe(0);
  expect(slack.requests.length).toBeGreaterThan(1);
  expect(smtp.mails.length).toBeGreaterThan(0);
  expect(hook.requests.length).toBeGreaterThan(0);

  await cli('changes', ['changes', '--format', 'json']);
  for (const name of ['accuracy', 'coverage', 'reps', 'changes', 'health'])
    await cli(`report ${name}`, ['report', name]);
  await cli('config show', ['config', 'show']);
  await cli('doctor', ['doctor', '--send-test', '--forecast', 'net_new_arr']);
  await cli('doctor with revoked key', ['doctor'], { CLARI_API_KEY: REVOKED });
  await cli('alerts test', ['alerts', 'test']);
  await cli('debug-bundle', ['debug-bundle', '--out', join(dir, 'bundle.tar.gz')]);
}, 180_000);

afterAll(async () => {
  sim.kill('SIGTERM');
  await runCleanups();
});

describe('secrets never leave the process', () => {
  it('the runs did what they should, so the search covers real output', () => {
    const text = (what: string): string => {
      const found = outputs.find((o) => o.what === what);
      return `${found?.result.stdout ?? ''}${found?.result.stderr ?? ''}`;
    };
    expect(text('wrong forecast id')).toMatch(/not_a_tab/);
    expect(text('revoked key')).toMatch(/401|revoked|not accepted|invalid/i);
    expect(text('run day 2')).toMatch(/"level":20|debug/i);
    expect(text('config show')).toMatch(/CLARI_API_KEY/);
  });

  it('no command output or log line contains a secret', async () => {
    const texts = Object.fromEntries(
      outputs.flatMap(({ what, result }) => [
        [`${what} stdout`, result.stdout],
        [`${what} stderr`, result.stderr],
      ]),
    );
    expect(await findSecrets(secrets, { texts })).toEqual([]);
  });

  it('no alert message received contains a secret', async () => {
    expect(
      await findSecrets(secrets, {
        texts: Object.fromEntries(received().map((message, i) => [`message ${i}`, message])),
      }),
    ).toEqual([]);
  });

  it('no file in the working directory, data directory or debug bundle contains a secret', async () => {
    expect(await findSecrets(secrets, { dirs: [dir] })).toEqual([]);
  });

  it('no warehouse row or view contains a secret', async () => {
    const wh = await openWarehouse(`duckdb:${join(dir, 'wh.duckdb')}`);
    try {
      expect(await findSecrets(secrets, { warehouses: [wh] })).toEqual([]);
    } finally {
      await wh.close();
    }
  });

  it('no dashboard page, API answer or metric contains a secret', async () => {
    const serve = await startCli(['serve', '--port', '0', '--log-level', 'debug'], /dashboard on (\S+)/, env);
    try {
      const base = serve.match[1]!.replace(/\/$/, '');
      const pages = await Promise.all(
        [
          '/',
          '/healthz',
          '/metrics',
          '/api/options',
          '/api/headline',
          '/api/accuracy',
          '/api/coverage',
          '/api/reps',
          '/api/changes',
          '/api/health',
        ].map(async (path) => {
          const response = await fetch(`${base}${path}`);
          expect(response.status, path).toBeLessThan(400);
          return { path, body: await response.text() };
        }),
      );
      expect(pages.find((p) => p.path === '/api/changes')?.body).toMatch(/net_new_arr/);
      expect(
        await findSecrets(secrets, {
          texts: { ...Object.fromEntries(pages.map((p) => [p.path, p.body])), 'serve output': serve.output() },
        }),
      ).toEqual([]);
    } finally {
      serve.child.kill('SIGTERM');
    }
  });
});
