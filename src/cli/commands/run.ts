/** `clari-dp run` and `clari-dp backfill`: one pipeline run (design.md sections 1, 2 and 5). */
import {
  acquireLock,
  type AppContext,
  createClariClient,
  forecastSpecs,
  openConfiguredWarehouse,
  pipelineDeps,
  resolveAsOf,
  runSettings,
} from '../../app/index.js';
import { UsageError } from '../../core/index.js';
import { periodOfDate, shiftPeriod } from '../../domain/index.js';
import { JobState, Landing, planExports, type PlannedExport, runPipeline } from '../../pipeline/index.js';
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
  if (command === 'backfill' && !periods) {
    // Past quarters only: the `quarters` before the current one.
    const current = periodOfDate(asOf, fiscal);
    const quarters = typeof o.quarters === 'number' ? o.quarters : 8;
    periods = Array.from({ length: quarters }, (_, i) => shiftPeriod(current, -(i + 1)));
  }
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
  const settings = runSettings(config, {
    noCache: o.cache === false,
    trigger: command === 'backfill' ? 'backfill' : typeof o.trigger === 'string' ? o.trigger : 'cli',
  });

  if (o.dryRun === true) return dryRun(ctx, planned, settings.cacheTtlMs, settings.noCache);

  const lock = acquireLock(config.dataDir, command, () => ctx.clock.now());
  const warehouse = await openConfiguredWarehouse(ctx).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  try {
    let deferred: PlannedExport[] = [];
    if (command === 'backfill') {
      // Quota-aware: spend at most what is left, keeping a reserve for daily runs; the rest waits.
      const limits = await pipelineDeps(ctx, warehouse).client.getLimits();
      const reserve = typeof o.reserve === 'number' ? o.reserve : Math.ceil(limits.monthlyQuota * 0.1);
      const budget = Math.max(0, limits.availableMonthlyQuota - reserve);
      if (planned.length > budget) {
        deferred = planned.slice(budget);
        planned = planned.slice(0, budget);
      }
      if (planned.length === 0)
        throw new UsageError(
          `No export quota to spare for a backfill: ${limits.availableMonthlyQuota} left, ${reserve} kept in reserve`,
          'Lower --reserve, or run again when quota frees up (rolling 30 days).',
        );
    }
    const bar = progress(ctx.io.stderr, ctx.io.isTTY && !ctx.json, planned.length);
    const summary = await runPipeline(
      pipelineDeps(ctx, warehouse, (e) => bar.onEvent(e)),
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
    await warehouse.close();
    lock.release();
  }
}

async function dryRun(
  ctx: AppContext,
  planned: readonly PlannedExport[],
  cacheTtlMs: number,
  noCache: boolean,
): Promise<ExitCode> {
  const { dataDir } = ctx.loaded.config;
  const landing = new Landing(dataDir, ctx.clock);
  const jobs = new JobState(dataDir);
  const rows = planned.map((task) => {
    const pending = jobs.get(JobState.key(task.fingerprint, task.asOf));
    const cached =
      !noCache && landing.findCached(task.forecastId, task.period, task.asOf, task.fingerprint, cacheTtlMs);
    const source = pending?.landedPath
      ? 'landing (unloaded)'
      : cached
        ? 'landing (cache)'
        : pending
          ? `resume job ${pending.jobId}`
          : 'new export';
    return { task, source, cost: source === 'new export' ? 1 : 0 };
  });
  const cost = rows.reduce((n, r) => n + r.cost, 0);
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
      `${JSON.stringify({ dryRun: true, asOf: planned[0]?.asOf, exports: rows.map((r) => ({ forecastId: r.task.forecastId, timePeriod: r.task.period, source: r.source, request: r.task.request })), quotaCost: cost, limits: limits ?? null })}\n`,
    );
    return EXIT.ok;
  }
  let out = `plan as of ${planned[0]?.asOf ?? ''} (dry run: nothing is exported or loaded)\n\n`;
  out += table(
    ['forecast', 'period', 'types', 'source'],
    rows.map((r) => [r.task.forecastId, r.task.period, (r.task.request.typesToExport ?? []).join(','), r.source]),
  );
  out += `\nexport quota this run would spend: ${cost}`;
  if (limits)
    out += ` (tenant has ${limits.availableMonthlyQuota} of ${limits.monthlyQuota} left in the rolling 30 days; ${limits.availableConcurrentLimit} of ${limits.concurrentLimit} job slots free)`;
  else if (limitsError) out += ` (could not read /admin/limits: ${limitsError})`;
  ctx.io.stdout(ctx.redactor.redact(`${out}\n`));
  return EXIT.ok;
}
