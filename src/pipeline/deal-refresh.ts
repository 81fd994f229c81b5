/**
 * Step 2 of the deals stage: a refresh of the opportunities the loaded activities name. GET
 * /opportunity takes them at most 100 at a time, a few calls in flight within the tenant's
 * concurrent-job limit, through the same resilient client (429, 5xx and Clari's error array retried,
 * timeouts, breaker); every answer lands byte for byte in one document, which is then loaded in one
 * transaction (deal-load.ts). No export quota is spent. Which ids, and whether a landed refresh
 * serves them, is the plan the dry run shows too (deal-planner.ts, planner.ts).
 */
import { isAppError } from '../core/index.js';
import { failedStep } from './deal-activity.js';
import { loadRefresh, type RefreshLoadOutcome } from './deal-load.js';
import type { DealSettings, PlannedActivity, PlannedRefresh } from './deal-plan.js';
import { planRefreshOf } from './deal-planner.js';
import { landedRefresh } from './deal-rebuild.js';
import type { Landed } from './landing.js';
import { toAppError } from './load-export.js';
import { decideRefresh } from './planner.js';
import type { RunScope } from './run-record.js';
import { throwIfStopped } from './stop.js';
import type { DealsSummary, PipelineDeps, RunSettings } from './types.js';

/** The refresh step's outcome, and the landed refresh still to load when the deal tables are re-derived. */
export interface RefreshStep {
  readonly summary: DealsSummary['opportunities'];
  /** Older than the latest loaded refresh, or landed for a re-derive already due (deal-rederive.ts). */
  readonly older?: Landed | undefined;
}

/**
 * Lands the refresh and loads it; `rederiving` (the activity window is older than the loaded ones)
 * leaves the load to the re-derive that follows, so the deal tables are re-derived once for both.
 */
export async function refreshStep(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
  deal: DealSettings,
  planned: PlannedActivity,
  rederiving: boolean,
): Promise<RefreshStep> {
  let requested = 0;
  let seen = 0;
  try {
    const refresh = await planRefreshOf(deps.warehouse, planned.asOf, deal, settings);
    requested = refresh.ids.length;
    seen = refresh.seen;
    if (seen > requested)
      scope.warnings.push(
        `opportunities: ${seen} seen since ${refresh.since}, the ${requested} most recently active refreshed (activity.maxOpportunities)`,
      );
    if (requested === 0)
      return { summary: { status: 'skipped', cached: false, requested, seen, returned: 0, calls: 0 } };
    const { cached, calls } = decideRefresh(deps.landing.deals(), planned, refresh, settings);
    const landed = cached ?? (await landRefresh(deps, scope, deal, planned, refresh));
    throwIfStopped(deps.signal);
    const summary = { status: 'loaded' as const, cached: cached !== undefined, requested, seen, returned: 0, calls };
    const outcome = rederiving ? 'older' : await loadOpportunities(deps, scope, landed, cached !== undefined);
    if (outcome === 'older') return { summary, older: landed };
    for (const w of outcome.warnings) scope.warnings.push(`opportunities: ${w}`);
    return { summary: { ...summary, returned: outcome.opportunities } };
  } catch (error) {
    return { summary: refreshFailed(scope, error, { requested, seen }) };
  }
}

/** The refresh failed: said, and the step's summary. */
export function refreshFailed(
  scope: RunScope,
  error: unknown,
  counts: { readonly requested: number; readonly seen: number },
): DealsSummary['opportunities'] {
  const appError = toAppError(error);
  scope.log.warn({ code: appError.code }, `opportunity refresh failed: ${appError.message}`);
  scope.warnings.push(`opportunities: ${appError.message}`);
  return { ...failedStep(appError), requested: counts.requested, seen: counts.seen, returned: 0, calls: 0 };
}

/**
 * Fetches the ids in batches, a few calls in flight at once (at most the tenant's concurrent-job
 * limit), and lands every answer as Clari sent it, in order, in one document.
 */
async function landRefresh(
  deps: PipelineDeps,
  scope: RunScope,
  deal: DealSettings,
  planned: PlannedActivity,
  { ids, batchSize, fingerprint }: PlannedRefresh,
): Promise<Landed> {
  const limits = await deps.client.getLimits(deps.signal);
  const concurrency = Math.max(1, Math.min(deal.concurrency, limits.concurrentLimit));
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += batchSize) batches.push(ids.slice(i, i + batchSize));
  const answers = fetchInOrder(batches, concurrency, (batch) =>
    deps.client.getOpportunityBatch(batch, deps.signal).then((r) => r.text),
  );
  const landed = await deps.landing.deals().land(
    {
      forecastId: 'opportunity',
      period: planned.period,
      asOf: planned.asOf,
      jobId: `refresh-${fingerprint.slice(0, 12)}`,
      fingerprint,
      request: { opportunities: ids.length, batchSize },
      format: 'JSON',
    },
    refreshDocument(planned.asOf, answers),
  );
  await scope.checkpoint('opportunity.landed');
  return landed;
}

/** Runs `call` over the batches with at most `concurrency` in flight, yielding answers in batch order. */
async function* fetchInOrder<T>(
  batches: readonly string[][],
  concurrency: number,
  call: (batch: string[]) => Promise<T>,
): AsyncGenerator<T> {
  const started: Promise<T>[] = [];
  const start = (): void => {
    const promise = call(batches[started.length]!);
    // Awaited in order below; a failure of a later call must not go unhandled meanwhile.
    promise.catch(() => undefined);
    started.push(promise);
  };
  while (started.length < Math.min(concurrency, batches.length)) start();
  for (let i = 0; i < batches.length; i++) {
    const answer = await started[i]!;
    if (started.length < batches.length) start();
    yield answer;
  }
}

/** `{"asOf": ..., "batches": [<answer>, <answer>, ...]}`, each answer byte for byte as Clari sent it. */
async function* refreshDocument(asOf: string, answers: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  yield Buffer.from(`{"asOf":${JSON.stringify(asOf)},"batches":[`);
  let first = true;
  for await (const text of answers) {
    yield Buffer.from(`${first ? '' : ','}\n${text}`);
    first = false;
  }
  yield Buffer.from('\n]}\n');
}

/** Loads a landed refresh in one transaction; `older` when it is older than the latest loaded refresh. */
async function loadOpportunities(
  deps: PipelineDeps,
  scope: RunScope,
  landed: Landed,
  cached: boolean,
): Promise<RefreshLoadOutcome | 'older'> {
  try {
    return await deps.warehouse.transaction((tx) =>
      loadRefresh(
        tx,
        landedRefresh({ ...deps, warehouse: tx }, landed, {
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
