/** `clari-dp migrate`, `retention` and `rebuild`: warehouse maintenance. */
import { type AppContext, resolveAsOf, startRun } from '../../app/index.js';
import { randomHex } from '../../core/index.js';
import { Landing, applyRetention, rebuildAll } from '../../pipeline/index.js';
import { migrateWarehouse as applyMigrations } from '../../analytics/index.js';
import { sqlTimestamp, type Warehouse } from '../../warehouse/index.js';
import type { CommandAction } from '../command.js';
import { EXIT, type ExitCode } from '../output.js';

async function withWarehouse(
  ctx: AppContext,
  command: string,
  work: (wh: Warehouse) => Promise<ExitCode>,
): Promise<ExitCode> {
  // The same locks as a run (the data dir's, then the warehouse's, waiting up to --lock-wait): a
  // migration, retention or rebuild never runs beside a load, from this data dir or another.
  const guard = await startRun(ctx, command);
  try {
    return await work(guard.warehouse);
  } finally {
    await guard.release();
  }
}

function say(ctx: AppContext, json: unknown, text: string): void {
  ctx.io.stdout(ctx.redactor.redact(ctx.json ? `${JSON.stringify(json)}\n` : `${text}\n`));
}

export const migrate: CommandAction = (context) => {
  const ctx = context();
  return withWarehouse(ctx, 'migrate', async (wh) => {
    const applied = await applyMigrations(wh, () => sqlTimestamp(ctx.clock.now()));
    say(
      ctx,
      { warehouse: wh.description, applied },
      applied.length > 0
        ? `${wh.description}: applied migration(s) ${applied.join(', ')}`
        : `${wh.description}: schema is up to date`,
    );
    return EXIT.ok;
  });
};

export const retention: CommandAction = (context, o) => {
  const ctx = context();
  const { config } = ctx.loaded;
  const quarters = typeof o.quarters === 'number' ? o.quarters : config.retention.quarters;
  const asOf = resolveAsOf(o.asOf, ctx);
  return withWarehouse(ctx, 'retention', async (wh) => {
    await applyMigrations(wh, () => sqlTimestamp(ctx.clock.now()));
    const result = await applyRetention(wh, new Landing(config.dataDir, ctx.clock), {
      asOf,
      fiscal: { startMonth: config.fiscalYearStartMonth },
      quarters,
    });
    say(
      ctx,
      { quarters, ...result },
      `kept ${quarters} quarter(s) from ${result.cutoff}: deleted ${result.rowsDeleted} warehouse row(s) and ${result.payloadsDeleted} landed payload(s) of older quarters`,
    );
    return EXIT.ok;
  });
};

export const rebuild: CommandAction = (context) => {
  const ctx = context();
  const { config } = ctx.loaded;
  return withWarehouse(ctx, 'rebuild', async (wh) => {
    await applyMigrations(wh, () => sqlTimestamp(ctx.clock.now()));
    const runId = `rebuild-${new Date(ctx.clock.now()).toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomHex(ctx.random, 6)}`;
    const result = await rebuildAll(
      { warehouse: wh, landing: new Landing(config.dataDir, ctx.clock), clock: ctx.clock },
      { runId, allowTruncated: config.export.allowTruncated },
    );
    let text = `re-derived ${result.snapshots} snapshot(s) from the landing in ${config.dataDir}`;
    if (result.deals && result.deals.windows + result.deals.refreshes + result.deals.skipped.length > 0)
      text += `, and ${result.deals.windows} activity window(s) and ${result.deals.refreshes} opportunity refresh(es) from its deals landing`;
    for (const s of result.skipped) text += `\nskipped ${s.snapshot}: ${s.reason}`;
    for (const s of result.deals?.skipped ?? []) text += `\nskipped ${s.payload}: ${s.reason}`;
    say(
      ctx,
      {
        snapshots: result.snapshots,
        skipped: result.skipped,
        deals: result.deals
          ? { windows: result.deals.windows, refreshes: result.deals.refreshes, skipped: result.deals.skipped }
          : null,
      },
      text,
    );
    return EXIT.ok;
  });
};
