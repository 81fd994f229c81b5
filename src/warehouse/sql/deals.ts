/**
 * Deals and activity (issue 16): the statements of an activity window's load and of an opportunity
 * refresh (pipeline/deals-load.ts decides their order and checks), their ledgers, the read-backs of
 * reconciliation, the ids a refresh asks for, retention and the rebuild's clearing. Dialect
 * differences (the array type and how one is built and measured) come from the Dialect's hooks.
 *
 * An activity window replaces, for the dates it covers, what earlier windows loaded: activities of
 * those dates it no longer lists go, the ones it lists are written afresh (by activity_id), so a
 * re-run or an overlapping window never duplicates and the newest export of a date wins.
 */
import type { StageSpec, Warehouse } from '../types.js';
import { sqlTimestamp } from '../values.js';
import { deleteRows } from './maintenance.js';

/**
 * The rows of an activity payload, one stage (PostgreSQL's COPY takes one table at a time while the
 * payload streams): `kind` activity (its columns), participant (email, name, crm_user_id,
 * is_internal) and account or opportunity (link_id, link_name, owner_crm_id), the last three with
 * their `ordinal` in the activity's list.
 */
export const ACTIVITY_STAGE: StageSpec = {
  name: 'stage_activity_rows',
  columns: [
    { name: 'kind', type: 'text', repeats: true },
    { name: 'activity_id', type: 'text' },
    { name: 'ordinal', type: 'bigint' },
    { name: 'activity_type', type: 'text', repeats: true },
    { name: 'subject', type: 'text' },
    // Epoch ms; SQL turns it into a TIMESTAMP with Dialect.epochMsToTimestamp.
    { name: 'activity_at', type: 'bigint' },
    { name: 'owner_crm_id', type: 'text', repeats: true },
    { name: 'organiser_crm_id', type: 'text', repeats: true },
    { name: 'email', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'crm_user_id', type: 'text', repeats: true },
    { name: 'is_internal', type: 'boolean' },
    { name: 'link_id', type: 'text', repeats: true },
    { name: 'link_name', type: 'text', repeats: true },
  ],
};

/** The rows of an opportunity refresh, one stage: `kind` opportunity (its values) and point (a trend point). */
export const OPPORTUNITY_STAGE: StageSpec = {
  name: 'stage_opportunity_rows',
  columns: [
    { name: 'kind', type: 'text', repeats: true },
    { name: 'opportunity_id', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'owner_crm_id', type: 'text', repeats: true },
    // Exact integer cents, as the forecast load stages money.
    { name: 'amount', type: 'bigint' },
    { name: 'stage', type: 'text', repeats: true },
    { name: 'close_date', type: 'text', repeats: true },
    { name: 'crm_score', type: 'double' },
    { name: 'crm_score_message', type: 'text', repeats: true },
    { name: 'field_id', type: 'text', repeats: true },
    { name: 'old_value', type: 'text' },
    { name: 'new_value', type: 'text' },
    { name: 'changed_at', type: 'bigint' },
  ],
};

const STAGED_ACTIVITIES = `(SELECT activity_id FROM ${ACTIVITY_STAGE.name} WHERE kind = 'activity')`;
const STAGED_OPPORTUNITIES = `(SELECT * FROM ${OPPORTUNITY_STAGE.name} WHERE kind = 'opportunity')`;
const STAGED_POINTS = `(SELECT DISTINCT opportunity_id, field_id, old_value, new_value, changed_at FROM ${OPPORTUNITY_STAGE.name} WHERE kind = 'point')`;

const count = (rows: { n: string | number | null }[]): number => Number(rows[0]?.n ?? 0);

// ----- activity windows -----

/** The loaded activity windows of business dates before `asOf`, newest first (the incremental cursor). */
export async function windowsBefore(wh: Warehouse, asOf: string): Promise<{ as_of: string; from_date: string }[]> {
  const t = wh.dialect.types;
  return wh.query<{ as_of: string; from_date: string }>(
    `SELECT as_of, from_date FROM clari_activity_windows WHERE as_of < CAST($1 AS ${t.date}) ORDER BY as_of DESC`,
    [asOf],
  );
}

