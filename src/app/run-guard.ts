/**
 * What a run holds while it works, taken in the same order by every run so that no two can
 * deadlock: the data dir's lock (run-lock.ts), the warehouse (on DuckDB, opening the file takes the
 * engine's own lock), the warehouse's run lock (warehouse/run-lock.ts); and its deadline. Every wait
 * shares one budget, `run.lockWaitMs` (--lock-wait), and says on stderr whom it waits for.
 *
 * The deadline (`run.deadlineMs`, --deadline) aborts the run's signal: the pipeline cancels its
 * Clari jobs, records the run failed and returns. Should anything ignore the signal (a statement
 * that hangs), the process exits 1 a grace period later: no run outlives its deadline for long.
 */
import { realpathSync } from 'node:fs';
import { AppError, formatDuration, sha256Hex } from '../core/index.js';
import { lockWarehouse, type Warehouse } from '../warehouse/index.js';
import type { AppContext } from './context.js';
import { openConfiguredWarehouse } from './pipeline.js';
import { selfIdentity } from './process-identity.js';
import { waitForLock } from './run-lock.js';

export interface RunGuard {
  /** The warehouse to run on (its commits check the lease where there is one). */
  readonly warehouse: Warehouse;
  /** Aborted at the deadline, or when the run lost its warehouse lease; the reason says which. */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

/** After the deadline, how long the pipeline has to wind down before the process exits anyway. */
export const DEADLINE_GRACE_MS = 120_000;

export async function startRun(
  ctx: AppContext,
  command: string,
  exit: (code: number) => void = (code) => process.exit(code),
): Promise<RunGuard> {
  const { config } = ctx.loaded;
  const { clock } = ctx;
  const started = clock.now();
  const waitMs = config.run.lockWaitMs;
  const left = (): number => Math.max(0, started + waitMs - clock.now());
  const say = (text: string): void => ctx.io.stderr(ctx.redactor.redact(`clari-dp: ${text}\n`));
  const upTo = (ms: number): string => `waiting up to ${formatDuration(ms)} (--lock-wait)`;

  const dirLock = await waitForLock(config.dataDir, {
    command,
    clock,
    waitMs,
    signal: ctx.stopSignal,
    onWait: (owner, path, ms) =>
      say(
        owner
          ? `${upTo(ms)} for the clari-dp ${owner.command} using ${path} (pid ${owner.pid} on ${owner.host}, since ${owner.since}) to finish`
          : `${upTo(ms)} for the process taking ${path}`,
      ),
  }).catch((error: unknown) => {
    throw stoppedWhileWaiting(ctx, error);
  });
  const undo: (() => unknown)[] = [() => dirLock.release()];
  const release = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    const wh = await openConfiguredWarehouse(ctx, {
      lockWaitMs: Math.max(config.warehouseLockWaitMs, left()),
      onLocked: (holder) => say(`${upTo(Math.max(config.warehouseLockWaitMs, left()))}: ${holder}`),
    });
    undo.push(() => wh.close());
    const stop = new AbortController();
    const me = selfIdentity();
    const lock = await lockWarehouse(wh, {
      mode: config.run.warehouseLock,
      holder: {
        label: `clari-dp ${command} pid ${me.pid} on ${me.host} since ${new Date(started).toISOString()}`,
        key: sha256Hex(`${me.host}\n${me.bootId ?? ''}\n${realpathSync(config.dataDir)}`).slice(0, 32),
      },
      clock,
      waitMs: left(),
      leaseTtlMs: config.run.leaseTtlMs,
      openSession: () => openConfiguredWarehouse(ctx),
      signal: ctx.stopSignal,
      onWait: (holder, ms) => say(`${upTo(ms)} for the run holding ${wh.description}: ${holder}`),
      onLost: (error) => stop.abort(error),
    });
    undo.push(() => lock.release());

    const timers = new AbortController();
    undo.push(() => timers.abort());
    const deadlineMs = config.run.deadlineMs;
    void clock
      .sleep(started + deadlineMs - clock.now(), timers.signal)
      .then(async () => {
        say(`the run passed its deadline of ${formatDuration(deadlineMs)}: stopping it`);
        stop.abort(
          new AppError(`The run passed its deadline of ${formatDuration(deadlineMs)} (run.deadlineMs, --deadline)`, {
            code: 'run.deadline',
            kind: 'transient',
            hint: 'Its Clari jobs were cancelled and what it landed loads on the next run. If runs are this slow, raise --deadline, or split the forecasts over several runs.',
          }),
        );
        await clock.sleep(DEADLINE_GRACE_MS, timers.signal);
        say(`the run is still going ${formatDuration(DEADLINE_GRACE_MS)} after its deadline: exiting`);
        exit(1);
      })
      .catch(() => undefined);
    return { warehouse: lock.warehouse, signal: stop.signal, release };
  } catch (error) {
    await release();
    throw stoppedWhileWaiting(ctx, error);
  }
}

/** A wait the process's stop signal ended (the scheduler stopping) is said as such, not as its abort reason. */
function stoppedWhileWaiting(ctx: AppContext, error: unknown): unknown {
  if (!ctx.stopSignal?.aborted || error !== ctx.stopSignal.reason) return error;
  return new AppError('The run did not start: clari-dp was asked to stop while it waited for a run lock', {
    code: 'run.stopped',
    kind: 'transient',
    hint: 'Nothing was exported or loaded; the next run picks up from where the last one left off.',
  });
}
