/**
 * Contract tests for the deal endpoints (clari-api.md 2.8 activity export, 2.10 GET /opportunity): the
 * client against the simulator over real HTTP. Assertions are about the contract (offset dates, the
 * listed types only, the 100-id limit, the error array with Clari's `reaspnPhrase`, the activity job
 * on the export job machinery and its limits) and about faults: 5xx, 429, resets and cut-off bodies
 * on both endpoints, an activity POST whose answer is lost, stuck and failed activity jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVITY_TYPES,
  type ClariClient,
  type ExportJob,
  ExportRunner,
  type ExportTask,
  isClariError,
  MAX_OPPORTUNITY_IDS,
  type WireActivity,
} from '../../src/clari/index.js';
import { systemClock } from '../../src/core/index.js';
import { FAULT_KINDS, type RunningSimulator } from '../../src/sim/index.js';
import { simStats, startTestSim, testClient } from '../support/sim.js';

let sim: RunningSimulator;
let client: ClariClient;

beforeAll(async () => {
  sim = await startTestSim();
  client = testClient(sim);
});
afterAll(() => sim.close());

async function waitDone(c: ClariClient, jobId: string): Promise<ExportJob> {
  for (;;) {
    const job = await c.getJob(jobId);
    if (job.status !== 'SCHEDULED' && job.status !== 'STARTED') return job;
    await systemClock.sleep(10);
  }
}

async function collectActivities(generator: AsyncGenerator<WireActivity[], unknown>): Promise<WireActivity[]> {
  const out: WireActivity[] = [];
  for await (const batch of generator) out.push(...batch);
  return out;
}

async function exportActivities(
  types: readonly (typeof ACTIVITY_TYPES)[number][],
  startDate: string,
  endDate: string,
  c: ClariClient = client,
): Promise<WireActivity[]> {
  const { jobId } = await c.createActivityExport({ activityTypes: types, startDate, endDate });
  const job = await waitDone(c, jobId);
  expect(job).toMatchObject({ status: 'DONE', module: 'ACTIVITY' });
  return collectActivities(c.readActivityResults(jobId));
}

const ALL = [...ACTIVITY_TYPES];

describe('activity export', () => {
  it('runs as a job and returns only the listed types, with accounts, opportunities and participants', async () => {
    const activities = await exportActivities(['MEETING'], '2026-10-01T00:00:00-05:00', '2026-11-20T23:59:59-05:00');
    expect(activities.length).toBeGreaterThan(0);
    expect(new Set(activities.map((a) => a.activityType))).toEqual(new Set(['MEETING']));
    expect(activities.every((a) => a.opportunities.length > 0 && a.accounts.length > 0)).toBe(true);
    expect(activities.some((a) => a.participants.some((p) => !p.isInternal && p.sfdcUserId === ''))).toBe(true);
    expect(activities.every((a) => a.participants.some((p) => p.isInternal && p.sfdcUserId !== ''))).toBe(true);
    // Local dates in the request's zone (-05:00): nothing before Oct 1 05:00 UTC or after Nov 21 05:00 UTC.
    for (const a of activities) {
      expect(a.date).toBeGreaterThanOrEqual(Date.parse('2026-10-01T05:00:00Z'));
      expect(a.date).toBeLessThan(Date.parse('2026-11-21T05:00:00Z'));
      expect(a.activityId).toMatch(/^[0-9a-f]{32}$/);
    }
    const all = await exportActivities(ALL, '2026-10-01T00:00:00-05:00', '2026-11-20T23:59:59-05:00');
    expect(new Set(all.map((a) => a.activityType)).size).toBeGreaterThanOrEqual(4);
    expect(all.filter((a) => a.activityType === 'MEETING').map((a) => a.activityId)).toEqual(
      activities.map((a) => a.activityId),
    );
  });

  it('returns the same ids for an overlapping window (re-runs can dedupe by id)', async () => {
    const whole = await exportActivities(ALL, '2026-11-01T00:00:00+00:00', '2026-11-10T23:59:59+00:00');
    const part = await exportActivities(ALL, '2026-11-05T00:00:00+00:00', '2026-11-10T23:59:59+00:00');
    const ids = new Map(whole.map((a) => [a.activityId, a]));
    expect(part.length).toBeGreaterThan(0);
    expect(part.length).toBeLessThan(whole.length);
    for (const a of part) expect(ids.get(a.activityId)).toEqual(a);
    // The day is the unit: only the date and the zone of each bound count, not the time of day.
    const sameDays = await exportActivities(ALL, '2026-11-05T13:45:00+00:00', '2026-11-10T00:00:00+00:00');
    expect(sameDays.map((a) => a.activityId)).toEqual(part.map((a) => a.activityId));
  });

  it('sees nothing after the business date: a window into the future ends today', async () => {
    const today = (await simStats(sim)).date;
    const activities = await exportActivities(ALL, `${today}T00:00:00+00:00`, '2027-03-01T00:00:00+00:00');
    const endOfToday = Date.parse(`${today}T00:00:00Z`) + 86_400_000;
    expect(activities.every((a) => a.date < endOfToday)).toBe(true);
  });

  it('refuses bare dates, lower-case types and a reversed window before sending; the API refuses them too', async () => {
    const apiRequests = async (): Promise<Record<string, number>> =>
      Object.fromEntries(Object.entries((await simStats(sim)).requests).filter(([k]) => !k.includes('/__sim/')));
    const requestsBefore = await apiRequests();
    await expect(
      client.createActivityExport({ activityTypes: ['MEETING'], startDate: '2026-10-01', endDate: '2026-10-02' }),
    ).rejects.toMatchObject({ code: 'clari.bad_request', message: expect.stringMatching(/offset/i) as unknown });
    await expect(
      client.createActivityExport({
        activityTypes: ['meeting' as 'MEETING'],
        startDate: '2026-10-01T00:00:00Z',
        endDate: '2026-10-02T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'clari.bad_request' });
    await expect(
      client.createActivityExport({
        activityTypes: ['MEETING'],
        startDate: '2026-10-05T00:00:00Z',
        endDate: '2026-10-02T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'clari.bad_request' });
    // Nothing reached the API.
    expect(await apiRequests()).toEqual(requestsBefore);
    for (const body of [
      { activityTypes: ['meeting'], startDate: '2026-10-01T00:00:00Z', endDate: '2026-10-02T00:00:00Z' },
      { activityTypes: ['MEETING'], startDate: '2026-10-01', endDate: '2026-10-02' },
      { activityTypes: ['MEETING'], startDate: '2026-10-05T00:00:00Z', endDate: '2026-10-02T00:00:00Z' },
      { startDate: '2026-10-01T00:00:00Z', endDate: '2026-10-02T00:00:00Z' },
    ]) {
      const response = await fetch(`${sim.url}/export/activity`, {
        method: 'POST',
        headers: { apikey: 'sim-key', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      // The activity variant of the export error: namespace activity, orgId and userId as strings.
      expect(await response.json()).toMatchObject({
        code: 'Bad request',
        namespace: 'activity',
        orgId: '101',
        userId: '1',
        errorId: expect.any(String) as unknown,
      });
    }
  });

  it('shares the tenant concurrency cap with forecast exports: a full cap is a capacity error, not an input error', async () => {
    const busy = await startTestSim({ concurrencyLimit: 1, jobDurationMs: 60_000 });
    try {
      const c = testClient(busy);
      const { jobId } = await c.createExport('net_new_arr', { timePeriod: '2026_Q4' });
      const error: unknown = await c
        .createActivityExport({
          activityTypes: ALL,
          startDate: '2026-11-01T00:00:00Z',
          endDate: '2026-11-02T00:00:00Z',
        })
        .catch((e: unknown) => e);
      expect(isClariError(error, 'clari.capacity')).toBe(true);
      await c.cancelJob(jobId);
      const created = await c.createActivityExport({
        activityTypes: ALL,
        startDate: '2026-11-01T00:00:00Z',
        endDate: '2026-11-02T00:00:00Z',
      });
      expect((await c.getJob(created.jobId)).module).toBe('ACTIVITY');
      expect((await c.getLimits()).availableConcurrentLimit).toBe(0);
    } finally {
      await busy.close();
    }
  });
});

describe('GET /opportunity', () => {
  it('returns the opportunities activities name, with CRM score and trend history with offset dates, in batches of 100', async () => {
    // Two quarters: this one's deals and last one's.
    const activities = await exportActivities(ALL, '2026-07-01T00:00:00+00:00', '2026-11-20T23:59:59+00:00');
    const ids = [...new Set(activities.flatMap((a) => a.opportunities.map((o) => o.opportunityId)))];
    expect(ids.length).toBeGreaterThan(MAX_OPPORTUNITY_IDS);
    const batches = [];
    for await (const batch of client.opportunities([...ids, ...ids, 'no-such-opportunity'])) batches.push(batch);
    expect(batches.length).toBe(Math.ceil((ids.length + 1) / MAX_OPPORTUNITY_IDS));
    const found = batches.flat();
    expect(new Set(found.map((o) => o.id))).toEqual(new Set(ids));
    for (const o of found) {
      expect(o.fields.map((f) => f.id)).toEqual(
        expect.arrayContaining(['opportunity.amount', 'opportunity.stage', 'opportunity.closeDate']),
      );
      expect(typeof o.crmScore?.score).toBe('number');
      expect(typeof o.crmScore?.message).toBe('string');
      for (const f of o.fields)
        for (const point of f.trendHistory ?? [])
          expect(point.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    }
    expect(
      found.some((o) => (o.fields.find((f) => f.id === 'opportunity.amount')?.trendHistory ?? []).length > 0),
    ).toBe(true);
  });

  it('refuses more than 100 ids: the client before sending, the API with its error array', async () => {
    const ids = Array.from({ length: MAX_OPPORTUNITY_IDS + 1 }, (_, i) => `opp-${i}`);
    await expect(client.getOpportunityBatch(ids)).rejects.toMatchObject({ code: 'clari.bad_request' });
    const query = ids.map((id) => `oppId=${id}`).join('&');
    const response = await fetch(`${sim.url}/opportunity?${query}`, { headers: { apikey: 'sim-key' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual([
      {
        statusCode: 400,
        reaspnPhrase: 'Bad Request',
        description: expect.stringMatching(/100/) as unknown,
        details: null,
      },
    ]);
  });

  it("maps Clari's error array to an error that quotes its description, and does not retry a 400", async () => {
    const before = (await simStats(sim)).requests['GET /opportunity 400'] ?? 0;
    // An empty id reaches the API (the client only counts them) and Clari answers its error array.
    const error: unknown = await client.getOpportunityBatch(['']).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'clari.bad_request',
      kind: 'input',
      status: 400,
      message: expect.stringContaining('At least one oppId is required.') as unknown,
      envelope: { surface: 'opportunity', errors: [{ statusCode: 400, reaspnPhrase: 'Bad Request' }] },
    });
    expect((await simStats(sim)).requests['GET /opportunity 400']).toBe(before + 1);
  });
});

describe('faults', () => {
  it('GET /opportunity: 5xx with the error array, 429, resets and cut-off bodies are retried until they pass', async () => {
    const faulty = await startTestSim({
      faultRate: 0.5,
      faultKinds: ['server_error', 'rate_limit', 'reset', 'truncated_body', 'slow'],
      seed: 77,
    });
    const clean = await startTestSim({ seed: 77 });
    try {
      const c = testClient(faulty, { retry: { maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 10, minRetryAfterMs: 2 } });
      const reference = testClient(clean);
      const activities = await exportActivities(
        ALL,
        '2026-11-01T00:00:00+00:00',
        '2026-11-20T00:00:00+00:00',
        reference,
      );
      const ids = [...new Set(activities.flatMap((a) => a.opportunities.map((o) => o.opportunityId)))];
      const expected = [];
      for await (const batch of reference.opportunities(ids)) expected.push(...batch);
      expect(expected.length).toBe(ids.length);
      for (let round = 0; round < 6; round++) {
        const got = [];
        for await (const batch of c.opportunities(ids)) got.push(...batch);
        expect(got).toEqual(expected);
      }
      const faults = (await simStats(faulty)).faults;
      expect(Object.keys(faults)).toEqual(
        expect.arrayContaining(['server_error', 'rate_limit', 'reset', 'truncated_body']),
      );
    } finally {
      await faulty.close();
      await clean.close();
    }
  });

  it('GET /opportunity: a 5xx that outlives the retries fails with the error array quoted', async () => {
    const down = await startTestSim({ faultRate: 1, faultKinds: ['server_error'] });
    try {
      const c = testClient(down, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, minRetryAfterMs: 1 } });
      const error: unknown = await c.getOpportunityBatch(['006X']).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'clari.server',
        kind: 'transient',
        status: 500,
        envelope: { surface: 'opportunity', errors: [{ statusCode: 500, reaspnPhrase: 'Internal Server Error' }] },
      });
      expect((await simStats(down)).requests['GET /opportunity 500']).toBe(3);
    } finally {
      await down.close();
    }
  });

  it('the activity export under a mix of faults: every window gets exactly its activities, one job per POST, within the cap', async () => {
    // Empty results are a valid answer to the client; the pipeline's handling of them is tested there.
    const kinds = FAULT_KINDS.filter((k) => k !== 'empty');
    const faulty = await startTestSim({ faultRate: 0.4, faultKinds: kinds, seed: 9, concurrencyLimit: 2 });
    const clean = await startTestSim({ seed: 9 });
    try {
      const c = testClient(faulty, { retry: { maxAttempts: 10, baseDelayMs: 2, maxDelayMs: 20, minRetryAfterMs: 2 } });
      const persisted: string[] = [];
      const events: string[] = [];
      const runner = new ExportRunner({
        api: c,
        clock: systemClock,
        pollIntervalMs: 5,
        jobTimeoutMs: 400,
        maxRequeues: 8,
        downloadAttempts: 8,
        onJobCreated: (_task, jobId) => Promise.resolve(void persisted.push(jobId)),
        onEvent: (event) => events.push(event.type),
      });
      const tasks: ExportTask[] = Array.from({ length: 8 }, (_, i) => ({
        key: `activity|${i}`,
        forecastId: 'activity',
        request: {},
        activity: {
          activityTypes: ALL,
          startDate: `2026-11-${String(2 + i).padStart(2, '0')}T00:00:00+00:00`,
          endDate: '2026-11-20T00:00:00+00:00',
        },
      }));
      const outcomes = await runner.run(tasks, (_task, job) => collectActivities(c.readActivityResults(job.jobId)));
      const failed = outcomes.filter((o) => o.status === 'failed');
      expect(failed.map((o) => o.status === 'failed' && `${o.task.key}: ${o.error.message}`)).toEqual([]);
      // Each window got exactly its activities, whatever happened on the way.
      const reference = testClient(clean);
      for (const o of outcomes) {
        if (o.status !== 'done') continue;
        const expected = await exportActivities(ALL, o.task.activity!.startDate, o.task.activity!.endDate, reference);
        expect(o.value.map((a) => a.activityId)).toEqual(expected.map((a) => a.activityId));
      }
      const stats = await simStats(faulty);
      expect(stats.duplicatePosts).toBe(0);
      expect(stats.maxInFlight).toBeLessThanOrEqual(2);
      expect(persisted).toHaveLength(stats.exportsCreated);
      expect(Object.keys(stats.faults).length).toBeGreaterThanOrEqual(5);
    } finally {
      await faulty.close();
      await clean.close();
    }
  });

  describe('the activity job, one fault at a time', () => {
    const request = {
      activityTypes: ALL,
      startDate: '2026-11-02T00:00:00+00:00',
      endDate: '2026-11-20T00:00:00+00:00',
    };
    const task: ExportTask = { key: 'activity', forecastId: 'activity', request: {}, activity: request };
    const configure = (target: RunningSimulator, body: Record<string, unknown>): Promise<unknown> =>
      fetch(`${target.origin}/__sim/config`, { method: 'POST', body: JSON.stringify(body) });

    async function runOne(
      target: RunningSimulator,
      c: ClariClient,
      hooks: { onEvent?: (type: string) => void; download?: (jobId: string) => Promise<WireActivity[]> } = {},
    ): Promise<{ activities: WireActivity[]; events: string[]; persisted: string[] }> {
      const events: string[] = [];
      const persisted: string[] = [];
      const runner = new ExportRunner({
        api: c,
        clock: systemClock,
        pollIntervalMs: 5,
        jobTimeoutMs: 300,
        maxRequeues: 3,
        onJobCreated: (_task, jobId) => Promise.resolve(void persisted.push(jobId)),
        onEvent: (event) => {
          events.push(event.type);
          hooks.onEvent?.(event.type);
        },
      });
      const [outcome] = await runner.run([task], (_t, job) =>
        hooks.download ? hooks.download(job.jobId) : collectActivities(c.readActivityResults(job.jobId)),
      );
      if (outcome?.status !== 'done') throw new Error(`activity export failed: ${JSON.stringify(outcome)}`);
      expect((await simStats(target)).duplicatePosts).toBe(0);
      return { activities: outcome.value, events, persisted };
    }

    it('a POST whose answer is lost is adopted from the job list, not posted again', async () => {
      const target = await startTestSim();
      try {
        let lose = true;
        // The POST reaches the simulator and creates the job; the answer never reaches the client.
        const c = testClient(target, {
          fetch: async (input, init) => {
            const response = await fetch(input, init);
            if (init.method === 'POST' && lose) {
              lose = false;
              await response.body?.cancel();
              throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
            }
            return response;
          },
        });
        const { activities, events, persisted } = await runOne(target, c);
        expect(events).toContain('adopted');
        expect((await simStats(target)).exportsCreated).toBe(1);
        expect(persisted).toHaveLength(1);
        expect(activities.map((a) => a.activityId)).toEqual(
          (await exportActivities(ALL, request.startDate, request.endDate, testClient(sim))).map((a) => a.activityId),
        );
      } finally {
        await target.close();
      }
    });

    it.each([['failed'], ['stuck']] as const)('a %s activity job is re-queued once', async (kind) => {
      const target = await startTestSim({ faultRate: 1, faultKinds: [kind] });
      try {
        const { activities, events } = await runOne(target, testClient(target), {
          // The first job misbehaves; the next one is healthy.
          onEvent: (type) => void (type === 'requeued' && configure(target, { faultRate: 0 })),
        });
        expect(events.filter((e) => e === 'requeued')).toHaveLength(1);
        expect((await simStats(target)).exportsCreated).toBe(2);
        expect(activities.length).toBeGreaterThan(0);
      } finally {
        await target.close();
      }
    });

    it('results cut off mid-body are fetched again from the same job', async () => {
      const target = await startTestSim({ faultRate: 1, faultKinds: ['truncated_body'] });
      try {
        const c = testClient(target);
        let attempts = 0;
        const { activities } = await runOne(target, c, {
          download: async (jobId) => {
            attempts++;
            try {
              return await collectActivities(c.readActivityResults(jobId));
            } catch (error) {
              // Cut off before or after the headers: a lost connection either way, transient.
              expect(error).toMatchObject({ kind: 'transient' });
              await configure(target, { faultRate: 0 });
              throw error;
            }
          },
        });
        expect(attempts).toBe(2);
        expect((await simStats(target)).exportsCreated).toBe(1);
        expect(activities.length).toBeGreaterThan(0);
      } finally {
        await target.close();
      }
    });
  });
});
