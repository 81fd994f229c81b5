/**
 * The alert step of a run: gather the run's events (detected changes, week-level signals when a
 * rule needs them, operational facts), evaluate the rules, plan delivery against the alert log
 * (cooldown, quiet hours, routing), deliver, and write every decision, sent or suppressed or failed,
 * to clari_alerts. Alerts that failed in an earlier run are delivered again.
 */
import {
  type Alert,
  type AlertRecord,
  type Decision,
  deliver,
  type DispatchSettings,
  evaluate,
  hierarchyIndex,
  isForecastRule,
  needsSignals,
  type OpsEvent,
  type OwnerPlace,
  planDelivery,
  renderAlert,
  type Route,
  type RuleSpec,
} from '../alerts/index.js';
import { type ForecastEvent, loadChangeEvents, loadSignalEvents } from '../changes/index.js';
import type { Clock, Logger } from '../core/index.js';
import { sqlTimestamp, type Warehouse } from '../warehouse/index.js';

export interface AlertSetup {
  readonly rules: readonly RuleSpec[];
  readonly routes: readonly Route[];
  readonly settings: DispatchSettings;
  readonly dashboardUrl?: string | undefined;
  /** Managers up the chain who receive their team's alerts (e-mail routing). */
  readonly managerLevels: number;
}

export interface NotifyInput {
  readonly runId: string;
  readonly asOf: string;
  /** Snapshots this run loaded. */
  readonly snapshots: readonly { readonly forecastId: string; readonly period: string }[];
  /** The current fiscal period of asOf: week-level signals are computed for it only. */
  readonly currentPeriod: string;
  readonly forecasts: readonly string[];
  readonly failures: readonly { readonly forecastId: string; readonly period: string; readonly code: string; readonly message: string }[];
  readonly quota?: { readonly left: number; readonly limit: number } | undefined;
  readonly breakerOpen: boolean;
}

export interface NotifyResult {
  readonly sent: number;
  readonly suppressed: number;
  readonly failed: number;
  readonly decisions: readonly Decision[];
}

export async function notify(wh: Warehouse, setup: AlertSetup, input: NotifyInput, deps: { clock: Clock; logger: Logger }): Promise<NotifyResult> {
  const now = deps.clock.now();
  const events = await forecastEvents(wh, setup.rules, input);
  const ops = await opsEvents(wh, setup.rules, input, now);
  const place = await ownerPlaces(wh, setup);
  const candidates = evaluate(setup.rules, events, ops, place);
  const alerts = candidates.map((c) => ({ alert: renderAlert(c, { runId: input.runId, dashboardUrl: setup.dashboardUrl, place }), channels: c.rule.channels, cooldownHours: c.rule.cooldownHours }));
  const lastSent = await sentLog(wh, now - maxCooldownMs(setup));
  const retry = await failedEarlier(wh, now - 24 * 3_600_000, input.runId);
  const plan = planDelivery(alerts, setup.routes, setup.settings, (fingerprint, channel) => lastSent.get(`${fingerprint}|${channel}`), now);
  const decisions = await deliver(plan, retry, setup.routes, setup.settings, { runId: input.runId, asOf: input.asOf });
  await record(wh, decisions, retry, input.runId, now);
  const count = (status: Decision['status']): number => decisions.filter((d) => d.status === status).length;
  for (const d of decisions.filter((x) => x.status === 'failed')) deps.logger.warn({ channel: d.channel, rule: d.alert.rule }, `alert not delivered: ${d.reason ?? ''}`);
  return { sent: count('sent'), suppressed: count('suppressed'), failed: count('failed'), decisions };
}

async function forecastEvents(wh: Warehouse, rules: readonly RuleSpec[], input: NotifyInput): Promise<ForecastEvent[]> {
  if (!rules.some((r) => isForecastRule(r) || r.type === 'stale_submission')) return [];
  const changes = await loadChangeEvents(wh, { runId: input.runId });
  if (!needsSignals(rules)) return changes;
  const signals: ForecastEvent[] = [];
  for (const s of input.snapshots.filter((x) => x.period === input.currentPeriod)) signals.push(...(await loadSignalEvents(wh, { ...s, asOf: input.asOf })));
  // The swing rule's z-score compares this week's move with the same week of prior quarters.
  const z = new Map(signals.filter((s) => s.kind === 'wow_move').map((s) => [`${s.forecastId}|${s.period}|${s.userId}|${s.fieldId}`, s]));
  const withZ = changes.map((c) => {
    const s = z.get(`${c.forecastId}|${c.period}|${c.userId}|${c.fieldId}`);
    return s ? { ...c, robustZ: s.robustZ, historyN: s.historyN, weekIndex: s.weekIndex } : c;
  });
  return [...withZ, ...signals];
}

