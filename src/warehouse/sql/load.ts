/**
 * The snapshot load's statements (pipeline/load.ts decides their order and checks): the staging
 * tables a payload is bulk-loaded into, the SCD2 entry versions (one join of the payload with the
 * current versions finds every difference), user versions, dimensions, the daily clari_forecasts
 * rows, the snapshot ledger and the read-backs of reconciliation. Each function sends its
 * statement(s) with their parameters; dialect differences come from the Dialect's hooks.
 */
import type { StageSpec, Warehouse } from '../types.js';
import { sqlTimestamp } from '../values.js';

export const ENTRY_STAGE: StageSpec = {
  name: 'stage_entries',
  // No time_period: every entry must carry the requested one (checked below), so SQL uses that.
  columns: [
    { name: 'time_frame_id', type: 'text', repeats: true },
    { name: 'user_id', type: 'text', repeats: true },
    { name: 'field_id', type: 'text', repeats: true },
    // Money is staged as exact integer cents; SQL turns it into DECIMAL(18,2) with Dialect.centsToMoney.
    { name: 'forecast_value', type: 'bigint' },
    { name: 'quota_value', type: 'bigint' },
    { name: 'adjustment_value', type: 'bigint' },
    { name: 'crm_total_value', type: 'bigint' },
    { name: 'crm_closed_value', type: 'bigint' },
    { name: 'is_updated', type: 'boolean' },
    { name: 'updated_by', type: 'text', repeats: true },
    { name: 'updated_on', type: 'bigint' },
    { name: 'currency', type: 'text', repeats: true },
    // The entry's fingerprint (0: none; stored as NULL).
    { name: 'entry_hash', type: 'bigint' },
  ],
};

/**
 * A fingerprint-skipping load's other stage: the fingerprints of current versions that no entry
 * of the payload matched, i.e. versions whose entry changed or left the export.
 */
export const GONE_STAGE: StageSpec = { name: 'stage_gone', columns: [{ name: 'entry_hash', type: 'bigint' }] };

/** What a user version holds besides its id; a change of any opens a new version. */
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

export const USER_STAGE: StageSpec = {
  name: 'stage_users',
  columns: ['user_id', ...USER_ATTRIBUTES].map((name) => ({ name, type: 'text' as const })),
};

export const FIELD_STAGE: StageSpec = {
  name: 'stage_fields',
  columns: [
    { name: 'field_id', type: 'text' },
    { name: 'field_name', type: 'text' },
    { name: 'field_type', type: 'text' },
    { name: 'is_quota', type: 'boolean' },
  ],
};

export const FRAME_STAGE: StageSpec = {
  name: 'stage_frames',
  columns: [
    { name: 'time_frame_id', type: 'text' },
    { name: 'start_date', type: 'text' },
    { name: 'end_date', type: 'text' },
  ],
};

export const MONEY_COLUMNS = [
  'forecast_value',
  'quota_value',
  'adjustment_value',
  'crm_total_value',
  'crm_closed_value',
] as const;
export type MoneyColumn = (typeof MONEY_COLUMNS)[number];

/** The natural key of an entry within a forecast and period. */
export const ENTRY_KEY = ['time_frame_id', 'user_id', 'field_id'] as const;
/**
 * Entries whose version ends or starts on this date, or whose version takes new bytes' fingerprint
 * (the payload joined with the current versions).
 */
export const DIFF_STAGE = 'stage_entries_diff';
/** Entries of a CSV export with their partial rows merged. */
export const MERGED_STAGE = 'stage_entries_merged';

export interface SnapshotRef {
  readonly forecastId: string;
  readonly period: string;
  readonly asOf: string;
}

const params = (s: SnapshotRef): string[] => [s.forecastId, s.period, s.asOf];

