/**
 * The analytics views (design.md section 4; definitions from revops-domain.md section 2), as SQL
 * built per dialect from one text: the Dialect supplies type names, table references (qualified on
 * BigQuery, whose stored views resolve names later), quoting of reserved words and date arithmetic.
 * The text avoids what one engine lacks: no correlated subqueries in the SELECT list (Snowflake),
 * no NULL-skipping greatest() (Snowflake and BigQuery return NULL). Actuals count only for closed
 * periods (a snapshot exists after the period's end); hierarchy columns come as-was (the user
 * versions valid at the period's latest snapshot) and as-is.
 */
import type { Dialect } from '../dialect.js';

export const VIEW_NAMES = [
  'v_forecast_accuracy',
  'v_pipeline_coverage',
  'v_rep_performance',
  'v_pipeline_health',
  'v_export_health',
  'v_deal_movement',
  'v_deal_engagement',
  'v_deals_at_risk',
] as const;

export type ViewName = (typeof VIEW_NAMES)[number];

/**
 * Shared building blocks: week numbers, latest snapshots, period status, one user per hierarchy node, nodes that lead others.
 * A quarter has 13 weeks: when its calendar has 14 frames (Monday weeks cut at both ends of the
 * quarter), the last frame is week 13 and the one before it is left out, so week 13 is the final call.
 */
function commonCtes(t: (table: string) => string): string {
  return `frames AS (
    SELECT time_period, time_frame_id, CASE WHEN frame_rank > 13 THEN 13 ELSE frame_rank END AS week_index FROM (
      SELECT time_period, time_frame_id, dense_rank() OVER (PARTITION BY time_period ORDER BY time_frame_id) AS frame_rank,
             count(*) OVER (PARTITION BY time_period) AS frame_count
      FROM ${t('clari_time_frames')}) ranked
    WHERE frame_count <= 13 OR frame_rank <= 12 OR frame_rank = frame_count),
  latest AS (
    SELECT forecast_name, time_period, max(snapshot_date) AS snapshot_date FROM ${t('clari_forecasts')} GROUP BY forecast_name, time_period),
  period_status AS (
    SELECT p.time_period, CASE WHEN p.end_date < (SELECT max(snapshot_date) FROM ${t('clari_snapshots')}) THEN 'closed' ELSE 'in progress' END AS status
    FROM ${t('clari_time_periods')} p),
  nodes AS (
    SELECT hierarchy_id, min(user_id) AS user_id FROM ${t('clari_users')} WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL GROUP BY hierarchy_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM ${t('clari_users')} WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL)`;
}

/**
 * Owner name of the manager, as-was (versions valid on `dateExpr`) and as-is (current versions), and
 * whether the owner leads anyone (`lr`): an owner nobody reports to is a rep.
 */
function managerJoins(t: (table: string) => string, userExpr: string, dateExpr: string): string {
  return `LEFT JOIN ${t('clari_users')} uw ON uw.user_id = ${userExpr} AND uw.valid_from <= ${dateExpr} AND (uw.valid_to IS NULL OR uw.valid_to > ${dateExpr})
  LEFT JOIN nodes nw ON nw.hierarchy_id = uw.parent_hierarchy_id
  LEFT JOIN ${t('clari_users')} mw ON mw.user_id = nw.user_id AND mw.valid_to IS NULL
  LEFT JOIN ${t('clari_users')} ui ON ui.user_id = ${userExpr} AND ui.valid_to IS NULL
  LEFT JOIN nodes ni ON ni.hierarchy_id = ui.parent_hierarchy_id
  LEFT JOIN ${t('clari_users')} mi ON mi.user_id = ni.user_id AND mi.valid_to IS NULL
  LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id`;
}

const MANAGER_COLUMNS = `uw.hierarchy_name, mw.user_id AS manager_user_id, mw.name AS manager_name, mi.name AS manager_name_as_is,
  lr.hierarchy_id IS NULL AS is_rep`;

/** The SELECT of each view, for `dialect`. */
/** What every view's text is built with, for one dialect. */
interface ViewHelpers {
  readonly t: (table: string) => string;
  readonly col: (name: string) => string;
  /** A ratio as an exact decimal (round() works on it on every engine); NULL when the divisor is 0. */
  readonly ratio: (numerator: string, denominator: string) => string;
  readonly ctes: string;
  /** greatest() skips NULLs on DuckDB and PostgreSQL only; coalesce first so every engine agrees. */
  readonly remaining: string;
  readonly double: string;
  readonly exact: string;
  readonly int: string;
  readonly minusDays: Dialect['minusDays'];
  readonly daysBetween: Dialect['daysBetween'];
}

