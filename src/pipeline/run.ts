/**
 * One pipeline run (design.md section 1): plan -> export (quota-aware, resumable) -> land -> load
 * one transaction per snapshot (with change detection) -> retention -> record. Exports run in
 * parallel up to the tenant's concurrency; loads are serialised (one writer per warehouse). One
 * failed export never blocks the others; the run's status says what happened: success, partial
 * (some exports failed, the rest loaded) or failed.
 */
import {
  type ClariClient,
  decodeResults,
  type ExportApi,
  type ExportJob,
  type ExportOutcome,
  ExportRunner,
  type ExportTask,
  isClariError,
} from '../clari/index.js';
import { AppError, type Checkpoint, errorCode, isAppError, noCheckpoint, randomHex } from '../core/index.js';
import { periodOfDate } from '../domain/index.js';
import { migrateWarehouse } from '../analytics/index.js';
import { sqlTimestamp, type Warehouse } from '../warehouse/index.js';
import { JobState } from './job-state.js';
import { type Landed } from './landing.js';
import { loadSnapshot, type LoadOutcome } from './load.js';
import { notify } from './notify.js';
import { type PlannedExport } from './plan.js';
import { rebuildPeriod, snapshotKey } from './rebuild.js';
import type { ExportSummary, PipelineDeps, RunSettings, RunSummary } from './types.js';
import { applyRetention } from './retention.js';

interface LoadedExport {
  readonly outcome: LoadOutcome;
  readonly landed: Landed;
}

/** Types Clari may reject with type_not_supported (clari-api.md C4). */
const CRM_TYPES = new Set(['crm_total', 'crm_closed']);

