/** `clari-dp run` and `clari-dp backfill`: one pipeline run (design.md sections 1, 2 and 5). */
import {
  type AppContext,
  createClariClient,
  forecastSpecs,
  openConfiguredWarehouse,
  pipelineDeps,
  resolveAsOf,
  runSettings,
  startRun,
} from '../../app/index.js';
import {
  backfillPeriods,
  budgetBackfill,
  type DealSettings,
  type DealsDryRun,
  type ExportDecision,
  JobState,
  Landing,
  planExports,
  type PlannedExport,
  planDealsRun,
  planRun,
  quotaCost,
  runPipeline,
  type RunSettings,
  type SourceDecision,
} from '../../pipeline/index.js';
import type { CommandAction } from '../command.js';
import { EXIT, type ExitCode, table } from '../output.js';
import { progress } from '../progress.js';
import { summaryJson, summaryText } from '../summary.js';

export const run: CommandAction = (context, o) => execute(context(), o, 'run');

export const backfill: CommandAction = (context, o) => execute(context(), o, 'backfill');

async function execute(ctx: AppContext, o: Record<string, unknown>, command: 'run' | 'backfill'): Promise<ExitCode> {
  const { config } = ctx.loaded;
  const asOf = resolveAsOf(o.asOf, ctx);
  const fiscal = { startMonth: config.fiscalYearStartMonth };
  let periods = config.periods.list;
  if (command === 'backfill' && !periods)
    periods = backfillPeriods(asOf, fiscal, typeof o.quarters === 'number' ? o.quarters : 8);
  let planned = planExports({
    forecasts: forecastSpecs(config),
    periods,
    periodCount: config.periods.count,
    fiscal,
    asOf,
    types: config.export.types,
    includeHistorical: config.export.includeHistorical,
    format: config.export.format,
    currency: config.export.currency,
  });
  const configured = runSettings(config, {
    noCache: o.cache === false,
    trigger: command === 'backfill' ? 'backfill' : typeof o.trigger === 'string' ? o.trigger : 'cli',
  });
  // A backfill is about past forecast periods and budgets the quota for them: the deals stage (a
  // rolling window ending today) is left to the daily runs.
  const settings = command === 'backfill' ? { ...configured, activity: undefined } : configured;

  if (o.dryRun === true) return dryRun(ctx, planned, settings);

  // The data dir's and the warehouse's run locks (waiting up to --lock-wait), and the deadline.
  const guard = await startRun(ctx, command);
  const { warehouse, signal } = guard;
  try {
    let deferred: PlannedExport[] = [];
    if (command === 'backfill') {
      const limits = await pipelineDeps(ctx, warehouse).client.getLimits();
      const budget = budgetBackfill(planned, limits, typeof o.reserve === 'number' ? o.reserve : undefined);
      planned = budget.now;
      deferred = budget.deferred;
    }
    // The activity export counts as one more export (deals stage, when enabled).
    const bar = progress(ctx.io.stderr, ctx.io.isTTY && !ctx.json, planned.length + (settings.activity ? 1 : 0));
    const summary = await runPipeline(
      pipelineDeps(ctx, warehouse, (e) => bar.onEvent(e), signal),
      planned,
      settings,
    );
    bar.done();
    ctx.metrics?.onRun(summary);
    ctx.io.stdout(ctx.redactor.redact(ctx.json ? summaryJson(summary) : summaryText(summary)));
    if (deferred.length > 0) {
      ctx.io.stderr(
        `backfill: ${deferred.length} export(s) left for later to stay within the export quota (${deferred.map((d) => d.key).join(', ')}); run the same command again to continue.\n`,
      );
    }
    return summary.status === 'success' ? EXIT.ok : summary.status === 'partial' ? EXIT.partial : EXIT.failed;
  } finally {
    await guard.release();
  }
}

/** How the dry run names each source (`run --dry-run --json` prints these). */
const SOURCE_LABEL: Record<ExportDecision['source'], (d: SourceDecision) => string> = {
  landed: () => 'landing (unloaded)',
  cache: () => 'landing (cache)',
  resume: (d) => (d.resumeJobId ? `resume job ${d.resumeJobId}` : 'resume the job an interrupted run posted'),
  new: () => 'new export',
};