/** The SELECT of each view, for `dialect`. */
export function viewStatements(dialect: Dialect): Record<ViewName, string> {
  const { double, ratio: exact, int } = dialect.types;
  const t = (table: string): string => dialect.table(table);
  const h: ViewHelpers = {
    t,
    col: (name) => dialect.ident(name),
    ratio: (numerator, denominator) => `CAST(${numerator} AS ${exact}) / NULLIF(CAST(${denominator} AS ${exact}), 0)`,
    ctes: commonCtes(t),
    remaining: 'greatest(coalesce(c.quota_amount - c.crm_closed, 0), 0)',
    double,
    exact,
    int,
    minusDays: (date, days) => dialect.minusDays(date, days),
    daysBetween: (from, to) => dialect.daysBetween(from, to),
  };
  return {
    v_forecast_accuracy: forecastAccuracyView(h),
    v_pipeline_coverage: pipelineCoverageView(h),
    v_rep_performance: repPerformanceView(h),
    v_pipeline_health: pipelineHealthView(h),
    v_export_health: exportHealthView(h),
    v_deal_movement: dealMovementView(h),
    v_deal_engagement: dealEngagementView(h),
    v_deals_at_risk: dealsAtRiskView(h),
  };
}

/**
 * Call at week N of each owner and call field, against what closed: point accuracy
 * (1 - |F - A| / A, floored at 0, revops-domain.md 2.1), signed error (bias: > 0 means
 * over-forecast) and WAPE across reps (sum |F - A| / sum A).
 */
function forecastAccuracyView({ t, ratio, ctes, exact }: ViewHelpers): string {
  return `WITH ${ctes},
  calls AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, f.week_index, e.time_frame_id, e.forecast_value AS forecast_amount
    FROM ${t('clari_forecast_entries')} e
    JOIN ${t('clari_fields')} cf ON cf.forecast_id = e.forecast_id AND cf.field_id = e.field_id AND NOT coalesce(cf.is_quota, FALSE)
    JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL),
  actuals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, l.snapshot_date, max(c.crm_closed) AS actual, max(c.owner_name) AS owner_name, max(c.owner_email) AS owner_email
    FROM ${t('clari_forecasts')} c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    GROUP BY c.forecast_name, c.time_period, c.user_id, l.snapshot_date),
  scored AS (
    SELECT k.forecast_id AS forecast_name, k.time_period, coalesce(s.status, 'in progress') AS period_status,
           k.user_id, a.owner_name, a.owner_email, ${MANAGER_COLUMNS},
           k.field_id, fl.field_name, k.week_index, k.time_frame_id, k.forecast_amount,
           CASE WHEN s.status = 'closed' THEN a.actual END AS actual_closed
    FROM calls k
    LEFT JOIN actuals a ON a.forecast_name = k.forecast_id AND a.time_period = k.time_period AND a.user_id = k.user_id
    LEFT JOIN period_status s ON s.time_period = k.time_period
    LEFT JOIN ${t('clari_fields')} fl ON fl.forecast_id = k.forecast_id AND fl.field_id = k.field_id
    ${managerJoins(t, 'k.user_id', 'a.snapshot_date')})
SELECT scored.*,
  round(CAST(CASE WHEN ${ratio('abs(forecast_amount - actual_closed)', 'actual_closed')} > 1 THEN 0
    ELSE (1 - ${ratio('abs(forecast_amount - actual_closed)', 'actual_closed')}) * 100 END AS ${exact}), 1) AS accuracy_pct,
  forecast_amount - actual_closed AS error_amount,
  round(CAST(${ratio('forecast_amount - actual_closed', 'actual_closed')} * 100 AS ${exact}), 1) AS bias_pct,
  round(CAST(${ratio(
    'sum(CASE WHEN is_rep THEN abs(forecast_amount - actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index)',
    'sum(CASE WHEN is_rep THEN abs(actual_closed) END) OVER (PARTITION BY forecast_name, time_period, field_id, week_index)',
  )} * 100 AS ${exact}), 1) AS wape_pct
FROM scored`;
}

