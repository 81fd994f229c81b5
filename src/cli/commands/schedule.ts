/**
 * `clari-dp schedule`: a long-running process that runs exactly what `clari-dp run` runs on a cron
 * expression (app/scheduler.ts), with `/healthz` and `/metrics` on the dashboard's server stack
 * (server/status.ts). SIGTERM/SIGINT stop it gracefully: the current run
 * finishes (never killed mid-transaction), then the process exits 0.
 */
import { join } from 'node:path';
import {
  acquireLock,
  type AppContext,
  LiveMetrics,
  metricsText,
  openConfiguredWarehouse,
  type RunStatus,
  type ScheduledRun,
  Scheduler,
  type SchedulerEvent,
} from '../../app/index.js';
import { describeError, UsageError } from '../../core/index.js';
import { createStatusApp, type RunningServer, serveApp } from '../../server/index.js';
import type { CommandAction } from '../command.js';
import { EXIT, type ExitCode } from '../output.js';
import { run } from './run.js';

export const DEFAULT_PORT = 9464;

export interface ScheduleHooks {
  /** Wires the stop request (SIGTERM/SIGINT in production); returns a function that unwires it. */
  readonly onStopRequest: (stop: (reason: string) => void) => () => void;
  /** One run. Default: the `run` command with this command's options. */
  readonly runOnce?: ((run: ScheduledRun) => Promise<ExitCode>) | undefined;
  /** Prometheus text exposition for GET /metrics; without it /metrics answers 404. */
  readonly metricsText?: (() => Promise<string>) | undefined;
  /** Told the health server's base URL once it listens. */
  readonly onListening?: ((url: string) => void) | undefined;
  readonly onEvent?: ((event: SchedulerEvent) => void) | undefined;
}

/** SIGTERM and SIGINT ask for a graceful stop; a second signal only says what is still going on. */
export const processStopRequest: ScheduleHooks['onStopRequest'] = (stop) => {
  const handler = (signal: NodeJS.Signals): void => stop(signal);
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
};

export const schedule: CommandAction = (context, o) => {
  // A long-running process: its own runs feed live series (API latency, retries, breaker) into /metrics,
  // next to the ones derived from the warehouse history.
  const ctx: AppContext = { ...context(), metrics: new LiveMetrics() };
  const scrape = async (): Promise<string> => {
    const wh = await openConfiguredWarehouse(ctx);
    try {
      return await metricsText(wh, ctx.metrics);
    } finally {
      await wh.close();
    }
  };
  return runSchedule(ctx, o, { onStopRequest: processStopRequest, metricsText: scrape });
};

export async function runSchedule(
  ctx: AppContext,
  o: Record<string, unknown>,
  hooks: ScheduleHooks,
): Promise<ExitCode> {
  if (typeof o.cron !== 'string' || o.cron.trim() === '')
    throw new UsageError(
      'clari-dp schedule needs --cron "<expression>"',
      'For example --cron "0 6 * * 1-5" (06:00 on weekdays, in --tz or the configured timezone).',
    );
  const timezone = typeof o.tz === 'string' && o.tz !== '' ? o.tz : ctx.loaded.config.timezone;
  const port = typeof o.port === 'number' ? o.port : DEFAULT_PORT;
  const host = typeof o.host === 'string' && o.host !== '' ? o.host : '127.0.0.1';
  const { dataDir } = ctx.loaded.config;
  const print: Print = (line, fields) =>
    ctx.io.stderr(
      ctx.redactor.redact(
        ctx.json ? `${JSON.stringify({ event: line, ...fields })}\n` : `clari-dp schedule: ${sentence(line, fields)}\n`,
      ),
    );

  const scheduler = createScheduler(ctx, { ...o, cron: o.cron }, hooks, timezone, print);

  // One scheduler per data dir: a second one would only find every run locked.
  const lock = acquireLock(join(dataDir, 'state', 'scheduler'), 'schedule', () => ctx.clock.now());
  let server: RunningServer | undefined;
  let unwire: (() => void) | undefined;
  try {
    const health = healthOf(scheduler, ctx.clock.now(), () => ctx.clock.now());
    const listening = await serveApp(
      createStatusApp({ health, metricsText: hooks.metricsText }),
      host,
      port,
      listenError,
    );
    server = listening;
    hooks.onListening?.(listening.url);

    const stopped = new Promise<void>((resolve) => {
      unwire = hooks.onStopRequest(stopRequests(scheduler, print, resolve));
    });
    scheduler.start();
    const next = scheduler.nextRuns(3).map((d) => d.toISOString());
    ctx.io.stdout(
      ctx.json
        ? `${JSON.stringify({ event: 'schedule.started', url: listening.url, cron: o.cron, timezone, nextRuns: next })}\n`
        : `listening on ${listening.url} (GET /healthz)\nschedule "${o.cron}" in ${timezone}; next runs ${next.join(', ')}\n`,
    );
    await stopped;
    print('stopped', {});
    return EXIT.ok;
  } finally {
    unwire?.();
    if (server) await server.close();
    lock.release();
  }
}

