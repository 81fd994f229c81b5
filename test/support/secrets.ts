/**
 * Finds secrets where they must never be: captured output and logs, alert messages as the
 * receivers got them, every file under a directory (gzip files, landed payloads and debug bundles,
 * are searched decompressed) and every row of every table, and every view definition, of a
 * warehouse (DuckDB or PostgreSQL, through the port: column compression would hide a raw byte scan
 * of a DuckDB file). A secret is searched as written, URL-encoded and JSON-escaped, the forms it
 * takes when it leaks. Returns "<secret> in <place>" lines; a test expects [].
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Warehouse } from '../../src/warehouse/index.js';

export interface SecretSources {
  /** name -> text, e.g. `run 3 stdout`, `slack message 2`. */
  readonly texts?: Readonly<Record<string, string>>;
  /** Directories walked recursively (the data dir, a temp dir with the DuckDB file and config). */
  readonly dirs?: readonly string[];
  /** Warehouses whose tables and views are read in full. */
  readonly warehouses?: readonly Warehouse[];
}

/** Forms a secret takes when it leaks: as is, URL-encoded, inside a JSON string. */
function variants(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

/** Every "<secret name> in <place>" found; empty when nothing leaked. */
export async function findSecrets(
  secrets: Readonly<Record<string, string>>,
  sources: SecretSources,
): Promise<string[]> {
  for (const [name, value] of Object.entries(secrets))
    if (value.length < 8) throw new Error(`secret ${name} is too short to search for reliably`);
  const found: string[] = [];
  const check = (where: string, content: string | Buffer): void => {
    for (const [name, value] of Object.entries(secrets)) {
      if (variants(value).some((v) => content.includes(v))) found.push(`${name} in ${where}`);
    }
  };
  for (const [where, text] of Object.entries(sources.texts ?? {})) check(where, text);
  for (const dir of sources.dirs ?? []) for (const file of walk(dir)) check(file, readContent(file));
  for (const wh of sources.warehouses ?? []) {
    const tables = await wh.query<{ table_name: string }>(
      "SELECT DISTINCT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    for (const { table_name: table } of tables) {
      for (const [i, row] of (await wh.query(`SELECT * FROM "${table}"`)).entries())
        check(`${wh.description} ${table} row ${i}`, JSON.stringify(row));
    }
    const views = await wh.query(
      "SELECT table_name, view_definition FROM information_schema.views WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    check(`${wh.description} view definitions`, JSON.stringify(views));
  }
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

function readContent(file: string): Buffer {
  const raw = readFileSync(file);
  // gzip magic: the landing's payloads and debug bundles are searched as they decompress.
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return Buffer.concat([raw, gunzipSync(raw)]);
    } catch {
      return raw;
    }
  }
  return raw;
}
