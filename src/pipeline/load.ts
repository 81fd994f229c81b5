/**
 * Loads one snapshot (forecast, period, as-of date) inside the caller's transaction: stream the
 * decoded payload into staging tables through the engine's bulk path, check it, then apply it with
 * set-based SQL: entry versions (SCD2, closing values that changed or disappeared), user versions,
 * dimensions, the daily clari_forecasts rows, the changes against the previous snapshot and the
 * ledger row. A snapshot loaded again for the same date replaces the earlier load. Before commit,
 * rows and exact sums read back from the warehouse must equal those counted from the payload.
 *
 * A load after the latest snapshot of its period skips what did not change (load-skip.ts): the
 * fingerprints of the current versions are read from the warehouse (so they can never claim what
 * it does not hold), entries whose bytes hash to one of them are not decoded, and only the others
 * are staged and diffed. Whenever that cannot be proven safe the payload is read again in full.
 */
import {
  checkFailure,
  checkResult,
  type DocumentPart,
  FingerprintConflict,
  type DocumentSummary,
  type ExportJob,
  type FingerprintSet,
  type WireField,
  type WireTimeFrame,
  type WireTimePeriod,
  type WireUser,
} from '../clari/index.js';
import { AppError, type Checkpoint, collectGarbage } from '../core/index.js';
import { type Skipped, stageSkipping } from './load-skip.js';
import {
  ENTRY_STAGE,
  FIELD_STAGE,
  FRAME_STAGE,
  changesSql,
  loadSql,
  type MatchedField,
  MONEY_COLUMNS,
  type MoneyColumn,
  type SnapshotRef,
  type Stager,
  USER_STAGE,
  type Warehouse,
} from '../warehouse/index.js';
import {
  centsToDecimal,
  decimalToCents,
  emptyStats,
  entryColumns,
  fieldColumns,
  frameColumns,
  type PayloadStats,
  userColumns,
} from './transform.js';

export type { SnapshotRef };

/** Entries decoded in one payload past which their garbage is collected before the SQL (core/heap.ts). */
const LARGE_DECODE = 100_000;

export interface LoadInput {
  readonly snapshot: SnapshotRef;
  readonly runId: string;
  readonly jobId: string | undefined;
  readonly payloadSha256: string | undefined;
  /** When Clari produced the export (job end), epoch ms. */
  readonly exportedAt: number;
  readonly now: number;
  readonly job?: ExportJob | undefined;
  readonly allowTruncated: boolean;
  readonly parts: AsyncGenerator<DocumentPart, DocumentSummary>;
  /**
   * The same payload decoded skipping the entries whose fingerprint is `known` (JSON exports):
   * given, a load after the latest snapshot stages only what changed (load-skip.ts).
   */
  readonly partsSkipping?: ((known: FingerprintSet) => AsyncGenerator<DocumentPart, DocumentSummary>) | undefined;
  /** Crash-test hook at named points inside the transaction (core/checkpoint.ts). */
  readonly checkpoint?: Checkpoint | undefined;
}

export interface Reconciliation {
  readonly payloadRows: number;
  readonly loadedRows: number;
  /** Sum of forecast values, as decimal strings. */
  readonly payloadSum: string;
  readonly loadedSum: string;
  readonly ok: boolean;
}

export interface LoadOutcome {
  readonly status: 'loaded' | 'empty';
  readonly rows: number;
  readonly users: number;
  readonly changes: number;
  readonly warnings: readonly string[];
  readonly reconciliation: Reconciliation;
  readonly previousSnapshot: string | undefined;
  /** The same payload was already loaded for this snapshot: nothing was read or written. */
  readonly unchanged?: boolean;
  /** How the payload was read: entries skipped by fingerprint, batches by the JSON fast path. */
  readonly counters?: LoadCounters | undefined;
}

export interface LoadCounters {
  /** Entries decoded and staged. */
  readonly parsed: number;
  /** Entries skipped: their bytes are those of a current version. */
  readonly skipped: number;
  /** JSON batches cut by the fast path (a guessed `},{`) and by the byte scan. */
  readonly fastBatches: number;
  readonly slowBatches: number;
  /** Why a skipping load read the payload again in full, if it did. */
  readonly fullReadReason?: string | undefined;
}

