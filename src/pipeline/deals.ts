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
 * The planner (planner.ts) decides where the activity payload comes from, as for forecast exports:
 * landed by a run that stopped before loading it, cached, a job to resume, or a new export. A step
 * that fails is reported (the run is partial) and never stops the other.
 */
import { type ExportJob, ExportRunner, type ExportTask, MAX_OPPORTUNITY_IDS } from '../clari/index.js';
import { type AppError, isAppError } from '../core/index.js';
import { dealsSql, type Warehouse } from '../warehouse/index.js';
import { loadActivityWindow, loadRefresh } from './deal-load.js';
import {
  activityWindow,
  type DealSettings,
  planActivity,
  type PlannedActivity,
  localMidnightMs,
  refreshFingerprint,
  windowStart,
} from './deal-plan.js';
import { landedActivity, landedRefresh, rebuildDeals } from './deal-rebuild.js';
import { JobState } from './job-state.js';
import type { Landed, Landing } from './landing.js';
import { toAppError } from './load-export.js';
import { type DealsDecision, decideSource, planDeals, type SourceDecision } from './planner.js';
import { messageOf, type RunScope } from './run-record.js';
import { cancelUnfinished, stopReason } from './stop.js';
import type { DealStepSummary, DealsSummary, PipelineDeps, RunSettings } from './types.js';

/** The window this run's activity export covers, from the windows loaded before its as-of date. */
export async function planActivityExport(
  deps: Pick<PipelineDeps, 'warehouse'>,
  asOf: string,
  deal: DealSettings,
  settings: Pick<RunSettings, 'fiscal'>,
): Promise<PlannedActivity> {
  const loaded = await dealsSql.windowsBefore(deps.warehouse, asOf);
  return planActivity(asOf, activityWindow(asOf, deal, settings.fiscal, loaded), deal, settings.fiscal);
}

/** What `run --dry-run` shows of the deals stage: the window, where its payload comes from, the calls. */
export interface DealsDryRun {
  readonly planned: PlannedActivity;
  readonly decision: DealsDecision;
  /** Opportunities the refresh would ask for, and seen in all; undefined when the warehouse could not be read. */
  readonly opportunities: { readonly requested: number; readonly seen: number } | undefined;
  /** Why the window or the opportunities are estimates (the warehouse could not be read). */
  readonly note?: string | undefined;
}

/**
 * The deals stage's plan without running it, through the shared planner: reads the window ledger and
 * the opportunities seen from the warehouse when it can (read-only), the landing and pending jobs.
 */
export async function planDealsRun(
  state: { readonly warehouse: Warehouse | undefined; readonly landing: Landing; readonly jobs: JobState },
  asOf: string,
  deal: DealSettings,
  settings: Pick<RunSettings, 'fiscal' | 'noCache' | 'cacheTtlMs'>,
): Promise<DealsDryRun> {
  let note: string | undefined;
  const read = async <T>(what: (wh: Warehouse) => Promise<T>): Promise<T | undefined> => {
    if (!state.warehouse) return undefined;
    return what(state.warehouse).catch((error: unknown) => {
      note = `the warehouse could not be read (${messageOf(error)}): the window is the whole configured one`;
      return undefined;
    });
  };
  const loaded = (await read((wh) => dealsSql.windowsBefore(wh, asOf))) ?? [];
  const planned = planActivity(asOf, activityWindow(asOf, deal, settings.fiscal, loaded), deal, settings.fiscal);
  const since = localMidnightMs(windowStart(asOf, deal.window, settings.fiscal).start, deal.timezone);
  const seen = await read((wh) => dealsSql.opportunitiesSeen(wh, since, deal.maxOpportunities));
  const batchSize = Math.min(MAX_OPPORTUNITY_IDS, deal.batchSize);
  const decision = planDeals(
    { landing: state.landing.deals(), jobs: state.jobs },
    planned,
    { fingerprint: refreshFingerprint(seen?.ids ?? [], batchSize), ids: seen?.ids.length ?? 0, batchSize },
    settings,
  );
  return {
    planned,
    decision,
    opportunities: seen ? { requested: seen.ids.length, seen: seen.total } : undefined,
    note:
      note ??
      (state.warehouse
        ? undefined
        : 'the warehouse could not be opened read-only (not created yet?): the window is the whole configured one'),
  };
}

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
    const failed = failedStep(toAppError(error));
    scope.warnings.push(`deals: ${failed.error}`);
    return {
      window: null,
      activities: { ...failed, activities: 0, participants: 0, jobId: null },
      opportunities: { ...failed, ...NO_CALLS },
    };
  }
  const activities = await activityStep(deps, scope, settings, planned);
  const opportunities = stopReason(deps.signal)
    ? { ...failedStep(stopReason(deps.signal)!), ...NO_CALLS }
    : await refreshStep(deps, scope, settings, deal, planned);
  return { window: planned.window, activities, opportunities };
}

