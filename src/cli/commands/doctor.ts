/** `clari-dp doctor`: readiness checks; exit 1 on any FAIL. */
import { clariChecks, createClariClient, formatChecks } from '../../app/index.js';
import type { CommandAction } from '../main.js';
import { EXIT } from '../output.js';

export const doctor: CommandAction = async (context) => {
  const ctx = context();
  // Doctor answers quickly: two attempts, no long backoff.
  const checks = await clariChecks({
    loaded: ctx.loaded,
    client: () => createClariClient({ ...ctx, loaded: { ...ctx.loaded, config: { ...ctx.loaded.config, clari: { ...ctx.loaded.config.clari, maxAttempts: 2, retryMaxDelayMs: 2000 } } } }),
  });
  const out = ctx.json ? `${JSON.stringify({ checks })}\n` : formatChecks(checks);
  ctx.io.stdout(ctx.redactor.redact(out));
  return checks.some((c) => c.status === 'FAIL') ? EXIT.failed : EXIT.ok;
};
