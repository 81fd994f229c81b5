/**
 * A run whose as-of date is older than what the deal tables hold (a past date run again, runs out of
 * order): its activity window and its refresh cannot be applied on top of later ones. Both steps
 * land their payload and leave it; then the deal tables are re-derived from the landing once
 * (deal-rebuild.ts), which loads every window and refresh in business-date order, this run's among
 * them, and each step's summary is read back from what that left.
 */
import { dealsSql } from '../warehouse/index.js';
import { type ActivityStep, activityCommitted, activityFailed } from './deal-activity.js';
import type { PlannedActivity } from './deal-plan.js';
import { type DealRebuildResult, rebuildDeals } from './deal-rebuild.js';
import { refreshFailed, type RefreshStep } from './deal-refresh.js';
import type { Landed } from './landing.js';
import { LoadError } from './load.js';
import type { RunScope } from './run-record.js';
import { throwIfStopped } from './stop.js';
import type { DealsSummary, PipelineDeps } from './types.js';

const REDERIVED = 'an older as-of date: the deal tables were re-derived from the landing';

type Steps = Pick<DealsSummary, 'activities' | 'opportunities'>;

/** Re-derives the deal tables once when either step left an older payload; the steps' summaries. */
export async function rederiveDeals(
  deps: PipelineDeps,
  scope: RunScope,
  planned: PlannedActivity,
  steps: { readonly activities: ActivityStep; readonly opportunities: RefreshStep },
): Promise<Steps> {
  const { activities, opportunities } = steps;
  if (!activities.older && !opportunities.older)
    return { activities: activities.summary, opportunities: opportunities.summary };
  let rebuilt: DealRebuildResult;
  try {
    throwIfStopped(deps.signal);
    scope.log.info({ asOf: planned.asOf }, 'an older as-of date: re-deriving the deal tables from the landing');
    rebuilt = await rebuildDeals(deps, { runId: scope.runId });
  } catch (error) {
    return {
      activities: activities.older
        ? await activityFailed(deps, scope, planned, error, activities.summary.jobId)
        : activities.summary,
      opportunities: opportunities.older ? refreshFailed(scope, error, opportunities.summary) : opportunities.summary,
    };
  }
  return {
    activities: activities.older
      ? await rederivedWindow(deps, scope, planned, activities.summary, rebuilt, activities.older)
      : activities.summary,
    opportunities: opportunities.older
      ? await rederivedRefresh(deps, scope, opportunities.summary, rebuilt, opportunities.older)
      : opportunities.summary,
  };
}

async function rederivedWindow(
  deps: PipelineDeps,
  scope: RunScope,
  planned: PlannedActivity,
  step: DealsSummary['activities'],
  rebuilt: DealRebuildResult,
  landed: Landed,
): Promise<DealsSummary['activities']> {
  const skipped = skippedError(deps, rebuilt, landed, `The activity window as of ${planned.asOf}`);
  if (skipped) return activityFailed(deps, scope, planned, skipped, step.jobId);
  const window = await dealsSql.windowOf(deps.warehouse, planned.asOf);
  return activityCommitted(deps, scope, planned, step, {
    status: window ? 'loaded' : 'empty',
    activities: Number(window?.activities ?? 0),
    participants: Number(window?.participants ?? 0),
    warnings: [REDERIVED],
  });
}

async function rederivedRefresh(
  deps: PipelineDeps,
  scope: RunScope,
  step: DealsSummary['opportunities'],
  rebuilt: DealRebuildResult,
  landed: Landed,
): Promise<DealsSummary['opportunities']> {
  const skipped = skippedError(deps, rebuilt, landed, `The opportunity refresh as of ${landed.manifest.asOf}`);
  if (skipped) return refreshFailed(scope, skipped, step);
  scope.warnings.push(`opportunities: ${REDERIVED}`);
  const returned = rebuilt.refreshes > 0 ? await dealsSql.refreshCount(deps.warehouse, landed.manifest.asOf) : 0;
  return { ...step, returned: Number(returned ?? 0) };
}

/** The re-derive left this payload out (its checks rejected it): why, as the step's error. */
function skippedError(
  deps: PipelineDeps,
  rebuilt: DealRebuildResult,
  landed: Landed,
  subject: string,
): LoadError | undefined {
  const skipped = rebuilt.skipped.find((s) => s.payload === deps.landing.deals().display(landed));
  if (!skipped) return undefined;
  return new LoadError(
    `${subject} is older than the latest loaded one and was left out when the deal tables were re-derived from the landing: ${skipped.reason}`,
    'pipeline.out_of_order',
    'Older windows and refreshes are loaded by re-deriving the deal tables from the landing (`clari-dp rebuild` lists what it leaves out).',
  );
}