/**
 * Coverage per owner and call field in each period's latest snapshot (revops-domain.md 2.4, 2.5):
 * open pipeline (the Pipeline field's CRM total minus closed, whichever call field the row is for;
 * a forecast without a field named like "Pipeline" uses the row's own field) over the quota still
 * to close. Manager rows are their team's totals (Clari rolls them up). Required coverage is
 * 1 / win rate, the win rate being what closed in each of the owner's last four closed quarters
 * over the open pipeline of that quarter's week 1: the share of starting pipeline that was won.
 */
function pipelineCoverageView({ t, ratio, ctes, remaining, exact }: ViewHelpers): string {
  return `WITH ${ctes},
  pipe_field AS (
    SELECT forecast_id, min(field_id) AS field_id FROM ${t('clari_fields')}
    WHERE NOT coalesce(is_quota, FALSE) AND lower(coalesce(field_name, field_id)) LIKE '%pipeline%' GROUP BY forecast_id),
  week_one AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.crm_total_value - coalesce(e.crm_closed_value, 0) AS start_pipeline
    FROM ${t('clari_forecast_entries')} e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    JOIN pipe_field pf ON pf.forecast_id = e.forecast_id AND pf.field_id = e.field_id
    WHERE e.valid_to IS NULL AND f.week_index = 1),
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, max(c.crm_closed) AS closed_won
    FROM ${t('clari_forecasts')} c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    GROUP BY c.forecast_name, c.time_period, c.user_id),
  win_periods AS (
    SELECT f.forecast_name, f.user_id, f.closed_won, w.start_pipeline,
           dense_rank() OVER (PARTITION BY f.forecast_name, f.user_id ORDER BY f.time_period DESC) AS recency
    FROM finals f JOIN week_one w ON w.forecast_id = f.forecast_name AND w.time_period = f.time_period AND w.user_id = f.user_id
    WHERE w.start_pipeline > 0 AND f.closed_won IS NOT NULL),
  win AS (
    SELECT forecast_name, user_id, ${ratio('sum(closed_won)', 'sum(start_pipeline)')} AS win_rate, count(*) AS periods
    FROM win_periods WHERE recency <= 4 GROUP BY forecast_name, user_id),
  rows_in AS (
    SELECT c.*, coalesce(p.crm_total, c.crm_total) - c.crm_closed AS open_pipeline,
           ${remaining} AS quota_left, coalesce(pf.field_id, c.field_id) AS pipeline_field_id
    FROM ${t('clari_forecasts')} c
    JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    LEFT JOIN pipe_field pf ON pf.forecast_id = c.forecast_name
    LEFT JOIN ${t('clari_forecasts')} p ON p.forecast_name = c.forecast_name AND p.time_period = c.time_period AND p.snapshot_date = c.snapshot_date
      AND p.user_id = c.user_id AND p.field_id = pf.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, ${MANAGER_COLUMNS},
  c.field_id, c.field_name, c.crm_total, c.crm_closed, c.open_pipeline AS pipeline, c.pipeline_field_id, c.quota_amount,
  c.quota_left AS remaining_quota,
  round(CAST(${ratio('c.open_pipeline', 'c.quota_left')} AS ${exact}), 2) AS coverage,
  round(CAST(win.win_rate AS ${exact}), 4) AS win_rate, coalesce(win.periods, 0) AS win_rate_periods,
  round(CAST(${ratio('1', 'win.win_rate')} AS ${exact}), 2) AS required_coverage
FROM rows_in c
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN win ON win.forecast_name = c.forecast_name AND win.user_id = c.user_id
${managerJoins(t, 'c.user_id', 'c.snapshot_date')}`;
}

/**
 * Per owner and call field in each period's latest snapshot: attainment, forecast vs quota, bias
 * over up to four previous closed quarters (final call vs closed), submission hygiene, and the
 * largest move of the last 7 days.
 */
