/** Parses CLARI_DP_WAREHOUSE (design.md section 3) and renders it without secrets. */
import { WarehouseError } from './errors.js';

export type WarehouseTarget =
  | { readonly kind: 'duckdb'; readonly path: string; readonly settings: DuckdbSettings }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'snowflake'; readonly url: string }
  | { readonly kind: 'bigquery'; readonly url: string; readonly project: string; readonly dataset: string };

export function parseWarehouseUrl(text: string): WarehouseTarget {
  const url = text.trim();
  if (url.startsWith('duckdb:')) {
    const [location = '', query] = url.slice('duckdb:'.length).split('?', 2);
    const path = location.replace(/^\/\/(?=\/)/, '');
    if (path === '')
      throw new WarehouseError('warehouse.config', 'duckdb: needs a file path, e.g. duckdb:./clari.duckdb', 'config');
    return { kind: 'duckdb', path, settings: duckdbSettings(new URLSearchParams(query ?? '')) };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (/^snowflake:\/\//i.test(url)) return { kind: 'snowflake', url };
  const bq = /^bigquery:\/\/([^/?]+)\/([^/?]+)\/?(\?.*)?$/i.exec(url);
  if (bq) return { kind: 'bigquery', url, project: bq[1]!, dataset: bq[2]! };
  if (/^bigquery:/i.test(url))
    throw new WarehouseError(
      'warehouse.config',
      `"${describeWarehouseUrl(url)}" does not name a project and a dataset`,
      'config',
      'Use bigquery://PROJECT/DATASET (optionally ?location=EU).',
    );
  throw new WarehouseError(
    'warehouse.config',
    `Unknown warehouse "${describeWarehouseUrl(url)}"`,
    'config',
    'Use duckdb:PATH, postgres://USER@HOST:PORT/DB, snowflake://USER@ACCOUNT/DATABASE/SCHEMA?warehouse=WH or bigquery://PROJECT/DATASET.',
  );
}

/** DuckDB settings a URL may carry: `duckdb:./clari.duckdb?memory_limit=2GB&load_memory_limit=256MB&threads=4`. */
export interface DuckdbSettings {
  /** DuckDB's buffer manager limit for the whole session, e.g. `2GB`. Default: DuckDB's own (80% of RAM). */
  readonly memory_limit?: string;
  /** The limit while a load is staged and merged. Default: DUCKDB_LOAD_MEMORY_LIMIT below. */
  readonly load_memory_limit: string;
  readonly threads?: number;
}

/**
 * The memory limit while an export is loaded. With DuckDB's default (80% of RAM) the blocks a
 * 1,000,000-entry load writes stay cached and the process passes a gigabyte; capped, DuckDB writes
 * them out instead and the whole run peaks near 380 MB of RSS at the same speed (bench/results.md);
 * a load that needs more runs again under the session's limit (duckdb/warehouse.ts).
 * Only the load is capped: the analytics views' many-join plans need more than this on two threads
 * even on small data, and a report is an analyst's session, for which DuckDB's default is right.
 */
export const DUCKDB_LOAD_MEMORY_LIMIT = '96MB';

const MEMORY = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

function duckdbSettings(params: URLSearchParams): DuckdbSettings {
  let settings: DuckdbSettings = { load_memory_limit: DUCKDB_LOAD_MEMORY_LIMIT };
  for (const [key, value] of params) {
    if ((key === 'memory_limit' || key === 'load_memory_limit') && MEMORY.test(value))
      settings = { ...settings, [key]: value.replace(/\s+/g, '') };
    else if (key === 'threads' && /^[1-9]\d{0,2}$/.test(value)) settings = { ...settings, threads: Number(value) };
    else {
      throw new WarehouseError(
        'warehouse.config',
        `duckdb: unsupported setting ${key}=${value}`,
        'config',
        'DuckDB URLs take memory_limit and load_memory_limit (e.g. 512MB, 2GB) and threads (e.g. 4): duckdb:./clari.duckdb?memory_limit=2GB&threads=4.',
      );
    }
  }
  // A load never gets more than the session: a smaller memory_limit caps loads too.
  if (settings.memory_limit && bytes(settings.memory_limit) < bytes(settings.load_memory_limit))
    settings = { ...settings, load_memory_limit: settings.memory_limit };
  return settings;
}

function bytes(size: string): number {
  const [, amount = '0', unit = 'B'] = /^([\d.]+)(\w+)$/.exec(size) ?? [];
  const power = 'BKMGT'.indexOf(unit[0]!.toUpperCase());
  return Number(amount) * (unit.length === 3 ? 1024 : 1000) ** power;
}

/** The URL with any password masked. */
export function describeWarehouseUrl(url: string): string {
  return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@').replace(/([?&]password=)[^&]*/i, '$1***');
}
