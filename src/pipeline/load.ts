/**
 * Loads one snapshot (forecast, period, as-of date) inside the caller's transaction: stream the
 * decoded payload into staging tables through the engine's bulk path, check it, then apply it with
 * set-based SQL: entry versions (SCD2, closing values that changed or disappeared), user versions,
 * dimensions, the daily clari_forecasts rows, the changes against the previous snapshot and the
 * ledger row. A snapshot loaded again for the same date replaces the earlier load. Before commit,
 * rows and exact sums read back from the warehouse must equal those counted from the payload.
 */
import { checkFailure, checkResult, type DocumentPart, type DocumentSummary, type ExportJob, type WireField, type WireTimeFrame, type WireTimePeriod, type WireUser } from '../clari/index.js';
import { AppError } from '../core/index.js';
import { sqlTimestamp, type Warehouse } from '../warehouse/index.js';
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
}

/**
 * `data` errors are found before anything is applied (the transaction stays usable and the payload
 * is rejected); anything else means the transaction must be abandoned.
 */
export class LoadError extends AppError {
  constructor(message: string, code: string, hint?: string) {
    super(message, { code, kind: code === 'pipeline.out_of_order' || code === 'data.reconciliation' ? 'internal' : 'data', hint });
  }
}

const KEY = ['time_frame_id', 'user_id', 'field_id'] as const;