/**
 * `data` errors are found before anything is applied (the transaction stays usable and the payload
 * is rejected); anything else means the transaction must be abandoned.
 */
export class LoadError extends AppError {
  constructor(message: string, code: string, hint?: string) {
    super(message, {
      code,
      kind: code === 'pipeline.out_of_order' || code === 'data.reconciliation' ? 'internal' : 'data',
      hint,
    });
  }
}

/** Loads a snapshot; call inside `wh.transaction`. */
export async function loadSnapshot(wh: Warehouse, input: LoadInput): Promise<LoadOutcome> {
  const { forecastId, period, asOf } = input.snapshot;
  const latestDate = await loadSql.latestSnapshotDate(wh, forecastId, period);
  if (latestDate !== null && latestDate > asOf) {
    throw new LoadError(
      `Snapshot ${subjectOf(input.snapshot)} is older than the latest loaded one (${latestDate})`,
      'pipeline.out_of_order',
      'Older snapshots are loaded by re-deriving the period from the landing (`clari-dp rebuild`).',
    );
  }
  // The same payload loaded again (a cache hit re-run, a retried run): the snapshot already holds
  // exactly this payload, so confirm it is intact and touch nothing.
  if (latestDate === asOf && input.payloadSha256) {
    const same = await alreadyLoaded(wh, input.snapshot, input.payloadSha256);
    if (same) return same;
  }
  // Skipping needs the current versions to be the previous snapshot's: a later date only.
  const skipping = input.partsSkipping && latestDate !== null && latestDate < asOf;
  const staged: Staged = skipping
    ? await stageSkipping(wh, input, (parts, skip) => stagePayload(wh, parts, period, { skipping: skip }))
    : await stagePayload(wh, input.parts, period);
  if (staged.matched) await addMatched(wh, staged, staged.matched);
  // Decoding a large payload leaves its garbage on the heap while the SQL grows DuckDB's buffers.
  if (staged.stats.rows >= LARGE_DECODE) collectGarbage();
  await input.checkpoint?.('load.staged');
  const { warnings, previousSnapshot } = await checkStaged(wh, input, staged);
  if (latestDate === asOf) await loadSql.undoSnapshot(wh, input.snapshot);
  const changes = await applySnapshot(wh, input, staged, previousSnapshot);
  const reconciliation = await reconcile(wh, input.snapshot, staged);
  // Staging data is not needed any more: an embedded engine gets its memory back now. Where DDL
  // would commit the open transaction (Snowflake, BigQuery) the session's temporary tables stay
  // until the next load replaces them or the session ends.
  if (wh.dialect.transactionalDdl) await staged.drop();
  const scan = staged.summary.scan;
  return {
    status: staged.total === 0 ? 'empty' : 'loaded',
    rows: reconciliation.loadedRows,
    users: staged.users,
    changes,
    warnings,
    reconciliation,
    previousSnapshot,
    counters: {
      parsed: staged.stats.rows,
      skipped: scan?.skipped ?? 0,
      fastBatches: scan?.fastBatches ?? 0,
      slowBatches: scan?.slowBatches ?? 0,
      fullReadReason: staged.fullReadReason,
    },
  };
}

const subjectOf = (s: SnapshotRef): string => `${s.forecastId} ${s.period} as of ${s.asOf}`;

/**
 * The payload's checks (period, truncation, emptiness) before anything is applied: a rejection
 * leaves the transaction usable. An export empty where the previous snapshot had rows keeps the
 * previous data.
 */
