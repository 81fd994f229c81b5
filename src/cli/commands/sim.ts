/** `clari-dp sim`: the simulator as a long-running process (design.md section 6). */
import { systemClock } from '../../core/index.js';
import { FAULT_KINDS, type FaultKind, startSimulator } from '../../sim/index.js';
import { UsageError } from '../../core/index.js';
import type { CommandAction } from '../command.js';
import { EXIT } from '../output.js';

export const sim: CommandAction = async (ctx, o) => {
  const kinds = typeof o.faultKinds === 'string' ? o.faultKinds.split(',').map((k) => k.trim()) : undefined;
  const unknown = kinds?.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k)) ?? [];
  if (unknown.length > 0)
    throw new UsageError(`--fault-kinds: unknown ${unknown.join(', ')}`, `Use any of ${FAULT_KINDS.join(', ')}.`);
  const rate = Number(o.faultRate);
  if (rate > 1) throw new UsageError('--fault-rate must be between 0 and 1');
  const { io } = ctx();
  const running = await startSimulator({
    clock: systemClock,
    port: o.port as number,
    host: o.host as string,
    seed: o.seed as number,
    users: o.users as number,
    forecasts: o.forecasts as number,
    concurrencyLimit: o.concurrencyLimit as number,
    monthlyQuota: o.monthlyQuota as number,
    jobDurationMs: o.jobDuration as number,
    latencyMs: o.latency as number,
    faultRate: rate,
    faultKinds: kinds as FaultKind[] | undefined,
    retryAfterSeconds: o.retryAfter as number,
    apiKey: o.apiKey as string,
    asOf: o.asOf as string | undefined,
    fiscalStartMonth: o.fiscalStartMonth as number,
    historyQuarters: o.historyQuarters as number,
    maxEntries: o.maxEntries as number | undefined,
    rateLimitPerSecond: o.rateLimit as number | undefined,
    rejectCrmTypes: o.rejectCrmTypes === true,
    bareJobStatus: o.bareJobStatus === true,
    wrappedJobList: o.wrappedJobList === true,
  });
  const forecasts = running.simulator.tenant.forecastIds.join(', ');
  if (o.json === true)
    io.stdout(
      `${JSON.stringify({ url: running.url, forecasts: running.simulator.tenant.forecastIds, date: running.simulator.today() })}\n`,
    );
  else {
    io.stdout(`listening on ${running.url}\n`);
    io.stderr(
      `tenant: ${running.simulator.tenant.users.length} users, forecasts ${forecasts}, business date ${running.simulator.today()}\n`,
    );
    io.stderr(
      `try: CLARI_BASE_URL=${running.url} CLARI_API_KEY=${'<the --api-key>'} npx clari-dp doctor --forecast ${running.simulator.tenant.forecastIds[0]}\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return EXIT.ok;
};