function repPerformanceView({ t, ratio, ctes, exact, minusDays }: ViewHelpers): string {
  return `WITH ${ctes},
  finals AS (
    SELECT c.forecast_name, c.time_period, c.user_id, c.field_id, c.forecast_amount, c.crm_closed,
           dense_rank() OVER (PARTITION BY c.forecast_name, c.user_id, c.field_id ORDER BY c.time_period DESC) AS recency
    FROM ${t('clari_forecasts')} c JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
    JOIN period_status s ON s.time_period = c.time_period AND s.status = 'closed'
    WHERE c.forecast_amount IS NOT NULL AND c.crm_closed IS NOT NULL),
  bias AS (
    SELECT forecast_name, user_id, field_id, count(*) AS bias_periods,
           round(CAST(${ratio('sum(forecast_amount - crm_closed)', 'sum(crm_closed)')} * 100 AS ${exact}), 1) AS bias_pct
    FROM finals WHERE recency <= 4 GROUP BY forecast_name, user_id, field_id),
  weekly AS (
    SELECT e.forecast_id, e.time_period, e.user_id, e.field_id, max(f.week_index) AS latest_week, max(CASE WHEN e.is_updated THEN f.week_index END) AS updated_week
    FROM ${t('clari_forecast_entries')} e JOIN frames f ON f.time_period = e.time_period AND f.time_frame_id = e.time_frame_id
    WHERE e.valid_to IS NULL GROUP BY e.forecast_id, e.time_period, e.user_id, e.field_id),
  moves AS (
    SELECT ch.forecast_name, ch.time_period, ch.user_id, ch.field_id, max(abs(ch.change_amount)) AS largest_move
    FROM ${t('clari_forecast_changes')} ch JOIN latest l ON l.forecast_name = ch.forecast_name AND l.time_period = ch.time_period
    WHERE ch.change_kind = 'changed' AND ch.current_snapshot > ${minusDays('l.snapshot_date', '7')}
    GROUP BY ch.forecast_name, ch.time_period, ch.user_id, ch.field_id)
SELECT c.forecast_name, c.time_period, c.snapshot_date, coalesce(s.status, 'in progress') AS period_status,
  c.user_id, c.owner_name, c.owner_email, ${MANAGER_COLUMNS},
  c.field_id, c.field_name, c.forecast_amount, c.quota_amount, c.crm_closed, c.crm_total, c.adjustment_amount,
  round(CAST(${ratio('c.crm_closed', 'c.quota_amount')} * 100 AS ${exact}), 1) AS attainment_pct,
  round(CAST(${ratio('c.forecast_amount', 'c.quota_amount')} * 100 AS ${exact}), 1) AS forecast_to_quota_pct,
  b.bias_pct, coalesce(b.bias_periods, 0) AS bias_periods,
  c.is_updated, w.latest_week - coalesce(w.updated_week, 0) AS weeks_since_update,
  m.largest_move AS largest_move_7d
FROM ${t('clari_forecasts')} c
JOIN latest l ON l.forecast_name = c.forecast_name AND l.time_period = c.time_period AND l.snapshot_date = c.snapshot_date
LEFT JOIN period_status s ON s.time_period = c.time_period
LEFT JOIN bias b ON b.forecast_name = c.forecast_name AND b.user_id = c.user_id AND b.field_id = c.field_id
LEFT JOIN weekly w ON w.forecast_id = c.forecast_name AND w.time_period = c.time_period AND w.user_id = c.user_id AND w.field_id = c.field_id
LEFT JOIN moves m ON m.forecast_name = c.forecast_name AND m.time_period = c.time_period AND m.user_id = c.user_id AND m.field_id = c.field_id
${managerJoins(t, 'c.user_id', 'c.snapshot_date')}`;
}

/**
 * One row per run: completion rate, export latency, rows, failures, and the previous success (a
 * join, not a correlated subquery, which Snowflake cannot run in a SELECT list).
 */
function pipelineHealthView({ t, col, ratio, double, exact }: ViewHelpers): string {
  return `WITH jobs AS (
  SELECT run_id, count(*) AS exports, sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
         sum(CASE WHEN cached THEN 1 ELSE 0 END) AS cached, avg(CAST(latency_ms AS ${double})) AS avg_latency_ms, max(latency_ms) AS max_latency_ms,
         sum(coalesce(poll_count, 0)) AS polls
  FROM ${t('clari_export_jobs')} GROUP BY run_id),
successes AS (
  SELECT r.run_id, max(p.finished_at) AS last_success_at
  FROM ${t('clari_sync_runs')} r JOIN ${t('clari_sync_runs')} p ON p.status = 'success' AND p.finished_at <= coalesce(r.finished_at, r.started_at)
  GROUP BY r.run_id)
SELECT r.run_id, r.started_at, r.finished_at, r.status, r.${col('trigger')}, r.as_of, coalesce(j.exports, 0) AS exports, coalesce(j.failed, 0) AS exports_failed,
  coalesce(j.cached, 0) AS exports_cached,
  round(CAST(${ratio('coalesce(j.exports, 0) - coalesce(j.failed, 0)', 'j.exports')} * 100 AS ${exact}), 1) AS completion_pct,
  round(CAST(j.avg_latency_ms AS ${exact}), 0) AS avg_latency_ms, j.max_latency_ms, j.polls,
  r.rows_loaded, r.changes, r.alerts, r.duration_ms, r.quota_left, r.quota_limit, r.error, s.last_success_at
FROM ${t('clari_sync_runs')} r LEFT JOIN jobs j ON j.run_id = r.run_id LEFT JOIN successes s ON s.run_id = r.run_id`;
}

