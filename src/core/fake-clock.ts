/**
 * A manual clock for tests and deterministic replays. Time moves only when the test says so; pending
 * sleeps resolve in time order as it moves. `run(promise)` drives a whole async flow that sleeps on
 * this clock (retries, polling) by jumping to the next timer whenever the flow is idle. It is only
 * deterministic for flows without real I/O.
 */
import { abortReason, type Clock } from './clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];
  /** Every sleep requested, in ms, in order: lets tests assert backoff schedules. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(abortReason(signal));
      };
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flush();
      const next = this.nextTimer();
      if (!next || next.at > target) break;
      this.fire(next);
    }
    this.current = target;
    await flush();
  }

  /** Jumps to the earliest pending timer and fires it. Returns false when nothing is pending. */
  async next(): Promise<boolean> {
    await flush();
    const next = this.nextTimer();
    if (!next) return false;
    this.fire(next);
    await flush();
    return true;
  }

  /** Drives `work` to completion, jumping over idle waits. Fails if it stalls with no timer pending. */
  async run<T>(work: Promise<T>, maxSteps = 100_000): Promise<T> {
    let settled = false;
    const tracked = work.finally(() => {
      settled = true;
    });
    tracked.catch(() => undefined);
    for (let step = 0; step < maxSteps && !settled; step++) {
      await flush();
      if (settled) break;
      if (!(await this.next())) {
        await flush();
        if (!settled) throw new Error('FakeClock.run: the flow is waiting on something other than this clock');
      }
    }
    return tracked;
  }

  private nextTimer(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  private fire(timer: Timer): void {
    this.timers = this.timers.filter((t) => t !== timer);
    if (timer.at > this.current) this.current = timer.at;
    timer.resolve();
  }
}

/** Lets queued promise continuations run (several rounds, because chains can be long). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
