/**
 * The reads behind the CLI reports, the JSON API and the dashboard (analytics/queries.ts shapes
 * their rows): small aggregates over the analytics views and the daily tables, never raw entries.
 */
import type { SqlValue, Warehouse } from '../types.js';
import { atRiskCondition, noRecentMeeting, teamCtes } from './views.js';

type Rows = Record<string, string | number | null>[];

export async function forecastNames(wh: Warehouse): Promise<string[]> {
  const rows = await wh.query<{ f: string }>('SELECT DISTINCT forecast_name AS f FROM clari_forecasts ORDER BY f');
  return rows.map((r) => r.f);
}

/** Periods of a forecast, newest first. */
export async function periodsOf(wh: Warehouse, forecast: string): Promise<string[]> {
  const rows = await wh.query<{ p: string }>(
    'SELECT DISTINCT time_period AS p FROM clari_forecasts WHERE forecast_name = $1 ORDER BY p DESC',
    [forecast],
  );
  return rows.map((r) => r.p);
}

/** Call fields of a forecast (quota fields left out). */
export async function callFieldsOf(wh: Warehouse, forecast: string): Promise<{ id: string; name: string }[]> {
  const rows = await wh.query<{ id: string; name: string }>(
    'SELECT field_id AS id, coalesce(field_name, field_id) AS name FROM clari_fields WHERE forecast_id = $1 AND NOT coalesce(is_quota, FALSE) ORDER BY field_id',
    [forecast],
  );
  return rows.map((r) => ({ id: r.id, name: r.name }));
}

/** The period of the forecast's latest snapshot. */
export async function latestPeriod(wh: Warehouse, forecast: string): Promise<string | undefined> {
  const [row] = await wh.query<{ p: string }>(
    'SELECT time_period AS p FROM clari_forecasts WHERE forecast_name = $1 ORDER BY snapshot_date DESC, time_period DESC LIMIT 1',
    [forecast],
  );
  return row?.p;
}

export async function latestSnapshotOf(wh: Warehouse, forecast: string, period: string): Promise<string | undefined> {
  const [latest] = await wh.query<{ d: string }>(
    'SELECT max(snapshot_date) AS d FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2',
    [forecast, period],
  );
  return latest?.d;
}

/**
 * The top of the hierarchy's coverage figures, and who the selection counts: owners (users with a
 * row for this forecast, period and call field in the latest snapshot), how many of them are reps
 * (nobody reports to them) and how many current users have no row (not opted in, or no entries yet).
 */
export async function topCoverage(wh: Warehouse, params: readonly SqlValue[]): Promise<Rows[number] | undefined> {
  const [top] = await wh.query<Rows[number]>(
    `WITH owner_rows AS (SELECT * FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3),
     tops AS (SELECT r.* FROM owner_rows r WHERE r.manager_user_id IS NULL),
     absent AS (SELECT u.user_id FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id WHERE u.valid_to IS NULL AND r.user_id IS NULL)
     SELECT (SELECT sum(quota_amount) FROM tops) AS quota, (SELECT sum(crm_closed) FROM tops) AS closed, (SELECT sum(pipeline) FROM tops) AS pipeline,
            (SELECT sum(remaining_quota) FROM tops) AS remaining, (SELECT max(required_coverage) FROM tops) AS required, (SELECT count(*) FROM owner_rows) AS owners,
            (SELECT sum(CASE WHEN is_rep THEN 1 ELSE 0 END) FROM owner_rows) AS reps, (SELECT count(*) FROM absent) AS absent`,
    params,
  );
  return top;
}

/** Names of current users without a row for the selection (the first `limit`, by name). */
export async function absentUsers(wh: Warehouse, params: readonly SqlValue[], limit: number): Promise<string[]> {
  const rows = await wh.query<{ name: string }>(
    `WITH owner_rows AS (
       SELECT c.user_id FROM clari_forecasts c WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.field_id = $3
         AND c.snapshot_date = (SELECT max(snapshot_date) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2))
     SELECT coalesce(u.name, u.email, u.user_id) AS name FROM clari_users u LEFT JOIN owner_rows r ON r.user_id = u.user_id
     WHERE u.valid_to IS NULL AND r.user_id IS NULL
     ORDER BY name LIMIT ${Math.max(1, Math.min(100, limit))}`,
    params,
  );
  return rows.map((r) => r.name);
}

