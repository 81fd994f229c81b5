/**
 * The `schedule` command's core: runs one async job on a cron expression in an IANA time zone.
 * croner only computes fire times; every wait goes through the injected Clock, so FakeClock drives
 * it in tests. One run at a time (a fire that finds a run going is skipped, never queued), one
 * catch-up run after downtime (not one per missed slot), and a stop that waits for the running job.
 */
import { Cron } from 'croner';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, errorCode, isAppError, type Logger, silentLogger, UsageError } from '../core/index.js';
import { isValidTimeZone } from '../domain/index.js';

/** What a run ended as; `success` and `partial` count as done for catch-up (see SchedulerOptions.job). */
export type RunStatus = 'success' | 'partial' | 'failed';

export type FireReason = 'schedule' | 'catch-up';

export interface ScheduledRun {
  /** The scheduled slot this run covers (epoch ms); for a catch-up run, the latest missed slot. */
  readonly fireAt: number;
  readonly reason: FireReason;
  /** Aborted by stop(): the job may abandon between steps, never in the middle of a transaction. */
  readonly signal: AbortSignal;
}

export interface RunRecord {
  readonly fireAt: string;
  readonly reason: FireReason;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: RunStatus;
  readonly durationMs: number;
  readonly errorCode?: string | undefined;
}

/** The JSON kept in the state file (<dataDir>/state/schedule.json). */
export interface ScheduleState {
  /** When a scheduler first started on this data dir: the catch-up reference before any success. */
  readonly since?: string | undefined;
  /** The slot of the last run that succeeded (or partly succeeded). */
  readonly lastFireAt?: string | undefined;
  readonly lastRun?: RunRecord | undefined;
  readonly cron?: string | undefined;
  readonly timezone?: string | undefined;
}

export type SchedulerEvent =
  | { readonly type: 'started'; readonly nextRunAt: number | null; readonly catchUp: boolean }
  | { readonly type: 'run-started'; readonly fireAt: number; readonly reason: FireReason }
  | { readonly type: 'run-finished'; readonly record: RunRecord; readonly error?: unknown }
  | { readonly type: 'skipped'; readonly fireAt: number; readonly runningFireAt: number }
  | { readonly type: 'stopping'; readonly waitingForRun: boolean }
  | { readonly type: 'stopped' }
  | { readonly type: 'state-error'; readonly error: unknown }
  /** The wait loop itself failed (a bug): no further fires; stop() still resolves. */
  | { readonly type: 'loop-error'; readonly error: unknown };

export interface SchedulerOptions {
  /** Five-field cron expression (minute hour day-of-month month day-of-week) or a nickname (@daily). */
  readonly cron: string;
  /** IANA time zone the expression is read in, e.g. Europe/Paris. */
  readonly timezone: string;
  readonly clock: Clock;
  /**
   * The work. Resolves to the run's status; a throw counts as `failed`. A `partial` run (some
   * exports failed, the rest loaded) counts as done for catch-up: its failures are retried by the
   * next fire anyway, and catching up after a restart would spend export quota twice.
   */
  readonly job: (run: ScheduledRun) => Promise<RunStatus>;
  /** Where the state is persisted; without it there is no catch-up across restarts. */
  readonly stateFile?: string | undefined;
  /** Run once at start when the last successful run is older than the previous slot. Default true. */
  readonly catchUp?: boolean | undefined;
  readonly logger?: Logger | undefined;
  readonly onEvent?: ((event: SchedulerEvent) => void) | undefined;
  /**
   * Longest single sleep, ms (default 60 s): long waits are cut into pieces so a wall clock that
   * jumps (suspend, NTP step) is noticed and timers never overflow.
   */
  readonly maxSleepMs?: number | undefined;
}

export interface SchedulerStatus {
  readonly state: 'idle' | 'running' | 'stopping' | 'stopped';
  readonly cron: string;
  readonly timezone: string;
  readonly current: { readonly fireAt: string; readonly reason: FireReason; readonly startedAt: string } | null;
  readonly lastRun: RunRecord | null;
  readonly lastSuccessFireAt: string | null;
  readonly nextRunAt: string | null;
  readonly runs: number;
  readonly failures: number;
  readonly skipped: number;
}

interface Current {
  readonly fireAt: number;
  readonly reason: FireReason;
  readonly startedAt: number;
  readonly controller: AbortController;
  promise: Promise<void>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Keeps only well-formed fields of a state file written by an older or newer version (or by hand). */
function readableState(value: unknown): ScheduleState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const o = value as Record<string, unknown>;
  const time = (v: unknown): string | undefined =>
    typeof v === 'string' && Number.isFinite(Date.parse(v)) ? v : undefined;
  const run = o.lastRun;
  const lastRun =
    typeof run === 'object' && run !== null && !Array.isArray(run) && time((run as Record<string, unknown>).fireAt)
      ? (run as RunRecord)
      : undefined;
  return { since: time(o.since), lastFireAt: time(o.lastFireAt), lastRun };
}

