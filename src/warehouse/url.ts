/** Parses CLARI_DP_WAREHOUSE (design.md section 3) and renders it without secrets. */
import { WarehouseError } from './errors.js';

export type WarehouseTarget =
  | { readonly kind: 'duckdb'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'snowflake'; readonly url: string }
  | { readonly kind: 'bigquery'; readonly url: string; readonly project: string; readonly dataset: string };

export function parseWarehouseUrl(text: string): WarehouseTarget {
  const url = text.trim();
  if (url.startsWith('duckdb:')) {
    const path = url.slice('duckdb:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new WarehouseError('warehouse.config', 'duckdb: needs a file path, e.g. duckdb:./clari.duckdb', 'config');
    return { kind: 'duckdb', path };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (/^snowflake:\/\//i.test(url)) return { kind: 'snowflake', url };
  const bq = /^bigquery:\/\/([^/?]+)\/([^/?]+)\/?(\?.*)?$/i.exec(url);
  if (bq) return { kind: 'bigquery', url, project: bq[1]!, dataset: bq[2]! };
  if (/^bigquery:/i.test(url)) throw new WarehouseError('warehouse.config', `"${describeWarehouseUrl(url)}" does not name a project and a dataset`, 'config', 'Use bigquery://PROJECT/DATASET (optionally ?location=EU).');
  throw new WarehouseError(
    'warehouse.config',
    `Unknown warehouse "${describeWarehouseUrl(url)}"`,
    'config',
    'Use duckdb:PATH, postgres://USER@HOST:PORT/DB, snowflake://USER@ACCOUNT/DATABASE/SCHEMA?warehouse=WH or bigquery://PROJECT/DATASET.',
  );
}

/** The URL with any password masked. */
export function describeWarehouseUrl(url: string): string {
  return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@').replace(/([?&]password=)[^&]*/i, '$1***');
}