/** The top's own call, and the sum of its direct reports' calls (for a top without one). */
export async function topCall(
  wh: Warehouse,
  params: readonly SqlValue[],
): Promise<{ own: string | null; reports: string | null } | undefined> {
  const [call] = await wh.query<{ own: string | null; reports: string | null }>(
    `SELECT (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3 AND p.manager_user_id IS NULL) AS own,
            (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
               AND p.manager_user_id IN (SELECT t.user_id FROM v_rep_performance t WHERE t.forecast_name = $1 AND t.time_period = $2 AND t.field_id = $3 AND t.manager_user_id IS NULL)) AS reports`,
    params,
  );
  return call;
}

/** The week of the quarter the forecast's latest data is in (1-13; a 14th calendar frame is week 13, as in the views). */
export async function currentWeek(wh: Warehouse, forecast: string, period: string): Promise<number | string | null> {
  const [week] = await wh.query<{ w: number | string | null }>(
    `SELECT CASE WHEN max(f.week_index) > 13 THEN 13 ELSE max(f.week_index) END AS w FROM (SELECT dense_rank() OVER (ORDER BY time_frame_id) AS week_index, time_frame_id FROM clari_time_frames WHERE time_period = $2) f
     WHERE f.time_frame_id <= (SELECT max(time_frame_id) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2)`,
    [forecast, period],
  );
  return week?.w ?? null;
}

/** Mean accuracy of reps at this week of the quarter over closed periods. */
export async function accuracyAtWeek(
  wh: Warehouse,
  forecast: string,
  field: string,
  weekIndex: number,
): Promise<string | null> {
  const [accuracy] = await wh.query<{ a: string | null }>(
    "SELECT avg(accuracy_pct) AS a FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND week_index = $3 AND period_status = 'closed' AND is_rep",
    [forecast, field, weekIndex],
  );
  return accuracy?.a ?? null;
}

/**
 * Per week of quarter over closed periods (reps): mean point accuracy, WAPE (sum |F - A| / sum A)
 * and bias ratio (sum (F - A) / sum A, > 0 over-forecast), pooled over every period.
 */
export function accuracyByWeek(wh: Warehouse, forecast: string, field: string): Promise<Rows> {
  return wh.query(
    `SELECT week_index, avg(accuracy_pct) AS accuracy, 100.0 * sum(abs(error_amount)) / nullif(sum(abs(actual_closed)), 0) AS wape,
            100.0 * sum(error_amount) / nullif(sum(actual_closed), 0) AS bias, count(DISTINCT time_period) AS periods
     FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND period_status = 'closed' AND is_rep
     GROUP BY week_index ORDER BY week_index`,
    [forecast, field],
  );
}

/** The rows of managers (who are not reps), which hold their team's totals. */
export function teamCoverage(wh: Warehouse, forecast: string, period: string, field: string): Promise<Rows> {
  return wh.query(
    `SELECT owner_name, owner_email, pipeline, remaining_quota, quota_amount, crm_closed, coverage, required_coverage
     FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3 AND NOT is_rep AND manager_user_id IS NOT NULL
     ORDER BY coverage ASC NULLS LAST, owner_name`,
    [forecast, period, field],
  );
}

export interface ChangeFilters {
  readonly forecast?: string | undefined;
  readonly period?: string | undefined;
  readonly days?: number | undefined;
  readonly limit?: number | undefined;
  readonly kind?: string | undefined;
  /** `rep`: owners nobody reports to; `manager`: roll-up rows (a manager's team total); default both. */
  readonly level?: OwnerLevel | undefined;
  /** One owner's changes only. */
  readonly userId?: string | undefined;
}

export const OWNER_LEVELS = ['rep', 'manager', 'all'] as const;
export type OwnerLevel = (typeof OWNER_LEVELS)[number];

