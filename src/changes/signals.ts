/**
 * Week-level signals from the weekly history inside the exports (revops-domain.md 2.6 and 5), as
 * of a snapshot: each owner's call this week against last week (week-over-week move), whether the
 * call turned direction, how many weeks since the owner last updated it, and the spread of the
 * same week's moves in prior quarters (median and MAD) for a robust z-score. Computed in SQL for
 * the snapshot's latest week only, so one row per owner and call field comes back.
 */
import type { Warehouse } from '../warehouse/index.js';

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
  const double = wh.dialect.types.double;
  const median = (expr: string): string => wh.dialect.median(expr);
  const rows = await wh.query<Record<string, string | number | null>>(
    `WITH w AS (
       SELECT e.time_period, e.user_id, e.field_id, e.time_frame_id, CAST(e.forecast_value AS ${double}) AS v, e.is_updated,
              dense_rank() OVER (PARTITION BY e.time_period ORDER BY e.time_frame_id) AS wk
       FROM clari_forecast_entries e
       JOIN clari_fields f ON f.forecast_id = e.forecast_id AND f.field_id = e.field_id AND NOT coalesce(f.is_quota, FALSE)
       WHERE e.forecast_id = $1 AND e.time_period <= $2 AND e.valid_from <= $3 AND (e.valid_to IS NULL OR e.valid_to > $3)),
     d AS (SELECT w.*, v - lag(v) OVER (PARTITION BY time_period, user_id, field_id ORDER BY wk) AS delta FROM w),
     hist AS (SELECT user_id, field_id, wk, count(delta) AS n, ${median('delta')} AS med
              FROM d WHERE time_period < $2 AND delta IS NOT NULL GROUP BY user_id, field_id, wk),
     spread AS (SELECT d.user_id, d.field_id, d.wk, ${median('abs(d.delta - h.med)')} AS mad
                FROM d JOIN hist h ON h.user_id = d.user_id AND h.field_id = d.field_id AND h.wk = d.wk
                WHERE d.time_period < $2 AND d.delta IS NOT NULL GROUP BY d.user_id, d.field_id, d.wk),
     cur AS (SELECT * FROM d WHERE time_period = $2),
     latest AS (SELECT max(wk) AS wk FROM cur),
     updated AS (SELECT user_id, field_id, max(CASE WHEN is_updated THEN wk END) AS wk FROM cur GROUP BY user_id, field_id)
     SELECT c.user_id, c.field_id, c.wk AS week_index, c.time_frame_id, c.v AS value, c.v - c.delta AS previous_value, c.delta, pd.delta AS previous_delta,
            l.wk - coalesce(u.wk, 0) AS stale_weeks, coalesce(h.n, 0) AS history_n, h.med AS history_median, s.mad AS history_mad
     FROM cur c
     JOIN latest l ON c.wk = l.wk
     LEFT JOIN cur pd ON pd.user_id = c.user_id AND pd.field_id = c.field_id AND pd.wk = c.wk - 1
     LEFT JOIN updated u ON u.user_id = c.user_id AND u.field_id = c.field_id
     LEFT JOIN hist h ON h.user_id = c.user_id AND h.field_id = c.field_id AND h.wk = c.wk
     LEFT JOIN spread s ON s.user_id = c.user_id AND s.field_id = c.field_id AND s.wk = c.wk`,
    [snapshot.forecastId, snapshot.period, snapshot.asOf],
  );
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
