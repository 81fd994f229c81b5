/** `clari-dp changes`: detected forecast changes, newest first, biggest moves first. */
import { type AppContext, openConfiguredWarehouse } from '../../app/index.js';
import { CHANGE_KINDS } from '../../changes/index.js';
import { UsageError } from '../../core/index.js';
import { isIsoDate } from '../../domain/index.js';
import { migrateWarehouse } from '../../analytics/index.js';
import { reportsSql, sqlTimestamp } from '../../warehouse/index.js';
import type { CommandAction } from '../command.js';
import { EXIT } from '../output.js';
import { render } from '../render.js';

export const changes: CommandAction = async (context, o) => {
  const ctx: AppContext = context();
  if (typeof o.since === 'string' && !isIsoDate(o.since))
    throw new UsageError(`--since must be a date (YYYY-MM-DD), got "${o.since}"`);
  if (typeof o.kind === 'string' && !(CHANGE_KINDS as readonly string[]).includes(o.kind))
    throw new UsageError(`--kind must be one of ${CHANGE_KINDS.join(', ')}`);
  const filter: reportsSql.ChangeListFilter = {
    since: typeof o.since === 'string' ? o.since : undefined,
    forecasts: (o.forecast as string[] | undefined) ?? [],
    periods: (o.period as string[] | undefined) ?? [],
    minPct: typeof o.minPct === 'number' ? o.minPct : undefined,
    kind: typeof o.kind === 'string' ? o.kind : undefined,
    limit: typeof o.limit === 'number' ? Math.max(1, Math.floor(o.limit)) : 50,
  };
  const wh = await openConfiguredWarehouse(ctx);
  try {
    await migrateWarehouse(wh, () => sqlTimestamp(ctx.clock.now()));
    const rows = await reportsSql.listChanges(wh, filter);
    const pct = (v: unknown): string => (v === null || v === undefined ? '' : `${Number(v).toFixed(1)}%`);
    ctx.io.stdout(
      ctx.redactor.redact(
        render(
          rows,
          [
            ['snapshot', (r) => String(r.current_snapshot)],
            ['forecast', (r) => String(r.forecast_name)],
            ['period', (r) => String(r.time_period)],
            ['owner', (r) => String(r.owner_name)],
            ['field', (r) => String(r.field_name)],
            ['kind', (r) => String(r.change_kind)],
            ['previous', (r) => String(r.previous_amount ?? '')],
            ['current', (r) => String(r.current_amount ?? '')],
            ['change', (r) => String(r.change_amount ?? '')],
            ['change %', (r) => pct(r.change_pct)],
          ],
          formatOf(ctx, o),
        ),
      ),
    );
    return EXIT.ok;
  } finally {
    await wh.close();
  }
};

export function formatOf(ctx: AppContext, o: Record<string, unknown>): 'table' | 'csv' | 'json' {
  if (ctx.json) return 'json';
  const format = typeof o.format === 'string' ? o.format : 'table';
  if (format !== 'table' && format !== 'csv' && format !== 'json')
    throw new UsageError(`--format must be table, csv or json, got "${format}"`);
  return format;
}
