/**
 * The export runner against an in-memory tenant on a fake clock: concurrency cap, persistence
 * before polling, resume, timeout -> cancel -> re-queue, capacity and quota signals, unknown
 * outcomes resolved by listing jobs, and download retries.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { ClariError } from './errors.js';
import {
  type ExportApi,
  type ExportOutcome,
  ExportRunner,
  type ExportTask,
  type RunnerOptions,
} from './export-runner.js';
import type { ExportJob, ExportLimits, ExportRequest } from './wire.js';

interface FakeJob {
  jobId: string;
  forecastId: string;
  period: string | undefined;
  createdAt: number;
  fate: 'ok' | 'stuck' | 'failed';
  status?: string;
}

class FakeTenant implements ExportApi {
  jobs = new Map<string, FakeJob>();
  creates = 0;
  cancels = 0;
  maxActive = 0;
  foreignActive = 0;
  quota = 1000;
  durationMs = 10_000;
  fates: FakeJob['fate'][] = [];
  /** Throw outcome_unknown on the next create, after (or without) creating the job. */
  unknownOutcome: 'created' | 'lost' | undefined;
  persisted = new Set<string>();
  polledBeforePersist = 0;
  private next = 0;

  constructor(
    private readonly clock: FakeClock,
    readonly concurrentLimit = 3,
  ) {}

  private status(job: FakeJob): string {
    if (job.status) return job.status;
    if (job.fate === 'stuck' || this.clock.now() - job.createdAt < this.durationMs) return 'STARTED';
    return job.fate === 'failed' ? 'FAILED' : 'DONE';
  }

  private active(): number {
    return this.foreignActive + [...this.jobs.values()].filter((j) => this.status(j) === 'STARTED').length;
  }

  getLimits(): Promise<ExportLimits> {
    const running = [...this.jobs.values()].filter((j) => this.status(j) === 'STARTED').map((j) => j.jobId);
    return Promise.resolve({
      concurrentLimit: this.concurrentLimit,
      monthlyQuota: 1000,
      runningJobIds: running,
      submittedJobIds: [],
      availableConcurrentLimit: Math.max(0, this.concurrentLimit - this.active()),
      availableMonthlyQuota: this.quota,
    });
  }

  createExport(forecastId: string, request: ExportRequest): Promise<{ jobId: string }> {
    if (this.active() >= this.concurrentLimit || this.quota <= 0) {
      return Promise.reject(new ClariError('clari.capacity', 'capacity', { kind: 'capacity' }));
    }
    const outcome = this.unknownOutcome;
    this.unknownOutcome = undefined;
    if (outcome === 'lost')
      return Promise.reject(new ClariError('clari.outcome_unknown', 'reset', { kind: 'transient' }));
    this.quota--;
    this.creates++;
    const jobId = `job${this.next++}`;
    this.jobs.set(jobId, {
      jobId,
      forecastId,
      period: request.timePeriod,
      createdAt: this.clock.now(),
      fate: this.fates.shift() ?? 'ok',
    });
    this.maxActive = Math.max(this.maxActive, this.active());
    if (outcome === 'created')
      return Promise.reject(new ClariError('clari.outcome_unknown', 'reset', { kind: 'transient' }));
    return Promise.resolve({ jobId });
  }

  getJob(jobId: string): Promise<ExportJob> {
    const job = this.jobs.get(jobId);
    if (!job) return Promise.reject(new ClariError('clari.job_not_found', 'unknown', { kind: 'input' }));
    if (!this.persisted.has(jobId)) this.polledBeforePersist++;
    return Promise.resolve(this.view(job));
  }

  private view(job: FakeJob): ExportJob {
    return {
      jobId: job.jobId,
      status: this.status(job),
      startTime: job.createdAt,
      fileName: `clari_export_${job.forecastId}_${job.period}_x.json`,
    };
  }

  listJobs(): Promise<ExportJob[]> {
    return Promise.resolve([...this.jobs.values()].map((j) => this.view(j)));
  }

  cancelJob(jobId: string): Promise<unknown> {
    const job = this.jobs.get(jobId)!;
    if (this.status(job) === 'DONE')
      return Promise.reject(new ClariError('clari.cancel_failed', 'done', { kind: 'input' }));
    job.status = 'ABORTED';
    this.cancels++;
    return Promise.resolve({ status: 'ABORTED', successful: true });
  }
}

function tasks(n: number): ExportTask[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `f|2026_Q${(i % 4) + 1}|${i}`,
    forecastId: `f${Math.floor(i / 4)}`,
    request: { timePeriod: `2026_Q${(i % 4) + 1}` },
  }));
}

async function run(
  tenant: FakeTenant,
  clock: FakeClock,
  list: ExportTask[],
  extra: Partial<RunnerOptions> = {},
  onDone = (_t: ExportTask, job: ExportJob) => Promise.resolve(job.jobId),
): Promise<ExportOutcome<string>[]> {
  const runner = new ExportRunner({
    api: tenant,
    clock,
    pollIntervalMs: 2000,
    jobTimeoutMs: 60_000,
    onJobCreated: (_task, jobId) => {
      tenant.persisted.add(jobId);
      return Promise.resolve();
    },
    ...extra,
  });
  return clock.run(runner.run(list, onDone));
}

