import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { JobState } from './job-state.js';
import { Landing } from './landing.js';
import { planExports } from './plan.js';
import { planRun, quotaCost } from './planner.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ASOF = '2026-11-23';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-planner-'));
  dirs.push(dir);
  const clock = new FakeClock(Date.parse(`${ASOF}T06:00:00Z`));
  const state = { landing: new Landing(dir, clock), jobs: new JobState(dir) };
  const planned = planExports({
    forecasts: [{ id: 'net_new_arr' }],
    periods: ['2026_Q4', '2026_Q3', '2026_Q2', '2026_Q1'],
    periodCount: 4,
    fiscal: { startMonth: 1 },
    asOf: ASOF,
    types: ['forecast'],
    includeHistorical: true,
    format: 'JSON',
  });
  return { state, planned, clock };
}

async function land(state: { landing: Landing }, task: ReturnType<typeof setup>['planned'][number]) {
  return state.landing.land(
    {
      forecastId: task.forecastId,
      period: task.period,
      asOf: task.asOf,
      jobId: `job-${task.period}`,
      fingerprint: task.fingerprint,
      request: task.request,
      format: 'JSON',
    },
    Readable.from([Buffer.from('{"entries":[]}')]),
  );
}

describe('planRun', () => {
  it('decides each export once: landed, cache, resume or new, and only new exports cost quota', async () => {
    const { state, planned } = setup();
    const [unloaded, cached, resumed, fresh] = planned as [
      (typeof planned)[number],
      (typeof planned)[number],
      (typeof planned)[number],
      (typeof planned)[number],
    ];
    // An interrupted run landed this one and noted it on its pending job.
    const landedPath = (await land(state, unloaded)).path;
    await state.jobs.record(JobState.key(unloaded.fingerprint, ASOF), {
      jobId: 'job-a',
      forecastId: unloaded.forecastId,
      period: unloaded.period,
      asOf: ASOF,
      fingerprint: unloaded.fingerprint,
      createdAt: 0,
      landedPath,
    });
    await land(state, cached);
    await state.jobs.record(JobState.key(resumed.fingerprint, ASOF), {
      jobId: 'job-c',
      forecastId: resumed.forecastId,
      period: resumed.period,
      asOf: ASOF,
      fingerprint: resumed.fingerprint,
      createdAt: 0,
    });

    const decisions = planRun(state, planned, { noCache: false, cacheTtlMs: 3_600_000 });
    expect(decisions.map((d) => [d.task.period, d.source, d.quotaCost])).toEqual([
      [unloaded.period, 'landed', 0],
      [cached.period, 'cache', 0],
      [resumed.period, 'resume', 0],
      [fresh.period, 'new', 1],
    ]);
    expect(decisions[0]!.landed?.path).toBe(landedPath);
    expect(decisions[2]!.resumeJobId).toBe('job-c');
    expect(quotaCost(decisions)).toBe(1);

    // --no-cache: the cached payload is exported again; an unloaded one is still loaded first.
    const noCache = planRun(state, planned, { noCache: true, cacheTtlMs: 3_600_000 });
    expect(noCache.map((d) => d.source)).toEqual(['landed', 'new', 'resume', 'new']);
    expect(quotaCost(noCache)).toBe(2);
  });

  it('a POST whose answer was lost resumes by looking the job up, from when it was sent', async () => {
    const { state, planned } = setup();
    const task = planned[0]!;
    await state.jobs.record(JobState.key(task.fingerprint, ASOF), {
      forecastId: task.forecastId,
      period: task.period,
      asOf: ASOF,
      fingerprint: task.fingerprint,
      createdAt: 5,
      postedAt: 5,
    });
    const [decision] = planRun(state, [task], { noCache: false, cacheTtlMs: 0 });
    expect(decision).toMatchObject({ source: 'resume', resumeJobId: undefined, postedSince: 5, quotaCost: 0 });
  });
});