async function checkStaged(
  wh: Warehouse,
  input: LoadInput,
  staged: Staged,
): Promise<{ warnings: string[]; previousSnapshot: string | undefined }> {
  const subject = subjectOf(input.snapshot);
  const { summary } = staged;
  const checks = checkResult({
    requestedPeriod: input.snapshot.period,
    job: input.job,
    timePeriods: staged.periods,
    // Skipped entries carry the period: their bytes are those of entries loaded for it.
    entryPeriods: staged.total > 0 ? new Set([input.snapshot.period]) : new Set(),
    summary,
    allowTruncated: input.allowTruncated,
  });
  const failure = checkFailure(checks, subject);
  if (failure) throw failure;
  const warnings = checks.filter((c) => c.severity === 'warning' && c.code !== 'empty').map((c) => c.message);
  const previous = await loadSql.previousSnapshot(wh, input.snapshot);
  if (staged.total === 0 && previous && Number(previous.entries) > 0) {
    throw new LoadError(
      `Export ${subject} is empty, but the previous snapshot (${previous.snapshot_date}) had ${previous.entries} entries; the previous data is kept`,
      'data.empty_export',
      'Clari returned no rows (a permissions change, an opt-out, or an outage on their side). Check the forecast in Clari; the next run retries.',
    );
  }
  return { warnings, previousSnapshot: previous?.snapshot_date };
}

/** Entry and user versions, dimensions, the daily rows, the changes and the ledger row; returns the changes. */
async function applySnapshot(
  wh: Warehouse,
  input: LoadInput,
  staged: Staged,
  previousSnapshot: string | undefined,
): Promise<number> {
  const { snapshot, runId } = input;
  const { forecastId, period } = snapshot;
  // After a skipping load the stage holds only what changed; the current versions hold the rest.
  const skipped = staged.matched !== undefined;
  if (!(await loadSql.hasCurrentVersions(wh, forecastId, period)))
    await loadSql.insertFirstVersions(wh, staged.entries, snapshot, runId);
  else await loadSql.applyVersionChanges(wh, staged.entries, snapshot, runId, skipped);
  await loadSql.applyUsers(wh, snapshot.asOf);
  await loadSql.applyDimensions(wh, forecastId, period, snapshot.asOf, periodInfo(staged, snapshot));
  const latestFrame = staged.stats.latestFrame ?? '';
  await loadSql.insertDailyForecasts(
    wh,
    staged.entries,
    snapshot,
    { exportedAt: input.exportedAt, runId, latestFrame },
    skipped,
  );
  await input.checkpoint?.('detect.start');
  const changes = previousSnapshot
    ? await changesSql.detectChanges(wh, { ...snapshot, previous: previousSnapshot, runId, detectedAt: input.now })
    : 0;
  await loadSql.insertSnapshotLedger(wh, snapshot, {
    runId,
    jobId: input.jobId,
    payloadSha256: input.payloadSha256,
    loadedAt: input.now,
    entries: staged.total,
    users: staged.users,
    latestFrame: latestFrame || null,
  });
  return changes;
}

function periodInfo(staged: Staged, snapshot: SnapshotRef): loadSql.PeriodInfo | undefined {
  const info = staged.periods.find((p) => p.timePeriodId === snapshot.period);
  if (!info) return undefined;
  const date = (d: string | null | undefined): string | null => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null);
  return {
    startDate: date(info.startDate),
    endDate: date(info.endDate),
    label: info.label ?? null,
    year: info.year ?? null,
  };
}

/**
 * A staged payload. After a skipping load (load-skip.ts), `matched` holds what the current
 * versions the skipped entries stand for hold, by field; addMatched adds it to the payload stats.
 */
type Staged = Skipped<StagedPayload>;

/**
 * The skipped entries' figures are those of the versions they matched: added to the staged
 * entries' (sums, per-field value counts, latest week), they are the payload's, and the field
 * stage is built again from them as a full read would build it.
 */
async function addMatched(wh: Warehouse, staged: Staged, matched: readonly MatchedField[]): Promise<void> {
  const { stats } = staged;
  for (const f of matched) {
    const field = stats.fieldValues.get(f.field_id) ?? { quota: 0, forecast: 0 };
    field.quota += Number(f.quotas);
    field.forecast += Number(f.forecasts);
    stats.fieldValues.set(f.field_id, field);
    if (f.latest !== null && (stats.latestFrame === undefined || f.latest > stats.latestFrame))
      stats.latestFrame = f.latest;
    for (const c of MONEY_COLUMNS) stats.sums[c] += decimalToCents(f[c]);
    staged.matchedRows += Number(f.n);
  }
  const fields = await wh.openStage(FIELD_STAGE);
  await fields.append(fieldColumns(staged.fields, stats));
  await fields.close();
}