/** The latest business date an activity window was loaded for, or null. */
export async function latestWindow(wh: Warehouse): Promise<string | null> {
  const [row] = await wh.query<{ d: string | null }>('SELECT max(as_of) AS d FROM clari_activity_windows');
  return row?.d ?? null;
}

/** The window loaded for a business date, with how many activities still carry it. */
export async function windowOf(
  wh: Warehouse,
  asOf: string,
): Promise<
  { payload_sha256: string | null; activities: string; participants: string | null; carried: string } | undefined
> {
  const t = wh.dialect.types;
  const [row] = await wh.query<{
    payload_sha256: string | null;
    activities: string;
    participants: string | null;
    carried: string;
  }>(
    `SELECT w.payload_sha256, w.activities, w.participants,
            (SELECT count(*) FROM clari_activities a WHERE a.as_of = w.as_of) AS carried
     FROM clari_activity_windows w WHERE w.as_of = CAST($1 AS ${t.date})`,
    [asOf],
  );
  return row;
}

/** Activity ids staged more than once (a payload that lists one activity twice is ambiguous). */
export async function stagedActivityRepeats(wh: Warehouse): Promise<number> {
  return count(
    await wh.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT activity_id FROM ${ACTIVITY_STAGE.name} WHERE kind = 'activity' GROUP BY activity_id HAVING count(*) > 1) d`,
    ),
  );
}

/** Activities already loaded whose time falls in [from, to) (epoch ms), for an empty window's warning. */
export async function activitiesBetween(wh: Warehouse, fromMs: number, toMs: number): Promise<number> {
  const t = wh.dialect.types;
  return count(
    await wh.query<{ n: string }>(
      `SELECT count(*) AS n FROM clari_activities WHERE activity_at >= CAST($1 AS ${t.timestamp}) AND activity_at < CAST($2 AS ${t.timestamp})`,
      [sqlTimestamp(fromMs), sqlTimestamp(toMs)],
    ),
  );
}

export interface WindowRow {
  readonly asOf: string;
  readonly from: string;
  readonly to: string;
  /** The window's instants, epoch ms: [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly jobId: string | null;
  readonly payloadSha256: string | null;
  readonly activities: number;
  readonly participants: number;
  readonly runId: string;
  readonly exportedAt: number;
  readonly loadedAt: number;
}

/** Forgets the window loaded earlier for the same business date (its activities are replaced below). */
export async function undoWindow(wh: Warehouse, asOf: string): Promise<void> {
  const t = wh.dialect.types;
  await wh.exec(`DELETE FROM clari_activity_windows WHERE as_of = CAST($1 AS ${t.date})`, [asOf]);
}

/**
 * Replaces the activities of the window's instants and the staged ones: children first, then the
 * activities, then everything from the stage, each array aggregated from the staged links in order.
 */
export async function replaceActivities(wh: Warehouse, row: WindowRow): Promise<void> {
  const d = wh.dialect;
  const range = `activity_at >= CAST($1 AS ${d.types.timestamp}) AND activity_at < CAST($2 AS ${d.types.timestamp})`;
  const bounds = [sqlTimestamp(row.fromMs), sqlTimestamp(row.toMs)];
  for (const child of ['clari_activity_participants', 'clari_activity_opportunities', 'clari_activity_accounts'])
    await wh.exec(
      `DELETE FROM ${child} WHERE activity_id IN ${STAGED_ACTIVITIES} OR activity_id IN (SELECT activity_id FROM clari_activities WHERE ${range})`,
      bounds,
    );
  await wh.exec(`DELETE FROM clari_activities WHERE activity_id IN ${STAGED_ACTIVITIES} OR (${range})`, bounds);
  const links = (kind: string): string =>
    `(SELECT activity_id, ${d.textArrayAgg('link_id', 'ordinal')} AS ids FROM ${ACTIVITY_STAGE.name} WHERE kind = '${kind}' GROUP BY activity_id)`;
  await wh.exec(
    `INSERT INTO clari_activities (activity_id, activity_type, subject, activity_at, owner_crm_id, organiser_crm_id, account_ids, opportunity_ids, exported_at, as_of, job_id, run_id)
     SELECT s.activity_id, s.activity_type, s.subject, ${d.epochMsToTimestamp('s.activity_at')}, s.owner_crm_id, s.organiser_crm_id,
            coalesce(acc.ids, ${d.emptyTextArray}), coalesce(opp.ids, ${d.emptyTextArray}),
            CAST($1 AS ${d.types.timestamp}), CAST($2 AS ${d.types.date}), $3, $4
     FROM ${ACTIVITY_STAGE.name} s
     LEFT JOIN ${links('account')} acc ON acc.activity_id = s.activity_id
     LEFT JOIN ${links('opportunity')} opp ON opp.activity_id = s.activity_id
     WHERE s.kind = 'activity'`,
    [sqlTimestamp(row.exportedAt), row.asOf, row.jobId, row.runId],
  );
  await wh.exec(
    `INSERT INTO clari_activity_participants (activity_id, ordinal, email, name, crm_user_id, is_internal)
     SELECT activity_id, ordinal, email, name, crm_user_id, is_internal FROM ${ACTIVITY_STAGE.name} WHERE kind = 'participant'`,
  );
  await wh.exec(
    `INSERT INTO clari_activity_opportunities (activity_id, ordinal, opportunity_id, opportunity_name, owner_crm_id)
     SELECT activity_id, ordinal, link_id, link_name, owner_crm_id FROM ${ACTIVITY_STAGE.name} WHERE kind = 'opportunity'`,
  );
  await wh.exec(
    `INSERT INTO clari_activity_accounts (activity_id, ordinal, account_id, account_name, owner_crm_id)
     SELECT activity_id, ordinal, link_id, link_name, owner_crm_id FROM ${ACTIVITY_STAGE.name} WHERE kind = 'account'`,
  );
}

/** The window's ledger row: which payload covers which dates, and what it held. */
export async function insertWindow(wh: Warehouse, row: WindowRow): Promise<void> {
  const t = wh.dialect.types;
  await wh.exec(
    `INSERT INTO clari_activity_windows (as_of, from_date, to_date, job_id, payload_sha256, activities, participants, run_id, loaded_at)
     VALUES (CAST($1 AS ${t.date}), CAST($2 AS ${t.date}), CAST($3 AS ${t.date}), $4, $5, $6, $7, $8, CAST($9 AS ${t.timestamp}))`,
    [
      row.asOf,
      row.from,
      row.to,
      row.jobId,
      row.payloadSha256,
      row.activities,
      row.participants,
      row.runId,
      sqlTimestamp(row.loadedAt),
    ],
  );
}

export interface ActivityReadBack {
  /** Loaded activities with a staged id, and how many of them equal their staged row in every column. */
  readonly activities: number;
  readonly same: number;
  readonly participants: number;
  readonly accountLinks: number;
  readonly opportunityLinks: number;
  /** Elements of the loaded arrays: must equal the link rows. */
  readonly accountIds: number;
  readonly opportunityIds: number;
}

/** What the warehouse now holds for the staged activities (reconciliation). */
export async function activityReadBack(wh: Warehouse): Promise<ActivityReadBack> {
  const d = wh.dialect;
  const [a] = await wh.query<Record<string, string | null>>(
    `SELECT count(*) AS activities,
            sum(CASE WHEN a.activity_type IS NOT DISTINCT FROM s.activity_type AND a.subject IS NOT DISTINCT FROM s.subject
                      AND a.activity_at IS NOT DISTINCT FROM ${d.epochMsToTimestamp('s.activity_at')}
                      AND a.owner_crm_id IS NOT DISTINCT FROM s.owner_crm_id AND a.organiser_crm_id IS NOT DISTINCT FROM s.organiser_crm_id
                 THEN 1 ELSE 0 END) AS same,
            sum(${d.arrayLength('a.account_ids')}) AS account_ids, sum(${d.arrayLength('a.opportunity_ids')}) AS opportunity_ids
     FROM clari_activities a JOIN ${ACTIVITY_STAGE.name} s ON s.activity_id = a.activity_id AND s.kind = 'activity'`,
  );
  const children = (table: string): string =>
    `(SELECT count(*) FROM ${table} WHERE activity_id IN ${STAGED_ACTIVITIES})`;
  const [c] = await wh.query<Record<string, string | null>>(
    `SELECT ${children('clari_activity_participants')} AS participants, ${children('clari_activity_accounts')} AS accounts,
            ${children('clari_activity_opportunities')} AS opportunities`,
  );
  return {
    activities: Number(a?.activities ?? 0),
    same: Number(a?.same ?? 0),
    accountIds: Number(a?.account_ids ?? 0),
    opportunityIds: Number(a?.opportunity_ids ?? 0),
    participants: Number(c?.participants ?? 0),
    accountLinks: Number(c?.accounts ?? 0),
    opportunityLinks: Number(c?.opportunities ?? 0),
  };
}

/**
 * The opportunities a refresh asks for: those named by activities since `sinceMs`, the most recently
 * active first, at most `limit`; and how many there are in all. One scan of the activity join: the
 * total is a window count over the grouped rows, taken before the LIMIT.
 */
export async function opportunitiesSeen(
  wh: Warehouse,
  sinceMs: number,
  limit: number,
): Promise<{ ids: string[]; total: number }> {
  const take = Math.max(0, Math.floor(limit));
  // At least one row, so that the total arrives even when no id is asked for.
  const rows = await wh.query<{ opportunity_id: string; total: string | number }>(
    `SELECT o.opportunity_id, max(a.activity_at) AS last_activity, count(*) OVER () AS total
     FROM clari_activity_opportunities o JOIN clari_activities a ON a.activity_id = o.activity_id
     WHERE a.activity_at >= CAST($1 AS ${wh.dialect.types.timestamp})
     GROUP BY o.opportunity_id ORDER BY last_activity DESC, o.opportunity_id LIMIT ${Math.max(1, take)}`,
    [sqlTimestamp(sinceMs)],
  );
  return { ids: rows.slice(0, take).map((r) => r.opportunity_id), total: Number(rows[0]?.total ?? 0) };
}

// ----- opportunity refreshes -----

/** The latest business date opportunities were refreshed for, or null. */
export async function latestRefresh(wh: Warehouse): Promise<string | null> {
  const [row] = await wh.query<{ d: string | null }>('SELECT max(as_of) AS d FROM clari_opportunity_snapshots');
  return row?.d ?? null;
}

/** How many opportunities the refresh of a business date returned, if one is loaded. */
export async function refreshCount(wh: Warehouse, asOf: string): Promise<number | undefined> {
  const [row] = await wh.query<{ opportunities: string }>(
    `SELECT opportunities FROM clari_opportunity_snapshots WHERE as_of = CAST($1 AS ${wh.dialect.types.date})`,
    [asOf],
  );
  return row === undefined ? undefined : Number(row.opportunities);
}

/** Opportunity ids staged more than once. */
export async function stagedOpportunityRepeats(wh: Warehouse): Promise<number> {
  return count(
    await wh.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT opportunity_id FROM ${OPPORTUNITY_STAGE.name} WHERE kind = 'opportunity' GROUP BY opportunity_id HAVING count(*) > 1) d`,
    ),
  );
}