export async function runPipeline(
  deps: PipelineDeps,
  planned: readonly PlannedExport[],
  settings: RunSettings,
): Promise<RunSummary> {
  const { clock, warehouse: wh, logger } = deps;
  const checkpoint = deps.checkpoint ?? noCheckpoint;
  const started = clock.now();
  const asOf = planned[0]?.asOf ?? '';
  const runId = `run-${new Date(started).toISOString().slice(0, 23).replace(/[-:.]/g, '').replace('T', '-')}-${randomHex(deps.random, 6)}`;
  const log = logger.child({ runId });
  const warnings: string[] = [];

  await migrateWarehouse(wh, () => sqlTimestamp(clock.now()));
  // A run still marked running is one that died (killed, crashed, lost the warehouse): runs on a
  // data dir never overlap, and one on another data dir that is alive sets its own status at its end.
  await wh.exec("UPDATE clari_sync_runs SET status = 'failed', error = $1 WHERE status = 'running'", [
    'interrupted: the run stopped before it finished (killed, crashed, or lost the warehouse); a later run picked up its exports from the landing and pending jobs',
  ]);
  await wh.exec(
    `INSERT INTO clari_sync_runs (run_id, started_at, status, as_of, ${wh.dialect.ident('trigger')}, exports) VALUES ($1, $2, $3, $4, $5, $6)`,
    [runId, sqlTimestamp(started), 'running', asOf, settings.trigger, planned.length],
  );

  await deps.jobs
    .prune(started - 31 * 86_400_000)
    .catch((error: unknown) =>
      warnings.push(`pending jobs not pruned: ${isAppError(error) ? error.message : String(error)}`),
    );
  const results = new Map<string, ExportSummary>();
  // Every warehouse write of the export phase goes through one queue: the engines have one
  // connection, and a write that ran while another snapshot's transaction was open would commit
  // or roll back with it.
  const serial = serialiser();
  const load = (task: PlannedExport, landed: Landed, context: JobContext): Promise<LoadedExport> =>
    serial(() => loadOne(deps, task, landed, context, runId, settings));

  // 1. Exports served from the landing: a payload landed within the cache TTL, or landed by a run
  //    that stopped before loading it.
  const toExport: PlannedExport[] = [];
  for (const task of planned) {
    const swept = deps.landing.sweep(task.forecastId, task.period, task.asOf);
    if (swept > 0)
      log.info(
        { forecast: task.forecastId, period: task.period, files: swept },
        'removed temporary files of an interrupted landing',
      );
    const pending = deps.jobs.get(JobState.key(task.fingerprint, task.asOf));
    const resumed = pending?.landedPath ? deps.landing.byPath(pending.landedPath) : undefined;
    const cached =
      resumed ??
      (settings.noCache
        ? undefined
        : deps.landing.findCached(task.forecastId, task.period, task.asOf, task.fingerprint, settings.cacheTtlMs));
    if (cached) {
      deps.onEvent?.({ type: 'cached', key: task.key });
      const context: JobContext = { job: cached.manifest.job, cached: true, latencyMs: null, attempts: 0, polls: 0 };
      results.set(task.key, await finish(task, load(task, cached, context), context));
    } else toExport.push(task);
  }

  // 2. Exports from Clari.
  if (toExport.length > 0) {
    const api = dropRejectedTypes(deps.client, (message) => {
      warnings.push(message);
      log.warn({}, message);
    });
    const runner = new ExportRunner({
      api,
      clock,
      logger: log.child({ component: 'export' }),
      pollIntervalMs: settings.pollIntervalMs,
      jobTimeoutMs: settings.jobTimeoutMs,
      maxRequeues: settings.maxRequeues,
      maxConcurrency: settings.maxConcurrency,
      capacityWaitMs: settings.capacityWaitMs,
      beforeCreate: (task, sentAt) => {
        // Written before the POST: if the process dies before the answer, the next run looks the
        // job up in Clari's list instead of paying for a second one.
        const plannedTask = byKey(toExport, task.key);
        return deps.jobs.record(JobState.key(plannedTask.fingerprint, plannedTask.asOf), {
          forecastId: plannedTask.forecastId,
          period: plannedTask.period,
          asOf: plannedTask.asOf,
          fingerprint: plannedTask.fingerprint,
          createdAt: sentAt,
          postedAt: sentAt,
        });
      },
      onJobCreated: async (task, jobId) => {
        await checkpoint('export.posted');
        const plannedTask = byKey(toExport, task.key);
        await deps.jobs.record(JobState.key(plannedTask.fingerprint, plannedTask.asOf), {
          jobId,
          forecastId: plannedTask.forecastId,
          period: plannedTask.period,
          asOf: plannedTask.asOf,
          fingerprint: plannedTask.fingerprint,
          createdAt: clock.now(),
        });
        await checkpoint('export.created');
      },
      onEvent: (event) => {
        if (event.type === 'status') void checkpoint('export.polled');
        deps.onEvent?.({ type: 'export', event });
      },
    });
    const tasks: ExportTask[] = toExport.map((task) => {
      const pending = deps.jobs.get(JobState.key(task.fingerprint, task.asOf));
      return {
        key: task.key,
        forecastId: task.forecastId,
        request: task.request,
        resumeJobId: pending?.jobId,
        postedSince: pending && !pending.jobId ? pending.postedAt : undefined,
      };
    });
    const outcomes = await runner
      .run(tasks, async (task, job) => {
        const plannedTask = byKey(toExport, task.key);
        const landed = await landResults(deps, plannedTask, job, checkpoint);
        return { landed, job };
      })
      .catch((error: unknown): ExportOutcome<{ landed: Landed; job: ExportJob }>[] => {
        // The runner could not even start (the limits call failed after its retries, the circuit
        // is open): every export failed, and the run still records and alerts on each of them.
        const appError = toAppError(error);
        return tasks.map((task) => ({
          status: 'failed',
          task,
          error: appError,
          jobId: task.resumeJobId,
          attempts: 0,
          polls: 0,
          latencyMs: 0,
          createdAt: undefined,
          finishedAt: undefined,
        }));
      });
    await Promise.all(
      outcomes.map(async (outcome: ExportOutcome<{ landed: Landed; job: ExportJob }>) => {
        const task = byKey(toExport, outcome.task.key);
        if (outcome.status === 'failed') {
          // An export POST Clari refused outright (unknown forecast, quota, key) created no job:
          // forget it, so the next run does not look for one. Any other failure keeps the trace.
          const key = JobState.key(task.fingerprint, task.asOf);
          const pending = deps.jobs.get(key);
          if (pending && !pending.jobId && ['input', 'auth', 'capacity'].includes(outcome.error.kind))
            await deps.jobs.clear(key).catch(() => undefined);
          results.set(
            task.key,
            await serial(() =>
              recordFailure(deps, task, runId, outcome.error, {
                jobId: outcome.jobId,
                attempts: outcome.attempts,
                polls: outcome.polls,
                latencyMs: outcome.latencyMs,
                cached: false,
              }),
            ),
          );
          return;
        }
        const context: JobContext = {
          job: outcome.job,
          cached: false,
          latencyMs: outcome.latencyMs,
          attempts: outcome.attempts,
          polls: outcome.polls,
          createdAt: outcome.createdAt,
          finishedAt: outcome.finishedAt,
        };
        results.set(task.key, await finish(task, load(task, outcome.value.landed, context), context));
      }),
    );
  }

  // 3. Fresh planner statistics for what was loaded, retention, then the run's record.
  const analyze = wh.dialect.analyze([
    'clari_forecast_entries',
    'clari_forecasts',
    'clari_forecast_changes',
    'clari_users',
    'clari_snapshots',
    'clari_fields',
  ]);
  if (analyze && results.size > 0)
    await wh
      .exec(analyze)
      .catch((error: unknown) =>
        warnings.push(`statistics not refreshed: ${isAppError(error) ? error.message : String(error)}`),
      );
  if (settings.retentionQuarters > 0) {
    try {
      await applyRetention(wh, deps.landing, { asOf, fiscal: settings.fiscal, quarters: settings.retentionQuarters });
    } catch (error) {
      warnings.push(`retention failed: ${isAppError(error) ? error.message : String(error)}`);
    }
  }
  const exports = planned.map((task) => results.get(task.key)!);
  const failed = exports.filter((e) => e.status === 'failed').length;
  // Only after spending quota: a run served entirely from the landing makes no API call at all.
  const quota =
    toExport.length === 0
      ? undefined
      : await deps.client
          .getLimits()
          .then((l) => ({ left: l.availableMonthlyQuota, limit: l.monthlyQuota, concurrency: l.concurrentLimit }))
          .catch(() => undefined);

  // 4. Alerts. Undelivered alerts make the run partial: the data loaded, but someone was not told.
  let alertDecisions: RunSummary['alertDecisions'];
  if (deps.alerts) {
    try {
      alertDecisions = await notify(
        wh,
        deps.alerts,
        {
          runId,
          asOf,
          snapshots: exports
            .filter((e) => e.status !== 'failed')
            .map((e) => ({ forecastId: e.forecastId, period: e.timePeriod })),
          currentPeriod: periodOfDate(asOf, settings.fiscal),
          forecasts: [...new Set(planned.map((p) => p.forecastId))],
          failures: exports
            .filter((e) => e.status === 'failed')
            .map((e) => ({
              forecastId: e.forecastId,
              period: e.timePeriod,
              code: e.errorCode ?? 'internal.unexpected',
              message: e.error ?? '',
            })),
          quota,
          breakerOpen: deps.client.breakerState === 'open' || exports.some((e) => e.errorCode === 'clari.circuit_open'),
        },
        { clock, logger: log, checkpoint },
      );
    } catch (error) {
      warnings.push(`alerting failed: ${isAppError(error) ? error.message : String(error)}`);
      alertDecisions = { sent: 0, suppressed: 0, failed: 1 };
    }
  }
  const undelivered = (alertDecisions?.failed ?? 0) > 0;
  const status: RunSummary['status'] =
    failed === exports.length && exports.length > 0 ? 'failed' : failed > 0 || undelivered ? 'partial' : 'success';
  const finished = clock.now();
  const summary: RunSummary = {
    runId,
    status,
    asOf,
    exports,
    rowsLoaded: exports.reduce((n, e) => n + (e.status === 'failed' ? 0 : e.rows), 0),
    changes: exports.reduce((n, e) => n + e.changes, 0),
    alerts: alertDecisions?.sent ?? 0,
    durationMs: finished - started,
    warnings,
    quota,
    alertDecisions: alertDecisions && {
      sent: alertDecisions.sent,
      suppressed: alertDecisions.suppressed,
      failed: alertDecisions.failed,
    },
  };
  const firstError = exports.find((e) => e.error)?.error ?? null;
  await checkpoint('run.finishing');
  await wh.exec(
    `UPDATE clari_sync_runs SET finished_at = $2, status = $3, error = $4, exports_failed = $5, rows_loaded = $6, changes = $7, alerts = $8, duration_ms = $9, quota_left = $10, quota_limit = $11, concurrency_limit = $12 WHERE run_id = $1`,
    [
      runId,
      sqlTimestamp(finished),
      status,
      failed > 0 ? `${failed} of ${exports.length} exports failed; first: ${firstError}` : null,
      failed,
      summary.rowsLoaded,
      summary.changes,
      summary.alerts,
      summary.durationMs,
      quota?.left ?? null,
      quota?.limit ?? null,
      quota?.concurrency ?? null,
    ],
  );
  log.info({ status, rows: summary.rowsLoaded, changes: summary.changes, failed }, 'run finished');
  return summary;

  async function finish(task: PlannedExport, work: Promise<LoadedExport>, context: JobContext): Promise<ExportSummary> {
    try {
      const { outcome, landed } = await work;
      await checkpoint('load.committed');
      // The snapshot is committed: a record that cannot be cleared (a full disk) only means the
      // next run loads the same payload again from the landing, which replaces it identically.
      await deps.jobs
        .clear(JobState.key(task.fingerprint, task.asOf))
        .catch((e: unknown) =>
          warnings.push(`${task.key}: pending job not cleared: ${isAppError(e) ? e.message : String(e)}`),
        );
      deps.onEvent?.({ type: 'loaded', key: task.key, rows: outcome.rows, changes: outcome.changes });
      for (const w of outcome.warnings) warnings.push(`${task.key}: ${w}`);
      return {
        forecastId: task.forecastId,
        timePeriod: task.period,
        jobId: landed.manifest.jobId,
        status: outcome.status,
        rows: outcome.rows,
        cached: context.cached,
        latencyMs: context.latencyMs,
        changes: outcome.changes,
        unchanged: outcome.unchanged,
        warnings: outcome.warnings,
      };
    } catch (error) {
      const appError = toAppError(error);
      // A payload Clari got wrong is not retried from the landing; a warehouse outage is.
      if (appError.kind === 'data')
        await deps.jobs.clear(JobState.key(task.fingerprint, task.asOf)).catch(() => undefined);
      return serial(() =>
        recordFailure(deps, task, runId, appError, {
          jobId: context.job?.jobId,
          attempts: context.attempts,
          polls: context.polls,
          latencyMs: context.latencyMs,
          cached: context.cached,
        }),
      );
    }
  }
}

