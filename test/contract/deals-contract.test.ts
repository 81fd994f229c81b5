/**
 * Contract tests for the deal endpoints (clari-api.md 2.8 activity export, 2.10 GET /opportunity): the
 * client against the simulator over real HTTP. Assertions are about the contract (offset dates, the
 * listed types only, the 100-id limit, the error array with Clari's `reaspnPhrase`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_TYPES, type ClariClient, type ExportJob, MAX_OPPORTUNITY_IDS } from '../../src/clari/index.js';
import { systemClock } from '../../src/core/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { startTestSim, testClient } from '../support/sim.js';

let sim: RunningSimulator;
let client: ClariClient;

beforeAll(async () => {
  sim = await startTestSim();
  client = testClient(sim);
});
afterAll(() => sim.close());

async function waitDone(jobId: string): Promise<ExportJob> {
  for (;;) {
    const job = await client.getJob(jobId);
    if (job.status !== 'SCHEDULED' && job.status !== 'STARTED') return job;
    await systemClock.sleep(10);
  }
}

async function exportActivities(types: (typeof ACTIVITY_TYPES)[number][], startDate: string, endDate: string) {
  const { jobId } = await client.createActivityExport({ activityTypes: types, startDate, endDate });
  expect((await waitDone(jobId)).status).toBe('DONE');
  return client.readActivityResults(jobId);
}

describe('activity export', () => {
  it('runs as a job and returns only the listed types, with accounts, opportunities and participants', async () => {
    const activities = await exportActivities(['MEETING'], '2026-10-01T00:00:00-05:00', '2026-11-20T23:59:59-05:00');
    expect(activities.length).toBeGreaterThan(0);
    expect(new Set(activities.map((a) => a.activityType))).toEqual(new Set(['MEETING']));
    const withDeal = activities.find((a) => a.opportunities.length > 0);
    expect(withDeal?.opportunities[0]?.opportunityId).toBeTruthy();
    expect(activities.some((a) => a.participants.some((p) => !p.isInternal && p.sfdcUserId === ''))).toBe(true);
    for (const a of activities) expect(a.date).toBeGreaterThanOrEqual(Date.parse('2026-10-01T05:00:00Z'));
  });

  it('returns the same ids for an overlapping window (re-runs can dedupe by id)', async () => {
    const all = await exportActivities([...ACTIVITY_TYPES], '2026-11-01T00:00:00+00:00', '2026-11-10T23:59:59+00:00');
    const part = await exportActivities([...ACTIVITY_TYPES], '2026-11-05T00:00:00+00:00', '2026-11-10T23:59:59+00:00');
    const ids = new Set(all.map((a) => a.activityId));
    expect(part.length).toBeGreaterThan(0);
    expect(part.length).toBeLessThan(all.length);
    for (const a of part) expect(ids.has(a.activityId)).toBe(true);
  });

  it('refuses bare dates and lower-case types before sending, and the API refuses them too', async () => {
    await expect(
      client.createActivityExport({ activityTypes: ['MEETING'], startDate: '2026-10-01', endDate: '2026-10-02' }),
    ).rejects.toThrow(/offset/i);
    const response = await fetch(`${sim.url}/export/activity`, {
      method: 'POST',
      headers: { apikey: 'sim-key', 'content-type': 'application/json' },
      body: JSON.stringify({ activityTypes: ['meeting'], startDate: '2026-10-01', endDate: '2026-10-02' }),
    });
    expect(response.status).toBe(400);
  });
});

describe('GET /opportunity', () => {
  it('returns the opportunities an activity names, with CRM score and trend history, in batches of 100', async () => {
    const activities = await exportActivities(
      [...ACTIVITY_TYPES],
      '2026-10-01T00:00:00+00:00',
      '2026-11-20T23:59:59+00:00',
    );
    const ids = [...new Set(activities.flatMap((a) => a.opportunities.map((o) => o.opportunityId)))];
    expect(ids.length).toBeGreaterThan(0);
    const batches = [];
    for await (const batch of client.opportunities([...ids, ...ids, 'no-such-opportunity'])) batches.push(batch);
    expect(batches.length).toBe(Math.ceil((ids.length + 1) / MAX_OPPORTUNITY_IDS));
    const found = batches.flat();
    expect(new Set(found.map((o) => o.id))).toEqual(new Set(ids));
    const amount = found[0]!.fields.find((f) => f.id === 'opportunity.amount');
    expect(amount).toBeDefined();
    expect(found.some((o) => o.crmScore && typeof o.crmScore.score === 'number')).toBe(true);
  });

  it('refuses more than 100 ids: the client before sending, the API with its error array', async () => {
    const ids = Array.from({ length: MAX_OPPORTUNITY_IDS + 1 }, (_, i) => `opp-${i}`);
    await expect(client.getOpportunityBatch(ids)).rejects.toMatchObject({ code: 'clari.bad_request' });
    const query = ids.map((id) => `oppId=${id}`).join('&');
    const response = await fetch(`${sim.url}/opportunity?${query}`, { headers: { apikey: 'sim-key' } });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(JSON.stringify(body)).toContain('reaspnPhrase');
  });
});