/** The latest snapshot date loaded for the forecast and period, or null. */
export async function latestSnapshotDate(wh: Warehouse, forecastId: string, period: string): Promise<string | null> {
  const latest = await wh.query<{ latest: string | null }>(
    'SELECT max(snapshot_date) AS latest FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2',
    [forecastId, period],
  );
  return latest[0]?.latest ?? null;
}

/** The snapshot before this one, with its entry count. */
export async function previousSnapshot(
  wh: Warehouse,
  snapshot: SnapshotRef,
): Promise<{ snapshot_date: string; entries: string } | undefined> {
  const previous = await wh.query<{ snapshot_date: string; entries: string }>(
    'SELECT snapshot_date, entries FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3 ORDER BY snapshot_date DESC LIMIT 1',
    params(snapshot),
  );
  return previous[0];
}

const versionColumns = `forecast_id, time_period, time_frame_id, user_id, field_id, ${MONEY_COLUMNS.join(', ')}, is_updated, updated_by, updated_on, currency, valid_from, valid_to, run_id, entry_hash`;

function versionValues(wh: Warehouse): string {
  const money = (col: string): string => wh.dialect.centsToMoney(`s.${col}`);
  return `$1, $2, s.time_frame_id, s.user_id, s.field_id, ${MONEY_COLUMNS.map(money).join(', ')}, s.is_updated, s.updated_by, ${wh.dialect.epochMsToTimestamp('s.updated_on')}, s.currency, $3, NULL, $4, NULLIF(s.entry_hash, 0)`;
}

const CURRENT = 'clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL';
/** The columns of a current version a load compares or copies (not all: the table is wide). */
const VERSION_READ = `${ENTRY_KEY.join(', ')}, ${MONEY_COLUMNS.join(', ')}, is_updated, updated_by, updated_on, currency, entry_hash`;
/** Current versions that no skipped entry stands for: no fingerprint, or one no entry matched. */
const UNMATCHED = `(entry_hash IS NULL OR entry_hash IN (SELECT entry_hash FROM ${GONE_STAGE.name}))`;
/** Current versions a skipped entry stands for. */
const MATCHED = `entry_hash IS NOT NULL AND entry_hash NOT IN (SELECT entry_hash FROM ${GONE_STAGE.name})`;

/**
 * The fingerprints of the current versions of a forecast and period (a million for a large
 * export): through the engine's typed-array read where it has one.
 */
export async function currentFingerprints(wh: Warehouse, forecastId: string, period: string): Promise<BigInt64Array> {
  const sql = `SELECT entry_hash FROM ${CURRENT} AND entry_hash IS NOT NULL`;
  if (wh.readInt64) return wh.readInt64(sql, [forecastId, period]);
  const rows = await wh.query<{ entry_hash: string | number }>(sql, [forecastId, period]);
  return BigInt64Array.from(rows, (r) => BigInt(r.entry_hash));
}

/** What the current versions that skipped entries stand for hold, by field (matchedByField). */
export interface MatchedField {
  readonly field_id: string;
  readonly n: string | number;
  /** Versions with a quota value, with a forecast value. */
  readonly quotas: string | number;
  readonly forecasts: string | number;
  readonly latest: string | null;
  /** Staged entries whose key is one of these versions' (the export repeats that key). */
  readonly restaged: string | number;
  readonly [money: string]: string | number | null;
}

/**
 * One scan of the current versions that skipped entries stand for (read before anything is
 * applied), by field: how many, how many carry a quota or a forecast value, the latest week, exact
 * sums, and how many staged entries share a key with one of them. With the staged entries' own
 * figures these are the payload's (load.ts).
 */
