/**
 * The `schedule` command: its health server, the metrics hook, overlap and graceful stop on a
 * FakeClock with a stand-in run, and one real catch-up run of `clari-dp run` against the simulator
 * into DuckDB (trigger "schedule" recorded). No sleeps: the fake clock and events drive everything.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppContext, createContext, type Io, type SchedulerEvent, waitForLock } from '../../src/app/index.js';
import { runSchedule, type ScheduleHooks } from '../../src/cli/commands/schedule.js';
import { EXIT, type ExitCode } from '../../src/cli/output.js';
import { FakeClock, isAppError } from '../../src/core/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { simStats, startTestSim } from '../support/sim.js';

const KEY = 'schedule-test-key-0042';

interface Captured {
  ctx: AppContext;
  out: string[];
  err: string[];
  dir: string;
}

function context(
  environment: Record<string, string> = {},
  json = false,
  dir = mkdtempSync(join(tmpdir(), 'clari-dp-schedule-')),
): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTTY: false,
    environment: { CLARI_DP_DATA_DIR: join(dir, 'data'), ...environment },
    cwd: dir,
  };
  return { ctx: createContext({ json, logLevel: 'silent' }, io), out, err, dir };
}

/** Starts the command with a stop trigger the test pulls; resolves once the health server listens. */
async function start(ctx: AppContext, options: Record<string, unknown>, hooks: Partial<ScheduleHooks> = {}) {
  let requestStop: ((reason: string) => void) | undefined;
  let url!: string;
  let ready!: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  const events: SchedulerEvent[] = [];
  const done = runSchedule(
    ctx,
    { port: 0, ...options },
    {
      onStopRequest: (stop) => {
        requestStop = stop;
        return () => (requestStop = undefined);
      },
      onListening: (u) => {
        url = u;
        ready();
      },
      onEvent: (e) => events.push(e),
      ...hooks,
    },
  );
  await Promise.race([listening, done]);
  return {
    done,
    url: () => url,
    events,
    stop: (reason = 'SIGTERM') => requestStop?.(reason),
    get wired() {
      return requestStop !== undefined;
    },
  };
}

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('clari-dp schedule', () => {
  it('serves /healthz, answers 404 on /metrics until a provider is plugged in, runs on the cron and stops on SIGTERM', async () => {
    const { ctx, out, err, dir } = context();
    const clock = new FakeClock(Date.parse('2026-01-05T05:00:00Z'));
    const runs: number[] = [];
    const s = await start(
      { ...ctx, clock },
      { cron: '0 6 * * 1-5', tz: 'UTC' },
      { runOnce: (r) => Promise.resolve<ExitCode>(runs.push(r.fireAt) === 1 ? EXIT.ok : EXIT.partial) },
    );
    expect(out.join('')).toContain(`listening on ${s.url()} (GET /healthz)`);
    expect(out.join('')).toContain(
      'schedule "0 6 * * 1-5" in UTC; next runs 2026-01-05T06:00:00.000Z, 2026-01-06T06:00:00.000Z, 2026-01-07T06:00:00.000Z',
    );

    const before = await get(`${s.url()}/healthz`);
    expect(before.status).toBe(200);
    expect(before.type).toContain('application/json');
    expect(JSON.parse(before.body)).toMatchObject({
      status: 'ok',
      schedule: { cron: '0 6 * * 1-5', timezone: 'UTC' },
      running: null,
      lastRun: null,
      nextRun: '2026-01-05T06:00:00.000Z',
      runs: 0,
      skipped: 0,
    });

    const metrics = await get(`${s.url()}/metrics`);
    expect(metrics.status).toBe(404);
    expect(JSON.parse(metrics.body)).toEqual({
      error: 'metrics are not available in this version',
      paths: ['/healthz'],
    });
    expect((await get(`${s.url()}/nope`)).status).toBe(404);
    expect((await fetch(`${s.url()}/healthz`, { method: 'POST' })).status).toBe(405);

    await clock.advance(26 * 3_600_000); // Monday 06:00 and Tuesday 06:00
    expect(runs.map((t) => new Date(t).toISOString())).toEqual([
      '2026-01-05T06:00:00.000Z',
      '2026-01-06T06:00:00.000Z',
    ]);
    const after = JSON.parse((await get(`${s.url()}/healthz`)).body);
    expect(after).toMatchObject({
      status: 'ok',
      runs: 2,
      lastRun: { status: 'partial', fireAt: '2026-01-06T06:00:00.000Z' },
      lastSuccessFireAt: '2026-01-06T06:00:00.000Z',
      nextRun: '2026-01-07T06:00:00.000Z',
    });

    s.stop('SIGTERM');
    expect(await s.done).toBe(EXIT.ok);
    expect(s.wired).toBe(false);
    await expect(fetch(`${s.url()}/healthz`)).rejects.toThrow();
    expect(err.join('')).toContain('clari-dp schedule: run for 2026-01-06T06:00:00.000Z finished: partial');
    expect(err.join('')).toContain('clari-dp schedule: SIGTERM: stopping');
    expect(JSON.parse(readFileSync(join(dir, 'data', 'state', 'schedule.json'), 'utf8'))).toMatchObject({
      lastFireAt: '2026-01-06T06:00:00.000Z',
    });
  });

  it('serves /metrics from the metricsText hook', async () => {
    const { ctx } = context();
    const s = await start(
      { ...ctx, clock: new FakeClock() },
      { cron: '@daily' },
      {
        metricsText: () => Promise.resolve('# HELP clari_up 1\nclari_up 1\n'),
        runOnce: () => Promise.resolve(EXIT.ok),
      },
    );
    const metrics = await get(`${s.url()}/metrics`);
    expect(metrics).toEqual({
      status: 200,
      type: 'text/plain; version=0.0.4; charset=utf-8',
      body: '# HELP clari_up 1\nclari_up 1\n',
    });
    s.stop();
    expect(await s.done).toBe(EXIT.ok);
  });

  it('skips a fire while a run is going, and a stop waits for that run (JSON diagnostics on stderr)', async () => {
    const { ctx, out, err } = context({}, true);
    const clock = new FakeClock(Date.parse('2026-01-05T00:00:00Z'));
    let finish!: (code: ExitCode) => void;
    let signal: AbortSignal | undefined;
    const s = await start(
      { ...ctx, clock },
      { cron: '*/5 * * * *', tz: 'UTC' },
      {
        runOnce: (r) => {
          signal = r.signal;
          return new Promise<ExitCode>((resolve) => (finish = resolve));
        },
      },
    );
    expect(JSON.parse(out[0]!)).toMatchObject({
      event: 'schedule.started',
      url: s.url(),
      cron: '*/5 * * * *',
      timezone: 'UTC',
    });
    await clock.advance(11 * 60_000); // 00:05 starts; 00:10 is skipped
    expect(JSON.parse((await get(`${s.url()}/healthz`)).body)).toMatchObject({
      running: { fireAt: '2026-01-05T00:05:00.000Z', reason: 'schedule' },
      skipped: 1,
      runs: 1,
    });

    let exited = false;
    void s.done.then(() => (exited = true));
    s.stop('SIGTERM');
    s.stop('SIGINT'); // a second signal only reports what is still going on
    await clock.advance(60 * 60_000);
    expect(exited).toBe(false);
    expect(signal?.aborted).toBe(true);
    const stopping = await get(`${s.url()}/healthz`);
    expect(stopping.status).toBe(503);
    expect(JSON.parse(stopping.body)).toMatchObject({ status: 'stopping' });

    finish(EXIT.ok);
    expect(await s.done).toBe(EXIT.ok);
    const lines = err
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string });
    expect(lines.map((l) => l.event)).toEqual([
      'run-started',
      'skipped',
      'stopping',
      'still-stopping',
      'run-finished',
      'stopped',
    ]);
    expect(s.events.filter((e) => e.type === 'run-started')).toHaveLength(1);
  });

  it('refuses a bad cron expression, a bad time zone or a second scheduler on the same data dir', async () => {
    const { ctx } = context();
    const fail = async (
      options: Record<string, unknown>,
      c: AppContext = ctx,
    ): Promise<{ kind: string; code: string; message: string }> => {
      try {
        await runSchedule(c, { port: 0, ...options }, { onStopRequest: () => () => undefined });
      } catch (error) {
        if (isAppError(error)) return { kind: error.kind, code: error.code, message: error.message };
        throw error;
      }
      throw new Error('expected an error');
    };
    expect(await fail({ cron: '0 25 * * *' })).toMatchObject({
      kind: 'usage',
      message: expect.stringContaining('Invalid cron expression "0 25 * * *"'),
    });
    expect(await fail({ cron: '0 6 * * *', tz: 'Europe/Atlantis' })).toMatchObject({
      kind: 'usage',
      message: 'Unknown time zone "Europe/Atlantis"',
    });
    expect(await fail({})).toMatchObject({ kind: 'usage', message: expect.stringContaining('--cron') });

    const first = await start(
      { ...ctx, clock: new FakeClock() },
      { cron: '@daily' },
      { runOnce: () => Promise.resolve(EXIT.ok) },
    );
    expect(await fail({ cron: '@hourly' })).toMatchObject({
      code: 'run.locked',
      message: expect.stringContaining('Another clari-dp schedule'),
    });
    // The port is taken too: a clear usage error rather than a crash.
    const port = Number(new URL(first.url()).port);
    const other = context();
    expect(await fail({ cron: '@hourly', port }, other.ctx)).toMatchObject({
      kind: 'usage',
      message: expect.stringContaining(`cannot listen on 127.0.0.1:${port}`),
    });
    first.stop();
    await first.done;
  });

  it('runs the real `run` on a catch-up after downtime: the simulator into DuckDB, trigger "schedule"', async () => {
    // The tenant's date is today, like the business date the scheduled run computes.
    sim = await startTestSim({ apiKey: KEY, asOf: undefined });
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-schedule-run-'));
    writeFileSync(join(dir, 'clari-dp.yaml'), 'export:\n  pollIntervalMs: 20\nperiods:\n  count: 1\n');
    const warehouse = `duckdb:${join(dir, 'wh.duckdb')}`;
    const { ctx, out, err } = context(
      {
        CLARI_API_KEY: KEY,
        CLARI_BASE_URL: sim.url,
        CLARI_DP_FORECASTS: 'net_new_arr',
        CLARI_DP_WAREHOUSE: warehouse,
        CLARI_DP_DATA_DIR: join(dir, 'data'),
      },
      true,
      dir,
    );
    // The last success was long ago: the scheduler catches up at once, then would wait for next year.
    mkdirSync(join(dir, 'data', 'state'), { recursive: true });
    writeFileSync(
      join(dir, 'data', 'state', 'schedule.json'),
      JSON.stringify({ lastFireAt: '2020-01-01T00:00:00.000Z' }),
    );
    let finished!: (e: SchedulerEvent) => void;
    const runFinished = new Promise<SchedulerEvent>((resolve) => (finished = resolve));
    const s = await start(
      ctx,
      { cron: '0 0 1 1 *', tz: 'UTC' },
      { onEvent: (e) => e.type === 'run-finished' && finished(e) },
    );
    const event = await runFinished;
    expect(event).toMatchObject({
      type: 'run-finished',
      record: { status: 'success', reason: 'catch-up', fireAt: expect.stringMatching(/-01-01T00:00:00\.000Z$/) },
    });
    s.stop();
    expect(await s.done).toBe(EXIT.ok);

    const summary = out.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => 'runId' in l);
    expect(summary).toMatchObject({ status: 'success' });
    const all = out.join('') + err.join('');
    expect(all).not.toContain(KEY);
    const wh = await openWarehouse(warehouse);
    try {
      expect(await wh.query('SELECT trigger, status FROM clari_sync_runs')).toEqual([
        { trigger: 'schedule', status: 'success' },
      ]);
    } finally {
      await wh.close();
    }
  });

  it('a stop ends a fired run that still waits for the run lock, at once, without running it', async () => {
    sim = await startTestSim({ apiKey: KEY, asOf: undefined });
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-schedule-wait-'));
    writeFileSync(join(dir, 'clari-dp.yaml'), 'export:\n  pollIntervalMs: 20\nperiods:\n  count: 1\n');
    const warehouse = `duckdb:${join(dir, 'wh.duckdb')}`;
    const dataDir = join(dir, 'data');
    const { ctx, err } = context(
      {
        CLARI_API_KEY: KEY,
        CLARI_BASE_URL: sim.url,
        CLARI_DP_FORECASTS: 'net_new_arr',
        CLARI_DP_WAREHOUSE: warehouse,
        CLARI_DP_DATA_DIR: dataDir,
      },
      true,
      dir,
    );
    mkdirSync(join(dataDir, 'state'), { recursive: true });
    writeFileSync(join(dataDir, 'state', 'schedule.json'), JSON.stringify({ lastFireAt: '2020-01-01T00:00:00.000Z' }));
    // A manual run holds the data dir: the catch-up run waits for it (up to schedule.lockWaitMs, 30 min).
    const manual = await waitForLock(dataDir, { command: 'run', clock: ctx.clock, waitMs: 0 });
    try {
      let finished!: (e: SchedulerEvent) => void;
      const runFinished = new Promise<SchedulerEvent>((resolve) => (finished = resolve));
      const s = await start(
        ctx,
        { cron: '0 0 1 1 *', tz: 'UTC' },
        { onEvent: (e) => e.type === 'run-finished' && finished(e) },
      );
      while (!err.join('').includes('waiting up to 30m')) await new Promise((resolve) => setImmediate(resolve));
      s.stop();
      expect(await s.done).toBe(EXIT.ok);
      expect(await runFinished).toMatchObject({ type: 'run-finished', record: { status: 'failed' } });
      expect(err.join('')).toContain('run.stopped');
      expect((await simStats(sim)).exportsCreated).toBe(0);
    } finally {
      manual.release();
    }
  });
});