/**
 * Managers are the current users someone reports to now: their rows are roll-ups (the team's
 * totals), so a move of theirs repeats their reps' moves. Joined as `mg`; `owner_level` says which.
 */
const MANAGERS = `managers AS (
  SELECT DISTINCT m.user_id FROM clari_users m JOIN clari_users r ON r.parent_hierarchy_id = m.hierarchy_id AND r.valid_to IS NULL
  WHERE m.valid_to IS NULL)`;
const OWNER_LEVEL = "CASE WHEN mg.user_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level";

/** The condition keeping changes of one level of owner (`mg` is the managers CTE, left-joined). */
function levelCondition(level: OwnerLevel | undefined): string | undefined {
  if (level === undefined || level === 'all') return undefined;
  return `mg.user_id IS ${level === 'rep' ? '' : 'NOT '}NULL`;
}

const CHANGE_COLUMNS =
  'c.current_snapshot, c.previous_snapshot, c.forecast_name, c.time_period, c.user_id, c.owner_name, c.owner_email, c.field_name, c.change_kind, c.previous_amount, c.current_amount, c.change_amount, c.change_pct';

/** The biggest moves of the last `days` days (by absolute amount). */
export function biggestChanges(wh: Warehouse, filters: ChangeFilters): Promise<Rows> {
  const params: SqlValue[] = [filters.days ?? 7];
  const where = [
    `c.current_snapshot > ${wh.dialect.minusDays('(SELECT max(current_snapshot) FROM clari_forecast_changes)', `CAST($1 AS ${wh.dialect.types.int})`)}`,
  ];
  if (filters.forecast) where.push(`c.forecast_name = $${params.push(filters.forecast)}`);
  if (filters.period) where.push(`c.time_period = $${params.push(filters.period)}`);
  where.push(`c.change_kind = $${params.push(filters.kind ?? 'changed')}`);
  if (filters.userId) where.push(`c.user_id = $${params.push(filters.userId)}`);
  const level = levelCondition(filters.level);
  if (level) where.push(level);
  return wh.query(
    `WITH ${MANAGERS}
     SELECT ${CHANGE_COLUMNS}, c.field_id, ${OWNER_LEVEL}
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id WHERE ${where.join(' AND ')}
     ORDER BY abs(coalesce(c.change_amount, 0)) DESC, c.owner_name LIMIT ${Math.max(1, Math.min(1000, filters.limit ?? 10))}`,
    params,
  );
}

/** One row per owner for the call field: the rep table. */
export function reps(
  wh: Warehouse,
  forecast: string,
  period: string,
  field: string,
): Promise<Record<string, string | number | boolean | null>[]> {
  return wh.query(
    `SELECT p.user_id, p.owner_name, p.owner_email, p.manager_user_id, p.manager_name, p.is_rep, p.forecast_amount, p.quota_amount, p.crm_closed, p.attainment_pct, p.forecast_to_quota_pct,
            p.bias_pct, p.weeks_since_update, p.largest_move_7d, c.coverage
     FROM v_rep_performance p
     LEFT JOIN v_pipeline_coverage c ON c.forecast_name = p.forecast_name AND c.time_period = p.time_period AND c.user_id = p.user_id AND c.field_id = p.field_id
     WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
     ORDER BY p.owner_name, p.user_id`,
    [forecast, period, field],
  );
}

/** The last runs, newest first. */
export function recentRuns(wh: Warehouse, limit: number): Promise<Rows> {
  return wh.query(
    `SELECT * FROM v_pipeline_health ORDER BY started_at DESC LIMIT ${Math.max(1, Math.min(500, limit))}`,
  );
}

/** When a run last loaded something. */
export async function lastSuccessAt(wh: Warehouse): Promise<string | null> {
  const [last] = await wh.query<{ t: string | null }>(
    "SELECT max(finished_at) AS t FROM clari_sync_runs WHERE status IN ('success', 'partial')",
  );
  return last?.t ?? null;
}

