/**
 * Alert rules, evaluated as a pure function of the run's events. Forecast rules gate on a percent
 * swing AND an absolute floor (dollars, or a share of the owner's quota), so small numbers do not
 * page anyone (revops-domain.md 5); with `robustZ` and enough history the percent test is replaced
 * by a robust z-score against the same week of prior quarters. Operational rules watch the run
 * itself. The result is a list of candidate alerts; cooldown and quiet hours are decided later.
 */
import type { EventKind, ForecastEvent } from '../changes/index.js';
import type { Severity } from './types.js';

export interface Scope {
  /** Forecast ids; empty = all. */
  readonly forecasts: readonly string[];
  /** Field ids or display names; empty = all. */
  readonly fields: readonly string[];
  /** Hierarchy ids or names: the owner's own node or any of their managers'; empty = everyone. */
  readonly hierarchy: readonly string[];
}

interface RuleBase {
  readonly name: string;
  readonly severity: Severity;
  /** Channel names; empty = every channel. */
  readonly channels: readonly string[];
  readonly cooldownHours?: number | undefined;
}

export interface ForecastRuleSpec extends RuleBase {
  readonly type:
    | 'forecast_swing'
    | 'wow_move'
    | 'new_owner'
    | 'removed_owner'
    | 'quota_change'
    | 'adjustment_change'
    | 'direction_flip';
  /** Minimum move in percent (swing and quota rules). */
  readonly percent: number;
  /** Minimum absolute move in dollars. */
  readonly minAmount: number;
  /** Minimum absolute move as a percent of the owner's quota (0 = off). */
  readonly minPercentOfQuota: number;
  readonly direction: 'any' | 'up' | 'down';
  /** With enough history, fire on |robust z| >= this instead of the percent test. */
  readonly robustZ?: number | undefined;
  /** Prior quarters needed before the z-score is used. */
  readonly minHistory: number;
  readonly scope: Scope;
}

export interface StaleSubmissionRuleSpec extends RuleBase {
  readonly type: 'stale_submission';
  readonly weeks: number;
  readonly scope: Scope;
}

export interface OpsRuleSpec extends RuleBase {
  readonly type:
    'export_failed' | 'empty_export' | 'reconciliation_mismatch' | 'breaker_open' | 'stale_data' | 'low_quota';
  /** stale_data: hours without a successful snapshot. */
  readonly hours?: number | undefined;
  /** low_quota: alert below this many exports left. */
  readonly below?: number | undefined;
  /** low_quota: alert below this percent of the quota left. */
  readonly belowPercent?: number | undefined;
}

export type RuleSpec = ForecastRuleSpec | StaleSubmissionRuleSpec | OpsRuleSpec;

export type OpsEvent =
  | {
      readonly kind: 'export_failed' | 'empty_export' | 'reconciliation_mismatch';
      readonly forecastId: string;
      readonly period: string;
      readonly code: string;
      readonly message: string;
    }
  | {
      readonly kind: 'stale_data';
      readonly forecastId: string;
      readonly lastSuccess: string | null;
      readonly hoursSince: number | null;
    }
  | { readonly kind: 'low_quota'; readonly left: number; readonly limit: number }
  | { readonly kind: 'breaker_open'; readonly message: string };

/** What a rule needs to know about an owner's place in the hierarchy. */
export interface OwnerPlace {
  /** The owner's node and every manager's node above it, ids and names. */
  readonly nodes: readonly string[];
  /** E-mail addresses of the owner's managers, nearest first. */
  readonly managerEmails: readonly string[];
}

export type Candidate =
  | {
      readonly rule: RuleSpec;
      readonly source: 'forecast';
      readonly event: ForecastEvent;
      readonly fingerprint: string;
    }
  | { readonly rule: RuleSpec; readonly source: 'ops'; readonly event: OpsEvent; readonly fingerprint: string };

const KIND_OF_RULE: Record<ForecastRuleSpec['type'], EventKind> = {
  forecast_swing: 'changed',
  wow_move: 'wow_move',
  new_owner: 'new_owner',
  removed_owner: 'removed_owner',
  quota_change: 'quota_changed',
  adjustment_change: 'adjustment_changed',
  direction_flip: 'direction_flip',
};

export function isForecastRule(rule: RuleSpec): rule is ForecastRuleSpec {
  return rule.type in KIND_OF_RULE;
}

/** Whether any rule needs the week-level signals (z-scores, week-over-week, flips, staleness). */
export function needsSignals(rules: readonly RuleSpec[]): boolean {
  return rules.some(
    (r) =>
      r.type === 'wow_move' ||
      r.type === 'direction_flip' ||
      r.type === 'stale_submission' ||
      (r.type === 'forecast_swing' && r.robustZ !== undefined),
  );
}

