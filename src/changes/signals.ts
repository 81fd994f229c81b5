/**
 * Week-level signals from the weekly history inside the exports (revops-domain.md 2.6 and 5), as
 * of a snapshot: each owner's call this week against last week (week-over-week move), whether the
 * call turned direction, how many weeks since the owner last updated it, and the spread of the
 * same week's moves in prior quarters (median and MAD) for a robust z-score. Computed in SQL for
 * the snapshot's latest week only, so one row per owner and call field comes back.
 */
import { changesSql, type Warehouse } from '../warehouse/index.js';

export interface WeeklySignal {
  readonly userId: string;
  readonly fieldId: string;
  /** 1-based week of the quarter. */
  readonly weekIndex: number;
  readonly timeFrameId: string;
  readonly value: number | null;
  readonly previousValue: number | null;
  /** This week's call minus last week's. */
  readonly delta: number | null;
  /** Last week's move, to spot a call that turns direction. */
  readonly previousDelta: number | null;
  /** Weeks since the owner last updated this call (0 = updated this week). */
  readonly staleWeeks: number;
  /** Prior quarters with a move at this week, their median move and its median absolute deviation. */
  readonly historyN: number;
  readonly historyMedian: number | null;
  readonly historyMad: number | null;
}

/** Modified z-score (Iglewicz & Hoaglin): 0.6745 (x - median) / MAD; null without spread. */
export function robustZ(signal: Pick<WeeklySignal, 'delta' | 'historyMedian' | 'historyMad'>): number | null {
  if (signal.delta === null || signal.historyMedian === null || !signal.historyMad) return null;
  return (0.6745 * (signal.delta - signal.historyMedian)) / signal.historyMad;
}

export async function weeklySignals(
  wh: Warehouse,
  snapshot: { forecastId: string; period: string; asOf: string },
): Promise<WeeklySignal[]> {
  const rows = await changesSql.weeklySignalRows(wh, snapshot);
  const num = (v: string | number | null | undefined): number | null =>
    v === null || v === undefined ? null : Number(v);
  return rows.map((r) => ({
    userId: String(r.user_id),
    fieldId: String(r.field_id),
    weekIndex: Number(r.week_index),
    timeFrameId: String(r.time_frame_id),
    value: num(r.value),
    previousValue: num(r.previous_value),
    delta: num(r.delta),
    previousDelta: num(r.previous_delta),
    staleWeeks: Number(r.stale_weeks),
    historyN: Number(r.history_n),
    historyMedian: num(r.history_median),
    historyMad: num(r.history_mad),
  }));
}