export async function matchedByField(
  wh: Warehouse,
  stage: string,
  forecastId: string,
  period: string,
): Promise<MatchedField[]> {
  return wh.query<MatchedField>(
    `SELECT t.field_id, count(*) AS n, count(t.quota_value) AS quotas, count(t.forecast_value) AS forecasts,
            max(t.time_frame_id) AS latest, count(s.user_id) AS restaged, ${MONEY_COLUMNS.map((c) => `sum(t.${c}) AS ${c}`).join(', ')}
     FROM (SELECT ${ENTRY_KEY.join(', ')}, ${MONEY_COLUMNS.join(', ')} FROM ${CURRENT} AND ${MATCHED}) t
     LEFT JOIN (SELECT ${ENTRY_KEY.join(', ')} FROM ${stage}) s ON ${ENTRY_KEY.map((k) => `s.${k} = t.${k}`).join(' AND ')}
     GROUP BY t.field_id`,
    [forecastId, period],
  );
}

/** Whether the forecast and period has any current entry version (false on its first load). */
export async function hasCurrentVersions(wh: Warehouse, forecastId: string, period: string): Promise<boolean> {
  const [open] = await wh.query(
    'SELECT 1 AS one FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_to IS NULL LIMIT 1',
    [forecastId, period],
  );
  return open !== undefined;
}

/** First load of a forecast and period: every staged entry starts a version. */
export async function insertFirstVersions(
  wh: Warehouse,
  stage: string,
  snapshot: SnapshotRef,
  runId: string,
): Promise<void> {
  await wh.exec(`INSERT INTO clari_forecast_entries (${versionColumns}) SELECT ${versionValues(wh)} FROM ${stage} s`, [
    ...params(snapshot),
    runId,
  ]);
}

/**
 * One join of the payload with the current versions finds every difference: an entry whose values
 * changed (its version ends, a new one starts), one that left the export (ends) and one that is new
 * (starts). Unchanged entries, usually nearly all of them, cost nothing more. After a skipping
 * load (`skipped`) the stage holds only the entries whose fingerprint was new, and the join only
 * the versions no skipped entry stands for.
 */
export async function applyVersionChanges(
  wh: Warehouse,
  stage: string,
  snapshot: SnapshotRef,
  runId: string,
  skipped = false,
): Promise<void> {
  const { forecastId, period } = snapshot;
  const money = (col: string): string => wh.dialect.centsToMoney(`s.${col}`);
  const sameValues = [
    ...MONEY_COLUMNS.map((col) => `${money(col)} IS NOT DISTINCT FROM t.${col}`),
    's.is_updated IS NOT DISTINCT FROM t.is_updated',
    's.updated_by IS NOT DISTINCT FROM t.updated_by',
    `${wh.dialect.epochMsToTimestamp('s.updated_on')} IS NOT DISTINCT FROM t.updated_on`,
    's.currency IS NOT DISTINCT FROM t.currency',
  ].join(' AND ');
  const stageColumns = ENTRY_STAGE.columns.map((c) => c.name);
  const both = `s.user_id IS NOT NULL AND t.user_id IS NOT NULL AND (${sameValues})`;
  await wh.exec(
    `INSERT INTO ${DIFF_STAGE} (${[...stageColumns, ...ENTRY_KEY.map((k) => `ended_${k}`), 'rehash'].join(', ')})
       SELECT ${[...stageColumns.map((c) => `s.${c}`), ...ENTRY_KEY.map((k) => `t.${k}`)].join(', ')}, ${both}
       FROM ${stage} s
       FULL JOIN (SELECT ${VERSION_READ} FROM ${CURRENT}${skipped ? ` AND ${UNMATCHED}` : ''}) t ON ${ENTRY_KEY.map((k) => `s.${k} = t.${k}`).join(' AND ')}
       WHERE s.user_id IS NULL OR t.user_id IS NULL OR NOT (${sameValues}) OR NULLIF(s.entry_hash, 0) IS DISTINCT FROM t.entry_hash`,
    [forecastId, period],
  );
  const ended = `clari_forecast_entries.forecast_id = $1 AND clari_forecast_entries.time_period = $2 AND clari_forecast_entries.valid_to IS NULL
         AND ${ENTRY_KEY.map((k) => `clari_forecast_entries.${k} = d.ended_${k}`).join(' AND ')}`;
  await wh.exec(
    `UPDATE clari_forecast_entries SET valid_to = $3 FROM ${DIFF_STAGE} d WHERE ${ended} AND NOT d.rehash`,
    [...params(snapshot)],
  );
  // The same values in other bytes: the version stays and takes the new fingerprint, so the next
  // re-sync skips those bytes.
  await wh.exec(
    `UPDATE clari_forecast_entries SET entry_hash = NULLIF(d.entry_hash, 0) FROM ${DIFF_STAGE} d WHERE ${ended} AND d.rehash`,
    [forecastId, period],
  );
  await wh.exec(
    `INSERT INTO clari_forecast_entries (${versionColumns}) SELECT ${versionValues(wh)} FROM ${DIFF_STAGE} s WHERE s.user_id IS NOT NULL AND NOT s.rehash`,
    [...params(snapshot), runId],
  );
}