export function evaluate(
  rules: readonly RuleSpec[],
  events: readonly ForecastEvent[],
  ops: readonly OpsEvent[],
  place: (userId: string) => OwnerPlace | undefined,
): Candidate[] {
  const out: Candidate[] = [];
  for (const rule of rules) {
    if (isForecastRule(rule)) {
      for (const event of events)
        if (event.kind === KIND_OF_RULE[rule.type] && inScope(rule.scope, event, place) && forecastFires(rule, event))
          out.push({ rule, source: 'forecast', event, fingerprint: forecastFingerprint(rule, event) });
    } else if (rule.type === 'stale_submission') {
      for (const event of events) {
        if (
          event.kind === 'stale_submission' &&
          (event.staleWeeks ?? 0) >= rule.weeks &&
          inScope(rule.scope, event, place)
        ) {
          out.push({
            rule,
            source: 'forecast',
            event,
            fingerprint: `${rule.name}|${event.forecastId}|${event.period}|${event.userId}|${event.fieldId}`,
          });
        }
      }
    }
  }
  // An operational event goes to its most specific rule: an empty export is an `empty_export`
  // alert, and an `export_failed` one only when no rule watches empty exports in particular.
  for (const event of ops) {
    const rule =
      rules.find((r) => r.type === event.kind && opsFires(r, event)) ??
      (isExportFailure(event) ? rules.find((r) => r.type === 'export_failed') : undefined);
    if (rule) out.push({ rule, source: 'ops', event, fingerprint: opsFingerprint(rule, event) });
  }
  return out;
}

function forecastFires(rule: ForecastRuleSpec, event: ForecastEvent): boolean {
  const change = event.change ?? (event.current ?? 0) - (event.previous ?? 0);
  if (rule.direction === 'up' && change <= 0) return false;
  if (rule.direction === 'down' && change >= 0) return false;
  const floor = Math.max(rule.minAmount, (rule.minPercentOfQuota / 100) * Math.abs(event.quota ?? 0));
  if (
    rule.type === 'direction_flip' ||
    rule.type === 'new_owner' ||
    rule.type === 'removed_owner' ||
    rule.type === 'adjustment_change'
  ) {
    return Math.abs(change) >= floor && Math.abs(change) > 0;
  }
  if (Math.abs(change) < floor || change === 0) return false;
  if (
    rule.robustZ !== undefined &&
    event.robustZ !== null &&
    event.robustZ !== undefined &&
    (event.historyN ?? 0) >= rule.minHistory
  ) {
    return Math.abs(event.robustZ) >= rule.robustZ;
  }
  // No non-zero previous amount: any move past the floor counts as a full swing.
  return event.changePct === null || Math.abs(event.changePct) >= rule.percent;
}

function opsFires(rule: OpsRuleSpec, event: OpsEvent): boolean {
  if (event.kind === 'low_quota') {
    const byCount = rule.below !== undefined && event.left < rule.below;
    const byPercent =
      rule.belowPercent !== undefined && event.limit > 0 && (event.left / event.limit) * 100 < rule.belowPercent;
    return byCount || byPercent;
  }
  if (event.kind === 'stale_data') return event.hoursSince === null || event.hoursSince >= (rule.hours ?? 26);
  return true;
}

function isExportFailure(event: OpsEvent): boolean {
  return event.kind === 'export_failed' || event.kind === 'empty_export' || event.kind === 'reconciliation_mismatch';
}

function inScope(scope: Scope, event: ForecastEvent, place: (userId: string) => OwnerPlace | undefined): boolean {
  if (scope.forecasts.length > 0 && !scope.forecasts.includes(event.forecastId)) return false;
  if (scope.fields.length > 0 && !scope.fields.includes(event.fieldId) && !scope.fields.includes(event.fieldName))
    return false;
  if (scope.hierarchy.length > 0) {
    const nodes = place(event.userId)?.nodes ?? [];
    if (!scope.hierarchy.some((h) => nodes.includes(h))) return false;
  }
  return true;
}

function forecastFingerprint(rule: RuleSpec, event: ForecastEvent): string {
  const direction = Math.sign(event.change ?? 0) >= 0 ? 'up' : 'down';
  return `${rule.name}|${event.forecastId}|${event.period}|${event.userId}|${event.fieldId}|${direction}`;
}

function opsFingerprint(rule: RuleSpec, event: OpsEvent): string {
  switch (event.kind) {
    case 'export_failed':
    case 'empty_export':
    case 'reconciliation_mismatch':
      return `${rule.name}|${event.forecastId}|${event.period}|${event.code}`;
    case 'stale_data':
      return `${rule.name}|${event.forecastId}`;
    default:
      return rule.name;
  }
}

const NO_SCOPE: Scope = { forecasts: [], fields: [], hierarchy: [] };

/**
 * The seed checklist's rules, used when there is no alerts.yaml: a call moving more than 20%
 * (with a $10,000 floor, so a $100,000 move on a $400,000 call always alerts), any export
 * failure, an empty export.
 */
export const DEFAULT_RULES: readonly RuleSpec[] = [
  {
    type: 'forecast_swing',
    name: 'call-swing',
    severity: 'warning',
    channels: [],
    percent: 20,
    minAmount: 10_000,
    minPercentOfQuota: 0,
    direction: 'any',
    minHistory: 4,
    scope: NO_SCOPE,
  },
  { type: 'export_failed', name: 'export-failed', severity: 'critical', channels: [] },
  { type: 'empty_export', name: 'empty-export', severity: 'critical', channels: [] },
];
