/**
 * Runs many forecast exports against one tenant: never more jobs in flight than /admin/limits allows,
 * job ids handed to a persistence callback before the first poll (so a restarted process resumes
 * instead of spending quota), polling on the injected clock, stuck jobs cancelled and re-queued a
 * bounded number of times, and an export POST with an unknown outcome resolved by listing jobs rather
 * than by posting again (clari-api.md 2.1, design.md section 5).
 */
import { type AppError, type Clock, isAppError, type Logger, silentLogger } from '../core/index.js';
import { ClariError, isClariError } from './errors.js';
import type { ActivityExportRequest } from './activity.js';
import type { ExportJob, ExportLimits, ExportRequest } from './wire.js';
import { TERMINAL_STATUSES } from './wire.js';

/** The part of ClariClient the runner needs (tests may pass a scripted one). */
export interface ExportApi {
  getLimits(signal?: AbortSignal): Promise<ExportLimits>;
  createExport(forecastId: string, request: ExportRequest, signal?: AbortSignal): Promise<{ jobId: string }>;
  getJob(jobId: string, signal?: AbortSignal): Promise<ExportJob>;
  listJobs(signal?: AbortSignal): Promise<ExportJob[]>;
  cancelJob(jobId: string, signal?: AbortSignal): Promise<unknown>;
  /** POST /export/activity; needed only for activity tasks. */
  createActivityExport?(request: ActivityExportRequest, signal?: AbortSignal): Promise<{ jobId: string }>;
  /** Server clock minus ours, when known: job times are server times. */
  serverSkewMs?(): number | undefined;
}

export interface ExportTask {
  /** Stable identity of the task, e.g. `net_new_arr|2026_Q2`. */
  readonly key: string;
  readonly forecastId: string;
  readonly request: ExportRequest;
  /**
   * An activity export instead of a forecast export (clari-api.md 2.8): the same job machinery
   * (limits, persisted ids, polling, re-queues); `forecastId` is then `activity`, matched against
   * the job list's file names after an unknown outcome.
   */
  readonly activity?: ActivityExportRequest | undefined;
  /** A job an earlier process created for this task: polled instead of exporting again. */
  readonly resumeJobId?: string | undefined;
  /**
   * An earlier process sent the export POST at this time (our clock) and stopped before it learned
   * the job id: the job may exist, so it is looked up in the job list before posting again.
   */
  readonly postedSince?: number | undefined;
}

export type RunnerEvent =
  | { readonly type: 'created'; readonly task: ExportTask; readonly jobId: string; readonly attempt: number }
  | { readonly type: 'resumed'; readonly task: ExportTask; readonly jobId: string }
  | { readonly type: 'adopted'; readonly task: ExportTask; readonly jobId: string }
  | { readonly type: 'status'; readonly task: ExportTask; readonly jobId: string; readonly status: string }
  | { readonly type: 'requeued'; readonly task: ExportTask; readonly jobId: string; readonly reason: string }
  | { readonly type: 'waiting'; readonly task: ExportTask; readonly reason: string }
  | { readonly type: 'done'; readonly task: ExportTask; readonly jobId: string; readonly latencyMs: number }
  | { readonly type: 'failed'; readonly task: ExportTask; readonly error: AppError };

