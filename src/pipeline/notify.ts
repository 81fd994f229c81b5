/**
 * The alert step of a run: gather the run's events (detected changes, week-level signals when a
 * rule needs them, operational facts), evaluate the rules, plan delivery against the alert log
 * (cooldown, quiet hours, routing), deliver, and write every decision, sent or suppressed or failed,
 * to clari_alerts. Alerts that failed in an earlier run, or that a run which died left pending, are
 * delivered again; an alert already sent for the same business date is never sent again.
 */
import {
  type Alert,
  type AlertRecord,
  type Decision,
  deliver,
  type Plan,
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
import { type Checkpoint, type Clock, type Logger, noCheckpoint } from '../core/index.js';
import { alertsSql, type Warehouse } from '../warehouse/index.js';

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
  readonly failures: readonly {
    readonly forecastId: string;
    readonly period: string;
    readonly code: string;
    readonly message: string;
  }[];
  readonly quota?: { readonly left: number; readonly limit: number } | undefined;
  readonly breakerOpen: boolean;
}

export interface NotifyResult {
  readonly sent: number;
  readonly suppressed: number;
  readonly failed: number;
  readonly decisions: readonly Decision[];
}

export async function notify(
  wh: Warehouse,
  setup: AlertSetup,
  input: NotifyInput,
  deps: { clock: Clock; logger: Logger; checkpoint?: Checkpoint | undefined },
): Promise<NotifyResult> {
  const checkpoint = deps.checkpoint ?? noCheckpoint;
  const now = deps.clock.now();
  const events = await forecastEvents(wh, setup.rules, input);
  const ops = await opsEvents(wh, setup.rules, input, now);
  const place = await ownerPlaces(wh, setup);
  const candidates = evaluate(setup.rules, events, ops, place);
  const alerts = candidates.map((c) => ({
    alert: renderAlert(c, { runId: input.runId, dashboardUrl: setup.dashboardUrl, place }),
    channels: c.rule.channels,
    cooldownHours: c.rule.cooldownHours,
  }));
  const lastSent = await sentLog(wh, now - maxCooldownMs(setup));
  const retry = await undeliveredEarlier(wh, now - 24 * 3_600_000, input.runId);
  const sameDay = await sentForDate(wh, input.asOf, input.runId);
  const plan = withoutRepeats(
    planDelivery(
      alerts,
      setup.routes,
      setup.settings,
      (fingerprint, channel) => lastSent.get(`${fingerprint}|${channel}`),
      now,
    ),
    retry,
    sameDay,
    input.asOf,
  );
  // Outbox: every decision is in clari_alerts before anything goes out, the ones to deliver as
  // `pending`; each message's outcome is recorded as soon as it is known. A process that dies
  // mid-delivery leaves `pending` rows that the next run delivers, and `sent` rows it never repeats.
  await recordPlan(wh, plan, input.runId, now);
  await checkpoint('alerts.recorded');
  const decisions = await deliver(
    plan,
    retry,
    setup.routes,
    setup.settings,
    { runId: input.runId, asOf: input.asOf },
    async (batch) => {
      await recordOutcome(wh, batch);
      if (batch.some((d) => d.status === 'sent')) await checkpoint('alerts.sent');
    },
  );
  const count = (status: Decision['status']): number => decisions.filter((d) => d.status === status).length;
  for (const d of decisions.filter((x) => x.status === 'failed'))
    deps.logger.warn({ channel: d.channel, rule: d.alert.rule }, `alert not delivered: ${d.reason ?? ''}`);
  return { sent: count('sent'), suppressed: count('suppressed'), failed: count('failed'), decisions };
}

/**
 * Holds back what would repeat an alert: one already sent for the same business date
 * by an earlier run, whatever the cooldown (a re-run, or the run after a crash, finds the same
 * changes again), and one an earlier undelivered record of the same fingerprint is about to carry.
 */
