/**
 * Where each planned export's payload comes from, decided once for the real run and for
 * `run --dry-run` (which prints it): a payload an interrupted run landed but never loaded, a cache
 * hit within the TTL, a job an earlier run created (resumed, no quota), or a new export (one unit
 * of monthly quota). Reads the landing and the pending jobs; changes nothing.
 */
import { JobState } from './job-state.js';
import type { Landed, Landing } from './landing.js';
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

export function planRun(
  state: { readonly landing: Landing; readonly jobs: JobState },
  planned: readonly PlannedExport[],
  options: PlannerOptions,
): ExportDecision[] {
  return planned.map((task) => {
    const pending = state.jobs.get(JobState.key(task.fingerprint, task.asOf));
    const unloaded = pending?.landedPath ? state.landing.byPath(pending.landedPath) : undefined;
    if (unloaded) return { task, source: 'landed', landed: unloaded, quotaCost: 0 };
    const cached = options.noCache
      ? undefined
      : state.landing.findCached(task.forecastId, task.period, task.asOf, task.fingerprint, options.cacheTtlMs);
    if (cached) return { task, source: 'cache', landed: cached, quotaCost: 0 };
    if (pending)
      return {
        task,
        source: 'resume',
        resumeJobId: pending.jobId,
        postedSince: pending.jobId ? undefined : pending.postedAt,
        quotaCost: 0,
      };
    return { task, source: 'new', quotaCost: 1 };
  });
}

/** Export quota the decisions spend. */
export function quotaCost(decisions: readonly ExportDecision[]): number {
  return decisions.reduce((n, d) => n + d.quotaCost, 0);
}
