/**
 * The reads behind the warehouse-derived Prometheus series (app/metrics.ts): run, export, change
 * and alert totals, latencies, the last measured quota and the last snapshot of each forecast.
 * Small aggregates, read fresh on each scrape.
 */
import type { Warehouse } from '../types.js';

type N = string | number;

export interface MetricFacts {
  readonly jobLatencies: { forecast_id: string; latency_ms: N }[];
  readonly exports: { status: string; cached: boolean | null; n: N; loaded: N | null; forecast_id: string }[];
  readonly changes: { kind: string; n: N }[];
  readonly alerts: { status: string; n: N }[];
  readonly runs: { status: string; n: N; last: string | null }[];
  readonly runDurations: { d: N }[];
  readonly latestRun: { exports_failed: N | null } | undefined;
  readonly measuredQuota: { quota_left: N; quota_limit: N | null } | undefined;
  readonly lastSnapshots: { forecast_id: string; t: string }[];
}

export async function metricFacts(wh: Warehouse): Promise<MetricFacts> {
  return {
    jobLatencies: await wh.query(
      'SELECT forecast_id, latency_ms FROM clari_export_jobs WHERE latency_ms IS NOT NULL AND NOT coalesce(cached, FALSE)',
    ),
    exports: await wh.query(
      'SELECT status, coalesce(cached, FALSE) AS cached, forecast_id, count(*) AS n, sum(coalesce(loaded_rows, 0)) AS loaded FROM clari_export_jobs GROUP BY status, coalesce(cached, FALSE), forecast_id',
    ),
    changes: await wh.query(
      'SELECT change_kind AS kind, count(*) AS n FROM clari_forecast_changes GROUP BY change_kind',
    ),
    alerts: await wh.query('SELECT status, count(*) AS n FROM clari_alerts GROUP BY status'),
    runs: await wh.query('SELECT status, count(*) AS n, max(finished_at) AS last FROM clari_sync_runs GROUP BY status'),
    runDurations: await wh.query('SELECT duration_ms AS d FROM clari_sync_runs WHERE duration_ms IS NOT NULL'),
    latestRun: (
      await wh.query<{ exports_failed: N | null }>(
        'SELECT exports_failed FROM clari_sync_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1',
      )
    )[0],
    // Runs served from the landing ask Clari nothing, so the quota is the last one a run measured.
    measuredQuota: (
      await wh.query<{ quota_left: N; quota_limit: N | null }>(
        'SELECT quota_left, quota_limit FROM clari_sync_runs WHERE quota_left IS NOT NULL ORDER BY finished_at DESC LIMIT 1',
      )
    )[0],
    lastSnapshots: await wh.query('SELECT forecast_id, max(loaded_at) AS t FROM clari_snapshots GROUP BY forecast_id'),
  };
}
