/**
 * The engine matrix for warehouse and pipeline tests: a real DuckDB file and a real PostgreSQL
 * database (a fresh one per call, on the server started in global-setup).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/warehouse/index.js';

export interface TestWarehouse {
  readonly url: string;
  open(): Promise<Warehouse>;
  dispose(): Promise<void>;
}

export type Engine = 'duckdb' | 'postgres';
export const ENGINES: readonly Engine[] = ['duckdb', 'postgres'];

let counter = 0;

export async function testWarehouse(engine: Engine): Promise<TestWarehouse> {
  if (engine === 'duckdb') {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-duck-'));
    const url = `duckdb:${join(dir, 'test.duckdb')}`;
    return { url, open: () => openWarehouse(url), dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
  }
  const admin = inject('pgUrl');
  const name = `clari_test_${process.pid}_${Date.now()}_${counter++}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = admin.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    open: () => openWarehouse(url),
    dispose: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
