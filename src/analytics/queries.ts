/**
 * Read services shared by the CLI reports, the JSON API and the dashboard (their SQL is in
 * warehouse/sql/reports.ts): each returns small,
 * aggregated rows (never raw entries), so a 5,000-user tenant still answers in milliseconds. The
 * org headline reads the top of the hierarchy, whose rows Clari already rolls up; when the top has
 * no call of its own (a CRO often has none) its direct reports' calls are summed, as GitLab does.
 */
import { reportsSql, type SqlValue, type Warehouse } from '../warehouse/index.js';

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

/**
 * How an owner is shown: the name, with the e-mail when another current user has the same name
 * (two "Sam Lee" are different people; a reader must be able to tell which one moved).
 */
export function ownerLabel(name: string, email: string, namesakes: ReadonlySet<string>): string {
  return namesakes.has(name) && email !== '' ? `${name} (${email})` : name;
}

/** Which owners a list shows: reps (nobody reports to them), managers (their rows roll up their team), or both. */
export type OwnerLevel = reportsSql.OwnerLevel;
export const OWNER_LEVELS = reportsSql.OWNER_LEVELS;
/**
 * What a reader expects from a list of forecast moves or owners: reps. A manager's row is their
 * team's roll-up, so listing it beside the reps counts every rep's move twice.
 */
export const DEFAULT_LEVEL: OwnerLevel = 'rep';

/**
 * Names more than one current user has. The services that label owners read it unless given it
 * (their last parameter, `namesakesRead`): a page or report that calls several reads it once.
 */
export async function namesakes(wh: Warehouse): Promise<ReadonlySet<string>> {
  return new Set(await reportsSql.namesakes(wh));
}

/** What can be chosen: forecasts, periods (newest first) and call fields. */
export async function options(wh: Warehouse, forecast?: string): Promise<Options> {
  const forecasts = await reportsSql.forecastNames(wh);
  const chosen = forecast ?? forecasts[0];
  const periods = chosen ? await reportsSql.periodsOf(wh, chosen) : [];
  const fields = chosen ? await reportsSql.callFieldsOf(wh, chosen) : [];
  return { forecasts, periods, fields };
}

/**
 * Resolves filters to a concrete forecast, period (default: the period of the latest snapshot),
 * call field (default: the one named like "Commit") and that period's latest snapshot. `known` is
 * `options(wh, filters.forecast)` when the caller has already read it (to check the filters).
 */
export async function select(wh: Warehouse, filters: Filters, known?: Options): Promise<Selection | undefined> {
  const choices = known ?? (await options(wh, filters.forecast));
  const forecast = filters.forecast ?? choices.forecasts[0];
  if (!forecast || !choices.forecasts.includes(forecast)) return undefined;
  let period = filters.period;
  if (!period) {
    period = await reportsSql.latestPeriod(wh, forecast);
  }
  if (!period || !choices.periods.includes(period)) return undefined;
  const field =
    choices.fields.find((f) => f.id === filters.field || f.name === filters.field) ??
    choices.fields.find((f) => /commit/i.test(f.name)) ??
    choices.fields[0];
  if (!field) return undefined;
  const latest = await reportsSql.latestSnapshotOf(wh, forecast, period);
  return { forecast, period, field: field.id, fieldName: field.name, snapshotDate: String(latest) };
}

export interface Headline {
  readonly selection: Selection;
  readonly forecastAmount: number | null;
  readonly quota: number | null;
  readonly closed: number | null;
  readonly pipeline: number | null;
  readonly forecastToQuotaPct: number | null;
  /** Quota − call: how far the call is from quota (negative: above it). */
  readonly gapToQuota: number | null;
  readonly attainmentPct: number | null;
  readonly coverage: number | null;
  readonly requiredCoverage: number | null;
  /** Mean accuracy of reps at this week of the quarter over closed periods. */
  readonly accuracyPct: number | null;
  readonly weekIndex: number | null;
  /** Owners with a row for this forecast, period and field. */
  readonly owners: number;
  /** Of the owners: reps (nobody reports to them); the rest are managers, whose rows roll up their team. */
  readonly reps: number;
  readonly managers: number;
  /** Users in the hierarchy now; owners can be fewer (a user with no forecast row: not opted in, or left). */
  readonly users: number;
  /** Current users without a row for the selection, and the first few of their names. */
  readonly absent: number;
  readonly absentNames: readonly string[];
}

