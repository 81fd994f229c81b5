/**
 * Wall time and peak RSS of one step, in this process. Peak RSS is the kernel's high-water mark
 * (VmHWM), reset before each step through /proc/self/clear_refs, so a step is charged for its own
 * peak and not for an earlier step's (e.g. the baseline's).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Measured<T> {
  readonly value: T;
  readonly seconds: number;
  readonly peakMb: number;
}

function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux: the peak then includes earlier steps, which only makes it look worse.
  }
}

export function rssMb(kind: 'VmHWM' | 'VmRSS' = 'VmRSS'): number {
  const match = new RegExp(`${kind}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.memoryUsage.rss() / 2 ** 20;
}

export async function measure<T>(step: () => Promise<T>): Promise<Measured<T>> {
  globalThis.gc?.();
  resetPeak();
  const started = performance.now();
  const value = await step();
  const seconds = (performance.now() - started) / 1000;
  return { value, seconds, peakMb: rssMb('VmHWM') };
}

/**
 * The median of `runs` measurements of an idempotent step: one sample on a 2-core machine moves by
 * 10-20% with whatever else runs, enough to flip a ratio that sits near its target.
 */
export async function medianOf<T extends Sample>(runs: number, step: () => Promise<T>): Promise<T> {
  const samples: T[] = [];
  for (let i = 0; i < runs; i++) samples.push(await step());
  return median(samples);
}

type Sample = { readonly seconds: number; readonly peakMb: number };

/** The last sample with the median time and the median peak of all of them. */
export function median<T extends Sample>(samples: readonly T[]): T {
  const mid = (key: keyof Sample): number => {
    const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
    const half = sorted.length >> 1;
    return sorted.length % 2 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
  };
  return { ...samples[samples.length - 1]!, seconds: mid('seconds'), peakMb: mid('peakMb') };
}

/** How many samples a figure takes: several at full scale, one in the CI smoke run. */
export function samplesFor(scale: number, full: number): number {
  return scale >= 0.5 ? full : 1;
}

/** `name=value` lines, the format `npm run bench` collects into bench/results.md. */
export function report(name: string, value: number | string | boolean): void {
  const text =
    typeof value === 'number'
      ? String(Number.isInteger(value) ? value : Number(value.toFixed(value < 10 ? 3 : 1)))
      : String(value);
  process.stdout.write(`${name}=${text}\n`);
}

/** A free-text line kept with the results (what was measured, why a target is what it is). */
export function note(text: string): void {
  process.stdout.write(`# ${text}\n`);
}

/** `--scale 0.05` -> 0.05; every benchmark sizes itself from it (1 = the full scale). */
export function scaleArg(argv: readonly string[] = process.argv): number {
  const at = argv.indexOf('--scale');
  const value = at >= 0 ? Number(argv[at + 1]) : 1;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--scale must be a positive number, got ${argv[at + 1]}`);
  return value;
}
