/**
 * Step 1 of the deals stage: the activity export of this run's window, on the forecast exports' own
 * runner and landing code (extract.ts: limits, the job persisted before and after the POST, polls,
 * re-queues, a lost POST answer resolved from the job list, a stopped run's jobs cancelled, crash
 * points and progress events), its results landed raw in the deals landing, then loaded in one
 * transaction (deal-load.ts). Where the payload comes from is the shared planner's decision (landed,
 * cached, resume, new); the progress bar counts it like a forecast export.
 */
import { type AppError, isAppError } from '../core/index.js';
import { type ActivityLoadOutcome, loadActivityWindow } from './deal-load.js';
import type { PlannedActivity } from './deal-plan.js';
import { landedActivity } from './deal-rebuild.js';
import { exportAndLand, type ExportKind } from './extract.js';
import { JobState } from './job-state.js';
import type { Landed } from './landing.js';
import { toAppError } from './load-export.js';
import { decideSource, type SourceDecision } from './planner.js';
import { messageOf, type RunScope } from './run-record.js';
import { throwIfStopped } from './stop.js';
import type { DealStepSummary, DealsSummary, PipelineDeps, RunSettings } from './types.js';

/** A deals step that failed, as the run summary reports it. */
export function failedStep(error: AppError): DealStepSummary {
  return { status: 'failed', cached: false, error: error.message, errorCode: error.code, errorHint: error.hint };
}

/** The activity step's outcome, and the landed window still to load when it is older than the loaded ones. */
export interface ActivityStep {
  readonly summary: DealsSummary['activities'];
  /** Older than the latest loaded window: loaded when the deal tables are re-derived (deal-rederive.ts). */
  readonly older?: Landed | undefined;
}

export async function activityStep(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
  planned: PlannedActivity,
): Promise<ActivityStep> {
  const landing = deps.landing.deals();
  // Temporary files of a landing an interrupted run cut short (this date's activity and refresh).
  for (const kind of ['activity', 'opportunity'])
    if (landing.sweep(kind, planned.period, planned.asOf) > 0)
      scope.log.info({ kind, asOf: planned.asOf }, 'removed temporary files of an interrupted deals landing');
  const decision = decideSource({ landing, jobs: deps.jobs }, planned, settings);
  let jobId: string | null = decision.resumeJobId ?? null;
  try {
    if (decision.landed) deps.onEvent?.({ type: 'cached', key: planned.key });
    const obtained = decision.landed
      ? { landed: decision.landed, cached: true }
      : { landed: await exportActivity(deps, scope, settings, planned, decision), cached: false };
    jobId = obtained.landed.manifest.jobId;
    throwIfStopped(deps.signal);
    const outcome = await loadActivity(deps, scope, obtained.landed, obtained.cached);
    const summary = { status: 'loaded' as const, cached: obtained.cached, activities: 0, participants: 0, jobId };
    if (outcome === 'older') {
      scope.log.info(
        { asOf: planned.asOf },
        'older activity window: loaded by re-deriving the deal tables once the refresh is landed too',
      );
      return { summary, older: obtained.landed };
    }
    return { summary: await activityCommitted(deps, scope, planned, summary, outcome) };
  } catch (error) {
    return { summary: await activityFailed(deps, scope, planned, error, jobId) };
  }
}

/** A window committed: its pending job cleared, its warnings said, the step's summary. */
export async function activityCommitted(
  deps: PipelineDeps,
  scope: RunScope,
  planned: PlannedActivity,
  step: Pick<DealsSummary['activities'], 'cached' | 'jobId'>,
  outcome: ActivityLoadOutcome,
): Promise<DealsSummary['activities']> {
  await scope.checkpoint('activity.committed');
  await deps.jobs
    .clear(JobState.keyOf(planned))
    .catch((e: unknown) => scope.warnings.push(`activity: pending job not cleared: ${messageOf(e)}`));
  for (const w of outcome.warnings) scope.warnings.push(`activity: ${w}`);
  deps.onEvent?.({ type: 'loaded', key: planned.key, rows: outcome.activities, changes: 0 });
  return {
    status: outcome.status,
    cached: step.cached,
    unchanged: outcome.unchanged === true,
    activities: outcome.activities,
    participants: outcome.participants,
    jobId: step.jobId,
  };
}

/** The step failed: said, and its pending job forgotten when it can only fail again. */
export async function activityFailed(
  deps: PipelineDeps,
  scope: RunScope,
  planned: PlannedActivity,
  error: unknown,
  jobId: string | null,
): Promise<DealsSummary['activities']> {
  const appError = toAppError(error);
  const key = JobState.keyOf(planned);
  // A payload Clari got wrong is exported afresh next run; a refused POST created no job to look for.
  const pending = deps.jobs.get(key);
  if (appError.kind === 'data' || (pending && !pending.jobId && ['input', 'auth', 'capacity'].includes(appError.kind)))
    await deps.jobs.clear(key).catch(() => undefined);
  scope.log.warn({ code: appError.code, window: planned.window }, `activity export failed: ${appError.message}`);
  scope.warnings.push(`activity: ${appError.message}`);
  deps.onEvent?.({ type: 'failed', key: planned.key, code: appError.code, message: appError.message });
  return { ...failedStep(appError), activities: 0, participants: 0, jobId };
}

/** The activity export on the forecast exports' runner and landing (extract.ts), in the deals landing. */
function activityExport(deps: PipelineDeps): ExportKind<PlannedActivity> {
  return {
    component: 'activity-export',
    api: deps.client,
    landing: deps.landing.deals(),
    task: (t) => ({ key: t.key, forecastId: t.forecastId, request: {}, activity: t.request }),
    points: {
      posted: 'activity.posted',
      created: 'activity.created',
      polled: 'activity.polled',
      landed: 'activity.landed',
    },
    // Asked for as JSON (deal-plan.ts), read as JSON whatever the content type says.
    format: 'JSON',
  };
}

/** Exports the window through the ExportRunner and lands the results; resolves with the landed payload. */
async function exportActivity(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
  planned: PlannedActivity,
  decision: SourceDecision,
): Promise<Landed> {
  const [exported] = await exportAndLand(deps, scope, settings, activityExport(deps), [{ ...decision, task: planned }]);
  if (!exported) throw new Error('the activity export produced no outcome');
  if (exported.outcome.status === 'failed') throw exported.outcome.error;
  return exported.outcome.value.landed;
}

/** Loads a landed window in one transaction; `older` when it is older than the latest loaded window. */
async function loadActivity(
  deps: PipelineDeps,
  scope: RunScope,
  landed: Landed,
  cached: boolean,
): Promise<ActivityLoadOutcome | 'older'> {
  try {
    return await deps.warehouse.transaction((tx) =>
      loadActivityWindow(
        tx,
        landedActivity({ ...deps, warehouse: tx }, landed, {
          runId: scope.runId,
          verify: cached,
          checkpoint: deps.checkpoint,
        }),
      ),
    );
  } catch (error) {
    if (isAppError(error) && error.code === 'pipeline.out_of_order') return 'older';
    throw error;
  }
}
