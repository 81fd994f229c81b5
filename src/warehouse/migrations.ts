/**
 * Versioned schema migrations, recorded in clari_schema_migrations with a checksum of their
 * statements. Where DDL is transactional (DuckDB, PostgreSQL) a migration runs in one transaction
 * with its ledger row, so one that fails leaves the schema as it was. Snowflake and BigQuery cannot
 * roll DDL back: there every statement is idempotent (IF NOT EXISTS, OR REPLACE) and the ledger row
 * is written last, so a migration that fails half-way is simply applied again by the next run.
 */
import { sha256Hex } from '../core/index.js';
import type { Dialect } from './dialect.js';
import { WarehouseError } from './errors.js';
import { addColumn, createTable, DEAL_TABLES, type TableSpec, TABLES } from './schema.js';
import type { Warehouse } from './types.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  statements(dialect: Dialect): string[];
  /**
   * Safe to run again (views: drop and create, or CREATE OR REPLACE): applied again whenever its
   * statements change, so a warehouse migrated by an older release gets the current definitions.
   */
  readonly replaceable?: boolean | undefined;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tables of design.md section 4, snapshot ledger and dimensions',
    statements: (dialect) => Object.values(TABLES).flatMap((table) => createTable(table, dialect)),
  },
  // Version 2 is the analytics views (analytics/migrations.ts), applied after these.
  {
    version: 3,
    name: 'deals and activity: activities, participants, opportunities as versions, trend history, their ledgers',
    statements: (dialect) => Object.values(DEAL_TABLES).flatMap((table) => createTable(table, dialect)),
  },
  {
    version: 4,
    name: 'entry fingerprints on clari_forecast_entries (re-syncs skip unchanged entries)',
    statements: (dialect) => [addColumn(TABLES.entries, 'entry_hash', dialect)],
  },
];

export interface MigrationStatus {
  readonly applied: readonly number[];
  readonly pending: readonly Migration[];
}

const checksumOf = (statements: readonly string[]): string => sha256Hex(statements.join(';\n'));

export async function migrationStatus(
  wh: Warehouse,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationStatus> {
  await ensureLedger(wh);
  const rows = await wh.query<{ version: number | string; checksum: string }>(
    `SELECT version, checksum FROM ${LEDGER.name} ORDER BY version`,
  );
  const applied = rows.map((r) => Number(r.version));
  const checksums = new Map(rows.map((r) => [Number(r.version), r.checksum]));
  const stale = (m: Migration): boolean =>
    m.replaceable === true && checksums.get(m.version) !== checksumOf(m.statements(wh.dialect));
  return {
    applied,
    pending: migrations.filter((m) => !applied.includes(m.version) || stale(m)),
  };
}

/** Applies pending migrations in order; returns the versions applied now. */
export async function migrate(
  wh: Warehouse,
  now: () => string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const { pending } = await migrationStatus(wh, migrations);
  const done: number[] = [];
  for (const migration of pending) {
    const statements = migration.statements(wh.dialect);
    const apply = async (target: Warehouse): Promise<void> => {
      for (const sql of statements) await target.exec(sql);
      // A replaceable migration applied again replaces its ledger row.
      await target.exec(`DELETE FROM ${LEDGER.name} WHERE version = $1`, [migration.version]);
      await target.exec(`INSERT INTO ${LEDGER.name} (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)`, [
        migration.version,
        migration.name,
        now(),
        checksumOf(statements),
      ]);
    };
    try {
      if (wh.dialect.transactionalDdl) await wh.transaction(apply);
      else await apply(wh);
    } catch (error) {
      const outcome = wh.dialect.transactionalDdl
        ? 'the schema is unchanged'
        : 'it is not recorded as applied, and its statements are safe to run again (this engine cannot roll back DDL)';
      throw new WarehouseError(
        'warehouse.migration',
        `Migration ${migration.version} (${migration.name}) failed on ${wh.description}; ${outcome}: ${error instanceof Error ? error.message : String(error)}`,
        'internal',
        'Check the database user may create tables and views (`clari-dp doctor` checks the privileges), then run `clari-dp migrate` again.',
        error,
      );
    }
    done.push(migration.version);
  }
  return done;
}

const LEDGER: TableSpec = {
  name: 'clari_schema_migrations',
  columns: [
    { name: 'version', type: 'int', notNull: true },
    { name: 'name', type: 'text', notNull: true },
    { name: 'applied_at', type: 'timestamp', notNull: true },
    { name: 'checksum', type: 'text', notNull: true },
  ],
  primaryKey: ['version'],
};

async function ensureLedger(wh: Warehouse): Promise<void> {
  for (const sql of createTable(LEDGER, wh.dialect)) await wh.exec(sql);
}
