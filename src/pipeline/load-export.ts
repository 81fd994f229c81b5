/**
 * The load stage of a run: each export's landed payload is loaded in its own transaction (snapshot
 * load with change detection, then its clari_export_jobs row), one at a time, since the engines
 * have one connection and a write that ran while another snapshot's transaction was open would
 * commit or roll back with it. A snapshot older than the latest of its period re-derives the
 * period from the landing. Failures of any stage end here too, as a failed export row.
 */
import {
  decodeResults,
  type DocumentPart,
  type DocumentSummary,
  type ExportJob,
  type FingerprintSet,
} from '../clari/index.js';
import { AppError, errorCode, isAppError, serialiser } from '../core/index.js';
import { runsSql, type Warehouse } from '../warehouse/index.js';
import { JobState } from './job-state.js';
import type { Landed } from './landing.js';
import { loadSnapshot, type LoadOutcome } from './load.js';
import type { PlannedExport } from './plan.js';
import { rebuildPeriod, snapshotKey } from './rebuild.js';
import { messageOf, type RunScope } from './run-record.js';
import { throwIfStopped } from './stop.js';
import type { ExportSummary, PipelineDeps, RunSettings } from './types.js';

/** How the payload of an export was obtained. */
export interface JobContext {
  readonly job: ExportJob | undefined;
  readonly cached: boolean;
  readonly latencyMs: number | null;
  readonly attempts: number;
  readonly polls: number;
  readonly createdAt?: number | undefined;
  readonly finishedAt?: number | undefined;
}

export interface ExportLoader {
  /** Loads a landed payload; a failure becomes a failed export. */
  load(task: PlannedExport, landed: Landed, context: JobContext): Promise<ExportSummary>;
  /** Records an export that failed before anything was landed. */
  fail(task: PlannedExport, error: AppError, context: FailureContext): Promise<ExportSummary>;
}

export interface FailureContext {
  readonly jobId: string | undefined;
  readonly attempts: number;
  readonly polls: number;
  readonly latencyMs: number | null;
  readonly cached: boolean;
}

export function exportLoader(deps: PipelineDeps, scope: RunScope, settings: RunSettings): ExportLoader {
  const serial = serialiser();
  // One log line per distinct failure: Clari unreachable fails every export the same way.
  const logged = new Set<string>();
  const fail = (task: PlannedExport, error: AppError, context: FailureContext): Promise<ExportSummary> =>
    serial(() => {
      const first = !logged.has(`${error.code}|${error.message}`);
      logged.add(`${error.code}|${error.message}`);
      return recordFailure(deps, task, scope.runId, error, context, first);
    });
  const load = async (task: PlannedExport, landed: Landed, context: JobContext): Promise<ExportSummary> => {
    try {
      const outcome = await serial(() => {
        throwIfStopped(deps.signal);
        return loadOne(deps, task, landed, context, scope.runId, settings);
      });
      return await committed(deps, scope, task, landed, outcome, context);
    } catch (error) {
      const appError = toAppError(error);
      // A payload Clari got wrong is not retried from the landing; a warehouse outage is.
      if (appError.kind === 'data') await deps.jobs.clear(JobState.keyOf(task)).catch(() => undefined);
      return fail(task, appError, {
        jobId: context.job?.jobId,
        attempts: context.attempts,
        polls: context.polls,
        latencyMs: context.latencyMs,
        cached: context.cached,
      });
    }
  };
  return { load, fail };
}

async function committed(
  deps: PipelineDeps,
  scope: RunScope,
  task: PlannedExport,
  landed: Landed,
  outcome: LoadOutcome,
  context: JobContext,
): Promise<ExportSummary> {
  await scope.checkpoint('load.committed');
  // The snapshot is committed: a record that cannot be cleared (a full disk) only means the
  // next run loads the same payload again from the landing, which replaces it identically.
  await deps.jobs
    .clear(JobState.keyOf(task))
    .catch((e: unknown) => scope.warnings.push(`${task.key}: pending job not cleared: ${messageOf(e)}`));
  deps.onEvent?.({ type: 'loaded', key: task.key, rows: outcome.rows, changes: outcome.changes });
  for (const w of outcome.warnings) scope.warnings.push(`${task.key}: ${w}`);
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
    ...(outcome.counters && outcome.counters.skipped > 0 ? { skipped: outcome.counters.skipped } : {}),
    warnings: outcome.warnings,
  };
}

