/**
 * The run ledger: one clari_sync_runs row per run (started, then finished with its figures) and one
 * clari_export_jobs row per export of the run, whatever became of it. A run still marked running
 * when the next one starts is one that died.
 */
import type { SqlValue, Warehouse } from '../types.js';
import { sqlTimestamp } from '../values.js';

/** Marks runs still `running` as failed, with why. */
export async function markInterruptedRuns(wh: Warehouse, error: string): Promise<void> {
  await wh.exec("UPDATE clari_sync_runs SET status = 'failed', error = $1 WHERE status = 'running'", [error]);
}

export interface StartedRun {
  readonly runId: string;
  readonly startedAt: number;
  readonly asOf: string;
  readonly trigger: string;
  readonly exports: number;
}

export async function insertRun(wh: Warehouse, run: StartedRun): Promise<void> {
  await wh.exec(
    `INSERT INTO clari_sync_runs (run_id, started_at, status, as_of, ${wh.dialect.ident('trigger')}, exports) VALUES ($1, $2, $3, $4, $5, $6)`,
    [run.runId, sqlTimestamp(run.startedAt), 'running', run.asOf, run.trigger, run.exports],
  );
}

export interface FinishedRun {
  readonly runId: string;
  readonly finishedAt: number;
  readonly status: string;
  readonly error: string | null;
  readonly exportsFailed: number;
  readonly rowsLoaded: number;
  readonly changes: number;
  readonly alerts: number;
  readonly durationMs: number;
  readonly quota?: { readonly left: number; readonly limit: number; readonly concurrency: number } | undefined;
}

export async function finishRun(wh: Warehouse, run: FinishedRun): Promise<void> {
  await wh.exec(
    `UPDATE clari_sync_runs SET finished_at = $2, status = $3, error = $4, exports_failed = $5, rows_loaded = $6, changes = $7, alerts = $8, duration_ms = $9, quota_left = $10, quota_limit = $11, concurrency_limit = $12 WHERE run_id = $1`,
    [
      run.runId,
      sqlTimestamp(run.finishedAt),
      run.status,
      run.error,
      run.exportsFailed,
      run.rowsLoaded,
      run.changes,
      run.alerts,
      run.durationMs,
      run.quota?.left ?? null,
      run.quota?.limit ?? null,
      run.quota?.concurrency ?? null,
    ],
  );
}

/** Refreshes planner statistics of the loaded tables, where the engine needs it (PostgreSQL). */
export async function analyzeLoadedTables(wh: Warehouse): Promise<void> {
  const analyze = wh.dialect.analyze([
    'clari_forecast_entries',
    'clari_forecasts',
    'clari_forecast_changes',
    'clari_users',
    'clari_snapshots',
    'clari_fields',
  ]);
  if (analyze) await wh.exec(analyze);
}

/** One clari_export_jobs row, in column order. */
export interface ExportJobRow {
  readonly jobId: string | null;
  readonly runId: string;
  readonly forecastId: string;
  readonly period: string;
  readonly status: string;
  readonly createdAt: number | null;
  readonly finishedAt: number | null;
  readonly latencyMs: number | null;
  readonly polls: number;
  readonly rows: number;
  readonly sha: string | null;
  readonly rowsTruncated: boolean | null;
  readonly cellsTruncated: boolean | null;
  readonly error: string | null;
  readonly errorCode: string | null;
  readonly asOf: string;
  readonly attempts: number;
  readonly cached: boolean;
  readonly format: string;
  readonly bytes: number | null;
  readonly payloadRows: number | null;
  readonly loadedRows: number | null;
  /** Decimal strings. */
  readonly payloadSum: string | null;
  readonly loadedSum: string | null;
  readonly reconciled: boolean | null;
  readonly warnings: string | null;
}

/** Replaces the export's row of this run. */
export async function recordExportJob(wh: Warehouse, row: ExportJobRow): Promise<void> {
  // Sums arrive as decimal strings; BigQuery coerces a string parameter to dates, not to NUMERIC.
  const money = wh.dialect.types.money;
  await wh.exec('DELETE FROM clari_export_jobs WHERE run_id = $1 AND forecast_id = $2 AND time_period = $3', [
    row.runId,
    row.forecastId,
    row.period,
  ]);
  const time = (ms: number | null): SqlValue => (ms === null ? null : sqlTimestamp(ms));
  await wh.exec(
    `INSERT INTO clari_export_jobs (job_id, run_id, forecast_id, time_period, status, created_at, finished_at, latency_ms, poll_count, ${wh.dialect.ident('rows')}, payload_sha256, rows_truncated, cells_truncated, error, error_code, snapshot_date, attempts, cached, format, payload_bytes, payload_rows, loaded_rows, payload_sum, loaded_sum, reconciled, warnings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, CAST($23 AS ${money}), CAST($24 AS ${money}), $25, $26)`,
    [
      row.jobId,
      row.runId,
      row.forecastId,
      row.period,
      row.status,
      time(row.createdAt),
      time(row.finishedAt),
      row.latencyMs,
      row.polls,
      row.rows,
      row.sha,
      row.rowsTruncated,
      row.cellsTruncated,
      row.error,
      row.errorCode,
      row.asOf,
      row.attempts,
      row.cached,
      row.format,
      row.bytes,
      row.payloadRows,
      row.loadedRows,
      row.payloadSum,
      row.loadedSum,
      row.reconciled,
      row.warnings,
    ],
  );
}