interface JobContext {
  readonly job: ExportJob | undefined;
  readonly cached: boolean;
  readonly latencyMs: number | null;
  readonly attempts: number;
  readonly polls: number;
  readonly createdAt?: number | undefined;
  readonly finishedAt?: number | undefined;
}

/** Downloads results straight into the landing, then notes the landed path on the pending job. */
async function landResults(
  deps: PipelineDeps,
  task: PlannedExport,
  job: ExportJob,
  checkpoint: Checkpoint,
): Promise<Landed> {
  const results = await deps.client.downloadResults(job.jobId);
  const landed = await deps.landing.land(
    {
      forecastId: task.forecastId,
      period: task.period,
      asOf: task.asOf,
      jobId: job.jobId,
      fingerprint: task.fingerprint,
      request: task.request,
      format: results.format,
      job,
    },
    results.body,
  );
  await checkpoint('land.written');
  const key = JobState.key(task.fingerprint, task.asOf);
  const pending = deps.jobs.get(key);
  if (pending) await deps.jobs.record(key, { ...pending, landedPath: landed.path });
  await checkpoint('land.recorded');
  return landed;
}

/** Loads one landed payload in its own transaction; an older-than-latest snapshot re-derives its period. */
async function loadOne(
  deps: PipelineDeps,
  task: PlannedExport,
  landed: Landed,
  context: JobContext,
  runId: string,
  settings: RunSettings,
): Promise<LoadedExport> {
  const { warehouse: wh, clock } = deps;
  const manifest = landed.manifest;
  const exportedAt = manifest.job?.endTime ?? manifest.landedAt;
  let outcome: LoadOutcome;
  try {
    outcome = await wh.transaction(async (tx) => {
      const result = await loadSnapshot(tx, {
        snapshot: { forecastId: task.forecastId, period: task.period, asOf: task.asOf },
        runId,
        jobId: manifest.jobId,
        payloadSha256: manifest.sha256,
        exportedAt,
        now: clock.now(),
        job: manifest.job,
        allowTruncated: settings.allowTruncated,
        checkpoint: deps.checkpoint,
        parts: decodeResults(
          {
            format: manifest.format,
            body: deps.landing.read(landed, { verify: context.cached }),
            status: 200,
            headers: new Headers(),
          },
          { requestedPeriod: task.period, currencyCode: manifest.job?.currency ?? undefined },
        ),
      });
      await recordJob(
        tx,
        task,
        runId,
        { ...context, jobId: manifest.jobId },
        {
          status: result.status,
          rows: result.rows,
          sha: manifest.sha256,
          bytes: manifest.bytes,
          reconciliation: result.reconciliation,
          warnings: result.warnings,
        },
      );
      await (deps.checkpoint ?? noCheckpoint)('load.applied');
      return result;
    });
  } catch (error) {
    if (isAppError(error) && error.code === 'pipeline.out_of_order') {
      deps.logger.info(
        { forecast: task.forecastId, period: task.period, asOf: task.asOf },
        'older snapshot: re-deriving the period from the landing',
      );
      const rebuilt = await rebuildPeriod(deps, task.forecastId, task.period, {
        runId,
        allowTruncated: settings.allowTruncated,
      });
      outcome =
        rebuilt.outcomes.get(snapshotKey(task.forecastId, task.period, task.asOf)) ??
        (() => {
          throw error;
        })();
      await recordJob(
        wh,
        task,
        runId,
        { ...context, jobId: manifest.jobId },
        {
          status: outcome.status,
          rows: outcome.rows,
          sha: manifest.sha256,
          bytes: manifest.bytes,
          reconciliation: outcome.reconciliation,
          warnings: outcome.warnings,
        },
      );
    } else throw error;
  }
  return { outcome, landed };
}