/** Undoes an earlier refresh of the same business date, so refreshing it again replaces it. */
export async function undoRefresh(wh: Warehouse, asOf: string): Promise<void> {
  const date = `CAST($1 AS ${wh.dialect.types.date})`;
  await wh.exec(`DELETE FROM clari_opportunities WHERE valid_from = ${date}`, [asOf]);
  await wh.exec(`UPDATE clari_opportunities SET valid_to = NULL WHERE valid_to = ${date}`, [asOf]);
  await wh.exec(`DELETE FROM clari_opportunity_field_history WHERE first_seen = ${date}`, [asOf]);
  await wh.exec(`DELETE FROM clari_opportunity_snapshots WHERE as_of = ${date}`, [asOf]);
}

/** Columns of an opportunity version besides its id, as the stage expresses them. */
function versionValues(wh: Warehouse): [string, string][] {
  const d = wh.dialect;
  return [
    ['name', 's.name'],
    ['owner_crm_id', 's.owner_crm_id'],
    ['amount', d.centsToMoney('s.amount')],
    ['stage', 's.stage'],
    ['close_date', `CAST(s.close_date AS ${d.types.date})`],
    ['crm_score', 's.crm_score'],
    ['crm_score_message', 's.crm_score_message'],
  ];
}

/** `t` equals the staged `s` in every versioned column. */
function sameVersion(wh: Warehouse): string {
  return versionValues(wh)
    .map(([column, value]) => `t.${column} IS NOT DISTINCT FROM ${value}`)
    .join(' AND ');
}

