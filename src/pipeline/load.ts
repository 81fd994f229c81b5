/**
 * Loads one snapshot (forecast, period, as-of date) inside the caller's transaction: stream the
 * decoded payload into staging tables through the engine's bulk path, check it, then apply it with
 * set-based SQL: entry versions (SCD2, closing values that changed or disappeared), user versions,
 * dimensions, the daily clari_forecasts rows, the changes against the previous snapshot and the
 * ledger row. A snapshot loaded again for the same date replaces the earlier load. Before commit,
 * rows and exact sums read back from the warehouse must equal those counted from the payload.
 */
import {
  checkFailure,
  checkResult,
  type DocumentPart,
  type DocumentSummary,
  type ExportJob,
  type WireField,
  type WireTimeFrame,
  type WireTimePeriod,
  type WireUser,
} from '../clari/index.js';
import { AppError, type Checkpoint } from '../core/index.js';
import { type Stager, sqlTimestamp, type Warehouse } from '../warehouse/index.js';
import { detectChanges } from '../changes/index.js';
import {
  centsToDecimal,
  decimalToCents,
  emptyStats,
  ENTRY_STAGE,
  entryColumns,
  FIELD_STAGE,
  fieldColumns,
  FRAME_STAGE,
  frameColumns,
  MONEY_COLUMNS,
  type PayloadStats,
  USER_STAGE,
  userColumns,
} from './transform.js';

export interface SnapshotRef {
  readonly forecastId: string;
  readonly period: string;
  readonly asOf: string;
}

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

const KEY = ['time_frame_id', 'user_id', 'field_id'] as const;