interface StagedPayload {
  /** The payload's figures; after a skipping load, with the matched versions' added (addMatched). */
  readonly stats: PayloadStats;
  /** Entries in the payload: staged (stats.rows, before merging) plus skipped by fingerprint. */
  readonly total: number;
  /** Versions skipped entries stand for (addMatched). */
  matchedRows: number;
  readonly fields: WireField[];
  readonly summary: DocumentSummary;
  readonly periods: WireTimePeriod[];
  readonly users: number;
  /** The staging table of entries: ENTRY_STAGE, or the merged one when CSV rows were merged. */
  readonly entries: string;
  /** Removes every staging table of this payload. */
  drop(): Promise<void>;
}

interface Parts {
  readonly summary: DocumentSummary;
  readonly users: WireUser[];
  readonly fields: WireField[];
  readonly frames: WireTimeFrame[];
  readonly periods: WireTimePeriod[];
}

/** Streams the entries into their stage as they are decoded; keeps the small arrays for the other stages. */
async function streamEntries(
  entries: Stager,
  parts: AsyncGenerator<DocumentPart, DocumentSummary>,
  period: string,
  stats: PayloadStats,
): Promise<Parts> {
  const out = { users: [] as WireUser[], fields: [] as WireField[], frames: [] as WireTimeFrame[] };
  const periods: WireTimePeriod[] = [];
  try {
    for (;;) {
      const next = await parts.next();
      if (next.done) return { ...out, periods, summary: next.value };
      const part = next.value;
      switch (part.kind) {
        case 'entries':
          await entries.append(entryColumns(part.rows, period, stats, stats.rows, part.fingerprints));
          break;
        case 'users':
          out.users.push(...part.rows);
          break;
        case 'fields':
          out.fields.push(...part.rows);
          break;
        case 'timePeriods':
          periods.push(...part.rows);
          break;
        case 'timeFrames':
          out.frames.push(...part.rows);
          break;
      }
    }
  } finally {
    await entries.close();
  }
}

interface StageOptions {
  /** A skipping load: repeated keys are not merged but sent back to a full read. */
  readonly skipping?: boolean;
}

async function stagePayload(
  wh: Warehouse,
  parts: AsyncGenerator<DocumentPart, DocumentSummary>,
  period: string,
  options: StageOptions = {},
): Promise<StagedPayload> {
  const stats = emptyStats();
  const entries = await wh.openStage(ENTRY_STAGE);
  const decoded = await streamEntries(entries, parts, period, stats);
  const stagers: Stager[] = [entries];
  const userBatch = userColumns(decoded.users);
  for (const [spec, batch] of [
    [USER_STAGE, userBatch],
    [FIELD_STAGE, fieldColumns(decoded.fields, stats)],
    [FRAME_STAGE, frameColumns(decoded.frames)],
  ] as const) {
    const stager = await wh.openStage(spec);
    stagers.push(stager);
    await stager.append(batch);
    await stager.close();
  }
  const merged = await mergePartialRows(wh, entries.codes ?? ENTRY_STAGE.name, options);
  // Created now, empty, so that every statement after the first write is DML (see drop below).
  await loadSql.createDiffStage(wh);
  return {
    stats,
    total: stats.rows + (decoded.summary.scan?.skipped ?? 0),
    matchedRows: 0,
    fields: decoded.fields,
    summary: decoded.summary,
    periods: decoded.periods,
    users: userBatch[0]?.length ?? 0,
    entries: merged ? loadSql.MERGED_STAGE : ENTRY_STAGE.name,
    drop: async () => {
      await loadSql.dropLoadStages(wh, merged);
      for (const stager of stagers) await stager.drop();
    },
  };
}

