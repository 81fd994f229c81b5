/** Renders a run summary for people (a table) or machines (design.md's `run --json` object). */
import type { DealsSummary, RunSummary } from '../pipeline/index.js';
import { table } from './output.js';

export function summaryJson(summary: RunSummary): string {
  return `${JSON.stringify({
    runId: summary.runId,
    status: summary.status,
    asOf: summary.asOf,
    exports: summary.exports.map((e) => ({
      forecastId: e.forecastId,
      timePeriod: e.timePeriod,
      jobId: e.jobId,
      status: e.status,
      rows: e.rows,
      cached: e.cached,
      unchanged: e.unchanged === true,
      latencyMs: e.latencyMs,
      changes: e.changes,
      ...(e.error ? { error: e.error, errorCode: e.errorCode } : {}),
    })),
    rowsLoaded: summary.rowsLoaded,
    changes: summary.changes,
    alerts: summary.alerts,
    durationMs: summary.durationMs,
    warnings: summary.warnings,
    quota: summary.quota ?? null,
    ...(summary.deals ? { deals: summary.deals } : {}),
  })}\n`;
}

export function summaryText(summary: RunSummary): string {
  const rows = summary.exports.map((e) => [
    e.forecastId,
    e.timePeriod,
    e.unchanged ? `${e.status} (unchanged)` : e.status,
    e.rows.toLocaleString('en-US'),
    String(e.changes),
    e.cached ? 'landing (cache)' : e.latencyMs !== null ? `export ${(e.latencyMs / 1000).toFixed(1)} s` : 'export',
  ]);
  let out = `run ${summary.runId}: ${summary.status} (as of ${summary.asOf}, ${(summary.durationMs / 1000).toFixed(1)} s)\n\n`;
  out += table(['forecast', 'period', 'status', 'rows', 'changes', 'source'], rows);
  out += `\nrows loaded ${summary.rowsLoaded.toLocaleString('en-US')} · changes ${summary.changes}`;
  if (summary.quota) out += ` · export quota left ${summary.quota.left}/${summary.quota.limit}`;
  out += '\n';
  if (summary.deals) out += dealsText(summary.deals);
  // Exports that failed the same way (Clari unreachable fails them all) are one line.
  const failures = new Map<string, { which: string[]; hint: string | undefined }>();
  for (const e of summary.exports.filter((x) => x.error)) {
    const seen = failures.get(e.error!) ?? {
      which: [],
      hint: e.errorCode === 'clari.unreachable' ? e.errorHint : undefined,
    };
    seen.which.push(`${e.forecastId} ${e.timePeriod}`);
    failures.set(e.error!, seen);
  }
  for (const [error, { which, hint }] of failures) {
    out +=
      which.length === 1
        ? `\nFAILED ${which[0]}: ${error}\n`
        : `\nFAILED ${which.length} exports (${which.join(', ')}): ${error}\n`;
    if (hint) out += `  hint: ${hint}\n`;
  }
  for (const w of summary.warnings) out += `warning: ${w}\n`;
  return out;
}

/** The deals stage in two lines: the activity window and the opportunity refresh. */
function dealsText(deals: DealsSummary): string {
  const a = deals.activities;
  const o = deals.opportunities;
  const window = deals.window ? ` ${deals.window.from} to ${deals.window.to}` : '';
  const source = (cached: boolean, unchanged?: boolean): string =>
    unchanged ? ' (unchanged)' : cached ? ' (landing)' : '';
  let out = `activity${window}: ${
    a.status === 'failed'
      ? `FAILED: ${a.error ?? ''}`
      : `${a.status}${source(a.cached, a.unchanged)}, ${a.activities.toLocaleString('en-US')} activities, ${a.participants.toLocaleString('en-US')} participants`
  }\n`;
  out += `opportunities: ${
    o.status === 'failed'
      ? `FAILED: ${o.error ?? ''}`
      : o.status === 'skipped'
        ? 'none seen yet'
        : `${o.returned.toLocaleString('en-US')} of ${o.requested.toLocaleString('en-US')} refreshed${source(o.cached)} in ${o.calls} call(s)`
  }\n`;
  return out;
}
