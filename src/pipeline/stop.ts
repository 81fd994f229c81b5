/**
 * A run stopped from outside (its deadline passed, or it lost the warehouse lease): the export
 * phase ends at once through the signal, the Clari jobs still in flight are cancelled so their
 * slots come back to the tenant, and no further load starts. Payloads already landed stay in the
 * landing with their pending job, so the next run loads them without calling Clari.
 */
import type { ClariClient, ExportOutcome } from '../clari/index.js';
import { AppError, errorCode, isAppError, type Logger } from '../core/index.js';
import type { JobState } from './job-state.js';

/** Why the run was stopped, or undefined while it may go on. */
export function stopReason(signal: AbortSignal | undefined): AppError | undefined {
  if (!signal?.aborted) return undefined;
  const reason: unknown = signal.reason;
  return isAppError(reason)
    ? reason
    : new AppError(`The run was stopped: ${reason instanceof Error ? reason.message : String(reason)}`, {
        code: 'run.stopped',
        kind: 'transient',
      });
}

export function throwIfStopped(signal: AbortSignal | undefined): void {
  const reason = stopReason(signal);
  if (reason) throw reason;
}

/**
 * Cancels the jobs of exports that did not finish, forgets those Clari cancelled (the next run
 * exports them afresh rather than resuming a cancelled job), and gives each the stop as its error.
 */
export async function cancelUnfinished<T>(
  deps: { readonly client: ClariClient; readonly jobs: JobState; readonly logger: Logger },
  outcomes: readonly ExportOutcome<T>[],
  pendingKey: (taskKey: string) => string,
  reason: AppError,
): Promise<ExportOutcome<T>[]> {
  return Promise.all(
    outcomes.map(async (outcome): Promise<ExportOutcome<T>> => {
      if (outcome.status !== 'failed') return outcome;
      if (outcome.error !== reason && !/abort/i.test(outcome.error.message)) return outcome; // failed on its own
      if (outcome.jobId) {
        try {
          await deps.client.cancelJob(outcome.jobId);
          await deps.jobs.clear(pendingKey(outcome.task.key));
          deps.logger.warn({ jobId: outcome.jobId, task: outcome.task.key }, `${reason.code}: export job cancelled`);
        } catch (error) {
          // Already done (its results are resumed next run) or Clari unreachable: keep the record.
          deps.logger.warn({ jobId: outcome.jobId, code: errorCode(error) }, 'could not cancel an export job');
        }
      }
      return { ...outcome, error: reason };
    }),
  );
}