function withoutRepeats(
  plan: Plan,
  retry: readonly AlertRecord[],
  sameDay: ReadonlyMap<string, string>,
  asOf: string,
): Plan {
  const retried = new Set(retry.map((r) => `${r.alert.fingerprint}|${r.channel}`));
  const suppressed: Decision[] = [...plan.suppressed];
  const deliverable = new Map<string, Alert[]>();
  for (const [channel, list] of plan.deliver) {
    const keep: Alert[] = [];
    for (const alert of list) {
      const key = `${alert.fingerprint}|${channel}`;
      const earlierRun = sameDay.get(key);
      if (retried.has(key))
        suppressed.push({
          alert,
          channel,
          status: 'suppressed',
          reason: 'an earlier undelivered alert with the same fingerprint is being delivered instead',
        });
      else if (earlierRun !== undefined)
        suppressed.push({
          alert,
          channel,
          status: 'suppressed',
          reason: `already sent for ${asOf} by run ${earlierRun}`,
        });
      else keep.push(alert);
    }
    if (keep.length > 0) deliverable.set(channel, keep);
  }
  return { suppressed, deliver: deliverable };
}

async function forecastEvents(wh: Warehouse, rules: readonly RuleSpec[], input: NotifyInput): Promise<ForecastEvent[]> {
  if (!rules.some((r) => isForecastRule(r) || r.type === 'stale_submission')) return [];
  // The changes of the snapshots this run stands behind, whichever run detected them: a snapshot
  // committed by a run that died before alerting (or skipped because the same payload is already
  // loaded) still alerts; what was already sent for the date is held back later.
  const changes: ForecastEvent[] = [];
  for (const s of input.snapshots)
    changes.push(...(await loadChangeEvents(wh, { forecastId: s.forecastId, period: s.period, snapshot: input.asOf })));
  if (!needsSignals(rules)) return changes;
  const signals: ForecastEvent[] = [];
  for (const s of input.snapshots.filter((x) => x.period === input.currentPeriod))
    signals.push(...(await loadSignalEvents(wh, { ...s, asOf: input.asOf })));
  // The swing rule's z-score compares this week's move with the same week of prior quarters.
  const z = new Map(
    signals
      .filter((s) => s.kind === 'wow_move')
      .map((s) => [`${s.forecastId}|${s.period}|${s.userId}|${s.fieldId}`, s]),
  );
  const withZ = changes.map((c) => {
    const s = z.get(`${c.forecastId}|${c.period}|${c.userId}|${c.fieldId}`);
    return s ? { ...c, robustZ: s.robustZ, historyN: s.historyN, weekIndex: s.weekIndex } : c;
  });
  return [...withZ, ...signals];
}

async function opsEvents(
  wh: Warehouse,
  rules: readonly RuleSpec[],
  input: NotifyInput,
  now: number,
): Promise<OpsEvent[]> {
  const ops: OpsEvent[] = input.failures.map((f) => ({
    kind:
      f.code === 'data.empty_export'
        ? 'empty_export'
        : f.code === 'data.reconciliation'
          ? 'reconciliation_mismatch'
          : 'export_failed',
    forecastId: f.forecastId,
    period: f.period,
    code: f.code,
    message: f.message,
  }));
  if (input.quota) ops.push({ kind: 'low_quota', left: input.quota.left, limit: input.quota.limit });
  if (input.breakerOpen)
    ops.push({
      kind: 'breaker_open',
      message: 'Requests to the Clari API failed repeatedly; the client stopped calling it for a while.',
    });
  if (rules.some((r) => r.type === 'stale_data')) {
    for (const forecastId of input.forecasts) {
      const last = await alertsSql.lastLoadedAt(wh, forecastId);
      const hoursSince = last === null ? null : (now - Date.parse(`${last.replace(' ', 'T')}Z`)) / 3_600_000;
      ops.push({ kind: 'stale_data', forecastId, lastSuccess: last, hoursSince });
    }
  }
  return ops;
}