/**
 * One row per export of every run.
 */
function exportHealthView({ t, col }: ViewHelpers): string {
  return `SELECT j.run_id, r.started_at AS run_started_at, j.forecast_id, j.time_period, j.snapshot_date, j.job_id, j.status, j.cached, j.attempts, j.poll_count,
  j.latency_ms, j.${col('rows')}, j.payload_bytes, j.reconciled, j.rows_truncated, j.cells_truncated, j.error_code, j.error, j.warnings
FROM ${t('clari_export_jobs')} j LEFT JOIN ${t('clari_sync_runs')} r ON r.run_id = j.run_id`;
}

/**
 * Who answers for whose deals, in the current hierarchy (as `owner_level` in the lists of changes):
 * `team` pairs each current user with their own CRM id and the CRM ids of everyone below them,
 * walking hierarchy nodes down from theirs (at most 20 levels, which also ends a cycle). A manager's
 * forecast row is their team's roll-up, so their deals are their team's. Needs `WITH RECURSIVE`.
 */
export function teamCtes(t: (table: string) => string, int: string): string {
  return `edges AS (
    SELECT DISTINCT hierarchy_id, parent_hierarchy_id FROM ${t('clari_users')} WHERE valid_to IS NULL AND hierarchy_id IS NOT NULL),
  subtree AS (
    SELECT hierarchy_id AS root_id, hierarchy_id, CAST(0 AS ${int}) AS depth FROM edges
    UNION ALL
    SELECT s.root_id, e.hierarchy_id, CAST(s.depth + 1 AS ${int}) AS depth FROM subtree s JOIN edges e ON e.parent_hierarchy_id = s.hierarchy_id
    WHERE s.depth < 20),
  team AS (
    SELECT DISTINCT lead_user_id, crm_id FROM (
      SELECT r.user_id AS lead_user_id, m.crm_id FROM ${t('clari_users')} r
      JOIN subtree s ON s.root_id = r.hierarchy_id
      JOIN ${t('clari_users')} m ON m.hierarchy_id = s.hierarchy_id AND m.valid_to IS NULL
      WHERE r.valid_to IS NULL
      UNION ALL
      SELECT user_id AS lead_user_id, crm_id FROM ${t('clari_users')} WHERE valid_to IS NULL) members
    WHERE crm_id IS NOT NULL)`;
}

/**
 * The deals behind each forecast change (a `changed` row of clari_forecast_changes: a call that
 * moved): the opportunities of the owner (a manager: of anyone in their team) that changed amount,
 * stage, close date or owner between the change's two snapshots, comparing the opportunity versions
 * valid on each date, and that close in the change's period on either date. One row per change and
 * opportunity. A deal clari-dp first saw after the earlier snapshot is not listed (its state then is
 * unknown); `slipped`: the close date moved from inside the period to after its end; `pulled_in`:
 * from after its end into it.
 */
