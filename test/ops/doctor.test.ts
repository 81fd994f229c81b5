/**
 * `doctor` against the simulator and real components: every checklist item passes on a healthy
 * setup, and each broken item gives its own FAIL line with a fix (never a stack trace).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertSetup,
  type Check,
  createClariClient,
  createContext,
  doctorChecks,
  type Io,
  openConfiguredWarehouse,
} from '../../src/app/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { runCleanups, startHttp } from '../support/receivers.js';
import { simStats, startTestSim } from '../support/sim.js';

const KEY = 'doctor-test-key-0123456789';
let sim: RunningSimulator;

beforeAll(async () => {
  // Probe exports must still be running when doctor cancels them: with the helpers' 30 ms jobs a
  // loaded CI machine finished one before its cancel arrived (then doctor rightly says "it used 1").
  sim = await startTestSim({
    apiKey: KEY,
    forecasts: 2,
    asOf: new Date().toISOString().slice(0, 10),
    jobDurationMs: 60_000,
  });
});
afterAll(async () => {
  await runCleanups();
  await sim.close();
});

async function doctor(
  env: Record<string, string>,
  options: {
    files?: Record<string, string>;
    sendTest?: boolean;
    cron?: string;
    tz?: string;
    forecasts?: string[];
  } = {},
): Promise<Check[]> {
  const cwd = mkdtempSync(join(tmpdir(), 'clari-dp-doctor-'));
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(cwd, name), text);
  const io: Io = {
    stdout: () => undefined,
    stderr: () => undefined,
    isTTY: false,
    cwd,
    environment: { CLARI_DP_WAREHOUSE: `duckdb:${join(cwd, 'wh.duckdb')}`, CLARI_DP_FORECASTS: 'net_new_arr', ...env },
  };
  const ctx = createContext({}, io);
  return doctorChecks({
    loaded: ctx.loaded,
    client: () =>
      createClariClient({
        ...ctx,
        loaded: {
          ...ctx.loaded,
          config: { ...ctx.loaded.config, clari: { ...ctx.loaded.config.clari, maxAttempts: 1 } },
        },
      }),
    warehouse: () => openConfiguredWarehouse(ctx),
    alerts: () => alertSetup(ctx),
    forecasts: options.forecasts,
    sendTest: options.sendTest,
    schedule: options.cron ? { cron: options.cron, timezone: options.tz ?? 'UTC' } : undefined,
  });
}

const status = (checks: Check[], name: string): Check => {
  const check = checks.find((c) => c.name === name);
  expect(check, `${name} in ${checks.map((c) => c.name).join(', ')}`).toBeDefined();
  return check!;
};

describe('doctor', () => {
  it('passes every item of a healthy setup, validating forecast ids without spending quota', async () => {
    const slack = await startHttp(() => ({ status: 200, body: 'ok' }));
    const before = await simStats(sim);
    const checks = await doctor(
      {
        CLARI_BASE_URL: sim.url,
        CLARI_API_KEY: KEY,
        SLACK_WEBHOOK_URL: `${slack.base}/hook`,
        CLARI_DP_FORECASTS: 'net_new_arr,renewals',
      },
      { sendTest: true, cron: '0 6 * * 1-5', tz: 'America/New_York' },
    );
    expect(checks.filter((c) => c.status !== 'PASS')).toEqual([
      expect.objectContaining({ name: 'Warehouse', status: 'WARN' }),
    ]);
    for (const name of [
      'API key',
      'Clari API',
      'Export quota',
      'Concurrency',
      'Clock skew',
      'Forecast net_new_arr',
      'Forecast renewals',
      'Periods',
      'Export types',
      'Retention',
      'Schedule',
      'Alert rules',
      'Channel slack',
    ])
      expect(status(checks, name).status, name).toBe('PASS');
    expect(status(checks, 'Forecast renewals').detail).toContain('cancelled');
    const after = await simStats(sim);
    expect(after.cancels - before.cancels).toBe(2);
    const limits = (await (await fetch(`${sim.url}/admin/limits`, { headers: { apikey: KEY } })).json()) as {
      jobs: { availableMonthlyQuota: number };
    };
    expect(limits.jobs.availableMonthlyQuota).toBe(1000);
    expect(slack.requests).toHaveLength(1);
  });

  it.each([
    ['no key', { CLARI_API_KEY: '' }, 'API key', /no Clari API key/],
    ['a revoked key', { CLARI_API_KEY: 'revoked-key-000000000000' }, 'Clari API', /rejected the API key/],
    [
      'an unreachable API',
      { CLARI_BASE_URL: 'http://127.0.0.1:1/v4' },
      'Clari API',
      /Cannot reach Clari at http:\/\/127.0.0.1:1\/v4/,
    ],
    ['a wrong forecast id', { CLARI_DP_FORECASTS: 'deal_owner' }, 'Forecast deal_owner', /does not exist/],
    ['a warehouse that is down', { CLARI_DP_WAREHOUSE: 'postgres://u:pw@127.0.0.1:1/db' }, 'Warehouse', /unreachable/],
    ['a channel without its secret', {}, 'Alert channels', /needs SLACK_WEBHOOK_URL/],
  ])('FAILs on %s, with a fix', async (_, env, name, detail) => {
    const files = name === 'Alert channels' ? { 'alerts.yaml': 'channels:\n  team: { type: slack }\n' } : {};
    const checks = await doctor({ CLARI_BASE_URL: sim.url, CLARI_API_KEY: KEY, ...env }, { files });
    const check = status(checks, name);
    expect(check.status).toBe('FAIL');
    expect(check.detail).toMatch(detail);
    expect(check.fix).toBeTruthy();
    expect(JSON.stringify(checks)).not.toMatch(/\n\s+at /);
    expect(JSON.stringify(checks)).not.toContain(KEY);
  });

  it('FAILs on exhausted quota, a bad schedule, a failing channel, and a clock far from Clari’s', async () => {
    const tight = await startTestSim({ apiKey: KEY, monthlyQuota: 2, asOf: '2026-01-05' });
    try {
      const dead = await startHttp(() => ({ status: 404, body: 'no_service' }));
      const checks = await doctor(
        { CLARI_BASE_URL: tight.url, CLARI_API_KEY: KEY, SLACK_WEBHOOK_URL: `${dead.base}/hook` },
        { sendTest: true, cron: 'every monday', forecasts: [] },
      );
      expect(status(checks, 'Export quota')).toMatchObject({
        status: 'FAIL',
        detail: expect.stringContaining('2 of 2 exports left'),
      });
      expect(status(checks, 'Schedule')).toMatchObject({ status: 'FAIL' });
      expect(status(checks, 'Channel slack')).toMatchObject({ status: 'FAIL' });
      expect(status(checks, 'Clock skew')).toMatchObject({ status: 'FAIL' });
    } finally {
      await tight.close();
    }
  });

  it('with activity enabled, checks both deal endpoints, a line each, without spending export quota', async () => {
    const before = await simStats(sim);
    const checks = await doctor({ CLARI_BASE_URL: sim.url, CLARI_API_KEY: KEY, CLARI_DP_ACTIVITY: 'true' });
    expect(status(checks, 'GET /opportunity')).toMatchObject({ status: 'PASS' });
    expect(status(checks, 'Activity export')).toMatchObject({
      status: 'PASS',
      detail: expect.stringContaining('cancelled') as unknown,
    });
    // One more export per run: the activity export.
    expect(status(checks, 'Export quota').detail).toContain('one run needs up to 6');
    const after = await simStats(sim);
    expect(after.requests['GET /opportunity 200']! - (before.requests['GET /opportunity 200'] ?? 0)).toBe(1);
    expect(after.cancels - before.cancels).toBe(2);
    const limits = (await (await fetch(`${sim.url}/admin/limits`, { headers: { apikey: KEY } })).json()) as {
      jobs: { availableMonthlyQuota: number };
    };
    expect(limits.jobs.availableMonthlyQuota).toBe(1000);
    // Off (the default for run): no deal line at all, nothing asked of those endpoints.
    const off = await doctor({ CLARI_BASE_URL: sim.url, CLARI_API_KEY: KEY });
    expect(off.map((c) => c.name)).not.toContain('Activity export');
    expect(off.map((c) => c.name)).not.toContain('GET /opportunity');
  });

  it('with activity enabled and every export slot taken, says the activity export was not checked (WARN)', async () => {
    const busy = await startTestSim({ apiKey: KEY, concurrencyLimit: 1, jobDurationMs: 60_000 });
    try {
      await fetch(`${busy.url}/export/forecast/net_new_arr`, { method: 'POST', headers: { apikey: KEY }, body: '{}' });
      const checks = await doctor(
        { CLARI_BASE_URL: busy.url, CLARI_API_KEY: KEY, CLARI_DP_ACTIVITY: '1' },
        { forecasts: ['net_new_arr'] },
      );
      expect(status(checks, 'Activity export')).toMatchObject({ status: 'WARN', fix: expect.any(String) as unknown });
      expect(status(checks, 'GET /opportunity')).toMatchObject({ status: 'PASS' });
      expect((await simStats(busy)).exportsCreated).toBe(1);
    } finally {
      await busy.close();
    }
  });
});