interface JobRecord {
  readonly status: string;
  readonly rows: number;
  readonly sha?: string | undefined;
  readonly bytes?: number | undefined;
  readonly reconciliation?: LoadOutcome['reconciliation'] | undefined;
  readonly warnings?: readonly string[] | undefined;
  readonly error?: AppError | undefined;
}

async function recordJob(
  wh: Warehouse,
  task: PlannedExport,
  runId: string,
  context: Omit<JobContext, 'job'> & { jobId: string | undefined; job?: ExportJob | undefined },
  record: JobRecord,
): Promise<void> {
  const job = context.job;
  const createdAt = context.createdAt ?? job?.startTime ?? null;
  const finishedAt = context.finishedAt ?? job?.endTime ?? null;
  // Sums arrive as decimal strings; BigQuery coerces a string parameter to dates, not to NUMERIC.
  const money = wh.dialect.types.money;
  await wh.exec('DELETE FROM clari_export_jobs WHERE run_id = $1 AND forecast_id = $2 AND time_period = $3', [
    runId,
    task.forecastId,
    task.period,
  ]);
  await wh.exec(
    `INSERT INTO clari_export_jobs (job_id, run_id, forecast_id, time_period, status, created_at, finished_at, latency_ms, poll_count, ${wh.dialect.ident('rows')}, payload_sha256, rows_truncated, cells_truncated, error, error_code, snapshot_date, attempts, cached, format, payload_bytes, payload_rows, loaded_rows, payload_sum, loaded_sum, reconciled, warnings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, CAST($23 AS ${money}), CAST($24 AS ${money}), $25, $26)`,
    [
      context.jobId ?? null,
      runId,
      task.forecastId,
      task.period,
      record.status,
      createdAt === null ? null : sqlTimestamp(createdAt),
      finishedAt === null ? null : sqlTimestamp(finishedAt),
      context.latencyMs,
      context.polls,
      record.rows,
      record.sha ?? null,
      job?.rowsTruncated ?? null,
      job?.cellsTruncated ?? null,
      record.error?.message ?? null,
      record.error?.code ?? null,
      task.asOf,
      context.attempts,
      context.cached,
      task.request.exportFormat ?? 'JSON',
      record.bytes ?? null,
      record.reconciliation?.payloadRows ?? null,
      record.reconciliation?.loadedRows ?? null,
      record.reconciliation?.payloadSum ?? null,
      record.reconciliation?.loadedSum ?? null,
      record.reconciliation?.ok ?? null,
      record.warnings && record.warnings.length > 0 ? record.warnings.join('; ') : null,
    ],
  );
}

