/**
 * The extract and land stages of a run: the exports the planner could not serve from the landing
 * go to Clari through the ExportRunner (quota-aware, resumable), and each result is downloaded
 * straight into the landing. The job is persisted before the POST and again once it has an id, so
 * a run that dies at any point resumes it instead of paying for a second one. The deals stage's
 * activity export runs on the same runner and landing (`exportAndLand`, deal-activity.ts).
 */
import {
  type ClariClient,
  type ExportApi,
  type ExportFormat,
  type ExportJob,
  type ExportOutcome,
  ExportRunner,
  type ExportTask,
  isClariError,
} from '../clari/index.js';
import type { CheckpointName } from '../core/index.js';
import { JobState } from './job-state.js';
import type { Landed, LandedRequest, Landing } from './landing.js';
import { toAppError } from './load-export.js';
import type { PlannedExport } from './plan.js';
import type { ExportDecision, SourceDecision, SourceTask } from './planner.js';
import type { RunScope } from './run-record.js';
import { cancelUnfinished, stopReason } from './stop.js';
import type { PipelineDeps, RunSettings } from './types.js';

export interface Extracted {
  readonly landed: Landed;
  readonly job: ExportJob;
}

export type ExtractOutcome = ExportOutcome<Extracted>;

/** What the runner exports and lands: a forecast export (plan.ts) or the activity export (deal-plan.ts). */
export interface ExportedTask extends SourceTask {
  readonly key: string;
  readonly request: LandedRequest;
}

/**
 * What differs between the forecast exports and the activity export on the one runner and landing
 * below: the API, the landing, the runner's task, the crash points (core/checkpoint.ts).
 */
export interface ExportKind<T extends ExportedTask> {
  /** The runner's log component. */
  readonly component: string;
  readonly api: ExportApi;
  readonly landing: Landing;
  /** The runner's task of a planned export (the activity export's request travels as `activity`). */
  readonly task: (planned: T) => Pick<ExportTask, 'key' | 'forecastId' | 'request' | 'activity'>;
  readonly points: {
    /** The POST answered, its job id not yet persisted. */
    readonly posted: CheckpointName;
    /** The job id persisted. */
    readonly created: CheckpointName;
    /** A poll saw the job change status. */
    readonly polled: CheckpointName;
    /** The payload landed, the pending job not yet pointing at it. */
    readonly landed: CheckpointName;
    /** The pending job points at the payload. */
    readonly recorded?: CheckpointName | undefined;
  };
  /** The format results are landed as, when the request fixes it (else what Clari's answer says). */
  readonly format?: ExportFormat | undefined;
}

/** One export to run: the planned task and, to resume, the job an earlier run created or posted. */
export type ExportOrder<T> = { readonly task: T } & Pick<SourceDecision, 'resumeJobId' | 'postedSince'>;

/** Exports, polls and lands every decision (`resume` or `new`); one outcome per decision, failures included. */
export function extractAndLand(
  deps: PipelineDeps,
  scope: RunScope,
  decisions: readonly ExportDecision[],
  settings: RunSettings,
): Promise<{ task: PlannedExport; outcome: ExtractOutcome }[]> {
  return exportAndLand(deps, scope, settings, forecastExports(deps, scope), decisions);
}

/** The forecast exports: rejected CRM types dropped, landed in the forecast landing. */
function forecastExports(deps: PipelineDeps, scope: RunScope): ExportKind<PlannedExport> {
  return {
    component: 'export',
    api: dropRejectedTypes(deps.client, (message) => {
      scope.warnings.push(message);
      scope.log.warn({}, message);
    }),
    landing: deps.landing,
    task: (t) => ({ key: t.key, forecastId: t.forecastId, request: t.request }),
    points: {
      posted: 'export.posted',
      created: 'export.created',
      polled: 'export.polled',
      landed: 'land.written',
      recorded: 'land.recorded',
    },
  };
}

/**
 * Exports through the ExportRunner and lands each result as it finishes; one outcome per order,
 * failures included. A stopped run cancels the jobs still in flight.
 */
