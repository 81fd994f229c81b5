/**
 * Contract tests: the client against the simulator over real HTTP on loopback, for every endpoint
 * and every error envelope of shared/reference/clari-api.md. Assertions are about the contract (wire
 * shapes, status codes, error codes), so they hold for any implementation of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClariClient,
  checkResult,
  decodeResults,
  type ExportJob,
  type WireEntry,
  type WireTimePeriod,
} from '../../src/clari/index.js';
import { systemClock } from '../../src/core/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { collect, simStats, startTestSim, testClient } from '../support/sim.js';

let sim: RunningSimulator;
let client: ClariClient;

beforeAll(async () => {
  sim = await startTestSim({ extraKeys: { 'other-user-key': 2 } });
  client = testClient(sim);
});
afterAll(() => sim.close());

async function waitDone(jobId: string, c = client): Promise<ExportJob> {
  for (;;) {
    const job = await c.getJob(jobId);
    if (job.status !== 'SCHEDULED' && job.status !== 'STARTED') return job;
    await systemClock.sleep(10);
  }
}

async function raw(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${sim.url}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

describe('forecast export lifecycle', () => {
  it('creates, polls SCHEDULED/STARTED -> DONE, and downloads the five-array document for the requested period', async () => {
    const limitsBefore = await client.getLimits();
    const { jobId } = await client.createExport('net_new_arr', {
      timePeriod: '2026_Q3',
      typesToExport: ['forecast', 'quota', 'forecast_updated'],
      includeHistorical: true,
    });
    expect(jobId).toMatch(/^[0-9a-f]{24}$/);
    const first = await client.getJob(jobId);
    expect(['SCHEDULED', 'STARTED', 'DONE']).toContain(first.status);
    const job = await waitDone(jobId);
    expect(job).toMatchObject({ status: 'DONE', fileType: 'JSON', rowsTruncated: false, cellsTruncated: false });
    expect(job.expiredTime! - job.endTime!).toBe(30 * 86_400_000);
    const { rows, summary } = await collect(client.readResults(jobId));
    expect(summary.counts.entries).toBeGreaterThan(0);
    expect((rows.timePeriods![0] as { timePeriodId: string }).timePeriodId).toBe('2026_Q3');
    const entries = rows.entries as WireEntry[];
    expect(new Set(entries.map((e) => e.timePeriodId))).toEqual(new Set(['2026_Q3']));
    // includeHistorical: every week of the (past) quarter, unordered in the output.
    const weeks = [...new Set(entries.map((e) => e.timeFrameId))];
    expect(weeks.length).toBeGreaterThanOrEqual(13);
    expect(weeks).not.toEqual([...weeks].sort());
    expect(entries.some((e) => typeof e.quotaValue === 'number')).toBe(true);
    expect(entries.some((e) => e.isUpdated === true && typeof e.updatedOn === 'number')).toBe(true);
    const after = await client.getLimits();
    expect(after.availableMonthlyQuota).toBe(limitsBefore.availableMonthlyQuota - 1);
    expect((await client.getJob(jobId)).downloads).toBe(1);
  });

  it('exports only the latest week without includeHistorical, and falls back to the current quarter silently', async () => {
    const { jobId } = await client.createExport('net_new_arr', { timePeriod: '2031_Q1' });
    await waitDone(jobId);
    const { rows, summary } = await collect(client.readResults(jobId));
    const periods = rows.timePeriods as WireTimePeriod[];
    expect(periods[0]!.timePeriodId).toBe('2026_Q4');
    expect(new Set((rows.entries as WireEntry[]).map((e) => e.timeFrameId)).size).toBe(1);
    const checks = checkResult({
      requestedPeriod: '2031_Q1',
      timePeriods: periods,
      entryPeriods: new Set(['2026_Q4']),
      summary,
    });
    expect(checks).toContainEqual(expect.objectContaining({ code: 'period_mismatch', severity: 'error' }));
  });

  it('ignores export parameters sent as query parameters (they belong in the body)', async () => {
    const response = await raw('/export/forecast/net_new_arr?timePeriod=2026_Q1&exportFormat=CSV', {
      method: 'POST',
      headers: { apikey: 'sim-key' },
    });
    expect(response.status).toBe(200);
    const jobId = (response.body as { jobId: string }).jobId;
    const job = await waitDone(jobId);
    expect(job.fileType).toBe('JSON');
    expect(job.fileName).toContain('2026_Q4');
  });

  it('serves CSV that parses into the same entries as JSON, formatted money included', async () => {
    const request = {
      timePeriod: '2026_Q2',
      typesToExport: ['forecast', 'quota', 'forecast_updated'] as const,
      includeHistorical: true,
    };
    const asJson = await client.createExport('renewals', { ...request, typesToExport: [...request.typesToExport] });
    const asCsv = await client.createExport('renewals', {
      ...request,
      typesToExport: [...request.typesToExport],
      exportFormat: 'CSV',
    });
    await waitDone(asJson.jobId);
    const csvJob = await waitDone(asCsv.jobId);
    expect(csvJob.fileType).toBe('CSV');
    const json = await collect(client.readResults(asJson.jobId));
    const download = await client.downloadResults(asCsv.jobId);
    expect(download.format).toBe('CSV');
    const csv = await collect(decodeResults(download, { requestedPeriod: '2026_Q2', currencyCode: 'USD' }));
    const users = new Map(
      (json.rows.users as { userId: string; crmId: string; hierarchyName: string }[]).map((u) => [
        u.userId,
        `csv:${u.crmId}:${u.hierarchyName}`,
      ]),
    );
    const fieldNames = new Map(
      (json.rows.fields as { fieldId: string; fieldName: string }[]).map((f) => [f.fieldId, f.fieldName]),
    );
    const key = (e: WireEntry) => `${e.timeFrameId}|${e.userId}|${e.fieldId}`;
    const fromJson = new Map(
      (json.rows.entries as WireEntry[]).map((e) => [
        `${e.timeFrameId}|${users.get(e.userId)}|${fieldNames.get(e.fieldId)}`,
        e,
      ]),
    );
    const fromCsv = new Map((csv.rows.entries as WireEntry[]).map((e) => [key(e), e]));
    expect(fromCsv.size).toBe(fromJson.size);
    for (const [k, e] of fromJson) {
      const c = fromCsv.get(k);
      expect(c, k).toBeDefined();
      expect(c!.forecastValue ?? null).toBe(e.forecastValue ?? null);
      expect(c!.quotaValue ?? null).toBe(e.quotaValue ?? null);
      if (e.isUpdated !== undefined) expect(c!.isUpdated).toBe(e.isUpdated);
    }
  });

  it('lists the caller’s jobs and cancels: SCHEDULED -> CANCELLED, and a DONE job cannot be cancelled', async () => {
    const slow = await startTestSim({ jobDurationMs: 60_000 });
    try {
      const c = testClient(slow);
      const { jobId } = await c.createExport('net_new_arr', {});
      expect((await c.listJobs()).map((j) => j.jobId)).toContain(jobId);
      const before = await c.getLimits();
      expect(await c.cancelJob(jobId)).toEqual({ status: 'CANCELLED', successful: true });
      expect((await c.getJob(jobId)).status).toBe('CANCELLED');
      const after = await c.getLimits();
      expect(after.availableMonthlyQuota).toBe(before.availableMonthlyQuota + 1);
      expect(after.availableConcurrentLimit).toBe(before.availableConcurrentLimit + 1);
    } finally {
      await slow.close();
    }
    const { jobId } = await client.createExport('net_new_arr', {});
    await waitDone(jobId);
    await expect(client.cancelJob(jobId)).rejects.toMatchObject({
      code: 'clari.cancel_failed',
      clariCode: 'export_failed_to_cancel',
    });
  });

  it('reads the legacy synchronous forecast endpoint (latest week only)', async () => {
    const response = await client.getForecast('net_new_arr', {
      timePeriod: '2026_Q3',
      typesToExport: ['forecast', 'quota'],
    });
    const { rows } = await collect(decodeResults(response));
    expect((rows.timePeriods![0] as { timePeriodId: string }).timePeriodId).toBe('2026_Q3');
    expect(new Set((rows.entries as WireEntry[]).map((e) => e.timeFrameId)).size).toBe(1);
  });

  it('pages audit events by following nextLink', async () => {
    const events: string[] = [];
    let pages = 0;
    for await (const page of client.auditEvents({ limit: 100 })) {
      pages++;
      events.push(...page.items.map((i) => i.eventTimestamp));
      expect(page.actors.length).toBeGreaterThan(0);
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(events).size).toBeGreaterThan(200);
  });

  it('accepts the bare job status and the wrapped job list variants', async () => {
    const variant = await startTestSim({ bareJobStatus: true, wrappedJobList: true });
    try {
      const c = testClient(variant);
      const { jobId } = await c.createExport('net_new_arr', {});
      expect((await raw2(variant.url, `/export/jobs/${jobId}`)).job).toBeUndefined();
      expect((await c.getJob(jobId)).jobId).toBe(jobId);
      expect((await c.listJobs()).map((j) => j.jobId)).toEqual([jobId]);
    } finally {
      await variant.close();
    }
  });
});

async function raw2(url: string, path: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${url}${path}`, { headers: { apikey: 'sim-key' } })).json()) as Record<string, unknown>;
}

describe('error envelopes', () => {
  it('gateway: unknown route is a Kong 404 before auth; missing, wrong and Bearer-only keys are 401', async () => {
    const notFound = await raw('/forecast/types/list');
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ message: 'no Route matched with those values' });
    expect((await raw('/admin/limits')).body).toEqual({ message: 'No API key found in request' });
    expect((await raw('/admin/limits', { headers: { authorization: 'Bearer sim-key' } })).status).toBe(401);
    expect((await raw('/admin/limits', { headers: { apikey: 'nope' } })).body).toEqual({
      message: 'Invalid authentication credentials',
    });
    await expect(testClient(sim, { apiKey: 'revoked-key' }).getLimits()).rejects.toMatchObject({
      code: 'clari.auth',
      status: 401,
    });
    await expect(testClient(sim, { baseUrl: `${sim.origin}/v1` }).getLimits()).rejects.toMatchObject({
      code: 'clari.not_found',
      status: 404,
    });
  });

  it('export family: wrong forecast id, bad types, bad currency, malformed body', async () => {
    await expect(client.createExport('deal_owner', {})).rejects.toMatchObject({
      code: 'clari.forecast_not_found',
      status: 400,
      clariCode: 'no_such_forecast_config',
    });
    await expect(
      client.createExport('net_new_arr', { typesToExport: ['forecast_value' as never] }),
    ).rejects.toMatchObject({
      code: 'clari.bad_request',
      clariCode: 'bad_request',
      message: expect.stringContaining('forecast_value'),
    });
    await expect(client.createExport('net_new_arr', { currency: 'XXX' })).rejects.toMatchObject({
      code: 'clari.bad_request',
      message: expect.stringContaining('currency'),
    });
    const malformed = await raw('/export/forecast/net_new_arr', {
      method: 'POST',
      headers: { apikey: 'sim-key', 'content-type': 'text/plain' },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      code: 'bad_request',
      namespace: 'fcw',
      orgId: 101,
      errorId: expect.any(String),
    });
  });

  it('accepts a JSON body whatever the content type', async () => {
    const response = await raw('/export/forecast/net_new_arr', {
      method: 'POST',
      headers: { apikey: 'sim-key', 'content-type': 'text/plain' },
      body: JSON.stringify({ timePeriod: '2026_Q2' }),
    });
    expect(response.status).toBe(200);
    const job = await waitDone((response.body as { jobId: string }).jobId);
    expect(job.fileName).toContain('2026_Q2');
  });

  it('no_optin for a scope the token cannot see; 403 for another user’s job', async () => {
    await expect(client.createExport('net_new_arr', { scopeId: '999::MGR' })).rejects.toMatchObject({
      code: 'clari.no_optin',
      status: 401,
    });
    const { jobId } = await client.createExport('net_new_arr', {});
    const other = testClient(sim, { apiKey: 'other-user-key' });
    await expect(other.getJob(jobId)).rejects.toMatchObject({ code: 'clari.permission', status: 403 });
    expect((await other.listJobs()).map((j) => j.jobId)).not.toContain(jobId);
  });

  it('a scoped export contains only that subtree', async () => {
    const scopeRoot = sim.simulator.tenant.users.find((u) => u.level === 2)!;
    const { jobId } = await client.createExport('net_new_arr', { scopeId: scopeRoot.scopeId });
    await waitDone(jobId);
    const { rows } = await collect(client.readResults(jobId));
    const users = rows.users as { userId: string }[];
    expect(users.map((u) => u.userId)).toContain(scopeRoot.userId);
    expect(users.length).toBeLessThan(sim.simulator.tenant.users.length / 2);
  });

  it('unknown job, results before DONE', async () => {
    await expect(client.getJob('000000000000000000000000')).rejects.toMatchObject({
      code: 'clari.job_not_found',
      clariCode: 'invalid_jobId',
    });
    const slow = await startTestSim({ jobDurationMs: 60_000 });
    try {
      const c = testClient(slow);
      const { jobId } = await c.createExport('net_new_arr', {});
      await expect(c.downloadResults(jobId)).rejects.toMatchObject({
        code: 'clari.job_not_ready',
        clariCode: 'invalid_jobId',
      });
    } finally {
      await slow.close();
    }
  });

  it('capacity: a full concurrency cap is a 400 export_monthly_quota_reached, read as capacity', async () => {
    const tight = await startTestSim({ jobDurationMs: 60_000, concurrencyLimit: 1, monthlyQuota: 2 });
    try {
      const c = testClient(tight);
      await c.createExport('net_new_arr', {});
      const error = await c.createExport('net_new_arr', {}).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'clari.capacity',
        kind: 'capacity',
        status: 400,
        clariCode: 'export_monthly_quota_reached',
      });
      const limits = await c.getLimits();
      expect(limits).toMatchObject({ concurrentLimit: 1, availableConcurrentLimit: 0, availableMonthlyQuota: 1 });
      expect(limits.runningJobIds.length + limits.submittedJobIds.length).toBeGreaterThan(0);
    } finally {
      await tight.close();
    }
  });

  it('type_not_supported where the tenant rejects CRM types', async () => {
    const strict = await startTestSim({ rejectCrmTypes: true });
    try {
      await expect(
        testClient(strict).createExport('net_new_arr', { typesToExport: ['forecast', 'crm_total'] }),
      ).rejects.toMatchObject({ code: 'clari.type_not_supported', clariCode: 'type_not_supported' });
    } finally {
      await strict.close();
    }
  });

  it('audit errors use their own envelope', async () => {
    const response = await raw('/audit/events?limit=5000', { headers: { apikey: 'sim-key' } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errors: [{ code: 'invalid_parameter', target: 'limit', status: '400' }] });
    const error = await (async () => {
      for await (const _ of client.auditEvents({ limit: 5000 })) void _;
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'clari.bad_request', envelope: { surface: 'audit' } });
  });

  it('429 with Retry-After from a gateway rate limit, retried by the client', async () => {
    const limited = await startTestSim({ rateLimitPerSecond: 5 });
    try {
      const burst = await Promise.all(Array.from({ length: 12 }, () => raw2status(limited.url)));
      expect(burst.filter((r) => r.status === 429).length).toBeGreaterThan(0);
      const tooMany = burst.find((r) => r.status === 429)!;
      expect(tooMany.retryAfter).toMatch(/^\d+$/);
      const c = testClient(limited, {
        retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50, minRetryAfterMs: 50 },
      });
      const results = await Promise.all(Array.from({ length: 10 }, () => c.getLimits()));
      expect(results).toHaveLength(10);
      const stats = await simStats(limited);
      expect(stats.requests['GET /admin/limits 429']).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

async function raw2status(url: string): Promise<{ status: number; retryAfter: string | null }> {
  const response = await fetch(`${url}/admin/limits`, { headers: { apikey: 'sim-key' } });
  await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}