/** How many names of users without a row the headline carries. */
const ABSENT_NAMES = 5;

/** The org's numbers: forecast vs quota, closed, coverage, and accuracy at this week historically. */
export async function headline(wh: Warehouse, selection: Selection): Promise<Headline> {
  const params: SqlValue[] = [selection.forecast, selection.period, selection.field];
  const top = await reportsSql.topCoverage(wh, params);
  const call = await reportsSql.topCall(wh, params);
  const forecastAmount = num(call?.own) ?? num(call?.reports);
  const quota = num(top?.quota);
  const closed = num(top?.closed);
  const pipeline = num(top?.pipeline);
  const remaining = num(top?.remaining);
  const weekIndex = num(await reportsSql.currentWeek(wh, selection.forecast, selection.period));
  const accuracy = await reportsSql.accuracyAtWeek(wh, selection.forecast, selection.field, weekIndex ?? -1);
  const pct = (a: number | null, b: number | null): number | null =>
    a === null || !b ? null : Math.round((a / b) * 1000) / 10;
  const owners = Number(top?.owners ?? 0);
  const reps = Number(top?.reps ?? 0);
  const absent = Number(top?.absent ?? 0);
  return {
    selection,
    forecastAmount,
    quota,
    closed,
    pipeline,
    forecastToQuotaPct: pct(forecastAmount, quota),
    gapToQuota: quota === null || forecastAmount === null ? null : Math.round((quota - forecastAmount) * 100) / 100,
    attainmentPct: pct(closed, quota),
    coverage: pipeline === null || !remaining ? null : Math.round((pipeline / remaining) * 100) / 100,
    requiredCoverage: num(top?.required),
    accuracyPct: accuracy === null ? null : Math.round(Number(accuracy) * 10) / 10,
    weekIndex,
    owners,
    reps,
    managers: owners - reps,
    users: await reportsSql.currentUsers(wh),
    absent,
    absentNames: absent === 0 ? [] : await reportsSql.absentUsers(wh, params, ABSENT_NAMES),
  };
}

export interface TrendPoint {
  readonly weekIndex: number;
  readonly call: number | null;
  readonly quota: number | null;
  readonly closed: number | null;
}

export interface Trend {
  readonly selection: Selection;
  readonly points: readonly TrendPoint[];
}

/**
 * Week over week of the selected period: the org's call on the field (the top's own, or its direct
 * reports' summed when it has none), its quota and what has closed; the forecast call's first chart.
 */
export async function trend(wh: Warehouse, selection: Selection): Promise<Trend> {
  const rows = await reportsSql.trendByWeek(wh, selection.forecast, selection.period, selection.field);
  const points = rows
    .map((r) => ({
      weekIndex: Number(r.week_index),
      call: num(r.own_call) ?? num(r.reports_call),
      quota: num(r.quota),
      closed: num(r.closed),
    }))
    .filter((p) => p.call !== null || p.quota !== null || p.closed !== null);
  return { selection, points };
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
  const rows = await reportsSql.accuracyByWeek(wh, forecast, field);
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
  /** The manager's name, with the e-mail when it is not unique. */
  readonly label: string;
  readonly managerEmail: string;
  readonly pipeline: number | null;
  readonly remainingQuota: number | null;
  readonly quota: number | null;
  readonly closed: number | null;
  readonly coverage: number | null;
  readonly requiredCoverage: number | null;
}