export interface RunnerOptions {
  readonly api: ExportApi;
  readonly clock: Clock;
  readonly logger?: Logger | undefined;
  /** Between status polls, ms. Default 5000. */
  readonly pollIntervalMs?: number | undefined;
  /** A job not finished this long after creation is cancelled and re-queued, ms. Default 600000 (10 min). */
  readonly jobTimeoutMs?: number | undefined;
  /** Re-queues per task after a timeout, a FAILED job or expired results. Default 2. */
  readonly maxRequeues?: number | undefined;
  /** Our own cap on jobs in flight; the tenant's available concurrency always applies too. */
  readonly maxConcurrency?: number | undefined;
  /** How long to wait for the tenant to free a slot or quota before giving up, ms. Default 900000. */
  readonly capacityWaitMs?: number | undefined;
  /** Parallel downloads once jobs are done. Default 4. */
  readonly downloadConcurrency?: number | undefined;
  /** Download attempts when the body is cut off or the connection drops. Default 3. */
  readonly downloadAttempts?: number | undefined;
  /** Persists a new job id; awaited before the job is polled. */
  readonly onJobCreated: (task: ExportTask, jobId: string) => Promise<void>;
  /**
   * Persists that an export POST is about to be sent (at `sentAt`, our clock); awaited before it
   * goes out, so a process that dies before the answer leaves a trace (ExportTask.postedSince).
   */
  readonly beforeCreate?: ((task: ExportTask, sentAt: number) => Promise<void>) | undefined;
  readonly onEvent?: ((event: RunnerEvent) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface ExportStats {
  readonly jobId: string | undefined;
  /** Jobs created or adopted for this task (1 unless re-queued). */
  readonly attempts: number;
  readonly polls: number;
  /** From the first creation (or resume) to DONE. */
  readonly latencyMs: number;
  readonly createdAt: number | undefined;
  readonly finishedAt: number | undefined;
}

export type ExportOutcome<T> =
  | (ExportStats & { readonly status: 'done'; readonly task: ExportTask; readonly job: ExportJob; readonly value: T })
  | (ExportStats & { readonly status: 'failed'; readonly task: ExportTask; readonly error: AppError });

/** A counting semaphore; waiters are served in order. */
class Slots {
  private used = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.used--;
  }
}

export class ExportRunner {
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private readonly jobTimeoutMs: number;
  private readonly maxRequeues: number;
  private readonly capacityWaitMs: number;
  private readonly downloadAttempts: number;
  /** Job ids this run created, adopted or resumed: never adopted twice. */
  private readonly owned = new Set<string>();
  private quotaLeft = Infinity;
  private quotaExhausted = false;

  constructor(private readonly options: RunnerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? 5000;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 600_000;
    this.maxRequeues = options.maxRequeues ?? 2;
    this.capacityWaitMs = options.capacityWaitMs ?? 900_000;
    this.downloadAttempts = options.downloadAttempts ?? 3;
  }

  /**
   * Runs every task; `onDone` receives each finished job (typically: download, land, load) outside
   * the job slot, so the next export starts while the previous downloads. One failure never stops the others.
   */
  async run<T>(
    tasks: readonly ExportTask[],
    onDone: (task: ExportTask, job: ExportJob) => Promise<T>,
  ): Promise<ExportOutcome<T>[]> {
    const { api, signal } = this.options;
    for (const task of tasks) if (task.resumeJobId) this.owned.add(task.resumeJobId);
    const limits = await api.getLimits(signal);
    this.quotaLeft = limits.availableMonthlyQuota;
    // Our resumed jobs already occupy tenant slots, so they add to what is available to us.
    const resumedActive = tasks.filter((t) => t.resumeJobId && limits.runningJobIds.includes(t.resumeJobId)).length;
    const tenantCap = Math.min(limits.concurrentLimit, limits.availableConcurrentLimit + resumedActive);
    const cap = Math.max(1, Math.min(this.options.maxConcurrency ?? Infinity, tenantCap));
    this.logger.info(
      {
        concurrentLimit: limits.concurrentLimit,
        available: limits.availableConcurrentLimit,
        quotaLeft: limits.availableMonthlyQuota,
        cap,
      },
      'export capacity',
    );
    const slots = new Slots(cap);
    const downloads = new Slots(Math.max(1, this.options.downloadConcurrency ?? 4));
    // With no slot free at all, cap 1 lets one create meet the cap and wait in create() for a slot.
    return Promise.all(tasks.map((task) => this.runTask(task, slots, downloads, onDone)));
  }