const NO_CALLS = { requested: 0, seen: 0, returned: 0, calls: 0 } as const;

function failedStep(error: AppError): DealStepSummary {
  return { status: 'failed', cached: false, error: error.message, errorCode: error.code, errorHint: error.hint };
}

// ----- 1. the activity export -----

async function activityStep(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
  planned: PlannedActivity,
): Promise<DealsSummary['activities']> {
  const landing = deps.landing.deals();
  const key = JobState.key(planned.fingerprint, planned.asOf);
  const decision = decideSource({ landing, jobs: deps.jobs }, planned, settings);
  let jobId: string | null = decision.resumeJobId ?? null;
  try {
    const obtained = decision.landed
      ? { landed: decision.landed, cached: true }
      : { landed: await exportActivity(deps, scope, settings, planned, decision), cached: false };
    jobId = obtained.landed.manifest.jobId;
    const outcome = await loadActivity(deps, scope, obtained.landed, obtained.cached);
    await scope.checkpoint('activity.committed');
    await deps.jobs
      .clear(key)
      .catch((e: unknown) => scope.warnings.push(`activity: pending job not cleared: ${messageOf(e)}`));
    for (const w of outcome.warnings) scope.warnings.push(`activity: ${w}`);
    return {
      status: outcome.status,
      cached: obtained.cached,
      unchanged: outcome.unchanged === true,
      activities: outcome.activities,
      participants: outcome.participants,
      jobId,
    };
  } catch (error) {
    const appError = toAppError(error);
    // A payload Clari got wrong is exported afresh next run; a refused POST created no job to look for.
    const pending = deps.jobs.get(key);
    if (
      appError.kind === 'data' ||
      (pending && !pending.jobId && ['input', 'auth', 'capacity'].includes(appError.kind))
    )
      await deps.jobs.clear(key).catch(() => undefined);
    scope.log.warn({ code: appError.code, window: planned.window }, `activity export failed: ${appError.message}`);
    scope.warnings.push(`activity: ${appError.message}`);
    return { ...failedStep(appError), activities: 0, participants: 0, jobId };
  }
}

/** Exports the window through the ExportRunner and lands the results; resolves with the landed payload. */
async function exportActivity(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
  planned: PlannedActivity,
  decision: SourceDecision,
): Promise<Landed> {
  const key = JobState.key(planned.fingerprint, planned.asOf);
  const pendingOf = {
    forecastId: planned.forecastId,
    period: planned.period,
    asOf: planned.asOf,
    fingerprint: planned.fingerprint,
  };
  const runner = new ExportRunner({
    api: deps.client,
    clock: deps.clock,
    logger: scope.log.child({ component: 'activity-export' }),
    pollIntervalMs: settings.pollIntervalMs,
    jobTimeoutMs: settings.jobTimeoutMs,
    maxRequeues: settings.maxRequeues,
    maxConcurrency: settings.maxConcurrency,
    capacityWaitMs: settings.capacityWaitMs,
    signal: deps.signal,
    beforeCreate: (_task, sentAt) => deps.jobs.record(key, { ...pendingOf, createdAt: sentAt, postedAt: sentAt }),
    onJobCreated: async (_task, jobId) => {
      await scope.checkpoint('activity.posted');
      await deps.jobs.record(key, { jobId, ...pendingOf, createdAt: deps.clock.now() });
      await scope.checkpoint('activity.created');
    },
  });
  const task: ExportTask = {
    key: planned.key,
    forecastId: planned.forecastId,
    request: {},
    activity: planned.request,
    resumeJobId: decision.resumeJobId,
    postedSince: decision.postedSince,
  };
  let [outcome] = await runner.run([task], (_t, job) => landActivity(deps, scope, planned, job));
  const stop = stopReason(deps.signal);
  if (stop && outcome) [outcome] = await cancelUnfinished(deps, [outcome], () => key, stop);
  if (!outcome) throw new Error('the activity export produced no outcome');
  if (outcome.status === 'failed') throw outcome.error;
  return outcome.value;
}