/** Coverage of each team: the rows of managers (who are not reps), which hold their team's totals. */
export async function coverageByTeam(
  wh: Warehouse,
  selection: Selection,
  namesakesRead?: ReadonlySet<string>,
): Promise<TeamCoverage[]> {
  const rows = await reportsSql.teamCoverage(wh, selection.forecast, selection.period, selection.field);
  const same = namesakesRead ?? (await namesakes(wh));
  return rows.map((r) => ({
    manager: text(r.owner_name),
    label: ownerLabel(text(r.owner_name), text(r.owner_email), same),
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
  readonly userId: string;
  /** `manager`: the owner's row is their team's roll-up. */
  readonly level: 'rep' | 'manager';
  readonly snapshot: string;
  readonly previousSnapshot: string | null;
  readonly forecast: string;
  readonly period: string;
  readonly owner: string;
  readonly ownerEmail: string;
  /** The owner's name, with the e-mail when it is not unique. */
  readonly label: string;
  readonly field: string;
  /** The call field's id (`field` is its name). */
  readonly fieldId: string;
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
    level?: OwnerLevel | undefined;
    /** One owner's changes only. */
    userId?: string | undefined;
  },
  namesakesRead?: ReadonlySet<string>,
): Promise<ChangeRow[]> {
  const rows = await reportsSql.biggestChanges(wh, filters);
  const same = namesakesRead ?? (await namesakes(wh));
  return rows.map((r) => changeRow(r, same));
}

/** A row of clari_forecast_changes (with `owner_level`) as the services return it. */
export function changeRow(r: Record<string, string | number | null>, same: ReadonlySet<string>): ChangeRow {
  return {
    userId: text(r.user_id),
    level: r.owner_level === 'manager' ? 'manager' : 'rep',
    label: ownerLabel(text(r.owner_name), text(r.owner_email), same),
    snapshot: text(r.current_snapshot),
    previousSnapshot: r.previous_snapshot === null ? null : text(r.previous_snapshot),
    forecast: text(r.forecast_name),
    period: text(r.time_period),
    owner: text(r.owner_name),
    ownerEmail: text(r.owner_email),
    field: text(r.field_name),
    fieldId: text(r.field_id),
    kind: text(r.change_kind),
    previous: num(r.previous_amount),
    current: num(r.current_amount),
    change: num(r.change_amount),
    changePct: r.change_pct === null ? null : Math.round(Number(r.change_pct) * 10) / 10,
  };
}

export interface RepRow {
  readonly userId: string;
  readonly owner: string;
  readonly ownerEmail: string;
  /** The owner's name, with the e-mail when it is not unique. */
  readonly label: string;
  readonly manager: string | null;
  readonly managerUserId: string | null;
  /** The manager's name, with the e-mail when it is not unique. */
  readonly managerLabel: string | null;
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

/**
 * One row per owner for the selected call field: the rep table. `level` keeps reps, managers or
 * both (the default: every owner, each row saying which it is).
 */
export async function reps(
  wh: Warehouse,
  selection: Selection,
  level: OwnerLevel = 'all',
  namesakesRead?: ReadonlySet<string>,
): Promise<RepRow[]> {
  const rows = await reportsSql.reps(wh, selection.forecast, selection.period, selection.field);
  const same = namesakesRead ?? (await namesakes(wh));
  const emails = new Map(rows.map((r) => [text(r.user_id), text(r.owner_email)]));
  const all = rows.map((r): RepRow => {
    const manager = r.manager_name === null ? null : text(r.manager_name);
    const managerUserId = r.manager_user_id === null ? null : text(r.manager_user_id);
    return {
      userId: text(r.user_id),
      owner: text(r.owner_name),
      ownerEmail: text(r.owner_email),
      label: ownerLabel(text(r.owner_name), text(r.owner_email), same),
      manager,
      managerUserId,
      managerLabel:
        manager === null
          ? null
          : ownerLabel(manager, managerUserId === null ? '' : (emails.get(managerUserId) ?? ''), same),
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
    };
  });
  return level === 'all' ? all : all.filter((r) => r.isRep === (level === 'rep'));
}

export type ChangeListFilter = reportsSql.ChangeListFilter;

/**
 * `clari-dp changes`: the detected changes as stored (snake_case columns), each with `owner_level`
 * and `owner_label` (the name, with the e-mail when another current user has the same name).
 */
export async function changeList(
  wh: Warehouse,
  filter: ChangeListFilter,
): Promise<Record<string, string | number | null>[]> {
  const rows = await reportsSql.listChanges(wh, filter);
  const same = await namesakes(wh);
  return rows.map((r) => ({ ...r, owner_label: ownerLabel(text(r.owner_name), text(r.owner_email), same) }));
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
  const rows = await reportsSql.recentRuns(wh, limit);
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
  const lastSuccess = await reportsSql.lastSuccessAt(wh);
  const withQuota = runs.find((r) => r.quotaLeft !== null);
  return {
    runs,
    completionPct: exports === 0 ? null : Math.round(((exports - failed) / exports) * 1000) / 10,
    avgLatencyMs: latencies.length === 0 ? null : Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    lastSuccessAt: lastSuccess,
    quotaLeft: withQuota?.quotaLeft ?? null,
    quotaLimit: withQuota?.quotaLimit ?? null,
  };
}
