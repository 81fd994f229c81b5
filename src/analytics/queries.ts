/**
 * Read services shared by the CLI reports, the JSON API and the dashboard: each returns small,
 * aggregated rows (never raw entries), so a 5,000-user tenant still answers in milliseconds. The
 * org headline reads the top of the hierarchy, whose rows Clari already rolls up; when the top has
 * no call of its own (a CRO often has none) its direct reports' calls are summed, as GitLab does.
 */
import type { SqlValue, Warehouse } from '../warehouse/index.js';

export interface Filters {
  readonly forecast?: string | undefined;
  readonly period?: string | undefined;
  /** Call field id or name; default the Commit-like field. */
  readonly field?: string | undefined;
}

export interface Selection {
  readonly forecast: string;
  readonly period: string;
  readonly field: string;
  readonly fieldName: string;
  readonly snapshotDate: string;
}

export interface Options {
  readonly forecasts: readonly string[];
  readonly periods: readonly string[];
  readonly fields: readonly { readonly id: string; readonly name: string }[];
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const text = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);

/** What can be chosen: forecasts, periods (newest first) and call fields. */
export async function options(wh: Warehouse, forecast?: string): Promise<Options> {
  const forecasts = (
    await wh.query<{ f: string }>('SELECT DISTINCT forecast_name AS f FROM clari_forecasts ORDER BY f')
  ).map((r) => r.f);
  const chosen = forecast ?? forecasts[0];
  const periods = chosen
    ? (
        await wh.query<{ p: string }>(
          'SELECT DISTINCT time_period AS p FROM clari_forecasts WHERE forecast_name = $1 ORDER BY p DESC',
          [chosen],
        )
      ).map((r) => r.p)
    : [];
  const fields = chosen
    ? (
        await wh.query<{ id: string; name: string }>(
          'SELECT field_id AS id, coalesce(field_name, field_id) AS name FROM clari_fields WHERE forecast_id = $1 AND NOT coalesce(is_quota, FALSE) ORDER BY field_id',
          [chosen],
        )
      ).map((r) => ({ id: r.id, name: r.name }))
    : [];
  return { forecasts, periods, fields };
}

/**
 * Resolves filters to a concrete forecast, period (default: the period of the latest snapshot),
 * call field (default: the one named like "Commit") and that period's latest snapshot.
 */
export async function select(wh: Warehouse, filters: Filters): Promise<Selection | undefined> {
  const choices = await options(wh, filters.forecast);
  const forecast = filters.forecast ?? choices.forecasts[0];
  if (!forecast || !choices.forecasts.includes(forecast)) return undefined;
  let period = filters.period;
  if (!period) {
    const [row] = await wh.query<{ p: string }>(
      'SELECT time_period AS p FROM clari_forecasts WHERE forecast_name = $1 ORDER BY snapshot_date DESC, time_period DESC LIMIT 1',
      [forecast],
    );
    period = row?.p;
  }
  if (!period || !choices.periods.includes(period)) return undefined;
  const field =
    choices.fields.find((f) => f.id === filters.field || f.name === filters.field) ??
    choices.fields.find((f) => /commit/i.test(f.name)) ??
    choices.fields[0];
  if (!field) return undefined;
  const [latest] = await wh.query<{ d: string }>(
    'SELECT max(snapshot_date) AS d FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2',
    [forecast, period],
  );
  return { forecast, period, field: field.id, fieldName: field.name, snapshotDate: String(latest?.d) };
}

export interface Headline {
  readonly selection: Selection;
  readonly forecastAmount: number | null;
  readonly quota: number | null;
  readonly closed: number | null;
  readonly pipeline: number | null;
  readonly forecastToQuotaPct: number | null;
  readonly attainmentPct: number | null;
  readonly coverage: number | null;
  readonly requiredCoverage: number | null;
  /** Mean accuracy of reps at this week of the quarter over closed periods. */
  readonly accuracyPct: number | null;
  readonly weekIndex: number | null;
  readonly owners: number;
}