  private async runTask<T>(
    task: ExportTask,
    slots: Slots,
    downloads: Slots,
    onDone: (task: ExportTask, job: ExportJob) => Promise<T>,
  ): Promise<ExportOutcome<T>> {
    const { clock } = this.options;
    const stats = {
      jobId: undefined as string | undefined,
      attempts: 0,
      polls: 0,
      createdAt: undefined as number | undefined,
      finishedAt: undefined as number | undefined,
    };
    let resumeJobId = task.resumeJobId;
    const fail = (error: unknown): ExportOutcome<T> => {
      const appError = toAppError(error);
      this.options.onEvent?.({ type: 'failed', task, error: appError });
      this.logger.warn({ task: task.key, jobId: stats.jobId, code: appError.code }, appError.message);
      return {
        ...stats,
        latencyMs: stats.createdAt === undefined ? 0 : clock.now() - stats.createdAt,
        status: 'failed',
        task,
        error: appError,
      };
    };
    try {
      for (;;) {
        let job: ExportJob;
        await slots.acquire();
        try {
          job = await this.obtainFinishedJob(task, stats, resumeJobId);
        } finally {
          slots.release();
        }
        resumeJobId = undefined;
        await downloads.acquire();
        try {
          const value = await this.download(task, job, onDone);
          stats.finishedAt = clock.now();
          const latencyMs = stats.finishedAt - (stats.createdAt ?? stats.finishedAt);
          this.options.onEvent?.({ type: 'done', task, jobId: job.jobId, latencyMs });
          return { ...stats, latencyMs, status: 'done', task, job, value };
        } catch (error) {
          // Results gone (expired or lost): export again if we still may.
          if (isClariError(error, 'clari.job_not_ready') && stats.attempts <= this.maxRequeues) {
            this.options.onEvent?.({ type: 'requeued', task, jobId: job.jobId, reason: 'results unavailable' });
            continue;
          }
          throw error;
        } finally {
          downloads.release();
        }
      }
    } catch (error) {
      return fail(error);
    }
  }

  /** Creates (or resumes) a job and polls it to DONE, re-queueing stuck or failed jobs. */
  private async obtainFinishedJob(
    task: ExportTask,
    stats: { jobId: string | undefined; attempts: number; polls: number; createdAt: number | undefined },
    resumeJobId: string | undefined,
  ): Promise<ExportJob> {
    const { clock } = this.options;
    let jobId = resumeJobId;
    let jobStartedAt = clock.now();
    if (jobId) {
      stats.attempts++;
      this.options.onEvent?.({ type: 'resumed', task, jobId });
    }
    for (;;) {
      if (!jobId) {
        if (stats.attempts > this.maxRequeues) {
          throw new ClariError('clari.job_failed', `Export ${task.key} did not finish after ${stats.attempts} jobs`, {
            kind: 'transient',
            hint: 'Clari kept failing or stalling this export; it is retried on the next run. Raise export.maxRequeues or export.jobTimeoutMs if it persists.',
          });
        }
        jobId = await this.create(task, stats.attempts + 1);
        stats.attempts++;
        jobStartedAt = clock.now();
        this.options.onEvent?.({ type: 'created', task, jobId, attempt: stats.attempts });
      }
      stats.jobId = jobId;
      stats.createdAt ??= jobStartedAt;
      const outcome = await this.poll(task, jobId, jobStartedAt, stats);
      if (outcome.kind === 'done') return outcome.job;
      this.options.onEvent?.({ type: 'requeued', task, jobId, reason: outcome.reason });
      this.logger.warn(
        { task: task.key, jobId, reason: outcome.reason, attempt: stats.attempts },
        're-queueing export',
      );
      if (stats.attempts > this.maxRequeues) {
        throw new ClariError(
          outcome.code,
          `Export ${task.key}: ${outcome.reason} (job ${jobId}, ${stats.attempts} attempt(s))`,
          {
            kind: 'transient',
            hint: 'Retried on the next run; raise export.jobTimeoutMs or export.maxRequeues if Clari is slow for this tenant.',
          },
        );
      }
      jobId = undefined;
    }
  }

