/**
 * The alert log (clari_alerts) and the facts alerting reads: owners' places in the hierarchy, when
 * a forecast last loaded, and which snapshots a backtest replays. Every decision, sent, suppressed
 * or failed, is one row per alert and channel; a retried alert keeps its first row.
 */
import type { Warehouse } from '../types.js';
import { sqlTimestamp } from '../values.js';

/** When the forecast last loaded a snapshot (stale-data rule). */
export async function lastLoadedAt(wh: Warehouse, forecastId: string): Promise<string | null> {
  const [row] = await wh.query<{ last: string | null }>(
    'SELECT max(loaded_at) AS last FROM clari_snapshots WHERE forecast_id = $1',
    [forecastId],
  );
  return row?.last ?? null;
}

/** Current users with their place in the hierarchy. */
export function currentUserPlaces(wh: Warehouse): Promise<Record<string, string | null>[]> {
  return wh.query<Record<string, string | null>>(
    'SELECT user_id, email, hierarchy_id, hierarchy_name, parent_hierarchy_id FROM clari_users WHERE valid_to IS NULL',
  );
}

/** Last send time of each fingerprint and channel since `since` (cooldown). */
export function sentSince(
  wh: Warehouse,
  since: number,
): Promise<{ fingerprint: string; channel: string; last: string }[]> {
  return wh.query<{ fingerprint: string; channel: string; last: string }>(
    "SELECT fingerprint, channel, max(created_at) AS last FROM clari_alerts WHERE status = 'sent' AND created_at >= $1 GROUP BY fingerprint, channel",
    [sqlTimestamp(since)],
  );
}

/** Other runs' decisions not known to be delivered (failed, or pending where a run died). */
export function undeliveredSince(
  wh: Warehouse,
  since: number,
  runId: string,
): Promise<{ channel: string; payload: string }[]> {
  return wh.query<{ channel: string; payload: string }>(
    "SELECT channel, payload FROM clari_alerts WHERE status IN ('failed', 'pending') AND created_at >= $1 AND run_id <> $2",
    [sqlTimestamp(since), runId],
  );
}

/** Alerts other runs sent for this business date. */
export function sentForDate(
  wh: Warehouse,
  asOf: string,
  runId: string,
): Promise<{ fingerprint: string; channel: string; run_id: string }[]> {
  return wh.query<{ fingerprint: string; channel: string; run_id: string }>(
    "SELECT a.fingerprint, a.channel, a.run_id FROM clari_alerts a JOIN clari_sync_runs r ON r.run_id = a.run_id WHERE a.status = 'sent' AND r.as_of = $1 AND a.run_id <> $2",
    [asOf, runId],
  );
}

export interface AlertRow {
  readonly alertId: string;
  readonly rule: string;
  readonly severity: string;
  readonly channel: string;
  readonly status: string;
  readonly fingerprint: string;
  readonly createdAt: number;
  /** JSON text. */
  readonly payload: string;
  readonly runId: string;
}

/** Writes the decision's row, replacing an earlier one for the same alert and channel. */
export async function replaceAlert(wh: Warehouse, row: AlertRow): Promise<void> {
  await wh.exec('DELETE FROM clari_alerts WHERE alert_id = $1 AND channel = $2', [row.alertId, row.channel]);
  await wh.exec(
    'INSERT INTO clari_alerts (alert_id, rule, severity, channel, status, fingerprint, created_at, payload, run_id, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
    [
      row.alertId,
      row.rule,
      row.severity,
      row.channel,
      row.status,
      row.fingerprint,
      sqlTimestamp(row.createdAt),
      row.payload,
      row.runId,
      null,
    ],
  );
}

/** A delivery's outcome on the alert's row. */
export async function updateAlertOutcome(
  wh: Warehouse,
  outcome: { alertId: string; channel: string; status: string; error: string | null; payload: string },
): Promise<void> {
  await wh.exec('UPDATE clari_alerts SET status = $3, error = $4, payload = $5 WHERE alert_id = $1 AND channel = $2', [
    outcome.alertId,
    outcome.channel,
    outcome.status,
    outcome.error,
    outcome.payload,
  ]);
}

/** The snapshots of a period in business-date order (backtests replay them). */
export function snapshotsOfPeriod(
  wh: Warehouse,
  period: string,
): Promise<{ forecast_id: string; snapshot_date: string }[]> {
  return wh.query<{ forecast_id: string; snapshot_date: string }>(
    'SELECT forecast_id, snapshot_date FROM clari_snapshots WHERE time_period = $1 ORDER BY snapshot_date, forecast_id',
    [period],
  );
}
