/**
 * Loads one activity window, or one opportunity refresh, inside the caller's transaction: stream the
 * decoded payload into staging tables, check it, apply it with set-based SQL (warehouse/sql/deals.ts),
 * and before commit read back what the warehouse now holds: rows, child rows, array elements and
 * amounts must equal what the payload said, or nothing commits. Like a snapshot, a window or a
 * refresh loaded again for the same business date replaces the earlier load, and one older than the
 * latest loaded is re-derived from the landing instead (deal-rebuild.ts).
 */
import {
  type ActivityDocumentSummary,
  opportunityRecord,
  type WireActivity,
  type WireOpportunity,
} from '../clari/index.js';
import type { Checkpoint } from '../core/index.js';
import { dealsSql, type Stager, type Warehouse } from '../warehouse/index.js';
import type { DateWindow } from './deal-plan.js';
import {
  activityColumns,
  type ActivityStats,
  emptyActivityStats,
  emptyRefreshStats,
  opportunityColumns,
  type RefreshStats,
} from './deal-transform.js';
import { LoadError } from './load.js';
import { centsToDecimal, decimalToCents } from './transform.js';

export interface ActivityLoadInput {
  readonly asOf: string;
  readonly window: DateWindow;
  /** The window's instants, epoch ms: activities of these dates not in the payload are replaced. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly runId: string;
  readonly jobId: string | null;
  readonly payloadSha256: string | null;
  /** When Clari produced the export (job end), epoch ms. */
  readonly exportedAt: number;
  readonly now: number;
  readonly activities: AsyncGenerator<WireActivity[], ActivityDocumentSummary>;
  readonly checkpoint?: Checkpoint | undefined;
}

export interface ActivityLoadOutcome {
  /** `empty`: the payload listed nothing; nothing was written and the window will be exported again. */
  readonly status: 'loaded' | 'empty';
  /** This very payload was already loaded for the date: nothing was rewritten. */
  readonly unchanged?: boolean | undefined;
  readonly activities: number;
  readonly participants: number;
  readonly warnings: readonly string[];
}

const subject = (w: DateWindow): string => `activity window ${w.from} to ${w.to}`;

/** Loads an activity window; call inside `wh.transaction`. */
export async function loadActivityWindow(wh: Warehouse, input: ActivityLoadInput): Promise<ActivityLoadOutcome> {
  const latest = await dealsSql.latestWindow(wh);
  if (latest !== null && latest > input.asOf)
    throw new LoadError(
      `The ${subject(input.window)} (as of ${input.asOf}) is older than the latest loaded one (${latest})`,
      'pipeline.out_of_order',
      'Older windows are loaded by re-deriving the deal tables from the landing (`clari-dp rebuild`).',
    );
  if (latest === input.asOf && input.payloadSha256) {
    const loaded = await dealsSql.windowOf(wh, input.asOf);
    if (loaded?.payload_sha256 === input.payloadSha256 && Number(loaded.carried) === Number(loaded.activities))
      return {
        status: Number(loaded.activities) === 0 ? 'empty' : 'loaded',
        unchanged: true,
        activities: Number(loaded.activities),
        participants: Number(loaded.participants ?? 0),
        warnings: [],
      };
  }
  const { stats, summary, drop } = await stageActivities(wh, input.activities);
  const warnings =
    summary.drift.length > 0 ? [`activity export carries unknown fields: ${summary.drift.join(', ')}`] : [];
  if (stats.activities === 0) {
    if (wh.dialect.transactionalDdl) await drop();
    const kept = await dealsSql.activitiesBetween(wh, input.fromMs, input.toMs);
    warnings.push(
      `Clari returned no activities for ${input.window.from} to ${input.window.to}${kept > 0 ? `, where ${kept} are loaded; they are kept` : ''}; the window is exported again by the next run`,
    );
    return { status: 'empty', activities: 0, participants: 0, warnings };
  }
  const repeats = await dealsSql.stagedActivityRepeats(wh);
  if (repeats > 0)
    throw new LoadError(
      `The ${subject(input.window)} lists ${repeats} activities more than once`,
      'data.duplicate_activity',
      'The payload is ambiguous and was not loaded; it is kept in the landing for inspection.',
    );
  if (latest === input.asOf) await dealsSql.undoWindow(wh, input.asOf);
  const row: dealsSql.WindowRow = {
    asOf: input.asOf,
    from: input.window.from,
    to: input.window.to,
    fromMs: input.fromMs,
    toMs: input.toMs,
    jobId: input.jobId,
    payloadSha256: input.payloadSha256,
    activities: stats.activities,
    participants: stats.participants,
    runId: input.runId,
    exportedAt: input.exportedAt,
    loadedAt: input.now,
  };
  await dealsSql.replaceActivities(wh, row);
  await dealsSql.insertWindow(wh, row);
  await reconcileActivities(wh, input.window, stats);
  await input.checkpoint?.('activity.applied');
  if (wh.dialect.transactionalDdl) await drop();
  return { status: 'loaded', activities: stats.activities, participants: stats.participants, warnings };
}

/** Streams the activities into their stage (created, like every stage, before any write: see load.ts). */
async function stageActivities(
  wh: Warehouse,
  source: AsyncGenerator<WireActivity[], ActivityDocumentSummary>,
): Promise<{ stats: ActivityStats; summary: ActivityDocumentSummary; drop: () => Promise<void> }> {
  const stager = await wh.openStage(dealsSql.ACTIVITY_STAGE);
  const stats = emptyActivityStats();
  const summary = await closing(stager, async () => {
    for (;;) {
      const next = await source.next();
      if (next.done) return next.value;
      await stager.append(activityColumns(next.value, stats));
    }
  });
  return { stats, summary, drop: () => stager.drop() };
}