async function opsEvents(wh: Warehouse, rules: readonly RuleSpec[], input: NotifyInput, now: number): Promise<OpsEvent[]> {
  const ops: OpsEvent[] = input.failures.map((f) => ({
    kind: f.code === 'data.empty_export' ? 'empty_export' : f.code === 'data.reconciliation' ? 'reconciliation_mismatch' : 'export_failed',
    forecastId: f.forecastId,
    period: f.period,
    code: f.code,
    message: f.message,
  }));
  if (input.quota) ops.push({ kind: 'low_quota', left: input.quota.left, limit: input.quota.limit });
  if (input.breakerOpen) ops.push({ kind: 'breaker_open', message: 'Requests to the Clari API failed repeatedly; the client stopped calling it for a while.' });
  if (rules.some((r) => r.type === 'stale_data')) {
    for (const forecastId of input.forecasts) {
      const [row] = await wh.query<{ last: string | null }>('SELECT max(loaded_at) AS last FROM clari_snapshots WHERE forecast_id = $1', [forecastId]);
      const last = row?.last ?? null;
      const hoursSince = last === null ? null : (now - Date.parse(`${last.replace(' ', 'T')}Z`)) / 3_600_000;
      ops.push({ kind: 'stale_data', forecastId, lastSuccess: last, hoursSince });
    }
  }
  return ops;
}

/** Owners' places in the hierarchy, loaded only when a rule or a route needs them. */
export async function ownerPlaces(wh: Warehouse, setup: Pick<AlertSetup, 'rules' | 'managerLevels'>): Promise<(userId: string) => OwnerPlace | undefined> {
  const needed = setup.managerLevels > 0 || setup.rules.some((r) => 'scope' in r && r.scope.hierarchy.length > 0);
  if (!needed) return () => undefined;
  const users = await wh.query<Record<string, string | null>>('SELECT user_id, email, hierarchy_id, hierarchy_name, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL');
  return hierarchyIndex(
    users.map((u) => ({ userId: String(u.user_id), email: u.email ?? '', hierarchyId: u.hierarchy_id ?? null, hierarchyName: u.hierarchy_name ?? null, parentHierarchyId: u.parent_hierarchy_id ?? null })),
    setup.managerLevels,
  );
}

function maxCooldownMs(setup: AlertSetup): number {
  return Math.max(setup.settings.cooldownHours, ...setup.rules.map((r) => r.cooldownHours ?? 0)) * 3_600_000;
}

async function sentLog(wh: Warehouse, since: number): Promise<Map<string, number>> {
  const rows = await wh.query<{ fingerprint: string; channel: string; last: string }>(
    "SELECT fingerprint, channel, max(created_at) AS last FROM clari_alerts WHERE status = 'sent' AND created_at >= $1 GROUP BY fingerprint, channel",
    [sqlTimestamp(since)],
  );
  return new Map(rows.map((r) => [`${r.fingerprint}|${r.channel}`, Date.parse(`${r.last.replace(' ', 'T')}Z`)]));
}

async function failedEarlier(wh: Warehouse, since: number, runId: string): Promise<AlertRecord[]> {
  const rows = await wh.query<{ channel: string; payload: string }>("SELECT channel, payload FROM clari_alerts WHERE status = 'failed' AND created_at >= $1 AND run_id <> $2", [sqlTimestamp(since), runId]);
  const out: AlertRecord[] = [];
  for (const row of rows) {
    try {
      out.push({ channel: row.channel, alert: (JSON.parse(typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload)) as { alert: Alert }).alert });
    } catch {
      // An unreadable payload cannot be sent again; it stays failed in the log.
    }
  }
  return out;
}

async function record(wh: Warehouse, decisions: readonly Decision[], retried: readonly AlertRecord[], runId: string, now: number): Promise<void> {
  const earlier = new Set(retried.map((r) => `${r.alert.alertId}|${r.channel}`));
  await wh.transaction(async (tx) => {
    for (const d of decisions) {
      const payload = JSON.stringify({ alert: d.alert, ...(d.reason ? { reason: d.reason } : {}) });
      if (earlier.has(`${d.alert.alertId}|${d.channel}`)) {
        await tx.exec('UPDATE clari_alerts SET status = $3, error = $4, payload = $5 WHERE alert_id = $1 AND channel = $2', [d.alert.alertId, d.channel, d.status, d.status === 'failed' ? (d.reason ?? null) : null, payload]);
      } else {
        await tx.exec('DELETE FROM clari_alerts WHERE alert_id = $1 AND channel = $2', [d.alert.alertId, d.channel]);
        await tx.exec(
          'INSERT INTO clari_alerts (alert_id, rule, severity, channel, status, fingerprint, created_at, payload, run_id, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
          [d.alert.alertId, d.alert.rule, d.alert.severity, d.channel, d.status, d.alert.fingerprint, sqlTimestamp(now), payload, runId, d.status === 'failed' ? (d.reason ?? null) : null],
        );
      }
    }
  });
}
