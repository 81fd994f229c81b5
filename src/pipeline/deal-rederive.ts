/**
 * A run whose as-of date is older than what the deal tables hold (a past date run again, runs out of
 * order): its activity window and its refresh cannot be applied on top of later ones. Both steps
 * land their payload and leave it; then the deal tables are re-derived from the landing once
 * (deal-rebuild.ts), which loads every window and refresh in business-date order, this run's among
 * them, and each step's summary is read back from what that left. A window the warehouse does not
 * hold yet is re-derived in before the refresh is planned (`rederiveUnheldWindow`).
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
  const rebuilt = await rebuild(deps, scope, planned);
  return {
    activities: await windowAfter(deps, scope, planned, activities, rebuilt),
    opportunities: await refreshAfter(deps, scope, opportunities, rebuilt),
  };
}

/**
 * The refresh asks for the opportunities the warehouse's activities name, so an older window the
 * warehouse does not hold yet (a past date exported for the first time) is re-derived in before the
 * refresh is planned; a refresh that is older too then takes a second re-derive. A window already
 * held (the same date run again) is left for the one re-derive after the refresh.
 */
export async function rederiveUnheldWindow(
  deps: PipelineDeps,
  scope: RunScope,
  planned: PlannedActivity,
  activities: ActivityStep,
): Promise<ActivityStep> {
  if (!activities.older) return activities;
  const held = await dealsSql.windowOf(deps.warehouse, planned.asOf);
  if (held && held.payload_sha256 === activities.older.manifest.sha256) return activities;
  const rebuilt = await rebuild(deps, scope, planned);
  return { summary: await windowAfter(deps, scope, planned, activities, rebuilt) };
}

/** What a re-derive left: the rebuild's result, or why it failed. */
type Rebuilt = DealRebuildResult | { readonly error: unknown };

async function rebuild(deps: PipelineDeps, scope: RunScope, planned: PlannedActivity): Promise<Rebuilt> {
  try {
    throwIfStopped(deps.signal);
    scope.log.info({ asOf: planned.asOf }, 'an older as-of date: re-deriving the deal tables from the landing');
    return await rebuildDeals(deps, { runId: scope.runId });
  } catch (error) {
    return { error };
  }
}

/** The activity step's summary once the deal tables were re-derived (or failed to be). */
async function windowAfter(
  deps: PipelineDeps,
  scope: RunScope,
  planned: PlannedActivity,
  { summary, older }: ActivityStep,
  rebuilt: Rebuilt,
): Promise<DealsSummary['activities']> {
  if (!older) return summary;
  if ('error' in rebuilt) return activityFailed(deps, scope, planned, rebuilt.error, summary.jobId);
  const skipped = skippedError(deps, rebuilt, older, `The activity window as of ${planned.asOf}`);
  if (skipped) return activityFailed(deps, scope, planned, skipped, summary.jobId);
  const window = await dealsSql.windowOf(deps.warehouse, planned.asOf);
  return activityCommitted(deps, scope, planned, summary, {
    status: window ? 'loaded' : 'empty',
    activities: Number(window?.activities ?? 0),
    participants: Number(window?.participants ?? 0),
    warnings: [REDERIVED],
  });
}

/** The refresh step's summary once the deal tables were re-derived (or failed to be). */
async function refreshAfter(
  deps: PipelineDeps,
  scope: RunScope,
  { summary, older }: RefreshStep,
  rebuilt: Rebuilt,
): Promise<DealsSummary['opportunities']> {
  if (!older) return summary;
  if ('error' in rebuilt) return refreshFailed(scope, rebuilt.error, summary);
  const skipped = skippedError(deps, rebuilt, older, `The opportunity refresh as of ${older.manifest.asOf}`);
  if (skipped) return refreshFailed(scope, skipped, summary);
  scope.warnings.push(`opportunities: ${REDERIVED}`);
  const returned = rebuilt.refreshes > 0 ? await dealsSql.refreshCount(deps.warehouse, older.manifest.asOf) : 0;
  return { ...summary, returned: Number(returned ?? 0) };
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
  // The rejecting check's own code: a data error, so the payload is not served again as it is.
  return new LoadError(
    `${subject} was left out when the deal tables were re-derived from the landing: ${skipped.reason}`,
    skipped.code,
    'Older windows and refreshes are loaded by re-deriving the deal tables from the landing (`clari-dp rebuild` lists what it leaves out).',
  );
}
