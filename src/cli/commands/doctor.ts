/** `clari-dp doctor`: readiness checks, one PASS/WARN/FAIL line each; exit 1 on any FAIL. */
import { alertSetup, createClariClient, doctorChecks, formatChecks, openConfiguredWarehouse } from '../../app/index.js';
import type { CommandAction } from '../command.js';
import { EXIT } from '../output.js';

export const doctor: CommandAction = async (context, o) => {
  const ctx = context();
  const { config } = ctx.loaded;
  const checks = await doctorChecks({
    loaded: ctx.loaded,
    // Doctor answers quickly: two attempts, no long backoff.
    client: () =>
      createClariClient({
        ...ctx,
        loaded: {
          ...ctx.loaded,
          config: { ...config, clari: { ...config.clari, maxAttempts: 2, retryMaxDelayMs: 2000 } },
        },
      }),
    warehouse: () => openConfiguredWarehouse(ctx),
    alerts: () => alertSetup(ctx),
    now: () => ctx.clock.now(),
    forecasts: o.forecast as string[] | undefined,
    sendTest: o.sendTest === true,
    schedule:
      typeof o.cron === 'string'
        ? { cron: o.cron, timezone: typeof o.tz === 'string' ? o.tz : config.timezone }
        : undefined,
  });
  const out = ctx.json ? `${JSON.stringify({ checks })}\n` : formatChecks(checks);
  ctx.io.stdout(ctx.redactor.redact(out));
  return checks.some((c) => c.status === 'FAIL') ? EXIT.failed : EXIT.ok;
};