function dealMovementView({ t, int }: ViewHelpers): string {
  const within = (date: string): string => `(${date} >= p.start_date AND ${date} <= p.end_date)`;
  return `WITH RECURSIVE ${teamCtes(t, int)},
  pairs AS (
    SELECT DISTINCT previous_snapshot, current_snapshot FROM ${t('clari_forecast_changes')}
    WHERE change_kind = 'changed' AND previous_snapshot IS NOT NULL),
  moved AS (
    SELECT x.previous_snapshot, x.current_snapshot, a.opportunity_id, a.name AS opportunity_name,
           b.owner_crm_id AS previous_owner_crm_id, a.owner_crm_id AS current_owner_crm_id,
           b.amount AS previous_amount, a.amount AS current_amount, b.stage AS previous_stage, a.stage AS current_stage,
           b.close_date AS previous_close_date, a.close_date AS current_close_date, a.crm_score, a.crm_score_message
    FROM pairs x
    JOIN ${t('clari_opportunities')} a ON a.valid_from <= x.current_snapshot AND (a.valid_to IS NULL OR a.valid_to > x.current_snapshot)
    JOIN ${t('clari_opportunities')} b ON b.opportunity_id = a.opportunity_id
      AND b.valid_from <= x.previous_snapshot AND (b.valid_to IS NULL OR b.valid_to > x.previous_snapshot)
    WHERE b.amount IS DISTINCT FROM a.amount OR b.stage IS DISTINCT FROM a.stage OR b.close_date IS DISTINCT FROM a.close_date
      OR b.owner_crm_id IS DISTINCT FROM a.owner_crm_id),
  holders AS (
    SELECT previous_snapshot, current_snapshot, opportunity_id, previous_owner_crm_id AS crm_id FROM moved
    UNION ALL
    SELECT previous_snapshot, current_snapshot, opportunity_id, current_owner_crm_id AS crm_id FROM moved),
  under AS (
    SELECT DISTINCT tm.lead_user_id AS user_id, h.previous_snapshot, h.current_snapshot, h.opportunity_id
    FROM holders h JOIN team tm ON tm.crm_id = h.crm_id),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM ${t('clari_users')} WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id),
  leads AS (
    SELECT DISTINCT parent_hierarchy_id AS hierarchy_id FROM ${t('clari_users')} WHERE valid_to IS NULL AND parent_hierarchy_id IS NOT NULL)
SELECT c.forecast_name, c.time_period, c.field_id, c.field_name, c.user_id, c.owner_name, c.owner_email,
  CASE WHEN lr.hierarchy_id IS NULL THEN 'rep' ELSE 'manager' END AS owner_level,
  c.previous_snapshot, c.current_snapshot, c.previous_amount AS previous_call, c.current_amount AS current_call, c.change_amount AS call_change,
  d.opportunity_id, d.opportunity_name, d.current_owner_crm_id AS deal_owner_crm_id, du.user_id AS deal_owner_user_id,
  du.name AS deal_owner_name, du.email AS deal_owner_email, d.previous_owner_crm_id,
  d.previous_amount, d.current_amount, coalesce(d.current_amount, 0) - coalesce(d.previous_amount, 0) AS amount_change,
  d.previous_stage, d.current_stage, d.previous_close_date, d.current_close_date,
  d.previous_amount IS DISTINCT FROM d.current_amount AS amount_changed,
  d.previous_stage IS DISTINCT FROM d.current_stage AS stage_changed,
  d.previous_close_date IS DISTINCT FROM d.current_close_date AS close_date_changed,
  d.previous_owner_crm_id IS DISTINCT FROM d.current_owner_crm_id AS owner_changed,
  coalesce(${within('d.previous_close_date')} AND d.current_close_date > p.end_date, FALSE) AS slipped,
  coalesce(d.previous_close_date > p.end_date AND ${within('d.current_close_date')}, FALSE) AS pulled_in,
  d.crm_score, d.crm_score_message
FROM ${t('clari_forecast_changes')} c
JOIN ${t('clari_time_periods')} p ON p.time_period = c.time_period
JOIN under u ON u.user_id = c.user_id AND u.previous_snapshot = c.previous_snapshot AND u.current_snapshot = c.current_snapshot
JOIN moved d ON d.opportunity_id = u.opportunity_id AND d.previous_snapshot = c.previous_snapshot AND d.current_snapshot = c.current_snapshot
LEFT JOIN crm_users cu ON cu.crm_id = d.current_owner_crm_id
LEFT JOIN ${t('clari_users')} du ON du.user_id = cu.user_id AND du.valid_to IS NULL
LEFT JOIN ${t('clari_users')} ui ON ui.user_id = c.user_id AND ui.valid_to IS NULL
LEFT JOIN leads lr ON lr.hierarchy_id = ui.hierarchy_id
WHERE c.change_kind = 'changed' AND (${within('d.previous_close_date')} OR ${within('d.current_close_date')})`;
}

