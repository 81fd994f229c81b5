/** `clari-dp alerts test` (a test message to each channel) and `alerts backtest --period P`. */
import { type AppContext, alertSetup, openConfiguredWarehouse } from '../../app/index.js';
import type { Alert } from '../../alerts/index.js';
import { UsageError } from '../../core/index.js';
import { isPeriodId } from '../../domain/index.js';
import { backtest } from '../../pipeline/index.js';
import { migrateWarehouse } from '../../analytics/index.js';
import { sqlTimestamp } from '../../warehouse/index.js';
import type { CommandAction } from '../command.js';
import { EXIT, type ExitCode } from '../output.js';
import { render } from '../render.js';
import { formatOf } from './changes.js';

export const alerts: CommandAction = (context, o, args) => {
  const action = args[0];
  if (action === 'test') return sendTest(context());
  if (action === 'backtest') return runBacktest(context(), o);
  return Promise.reject(
    new UsageError(
      `clari-dp alerts: unknown action "${action ?? ''}"`,
      'Use `clari-dp alerts test` or `clari-dp alerts backtest --period YYYY_QN`.',
    ),
  );
};

async function sendTest(ctx: AppContext): Promise<ExitCode> {
  const setup = alertSetup(ctx);
  if (setup.routes.length === 0) {
    throw new UsageError(
      'No alert channels are configured',
      'Set SLACK_WEBHOOK_URL, or SMTP_URL with ALERT_EMAIL_TO, or ALERT_WEBHOOK_URL, or list channels in alerts.yaml.',
    );
  }
  const now = ctx.clock.now();
  const alert: Alert = {
    alertId: `test-${now}`,
    rule: 'test',
    severity: 'info',
    fingerprint: `test-${now}`,
    title: 'clari-dp test alert: this channel works',
    text: 'Sent by `clari-dp alerts test`. No forecast changed.',
    fields: [{ label: 'Sent at', value: new Date(now).toISOString() }],
    data: { test: true },
  };
  let failed = 0;
  const lines: string[] = [];
  for (const route of setup.routes) {
    try {
      await route.channel.send([alert], { runId: 'alerts-test', asOf: new Date(now).toISOString().slice(0, 10) });
      lines.push(`PASS  ${route.channel.name} (${route.channel.type})`);
    } catch (error) {
      failed++;
      lines.push(
        `FAIL  ${route.channel.name} (${route.channel.type}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  ctx.io.stdout(ctx.redactor.redact(`${lines.join('\n')}\n`));
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

async function runBacktest(ctx: AppContext, o: Record<string, unknown>): Promise<ExitCode> {
  const period = typeof o.period === 'string' ? o.period : undefined;
  if (!period || !isPeriodId(period))
    throw new UsageError('alerts backtest needs --period YYYY_QN', 'e.g. clari-dp alerts backtest --period 2026_Q2');
  const setup = alertSetup(ctx);
  const wh = await openConfiguredWarehouse(ctx);
  try {
    await migrateWarehouse(wh, () => sqlTimestamp(ctx.clock.now()));
    const result = await backtest(wh, setup, { period, forecasts: o.forecast as string[] | undefined });
    const format = formatOf(ctx, o);
    if (format === 'json') ctx.io.stdout(`${JSON.stringify(result)}\n`);
    else {
      const header =
        format === 'table'
          ? `backtest of ${period}: ${result.snapshots} stored snapshot(s) replayed through ${result.rows.length} forecast rule(s)\n\n`
          : '';
      ctx.io.stdout(
        header +
          render(
            result.rows.map((r) => ({ ...r })),
            [
              ['rule', (r) => r.rule],
              ['type', (r) => r.type],
              ['would send', (r) => String(r.fired)],
              ['held by cooldown', (r) => String(r.cooledDown)],
              ['days with alerts', (r) => String(r.days)],
            ],
            format,
          ),
      );
    }
    if (result.snapshots === 0)
      ctx.io.stderr(`no stored snapshots for ${period}: run clari-dp run (or backfill) first\n`);
    return EXIT.ok;
  } finally {
    await wh.close();
  }
}