/** The org's numbers: forecast vs quota, closed, coverage, and accuracy at this week historically. */
export async function headline(wh: Warehouse, selection: Selection): Promise<Headline> {
  const params: SqlValue[] = [selection.forecast, selection.period, selection.field];
  const [top] = await wh.query<Record<string, string | number | null>>(
    `WITH owner_rows AS (SELECT * FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3),
     tops AS (SELECT r.* FROM owner_rows r WHERE r.manager_user_id IS NULL)
     SELECT (SELECT sum(quota_amount) FROM tops) AS quota, (SELECT sum(crm_closed) FROM tops) AS closed, (SELECT sum(pipeline) FROM tops) AS pipeline,
            (SELECT sum(remaining_quota) FROM tops) AS remaining, (SELECT max(required_coverage) FROM tops) AS required, (SELECT count(*) FROM owner_rows) AS owners`,
    params,
  );
  const [call] = await wh.query<{ own: string | null; reports: string | null }>(
    `SELECT (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3 AND p.manager_user_id IS NULL) AS own,
            (SELECT sum(p.forecast_amount) FROM v_rep_performance p WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
               AND p.manager_user_id IN (SELECT t.user_id FROM v_rep_performance t WHERE t.forecast_name = $1 AND t.time_period = $2 AND t.field_id = $3 AND t.manager_user_id IS NULL)) AS reports`,
    params,
  );
  const forecastAmount = num(call?.own) ?? num(call?.reports);
  const quota = num(top?.quota);
  const closed = num(top?.closed);
  const pipeline = num(top?.pipeline);
  const remaining = num(top?.remaining);
  const [week] = await wh.query<{ w: number | string | null }>(
    `SELECT max(f.week_index) AS w FROM (SELECT dense_rank() OVER (ORDER BY time_frame_id) AS week_index, time_frame_id FROM clari_time_frames WHERE time_period = $2) f
     WHERE f.time_frame_id <= (SELECT max(time_frame_id) FROM clari_forecasts WHERE forecast_name = $1 AND time_period = $2)`,
    [selection.forecast, selection.period],
  );
  const weekIndex = num(week?.w);
  const [accuracy] = await wh.query<{ a: string | null }>(
    "SELECT avg(accuracy_pct) AS a FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND week_index = $3 AND period_status = 'closed' AND is_rep",
    [selection.forecast, selection.field, weekIndex ?? -1],
  );
  const pct = (a: number | null, b: number | null): number | null =>
    a === null || !b ? null : Math.round((a / b) * 1000) / 10;
  return {
    selection,
    forecastAmount,
    quota,
    closed,
    pipeline,
    forecastToQuotaPct: pct(forecastAmount, quota),
    attainmentPct: pct(closed, quota),
    coverage: pipeline === null || !remaining ? null : Math.round((pipeline / remaining) * 100) / 100,
    requiredCoverage: num(top?.required),
    accuracyPct: accuracy?.a === null || accuracy === undefined ? null : Math.round(Number(accuracy.a) * 10) / 10,
    weekIndex,
    owners: Number(top?.owners ?? 0),
  };
}

export interface AccuracyPoint {
  readonly weekIndex: number;
  readonly accuracyPct: number | null;
  readonly wapePct: number | null;
  readonly biasPct: number | null;
  readonly periods: number;
}

/** Accuracy at week N of the quarter, over the closed periods of a forecast and call field (reps). */
export async function accuracyByWeek(wh: Warehouse, forecast: string, field: string): Promise<AccuracyPoint[]> {
  const rows = await wh.query<Record<string, string | number | null>>(
    `SELECT week_index, avg(accuracy_pct) AS accuracy, avg(wape_pct) AS wape, avg(bias_pct) AS bias, count(DISTINCT time_period) AS periods
     FROM v_forecast_accuracy WHERE forecast_name = $1 AND field_id = $2 AND period_status = 'closed' AND is_rep
     GROUP BY week_index ORDER BY week_index`,
    [forecast, field],
  );
  const round = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
  return rows.map((r) => ({
    weekIndex: Number(r.week_index),
    accuracyPct: round(r.accuracy),
    wapePct: round(r.wape),
    biasPct: round(r.bias),
    periods: Number(r.periods),
  }));
}

export interface TeamCoverage {
  readonly manager: string;
  readonly managerEmail: string;
  readonly pipeline: number | null;
  readonly remainingQuota: number | null;
  readonly quota: number | null;
  readonly closed: number | null;
  readonly coverage: number | null;
  readonly requiredCoverage: number | null;
}

