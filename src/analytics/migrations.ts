/**
 * The schema in full: the warehouse's tables (migrations 1 and 3, the deal tables) and the analytics
 * views on top of them (migration 2, applied after both: the deal views read the deal tables).
 * Every command migrates through here, so views are never missing or stale.
 */
import { type Migration, migrate, MIGRATIONS, viewsSql, type Warehouse } from '../warehouse/index.js';

export const ANALYTICS_MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    name: 'analytics views (accuracy, coverage, rep performance, pipeline and export health, deal movement, engagement, deals at risk)',
    statements: viewsSql.createViews,
    // Views are replaced whenever their text changes: a warehouse migrated by an older release
    // gets the corrected definitions (docs/analytics.md) on its next command.
    replaceable: true,
  },
];

export const ALL_MIGRATIONS: readonly Migration[] = [...MIGRATIONS, ...ANALYTICS_MIGRATIONS];

/** Applies every pending migration, tables and views; returns the versions applied. */
export function migrateWarehouse(wh: Warehouse, now: () => string): Promise<number[]> {
  return migrate(wh, now, ALL_MIGRATIONS);
}