export interface ChangeListFilter {
  readonly since?: string | undefined;
  readonly forecasts: readonly string[];
  readonly periods: readonly string[];
  readonly minPct?: number | undefined;
  readonly kind?: string | undefined;
  readonly level?: OwnerLevel | undefined;
  readonly limit: number;
}

/** `clari-dp changes`: detected changes, newest snapshot first, biggest moves first. */
export function listChanges(wh: Warehouse, filter: ChangeListFilter): Promise<Rows> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, value: SqlValue): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  const list = (values: readonly string[]): string => values.map((v) => `$${params.push(v)}`).join(', ');
  if (filter.since !== undefined) add('c.current_snapshot >= ?', filter.since);
  if (filter.forecasts.length > 0) where.push(`c.forecast_name IN (${list(filter.forecasts)})`);
  if (filter.periods.length > 0) where.push(`c.time_period IN (${list(filter.periods)})`);
  if (filter.minPct !== undefined) add('abs(c.change_pct) >= ?', filter.minPct);
  if (filter.kind !== undefined) add('c.change_kind = ?', filter.kind);
  const level = levelCondition(filter.level);
  if (level) where.push(level);
  return wh.query(
    `WITH ${MANAGERS}
     SELECT ${CHANGE_COLUMNS.replace('c.previous_snapshot, ', '')}, ${OWNER_LEVEL}
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.current_snapshot DESC, abs(coalesce(c.change_amount, 0)) DESC LIMIT ${filter.limit}`,
    params,
  );
}

/** Rows per main table, for the demo's summary. */
export function tableCounts(wh: Warehouse): Promise<{ t: string; n: string }[]> {
  return wh.query<{ t: string; n: string }>(
    `SELECT 'clari_forecast_entries (versions)' AS t, count(*) AS n FROM clari_forecast_entries
       UNION ALL SELECT 'clari_users (versions)', count(*) FROM clari_users
       UNION ALL SELECT 'clari_forecasts (daily rows)', count(*) FROM clari_forecasts
       UNION ALL SELECT 'clari_forecast_changes', count(*) FROM clari_forecast_changes
       UNION ALL SELECT 'clari_snapshots', count(*) FROM clari_snapshots
       UNION ALL SELECT 'clari_activities', count(*) FROM clari_activities
       UNION ALL SELECT 'clari_activity_participants', count(*) FROM clari_activity_participants
       UNION ALL SELECT 'clari_activity_opportunities', count(*) FROM clari_activity_opportunities
       UNION ALL SELECT 'clari_activity_accounts', count(*) FROM clari_activity_accounts
       UNION ALL SELECT 'clari_opportunities (versions)', count(*) FROM clari_opportunities
       UNION ALL SELECT 'clari_opportunity_field_history', count(*) FROM clari_opportunity_field_history`,
  );
}

/** The biggest moves of reps (not roll-ups) on one snapshot date, for the demo's summary. */
export function biggestMovesOn(wh: Warehouse, snapshot: string, limit = 8): Promise<Record<string, string | null>[]> {
  return wh.query<Record<string, string | null>>(
    `WITH ${MANAGERS}
     SELECT c.owner_name, c.owner_email, c.forecast_name, c.time_period, c.field_name, c.previous_amount, c.current_amount, c.change_amount, c.change_pct,
            c.user_id, c.field_id, c.current_snapshot
       FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
       WHERE c.current_snapshot = $1 AND c.change_kind = 'changed' AND c.change_pct IS NOT NULL AND mg.user_id IS NULL
       ORDER BY abs(c.change_amount) DESC, c.owner_name LIMIT ${Math.max(1, Math.min(100, limit))}`,
    [snapshot],
  );
}

/** The current users someone reports to (whose rows are their team's roll-ups). */
export async function managerIds(wh: Warehouse): Promise<string[]> {
  const rows = await wh.query<{ user_id: string }>(`WITH ${MANAGERS} SELECT user_id FROM managers ORDER BY user_id`);
  return rows.map((r) => r.user_id);
}

