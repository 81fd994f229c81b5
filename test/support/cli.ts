/**
 * Runs the built `clari-dp` binary as a user would (node bin/clari-dp.js), capturing its output.
 * `npm test` builds dist/ first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'clari-dp.js');

export interface CliResult {
  code: number | null;
  /** The signal that ended the process (SIGKILL in crash tests), or null when it exited. */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `onStderr` sees the stderr written so far each time more arrives (to act on a line before the exit). */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
  onStderr?: (stderr: string) => void,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Starts a long-running command and resolves once its stdout matches `ready`. */
export function startCli(
  args: string[],
  ready: RegExp,
  env: Record<string, string | undefined> = {},
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const match = out.match(ready);
      if (match) resolve({ child, match, output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready: ${out}`)));
  });
}
