/**
 * Prometheus metrics (prom-client). Two sources, one exposition: live series from this process
 * (Clari API latency per endpoint, retries, 429s, breaker state, runs it executed) and series
 * derived from the warehouse's run and job history at scrape time (export job latency, exports by
 * status, rows loaded, changes, alerts, quota left, last successful snapshot). The derived half
 * makes a freshly started `serve` useful even when the runs happen in cron or Airflow.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState, RequestEvent } from '../clari/index.js';
import type { RunSummary } from '../pipeline/index.js';
import { metricsSql, type Warehouse } from '../warehouse/index.js';

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const JOB_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600];

/** Live metrics of this process; hook `onRequest` into the Clari client and `onRun` after each run. */
export class LiveMetrics {
  readonly registry = new Registry();
  private readonly latency = new Histogram({
    name: 'clari_api_request_duration_seconds',
    help: 'Clari API request latency by endpoint',
    labelNames: ['endpoint', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'clari_api_requests_total',
    help: 'Clari API requests by endpoint and outcome',
    labelNames: ['endpoint', 'outcome'],
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'clari_api_retries_total',
    help: 'Clari API requests retried',
    labelNames: ['endpoint'],
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'clari_api_rate_limited_total',
    help: 'Clari API answers 429 (rate limited)',
    labelNames: ['endpoint'],
    registers: [this.registry],
  });
  private readonly breaker = new Gauge({
    name: 'clari_api_circuit_open',
    help: '1 while the Clari API circuit breaker is open or half-open',
    registers: [this.registry],
  });
  private readonly runs = new Counter({
    name: 'clari_dp_process_runs_total',
    help: 'Pipeline runs executed by this process, by status',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly runDuration = new Histogram({
    name: 'clari_dp_run_duration_seconds',
    help: 'Duration of pipeline runs executed by this process',
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  onRequest(event: RequestEvent): void {
    const status = event.status === undefined ? 'none' : String(event.status);
    this.latency.observe({ endpoint: event.endpoint, status }, event.durationMs / 1000);
    this.requests.inc({
      endpoint: event.endpoint,
      outcome: event.errorCode ? (event.retrying ? 'retried' : 'failed') : 'ok',
    });
    if (event.retrying) this.retries.inc({ endpoint: event.endpoint });
    if (event.status === 429) this.rateLimited.inc({ endpoint: event.endpoint });
  }

  onBreaker(state: BreakerState): void {
    this.breaker.set(state === 'closed' ? 0 : 1);
  }

  onRun(summary: RunSummary): void {
    this.runs.inc({ status: summary.status });
    this.runDuration.observe(summary.durationMs / 1000);
  }
}

/** The warehouse-derived series, registered on a fresh registry. */
function derivedSeries(registry: Registry) {
  const registers = [registry];
  type Spec = { name: string; help: string; label?: string };
  const counter = ({ name, help, label }: Spec): Counter =>
    new Counter({ name, help, labelNames: label ? [label] : [], registers });
  const gauge = ({ name, help, label }: Spec): Gauge =>
    new Gauge({ name, help, labelNames: label ? [label] : [], registers });
  return {
    jobLatency: new Histogram({
      name: 'clari_export_job_duration_seconds',
      help: 'Export job latency (creation to done) by forecast',
      labelNames: ['forecast'],
      buckets: JOB_BUCKETS,
      registers,
    }),
    exports: new Counter({
      name: 'clari_exports_total',
      help: 'Exports by status (loaded, empty, failed) and whether served from the landing',
      labelNames: ['status', 'cached'],
      registers,
    }),
    rows: counter({ name: 'clari_rows_loaded_total', help: 'Entry rows loaded, by forecast', label: 'forecast' }),
    changes: counter({
      name: 'clari_forecast_changes_total',
      help: 'Detected forecast changes by kind',
      label: 'kind',
    }),
    alerts: counter({
      name: 'clari_alerts_total',
      help: 'Alert decisions by status (sent, suppressed, failed)',
      label: 'status',
    }),
    runs: counter({ name: 'clari_runs_total', help: 'Pipeline runs by status', label: 'status' }),
    runDuration: new Histogram({
      name: 'clari_run_duration_seconds',
      help: 'Pipeline run duration',
      buckets: JOB_BUCKETS,
      registers,
    }),
    quota: gauge({
      name: 'clari_export_quota_remaining',
      help: 'Export quota left in the rolling 30 days, at the last run',
    }),
    quotaLimit: gauge({ name: 'clari_export_quota_limit', help: 'Export quota per rolling 30 days, at the last run' }),
    lastSnapshot: gauge({
      name: 'clari_last_successful_snapshot_timestamp_seconds',
      help: 'When the last snapshot of a forecast was loaded (Unix time)',
      label: 'forecast',
    }),
    lastRun: gauge({
      name: 'clari_last_run_timestamp_seconds',
      help: 'When the last run finished, by status',
      label: 'status',
    }),
    failedLastRun: gauge({ name: 'clari_last_run_failed_exports', help: 'Exports that failed in the most recent run' }),
  };
}

/** Series derived from the warehouse history, built fresh for each scrape. */
export async function warehouseMetrics(wh: Warehouse): Promise<Registry> {
  const registry = new Registry();
  const m = derivedSeries(registry);
  const facts = await metricsSql.metricFacts(wh);
  const epoch = (ts: string): number => Date.parse(`${ts.replace(' ', 'T')}Z`) / 1000;
  for (const r of facts.jobLatencies) m.jobLatency.observe({ forecast: r.forecast_id }, Number(r.latency_ms) / 1000);
  for (const r of facts.exports) {
    m.exports.inc({ status: r.status, cached: String(r.cached === true) }, Number(r.n));
    if (r.loaded) m.rows.inc({ forecast: r.forecast_id }, Number(r.loaded));
  }
  for (const r of facts.changes) m.changes.inc({ kind: r.kind }, Number(r.n));
  for (const r of facts.alerts) m.alerts.inc({ status: r.status }, Number(r.n));
  for (const r of facts.runs) {
    m.runs.inc({ status: r.status }, Number(r.n));
    if (r.last) m.lastRun.set({ status: r.status }, epoch(r.last));
  }
  for (const r of facts.runDurations) m.runDuration.observe(Number(r.d) / 1000);
  if (facts.latestRun) m.failedLastRun.set(Number(facts.latestRun.exports_failed ?? 0));
  const measured = facts.measuredQuota;
  if (measured) m.quota.set(Number(measured.quota_left));
  if (measured?.quota_limit !== null && measured?.quota_limit !== undefined)
    m.quotaLimit.set(Number(measured.quota_limit));
  for (const r of facts.lastSnapshots) m.lastSnapshot.set({ forecast: r.forecast_id }, epoch(r.t));
  return registry;
}

/** The exposition text: live series (when this process has them) and the warehouse-derived ones. */
export async function metricsText(wh: Warehouse, live?: LiveMetrics): Promise<string> {
  const derived = await warehouseMetrics(wh);
  return Registry.merge(live ? [live.registry, derived] : [derived]).metrics();
}