/**
 * Opportunity versions: a refreshed opportunity whose values changed ends its current version on
 * `asOf` and starts a new one; a new one starts its first. One the refresh did not return is left
 * as it is (Clari may simply not have been asked for it).
 */
export async function applyOpportunityVersions(wh: Warehouse, asOf: string, runId: string): Promise<void> {
  const date = `CAST($1 AS ${wh.dialect.types.date})`;
  await wh.exec(
    `UPDATE clari_opportunities t SET valid_to = ${date}
     WHERE t.valid_to IS NULL AND EXISTS (SELECT 1 FROM ${STAGED_OPPORTUNITIES} s WHERE s.opportunity_id = t.opportunity_id AND NOT (${sameVersion(wh)}))`,
    [asOf],
  );
  const values = versionValues(wh);
  await wh.exec(
    `INSERT INTO clari_opportunities (opportunity_id, ${values.map(([c]) => c).join(', ')}, valid_from, valid_to, run_id)
     SELECT s.opportunity_id, ${values.map(([, v]) => v).join(', ')}, ${date}, NULL, $2 FROM ${STAGED_OPPORTUNITIES} s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunities t WHERE t.opportunity_id = s.opportunity_id AND t.valid_to IS NULL)`,
    [asOf, runId],
  );
}

/** `h` is the staged trend point `s`. */
function samePoint(wh: Warehouse): string {
  return `h.opportunity_id = s.opportunity_id AND h.field_id = s.field_id AND h.changed_at = ${wh.dialect.epochMsToTimestamp('s.changed_at')}
          AND h.old_value IS NOT DISTINCT FROM s.old_value AND h.new_value IS NOT DISTINCT FROM s.new_value`;
}

