/**
 * The deal tables re-derived from the deals landing (`clari-dp rebuild`, and a window or refresh
 * older than the latest loaded one): clear them, then load every landed activity window in
 * business-date order (the newest payload of a date wins, as a same-day re-run does), then every
 * landed opportunity refresh likewise, in the caller's transaction. Payloads the checks reject are
 * skipped and reported, as they were when first loaded.
 */
import { type ActivityExportRequest, decodeActivityJson, decodeOpportunityBatches } from '../clari/index.js';
import { type Checkpoint, isAppError } from '../core/index.js';
import { dealsSql, type Warehouse } from '../warehouse/index.js';
import { loadActivityWindow, type ActivityLoadInput, loadRefresh, type RefreshLoadInput } from './deal-load.js';
import { requestWindow, windowInstants } from './deal-plan.js';
import type { Landed, Landing } from './landing.js';
import type { PipelineDeps } from './types.js';

/** A payload the re-derive left out: which, why, and the code of the check that rejected it. */
export interface SkippedPayload {
  readonly payload: string;
  readonly reason: string;
  readonly code: string;
}

export interface DealRebuildResult {
  readonly windows: number;
  readonly refreshes: number;
  readonly skipped: readonly SkippedPayload[];
}

type Deps = Pick<PipelineDeps, 'warehouse' | 'landing' | 'clock'>;

/** The activity load of a landed window (its dates and instants come from the request it answered). */
export function landedActivity(
  deps: Deps,
  landed: Landed,
  options: { runId: string; verify: boolean; checkpoint?: Checkpoint | undefined },
): ActivityLoadInput {
  const m = landed.manifest;
  const request = m.request as ActivityExportRequest;
  return {
    asOf: m.asOf,
    window: requestWindow(request),
    ...windowInstants(request),
    runId: options.runId,
    jobId: m.jobId,
    payloadSha256: m.sha256,
    exportedAt: m.job?.endTime ?? m.landedAt,
    now: deps.clock.now(),
    activities: decodeActivityJson(deps.landing.deals().read(landed, { verify: options.verify })),
    checkpoint: options.checkpoint,
  };
}

/** The load of a landed opportunity refresh. */
export function landedRefresh(
  deps: Deps,
  landed: Landed,
  options: { runId: string; verify: boolean; checkpoint?: Checkpoint | undefined },
): RefreshLoadInput {
  const m = landed.manifest;
  const request = m.request as { opportunities?: number; batchSize?: number };
  const requested = request.opportunities ?? 0;
  return {
    asOf: m.asOf,
    runId: options.runId,
    payloadSha256: m.sha256,
    now: deps.clock.now(),
    requested,
    calls: Math.ceil(requested / Math.max(1, request.batchSize ?? 100)),
    batches: decodeOpportunityBatches(deps.landing.deals().read(landed, { verify: options.verify })),
    checkpoint: options.checkpoint,
  };
}

/** The newest landed payload of each business date, of each kind, oldest date first (one walk of the landing). */
function newestByDate(landing: Landing): Record<'activity' | 'opportunity', Landed[]> {
  const byKind = { activity: new Map<string, Landed>(), opportunity: new Map<string, Landed>() };
  for (const l of landing.all()) {
    const kind = l.manifest.forecastId;
    if (kind === 'activity' || kind === 'opportunity') byKind[kind].set(l.manifest.asOf, l);
  }
  const oldestFirst = (m: Map<string, Landed>): Landed[] =>
    [...m.values()].sort((x, y) => x.manifest.asOf.localeCompare(y.manifest.asOf));
  return { activity: oldestFirst(byKind.activity), opportunity: oldestFirst(byKind.opportunity) };
}

/** Clears the deal tables and loads every landed window and refresh again, in `tx`. */
export async function replayDeals(tx: Warehouse, deps: Deps, options: { runId: string }): Promise<DealRebuildResult> {
  const landing = deps.landing.deals();
  const skipped: SkippedPayload[] = [];
  const wh = { ...deps, warehouse: tx };
  const replay = async (payloads: readonly Landed[], load: (landed: Landed) => Promise<unknown>): Promise<number> => {
    let loaded = 0;
    for (const landed of payloads) if (await skipOnData(landing, landed, skipped, () => load(landed))) loaded++;
    return loaded;
  };
  await dealsSql.clearDeals(tx);
  const newest = newestByDate(landing);
  const windows = await replay(newest.activity, (landed) =>
    loadActivityWindow(tx, landedActivity(wh, landed, { ...options, verify: true })),
  );
  const refreshes = await replay(newest.opportunity, (landed) =>
    loadRefresh(tx, landedRefresh(wh, landed, { ...options, verify: true })),
  );
  return { windows, refreshes, skipped };
}

/** Runs one load; a payload rejected before anything was applied (a `data` error) is skipped and reported. */
async function skipOnData(
  landing: Landing,
  landed: Landed,
  skipped: SkippedPayload[],
  load: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await load();
    return true;
  } catch (error) {
    if (!isAppError(error) || error.kind !== 'data') throw error;
    skipped.push({ payload: landing.display(landed), reason: error.message, code: error.code });
    return false;
  }
}

/** Re-derives the deal tables in their own transaction. */
export function rebuildDeals(deps: Deps, options: { runId: string }): Promise<DealRebuildResult> {
  return deps.warehouse.transaction((tx) => replayDeals(tx, deps, options));
}
