/**
 * Finds secrets where they must never be: captured output, received messages, every file under a
 * directory (gzip members decompressed, so the landing is searched as the text it holds) and every
 * row of every table in a DuckDB file. Returns "where: which secret" lines; a test expects [].
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

export type Secrets = Readonly<Record<string, string>>;

export function findSecrets(where: string, text: string, secrets: Secrets): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => value !== '' && text.includes(value))
    .map(([name]) => `${where}: ${name}`);
}

/** Every file under `root`, read as text (gzip decompressed); DuckDB files are skipped here, see findSecretsInDuckdb. */
export function findSecretsInDir(root: string, secrets: Secrets): string[] {
  const leaks: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      let bytes = readFileSync(path);
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
      leaks.push(...findSecrets(relative(root, path), bytes.toString('latin1'), secrets));
    }
  };
  walk(root);
  return leaks;
}

/** Every value in every table and view definition of a DuckDB file (column compression would hide a raw byte scan). */
export async function findSecretsInDuckdb(file: string, secrets: Secrets): Promise<string[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const con = await instance.connect();
  try {
    const leaks: string[] = [];
    const tables = (await con.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")).getColumnsJson()[0] ?? [];
    for (const table of tables.map(String)) {
      const rows = (await con.runAndReadAll(`SELECT * FROM "${table}"`)).getRowObjectsJson();
      leaks.push(...findSecrets(`table ${table}`, JSON.stringify(rows), secrets));
    }
    const views = (await con.runAndReadAll("SELECT sql FROM duckdb_views() WHERE NOT internal")).getRowObjectsJson();
    leaks.push(...findSecrets('view definitions', JSON.stringify(views), secrets));
    return leaks;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