/** "No meeting in N days" and "deals at risk" (docs/analytics.md): the defaults of v_deals_at_risk. */
export const AT_RISK = {
  /** A deal with no meeting loaded in more than this many days before the as-of date has gone quiet. */
  quietDays: 14,
  /** Large: an amount at or above this percent rank among the open deals closing this quarter (the top quarter). */
  largePercentRank: 0.75,
} as const;

/** No meeting in more than `days` days before the as-of date, or none loaded at all. */
export function noRecentMeeting(alias: string, days: string): string {
  return `(${alias}.last_meeting_at IS NULL OR ${alias}.days_since_last_meeting > ${days})`;
}

/**
 * A deal at risk: open, closing this quarter, large (`is_large`, or at least `minAmount` when given),
 * and its CRM score falling or no meeting in `days` days. One definition for the view (with the
 * defaults) and the report's parameters.
 */
export function atRiskCondition(alias: string, days: string, minAmount?: string): string {
  const large = minAmount === undefined ? `${alias}.is_large` : `${alias}.amount >= ${minAmount}`;
  return `${alias}.is_open AND ${alias}.closing_this_quarter AND ${large} AND (${alias}.score_falling OR ${noRecentMeeting(alias, days)})`;
}

/**
 * The parts of v_deal_engagement: its CTEs and its SELECT, so v_deals_at_risk is built on the same
 * text (a view here never reads another view: the dbt marts are built from staging models).
 */