/** Loads a snapshot; call inside `wh.transaction`. */
export async function loadSnapshot(wh: Warehouse, input: LoadInput): Promise<LoadOutcome> {
  const { forecastId, period, asOf } = input.snapshot;
  const subject = `${forecastId} ${period} as of ${asOf}`;
  const snapshotParams = [forecastId, period, asOf] as const;

  const latest = await wh.query<{ latest: string | null }>('SELECT max(snapshot_date) AS latest FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2', [forecastId, period]);
  const latestDate = latest[0]?.latest ?? null;
  if (latestDate !== null && latestDate > asOf) {
    throw new LoadError(`Snapshot ${subject} is older than the latest loaded one (${latestDate})`, 'pipeline.out_of_order', 'Older snapshots are loaded by re-deriving the period from the landing (`clari-dp rebuild`).');
  }

  // 1. Stage the payload.
  const staged = await stagePayload(wh, input.parts, period);
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
  const money = (col: string): string => wh.dialect.centsToMoney(`s.${col}`);
  const sameValues = [
    ...MONEY_COLUMNS.map((col) => `${money(col)} IS NOT DISTINCT FROM t.${col}`),
    's.is_updated IS NOT DISTINCT FROM t.is_updated',
    's.updated_by IS NOT DISTINCT FROM t.updated_by',
    `${wh.dialect.epochMsToTimestamp('s.updated_on')} IS NOT DISTINCT FROM t.updated_on`,
    's.currency IS NOT DISTINCT FROM t.currency',
  ].join(' AND ');
  const sameKey = KEY.map((k) => `s.${k} = t.${k}`).join(' AND ');
  // Versions whose value changed, or whose entry left the export, end on this date.
  await wh.exec(
    `UPDATE clari_forecast_entries t SET valid_to = $3
     WHERE t.forecast_id = $1 AND t.time_period = $2 AND t.valid_to IS NULL
       AND NOT EXISTS (SELECT 1 FROM stage_entries s WHERE ${sameKey} AND ${sameValues})`,
    [...snapshotParams],
  );
  await wh.exec(
    `INSERT INTO clari_forecast_entries (forecast_id, time_period, time_frame_id, user_id, field_id, ${MONEY_COLUMNS.join(', ')}, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id)
     SELECT $1, $2, s.time_frame_id, s.user_id, s.field_id, ${MONEY_COLUMNS.map(money).join(', ')}, s.is_updated, s.updated_by, ${wh.dialect.epochMsToTimestamp('s.updated_on')}, s.currency, $3, NULL, $4
     FROM stage_entries s
     WHERE NOT EXISTS (SELECT 1 FROM clari_forecast_entries t WHERE t.forecast_id = $1 AND t.time_period = $2 AND t.valid_to IS NULL AND ${sameKey})`,
    [...snapshotParams, input.runId],
  );
  await applyUsers(wh, asOf);
  await applyDimensions(wh, forecastId, period, asOf, staged.periods);
  const latestFrame = stats.latestFrame ?? '';
  await wh.exec(
    `INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            ${money('forecast_value')}, q.quota, ${money('crm_total_value')}, ${money('crm_closed_value')}, ${money('adjustment_value')},
            $2, $1, $3, $4, s.time_frame_id, s.is_updated, s.currency, $5
     FROM stage_entries s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(${wh.dialect.centsToMoney('qs.quota_value')}) AS quota
                FROM stage_entries qs JOIN stage_fields qf ON qf.field_id = qs.field_id AND qf.is_quota
                WHERE qs.time_frame_id = $6 GROUP BY qs.user_id) q ON q.user_id = s.user_id
     WHERE s.time_frame_id = $6 AND NOT coalesce(f.is_quota, FALSE)`,
    [...snapshotParams, sqlTimestamp(input.exportedAt), input.runId, latestFrame],
  );
  const changes = previousSnapshot ? await detectChanges(wh, { forecastId, period, asOf, previous: previousSnapshot, runId: input.runId, detectedAt: input.now }) : 0;
  await wh.exec(
    `INSERT INTO clari_snapshots (forecast_id, time_period, snapshot_date, run_id, job_id, payload_sha256, loaded_at, entries, users, latest_time_frame)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [...snapshotParams, input.runId, input.jobId ?? null, input.payloadSha256 ?? null, sqlTimestamp(input.now), stats.rows, staged.users, latestFrame || null],
  );

  // 4. Reconcile: what the warehouse now holds for this snapshot equals what the payload said.
  const reconciliation = await reconcile(wh, input.snapshot, stats, staged.merged);
  if (!reconciliation.ok) {
    throw new LoadError(
      `Reconciliation failed for ${subject}: payload ${reconciliation.payloadRows} rows / ${reconciliation.payloadSum}, loaded ${reconciliation.loadedRows} rows / ${reconciliation.loadedSum}; nothing was committed`,
      'data.reconciliation',
      'This points at a bug or a concurrent writer; the payload is kept in the landing. Run again, and report it if it persists.',
    );
  }
  return { status: stats.rows === 0 ? 'empty' : 'loaded', rows: reconciliation.loadedRows, users: staged.users, changes, warnings, reconciliation, previousSnapshot };
}

interface Staged {
  readonly stats: PayloadStats;
  readonly summary: DocumentSummary;
  readonly periods: WireTimePeriod[];
  readonly users: number;
  /** CSV rows of one entry arrive apart; they were merged, so rows are counted after the merge. */
  readonly merged: boolean;
}

async function stagePayload(wh: Warehouse, parts: AsyncGenerator<DocumentPart, DocumentSummary>, period: string): Promise<Staged> {
  for (const spec of [ENTRY_STAGE, USER_STAGE, FIELD_STAGE, FRAME_STAGE]) await wh.exec(`DROP TABLE IF EXISTS ${spec.name}`);
  await wh.exec('DROP TABLE IF EXISTS stage_entries_raw');
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
  const userBatch = userColumns(users);
  for (const [spec, batch] of [
    [USER_STAGE, userBatch],
    [FIELD_STAGE, fieldColumns(fields, stats)],
    [FRAME_STAGE, frameColumns(frames)],
  ] as const) {
    const stager = await wh.openStage(spec);
    await stager.append(batch);
    await stager.close();
  }
  const merged = await mergePartialRows(wh);
  return { stats, summary, periods, users: userBatch[0]?.length ?? 0, merged };
}

/**
 * CSV exports carry one row per data type, so one entry can arrive as several partial rows; they
 * are merged here. Two rows with different values for the same entry are a conflict, not a merge.
 */
async function mergePartialRows(wh: Warehouse): Promise<boolean> {
  const keys = KEY.join(', ');
  const [row] = await wh.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 AS one FROM stage_entries GROUP BY ${keys} HAVING count(*) > 1) d`);
  if (!row || Number(row.n) === 0) return false;
  const valueColumns = ENTRY_STAGE.columns.map((c) => c.name).filter((c) => !(KEY as readonly string[]).includes(c) && c !== 'time_period');
  const [conflict] = await wh.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT ${keys} FROM stage_entries GROUP BY ${keys} HAVING ${valueColumns.map((c) => `count(DISTINCT ${c}) > 1`).join(' OR ')}) c`,
  );
  if (conflict && Number(conflict.n) > 0) {
    throw new LoadError(`The export has ${conflict.n} entries that appear more than once with different values`, 'data.duplicate_entry', 'The payload is ambiguous and was not loaded; it is kept in the landing for inspection.');
  }
  await wh.exec('ALTER TABLE stage_entries RENAME TO stage_entries_raw');
  await wh.exec(
    wh.dialect.createStageAs('stage_entries', `SELECT min(time_period) AS time_period, ${keys}, ${valueColumns.map((c) => `max(${c}) AS ${c}`).join(', ')} FROM stage_entries_raw GROUP BY ${keys}`),
  );
  return true;
}

/** Undoes an earlier load of the same snapshot so loading it again replaces it. */
async function undoSnapshot(wh: Warehouse, forecastId: string, period: string, asOf: string): Promise<void> {
  const params = [forecastId, period, asOf];
  await wh.exec('DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from = $3', params);
  await wh.exec('UPDATE clari_forecast_entries SET valid_to = NULL WHERE forecast_id = $1 AND time_period = $2 AND valid_to = $3', params);
  await wh.exec('DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3', params);
  await wh.exec('DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3', params);
  await wh.exec('DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3', params);
}

const USER_ATTRIBUTES = ['name', 'email', 'crm_id', 'hierarchy_id', 'hierarchy_name', 'parent_hierarchy_id', 'parent_hierarchy_name', 'scope_id'] as const;

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

async function applyDimensions(wh: Warehouse, forecastId: string, period: string, asOf: string, periods: readonly WireTimePeriod[]): Promise<void> {
  await wh.exec('DELETE FROM clari_fields WHERE forecast_id = $1 AND field_id IN (SELECT field_id FROM stage_fields)', [forecastId]);
  await wh.exec('INSERT INTO clari_fields (forecast_id, field_id, field_name, field_type, is_quota, last_seen) SELECT $1, field_id, field_name, field_type, is_quota, $2 FROM stage_fields', [forecastId, asOf]);
  await wh.exec('DELETE FROM clari_time_frames WHERE time_period = $1 AND time_frame_id IN (SELECT time_frame_id FROM stage_frames)', [period]);
  await wh.exec('INSERT INTO clari_time_frames (time_period, time_frame_id, start_date, end_date) SELECT $1, time_frame_id, CAST(start_date AS DATE), CAST(end_date AS DATE) FROM stage_frames', [period]);
  const info = periods.find((p) => p.timePeriodId === period);
  if (info) {
    const date = (d: string | null | undefined): string | null => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null);
    await wh.exec('DELETE FROM clari_time_periods WHERE time_period = $1', [period]);
    await wh.exec('INSERT INTO clari_time_periods (time_period, start_date, end_date, label, year) VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE), $4, $5)', [
      period,
      date(info.startDate),
      date(info.endDate),
      info.label ?? null,
      info.year ?? null,
    ]);
  }
}

async function reconcile(wh: Warehouse, snapshot: SnapshotRef, stats: PayloadStats, merged: boolean): Promise<Reconciliation> {
  const [loaded] = await wh.query<Record<string, string | null>>(
    `SELECT count(*) AS n, ${MONEY_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
     FROM clari_forecast_entries
     WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)`,
    [snapshot.forecastId, snapshot.period, snapshot.asOf],
  );
  const [stagedRows] = merged ? await wh.query<{ n: string }>('SELECT count(*) AS n FROM stage_entries') : [{ n: String(stats.rows) }];
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