/** Names that more than one current user has: shown with an e-mail wherever a name is shown. */
export async function namesakes(wh: Warehouse): Promise<string[]> {
  const rows = await wh.query<{ name: string }>(
    'SELECT name FROM clari_users WHERE valid_to IS NULL AND name IS NOT NULL GROUP BY name HAVING count(DISTINCT user_id) > 1',
  );
  return rows.map((r) => r.name);
}

/** Users in the hierarchy now (current versions). */
export async function currentUsers(wh: Warehouse): Promise<number> {
  const [row] = await wh.query<{ n: number | string }>('SELECT count(*) AS n FROM clari_users WHERE valid_to IS NULL');
  return Number(row?.n ?? 0);
}

/**
 * Week by week of one period (weeks folded to 13 as in the views): the top of the hierarchy's call
 * on the field, the sum of its direct reports' calls (for a top without a call), its quota and closed.
 */
export function trendByWeek(wh: Warehouse, forecast: string, period: string, field: string): Promise<Rows> {
  return wh.query(
    `WITH ranked AS (
       SELECT time_frame_id, dense_rank() OVER (ORDER BY time_frame_id) AS frame_rank, count(*) OVER () AS frame_count
       FROM clari_time_frames WHERE time_period = $2),
     frames AS (
       SELECT time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM ranked
       WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
     tops AS (
       SELECT DISTINCT user_id FROM v_rep_performance WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3 AND manager_user_id IS NULL),
     heads AS (
       SELECT DISTINCT p.user_id FROM v_rep_performance p JOIN tops t ON t.user_id = p.manager_user_id
       WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3)
     SELECT f.week_index,
       sum(CASE WHEN e.field_id = $3 AND t.user_id IS NOT NULL THEN e.forecast_value END) AS own_call,
       sum(CASE WHEN e.field_id = $3 AND h.user_id IS NOT NULL THEN e.forecast_value END) AS reports_call,
       sum(CASE WHEN e.field_id = $3 AND t.user_id IS NOT NULL THEN e.crm_closed_value END) AS closed,
       sum(CASE WHEN q.is_quota AND t.user_id IS NOT NULL THEN e.quota_value END) AS quota
     FROM clari_forecast_entries e
     JOIN frames f ON f.time_frame_id = e.time_frame_id
     JOIN clari_fields q ON q.forecast_id = e.forecast_id AND q.field_id = e.field_id
     LEFT JOIN tops t ON t.user_id = e.user_id
     LEFT JOIN heads h ON h.user_id = e.user_id
     WHERE e.valid_to IS NULL AND e.forecast_id = $1 AND e.time_period = $2
     GROUP BY f.week_index ORDER BY f.week_index`,
    [forecast, period, field],
  );
}

/** Whether deals were ever loaded: activity windows and opportunity refreshes, and the latest refresh date. */
export async function dealDataState(
  wh: Warehouse,
): Promise<{ windows: number; refreshes: number; asOf: string | null }> {
  const [row] = await wh.query<{ w: string | number; r: string | number; d: string | null }>(
    `SELECT (SELECT count(*) FROM clari_activity_windows) AS w, (SELECT count(*) FROM clari_opportunity_snapshots) AS r,
            (SELECT max(as_of) FROM clari_opportunity_snapshots) AS d`,
  );
  return { windows: Number(row?.w ?? 0), refreshes: Number(row?.r ?? 0), asOf: row?.d ?? null };
}

/** One call change (kind `changed`) by its key, shaped like biggestChanges' rows. */
export function changeByKey(
  wh: Warehouse,
  key: { forecast: string; period: string; userId: string; fieldId: string; snapshot: string },
): Promise<Rows> {
  return wh.query(
    `WITH ${MANAGERS}
     SELECT ${CHANGE_COLUMNS}, c.field_id, ${OWNER_LEVEL}
     FROM clari_forecast_changes c LEFT JOIN managers mg ON mg.user_id = c.user_id
     WHERE c.forecast_name = $1 AND c.time_period = $2 AND c.user_id = $3 AND c.field_id = $4 AND c.current_snapshot = $5
       AND c.change_kind = 'changed'`,
    [key.forecast, key.period, key.userId, key.fieldId, key.snapshot],
  );
}