/** Trend points not yet known, each once (a point repeated by Clari, or by a later refresh, is kept once). */
export async function insertTrendPoints(wh: Warehouse, asOf: string, runId: string): Promise<void> {
  await wh.exec(
    `INSERT INTO clari_opportunity_field_history (opportunity_id, field_id, old_value, new_value, changed_at, first_seen, run_id)
     SELECT s.opportunity_id, s.field_id, s.old_value, s.new_value, ${wh.dialect.epochMsToTimestamp('s.changed_at')}, CAST($1 AS ${wh.dialect.types.date}), $2
     FROM ${STAGED_POINTS} s
     WHERE NOT EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE ${samePoint(wh)})`,
    [asOf, runId],
  );
}

export interface RefreshRow {
  readonly asOf: string;
  readonly requested: number;
  readonly opportunities: number;
  readonly calls: number;
  readonly payloadSha256: string | null;
  /** Sum of the staged amounts, as a decimal string. */
  readonly amountSum: string | null;
  readonly runId: string;
  readonly loadedAt: number;
}

export async function insertRefresh(wh: Warehouse, row: RefreshRow): Promise<void> {
  const t = wh.dialect.types;
  await wh.exec(
    `INSERT INTO clari_opportunity_snapshots (as_of, requested, opportunities, calls, payload_sha256, amount_sum, run_id, loaded_at)
     VALUES (CAST($1 AS ${t.date}), $2, $3, $4, $5, CAST($6 AS ${t.money}), $7, CAST($8 AS ${t.timestamp}))`,
    [
      row.asOf,
      row.requested,
      row.opportunities,
      row.calls,
      row.payloadSha256,
      row.amountSum,
      row.runId,
      sqlTimestamp(row.loadedAt),
    ],
  );
}