/** Coverage of each team: the rows of managers (who are not reps), which hold their team's totals. */
export async function coverageByTeam(wh: Warehouse, selection: Selection): Promise<TeamCoverage[]> {
  const rows = await wh.query<Record<string, string | number | null>>(
    `SELECT owner_name, owner_email, pipeline, remaining_quota, quota_amount, crm_closed, coverage, required_coverage
     FROM v_pipeline_coverage WHERE forecast_name = $1 AND time_period = $2 AND field_id = $3 AND NOT is_rep AND manager_user_id IS NOT NULL
     ORDER BY coverage ASC NULLS LAST, owner_name`,
    [selection.forecast, selection.period, selection.field],
  );
  return rows.map((r) => ({
    manager: text(r.owner_name),
    managerEmail: text(r.owner_email),
    pipeline: num(r.pipeline),
    remainingQuota: num(r.remaining_quota),
    quota: num(r.quota_amount),
    closed: num(r.crm_closed),
    coverage: num(r.coverage),
    requiredCoverage: num(r.required_coverage),
  }));
}

export interface ChangeRow {
  readonly snapshot: string;
  readonly previousSnapshot: string | null;
  readonly forecast: string;
  readonly period: string;
  readonly owner: string;
  readonly ownerEmail: string;
  readonly field: string;
  readonly kind: string;
  readonly previous: number | null;
  readonly current: number | null;
  readonly change: number | null;
  readonly changePct: number | null;
}

/** The biggest moves of the last `days` days (by absolute amount). */
export async function biggestChanges(
  wh: Warehouse,
  filters: {
    forecast?: string | undefined;
    period?: string | undefined;
    days?: number | undefined;
    limit?: number | undefined;
    kind?: string | undefined;
  },
): Promise<ChangeRow[]> {
  const params: SqlValue[] = [filters.days ?? 7];
  const where = [
    `current_snapshot > ${wh.dialect.minusDays('(SELECT max(current_snapshot) FROM clari_forecast_changes)', `CAST($1 AS ${wh.dialect.types.int})`)}`,
  ];
  if (filters.forecast) where.push(`forecast_name = $${params.push(filters.forecast)}`);
  if (filters.period) where.push(`time_period = $${params.push(filters.period)}`);
  where.push(`change_kind = $${params.push(filters.kind ?? 'changed')}`);
  const rows = await wh.query<Record<string, string | number | null>>(
    `SELECT current_snapshot, previous_snapshot, forecast_name, time_period, owner_name, owner_email, field_name, change_kind, previous_amount, current_amount, change_amount, change_pct
     FROM clari_forecast_changes WHERE ${where.join(' AND ')}
     ORDER BY abs(coalesce(change_amount, 0)) DESC, owner_name LIMIT ${Math.max(1, Math.min(1000, filters.limit ?? 10))}`,
    params,
  );
  return rows.map((r) => ({
    snapshot: text(r.current_snapshot),
    previousSnapshot: r.previous_snapshot === null ? null : text(r.previous_snapshot),
    forecast: text(r.forecast_name),
    period: text(r.time_period),
    owner: text(r.owner_name),
    ownerEmail: text(r.owner_email),
    field: text(r.field_name),
    kind: text(r.change_kind),
    previous: num(r.previous_amount),
    current: num(r.current_amount),
    change: num(r.change_amount),
    changePct: r.change_pct === null ? null : Math.round(Number(r.change_pct) * 10) / 10,
  }));
}

export interface RepRow {
  readonly userId: string;
  readonly owner: string;
  readonly ownerEmail: string;
  readonly manager: string | null;
  readonly isRep: boolean;
  readonly forecastAmount: number | null;
  readonly quota: number | null;
  readonly closed: number | null;
  readonly attainmentPct: number | null;
  readonly forecastToQuotaPct: number | null;
  readonly biasPct: number | null;
  readonly weeksSinceUpdate: number | null;
  readonly largestMove7d: number | null;
  readonly coverage: number | null;
}

