/**
 * The run's own record: before any export, the ledger marks runs that died as failed and opens this
 * run's row; at the end, the row gets the run's status and figures. The run id is the start time
 * plus random hex, readable and unique across data dirs.
 */
import { type Checkpoint, isAppError, type Logger, noCheckpoint, randomHex } from '../core/index.js';
import { migrateWarehouse } from '../analytics/index.js';
import { runsSql, sqlTimestamp } from '../warehouse/index.js';
import type { PlannedExport } from './plan.js';
import { stopReason } from './stop.js';
import type { DealsSummary, ExportSummary, PipelineDeps, RunSettings, RunSummary } from './types.js';

/** What every stage of one run shares. */
export interface RunScope {
  readonly runId: string;
  readonly asOf: string;
  readonly started: number;
  readonly log: Logger;
  readonly checkpoint: Checkpoint;
  /** Warnings of the run, in the order they arose (RunSummary.warnings). */
  readonly warnings: string[];
}

const INTERRUPTED =
  'interrupted: the run stopped before it finished (killed, crashed, or lost the warehouse); a later run picked up its exports from the landing and pending jobs';

/** Migrates, marks dead runs, opens this run's row and prunes month-old pending jobs. */
export async function openRun(
  deps: PipelineDeps,
  planned: readonly PlannedExport[],
  settings: RunSettings,
): Promise<RunScope> {
  const { clock, warehouse: wh } = deps;
  const started = clock.now();
  const runId = `run-${new Date(started).toISOString().slice(0, 23).replace(/[-:.]/g, '').replace('T', '-')}-${randomHex(deps.random, 6)}`;
  const scope: RunScope = {
    runId,
    asOf: planned[0]?.asOf ?? '',
    started,
    log: deps.logger.child({ runId }),
    checkpoint: deps.checkpoint ?? noCheckpoint,
    warnings: [],
  };
  await migrateWarehouse(wh, () => sqlTimestamp(clock.now()));
  // A run still marked running is one that died (killed, crashed, lost the warehouse): runs on a
  // data dir never overlap, and one on another data dir that is alive sets its own status at its end.
  await runsSql.markInterruptedRuns(wh, INTERRUPTED);
  await runsSql.insertRun(wh, {
    runId,
    startedAt: started,
    asOf: scope.asOf,
    trigger: settings.trigger,
    exports: planned.length,
  });
  await deps.jobs
    .prune(started - 31 * 86_400_000)
    .catch((error: unknown) => scope.warnings.push(`pending jobs not pruned: ${messageOf(error)}`));
  return scope;
}

/** The run's summary from its exports, quota and alerts; written to the run's row. */
export async function closeRun(
  deps: PipelineDeps,
  scope: RunScope,
  exports: readonly ExportSummary[],
  quota: RunSummary['quota'],
  alertDecisions: RunSummary['alertDecisions'],
  deals?: DealsSummary,
): Promise<RunSummary> {
  const failed = exports.filter((e) => e.status === 'failed').length;
  const dealErrors = deals
    ? [deals.activities, deals.opportunities].filter((s) => s.status === 'failed').map((s) => s.error ?? '')
    : [];
  // Undelivered alerts make the run partial: the data loaded, but someone was not told.
  const undelivered = (alertDecisions?.failed ?? 0) > 0;
  const stopped = stopReason(deps.signal);
  const status: RunSummary['status'] =
    stopped || (failed === exports.length && exports.length > 0)
      ? 'failed'
      : failed > 0 || undelivered || dealErrors.length > 0
        ? 'partial'
        : 'success';
  const finished = deps.clock.now();
  const summary: RunSummary = {
    runId: scope.runId,
    status,
    asOf: scope.asOf,
    exports,
    rowsLoaded: exports.reduce((n, e) => n + (e.status === 'failed' ? 0 : e.rows), 0),
    changes: exports.reduce((n, e) => n + e.changes, 0),
    alerts: alertDecisions?.sent ?? 0,
    durationMs: finished - scope.started,
    warnings: scope.warnings,
    quota,
    alertDecisions,
    ...(deals ? { deals } : {}),
  };
  const firstError = exports.find((e) => e.error)?.error ?? null;
  await scope.checkpoint('run.finishing');
  await runsSql.finishRun(deps.warehouse, {
    runId: scope.runId,
    finishedAt: finished,
    status,
    error: stopped
      ? `${stopped.message}; ${failed} of ${exports.length} exports not loaded (their Clari jobs cancelled; landed payloads load next run)`
      : failed > 0
        ? `${failed} of ${exports.length} exports failed; first: ${firstError}`
        : dealErrors.length > 0
          ? `deals: ${dealErrors.join('; ')}`
          : null,
    exportsFailed: failed,
    rowsLoaded: summary.rowsLoaded,
    changes: summary.changes,
    alerts: summary.alerts,
    durationMs: summary.durationMs,
    quota,
  });
  scope.log.info({ status, rows: summary.rowsLoaded, changes: summary.changes, failed }, 'run finished');
  return summary;
}

export function messageOf(error: unknown): string {
  return isAppError(error) ? error.message : String(error);
}