/**
 * The daily clari_forecasts rows of the snapshot: the values of its latest week, quota beside each
 * call. From the stage (money in cents), or, after a skipping load whose stage holds only what
 * changed, from the current versions, which then are the payload's entries (`fromVersions`).
 */
export async function insertDailyForecasts(
  wh: Warehouse,
  stage: string,
  snapshot: SnapshotRef,
  row: { exportedAt: number; runId: string; latestFrame: string },
  fromVersions = false,
): Promise<void> {
  // Only the latest week is read: the filter sits in the scan of the (large) versions table.
  const source = fromVersions ? `(SELECT ${VERSION_READ} FROM ${CURRENT} AND time_frame_id = $6)` : stage;
  const money = (col: string): string => (fromVersions ? col : wh.dialect.centsToMoney(col));
  await wh.exec(
    `INSERT INTO clari_forecasts (owner_name, owner_email, user_id, field_id, field_name, forecast_amount, quota_amount, crm_total, crm_closed, adjustment_amount, time_period, forecast_name, snapshot_date, exported_at, time_frame_id, is_updated, currency, run_id)
     SELECT coalesce(u.name, cu.name, ''), coalesce(u.email, cu.email, ''), s.user_id, s.field_id, coalesce(f.field_name, s.field_id),
            ${money('s.forecast_value')}, q.quota, ${money('s.crm_total_value')}, ${money('s.crm_closed_value')}, ${money('s.adjustment_value')},
            $2, $1, $3, $4, s.time_frame_id, s.is_updated, s.currency, $5
     FROM ${source} s
     LEFT JOIN stage_fields f ON f.field_id = s.field_id
     LEFT JOIN stage_users u ON u.user_id = s.user_id
     LEFT JOIN clari_users cu ON cu.user_id = s.user_id AND cu.valid_to IS NULL
     LEFT JOIN (SELECT qs.user_id, max(${money('qs.quota_value')}) AS quota
                FROM ${source} qs JOIN stage_fields qf ON qf.field_id = qs.field_id AND qf.is_quota
                WHERE qs.time_frame_id = $6 GROUP BY qs.user_id) q ON q.user_id = s.user_id
     WHERE s.time_frame_id = $6 AND NOT coalesce(f.is_quota, FALSE)`,
    [...params(snapshot), sqlTimestamp(row.exportedAt), row.runId, row.latestFrame],
  );
}

export interface LedgerRow {
  readonly runId: string;
  readonly jobId: string | undefined;
  readonly payloadSha256: string | undefined;
  readonly loadedAt: number;
  readonly entries: number;
  readonly users: number;
  readonly latestFrame: string | null;
}

