/** `clari-dp changes`: detected forecast changes, newest first, biggest moves first. */
import { type AppContext, openConfiguredWarehouse } from '../../app/index.js';
import { CHANGE_KINDS } from '../../changes/index.js';
import { UsageError } from '../../core/index.js';
import { isIsoDate } from '../../domain/index.js';
import { migrateWarehouse } from '../../analytics/index.js';
import { sqlTimestamp, type SqlValue } from '../../warehouse/index.js';
import type { CommandAction } from '../command.js';
import { EXIT } from '../output.js';
import { render } from '../render.js';

export const changes: CommandAction = async (context, o) => {
  const ctx: AppContext = context();
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, value: SqlValue): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (typeof o.since === 'string') {
    if (!isIsoDate(o.since)) throw new UsageError(`--since must be a date (YYYY-MM-DD), got "${o.since}"`);
    add('current_snapshot >= ?', o.since);
  }
  const forecasts = (o.forecast as string[] | undefined) ?? [];
  if (forecasts.length > 0)
    where.push(`forecast_name IN (${forecasts.map((f) => (params.push(f), `$${params.length}`)).join(', ')})`);
  const periods = (o.period as string[] | undefined) ?? [];
  if (periods.length > 0)
    where.push(`time_period IN (${periods.map((p) => (params.push(p), `$${params.length}`)).join(', ')})`);
  if (typeof o.minPct === 'number') add('abs(change_pct) >= ?', o.minPct);
  if (typeof o.kind === 'string') {
    if (!(CHANGE_KINDS as readonly string[]).includes(o.kind))
      throw new UsageError(`--kind must be one of ${CHANGE_KINDS.join(', ')}`);
    add('change_kind = ?', o.kind);
  }
  const limit = typeof o.limit === 'number' ? Math.max(1, Math.floor(o.limit)) : 50;
  const wh = await openConfiguredWarehouse(ctx);
  try {
    await migrateWarehouse(wh, () => sqlTimestamp(ctx.clock.now()));
    const rows = await wh.query<Record<string, string | number | null>>(
      `SELECT current_snapshot, forecast_name, time_period, owner_name, owner_email, field_name, change_kind, previous_amount, current_amount, change_amount, change_pct
       FROM clari_forecast_changes ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY current_snapshot DESC, abs(coalesce(change_amount, 0)) DESC LIMIT ${limit}`,
      params,
    );
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
