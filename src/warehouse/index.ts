export * from './dialect.js';
export * from './errors.js';
export * from './migrations.js';
export * from './placeholders.js';
export * from './privileges.js';
export * from './registry.js';
export * from './schema.js';
export * from './types.js';
export * from './url.js';
export * from './values.js';
export * from './run-lock.js';
export * as loadSql from './sql/load.js';
export {
  ENTRY_STAGE,
  FIELD_STAGE,
  FRAME_STAGE,
  GONE_STAGE,
  type MatchedField,
  MONEY_COLUMNS,
  type MoneyColumn,
  type SnapshotRef,
  USER_STAGE,
} from './sql/load.js';
export * as runsSql from './sql/runs.js';
export * as changesSql from './sql/changes.js';
export * as reportsSql from './sql/reports.js';
export * as viewsSql from './sql/views.js';
export * as alertsSql from './sql/alerts.js';
export * as maintenanceSql from './sql/maintenance.js';
export * as metricsSql from './sql/metrics.js';
export * as bundleSql from './sql/bundle.js';
export * as runLocksSql from './sql/run-locks.js';
export * as dealsSql from './sql/deals.js';