/** The snapshot's ledger row: which run and payload it holds. */
export async function insertSnapshotLedger(wh: Warehouse, snapshot: SnapshotRef, row: LedgerRow): Promise<void> {
  await wh.exec(
    `INSERT INTO clari_snapshots (forecast_id, time_period, snapshot_date, run_id, job_id, payload_sha256, loaded_at, entries, users, latest_time_frame)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      ...params(snapshot),
      row.runId,
      row.jobId ?? null,
      row.payloadSha256 ?? null,
      sqlTimestamp(row.loadedAt),
      row.entries,
      row.users,
      row.latestFrame,
    ],
  );
}

/** Creates the (empty) diff stage, so that every statement after the first write is DML. */
export async function createDiffStage(wh: Warehouse): Promise<void> {
  await wh.exec(`DROP TABLE IF EXISTS ${DIFF_STAGE}`);
  await wh.exec(
    wh.dialect.createStage(
      DIFF_STAGE,
      [
        ...ENTRY_STAGE.columns.map((c) => `${c.name} ${wh.dialect.types[c.type]}`),
        ...ENTRY_KEY.map((k) => `ended_${k} ${wh.dialect.types.text}`),
        // Same values, new bytes: only the version's fingerprint changes.
        `rehash ${wh.dialect.types.boolean}`,
      ].join(', '),
    ),
  );
}

/** Drops the diff stage and, when CSV rows were merged, the merged stage. */
export async function dropLoadStages(wh: Warehouse, merged: boolean): Promise<void> {
  await wh.exec(`DROP TABLE ${DIFF_STAGE}`);
  if (merged) await wh.exec(`DROP TABLE ${MERGED_STAGE}`);
}

/** What an entry says besides its key (its fingerprint is not what it says). */
const VALUE_COLUMNS = ENTRY_STAGE.columns
  .map((c) => c.name)
  .filter((c) => !(ENTRY_KEY as readonly string[]).includes(c) && c !== 'entry_hash');

/** How many keys repeat in the stage (on `codes`, the stage's integer codes where the engine has them). */
export async function repeatedKeys(wh: Warehouse, codes: string): Promise<number> {
  const keys = ENTRY_KEY.join(', ');
  const [row] = await wh.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT 1 AS one FROM ${codes} GROUP BY ${keys} HAVING count(*) > 1) d`,
  );
  return Number(row?.n ?? 0);
}