/** Parses and checks a cron expression and time zone; throws a usage error that says what is wrong. */
export function parseSchedule(cron: string, timezone: string): Cron {
  if (!isValidTimeZone(timezone)) {
    throw new UsageError(
      `Unknown time zone "${timezone}"`,
      'Use an IANA time zone name such as UTC, Europe/Paris or America/New_York (--tz, or `timezone` in the config).',
    );
  }
  let parsed: Cron;
  try {
    parsed = new Cron(cron.trim(), { timezone, paused: true, mode: '5-part' });
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    throw new UsageError(
      `Invalid cron expression "${cron}": ${why}`,
      'Use five fields: minute hour day-of-month month day-of-week, e.g. "0 6 * * 1-5" (06:00 on weekdays), or @daily / @hourly.',
    );
  }
  if (parsed.nextRun(new Date(0)) === null)
    throw new UsageError(
      `The cron expression "${cron}" never fires`,
      'Check the day-of-month and month fields (e.g. 30 February does not exist).',
    );
  return parsed;
}

export class Scheduler {
  private readonly cron: Cron;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxSleepMs: number;
  /** Aborted by stop() to end the idle wait. */
  private readonly idle = new AbortController();
  private loop: Promise<void> | undefined;
  private current: Current | undefined;
  private stopping = false;
  private finished = false;
  private stopped: Promise<void> | undefined;
  private state: ScheduleState = {};
  private nextAt: number | null = null;
  private runs = 0;
  private failures = 0;
  private skipped = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.cron = parseSchedule(options.cron, options.timezone);
    this.clock = options.clock;
    this.logger = (options.logger ?? silentLogger).child({ component: 'scheduler' });
    this.maxSleepMs = Math.max(1, options.maxSleepMs ?? 60_000);
  }

  /** The next `n` fire times after `from` (default now). */
  nextRuns(n: number, from: number = this.clock.now()): Date[] {
    return this.cron.nextRuns(n, new Date(from));
  }

  /** The latest slot at or before `at`, if any. */
  previousRun(at: number = this.clock.now()): Date | undefined {
    return this.cron.previousRuns(1, new Date(at + 1))[0];
  }

  /** Starts the loop (and the catch-up run, when due). Returns at once. */
  start(): void {
    if (this.loop) throw new Error('Scheduler already started');
    if (this.stopping) return; // stopped before it started: nothing may run
    this.state = this.readState();
    const now = this.clock.now();
    if (!this.state.since) this.saveState({ ...this.state, since: iso(now) });
    const previous = this.previousRun(now)?.getTime();
    const reference = this.state.lastFireAt ?? this.state.since;
    const catchUp =
      this.options.catchUp !== false &&
      previous !== undefined &&
      reference !== undefined &&
      Date.parse(reference) < previous;
    this.nextAt = this.nextAfter(now);
    this.emit({ type: 'started', nextRunAt: this.nextAt, catchUp });
    this.logger.info(
      {
        cron: this.options.cron,
        timezone: this.options.timezone,
        next: this.nextAt === null ? null : iso(this.nextAt),
        catchUp,
      },
      'scheduler started',
    );
    if (catchUp && previous !== undefined) this.launch(previous, 'catch-up');
    this.loop = this.main(now).catch((error: unknown) => {
      this.nextAt = null;
      this.emit({ type: 'loop-error', error });
      this.logger.error({ error: String(error) }, 'scheduler loop failed; no further runs');
    });
  }

  /**
   * Stops: no further runs; resolves once the current run (if any) has finished. The job's signal is
   * aborted so it can wind down between steps. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.emit({ type: 'stopping', waitingForRun: this.current !== undefined });
      this.idle.abort(new Error('scheduler stopping'));
      this.current?.controller.abort(new Error('scheduler stopping'));
      await this.loop;
      await this.current?.promise;
      this.nextAt = null;
      this.finished = true;
      this.emit({ type: 'stopped' });
      this.logger.info({ runs: this.runs, skipped: this.skipped }, 'scheduler stopped');
    })();
    return this.stopped;
  }

  status(): SchedulerStatus {
    const current = this.current;
    return {
      state: this.finished ? 'stopped' : this.stopping ? 'stopping' : current ? 'running' : 'idle',
      cron: this.options.cron,
      timezone: this.options.timezone,
      current: current
        ? { fireAt: iso(current.fireAt), reason: current.reason, startedAt: iso(current.startedAt) }
        : null,
      lastRun: this.state.lastRun ?? null,
      lastSuccessFireAt: this.state.lastFireAt ?? null,
      nextRunAt: this.nextAt === null ? null : iso(this.nextAt),
      runs: this.runs,
      failures: this.failures,
      skipped: this.skipped,
    };
  }

  private async main(startedAt: number): Promise<void> {
    let cursor = startedAt;
    while (!this.stopping) {
      const next = this.nextAfter(cursor);
      this.nextAt = next;
      if (next === null) return; // the expression has no future slot: stay idle until stopped
      if (!(await this.waitUntil(next))) return;
      // A late wake-up (suspend, clock step) fires once for the slot it reached, not once per slot.
      cursor = Math.max(next, this.clock.now());
      if (this.current) {
        this.skipped++;
        this.emit({ type: 'skipped', fireAt: next, runningFireAt: this.current.fireAt });
        this.logger.warn(
          { fireAt: iso(next), running: iso(this.current.fireAt) },
          'previous run still going; this fire is skipped',
        );
      } else {
        this.launch(next, 'schedule');
      }
    }
  }

  /** Sleeps on the clock until `at`; false when stopped first. */
  private async waitUntil(at: number): Promise<boolean> {
    for (;;) {
      if (this.stopping) return false;
      const now = this.clock.now();
      if (now >= at) return true;
      try {
        await this.clock.sleep(Math.min(at - now, this.maxSleepMs), this.idle.signal);
      } catch {
        return false;
      }
    }
  }

  private nextAfter(at: number): number | null {
    return this.cron.nextRun(new Date(at))?.getTime() ?? null;
  }

  private launch(fireAt: number, reason: FireReason): void {
    const controller = new AbortController();
    const startedAt = this.clock.now();
    const current: Current = { fireAt, reason, startedAt, controller, promise: Promise.resolve() };
    this.current = current;
    this.runs++;
    this.emit({ type: 'run-started', fireAt, reason });
    this.logger.info({ fireAt: iso(fireAt), reason }, 'run started');
    current.promise = (async () => {
      let status: RunStatus;
      let error: unknown;
      try {
        status = await this.options.job({ fireAt, reason, signal: controller.signal });
      } catch (caught) {
        status = 'failed';
        error = caught;
      }
      const finishedAt = this.clock.now();
      const record: RunRecord = {
        fireAt: iso(fireAt),
        reason,
        startedAt: iso(startedAt),
        finishedAt: iso(finishedAt),
        status,
        durationMs: finishedAt - startedAt,
        ...(error === undefined ? {} : { errorCode: errorCode(error) }),
      };
      if (status === 'failed') this.failures++;
      const done = status !== 'failed';
      const lastFireAt =
        done && (!this.state.lastFireAt || Date.parse(this.state.lastFireAt) < fireAt)
          ? iso(fireAt)
          : this.state.lastFireAt;
      this.saveState({ ...this.state, lastFireAt, lastRun: record });
      this.current = undefined;
      this.emit(error === undefined ? { type: 'run-finished', record } : { type: 'run-finished', record, error });
      this.logger[done ? 'info' : 'warn'](
        {
          fireAt: record.fireAt,
          status,
          durationMs: record.durationMs,
          code: record.errorCode,
          message: isAppError(error) ? error.message : undefined,
        },
        'run finished',
      );
    })();
  }

  private emit(event: SchedulerEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (error) {
      this.logger.warn({ error: String(error) }, 'scheduler event handler failed');
    }
  }

  private readState(): ScheduleState {
    const path = this.options.stateFile;
    if (!path) return {};
    try {
      return readableState(JSON.parse(readFileSync(path, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.emit({ type: 'state-error', error });
        this.logger.warn({ path, error: String(error) }, 'schedule state unreadable; starting without it');
      }
      return {};
    }
  }

  /** Keeps the state in memory and writes it atomically (temp file + rename); a failed write is logged, not fatal. */
  private saveState(state: ScheduleState): void {
    this.state = { ...state, cron: this.options.cron, timezone: this.options.timezone };
    const path = this.options.stateFile;
    if (!path) return;
    try {
      mkdirSync(dirname(path), { recursive: true });
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify(this.state, null, 1)}\n`, { mode: 0o600 });
      renameSync(temp, path);
    } catch (error) {
      this.emit({ type: 'state-error', error });
      this.logger.warn({ path, error: String(error) }, 'could not write the schedule state');
    }
  }
}
