/**
 * /metrics content: live series from the process (Clari API latency per endpoint, breaker) and
 * series derived from the warehouse history (export job latency, exports, rows, changes, quota,
 * last success), parsed with a Prometheus text-format parser.
 */
import { getMetricsFromIterator } from 'prom2javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveMetrics, metricsText } from '../../src/app/index.js';
import type { RunSummary } from '../../src/pipeline/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { testPipeline } from '../support/pipeline.js';
import { startTestSim } from '../support/sim.js';
import { type TestWarehouse, testWarehouse } from '../support/warehouses.js';

interface Family {
  type: string;
  data: { labels?: Record<string, string>; value?: number; count?: number }[];
}

/** Parses the exposition with a real text-format parser (prom2javascript). */
async function parse(text: string): Promise<Record<string, Family | undefined>> {
  return await getMetricsFromIterator(text.split('\n')[Symbol.iterator]());
}

describe('metrics', () => {
  let sim: RunningSimulator;
  let target: TestWarehouse;
  let wh: Warehouse;
  const live = new LiveMetrics();
  const summaries: RunSummary[] = [];

  beforeAll(async () => {
    sim = await startTestSim({ asOf: '2026-11-23', users: 20, forecasts: 1 });
    target = await testWarehouse('duckdb');
    wh = await target.open();
    const p = testPipeline(sim, wh, { client: { onRequest: (e) => live.onRequest(e) } });
    summaries.push(await p.run({ asOf: '2026-11-23', periodCount: 2 }));
    sim.simulator.advanceDays(1);
    summaries.push(await p.run({ asOf: '2026-11-24', periodCount: 2 }));
    for (const s of summaries) live.onRun(s);
    live.onBreaker(p.deps.client.breakerState);
  });
  afterAll(async () => {
    await wh.close();
    await target.dispose();
    await sim.close();
  });

  it('exposes the run, export, API and quota series in valid text format', async () => {
    const families = await parse(await metricsText(wh, live));
    const family = (name: string): Family => {
      const f = families[name];
      expect(f, name).toBeDefined();
      return f!;
    };
    const total = (name: string, labels: Record<string, string> = {}): number =>
      family(name)
        .data.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
        .reduce((n, m) => n + Number(m.value ?? m.count ?? 0), 0);

    const api = family('clari_api_request_duration_seconds');
    expect(api.type).toBe('histogram');
    const endpoints = new Set(api.data.map((m) => m.labels?.endpoint));
    for (const e of [
      'GET /admin/limits',
      'POST /export/forecast/{forecastId}',
      'GET /export/jobs/{jobId}',
      'GET /export/jobs/{jobId}/results',
    ])
      expect(endpoints).toContain(e);
    expect(total('clari_api_requests_total', { endpoint: 'POST /export/forecast/{forecastId}', outcome: 'ok' })).toBe(
      4,
    );
    expect(total('clari_api_circuit_open')).toBe(0);
    expect(family('clari_export_job_duration_seconds').type).toBe('histogram');
    expect(total('clari_export_job_duration_seconds')).toBe(4);
    expect(total('clari_exports_total', { status: 'loaded' })).toBe(4);
    expect(total('clari_rows_loaded_total')).toBe(summaries[0]!.rowsLoaded + summaries[1]!.rowsLoaded);
    expect(total('clari_forecast_changes_total')).toBe(summaries[1]!.changes);
    expect(total('clari_runs_total', { status: 'success' })).toBe(2);
    expect(total('clari_run_duration_seconds')).toBe(2);
    expect(total('clari_export_quota_remaining')).toBe(summaries[1]!.quota!.left);
    const last = Number(family('clari_last_successful_snapshot_timestamp_seconds').data[0]!.value);
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(300);
    expect(total('clari_dp_process_runs_total', { status: 'success' })).toBe(2);
  });

  it('a fresh process derives the history from the warehouse alone', async () => {
    const families = await parse(await metricsText(wh));
    expect(families.clari_api_request_duration_seconds).toBeUndefined();
    expect(families.clari_exports_total!.data.length).toBeGreaterThan(0);
  });
});