async function dryRun(ctx: AppContext, planned: readonly PlannedExport[], settings: RunSettings): Promise<ExitCode> {
  const { dataDir } = ctx.loaded.config;
  const state = { landing: new Landing(dataDir, ctx.clock), jobs: new JobState(dataDir) };
  const decisions = planRun(state, planned, settings);
  const rows = decisions.map((d) => ({ task: d.task, source: SOURCE_LABEL[d.source](d) }));
  const deals = settings.activity
    ? await dryRunDeals(ctx, state, planned[0]?.asOf ?? resolveAsOf(undefined, ctx), settings.activity, settings)
    : undefined;
  const cost = quotaCost(decisions) + (deals?.decision.activity.quotaCost ?? 0);
  let limits:
    | { availableMonthlyQuota: number; monthlyQuota: number; availableConcurrentLimit: number; concurrentLimit: number }
    | undefined;
  let limitsError: string | undefined;
  if (ctx.loaded.secrets.clariApiKey) {
    // Reading the limits spends no quota.
    limits = await createClariClient(ctx)
      .getLimits()
      .catch((error: unknown) => {
        limitsError = error instanceof Error ? error.message : String(error);
        return undefined;
      });
  }
  if (ctx.json) {
    ctx.io.stdout(
      `${JSON.stringify({ dryRun: true, asOf: planned[0]?.asOf, exports: rows.map((r) => ({ forecastId: r.task.forecastId, timePeriod: r.task.period, source: r.source, request: r.task.request })), quotaCost: cost, limits: limits ?? null, ...(deals ? { deals: dealsJson(deals) } : {}) })}\n`,
    );
    return EXIT.ok;
  }
  let out = `plan as of ${planned[0]?.asOf ?? ''} (dry run: nothing is exported or loaded)\n\n`;
  out += table(
    ['forecast', 'period', 'types', 'source'],
    rows.map((r) => [r.task.forecastId, r.task.period, (r.task.request.typesToExport ?? []).join(','), r.source]),
  );
  if (deals) out += dealsText(deals);
  out += `\nexport quota this run would spend: ${cost}`;
  if (limits)
    out += ` (tenant has ${limits.availableMonthlyQuota} of ${limits.monthlyQuota} left in the rolling 30 days; ${limits.availableConcurrentLimit} of ${limits.concurrentLimit} job slots free)`;
  else if (limitsError) out += ` (could not read /admin/limits: ${limitsError})`;
  ctx.io.stdout(ctx.redactor.redact(`${out}\n`));
  return EXIT.ok;
}

/** The deals stage's plan: the window from the warehouse's ledger (read-only, when it can be opened). */
async function dryRunDeals(
  ctx: AppContext,
  state: { landing: Landing; jobs: JobState },
  asOf: string,
  deal: DealSettings,
  settings: RunSettings,
): Promise<DealsDryRun> {
  const warehouse = await openConfiguredWarehouse(ctx, { readOnly: true, lockWaitMs: 2_000 }).catch(() => undefined);
  try {
    return await planDealsRun({ ...state, warehouse }, asOf, deal, settings);
  } finally {
    await warehouse?.close();
  }
}

function dealsJson(deals: DealsDryRun): Record<string, unknown> {
  const { planned, decision } = deals;
  return {
    window: planned.window,
    request: planned.request,
    source: SOURCE_LABEL[decision.activity.source](decision.activity),
    quotaCost: decision.activity.quotaCost,
    opportunities: {
      requested: deals.opportunities?.requested ?? null,
      seen: deals.opportunities?.seen ?? null,
      calls: deals.opportunities ? decision.opportunityCalls : null,
      cached: decision.opportunitiesCached,
    },
    ...(deals.note ? { note: deals.note } : {}),
  };
}

function dealsText(deals: DealsDryRun): string {
  const { planned, decision } = deals;
  const source = SOURCE_LABEL[decision.activity.source](decision.activity);
  let out = `\nactivity ${planned.window.from} to ${planned.window.to}: ${source} (export quota ${decision.activity.quotaCost})\n`;
  out += deals.opportunities
    ? `opportunities: ${deals.opportunities.requested} of ${deals.opportunities.seen} seen, ${decision.opportunitiesCached ? 'from the landing (cache)' : `${decision.opportunityCalls} GET /opportunity call(s)`} (no export quota)\n`
    : 'opportunities: those the activity names, one GET /opportunity call per 100 (no export quota)\n';
  if (deals.note) out += `note: ${deals.note}\n`;
  return out;
}
