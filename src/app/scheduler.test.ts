/**
 * The scheduler on a FakeClock: fire times in a time zone (across a DST change), no overlap, one
 * catch-up after downtime, a stop that waits for the running job, and clear errors for bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Clock, FakeClock, isAppError } from '../core/index.js';
import {
  parseSchedule,
  type RunStatus,
  type ScheduledRun,
  Scheduler,
  type SchedulerEvent,
  type SchedulerOptions,
} from './scheduler.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (text: string): number => Date.parse(text);
const iso = (ms: number): string => new Date(ms).toISOString();

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface Harness {
  clock: FakeClock;
  scheduler: Scheduler;
  calls: { run: ScheduledRun; at: number }[];
  events: SchedulerEvent[];
}

function harness(start: string, options: Partial<SchedulerOptions> & { job?: SchedulerOptions['job'] } = {}): Harness {
  const clock = new FakeClock(at(start));
  const calls: Harness['calls'] = [];
  const events: SchedulerEvent[] = [];
  const job = options.job ?? (() => Promise.resolve<RunStatus>('success'));
  const scheduler = new Scheduler({
    cron: '0 6 * * *',
    timezone: 'UTC',
    clock,
    onEvent: (e) => events.push(e),
    ...options,
    job: (run) => {
      calls.push({ run, at: clock.now() });
      return job(run);
    },
  });
  return { clock, scheduler, calls, events };
}

const stateDir = (): string => mkdtempSync(join(tmpdir(), 'clari-dp-sched-'));

describe('Scheduler', () => {
  it('fires at the cron times of its time zone, DST included', async () => {
    // 06:00 in New York: 11:00Z in winter, 10:00Z once DST starts (Sunday 8 March 2026).
    const h = harness('2026-03-06T00:00:00Z', { cron: '0 6 * * *', timezone: 'America/New_York' });
    h.scheduler.start();
    await h.clock.advance(4 * DAY);
    await h.scheduler.stop();
    expect(h.calls.map((c) => iso(c.run.fireAt))).toEqual([
      '2026-03-06T11:00:00.000Z',
      '2026-03-07T11:00:00.000Z',
      '2026-03-08T10:00:00.000Z',
      '2026-03-09T10:00:00.000Z',
    ]);
    // Each run starts when its slot comes, not before.
    expect(h.calls.map((c) => c.at)).toEqual(h.calls.map((c) => c.run.fireAt));
    expect(h.calls.every((c) => c.run.reason === 'schedule')).toBe(true);
  });

  it('lists the next fire times for display', () => {
    const h = harness('2026-01-05T12:00:00Z', { cron: '30 7 * * 1-5', timezone: 'Europe/Paris' });
    // Monday 12:00Z is past 07:30 Paris (06:30Z): the next ones are Tue, Wed, Thu, Fri, then Monday.
    expect(h.scheduler.nextRuns(5).map((d) => d.toISOString())).toEqual([
      '2026-01-06T06:30:00.000Z',
      '2026-01-07T06:30:00.000Z',
      '2026-01-08T06:30:00.000Z',
      '2026-01-09T06:30:00.000Z',
      '2026-01-12T06:30:00.000Z',
    ]);
  });

  it('never overlaps: a fire that finds a run going is skipped and counted, not queued', async () => {
    const gate = deferred<RunStatus>();
    let calls = 0;
    const h = harness('2026-01-05T00:00:00Z', {
      cron: '*/10 * * * *',
      job: () => (++calls === 1 ? gate.promise : Promise.resolve('success')),
    });
    h.scheduler.start();
    await h.clock.advance(10 * MIN); // 00:10 fires and keeps running
    expect(h.scheduler.status()).toMatchObject({ state: 'running', runs: 1, skipped: 0 });
    await h.clock.advance(25 * MIN); // 00:20 and 00:30 come while it runs
    expect(h.calls).toHaveLength(1);
    expect(h.scheduler.status().skipped).toBe(2);
    expect(h.events.filter((e) => e.type === 'skipped').map((e) => e.type === 'skipped' && iso(e.fireAt))).toEqual([
      '2026-01-05T00:20:00.000Z',
      '2026-01-05T00:30:00.000Z',
    ]);

    gate.resolve('success'); // finishing does not start the skipped ones
    await h.clock.advance(1 * MIN);
    expect(h.calls).toHaveLength(1);
    expect(h.scheduler.status()).toMatchObject({
      state: 'idle',
      lastRun: { status: 'success', fireAt: '2026-01-05T00:10:00.000Z', durationMs: 25 * MIN },
    });

    await h.clock.advance(5 * MIN); // 00:40: the next slot runs normally
    expect(h.calls.map((c) => iso(c.run.fireAt))).toEqual(['2026-01-05T00:10:00.000Z', '2026-01-05T00:40:00.000Z']);
    await h.scheduler.stop();
  });

  it('catches up exactly once after downtime, then follows the schedule', async () => {
    const dir = stateDir();
    const stateFile = join(dir, 'schedule.json');
    // Last success three days ago; the daily 06:00 slots of the last three days were missed.
    writeFileSync(
      stateFile,
      JSON.stringify({ since: '2026-01-01T00:00:00.000Z', lastFireAt: '2026-01-07T06:00:00.000Z' }),
    );
    const h = harness('2026-01-10T12:00:00Z', { stateFile });
    h.scheduler.start();
    await h.clock.advance(0);
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]!.run).toMatchObject({ reason: 'catch-up', fireAt: at('2026-01-10T06:00:00Z') });
    expect(h.calls[0]!.at).toBe(at('2026-01-10T12:00:00Z'));
    expect(h.events[0]).toMatchObject({ type: 'started', catchUp: true, nextRunAt: at('2026-01-11T06:00:00Z') });

    await h.clock.advance(DAY);
    expect(h.calls.map((c) => `${c.run.reason} ${iso(c.run.fireAt)}`)).toEqual([
      'catch-up 2026-01-10T06:00:00.000Z',
      'schedule 2026-01-11T06:00:00.000Z',
    ]);
    await h.scheduler.stop();
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved).toMatchObject({
      since: '2026-01-01T00:00:00.000Z',
      lastFireAt: '2026-01-11T06:00:00.000Z',
      cron: '0 6 * * *',
      timezone: 'UTC',
      lastRun: { status: 'success', reason: 'schedule' },
    });

    // Restarted before the next slot: nothing was missed, nothing runs.
    const again = harness('2026-01-11T20:00:00Z', { stateFile });
    again.scheduler.start();
    await again.clock.advance(HOUR);
    expect(again.calls).toHaveLength(0);
    expect(again.events[0]).toMatchObject({ type: 'started', catchUp: false });
    await again.scheduler.stop();
  });

  it('does not catch up on a first start, but does once a slot passed without a success', async () => {
    const stateFile = join(stateDir(), 'state', 'schedule.json');
    const first = harness('2026-01-10T12:00:00Z', { stateFile });
    first.scheduler.start();
    await first.clock.advance(HOUR);
    expect(first.calls).toHaveLength(0);
    await first.scheduler.stop();
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({
      since: '2026-01-10T12:00:00.000Z',
      cron: '0 6 * * *',
      timezone: 'UTC',
    });

    // Down over the next 06:00: the start after it catches up (from `since`, there was no success yet).
    const second = harness('2026-01-11T09:00:00Z', { stateFile });
    second.scheduler.start();
    await second.clock.advance(0);
    expect(second.calls.map((c) => c.run.reason)).toEqual(['catch-up']);
    await second.scheduler.stop();

    // --no-catch-up
    writeFileSync(stateFile, JSON.stringify({ lastFireAt: '2026-01-01T06:00:00.000Z' }));
    const off = harness('2026-01-11T09:00:00Z', { stateFile, catchUp: false });
    off.scheduler.start();
    await off.clock.advance(HOUR);
    expect(off.calls).toHaveLength(0);
    await off.scheduler.stop();
  });

  it('counts partial as done, and a failed or thrown run as not done (the next start catches up)', async () => {
    const stateFile = join(stateDir(), 'schedule.json');
    const outcomes: (RunStatus | Error)[] = ['partial', 'failed', new Error('boom')];
    const h = harness('2026-01-05T00:00:00Z', {
      stateFile,
      job: () => {
        const next = outcomes.shift()!;
        return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
      },
    });
    h.scheduler.start();
    await h.clock.advance(DAY);
    expect(h.scheduler.status()).toMatchObject({
      lastSuccessFireAt: '2026-01-05T06:00:00.000Z',
      lastRun: { status: 'partial' },
      failures: 0,
    });
    await h.clock.advance(2 * DAY);
    await h.scheduler.stop();
    expect(h.scheduler.status()).toMatchObject({
      state: 'stopped',
      runs: 3,
      failures: 2,
      lastSuccessFireAt: '2026-01-05T06:00:00.000Z',
      lastRun: { status: 'failed', errorCode: 'internal.unexpected' },
    });
    const finished = h.events.filter((e) => e.type === 'run-finished');
    expect(finished.map((e) => e.type === 'run-finished' && e.record.status)).toEqual(['partial', 'failed', 'failed']);

    const restarted = harness('2026-01-07T12:00:00Z', { stateFile });
    restarted.scheduler.start();
    await restarted.clock.advance(0);
    expect(restarted.calls.map((c) => `${c.run.reason} ${iso(c.run.fireAt)}`)).toEqual([
      'catch-up 2026-01-07T06:00:00.000Z',
    ]);
    await restarted.scheduler.stop();
  });

  it('stops gracefully: waits for the running job, aborts its signal, runs nothing more', async () => {
    const gate = deferred<RunStatus>();
    let signal: AbortSignal | undefined;
    const h = harness('2026-01-05T05:59:00Z', {
      job: (run) => {
        signal = run.signal;
        return gate.promise;
      },
    });
    h.scheduler.start();
    await h.clock.advance(MIN);
    expect(h.calls).toHaveLength(1);

    let stopped = false;
    const stopping = h.scheduler.stop().then(() => (stopped = true));
    await h.clock.advance(HOUR);
    expect(signal?.aborted).toBe(true);
    expect(stopped).toBe(false);
    expect(h.scheduler.status().state).toBe('stopping');
    expect(h.scheduler.stop()).toBe(h.scheduler.stop()); // idempotent

    gate.resolve('success');
    await stopping;
    expect(stopped).toBe(true);
    expect(h.scheduler.status()).toMatchObject({ state: 'stopped', nextRunAt: null, lastRun: { status: 'success' } });
    await h.clock.advance(3 * DAY);
    expect(h.calls).toHaveLength(1);
    expect(h.clock.pending).toBe(0);
    expect(h.events.map((e) => e.type)).toEqual(['started', 'run-started', 'stopping', 'run-finished', 'stopped']);
  });

  it('stops at once when idle, leaving no timer behind', async () => {
    const h = harness('2026-01-05T00:00:00Z');
    h.scheduler.start();
    await h.clock.advance(MIN);
    expect(h.clock.pending).toBe(1);
    await h.scheduler.stop();
    expect(h.clock.pending).toBe(0);
    expect(h.calls).toHaveLength(0);
  });

  it('waits in pieces no longer than maxSleepMs, so timers never overflow', async () => {
    const h = harness('2026-01-05T00:00:00Z', { cron: '0 0 1 1 *', maxSleepMs: HOUR });
    h.scheduler.start();
    await h.clock.advance(3 * HOUR);
    expect(Math.max(...h.clock.sleeps)).toBeLessThanOrEqual(HOUR);
    expect(h.scheduler.status().nextRunAt).toBe('2027-01-01T00:00:00.000Z');
    await h.scheduler.stop();
  });

  it('fires once for a wake-up that comes late over several slots', async () => {
    // The host was suspended: the wall clock jumps 30 minutes past the pending wake-up.
    const fake = new FakeClock(at('2026-01-05T00:00:00Z'));
    let jump = 0;
    const clock: Clock = { now: () => fake.now() + jump, sleep: (ms, signal) => fake.sleep(ms, signal) };
    const fired: number[] = [];
    const job = (run: ScheduledRun): Promise<RunStatus> => {
      fired.push(run.fireAt);
      return Promise.resolve('success');
    };
    const scheduler = new Scheduler({ cron: '* * * * *', timezone: 'UTC', clock, job });
    scheduler.start();
    jump = 30 * MIN;
    await fake.advance(MIN);
    expect(fired.map(iso)).toEqual(['2026-01-05T00:01:00.000Z']);
    // The next slot is the one after the jump, not the 29 it slept through.
    expect(scheduler.status().nextRunAt).toBe('2026-01-05T00:32:00.000Z');
    await scheduler.stop();
  });

  it('rejects a bad cron expression or time zone with a usage error that says what to do', () => {
    const usage = (fn: () => unknown): { message: string; hint: string | undefined } => {
      try {
        fn();
      } catch (error) {
        if (isAppError(error) && error.kind === 'usage') return { message: error.message, hint: error.hint };
        throw error;
      }
      throw new Error('expected a usage error');
    };
    expect(usage(() => parseSchedule('every day', 'UTC')).message).toMatch(/^Invalid cron expression "every day"/);
    expect(usage(() => parseSchedule('61 * * * *', 'UTC')).message).toContain('minute');
    expect(usage(() => parseSchedule('0 0 * * * *', 'UTC')).hint).toContain('five fields');
    expect(usage(() => parseSchedule('0 0 30 2 *', 'UTC')).message).toContain('never fires');
    expect(usage(() => parseSchedule('0 6 * * *', 'Mars/Olympus_Mons')).message).toBe(
      'Unknown time zone "Mars/Olympus_Mons"',
    );
    expect(
      usage(
        () =>
          new Scheduler({
            cron: '0 6 * *',
            timezone: 'UTC',
            clock: new FakeClock(),
            job: () => Promise.resolve('success'),
          }),
      ).message,
    ).toContain('Invalid cron');
    expect(() => parseSchedule('@daily', 'Europe/Paris')).not.toThrow();
  });
});