/** Loads one landed payload in its own transaction; an older-than-latest snapshot re-derives its period. */
async function loadOne(
  deps: PipelineDeps,
  task: PlannedExport,
  landed: Landed,
  context: JobContext,
  runId: string,
  settings: RunSettings,
): Promise<LoadOutcome> {
  const manifest = landed.manifest;
  const jobContext = { ...context, jobId: manifest.jobId };
  const decode = (known?: FingerprintSet): AsyncGenerator<DocumentPart, DocumentSummary> =>
    decodeResults(
      {
        format: manifest.format,
        body: deps.landing.read(landed, { verify: context.cached }),
        status: 200,
        headers: new Headers(),
      },
      { requestedPeriod: task.period, currencyCode: manifest.job?.currency ?? undefined, known },
    );
  try {
    return await deps.warehouse.transaction(async (tx) => {
      const result = await loadSnapshot(tx, {
        snapshot: { forecastId: task.forecastId, period: task.period, asOf: task.asOf },
        runId,
        jobId: manifest.jobId,
        payloadSha256: manifest.sha256,
        exportedAt: manifest.job?.endTime ?? manifest.landedAt,
        now: deps.clock.now(),
        job: manifest.job,
        allowTruncated: settings.allowTruncated,
        checkpoint: deps.checkpoint,
        parts: decode(),
        partsSkipping: manifest.format === 'JSON' && settings.skipUnchangedEntries !== false ? decode : undefined,
      });
      logCounters(deps, task, result);
      await recordJob(tx, task, runId, jobContext, loadedRecord(result, landed));
      await deps.checkpoint?.('load.applied');
      return result;
    });
  } catch (error) {
    if (!isAppError(error) || error.code !== 'pipeline.out_of_order') throw error;
    const outcome = await rederive(deps, task, runId, settings, error);
    await recordJob(deps.warehouse, task, runId, jobContext, loadedRecord(outcome, landed));
    return outcome;
  }
}

/** How the payload was read: entries skipped by fingerprint, and why not when a skipping read fell back. */
function logCounters(deps: PipelineDeps, task: PlannedExport, outcome: LoadOutcome): void {
  const c = outcome.counters;
  if (!c || outcome.unchanged) return;
  deps.logger.info(
    {
      forecast: task.forecastId,
      period: task.period,
      parsed: c.parsed,
      skipped: c.skipped,
      fullRead: c.fullReadReason,
    },
    c.skipped > 0 ? 'entries whose bytes were already loaded were skipped' : 'every entry was decoded',
  );
}

/** An older snapshot than the latest of its period: the whole period is re-derived from the landing. */
async function rederive(
  deps: PipelineDeps,
  task: PlannedExport,
  runId: string,
  settings: RunSettings,
  error: AppError,
): Promise<LoadOutcome> {
  deps.logger.info(
    { forecast: task.forecastId, period: task.period, asOf: task.asOf },
    'older snapshot: re-deriving the period from the landing',
  );
  const rebuilt = await rebuildPeriod(deps, task.forecastId, task.period, {
    runId,
    allowTruncated: settings.allowTruncated,
  });
  const outcome = rebuilt.outcomes.get(snapshotKey(task.forecastId, task.period, task.asOf));
  if (!outcome) throw error;
  return outcome;
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

const loadedRecord = (outcome: LoadOutcome, landed: Landed): JobRecord => ({
  status: outcome.status,
  rows: outcome.rows,
  sha: landed.manifest.sha256,
  bytes: landed.manifest.bytes,
  reconciliation: outcome.reconciliation,
  warnings: outcome.warnings,
});

async function recordJob(
  wh: Warehouse,
  task: PlannedExport,
  runId: string,
  context: Omit<JobContext, 'job'> & { jobId: string | undefined; job?: ExportJob | undefined },
  record: JobRecord,
): Promise<void> {
  const job = context.job;
  const r = record.reconciliation;
  await runsSql.recordExportJob(wh, {
    jobId: context.jobId ?? null,
    runId,
    forecastId: task.forecastId,
    period: task.period,
    status: record.status,
    createdAt: context.createdAt ?? job?.startTime ?? null,
    finishedAt: context.finishedAt ?? job?.endTime ?? null,
    latencyMs: context.latencyMs,
    polls: context.polls,
    rows: record.rows,
    sha: record.sha ?? null,
    rowsTruncated: job?.rowsTruncated ?? null,
    cellsTruncated: job?.cellsTruncated ?? null,
    error: record.error?.message ?? null,
    errorCode: record.error?.code ?? null,
    asOf: task.asOf,
    attempts: context.attempts,
    cached: context.cached,
    format: task.request.exportFormat ?? 'JSON',
    bytes: record.bytes ?? null,
    payloadRows: r?.payloadRows ?? null,
    loadedRows: r?.loadedRows ?? null,
    payloadSum: r?.payloadSum ?? null,
    loadedSum: r?.loadedSum ?? null,
    reconciled: r?.ok ?? null,
    warnings: record.warnings && record.warnings.length > 0 ? record.warnings.join('; ') : null,
  });
}

async function recordFailure(
  deps: PipelineDeps,
  task: PlannedExport,
  runId: string,
  error: AppError,
  context: FailureContext,
  log: boolean,
): Promise<ExportSummary> {
  if (log) deps.logger.warn({ forecast: task.forecastId, period: task.period, code: error.code }, error.message);
  deps.onEvent?.({ type: 'failed', key: task.key, code: error.code, message: error.message });
  await recordJob(
    deps.warehouse,
    task,
    runId,
    {
      jobId: context.jobId,
      attempts: context.attempts,
      polls: context.polls,
      latencyMs: context.latencyMs,
      cached: context.cached,
    },
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
    errorHint: error.hint,
    warnings: [],
  };
}

export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError(error instanceof Error ? error.message : String(error), {
    code: 'internal.unexpected',
    kind: 'internal',
    cause: error,
  });
}
