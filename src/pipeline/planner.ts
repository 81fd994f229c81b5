/**
 * Where each planned export's payload comes from, decided once for the real run and for
 * `run --dry-run` (which prints it): a payload an interrupted run landed but never loaded, a cache
 * hit within the TTL, a job an earlier run created (resumed, no quota), or a new export (one unit
 * of monthly quota). Reads the landing and the pending jobs; changes nothing.
 */
import { JobState } from './job-state.js';
import type { Landed, Landing } from './landing.js';
import type { PlannedRefresh } from './deal-plan.js';
import type { PlannedExport } from './plan.js';

export type ExportSource = 'landed' | 'cache' | 'resume' | 'new';

export interface ExportDecision {
  readonly task: PlannedExport;
  readonly source: ExportSource;
  /** The payload to load, for `landed` and `cache`. */
  readonly landed?: Landed | undefined;
  /** For `resume`: the job to poll; undefined when the earlier POST's answer was lost (looked up in Clari's list). */
  readonly resumeJobId?: string | undefined;
  /** For `resume` without a job id: when that POST was sent (our clock). */
  readonly postedSince?: number | undefined;
  /** Export quota spent: 1 for a new export, else 0. */
  readonly quotaCost: 0 | 1;
}

export interface PlannerOptions {
  readonly noCache: boolean;
  readonly cacheTtlMs: number;
}

/** What the planner needs to know of an export: where it lands and its request identity. */
export interface SourceTask {
  readonly forecastId: string;
  readonly period: string;
  readonly asOf: string;
  readonly fingerprint: string;
}

export type SourceDecision = Omit<ExportDecision, 'task'>;

/** Where one export's payload comes from (forecast exports and the activity export alike). */
export function decideSource(
  state: { readonly landing: Landing; readonly jobs: JobState },
  task: SourceTask,
  options: PlannerOptions,
): SourceDecision {
  const pending = state.jobs.get(JobState.keyOf(task));
  const unloaded = pending?.landedPath ? state.landing.byPath(pending.landedPath) : undefined;
  if (unloaded) return { source: 'landed', landed: unloaded, quotaCost: 0 };
  const cached = options.noCache
    ? undefined
    : state.landing.findCached(task.forecastId, task.period, task.asOf, task.fingerprint, options.cacheTtlMs);
  if (cached) return { source: 'cache', landed: cached, quotaCost: 0 };
  if (pending)
    return {
      source: 'resume',
      resumeJobId: pending.jobId,
      postedSince: pending.jobId ? undefined : pending.postedAt,
      quotaCost: 0,
    };
  return { source: 'new', quotaCost: 1 };
}

export function planRun(
  state: { readonly landing: Landing; readonly jobs: JobState },
  planned: readonly PlannedExport[],
  options: PlannerOptions,
): ExportDecision[] {
  return planned.map((task) => ({ task, ...decideSource(state, task, options) }));
}

/** Export quota the decisions spend. */
export function quotaCost(decisions: readonly Pick<ExportDecision, 'quotaCost'>[]): number {
  return decisions.reduce((n, d) => n + d.quotaCost, 0);
}

/**
 * The deals stage's cost: its activity export (one unit of export quota unless the landing or a
 * pending job serves it) and its GET /opportunity calls (no export quota; one per `batchSize` ids,
 * none when a refresh of the same ids is landed within the cache TTL).
 */
export interface DealsDecision {
  readonly activity: SourceDecision;
  readonly opportunityCalls: number;
  readonly opportunitiesCached: boolean;
}

export function planDeals(
  state: { readonly landing: Landing; readonly jobs: JobState },
  activity: SourceTask,
  refresh: Pick<PlannedRefresh, 'fingerprint' | 'ids' | 'batchSize'>,
  options: PlannerOptions,
): DealsDecision {
  const { cached, calls } = decideRefresh(state.landing, activity, refresh, options);
  return {
    activity: decideSource(state, activity, options),
    opportunityCalls: calls,
    opportunitiesCached: cached !== undefined,
  };
}

/**
 * Where a refresh's answers come from (the deals landing): a refresh of the same ids landed for the
 * date within the cache TTL, or a GET /opportunity call per `batchSize` ids.
 */
export function decideRefresh(
  landing: Landing,
  activity: Pick<SourceTask, 'period' | 'asOf'>,
  refresh: Pick<PlannedRefresh, 'fingerprint' | 'ids' | 'batchSize'>,
  options: PlannerOptions,
): { readonly cached: Landed | undefined; readonly calls: number } {
  const cached = options.noCache
    ? undefined
    : landing.findCached('opportunity', activity.period, activity.asOf, refresh.fingerprint, options.cacheTtlMs);
  return { cached, calls: cached ? 0 : Math.ceil(refresh.ids.length / Math.max(1, refresh.batchSize)) };
}
