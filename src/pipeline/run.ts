/**
 * One pipeline run, the data flow of design.md section 1: plan where each export comes from ->
 * load what the landing already holds -> extract the rest from Clari and land it -> load each
 * (transform, load, detect, one transaction per snapshot) -> deals, when enabled (activity export
 * and opportunity refresh, deals.ts) -> maintain -> alert -> record. Exports
 * run in parallel up to the tenant's concurrency; loads are serialised (one writer per warehouse).
 * One failed export never blocks the others; the run's status says what happened: success,
 * partial (some exports failed, the rest loaded) or failed.
 */
import { alertRun } from './alert.js';
import { extractAndLand, type ExtractOutcome } from './extract.js';
import { JobState } from './job-state.js';
import { type ExportLoader, exportLoader } from './load-export.js';
import { runDeals } from './deals.js';
import { maintainAfterLoads } from './maintain.js';
import type { PlannedExport } from './plan.js';
import { type ExportDecision, planRun } from './planner.js';
import { closeRun, openRun, type RunScope } from './run-record.js';
import { stopReason } from './stop.js';
import type { ExportSummary, PipelineDeps, RunSettings, RunSummary } from './types.js';

export async function runPipeline(
  deps: PipelineDeps,
  planned: readonly PlannedExport[],
  settings: RunSettings,
): Promise<RunSummary> {
  const scope = await openRun(deps, planned, settings);
  sweepInterruptedLandings(deps, scope, planned);
  const decisions = planRun(deps, planned, settings);
  const loader = exportLoader(deps, scope, settings);
  const results = new Map<string, ExportSummary>();
  // 1. Exports served from the landing: landed by a run that stopped before loading, or cached.
  for (const decision of decisions.filter((d) => d.landed)) {
    deps.onEvent?.({ type: 'cached', key: decision.task.key });
    results.set(decision.task.key, await loadFromLanding(loader, decision));
  }
  // 2. Exports from Clari, landed as each finishes, then loaded one at a time.
  const toExport = decisions.filter((d) => !d.landed);
  if (toExport.length > 0) {
    const extracted = await extractAndLand(deps, scope, toExport, settings);
    await Promise.all(
      extracted.map(async ({ task, outcome }) =>
        results.set(task.key, await loadExtracted(deps, loader, task, outcome)),
      ),
    );
  }
  // 3. Deals (when enabled): the activity export of this run's window and the opportunities it
  //    names, each landed, then loaded in its own transaction.
  const deals = await runDeals(deps, scope, settings);
  // 4. Statistics and retention, then the quota (only after spending some: a run served entirely
  //    from the landing makes no API call at all), alerts and the run's record.
  await maintainAfterLoads(deps, scope, settings, { forecasts: results.size > 0, deals: deals !== undefined });
  const exports = planned.map((task) => results.get(task.key)!);
  // Clari unreachable: asking it for the quota would only wait for the same failure again.
  const unreachable = exports.some((e) => e.errorCode === 'clari.unreachable');
  const spent = toExport.length > 0 || (deals !== undefined && !deals.activities.cached);
  const quota = !spent || stopReason(deps.signal) || unreachable ? undefined : await readQuota(deps);
  const alertDecisions = await alertRun(deps, scope, { planned, exports, deals }, quota, settings);
  return closeRun(deps, scope, exports, quota, alertDecisions, deals);
}

/** Temporary files of a landing that an interrupted run left behind. */
function sweepInterruptedLandings(deps: PipelineDeps, scope: RunScope, planned: readonly PlannedExport[]): void {
  for (const task of planned) {
    const swept = deps.landing.sweep(task.forecastId, task.period, task.asOf);
    if (swept > 0)
      scope.log.info(
        { forecast: task.forecastId, period: task.period, files: swept },
        'removed temporary files of an interrupted landing',
      );
  }
}

function loadFromLanding(loader: ExportLoader, decision: ExportDecision): Promise<ExportSummary> {
  const landed = decision.landed!;
  return loader.load(decision.task, landed, {
    job: landed.manifest.job,
    cached: true,
    latencyMs: null,
    attempts: 0,
    polls: 0,
  });
}

async function loadExtracted(
  deps: PipelineDeps,
  loader: ExportLoader,
  task: PlannedExport,
  outcome: ExtractOutcome,
): Promise<ExportSummary> {
  if (outcome.status === 'done')
    return loader.load(task, outcome.value.landed, {
      job: outcome.job,
      cached: false,
      latencyMs: outcome.latencyMs,
      attempts: outcome.attempts,
      polls: outcome.polls,
      createdAt: outcome.createdAt,
      finishedAt: outcome.finishedAt,
    });
  // An export POST Clari refused outright (unknown forecast, quota, key) created no job: forget
  // it, so the next run does not look for one. Any other failure keeps the trace.
  const key = JobState.keyOf(task);
  const pending = deps.jobs.get(key);
  if (pending && !pending.jobId && ['input', 'auth', 'capacity'].includes(outcome.error.kind))
    await deps.jobs.clear(key).catch(() => undefined);
  return loader.fail(task, outcome.error, {
    jobId: outcome.jobId,
    attempts: outcome.attempts,
    polls: outcome.polls,
    latencyMs: outcome.latencyMs,
    cached: false,
  });
}

async function readQuota(deps: PipelineDeps): Promise<RunSummary['quota']> {
  return deps.client
    .getLimits()
    .then((l) => ({ left: l.availableMonthlyQuota, limit: l.monthlyQuota, concurrency: l.concurrentLimit }))
    .catch(() => undefined);
}