function engagementParts({ t, ratio, exact, daysBetween }: ViewHelpers): { ctes: string; select: string } {
  const ctes = `ref AS (
    SELECT max(as_of) AS as_of FROM ${t('clari_opportunity_snapshots')}),
  quarter AS (
    SELECT min(p.time_period) AS time_period, min(p.start_date) AS start_date, min(p.end_date) AS end_date
    FROM ${t('clari_time_periods')} p JOIN ref r ON p.start_date <= r.as_of AND p.end_date >= r.as_of),
  cur AS (
    SELECT o.opportunity_id, o.name, o.owner_crm_id, o.amount, o.stage, o.close_date, o.crm_score, o.crm_score_message,
           lower(coalesce(o.stage, '')) NOT LIKE 'closed%' AS is_open
    FROM ${t('clari_opportunities')} o WHERE o.valid_to IS NULL),
  seen AS (
    SELECT opportunity_id, min(valid_from) AS first_seen FROM ${t('clari_opportunities')} GROUP BY opportunity_id),
  score_before AS (
    SELECT opportunity_id, crm_score AS previous_crm_score FROM (
      SELECT o.opportunity_id, o.crm_score, row_number() OVER (PARTITION BY o.opportunity_id ORDER BY o.valid_from DESC) AS recency
      FROM ${t('clari_opportunities')} o JOIN cur c ON c.opportunity_id = o.opportunity_id
      WHERE o.valid_to IS NOT NULL AND o.crm_score IS NOT NULL AND c.crm_score IS NOT NULL AND o.crm_score <> c.crm_score) ranked
    WHERE recency = 1),
  touches AS (
    SELECT DISTINCT ao.opportunity_id, a.activity_id, a.activity_type, a.activity_at
    FROM ${t('clari_activity_opportunities')} ao JOIN ${t('clari_activities')} a ON a.activity_id = ao.activity_id
    WHERE a.activity_at IS NOT NULL),
  activity AS (
    SELECT opportunity_id, count(*) AS activities, count(CASE WHEN activity_type = 'MEETING' THEN 1 END) AS meetings,
           max(activity_at) AS last_activity_at, max(CASE WHEN activity_type = 'MEETING' THEN activity_at END) AS last_meeting_at
    FROM touches GROUP BY opportunity_id),
  last_touch AS (
    SELECT opportunity_id, activity_type AS last_activity_type FROM (
      SELECT opportunity_id, activity_type, row_number() OVER (PARTITION BY opportunity_id ORDER BY activity_at DESC, activity_id DESC) AS recency
      FROM touches) ranked
    WHERE recency = 1),
  people AS (
    SELECT x.opportunity_id,
           count(DISTINCT CASE WHEN p.is_internal THEN lower(coalesce(p.email, p.name)) END) AS internal_participants,
           count(DISTINCT CASE WHEN NOT coalesce(p.is_internal, FALSE) THEN lower(coalesce(p.email, p.name)) END) AS external_participants
    FROM touches x JOIN ${t('clari_activity_participants')} p ON p.activity_id = x.activity_id GROUP BY x.opportunity_id),
  sized AS (
    SELECT c.opportunity_id, percent_rank() OVER (ORDER BY c.amount) AS amount_rank
    FROM cur c CROSS JOIN quarter q
    WHERE c.is_open AND c.amount IS NOT NULL AND c.close_date >= q.start_date AND c.close_date <= q.end_date),
  crm_users AS (
    SELECT crm_id, min(user_id) AS user_id FROM ${t('clari_users')} WHERE valid_to IS NULL AND crm_id IS NOT NULL GROUP BY crm_id)`;
  const select = `SELECT r.as_of, q.time_period AS quarter, c.opportunity_id, c.name AS opportunity_name, c.owner_crm_id,
  u.user_id AS owner_user_id, u.name AS owner_name, u.email AS owner_email,
  c.amount, c.stage, c.close_date, c.is_open,
  coalesce(c.close_date >= q.start_date AND c.close_date <= q.end_date, FALSE) AS closing_this_quarter,
  round(CAST(z.amount_rank AS ${exact}), 4) AS amount_percent_rank,
  coalesce(z.amount_rank >= ${AT_RISK.largePercentRank}, FALSE) AS is_large,
  c.crm_score, c.crm_score_message, sb.previous_crm_score, c.crm_score - sb.previous_crm_score AS crm_score_change,
  coalesce(c.crm_score < sb.previous_crm_score, FALSE) AS score_falling,
  coalesce(a.activities, 0) AS activities, coalesce(a.meetings, 0) AS meetings,
  a.last_activity_at, lt.last_activity_type, a.last_meeting_at,
  ${daysBetween('CAST(a.last_activity_at AS DATE)', 'r.as_of')} AS days_since_last_activity,
  ${daysBetween('CAST(a.last_meeting_at AS DATE)', 'r.as_of')} AS days_since_last_meeting,
  coalesce(pp.internal_participants, 0) AS internal_participants, coalesce(pp.external_participants, 0) AS external_participants,
  round(CAST(${ratio('coalesce(pp.external_participants, 0)', 'coalesce(pp.internal_participants, 0) + coalesce(pp.external_participants, 0)')} * 100 AS ${exact}), 1) AS external_share_pct,
  s.first_seen
FROM cur c CROSS JOIN ref r CROSS JOIN quarter q
LEFT JOIN seen s ON s.opportunity_id = c.opportunity_id
LEFT JOIN score_before sb ON sb.opportunity_id = c.opportunity_id
LEFT JOIN activity a ON a.opportunity_id = c.opportunity_id
LEFT JOIN last_touch lt ON lt.opportunity_id = c.opportunity_id
LEFT JOIN people pp ON pp.opportunity_id = c.opportunity_id
LEFT JOIN sized z ON z.opportunity_id = c.opportunity_id
LEFT JOIN crm_users cu ON cu.crm_id = c.owner_crm_id
LEFT JOIN ${t('clari_users')} u ON u.user_id = cu.user_id AND u.valid_to IS NULL`;
  return { ctes, select };
}

/**
 * Engagement per deal: one row per opportunity (its current version) as of the latest opportunity
 * refresh (`as_of`): activities and meetings loaded, the last activity and meeting and the days
 * since them, distinct internal and external participants (by e-mail), the CRM score against the
 * score before its last move, and whether it is open, closes this quarter and is large.
 */
function dealEngagementView(h: ViewHelpers): string {
  const { ctes, select } = engagementParts(h);
  return `WITH ${ctes}\n${select}`;
}

/** The deals at risk with the defaults of AT_RISK: v_deal_engagement's rows that atRiskCondition keeps. */
function dealsAtRiskView(h: ViewHelpers): string {
  const { ctes, select } = engagementParts(h);
  const days = String(AT_RISK.quietDays);
  return `WITH ${ctes},
  engagement AS (
${select})
SELECT e.*, ${noRecentMeeting('e', days)} AS no_recent_meeting
FROM engagement e
WHERE ${atRiskCondition('e', days)}`;
}

/** Statements replacing every view, in the dialect's form (drop and create, or CREATE OR REPLACE). */
export function createViews(dialect: Dialect): string[] {
  const statements = viewStatements(dialect);
  return VIEW_NAMES.flatMap((name) => dialect.replaceView(name, statements[name]));
}