/**
 * CSV exports carry one row per data type, so one entry can arrive as several partial rows; they
 * are merged here. Two rows with different values for the same entry are a conflict, not a merge.
 */
async function mergePartialRows(wh: Warehouse, codes: string, options: StageOptions): Promise<boolean> {
  // Whether any key repeats, on the integer codes where the engine has them (a quarter of the time).
  if ((await loadSql.repeatedKeys(wh, codes)) === 0) return false;
  if (options.skipping) throw new FingerprintConflict('the export repeats a key');
  const conflicts = await loadSql.conflictingKeys(wh);
  if (conflicts > 0) {
    throw new LoadError(
      `The export has ${conflicts} entries that appear more than once with different values`,
      'data.duplicate_entry',
      'The payload is ambiguous and was not loaded; it is kept in the landing for inspection.',
    );
  }
  await loadSql.createMergedStage(wh);
  return true;
}

/**
 * The outcome of a snapshot whose ledger row names this payload, re-checked against the warehouse:
 * the versions current on that date must still number what the payload had and sum to the payload
 * sum recorded when it was parsed. Anything else is not skipped: the payload is loaded again.
 */
async function alreadyLoaded(wh: Warehouse, snapshot: SnapshotRef, sha: string): Promise<LoadOutcome | undefined> {
  const ledger = await loadSql.ledgerOfPayload(wh, snapshot, sha);
  if (!ledger || ledger.payload_sum === null) return undefined;
  const loaded = await loadSql.currentTotals(wh, snapshot);
  const payloadRows = Number(ledger.entries);
  const loadedRows = Number(loaded?.n ?? 0);
  const payloadSum = centsToDecimal(decimalToCents(ledger.payload_sum));
  const loadedSum = centsToDecimal(decimalToCents(loaded?.total));
  if (payloadRows !== loadedRows || payloadSum !== loadedSum) return undefined;
  const changes = await loadSql.changeCount(wh, snapshot);
  const previousSnapshot = await loadSql.previousSnapshotDate(wh, snapshot);
  return {
    status: payloadRows === 0 ? 'empty' : 'loaded',
    rows: loadedRows,
    users: Number(ledger.users),
    changes,
    warnings: [],
    reconciliation: { payloadRows, loadedRows, payloadSum, loadedSum, ok: true },
    previousSnapshot,
    unchanged: true,
  };
}

/** What the warehouse now holds for this snapshot must equal what the payload said; else nothing commits. */
async function reconcile(wh: Warehouse, snapshot: SnapshotRef, staged: Staged): Promise<Reconciliation> {
  const { stats } = staged;
  const loaded = await loadSql.loadedSums(wh, snapshot);
  const merged = staged.entries === ENTRY_STAGE.name ? undefined : staged.entries;
  const stagedCount = merged ? await loadSql.stagedRows(wh, merged) : stats.rows;
  const loadedRows = Number(loaded?.n ?? 0);
  // A skipping load: the skipped entries are the versions they matched, as read before applying
  // (their sums are in stats already).
  const payloadRows = (stagedCount ?? stats.rows) + staged.matchedRows;
  const payloadCents = (c: MoneyColumn): bigint => stats.sums[c];
  const sumsMatch = MONEY_COLUMNS.every((c) => decimalToCents(loaded?.[c]) === payloadCents(c));
  const reconciliation = {
    payloadRows,
    loadedRows,
    payloadSum: centsToDecimal(payloadCents('forecast_value')),
    loadedSum: centsToDecimal(decimalToCents(loaded?.forecast_value)),
    ok: loadedRows === payloadRows && sumsMatch,
  };
  if (!reconciliation.ok) {
    throw new LoadError(
      `Reconciliation failed for ${subjectOf(snapshot)}: payload ${payloadRows} rows / ${reconciliation.payloadSum}, loaded ${loadedRows} rows / ${reconciliation.loadedSum}; nothing was committed`,
      'data.reconciliation',
      'This points at a bug or a concurrent writer; the payload is kept in the landing. Run again, and report it if it persists.',
    );
  }
  return reconciliation;
}
