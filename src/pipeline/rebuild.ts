/**
 * Re-derives warehouse tables from the raw landing (`clari-dp rebuild`, and loading a snapshot older
 * than the latest one of its period): deletes the derived rows, then loads every landed snapshot in
 * business-date order (the newest payload of a date wins, as a same-day re-run does), all in one
 * transaction; `rebuildAll` then re-derives the deal tables from the deals landing (deal-rebuild.ts)
 * in the same transaction. Payloads the checks reject are skipped and reported, as they were when
 * first loaded.
 */
import { decodeResults, type FingerprintSet } from '../clari/index.js';
import { isAppError } from '../core/index.js';
import { maintenanceSql } from '../warehouse/index.js';
import { type DealRebuildResult, replayDeals } from './deal-rebuild.js';
import type { Landed } from './landing.js';
import { loadSnapshot, type LoadOutcome } from './load.js';
import type { PipelineDeps } from './types.js';

export interface RebuildResult {
  readonly snapshots: number;
  readonly skipped: readonly { readonly snapshot: string; readonly reason: string }[];
  /** Outcomes by snapshot key (`asOf|forecast|period`). */
  readonly outcomes: ReadonlyMap<string, LoadOutcome>;
  /** The deal tables, re-derived by rebuildAll from the deals landing. */
  readonly deals?: DealRebuildResult | undefined;
}

export interface RebuildOptions {
  readonly runId: string;
  readonly allowTruncated: boolean;
}

/** Orders snapshots by business date first. */
export function snapshotKey(forecastId: string, period: string, asOf: string): string {
  return `${asOf}|${forecastId}|${period}`;
}

export function rebuildPeriod(
  deps: Pick<PipelineDeps, 'warehouse' | 'landing' | 'clock'>,
  forecastId: string,
  period: string,
  options: RebuildOptions,
): Promise<RebuildResult> {
  const landed = deps.landing.all().filter((l) => l.manifest.forecastId === forecastId && l.manifest.period === period);
  return replay(deps, landed, options, (tx) => maintenanceSql.clearPeriod(tx, forecastId, period));
}

/** Every table from the landing: the forecast tables, then the deal tables, in one transaction. */
export function rebuildAll(
  deps: Pick<PipelineDeps, 'warehouse' | 'landing' | 'clock'>,
  options: RebuildOptions,
): Promise<RebuildResult> {
  return replay(
    deps,
    deps.landing.all(),
    options,
    (tx) => maintenanceSql.clearDerived(tx),
    (tx) => replayDeals(tx, deps, options),
  );
}

async function replay(
  deps: Pick<PipelineDeps, 'warehouse' | 'landing' | 'clock'>,
  landed: readonly Landed[],
  options: RebuildOptions,
  clear: (tx: PipelineDeps['warehouse']) => Promise<void>,
  then?: (tx: PipelineDeps['warehouse']) => Promise<DealRebuildResult>,
): Promise<RebuildResult> {
  // One payload per snapshot: the newest landed for that date.
  const bySnapshot = new Map<string, Landed>();
  for (const l of landed) bySnapshot.set(snapshotKey(l.manifest.forecastId, l.manifest.period, l.manifest.asOf), l);
  const ordered = [...bySnapshot.entries()].sort(([a], [b]) => a.localeCompare(b));
  const skipped: { snapshot: string; reason: string }[] = [];
  const outcomes = new Map<string, LoadOutcome>();
  let deals: DealRebuildResult | undefined;
  await deps.warehouse.transaction(async (tx) => {
    await clear(tx);
    for (const [snapshot, l] of ordered) {
      const m = l.manifest;
      const decode = (known?: FingerprintSet): ReturnType<typeof decodeResults> =>
        decodeResults(
          { format: m.format, body: deps.landing.read(l, { verify: true }), status: 200, headers: new Headers() },
          { requestedPeriod: m.period, currencyCode: m.job?.currency ?? undefined, known },
        );
      try {
        const outcome = await loadSnapshot(tx, {
          snapshot: { forecastId: m.forecastId, period: m.period, asOf: m.asOf },
          runId: options.runId,
          jobId: m.jobId,
          payloadSha256: m.sha256,
          exportedAt: m.job?.endTime ?? m.landedAt,
          now: deps.clock.now(),
          job: m.job,
          allowTruncated: options.allowTruncated,
          parts: decode(),
          // Replayed in date order, each snapshot after the first skips what its predecessor holds.
          partsSkipping: m.format === 'JSON' ? decode : undefined,
        });
        outcomes.set(snapshot, outcome);
      } catch (error) {
        // Rejected before anything was applied: the transaction is intact, skip this payload.
        if (isAppError(error) && error.kind === 'data') skipped.push({ snapshot, reason: error.message });
        else throw error;
      }
    }
    deals = await then?.(tx);
  });
  return { snapshots: outcomes.size, skipped, outcomes, deals };
}