/** Loads a snapshot; call inside `wh.transaction`. */
export async function loadSnapshot(wh: Warehouse, input: LoadInput): Promise<LoadOutcome> {
  const { forecastId, period, asOf } = input.snapshot;
  const subject = `${forecastId} ${period} as of ${asOf}`;
  const snapshotParams = [forecastId, period, asOf] as const;

  const latest = await wh.query<{ latest: string | null }>(
    'SELECT max(snapshot_date) AS latest FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2',
    [forecastId, period],
  );
  const latestDate = latest[0]?.latest ?? null;
  if (latestDate !== null && latestDate > asOf) {
    throw new LoadError(
      `Snapshot ${subject} is older than the latest loaded one (${latestDate})`,
      'pipeline.out_of_order',
      'Older snapshots are loaded by re-deriving the period from the landing (`clari-dp rebuild`).',
    );
  }

  // 0. The same payload loaded again (a cache hit re-run, a retried run): the snapshot already
  //    holds exactly this payload, so confirm it is intact and touch nothing.
  if (latestDate === asOf && input.payloadSha256) {
    const same = await alreadyLoaded(wh, input.snapshot, input.payloadSha256);
    if (same) return same;
  }

  // 1. Stage the payload.
  const staged = await stagePayload(wh, input.parts, period);
  await input.checkpoint?.('load.staged');
  const { stats, summary } = staged;
  const checks = checkResult({
    requestedPeriod: period,
    job: input.job,
    timePeriods: staged.periods,
    entryPeriods: stats.rows > 0 ? new Set([period]) : new Set(),
    summary,
    allowTruncated: input.allowTruncated,
  });
  const failure = checkFailure(checks, subject);
  if (failure) throw failure;
  const warnings = checks.filter((c) => c.severity === 'warning' && c.code !== 'empty').map((c) => c.message);

  const previous = await wh.query<{ snapshot_date: string; entries: string }>(
    'SELECT snapshot_date, entries FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3 ORDER BY snapshot_date DESC LIMIT 1',
    [...snapshotParams],
  );
  const previousSnapshot = previous[0]?.snapshot_date;
  if (stats.rows === 0 && previous[0] && Number(previous[0].entries) > 0) {
    throw new LoadError(
      `Export ${subject} is empty, but the previous snapshot (${previousSnapshot}) had ${previous[0].entries} entries; the previous data is kept`,
      'data.empty_export',
      'Clari returned no rows (a permissions change, an opt-out, or an outage on their side). Check the forecast in Clari; the next run retries.',
    );
  }

  // 2. Replace an earlier load of the same snapshot.
  if (latestDate === asOf) await undoSnapshot(wh, forecastId, period, asOf);

  // 3. Apply.
  const stage = staged.entries;
  const money = (col: string): string => wh.dialect.centsToMoney(`s.${col}`);
  const versionColumns = `forecast_id, time_period, time_frame_id, user_id, field_id, ${MONEY_COLUMNS.join(', ')}, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id`;
  const versionValues = `$1, $2, s.time_frame_id, s.user_id, s.field_id, ${MONEY_COLUMNS.map(money).join(', ')}, s.is_updated, s.updated_by, ${wh.dialect.epochMsToTimestamp('s.updated_on')}, s.currency, $3, NULL, $4`;
  const [open] = await wh.query(
    'SELECT 1 AS one FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL LIMIT 1',
    [forecastId, period],
  );
  if (!open) {
    // Nothing current for this forecast and period (its first load): every entry starts a version.
    await wh.exec(`INSERT INTO clari_forecast_entries (${versionColumns}) SELECT ${versionValues} FROM ${stage} s`, [
      ...snapshotParams,
      input.runId,
    ]);
  } else {
    // One join of the payload with the current versions finds every difference: an entry whose
    // values changed (its version ends, a new one starts), one that left the export (ends) and one
    // that is new (starts). Unchanged entries, usually nearly all of them, cost nothing more.
    const sameValues = [
      ...MONEY_COLUMNS.map((col) => `${money(col)} IS NOT DISTINCT FROM t.${col}`),
      's.is_updated IS NOT DISTINCT FROM t.is_updated',
      's.updated_by IS NOT DISTINCT FROM t.updated_by',
      `${wh.dialect.epochMsToTimestamp('s.updated_on')} IS NOT DISTINCT FROM t.updated_on`,
      's.currency IS NOT DISTINCT FROM t.currency',
    ].join(' AND ');
    const stageColumns = ENTRY_STAGE.columns.map((c) => c.name);
    await wh.exec(
      `INSERT INTO ${DIFF_STAGE} (${[...stageColumns, ...KEY.map((k) => `ended_${k}`)].join(', ')})
       SELECT ${[...stageColumns.map((c) => `s.${c}`), ...KEY.map((k) => `t.${k}`)].join(', ')}
       FROM ${stage} s
       FULL JOIN (SELECT * FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL) t ON ${KEY.map((k) => `s.${k} = t.${k}`).join(' AND ')}
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (${sameValues})`,
      [forecastId, period],
    );
    await wh.exec(
      `UPDATE clari_forecast_entries SET valid_to = $3 FROM ${DIFF_STAGE} d
       WHERE clari_forecast_entries.forecast_id = $1 AND clari_forecast_entries.time_period = $2 AND clari_forecast_entries.valid_to IS NULL
         AND ${KEY.map((k) => `clari_forecast_entries.${k} = d.ended_${k}`).join(' AND ')}`,
      [...snapshotParams],
    );
    await wh.exec(
      `INSERT INTO clari_forecast_entries (${versionColumns}) SELECT ${versionValues} FROM ${DIFF_STAGE} s WHERE s.user_id IS NOT NULL`,
      [...snapshotParams, input.runId],
    );
  }
  await applyUsers(wh, asOf);
  await applyDimensions(wh, forecastId, period, asOf, staged.periods);
  const latestFrame = stats.latestFrame ?? '';
  await wh.exec(
    `INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            ${money('forecast_value')}, q.quota, ${money('crm_total_value')}, ${money('crm_closed_value')}, ${money('adjustment_value')},
            $2, $1, $3, $4, s.time_frame_id, s.is_updated, s.currency, $5
     FROM ${stage} s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(${wh.dialect.centsToMoney('qs.quota_value')}) AS quota
                FROM ${stage} qs JOIN stage_fields qf ON qf.field_id = qs.field_id AND qf.is_quota
                WHERE qs.time_frame_id = $6 GROUP BY qs.user_id) q ON q.user_id = s.user_id
     WHERE s.time_frame_id = $6 AND NOT coalesce(f.is_quota, FALSE)`,
    [...snapshotParams, sqlTimestamp(input.exportedAt), input.runId, latestFrame],
  );
  await input.checkpoint?.('detect.start');
  const changes = previousSnapshot
    ? await detectChanges(wh, {
        forecastId,
        period,
        asOf,
        previous: previousSnapshot,
        runId: input.runId,
        detectedAt: input.now,
      })
    : 0;
  await wh.exec(
    `INSERT INTO clari_snapshots (forecast_id, time_period, snapshot_date, run_id, job_id, payload_sha256, loaded_at, entries, users, latest_time_frame)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      ...snapshotParams,
      input.runId,
      input.jobId ?? null,
      input.payloadSha256 ?? null,
      sqlTimestamp(input.now),
      stats.rows,
      staged.users,
      latestFrame || null,
    ],
  );

  // 4. Reconcile: what the warehouse now holds for this snapshot equals what the payload said.
  const reconciliation = await reconcile(
    wh,
    input.snapshot,
    stats,
    staged.entries === ENTRY_STAGE.name ? undefined : staged.entries,
  );
  if (!reconciliation.ok) {
    throw new LoadError(
      `Reconciliation failed for ${subject}: payload ${reconciliation.payloadRows} rows / ${reconciliation.payloadSum}, loaded ${reconciliation.loadedRows} rows / ${reconciliation.loadedSum}; nothing was committed`,
      'data.reconciliation',
      'This points at a bug or a concurrent writer; the payload is kept in the landing. Run again, and report it if it persists.',
    );
  }
  // Staging data is not needed any more: an embedded engine gets its memory back now. Where DDL
  // would commit the open transaction (Snowflake, BigQuery) the session's temporary tables stay
  // until the next load replaces them or the session ends.
  if (wh.dialect.transactionalDdl) await staged.drop();
  return {
    status: stats.rows === 0 ? 'empty' : 'loaded',
    rows: reconciliation.loadedRows,
    users: staged.users,
    changes,
    warnings,
    reconciliation,
    previousSnapshot,
  };
}

interface Staged {
  readonly stats: PayloadStats;
  readonly summary: DocumentSummary;
  readonly periods: WireTimePeriod[];
  readonly users: number;
  /** The staging table of entries: ENTRY_STAGE, or the merged one when CSV rows were merged. */
  readonly entries: string;
  /** Removes every staging table of this payload. */
  drop(): Promise<void>;
}

/** Entries whose version ends or starts on this date (the payload joined with the current versions). */
const DIFF_STAGE = 'stage_entries_diff';
/** Entries of a CSV export with their partial rows merged. */
const MERGED_STAGE = 'stage_entries_merged';

async function stagePayload(
  wh: Warehouse,
  parts: AsyncGenerator<DocumentPart, DocumentSummary>,
  period: string,
): Promise<Staged> {
  const stats = emptyStats();
  const users: WireUser[] = [];
  const fields: WireField[] = [];
  const frames: WireTimeFrame[] = [];
  const periods: WireTimePeriod[] = [];
  const entries = await wh.openStage(ENTRY_STAGE);
  let summary: DocumentSummary;
  try {
    for (;;) {
      const next = await parts.next();
      if (next.done) {
        summary = next.value;
        break;
      }
      const part = next.value;
      switch (part.kind) {
        case 'entries':
          await entries.append(entryColumns(part.rows, period, stats, stats.rows));
          break;
        case 'users':
          users.push(...part.rows);
          break;
        case 'fields':
          fields.push(...part.rows);
          break;
        case 'timePeriods':
          periods.push(...part.rows);
          break;
        case 'timeFrames':
          frames.push(...part.rows);
          break;
      }
    }
  } finally {
    await entries.close();
  }
  const stagers: Stager[] = [entries];
  const userBatch = userColumns(users);
  for (const [spec, batch] of [
    [USER_STAGE, userBatch],
    [FIELD_STAGE, fieldColumns(fields, stats)],
    [FRAME_STAGE, frameColumns(frames)],
  ] as const) {
    const stager = await wh.openStage(spec);
    stagers.push(stager);
    await stager.append(batch);
    await stager.close();
  }
  const merged = await mergePartialRows(wh, entries.codes ?? ENTRY_STAGE.name);
  // Created now, empty, so that every statement after the first write is DML (see drop below).
  await wh.exec(`DROP TABLE IF EXISTS ${DIFF_STAGE}`);
  await wh.exec(
    wh.dialect.createStage(
      DIFF_STAGE,
      [
        ...ENTRY_STAGE.columns.map((c) => `${c.name} ${wh.dialect.types[c.type]}`),
        ...KEY.map((k) => `ended_${k} ${wh.dialect.types.text}`),
      ].join(', '),
    ),
  );
  return {
    stats,
    summary,
    periods,
    users: userBatch[0]?.length ?? 0,
    entries: merged ? MERGED_STAGE : ENTRY_STAGE.name,
    drop: async () => {
      await wh.exec(`DROP TABLE ${DIFF_STAGE}`);
      if (merged) await wh.exec(`DROP TABLE ${MERGED_STAGE}`);
      for (const stager of stagers) await stager.drop();
    },
  };
}

/**
 * CSV exports carry one row per data type, so one entry can arrive as several partial rows; they
 * are merged here. Two rows with different values for the same entry are a conflict, not a merge.
 */
async function mergePartialRows(wh: Warehouse, codes: string): Promise<boolean> {
  const keys = KEY.join(', ');
  // Whether any key repeats, on the integer codes where the engine has them (a quarter of the time).
  const [row] = await wh.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT 1 AS one FROM ${codes} GROUP BY ${keys} HAVING count(*) > 1) d`,
  );
  if (!row || Number(row.n) === 0) return false;
  const valueColumns = ENTRY_STAGE.columns.map((c) => c.name).filter((c) => !(KEY as readonly string[]).includes(c));
  const [conflict] = await wh.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT ${keys} FROM stage_entries GROUP BY ${keys} HAVING ${valueColumns.map((c) => `count(DISTINCT ${c}) > 1`).join(' OR ')}) c`,
  );
  if (conflict && Number(conflict.n) > 0) {
    throw new LoadError(
      `The export has ${conflict.n} entries that appear more than once with different values`,
      'data.duplicate_entry',
      'The payload is ambiguous and was not loaded; it is kept in the landing for inspection.',
    );
  }
  await wh.exec(`DROP TABLE IF EXISTS ${MERGED_STAGE}`);
  await wh.exec(
    wh.dialect.createStageAs(
      MERGED_STAGE,
      `SELECT ${keys}, ${valueColumns.map((c) => `max(${c}) AS ${c}`).join(', ')} FROM stage_entries GROUP BY ${keys}`,
    ),
  );
  return true;
}

/**
 * The outcome of a snapshot whose ledger row names this payload, re-checked against the warehouse:
 * the versions current on that date must still number what the payload had and sum to the payload
 * sum recorded when it was parsed. Anything else is not skipped: the payload is loaded again.
 */
async function alreadyLoaded(wh: Warehouse, snapshot: SnapshotRef, sha: string): Promise<LoadOutcome | undefined> {
  const { forecastId, period, asOf } = snapshot;
  const [ledger] = await wh.query<{ entries: string | number; users: string | number; payload_sum: string | null }>(
    `SELECT s.entries, s.users, (SELECT max(j.payload_sum) FROM clari_export_jobs j
                                 WHERE j.forecast_id = s.forecast_id AND j.time_period = s.time_period AND j.snapshot_date = s.snapshot_date AND j.payload_sha256 = s.payload_sha256) AS payload_sum
     FROM clari_snapshots s WHERE s.forecast_id = $1 AND s.time_period = $2 AND s.snapshot_date = $3 AND s.payload_sha256 = $4`,
    [forecastId, period, asOf, sha],
  );
  if (!ledger || ledger.payload_sum === null) return undefined;
  const [loaded] = await wh.query<{ n: string | number; total: string | null }>(
    'SELECT count(*) AS n, sum(forecast_value) AS total FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)',
    [forecastId, period, asOf],
  );
  const reconciliation: Reconciliation = {
    payloadRows: Number(ledger.entries),
    loadedRows: Number(loaded?.n ?? 0),
    payloadSum: centsToDecimal(decimalToCents(ledger.payload_sum)),
    loadedSum: centsToDecimal(decimalToCents(loaded?.total)),
    ok: false,
  };
  if (
    reconciliation.payloadRows !== reconciliation.loadedRows ||
    reconciliation.payloadSum !== reconciliation.loadedSum
  )
    return undefined;
  const [changes] = await wh.query<{ n: string | number }>(
    'SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3',
    [forecastId, period, asOf],
  );
  const [previous] = await wh.query<{ d: string | null }>(
    'SELECT max(snapshot_date) AS d FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3',
    [forecastId, period, asOf],
  );
  return {
    status: reconciliation.payloadRows === 0 ? 'empty' : 'loaded',
    rows: reconciliation.loadedRows,
    users: Number(ledger.users),
    changes: Number(changes?.n ?? 0),
    warnings: [],
    reconciliation: { ...reconciliation, ok: true },
    previousSnapshot: previous?.d ?? undefined,
    unchanged: true,
  };
}

/** Undoes an earlier load of the same snapshot so loading it again replaces it. */
async function undoSnapshot(wh: Warehouse, forecastId: string, period: string, asOf: string): Promise<void> {
  const params = [forecastId, period, asOf];
  await wh.exec(
    'DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from = $3',
    params,
  );
  await wh.exec(
    'UPDATE clari_forecast_entries SET valid_to = NULL WHERE forecast_id = $1 AND time_period = $2 AND valid_to = $3',
    params,
  );
  await wh.exec(
    'DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3',
    params,
  );
  await wh.exec(
    'DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3',
    params,
  );
  await wh.exec(
    'DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3',
    params,
  );
}

const USER_ATTRIBUTES = [
  'name',
  'email',
  'crm_id',
  'hierarchy_id',
  'hierarchy_name',
  'parent_hierarchy_id',
  'parent_hierarchy_name',
  'scope_id',
] as const;

/**
 * User versions: a change of name, email or place in the hierarchy opens a new version from this
 * date. Absence from one export does not end a user (another forecast may still have them), and a
 * second change on the same date corrects that date's version in place.
 */
async function applyUsers(wh: Warehouse, asOf: string): Promise<void> {
  const differs = USER_ATTRIBUTES.map((a) => `s.${a} IS DISTINCT FROM t.${a}`).join(' OR ');
  await wh.exec(
    `UPDATE clari_users t SET ${USER_ATTRIBUTES.map((a) => `${a} = s.${a}`).join(', ')}
     FROM stage_users s WHERE t.user_id = s.user_id AND t.valid_to IS NULL AND t.valid_from = $1 AND (${differs})`,
    [asOf],
  );
  await wh.exec(
    `UPDATE clari_users t SET valid_to = $1
     WHERE t.valid_to IS NULL AND t.valid_from < $1 AND EXISTS (SELECT 1 FROM stage_users s WHERE s.user_id = t.user_id AND (${differs}))`,
    [asOf],
  );
  await wh.exec(
    `INSERT INTO clari_users (user_id, ${USER_ATTRIBUTES.join(', ')}, valid_from, valid_to)
     SELECT s.user_id, ${USER_ATTRIBUTES.map((a) => `s.${a}`).join(', ')}, $1, NULL FROM stage_users s
     WHERE NOT EXISTS (SELECT 1 FROM clari_users t WHERE t.user_id = s.user_id AND t.valid_to IS NULL)`,
    [asOf],
  );
}

async function applyDimensions(
  wh: Warehouse,
  forecastId: string,
  period: string,
  asOf: string,
  periods: readonly WireTimePeriod[],
): Promise<void> {
  await wh.exec('DELETE FROM clari_fields WHERE forecast_id = $1 AND field_id IN (SELECT field_id FROM stage_fields)', [
    forecastId,
  ]);
  await wh.exec(
    'INSERT INTO clari_fields (forecast_id, field_id, field_name, field_type, is_quota, last_seen) SELECT $1, field_id, field_name, field_type, is_quota, $2 FROM stage_fields',
    [forecastId, asOf],
  );
  await wh.exec(
    'DELETE FROM clari_time_frames WHERE time_period = $1 AND time_frame_id IN (SELECT time_frame_id FROM stage_frames)',
    [period],
  );
  await wh.exec(
    'INSERT INTO clari_time_frames (time_period, time_frame_id, start_date, end_date) SELECT $1, time_frame_id, CAST(start_date AS DATE), CAST(end_date AS DATE) FROM stage_frames',
    [period],
  );
  const info = periods.find((p) => p.timePeriodId === period);
  if (info) {
    const date = (d: string | null | undefined): string | null => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null);
    await wh.exec('DELETE FROM clari_time_periods WHERE time_period = $1', [period]);
    await wh.exec(
      'INSERT INTO clari_time_periods (time_period, start_date, end_date, label, year) VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE), $4, $5)',
      [period, date(info.startDate), date(info.endDate), info.label ?? null, info.year ?? null],
    );
  }
}

async function reconcile(
  wh: Warehouse,
  snapshot: SnapshotRef,
  stats: PayloadStats,
  merged: string | undefined,
): Promise<Reconciliation> {
  const [loaded] = await wh.query<Record<string, string | null>>(
    `SELECT count(*) AS n, ${MONEY_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
     FROM clari_forecast_entries
     WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)`,
    [snapshot.forecastId, snapshot.period, snapshot.asOf],
  );
  const [stagedRows] = merged
    ? await wh.query<{ n: string }>(`SELECT count(*) AS n FROM ${merged}`)
    : [{ n: String(stats.rows) }];
  const loadedRows = Number(loaded?.n ?? 0);
  const payloadRows = Number(stagedRows?.n ?? stats.rows);
  const sumsMatch = MONEY_COLUMNS.every((c) => decimalToCents(loaded?.[c]) === stats.sums[c]);
  return {
    payloadRows,
    loadedRows,
    payloadSum: centsToDecimal(stats.sums.forecast_value),
    loadedSum: centsToDecimal(decimalToCents(loaded?.forecast_value)),
    ok: loadedRows === payloadRows && sumsMatch,
  };
}