/** The scheduler of this command: each fire runs `run` with this command's flags. */
function createScheduler(
  ctx: AppContext,
  o: Record<string, unknown> & { cron: string },
  hooks: ScheduleHooks,
  timezone: string,
  print: Print,
): Scheduler {
  // The business date is "today" at fire time, and clari_sync_runs records trigger "schedule".
  const runOptions: Record<string, unknown> = { ...o, trigger: typeof o.trigger === 'string' ? o.trigger : 'schedule' };
  delete runOptions.asOf;
  delete runOptions.dryRun;
  // A fired run may find a manual run or a backfill going: it waits for it longer than `run` does.
  const { config } = ctx.loaded;
  const runCtx: AppContext = {
    ...ctx,
    loaded: { ...ctx.loaded, config: { ...config, run: { ...config.run, lockWaitMs: config.schedule.lockWaitMs } } },
  };
  // A stop while the fired run still waits for a lock ends the wait (a started run finishes).
  const runOnce = hooks.runOnce ?? ((fire) => run(() => ({ ...runCtx, stopSignal: fire.signal }), runOptions, []));
  return new Scheduler({
    cron: o.cron,
    timezone,
    clock: ctx.clock,
    stateFile: join(ctx.loaded.config.dataDir, 'state', 'schedule.json'),
    catchUp: o.catchUp !== false,
    logger: ctx.logger,
    job: async (fire) => {
      let code: ExitCode;
      try {
        code = await runOnce(fire);
      } catch (error) {
        print('run-error', { fireAt: new Date(fire.fireAt).toISOString(), error: describeError(error) });
        throw error;
      }
      return statusOf(code);
    },
    onEvent: (event) => {
      report(event, print);
      hooks.onEvent?.(event);
    },
  });
}

/** The /healthz answer: 200 while the scheduler runs, 503 once it stops. */
function healthOf(scheduler: Scheduler, started: number, now: () => number): () => { code: number; body: unknown } {
  return () => {
    const s = scheduler.status();
    const up = s.state !== 'stopping' && s.state !== 'stopped';
    return {
      code: up ? 200 : 503,
      body: {
        status: up ? 'ok' : s.state,
        schedule: { cron: s.cron, timezone: s.timezone },
        running: s.current,
        lastRun: s.lastRun,
        lastSuccessFireAt: s.lastSuccessFireAt,
        nextRun: s.nextRunAt,
        nextRuns: up ? scheduler.nextRuns(3).map((d) => d.toISOString()) : [],
        runs: s.runs,
        failures: s.failures,
        skipped: s.skipped,
        uptimeSeconds: Math.round((now() - started) / 1000),
      },
    };
  };
}

/** The first stop request stops the scheduler after its current run; later ones say what it waits for. */
function stopRequests(scheduler: Scheduler, print: Print, stopped: () => void): (reason: string) => void {
  let requests = 0;
  return (reason) => {
    requests++;
    if (requests > 1) {
      const running = scheduler.status().current;
      if (running) print('still-stopping', { reason, running: running.fireAt });
      return;
    }
    print('stopping', { reason, waitingForRun: scheduler.status().current !== null });
    void scheduler.stop().then(stopped);
  };
}

type Print = (line: string, fields: Record<string, unknown>) => void;

function statusOf(code: ExitCode): RunStatus {
  return code === EXIT.ok ? 'success' : code === EXIT.partial ? 'partial' : 'failed';
}

function report(event: SchedulerEvent, print: (line: string, fields: Record<string, unknown>) => void): void {
  const at = (ms: number): string => new Date(ms).toISOString();
  switch (event.type) {
    case 'run-started':
      print('run-started', { fireAt: at(event.fireAt), reason: event.reason });
      return;
    case 'run-finished':
      print('run-finished', {
        fireAt: event.record.fireAt,
        status: event.record.status,
        durationMs: event.record.durationMs,
        ...(event.record.errorCode ? { errorCode: event.record.errorCode } : {}),
      });
      return;
    case 'skipped':
      print('skipped', { fireAt: at(event.fireAt), running: at(event.runningFireAt) });
      return;
    case 'state-error':
    case 'loop-error':
      print(event.type, { error: describeError(event.error) });
      return;
    default:
      return;
  }
}

/** One line for people. */
function sentence(event: string, f: Record<string, unknown>): string {
  const s = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  switch (event) {
    case 'run-started':
      return `run for ${s(f.fireAt)} started${f.reason === 'catch-up' ? ' (catching up: the last successful run is older than the previous slot)' : ''}`;
    case 'run-finished':
      return `run for ${s(f.fireAt)} finished: ${s(f.status)} in ${((f.durationMs as number) / 1000).toFixed(1)} s${f.errorCode ? ` (${s(f.errorCode)})` : ''}`;
    case 'run-error':
      return `run for ${s(f.fireAt)} failed: ${s(f.error)}`;
    case 'skipped':
      return `fire at ${s(f.fireAt)} skipped: the run for ${s(f.running)} is still going`;
    case 'stopping':
      return f.waitingForRun ? `${s(f.reason)}: stopping after the current run finishes` : `${s(f.reason)}: stopping`;
    case 'still-stopping':
      return `${s(f.reason)}: already stopping, waiting for the run for ${s(f.running)} (it is never killed mid-transaction; SIGKILL abandons it and the next run resumes its export jobs)`;
    case 'stopped':
      return 'stopped';
    case 'state-error':
      return `schedule state: ${s(f.error)}`;
    case 'loop-error':
      return `the scheduler stopped firing (a bug; restart it and report this): ${s(f.error)}`;
    default:
      return `${event} ${JSON.stringify(f)}`;
  }
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  return error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
    ? new UsageError(
        `The health server cannot listen on ${host}:${port} (${error.code})`,
        'Pick another --port (0 picks a free one) or --host.',
      )
    : error;
}
