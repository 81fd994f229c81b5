/**
 * DuckDB (@duckdb/node-api), the embedded default: one file, one connection. Opening waits a little
 * while another process holds the file (config.ts); the port is warehouse.ts, the bulk path stage.ts.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Warehouse } from '../types.js';
import { type DuckdbOpenOptions, instanceSettings } from './config.js';
import { classify } from './errors.js';
import { DuckdbWarehouse } from './warehouse.js';

export type { DuckdbOpenOptions } from './config.js';

export async function openDuckdb(path: string, options: DuckdbOpenOptions = {}): Promise<Warehouse> {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:' && !options.readOnly) mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + Math.max(0, options.lockWaitMs ?? 0);
  let instance: DuckDBInstance;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      instance = await DuckDBInstance.create(file, {
        ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
        ...instanceSettings(options.settings),
      });
      break;
    } catch (error) {
      const classified = classify(error, `duckdb:${path}`);
      if (classified.code !== 'warehouse.locked' || Date.now() + delay > deadline) throw classified;
      if (delay === 25) options.onLocked?.(classified.message);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  const connection = await instance.connect();
  return new DuckdbWarehouse(instance, connection, `duckdb:${path}`, options.settings);
}
