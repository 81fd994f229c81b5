/**
 * Versioned schema migrations. Each runs in its own transaction together with its ledger row, so a
 * migration that fails leaves the schema as it was (both engines have transactional DDL). Applied
 * versions are recorded in clari_schema_migrations with a checksum of their statements.
 */
import { sha256Hex } from '../core/index.js';
import type { Dialect } from './dialect.js';
import { WarehouseError } from './errors.js';
import { createTable, TABLES } from './schema.js';
import type { Warehouse } from './types.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  statements(dialect: Dialect): string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tables of design.md section 4, snapshot ledger and dimensions',
    statements: (dialect) => Object.values(TABLES).flatMap((table) => createTable(table, dialect)),
  },
];

const LEDGER = 'clari_schema_migrations';

export interface MigrationStatus {
  readonly applied: readonly number[];
  readonly pending: readonly Migration[];
}

export async function migrationStatus(wh: Warehouse, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationStatus> {
  await ensureLedger(wh);
  const rows = await wh.query<{ version: number | string }>(`SELECT version FROM ${LEDGER} ORDER BY version`);
  const applied = rows.map((r) => Number(r.version));
  return { applied, pending: migrations.filter((m) => !applied.includes(m.version)) };
}

/** Applies pending migrations in order; returns the versions applied now. */
export async function migrate(wh: Warehouse, now: () => string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const { pending } = await migrationStatus(wh, migrations);
  const done: number[] = [];
  for (const migration of pending) {
    const statements = migration.statements(wh.dialect);
    try {
      await wh.transaction(async (tx) => {
        for (const sql of statements) await tx.exec(sql);
        await tx.exec(`INSERT INTO ${LEDGER} (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)`, [migration.version, migration.name, now(), sha256Hex(statements.join(';\n'))]);
      });
    } catch (error) {
      throw new WarehouseError(
        'warehouse.migration',
        `Migration ${migration.version} (${migration.name}) failed on ${wh.description}; the schema is unchanged: ${error instanceof Error ? error.message : String(error)}`,
        'internal',
        'Check the database user may create tables, then run `clari-dp migrate` again.',
        error,
      );
    }
    done.push(migration.version);
  }
  return done;
}

async function ensureLedger(wh: Warehouse): Promise<void> {
  const t = wh.dialect.types;
  await wh.exec(`CREATE TABLE IF NOT EXISTS ${LEDGER} (version ${t.int} PRIMARY KEY, name ${t.text} NOT NULL, applied_at ${t.timestamp} NOT NULL, checksum ${t.text} NOT NULL)`);
}