const DEAL_MOVE_COLUMNS =
  'opportunity_id, opportunity_name, deal_owner_user_id, deal_owner_name, deal_owner_email, previous_amount, current_amount, amount_change, previous_stage, current_stage, previous_close_date, current_close_date, amount_changed, stage_changed, close_date_changed, owner_changed, slipped, pulled_in, crm_score, crm_score_message';

/**
 * The deals behind some call changes (v_deal_movement), the largest amount changes first, with each
 * row's change key: one statement for all of them (a report lists up to 1,000 changes: 5,000
 * parameters), none for no change.
 */
export function dealMovesOf(
  wh: Warehouse,
  keys: readonly { forecast: string; period: string; userId: string; fieldId: string; snapshot: string }[],
): Promise<Record<string, string | number | boolean | null>[]> {
  if (keys.length === 0) return Promise.resolve([]);
  const params: SqlValue[] = [];
  const matches = keys.map(
    (k) =>
      `(forecast_name = $${params.push(k.forecast)} AND time_period = $${params.push(k.period)} AND user_id = $${params.push(k.userId)}` +
      ` AND field_id = $${params.push(k.fieldId)} AND current_snapshot = $${params.push(k.snapshot)})`,
  );
  return wh.query(
    `SELECT forecast_name, time_period, user_id, field_id, current_snapshot, ${DEAL_MOVE_COLUMNS} FROM v_deal_movement
     WHERE ${matches.join('\n        OR ')}
     ORDER BY abs(amount_change) DESC, opportunity_name, opportunity_id`,
    params,
  );
}

/** Current users a name, e-mail or user id names (case-insensitive), to filter by owner. */
export function usersNamed(
  wh: Warehouse,
  text: string,
): Promise<{ user_id: string; name: string | null; email: string | null }[]> {
  return wh.query(
    `SELECT user_id, name, email FROM clari_users
     WHERE valid_to IS NULL AND (user_id = $1 OR lower(email) = lower($1) OR lower(name) = lower($1))
     ORDER BY name, email, user_id`,
    [text],
  );
}

export interface AtRiskFilter {
  /** No meeting in more than this many days. */
  readonly quietDays: number;
  /** Large: at least this amount; default the top quarter by amount (v_deal_engagement.is_large). */
  readonly minAmount?: number | undefined;
  /** Deals of this user and of everyone below them in the hierarchy. */
  readonly userId?: string | undefined;
  readonly limit: number;
}

/** The deals at risk (views.ts atRiskCondition) with the report's thresholds, the largest first, with their total. */
export function dealsAtRisk(
  wh: Warehouse,
  filter: AtRiskFilter,
): Promise<Record<string, string | number | boolean | null>[]> {
  const params: SqlValue[] = [filter.quietDays];
  const days = `CAST($1 AS ${wh.dialect.types.int})`;
  const minAmount =
    filter.minAmount === undefined ? undefined : `CAST($${params.push(filter.minAmount)} AS ${wh.dialect.types.money})`;
  const team =
    filter.userId === undefined
      ? ''
      : `JOIN team tm ON tm.crm_id = e.owner_crm_id AND tm.lead_user_id = $${params.push(filter.userId)}`;
  const ctes = filter.userId === undefined ? '' : `WITH RECURSIVE ${teamCtes((name) => name, wh.dialect.types.int)}\n`;
  return wh.query(
    `${ctes}SELECT e.*, ${noRecentMeeting('e', days)} AS no_recent_meeting, count(*) OVER () AS total
     FROM v_deal_engagement e ${team}
     WHERE ${atRiskCondition('e', days, minAmount)}
     ORDER BY e.amount DESC, e.opportunity_id LIMIT ${Math.max(1, Math.min(1000, filter.limit))}`,
    params,
  );
}

/** The period a date falls in (clari_time_periods), or null. */
export async function quarterOf(wh: Warehouse, date: string): Promise<string | null> {
  const [row] = await wh.query<{ p: string }>(
    'SELECT min(time_period) AS p FROM clari_time_periods WHERE start_date <= $1 AND end_date >= $1',
    [date],
  );
  return row?.p ?? null;
}