describe('ExportRunner', () => {
  it('runs many exports without exceeding the concurrency the tenant has available', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 3);
    tenant.foreignActive = 1; // someone else holds a slot
    const outcomes = await run(tenant, clock, tasks(9));
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    expect(tenant.maxActive).toBe(3); // 2 of ours + the foreign one
    expect(tenant.creates).toBe(9);
    // 9 jobs of 10 s, two at a time, polled every 2 s: five rounds.
    expect(clock.now() - new FakeClock().now()).toBe(50_000);
  });

  it('keeps to a lower cap of our own', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 3);
    await run(tenant, clock, tasks(4), { maxConcurrency: 1 });
    expect(tenant.maxActive).toBe(1);
  });

  it('persists every job id before its first poll', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 2);
    const seen: string[] = [];
    await run(tenant, clock, tasks(3), {
      onJobCreated: (_t, jobId) => {
        seen.push(jobId);
        tenant.persisted.add(jobId);
        return Promise.resolve();
      },
    });
    expect(tenant.polledBeforePersist).toBe(0);
    expect(seen.sort()).toEqual(['job0', 'job1', 'job2']);
  });

  it('resumes a persisted job instead of exporting again', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 1);
    await tenant.createExport('f0', { timePeriod: '2026_Q1' });
    tenant.persisted.add('job0');
    tenant.creates = 0;
    const [outcome] = await run(tenant, clock, [
      { key: 'k', forecastId: 'f0', request: { timePeriod: '2026_Q1' }, resumeJobId: 'job0' },
    ]);
    expect(outcome).toMatchObject({ status: 'done', jobId: 'job0', attempts: 1 });
    expect(tenant.creates).toBe(0);
  });

  it('exports again when a persisted job is unknown to Clari', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 1);
    const [outcome] = await run(tenant, clock, [{ key: 'k', forecastId: 'f0', request: {}, resumeJobId: 'gone' }]);
    expect(outcome).toMatchObject({ status: 'done', jobId: 'job0' });
    expect(tenant.creates).toBe(1);
  });

  it('cancels a stuck job at the timeout and re-queues it', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 1);
    tenant.fates = ['stuck'];
    const [outcome] = await run(tenant, clock, tasks(1));
    expect(outcome).toMatchObject({ status: 'done', jobId: 'job1', attempts: 2 });
    expect(tenant.cancels).toBe(1);
    expect(tenant.jobs.get('job0')!.status).toBe('ABORTED');
  });

  it('gives up after the re-queue budget with a timeout error', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 1);
    tenant.fates = ['stuck', 'stuck', 'stuck', 'stuck'];
    const [outcome] = await run(tenant, clock, tasks(1), { maxRequeues: 2 });
    expect(outcome).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'clari.job_timeout' } });
    expect(tenant.creates).toBe(3);
    expect(tenant.cancels).toBe(3);
  });

  it('re-queues a FAILED job', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 2);
    tenant.fates = ['failed'];
    const [outcome] = await run(tenant, clock, tasks(1));
    expect(outcome).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('waits when the tenant is full (a capacity signal, not an input error)', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 1);
    tenant.foreignActive = 1;
    const done = run(tenant, clock, tasks(1));
    // The foreign export finishes a minute later.
    void clock.sleep(60_000).then(() => (tenant.foreignActive = 0));
    const [outcome] = await done;
    expect(outcome).toMatchObject({ status: 'done' });
    expect(clock.sleeps.some((ms) => ms > 2000)).toBe(true);
  });

  it('stops creating exports when the 30-day quota is used up, and says so', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 3);
    tenant.quota = 2;
    const outcomes = await run(tenant, clock, tasks(5));
    expect(outcomes.filter((o) => o.status === 'done')).toHaveLength(2);
    const failed = outcomes.filter((o) => o.status === 'failed');
    expect(failed).toHaveLength(3);
    for (const o of failed) expect(o).toMatchObject({ error: { code: 'clari.quota_exhausted', kind: 'capacity' } });
    expect(tenant.creates).toBe(2);
  });

  it('adopts the job a POST with an unknown outcome created, instead of posting again', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 2);
    tenant.unknownOutcome = 'created';
    const [outcome] = await run(tenant, clock, tasks(1));
    expect(outcome).toMatchObject({ status: 'done', jobId: 'job0' });
    expect(tenant.creates).toBe(1);
    expect(tenant.persisted.has('job0')).toBe(true);
  });

  it('posts again when listing shows the lost POST created nothing', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 2);
    tenant.unknownOutcome = 'lost';
    const [outcome] = await run(tenant, clock, tasks(1));
    expect(outcome).toMatchObject({ status: 'done', jobId: 'job0' });
    expect(tenant.creates).toBe(1);
  });

  it('fetches results again when a download is cut off, without a new export', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 2);
    let downloads = 0;
    const [outcome] = await run(tenant, clock, tasks(1), {}, (_t, job) => {
      downloads++;
      if (downloads < 3) return Promise.reject(new ClariError('clari.truncated_body', 'cut', { kind: 'transient' }));
      return Promise.resolve(job.jobId);
    });
    expect(outcome).toMatchObject({ status: 'done', value: 'job0' });
    expect(downloads).toBe(3);
    expect(tenant.creates).toBe(1);
  });

  it('isolates failures: one bad export does not stop the others', async () => {
    const clock = new FakeClock();
    const tenant = new FakeTenant(clock, 3);
    const outcomes = await run(tenant, clock, tasks(3), {}, (task, job) =>
      task.key === tasks(3)[1]!.key
        ? Promise.reject(new ClariError('clari.period_mismatch', 'bad period', { kind: 'data' }))
        : Promise.resolve(job.jobId),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'failed', 'done']);
  });
});
