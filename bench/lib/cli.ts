/**
 * The built CLI as a user runs it (`node bin/clari-dp.js run`), in its own process, timed from
 * spawn to exit, with its peak RSS reported by bench/lib/peak-rss.cjs. `npm run bench` builds
 * dist/ first.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = join(import.meta.dirname, '..', '..');

export interface CliRun {
  readonly code: number | null;
  readonly seconds: number;
  readonly peakMb: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--require', join(ROOT, 'bench', 'lib', 'peak-rss.cjs'), join(ROOT, 'bin', 'clari-dp.js'), ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const kb = Number(/peak_rss_kb=(\d+)/.exec(stderr)?.[1] ?? NaN);
      resolve({ code, seconds: (performance.now() - started) / 1000, peakMb: kb / 1024, stdout, stderr });
    });
  });
}