async function landActivity(
  deps: PipelineDeps,
  scope: RunScope,
  planned: PlannedActivity,
  job: ExportJob,
): Promise<Landed> {
  const results = await deps.client.downloadResults(job.jobId, deps.signal);
  const landed = await deps.landing.deals().land(
    {
      forecastId: planned.forecastId,
      period: planned.period,
      asOf: planned.asOf,
      jobId: job.jobId,
      fingerprint: planned.fingerprint,
      request: planned.request,
      format: 'JSON',
      job,
    },
    results.body,
  );
  await scope.checkpoint('activity.landed');
  const key = JobState.key(planned.fingerprint, planned.asOf);
  const pending = deps.jobs.get(key);
  if (pending) await deps.jobs.record(key, { ...pending, landedPath: landed.path });
  return landed;
}

/** Loads a landed window in one transaction; one older than the latest loaded re-derives the deal tables. */
async function loadActivity(deps: PipelineDeps, scope: RunScope, landed: Landed, cached: boolean) {
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
    if (!isAppError(error) || error.code !== 'pipeline.out_of_order') throw error;
    scope.log.info(
      { asOf: landed.manifest.asOf },
      'older activity window: re-deriving the deal tables from the landing',
    );
    const rebuilt = await rebuildDeals(deps, { runId: scope.runId });
    if (rebuilt.skipped.some((s) => s.payload === deps.landing.deals().display(landed))) throw error;
    const window = await dealsSql.windowOf(deps.warehouse, landed.manifest.asOf);
    return {
      status: window ? ('loaded' as const) : ('empty' as const),
      activities: Number(window?.activities ?? 0),
      participants: Number(window?.participants ?? 0),
      warnings: ['an older as-of date: the deal tables were re-derived from the landing'],
    };
  }
}

// ----- 2. the opportunity refresh -----

async function refreshStep(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
  deal: DealSettings,
  planned: PlannedActivity,
): Promise<DealsSummary['opportunities']> {
  const batchSize = Math.min(MAX_OPPORTUNITY_IDS, deal.batchSize);
  let requested = 0;
  let seen = 0;
  try {
    const since = windowStart(planned.asOf, deal.window, settings.fiscal).start;
    const ids = await dealsSql.opportunitiesSeen(
      deps.warehouse,
      localMidnightMs(since, deal.timezone),
      deal.maxOpportunities,
    );
    requested = ids.ids.length;
    seen = ids.total;
    if (ids.total > ids.ids.length)
      scope.warnings.push(
        `opportunities: ${ids.total} seen since ${since}, the ${ids.ids.length} most recently active refreshed (activity.maxOpportunities)`,
      );
    if (requested === 0) return { status: 'skipped', cached: false, requested, seen, returned: 0, calls: 0 };
    const fingerprint = refreshFingerprint(ids.ids, batchSize);
    const landing = deps.landing.deals();
    const cached = settings.noCache
      ? undefined
      : landing.findCached('opportunity', planned.period, planned.asOf, fingerprint, settings.cacheTtlMs);
    const calls = cached ? 0 : Math.ceil(requested / batchSize);
    const landed = cached ?? (await landRefresh(deps, scope, deal, planned, ids.ids, batchSize, fingerprint));
    const outcome = await loadOpportunities(deps, scope, landed, cached !== undefined);
    for (const w of outcome.warnings) scope.warnings.push(`opportunities: ${w}`);
    return { status: 'loaded', cached: cached !== undefined, requested, seen, returned: outcome.opportunities, calls };
  } catch (error) {
    const appError = toAppError(error);
    scope.log.warn({ code: appError.code }, `opportunity refresh failed: ${appError.message}`);
    scope.warnings.push(`opportunities: ${appError.message}`);
    return { ...failedStep(appError), requested, seen, returned: 0, calls: 0 };
  }
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
  ids: readonly string[],
  batchSize: number,
  fingerprint: string,
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

async function loadOpportunities(deps: PipelineDeps, scope: RunScope, landed: Landed, cached: boolean) {
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
    if (!isAppError(error) || error.code !== 'pipeline.out_of_order') throw error;
    const rebuilt = await rebuildDeals(deps, { runId: scope.runId });
    if (rebuilt.skipped.some((s) => s.payload === deps.landing.deals().display(landed))) throw error;
    return {
      opportunities:
        rebuilt.refreshes > 0 ? Number((await dealsSql.refreshCount(deps.warehouse, landed.manifest.asOf)) ?? 0) : 0,
      points: 0,
      warnings: ['an older as-of date: the deal tables were re-derived from the landing'],
    };
  }
}