async function closing<T>(stager: Stager, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await stager.close();
  }
}

async function reconcileActivities(wh: Warehouse, window: DateWindow, stats: ActivityStats): Promise<void> {
  const loaded = await dealsSql.activityReadBack(wh);
  const expected = {
    activities: stats.activities,
    same: stats.activities,
    participants: stats.participants,
    accountLinks: stats.accountLinks,
    opportunityLinks: stats.opportunityLinks,
    accountIds: stats.accountLinks,
    opportunityIds: stats.opportunityLinks,
  };
  const off = (Object.keys(expected) as (keyof typeof expected)[]).filter((k) => loaded[k] !== expected[k]);
  if (off.length > 0)
    throw new LoadError(
      `Reconciliation failed for the ${subject(window)}: ${off.map((k) => `${k} payload ${expected[k]}, loaded ${loaded[k]}`).join('; ')}; nothing was committed`,
      'data.reconciliation',
      'This points at a bug or a concurrent writer; the payload is kept in the landing. Run again, and report it if it persists.',
    );
}

export interface RefreshLoadInput {
  readonly asOf: string;
  readonly runId: string;
  readonly payloadSha256: string | null;
  readonly now: number;
  /** Ids asked for, and GET /opportunity calls made. */
  readonly requested: number;
  readonly calls: number;
  readonly batches: AsyncGenerator<WireOpportunity[], unknown>;
  readonly checkpoint?: Checkpoint | undefined;
}

export interface RefreshLoadOutcome {
  readonly opportunities: number;
  readonly points: number;
  readonly warnings: readonly string[];
}

/** Loads one refresh of opportunities (versions, trend points, ledger row); call inside `wh.transaction`. */
export async function loadRefresh(wh: Warehouse, input: RefreshLoadInput): Promise<RefreshLoadOutcome> {
  const latest = await dealsSql.latestRefresh(wh);
  if (latest !== null && latest > input.asOf)
    throw new LoadError(
      `The opportunity refresh as of ${input.asOf} is older than the latest loaded one (${latest})`,
      'pipeline.out_of_order',
      'Older refreshes are loaded by re-deriving the deal tables from the landing (`clari-dp rebuild`).',
    );
  const { stats, drop } = await stageRefresh(wh, input.batches);
  const repeats = await dealsSql.stagedOpportunityRepeats(wh);
  if (repeats > 0)
    throw new LoadError(
      `The opportunity refresh as of ${input.asOf} returned ${repeats} opportunities more than once`,
      'data.duplicate_opportunity',
      'The refresh is ambiguous and was not loaded; it is kept in the landing for inspection.',
    );
  if (latest === input.asOf) await dealsSql.undoRefresh(wh, input.asOf);
  await dealsSql.applyOpportunityVersions(wh, input.asOf, input.runId);
  await dealsSql.insertTrendPoints(wh, input.asOf, input.runId);
  await dealsSql.insertRefresh(wh, {
    asOf: input.asOf,
    requested: input.requested,
    opportunities: stats.opportunities,
    calls: input.calls,
    payloadSha256: input.payloadSha256,
    amountSum: centsToDecimal(stats.amountCents),
    runId: input.runId,
    loadedAt: input.now,
  });
  const points = await reconcileRefresh(wh, input.asOf, stats);
  await input.checkpoint?.('opportunity.applied');
  if (wh.dialect.transactionalDdl) await drop();
  const warnings: string[] = [];
  if (stats.badDates > 0) warnings.push(`${stats.badDates} trend point(s) without a readable date were skipped`);
  if (input.requested > stats.opportunities)
    warnings.push(`Clari returned ${stats.opportunities} of the ${input.requested} opportunities asked for`);
  return { opportunities: stats.opportunities, points, warnings };
}

async function stageRefresh(
  wh: Warehouse,
  batches: AsyncGenerator<WireOpportunity[], unknown>,
): Promise<{ stats: RefreshStats; drop: () => Promise<void> }> {
  const stager = await wh.openStage(dealsSql.OPPORTUNITY_STAGE);
  const stats = emptyRefreshStats();
  await closing(stager, async () => {
    for await (const batch of batches) await stager.append(opportunityColumns(batch.map(opportunityRecord), stats));
  });
  return { stats, drop: () => stager.drop() };
}

/** The refreshed opportunities' versions on the date equal the payload, amounts to the cent; returns distinct trend points. */
async function reconcileRefresh(wh: Warehouse, asOf: string, stats: RefreshStats): Promise<number> {
  const loaded = await dealsSql.opportunityReadBack(wh, asOf);
  const amount = decimalToCents(loaded.amount);
  const problems = [
    loaded.versions !== stats.opportunities && `versions payload ${stats.opportunities}, loaded ${loaded.versions}`,
    loaded.same !== loaded.versions && `${loaded.versions - loaded.same} version(s) differ from the payload`,
    amount !== stats.amountCents &&
      `amount payload ${centsToDecimal(stats.amountCents)}, loaded ${centsToDecimal(amount)}`,
    loaded.pointsKept !== loaded.points && `trend points payload ${loaded.points}, kept ${loaded.pointsKept}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0)
    throw new LoadError(
      `Reconciliation failed for the opportunity refresh as of ${asOf}: ${problems.join('; ')}; nothing was committed`,
      'data.reconciliation',
      'This points at a bug or a concurrent writer; the refresh is kept in the landing. Run again, and report it if it persists.',
    );
  return loaded.points;
}
