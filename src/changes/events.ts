/**
 * ForecastEvent: one detected change or signal, in the shape the alert rules read. Events of a run
 * come from clari_forecast_changes rows that run wrote (bounded by the number of changes, never the
 * number of entries) plus, when a rule needs them, the week-level signals of its snapshots.
 */
import { changesSql, type Warehouse } from '../warehouse/index.js';
import type { ChangeKind } from './detect.js';
import { robustZ, weeklySignals } from './signals.js';

export type EventKind = ChangeKind | 'wow_move' | 'direction_flip' | 'stale_submission';

export interface ForecastEvent {
  readonly kind: EventKind;
  readonly forecastId: string;
  readonly period: string;
  readonly snapshot: string;
  readonly previousSnapshot: string | null;
  readonly userId: string;
  readonly ownerName: string;
  readonly ownerEmail: string;
  readonly fieldId: string;
  readonly fieldName: string;
  readonly previous: number | null;
  readonly current: number | null;
  readonly change: number | null;
  /** Percent; null when there is no non-zero previous amount. */
  readonly changePct: number | null;
  /** The owner's quota in the snapshot, for percent-of-quota floors. */
  readonly quota: number | null;
  readonly weekIndex?: number | undefined;
  readonly staleWeeks?: number | undefined;
  readonly robustZ?: number | null | undefined;
  readonly historyN?: number | undefined;
  /**
   * The deals behind a call change (v_deal_movement), when deals are loaded and some moved: how
   * many, how many slipped out of the period or were pulled into it, their amount changes summed.
   */
  readonly deals?: DealsMoved | undefined;
}

export interface DealsMoved {
  readonly moved: number;
  readonly slipped: number;
  readonly pulledIn: number;
  readonly amountChange: number;
}

const num = (v: string | number | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

/** The changes a run detected (or, for backtests, the changes of one snapshot). */
export async function loadChangeEvents(
  wh: Warehouse,
  filter: { runId: string } | { forecastId: string; period: string; snapshot: string },
): Promise<ForecastEvent[]> {
  const rows = await changesSql.changeRows(wh, filter);
  const events = rows.map((r): ForecastEvent => ({
    kind: r.change_kind as ChangeKind,
    forecastId: String(r.forecast_name),
    period: String(r.time_period),
    snapshot: String(r.current_snapshot),
    previousSnapshot: r.previous_snapshot === null ? null : String(r.previous_snapshot),
    userId: String(r.user_id),
    ownerName: String(r.owner_name ?? ''),
    ownerEmail: String(r.owner_email ?? ''),
    fieldId: String(r.field_id),
    fieldName: String(r.field_name ?? r.field_id),
    previous: num(r.previous_amount),
    current: num(r.current_amount),
    change: num(r.change_amount),
    changePct: num(r.change_pct),
    quota: num(r.quota),
  }));
  return withDeals(wh, events);
}

/** Call changes with the deals that moved under them, read once per forecast, period and date. */
async function withDeals(wh: Warehouse, events: readonly ForecastEvent[]): Promise<ForecastEvent[]> {
  const scopes = new Set(
    events.filter((e) => e.kind === 'changed').map((e) => `${e.forecastId}\u0000${e.period}\u0000${e.snapshot}`),
  );
  const moved = new Map<string, DealsMoved>();
  for (const scope of scopes) {
    const [forecastId = '', period = '', snapshot = ''] = scope.split('\u0000');
    for (const r of await changesSql.dealMoveSummaries(wh, { forecastId, period, since: snapshot }))
      moved.set(`${forecastId}|${period}|${snapshot}|${String(r.user_id)}|${String(r.field_id)}`, {
        moved: Number(r.deals),
        slipped: Number(r.slipped),
        pulledIn: Number(r.pulled_in),
        amountChange: Number(r.amount_change ?? 0),
      });
  }
  return events.map((e) => {
    const deals =
      e.kind === 'changed'
        ? moved.get(`${e.forecastId}|${e.period}|${e.snapshot}|${e.userId}|${e.fieldId}`)
        : undefined;
    return deals ? { ...e, deals } : e;
  });
}

/** Week-level events of one snapshot: moves, direction flips and stale submissions. */
export async function loadSignalEvents(
  wh: Warehouse,
  snapshot: { forecastId: string; period: string; asOf: string },
): Promise<ForecastEvent[]> {
  const signals = await weeklySignals(wh, snapshot);
  if (signals.length === 0) return [];
  const owners = await changesSql.snapshotOwners(wh, snapshot);
  const byKey = new Map(owners.map((o) => [`${String(o.user_id)}|${String(o.field_id)}`, o]));
  const out: ForecastEvent[] = [];
  for (const s of signals) {
    const owner = byKey.get(`${s.userId}|${s.fieldId}`);
    if (!owner) continue;
    const base = {
      forecastId: snapshot.forecastId,
      period: snapshot.period,
      snapshot: snapshot.asOf,
      previousSnapshot: null,
      userId: s.userId,
      ownerName: String(owner.owner_name ?? ''),
      ownerEmail: String(owner.owner_email ?? ''),
      fieldId: s.fieldId,
      fieldName: String(owner.field_name ?? s.fieldId),
      quota: num(owner.quota_amount),
      weekIndex: s.weekIndex,
      staleWeeks: s.staleWeeks,
      robustZ: robustZ(s),
      historyN: s.historyN,
    };
    const moved = {
      previous: s.previousValue,
      current: s.value,
      change: s.delta,
      changePct: s.previousValue ? ((s.delta ?? 0) / Math.abs(s.previousValue)) * 100 : null,
    };
    if (s.delta !== null && s.delta !== 0) out.push({ ...base, ...moved, kind: 'wow_move' });
    if (s.delta !== null && s.previousDelta !== null && Math.sign(s.delta) * Math.sign(s.previousDelta) < 0)
      out.push({ ...base, ...moved, kind: 'direction_flip' });
    if (s.staleWeeks > 0)
      out.push({ ...base, previous: null, current: s.value, change: null, changePct: null, kind: 'stale_submission' });
  }
  return out;
}
