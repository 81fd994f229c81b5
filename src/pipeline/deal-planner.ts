/**
 * The deals stage's plan, read from the warehouse's window ledger and the opportunities its
 * activities name (deal-plan.ts computes it): for the run itself, and without running anything for
 * `run --dry-run`, through the shared planner (planner.ts) like the forecast exports: where the
 * activity payload would come from, its quota, and the GET /opportunity calls of the refresh.
 */
import { dealsSql, type Warehouse } from '../warehouse/index.js';
import {
  activityWindow,
  type DealSettings,
  localMidnightMs,
  planActivity,
  type PlannedActivity,
  type PlannedRefresh,
  planRefresh,
  windowStart,
} from './deal-plan.js';
import type { JobState } from './job-state.js';
import type { Landing } from './landing.js';
import { type DealsDecision, planDeals } from './planner.js';
import { messageOf } from './run-record.js';
import type { PipelineDeps, RunSettings } from './types.js';

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

/** The refresh this run makes: the opportunities the loaded activities name since the window's start. */
export async function planRefreshOf(
  wh: Warehouse,
  asOf: string,
  deal: DealSettings,
  settings: Pick<RunSettings, 'fiscal'>,
): Promise<PlannedRefresh> {
  const since = windowStart(asOf, deal.window, settings.fiscal).start;
  const seen = await dealsSql.opportunitiesSeen(wh, localMidnightMs(since, deal.timezone), deal.maxOpportunities);
  return planRefresh(since, seen, deal);
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
  const seen = await read((wh) => planRefreshOf(wh, asOf, deal, settings));
  const refresh = seen ?? planRefresh(windowStart(asOf, deal.window, settings.fiscal).start, NONE_SEEN, deal);
  const decision = planDeals({ landing: state.landing.deals(), jobs: state.jobs }, planned, refresh, settings);
  return {
    planned,
    decision,
    opportunities: seen ? { requested: seen.ids.length, seen: seen.seen } : undefined,
    note:
      note ??
      (state.warehouse
        ? undefined
        : 'the warehouse could not be opened read-only (not created yet?): the window is the whole configured one'),
  };
}

/** No opportunity seen (the warehouse could not be read): the dry run plans no call. */
const NONE_SEEN = { ids: [], total: 0 } as const;
