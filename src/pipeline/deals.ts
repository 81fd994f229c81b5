/**
 * The deals stage of a run (issue 16), after the forecast loads when `activity.enabled`:
 *
 * 1. the activity export of this run's window (deal-plan.ts), a job on the same machinery as the
 *    forecast exports (the ExportRunner: limits, job id persisted before and after the POST, polls,
 *    re-queues, a lost POST answer resolved from the job list), its results landed raw in the deals
 *    landing, then loaded in one transaction (deal-load.ts);
 * 2. a refresh of the opportunities those activities name (GET /opportunity, at most 100 ids a call,
 *    a few calls at a time within the tenant's concurrent-job limit, through the same resilient
 *    client), every answer landed raw in one document, then loaded in one transaction.
 *
 * Step 1 is deal-activity.ts, step 2 deal-refresh.ts, the window deal-planner.ts. The planner
 * (planner.ts) decides where the activity payload comes from, as for forecast exports: landed by a
 * run that stopped before loading it, cached, a job to resume, or a new export. A step that fails is
 * reported (the run is partial) and never stops the other. A run of an as-of date older than the
 * loaded ones lands both payloads, then re-derives the deal tables from the landing once
 * (deal-rederive.ts); a past window new to the warehouse is re-derived in before the refresh is
 * planned from its activities.
 */
import { stopReason } from './stop.js';
import { activityStep, failedStep } from './deal-activity.js';
import type { PlannedActivity } from './deal-plan.js';
import { planActivityExport } from './deal-planner.js';
import { rederiveDeals, rederiveUnheldWindow } from './deal-rederive.js';
import { refreshStep } from './deal-refresh.js';
import { toAppError } from './load-export.js';
import type { RunScope } from './run-record.js';
import type { DealsSummary, PipelineDeps, RunSettings } from './types.js';

export async function runDeals(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
): Promise<DealsSummary | undefined> {
  const deal = settings.activity;
  if (!deal || stopReason(deps.signal)) return undefined;
  let planned: PlannedActivity;
  try {
    planned = await planActivityExport(deps, scope.asOf, deal, settings);
  } catch (error) {
    const appError = toAppError(error);
    const failed = failedStep(appError);
    scope.warnings.push(`deals: ${failed.error}`);
    // The activity export was counted in the run's progress: it ends here.
    deps.onEvent?.({ type: 'failed', key: 'activity', code: appError.code, message: appError.message });
    return {
      window: null,
      activities: { ...failed, activities: 0, participants: 0, jobId: null },
      opportunities: { ...failed, ...NO_CALLS },
    };
  }
  const activities = await rederiveUnheldWindow(
    deps,
    scope,
    planned,
    await activityStep(deps, scope, settings, planned),
  );
  const stop = stopReason(deps.signal);
  // An older window still landed is re-derived once, after the refresh is landed too.
  const opportunities = stop
    ? { summary: { ...failedStep(stop), ...NO_CALLS } }
    : await refreshStep(deps, scope, settings, deal, planned, activities.older !== undefined);
  return { window: planned.window, ...(await rederiveDeals(deps, scope, planned, { activities, opportunities })) };
}

const NO_CALLS = { requested: 0, seen: 0, returned: 0, calls: 0 } as const;