export interface OpportunityReadBack {
  /** Versions current on the date for staged ids, how many equal their staged row, and their amounts' sum. */
  readonly versions: number;
  readonly same: number;
  readonly amount: string | null;
  /** Distinct staged trend points, and how many of them the history holds. */
  readonly points: number;
  readonly pointsKept: number;
}

/** What the warehouse holds for the staged opportunities on `asOf` (reconciliation, and the skip check). */
export async function opportunityReadBack(wh: Warehouse, asOf: string): Promise<OpportunityReadBack> {
  const date = `CAST($1 AS ${wh.dialect.types.date})`;
  const [v] = await wh.query<Record<string, string | null>>(
    `SELECT count(*) AS versions, sum(CASE WHEN ${sameVersion(wh)} THEN 1 ELSE 0 END) AS same, sum(t.amount) AS amount
     FROM clari_opportunities t JOIN ${STAGED_OPPORTUNITIES} s ON s.opportunity_id = t.opportunity_id
     WHERE t.valid_from <= ${date} AND (t.valid_to IS NULL OR t.valid_to > ${date})`,
    [asOf],
  );
  const [p] = await wh.query<Record<string, string | null>>(
    `SELECT count(*) AS points, sum(CASE WHEN EXISTS (SELECT 1 FROM clari_opportunity_field_history h WHERE ${samePoint(wh)}) THEN 1 ELSE 0 END) AS kept
     FROM ${STAGED_POINTS} s`,
  );
  return {
    versions: Number(v?.versions ?? 0),
    same: Number(v?.same ?? 0),
    amount: v?.amount ?? null,
    points: Number(p?.points ?? 0),
    pointsKept: Number(p?.kept ?? 0),
  };
}

// ----- maintenance -----

/**
 * Deal rows older than the kept quarters (`cutoff` is the first kept date), each table's through
 * maintenance.ts deleteRows; returns how many went.
 */
export async function deleteBefore(wh: Warehouse, cutoff: string): Promise<number> {
  const t = wh.dialect.types;
  const at = `CAST($1 AS ${t.timestamp})`;
  const date = `CAST($1 AS ${t.date})`;
  const instant = sqlTimestamp(Date.parse(`${cutoff}T00:00:00Z`));
  const old = `activity_id IN (SELECT activity_id FROM clari_activities WHERE activity_at < ${at})`;
  // Children before their activities; closed opportunity versions only (the current one stays).
  const targets: [string, string, string][] = [
    ['clari_activity_participants', old, instant],
    ['clari_activity_opportunities', old, instant],
    ['clari_activity_accounts', old, instant],
    ['clari_activities', `activity_at < ${at}`, instant],
    ['clari_activity_windows', `as_of < ${date}`, cutoff],
    ['clari_opportunities', `valid_to < ${date}`, cutoff],
    ['clari_opportunity_field_history', `changed_at < ${at}`, instant],
    ['clari_opportunity_snapshots', `as_of < ${date}`, cutoff],
  ];
  let deleted = 0;
  for (const [table, where, value] of targets) deleted += await deleteRows(wh, table, where, [value]);
  return deleted;
}

export const DEAL_TABLE_NAMES = [
  'clari_activity_participants',
  'clari_activity_opportunities',
  'clari_activity_accounts',
  'clari_activities',
  'clari_activity_windows',
  'clari_opportunities',
  'clari_opportunity_field_history',
  'clari_opportunity_snapshots',
] as const;

/** Every deal row (re-deriving them from the landing). */
export async function clearDeals(wh: Warehouse): Promise<void> {
  // WHERE TRUE: BigQuery refuses DELETE without a WHERE clause.
  for (const table of DEAL_TABLE_NAMES) await wh.exec(`DELETE FROM ${table} WHERE TRUE`);
}

/** Refreshes planner statistics of the deal tables after loads, where the engine needs it. */
export async function analyzeDealTables(wh: Warehouse): Promise<void> {
  const analyze = wh.dialect.analyze([...DEAL_TABLE_NAMES]);
  if (analyze) await wh.exec(analyze);
}