/** Owners' places in the hierarchy, loaded only when a rule or a route needs them. */
export async function ownerPlaces(
  wh: Warehouse,
  setup: Pick<AlertSetup, 'rules' | 'managerLevels'>,
): Promise<(userId: string) => OwnerPlace | undefined> {
  const needed = setup.managerLevels > 0 || setup.rules.some((r) => 'scope' in r && r.scope.hierarchy.length > 0);
  if (!needed) return () => undefined;
  const users = await alertsSql.currentUserPlaces(wh);
  return hierarchyIndex(
    users.map((u) => ({
      userId: String(u.user_id),
      email: u.email ?? '',
      hierarchyId: u.hierarchy_id ?? null,
      hierarchyName: u.hierarchy_name ?? null,
      parentHierarchyId: u.parent_hierarchy_id ?? null,
    })),
    setup.managerLevels,
  );
}

function maxCooldownMs(setup: AlertSetup): number {
  return Math.max(setup.settings.cooldownHours, ...setup.rules.map((r) => r.cooldownHours ?? 0)) * 3_600_000;
}

async function sentLog(wh: Warehouse, since: number): Promise<Map<string, number>> {
  const rows = await alertsSql.sentSince(wh, since);
  return new Map(rows.map((r) => [`${r.fingerprint}|${r.channel}`, Date.parse(`${r.last.replace(' ', 'T')}Z`)]));
}

/** Earlier decisions not known to be delivered: failed ones, and pending ones left by a run that died. */
async function undeliveredEarlier(wh: Warehouse, since: number, runId: string): Promise<AlertRecord[]> {
  // Runs on one data dir never overlap (the run lock), so another run's `pending` row is a dead run's.
  const rows = await alertsSql.undeliveredSince(wh, since, runId);
  const out: AlertRecord[] = [];
  for (const row of rows) {
    try {
      out.push({
        channel: row.channel,
        alert: (
          JSON.parse(typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload)) as { alert: Alert }
        ).alert,
      });
    } catch {
      // An unreadable payload cannot be sent again; it stays failed in the log.
    }
  }
  return out;
}

/**
 * fingerprint|channel -> run id, for alerts other runs sent for this business date. (Ones a dead run
 * left pending are in the retry list instead, and are delivered once from there.)
 */
async function sentForDate(wh: Warehouse, asOf: string, runId: string): Promise<Map<string, string>> {
  const rows = await alertsSql.sentForDate(wh, asOf, runId);
  return new Map(rows.map((r) => [`${r.fingerprint}|${r.channel}`, r.run_id]));
}

/** The plan, before delivery: suppressed decisions as they are, alerts to deliver as `pending`. */
async function recordPlan(wh: Warehouse, plan: Plan, runId: string, now: number): Promise<void> {
  const rows: { alert: Alert; channel: string; status: string; reason?: string | undefined }[] = [
    ...plan.suppressed.map((d) => ({ alert: d.alert, channel: d.channel, status: d.status, reason: d.reason })),
    ...[...plan.deliver].flatMap(([channel, list]) => list.map((alert) => ({ alert, channel, status: 'pending' }))),
  ];
  await wh.transaction(async (tx) => {
    for (const row of rows) {
      const payload = JSON.stringify({ alert: row.alert, ...(row.reason ? { reason: row.reason } : {}) });
      await alertsSql.replaceAlert(tx, {
        alertId: row.alert.alertId,
        rule: row.alert.rule,
        severity: row.alert.severity,
        channel: row.channel,
        status: row.status,
        fingerprint: row.alert.fingerprint,
        createdAt: now,
        payload,
        runId,
      });
    }
  });
}

/**
 * One message's outcome, on its rows: this run's alerts were inserted as pending; a retried alert
 * keeps its earlier row (and its first run id).
 */
async function recordOutcome(wh: Warehouse, decisions: readonly Decision[]): Promise<void> {
  await wh.transaction(async (tx) => {
    for (const d of decisions) {
      const payload = JSON.stringify({ alert: d.alert, ...(d.reason ? { reason: d.reason } : {}) });
      const error = d.status === 'failed' ? (d.reason ?? null) : null;
      await alertsSql.updateAlertOutcome(tx, {
        alertId: d.alert.alertId,
        channel: d.channel,
        status: d.status,
        error,
        payload,
      });
    }
  });
}