  /** Polls until DONE, a failure state, a vanished job or the timeout (which cancels the job). */
  private async poll(
    task: ExportTask,
    jobId: string,
    startedAt: number,
    stats: { polls: number },
  ): Promise<
    | { kind: 'done'; job: ExportJob }
    | { kind: 'requeue'; reason: string; code: 'clari.job_failed' | 'clari.job_timeout' }
  > {
    const { api, clock, signal } = this.options;
    let lastStatus = '';
    for (let first = true; ; first = false) {
      if (!first) await clock.sleep(this.pollIntervalMs, signal);
      if (clock.now() - startedAt >= this.jobTimeoutMs) {
        const finished = await this.cancelStuck(jobId);
        if (finished) return { kind: 'done', job: finished };
        return {
          kind: 'requeue',
          reason: `job did not finish within ${this.jobTimeoutMs} ms`,
          code: 'clari.job_timeout',
        };
      }
      let job: ExportJob;
      try {
        stats.polls++;
        job = await api.getJob(jobId, signal);
      } catch (error) {
        if (isClariError(error, 'clari.job_not_found'))
          return { kind: 'requeue', reason: 'job unknown to Clari', code: 'clari.job_failed' };
        // Transient trouble that outlived the client's retries: keep polling until the job timeout.
        if (isAppError(error) && error.kind === 'transient') continue;
        throw error;
      }
      if (job.status !== lastStatus) {
        lastStatus = job.status;
        this.options.onEvent?.({ type: 'status', task, jobId, status: job.status });
      }
      if (job.status === 'DONE') return { kind: 'done', job };
      if (TERMINAL_STATUSES.has(job.status))
        return { kind: 'requeue', reason: `job ended ${job.status}`, code: 'clari.job_failed' };
    }
  }

  /** Cancels a job that outlived the timeout. Returns the job if it turned out to be DONE already. */
  private async cancelStuck(jobId: string): Promise<ExportJob | undefined> {
    const { api, signal } = this.options;
    try {
      await api.cancelJob(jobId, signal);
      return undefined;
    } catch (error) {
      if (isClariError(error, 'clari.cancel_failed')) {
        const job = await api.getJob(jobId, signal);
        return job.status === 'DONE' ? job : undefined;
      }
      // The job stays stuck on Clari's side; it still times out there. Log and move on.
      this.logger.warn(
        { jobId, code: isAppError(error) ? error.code : 'unknown' },
        'could not cancel a stuck export job',
      );
      return undefined;
    }
  }

  /** Creates a job, waiting out a busy tenant, resolving unknown outcomes by listing jobs, persisting the id. */
  private async create(task: ExportTask, attempt: number): Promise<string> {
    const { api, clock, signal } = this.options;
    const waitUntil = clock.now() + this.capacityWaitMs;
    let busyRounds = 0;
    let unknownRounds = 0;
    if (task.postedSince !== undefined && attempt === 1) {
      // A POST whose answer an earlier process never saw: the job may exist; never pay for it twice.
      const adopted = await this.findCreatedJob(task, task.postedSince);
      if (adopted) {
        this.owned.add(adopted);
        this.options.onEvent?.({ type: 'adopted', task, jobId: adopted });
        await this.options.onJobCreated(task, adopted);
        return adopted;
      }
    }
    for (;;) {
      if (this.quotaExhausted) throw quotaExhaustedError(task);
      if (this.quotaLeft <= 0) await this.refreshQuota(task);
      const sentAt = clock.now();
      await this.options.beforeCreate?.(task, sentAt);
      try {
        this.quotaLeft--;
        const { jobId } = await this.post(task);
        this.owned.add(jobId);
        await this.options.onJobCreated(task, jobId);
        return jobId;
      } catch (error) {
        if (isClariError(error, 'clari.capacity')) {
          this.quotaLeft++;
          const limits = await api.getLimits(signal);
          this.quotaLeft = limits.availableMonthlyQuota;
          if (limits.availableMonthlyQuota <= 0) {
            this.quotaExhausted = true;
            throw quotaExhaustedError(task);
          }
          if (clock.now() >= waitUntil) {
            throw new ClariError(
              'clari.capacity',
              `Export ${task.key}: the tenant's concurrent-job cap stayed full for ${this.capacityWaitMs} ms`,
              {
                kind: 'capacity',
                hint: 'Other exports (other tools or Clari users) are holding the slots; this export is retried on the next run.',
              },
            );
          }
          busyRounds++;
          this.options.onEvent?.({ type: 'waiting', task, reason: 'concurrency cap reached' });
          await clock.sleep(Math.min(60_000, this.pollIntervalMs * 2 ** Math.min(busyRounds - 1, 6)), signal);
          continue;
        }
        if (isClariError(error, 'clari.outcome_unknown') && unknownRounds < 3) {
          unknownRounds++;
          const adopted = await this.findCreatedJob(task, sentAt);
          if (adopted) {
            this.owned.add(adopted);
            this.options.onEvent?.({ type: 'adopted', task, jobId: adopted });
            await this.options.onJobCreated(task, adopted);
            return adopted;
          }
          // Listing shows no such job: the POST never created one, so sending it again is safe.
          this.logger.warn(
            { task: task.key, attempt },
            'export request outcome unknown and no job found; sending it again',
          );
          continue;
        }
        throw error;
      }
    }
  }