/** Keys whose repeated rows disagree on a value (a conflict, not a CSV partial row). */
export async function conflictingKeys(wh: Warehouse): Promise<number> {
  const keys = ENTRY_KEY.join(', ');
  const [conflict] = await wh.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT ${keys} FROM stage_entries GROUP BY ${keys} HAVING ${VALUE_COLUMNS.map((c) => `count(DISTINCT ${c}) > 1`).join(' OR ')}) c`,
  );
  return Number(conflict?.n ?? 0);
}

/**
 * The merged stage: one row per key, the partial rows of a CSV export folded together. A merged
 * entry has no single piece of bytes, so no fingerprint.
 */
export async function createMergedStage(wh: Warehouse): Promise<void> {
  const keys = ENTRY_KEY.join(', ');
  await wh.exec(`DROP TABLE IF EXISTS ${MERGED_STAGE}`);
  await wh.exec(
    wh.dialect.createStageAs(
      MERGED_STAGE,
      `SELECT ${keys}, ${VALUE_COLUMNS.map((c) => `max(${c}) AS ${c}`).join(', ')}, 0 AS entry_hash FROM stage_entries GROUP BY ${keys}`,
    ),
  );
}

/** The ledger row of a snapshot that names this payload, with the payload sum recorded when it was parsed. */
export async function ledgerOfPayload(
  wh: Warehouse,
  snapshot: SnapshotRef,
  sha: string,
): Promise<{ entries: string | number; users: string | number; payload_sum: string | null } | undefined> {
  const [ledger] = await wh.query<{ entries: string | number; users: string | number; payload_sum: string | null }>(
    `SELECT s.entries, s.users, (SELECT max(j.payload_sum) FROM clari_export_jobs j
                                 WHERE j.forecast_id = s.forecast_id AND j.time_period = s.time_period AND j.snapshot_date = s.snapshot_date AND j.payload_sha256 = s.payload_sha256) AS payload_sum
     FROM clari_snapshots s WHERE s.forecast_id = $1 AND s.time_period = $2 AND s.snapshot_date = $3 AND s.payload_sha256 = $4`,
    [...params(snapshot), sha],
  );
  return ledger;
}

/** Count and forecast-value sum of the versions current on the snapshot's date. */
export async function currentTotals(
  wh: Warehouse,
  snapshot: SnapshotRef,
): Promise<{ n: string | number; total: string | null } | undefined> {
  const [loaded] = await wh.query<{ n: string | number; total: string | null }>(
    'SELECT count(*) AS n, sum(forecast_value) AS total FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)',
    params(snapshot),
  );
  return loaded;
}

/** Changes recorded for the snapshot. */
export async function changeCount(wh: Warehouse, snapshot: SnapshotRef): Promise<number> {
  const [changes] = await wh.query<{ n: string | number }>(
    'SELECT count(*) AS n FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3',
    params(snapshot),
  );
  return Number(changes?.n ?? 0);
}

/** The date of the snapshot before this one, if any. */
export async function previousSnapshotDate(wh: Warehouse, snapshot: SnapshotRef): Promise<string | undefined> {
  const [previous] = await wh.query<{ d: string | null }>(
    'SELECT max(snapshot_date) AS d FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3',
    params(snapshot),
  );
  return previous?.d ?? undefined;
}

/** Undoes an earlier load of the same snapshot so loading it again replaces it. */
export async function undoSnapshot(wh: Warehouse, snapshot: SnapshotRef): Promise<void> {
  const p = params(snapshot);
  await wh.exec(
    'DELETE FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from = $3',
    p,
  );
  await wh.exec(
    'UPDATE clari_forecast_entries SET valid_to = NULL WHERE forecast_id = $1 AND time_period = $2 AND valid_to = $3',
    p,
  );
  await wh.exec('DELETE FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2 AND snapshot_date = $3', p);
  await wh.exec(
    'DELETE FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3',
    p,
  );
  await wh.exec('DELETE FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3', p);
}

/**
 * User versions: a change of name, email or place in the hierarchy opens a new version from this
 * date. Absence from one export does not end a user (another forecast may still have them), and a
 * second change on the same date corrects that date's version in place.
 */
export async function applyUsers(wh: Warehouse, asOf: string): Promise<void> {
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

export interface PeriodInfo {
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly label: string | null;
  readonly year: string | number | null;
}

/** Fields, weeks and (when the payload describes it) the period, replaced by what the payload says. */
export async function applyDimensions(
  wh: Warehouse,
  forecastId: string,
  period: string,
  asOf: string,
  info: PeriodInfo | undefined,
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
  if (info) {
    await wh.exec('DELETE FROM clari_time_periods WHERE time_period = $1', [period]);
    await wh.exec(
      'INSERT INTO clari_time_periods (time_period, start_date, end_date, label, year) VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE), $4, $5)',
      [period, info.startDate, info.endDate, info.label, info.year],
    );
  }
}

/** Row count and exact money sums of the versions current on the snapshot's date. */
export async function loadedSums(
  wh: Warehouse,
  snapshot: SnapshotRef,
): Promise<Record<string, string | null> | undefined> {
  const [loaded] = await wh.query<Record<string, string | null>>(
    `SELECT count(*) AS n, ${MONEY_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
     FROM clari_forecast_entries
     WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)`,
    params(snapshot),
  );
  return loaded;
}

/** Rows of a (merged) stage. */
export async function stagedRows(wh: Warehouse, stage: string): Promise<number | undefined> {
  const [row] = await wh.query<{ n: string }>(`SELECT count(*) AS n FROM ${stage}`);
  return row === undefined ? undefined : Number(row.n);
}