async function recordFailure(
  deps: PipelineDeps,
  task: PlannedExport,
  runId: string,
  error: AppError,
  context: { jobId: string | undefined; attempts: number; polls: number; latencyMs: number | null; cached: boolean },
): Promise<ExportSummary> {
  deps.logger.warn({ forecast: task.forecastId, period: task.period, code: error.code }, error.message);
  deps.onEvent?.({ type: 'failed', key: task.key, code: error.code, message: error.message });
  await recordJob(
    deps.warehouse,
    task,
    runId,
    { ...context, job: undefined },
    { status: 'failed', rows: 0, error },
  ).catch((e: unknown) => {
    deps.logger.error({ code: errorCode(e) }, 'could not record the failed export in clari_export_jobs');
  });
  return {
    forecastId: task.forecastId,
    timePeriod: task.period,
    jobId: context.jobId ?? null,
    status: 'failed',
    rows: 0,
    cached: context.cached,
    latencyMs: context.latencyMs,
    changes: 0,
    error: error.message,
    errorCode: error.code,
    warnings: [],
  };
}

/**
 * Wraps the client so a tenant that rejects crm_total/crm_closed (400 type_not_supported) gets the
 * export without them, once, for the rest of the run, and the run says so.
 */
function dropRejectedTypes(client: ClariClient, warn: (message: string) => void): ExportApi {
  let rejected = false;
  const strip = <R extends { typesToExport?: readonly string[] | undefined }>(request: R): R =>
    rejected && request.typesToExport
      ? { ...request, typesToExport: request.typesToExport.filter((t) => !CRM_TYPES.has(t)) }
      : request;
  return {
    getLimits: (signal) => client.getLimits(signal),
    getJob: (jobId, signal) => client.getJob(jobId, signal),
    listJobs: (signal) => client.listJobs(signal),
    cancelJob: (jobId, signal) => client.cancelJob(jobId, signal),
    serverSkewMs: () => client.serverSkewMs(),
    createExport: async (forecastId, request, signal) => {
      try {
        return await client.createExport(forecastId, strip(request), signal);
      } catch (error) {
        if (isClariError(error, 'clari.type_not_supported') && request.typesToExport?.some((t) => CRM_TYPES.has(t))) {
          // Exports already in flight may meet the same rejection: each retries once, the warning is said once.
          if (!rejected)
            warn(
              'Clari rejected crm_total/crm_closed for this tenant (type_not_supported); exporting without them for the rest of the run. Remove them from export.types to silence this.',
            );
          rejected = true;
          return client.createExport(forecastId, strip(request), signal);
        }
        throw error;
      }
    },
  };
}

function byKey(tasks: readonly PlannedExport[], key: string): PlannedExport {
  const task = tasks.find((t) => t.key === key);
  if (!task) throw new Error(`unknown task ${key}`);
  return task;
}

/** Runs async work one at a time, in call order. */
function serialiser(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}

function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError(error instanceof Error ? error.message : String(error), {
    code: 'internal.unexpected',
    kind: 'internal',
    cause: error,
  });
}