/** One row per owner for the selected call field: the rep table. */
export async function reps(wh: Warehouse, selection: Selection): Promise<RepRow[]> {
  const rows = await wh.query<Record<string, string | number | boolean | null>>(
    `SELECT p.user_id, p.owner_name, p.owner_email, p.manager_name, p.is_rep, p.forecast_amount, p.quota_amount, p.crm_closed, p.attainment_pct, p.forecast_to_quota_pct,
            p.bias_pct, p.weeks_since_update, p.largest_move_7d, c.coverage
     FROM v_rep_performance p
     LEFT JOIN v_pipeline_coverage c ON c.forecast_name = p.forecast_name AND c.time_period = p.time_period AND c.user_id = p.user_id AND c.field_id = p.field_id
     WHERE p.forecast_name = $1 AND p.time_period = $2 AND p.field_id = $3
     ORDER BY p.owner_name, p.user_id`,
    [selection.forecast, selection.period, selection.field],
  );
  return rows.map((r) => ({
    userId: text(r.user_id),
    owner: text(r.owner_name),
    ownerEmail: text(r.owner_email),
    manager: r.manager_name === null ? null : text(r.manager_name),
    isRep: r.is_rep === true,
    forecastAmount: num(r.forecast_amount),
    quota: num(r.quota_amount),
    closed: num(r.crm_closed),
    attainmentPct: num(r.attainment_pct),
    forecastToQuotaPct: num(r.forecast_to_quota_pct),
    biasPct: num(r.bias_pct),
    weeksSinceUpdate: num(r.weeks_since_update),
    largestMove7d: num(r.largest_move_7d),
    coverage: num(r.coverage),
  }));
}

export interface RunHealth {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: string;
  readonly trigger: string;
  readonly asOf: string;
  readonly exports: number;
  readonly exportsFailed: number;
  readonly completionPct: number | null;
  readonly avgLatencyMs: number | null;
  readonly rowsLoaded: number | null;
  readonly changes: number | null;
  readonly alerts: number | null;
  readonly durationMs: number | null;
  readonly quotaLeft: number | null;
  readonly quotaLimit: number | null;
  readonly error: string | null;
}

export interface Health {
  readonly runs: readonly RunHealth[];
  /** Exports that loaded, over the last runs. */
  readonly completionPct: number | null;
  readonly avgLatencyMs: number | null;
  readonly lastSuccessAt: string | null;
  readonly quotaLeft: number | null;
  readonly quotaLimit: number | null;
}

export async function health(wh: Warehouse, limit = 20): Promise<Health> {
  const rows = await wh.query<Record<string, string | number | null>>(
    `SELECT * FROM v_pipeline_health ORDER BY started_at DESC LIMIT ${Math.max(1, Math.min(500, limit))}`,
  );
  const runs: RunHealth[] = rows.map((r) => ({
    runId: text(r.run_id),
    startedAt: text(r.started_at),
    finishedAt: r.finished_at === null ? null : text(r.finished_at),
    status: text(r.status),
    trigger: text(r.trigger),
    asOf: text(r.as_of),
    exports: Number(r.exports ?? 0),
    exportsFailed: Number(r.exports_failed ?? 0),
    completionPct: num(r.completion_pct),
    avgLatencyMs: num(r.avg_latency_ms),
    rowsLoaded: num(r.rows_loaded),
    changes: num(r.changes),
    alerts: num(r.alerts),
    durationMs: num(r.duration_ms),
    quotaLeft: num(r.quota_left),
    quotaLimit: num(r.quota_limit),
    error: r.error === null ? null : text(r.error),
  }));
  const exports = runs.reduce((n, r) => n + r.exports, 0);
  const failed = runs.reduce((n, r) => n + r.exportsFailed, 0);
  const latencies = runs.map((r) => r.avgLatencyMs).filter((v): v is number => v !== null);
  const [last] = await wh.query<{ t: string | null }>(
    "SELECT max(finished_at) AS t FROM clari_sync_runs WHERE status IN ('success', 'partial')",
  );
  const withQuota = runs.find((r) => r.quotaLeft !== null);
  return {
    runs,
    completionPct: exports === 0 ? null : Math.round(((exports - failed) / exports) * 1000) / 10,
    avgLatencyMs: latencies.length === 0 ? null : Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    lastSuccessAt: last?.t ?? null,
    quotaLeft: withQuota?.quotaLeft ?? null,
    quotaLimit: withQuota?.quotaLimit ?? null,
  };
}