  private post(task: ExportTask): Promise<{ jobId: string }> {
    const { api, signal } = this.options;
    if (!task.activity) return api.createExport(task.forecastId, task.request, signal);
    if (!api.createActivityExport) throw new Error('this export API cannot create activity exports');
    return api.createActivityExport(task.activity, signal);
  }

  /** After an unknown outcome: a job we do not own, created since the request, for this forecast and period. */
  private async findCreatedJob(task: ExportTask, sentAt: number): Promise<string | undefined> {
    const jobs = await this.options.api.listJobs(this.options.signal);
    // Job start times are the server's clock; shift our send time onto it, with slack for the Date
    // header's 1 s resolution and the request's own latency.
    const serverSentAt = sentAt + (this.options.api.serverSkewMs?.() ?? 0);
    const slackMs = 2 * 60_000;
    const period = task.request.timePeriod;
    // Activity and forecast exports share the job list; the module (when Clari names it) tells them apart.
    const module = task.activity ? 'ACTIVITY' : 'FORECAST';
    const candidates = jobs.filter((job) => {
      if (this.owned.has(job.jobId)) return false;
      if (job.status === 'CANCELLED' || job.status === 'ABORTED') return false;
      if (job.module && job.module.toUpperCase() !== module) return false;
      if (typeof job.startTime === 'number' && job.startTime < serverSentAt - slackMs) return false;
      if (job.fileName) return job.fileName.includes(task.forecastId) && (!period || job.fileName.includes(period));
      return true;
    });
    // Without a file name to tell jobs apart, only an unambiguous single candidate is adopted.
    const named = candidates.filter((job) => job.fileName);
    const pool = named.length > 0 ? named : candidates.length === 1 ? candidates : [];
    pool.sort((a, b) => (b.startTime ?? 0) - (a.startTime ?? 0));
    return pool[0]?.jobId;
  }

  private async refreshQuota(task: ExportTask): Promise<void> {
    const limits = await this.options.api.getLimits(this.options.signal);
    this.quotaLeft = limits.availableMonthlyQuota;
    if (this.quotaLeft <= 0) {
      this.quotaExhausted = true;
      throw quotaExhaustedError(task);
    }
  }

  private async download<T>(
    task: ExportTask,
    job: ExportJob,
    onDone: (task: ExportTask, job: ExportJob) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await onDone(task, job);
      } catch (error) {
        const again =
          isClariError(error) &&
          (error.code === 'clari.truncated_body' || error.kind === 'transient') &&
          error.code !== 'clari.job_not_ready';
        if (!again || attempt >= this.downloadAttempts) throw error;
        this.logger.warn(
          { task: task.key, jobId: job.jobId, attempt, code: error.code },
          'download failed; fetching the results again',
        );
      }
    }
  }
}

function quotaExhaustedError(task: ExportTask): ClariError {
  return new ClariError(
    'clari.quota_exhausted',
    `Export ${task.key} not started: the tenant's rolling 30-day export quota is used up`,
    {
      kind: 'capacity',
      hint: 'Quota frees up as exports age out of the 30-day window; ask your Clari CSM to raise it, or export fewer forecasts/periods.',
    },
  );
}

function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new ClariError('clari.job_failed', error instanceof Error ? error.message : String(error), {
    kind: 'internal',
    cause: error,
  });
}
