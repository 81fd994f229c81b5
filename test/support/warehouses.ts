/**
 * The engine matrix for warehouse and pipeline tests: a real DuckDB file and a real PostgreSQL
 * database (a fresh one per call, on the server started in global-setup), plus Snowflake and
 * BigQuery when their credentials are in the environment (live-warehouses.ts): a fresh schema or
 * dataset per call, dropped afterwards, so the same assertions run on all of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/warehouse/index.js';
import { LIVE_REQUIREMENTS, type LiveEngine, liveEngines } from './live-warehouses.js';

export interface TestWarehouse {
  readonly url: string;
  open(): Promise<Warehouse>;
  dispose(): Promise<void>;
}

export type Engine = 'duckdb' | 'postgres' | LiveEngine;
export const ENGINES: readonly Engine[] = ['duckdb', 'postgres', ...liveEngines(process.env)];

let counter = 0;

export async function testWarehouse(engine: Engine): Promise<TestWarehouse> {
  if (engine === 'duckdb') {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-duck-'));
    const url = `duckdb:${join(dir, 'test.duckdb')}`;
    return {
      url,
      open: () => openWarehouse(url),
      dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  if (engine === 'snowflake' || engine === 'bigquery') return liveWarehouse(engine);
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

/** A throw-away schema (Snowflake) or dataset (BigQuery) next to the one the test URL names. */
async function liveWarehouse(engine: LiveEngine): Promise<TestWarehouse> {
  const base = process.env[LIVE_REQUIREMENTS[engine].url]!;
  const name = `clari_test_${process.pid}_${Date.now()}_${counter++}`;
  const admin = await openWarehouse(base);
  let url: string;
  let drop: string;
  try {
    if (engine === 'snowflake') {
      const parsed = new URL(base);
      const [database] = parsed.pathname.split('/').filter(Boolean);
      parsed.pathname = `/${database}/${name}`;
      url = parsed.toString();
      await admin.exec(`CREATE SCHEMA IF NOT EXISTS ${name}`);
      drop = `DROP SCHEMA IF EXISTS ${name} CASCADE`;
    } else {
      const m = /^bigquery:\/\/([^/]+)\/[^/?]+(\?.*)?$/.exec(base)!;
      const location = new URLSearchParams(m[2] ?? '').get('location');
      url = `bigquery://${m[1]}/${name}${m[2] ?? ''}`;
      await admin.exec(`CREATE SCHEMA \`${m[1]}.${name}\`${location ? ` OPTIONS (location = '${location}')` : ''}`);
      drop = `DROP SCHEMA IF EXISTS \`${m[1]}.${name}\` CASCADE`;
    }
  } finally {
    await admin.close();
  }
  return {
    url,
    open: () => openWarehouse(url),
    dispose: async () => {
      const wh = await openWarehouse(base);
      try {
        await wh.exec(drop);
      } finally {
        await wh.close();
      }
    },
  };
}