export async function exportAndLand<T extends ExportedTask>(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
  kind: ExportKind<T>,
  orders: readonly ExportOrder<T>[],
): Promise<{ task: T; outcome: ExtractOutcome }[]> {
  const byKey = new Map(orders.map((o) => [o.task.key, o.task]));
  const taskOf = (key: string): T => byKey.get(key) ?? unknownTask(key);
  const runner = exportRunner(deps, scope, settings, kind, taskOf);
  const tasks: ExportTask[] = orders.map((o) => ({
    ...kind.task(o.task),
    resumeJobId: o.resumeJobId,
    postedSince: o.postedSince,
  }));
  let outcomes = await runner
    .run(tasks, async (task, job) => ({ landed: await landResults(deps, scope, kind, taskOf(task.key), job), job }))
    .catch((error: unknown): ExtractOutcome[] => {
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
  const stop = stopReason(deps.signal);
  if (stop) outcomes = await cancelUnfinished(deps, outcomes, (key) => JobState.keyOf(taskOf(key)), stop);
  return outcomes.map((outcome) => ({ task: taskOf(outcome.task.key), outcome }));
}

function exportRunner<T extends ExportedTask>(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
  kind: ExportKind<T>,
  taskOf: (key: string) => T,
): ExportRunner {
  const pendingOf = (task: T) => ({
    forecastId: task.forecastId,
    period: task.period,
    asOf: task.asOf,
    fingerprint: task.fingerprint,
  });
  return new ExportRunner({
    api: kind.api,
    clock: deps.clock,
    logger: scope.log.child({ component: kind.component }),
    pollIntervalMs: settings.pollIntervalMs,
    jobTimeoutMs: settings.jobTimeoutMs,
    maxRequeues: settings.maxRequeues,
    maxConcurrency: settings.maxConcurrency,
    capacityWaitMs: settings.capacityWaitMs,
    signal: deps.signal,
    // Written before the POST: if the process dies before the answer, the next run looks the job
    // up in Clari's list instead of paying for a second one.
    beforeCreate: (task, sentAt) => {
      const planned = taskOf(task.key);
      return deps.jobs.record(JobState.keyOf(planned), {
        ...pendingOf(planned),
        createdAt: sentAt,
        postedAt: sentAt,
      });
    },
    onJobCreated: async (task, jobId) => {
      await scope.checkpoint(kind.points.posted);
      const planned = taskOf(task.key);
      await deps.jobs.record(JobState.keyOf(planned), {
        jobId,
        ...pendingOf(planned),
        createdAt: deps.clock.now(),
      });
      await scope.checkpoint(kind.points.created);
    },
    onEvent: (event) => {
      if (event.type === 'status') void scope.checkpoint(kind.points.polled);
      deps.onEvent?.({ type: 'export', event });
    },
  });
}

/** Downloads results straight into the landing, then notes the landed path on the pending job. */
async function landResults<T extends ExportedTask>(
  deps: PipelineDeps,
  scope: RunScope,
  kind: ExportKind<T>,
  task: T,
  job: ExportJob,
): Promise<Landed> {
  const results = await deps.client.downloadResults(job.jobId, deps.signal);
  const landed = await kind.landing.land(
    {
      forecastId: task.forecastId,
      period: task.period,
      asOf: task.asOf,
      jobId: job.jobId,
      fingerprint: task.fingerprint,
      request: task.request,
      format: kind.format ?? results.format,
      job,
    },
    results.body,
  );
  await scope.checkpoint(kind.points.landed);
  const key = JobState.keyOf(task);
  const pending = deps.jobs.get(key);
  if (pending) await deps.jobs.record(key, { ...pending, landedPath: landed.path });
  if (kind.points.recorded) await scope.checkpoint(kind.points.recorded);
  return landed;
}

/** Types Clari may reject with type_not_supported (clari-api.md C4). */
const CRM_TYPES = new Set(['crm_total', 'crm_closed']);

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

function unknownTask(key: string): never {
  throw new Error(`unknown task ${key}`);
}
