/**
 * The warehouse tables (design.md section 4, plus the ledger and dimension tables the pipeline
 * needs) as logical specs, and the DDL built from them per dialect. Big history tables get their
 * uniqueness as partial unique indexes where the engine benefits (PostgreSQL); DuckDB relies on
 * zone maps, since ART indexes slow bulk appends and updates. Snowflake and BigQuery keep primary
 * keys informational; there the loader's delete-then-insert in one transaction keeps rows unique.
 */
import { type Dialect, type LogicalType, quoteIdent } from './dialect.js';

export interface ColumnSpec {
  readonly name: string;
  readonly type: LogicalType;
  readonly notNull?: boolean;
}

export interface IndexSpec {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique?: boolean;
  readonly where?: string;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  /** Small tables only: a real primary key on every engine. */
  readonly primaryKey?: readonly string[];
  /** Created only where the dialect has secondaryIndexes. */
  readonly indexes?: readonly IndexSpec[];
}

const c = (name: string, type: LogicalType, notNull = false): ColumnSpec => ({ name, type, notNull });

export const TABLES = {
  syncRuns: {
    name: 'clari_sync_runs',
    columns: [
      c('run_id', 'text', true),
      c('started_at', 'timestamp', true),
      c('finished_at', 'timestamp'),
      c('status', 'text', true),
      c('as_of', 'date', true),
      c('trigger', 'text', true),
      c('error', 'text'),
      c('exports', 'int'),
      c('exports_failed', 'int'),
      c('rows_loaded', 'bigint'),
      c('changes', 'bigint'),
      c('alerts', 'int'),
      c('duration_ms', 'bigint'),
      c('quota_left', 'int'),
      c('quota_limit', 'int'),
      c('concurrency_limit', 'int'),
    ],
    primaryKey: ['run_id'],
  },
  exportJobs: {
    name: 'clari_export_jobs',
    columns: [
      c('job_id', 'text'),
      c('run_id', 'text', true),
      c('forecast_id', 'text', true),
      c('time_period', 'text', true),
      c('status', 'text', true),
      c('created_at', 'timestamp'),
      c('finished_at', 'timestamp'),
      c('latency_ms', 'bigint'),
      c('poll_count', 'int'),
      c('rows', 'bigint'),
      c('payload_sha256', 'text'),
      c('rows_truncated', 'boolean'),
      c('cells_truncated', 'boolean'),
      c('error', 'text'),
      c('error_code', 'text'),
      c('snapshot_date', 'date'),
      c('attempts', 'int'),
      c('cached', 'boolean'),
      c('format', 'text'),
      c('payload_bytes', 'bigint'),
      c('payload_rows', 'bigint'),
      c('loaded_rows', 'bigint'),
      c('payload_sum', 'money'),
      c('loaded_sum', 'money'),
      c('reconciled', 'boolean'),
      c('warnings', 'text'),
    ],
    primaryKey: ['run_id', 'forecast_id', 'time_period'],
  },
  entries: {
    name: 'clari_forecast_entries',
    columns: [
      c('forecast_id', 'text', true),
      c('time_period', 'text', true),
      c('time_frame_id', 'text', true),
      c('user_id', 'text', true),
      c('field_id', 'text', true),
      c('forecast_value', 'money'),
      c('quota_value', 'money'),
      c('adjustment_value', 'money'),
      c('crm_total_value', 'money'),
      c('crm_closed_value', 'money'),
      c('is_updated', 'boolean'),
      c('updated_by', 'text'),
      c('updated_on', 'timestamp'),
      c('currency', 'text'),
      c('valid_from', 'date', true),
      c('valid_to', 'date'),
      c('run_id', 'text'),
      // XXH64 of the entry's bytes in the payload the version came from (clari/fingerprint.ts): a
      // re-sync skips entries whose bytes a current version already holds. NULL: not known (CSV).
      c('entry_hash', 'bigint'),
    ],
    indexes: [
      {
        name: 'clari_forecast_entries_current',
        columns: ['forecast_id', 'time_period', 'time_frame_id', 'user_id', 'field_id'],
        unique: true,
        where: 'valid_to IS NULL',
      },
      { name: 'clari_forecast_entries_from', columns: ['forecast_id', 'time_period', 'valid_from'] },
    ],
  },
  users: {
    name: 'clari_users',
    columns: [
      c('user_id', 'text', true),
      c('name', 'text'),
      c('email', 'text'),
      c('crm_id', 'text'),
      c('hierarchy_id', 'text'),
      c('hierarchy_name', 'text'),
      c('parent_hierarchy_id', 'text'),
      c('parent_hierarchy_name', 'text'),
      c('scope_id', 'text'),
      c('valid_from', 'date', true),
      c('valid_to', 'date'),
    ],
    indexes: [{ name: 'clari_users_current', columns: ['user_id'], unique: true, where: 'valid_to IS NULL' }],
  },
  forecasts: {
    name: 'clari_forecasts',
    columns: [
      c('owner_name', 'text', true),
      c('owner_email', 'text', true),
      c('user_id', 'text', true),
      c('field_id', 'text', true),
      c('field_name', 'text'),
      c('forecast_amount', 'money'),
      c('quota_amount', 'money'),
      c('crm_total', 'money'),
      c('crm_closed', 'money'),
      c('adjustment_amount', 'money'),
      c('time_period', 'text', true),
      c('forecast_name', 'text', true),
      c('snapshot_date', 'date', true),
      c('exported_at', 'timestamp', true),
      c('time_frame_id', 'text'),
      c('is_updated', 'boolean'),
      c('currency', 'text'),
      c('run_id', 'text'),
    ],
    indexes: [
      {
        name: 'clari_forecasts_snapshot',
        columns: ['forecast_name', 'time_period', 'snapshot_date', 'user_id', 'field_id'],
        unique: true,
      },
    ],
  },
  changes: {
    name: 'clari_forecast_changes',
    columns: [
      c('owner_email', 'text'),
      c('owner_name', 'text'),
      c('forecast_name', 'text', true),
      c('field_id', 'text', true),
      c('time_period', 'text', true),
      c('previous_amount', 'money'),
      c('current_amount', 'money'),
      c('change_amount', 'money'),
      c('change_pct', 'double'),
      c('previous_snapshot', 'date'),
      c('current_snapshot', 'date', true),
      c('detected_at', 'timestamp', true),
      c('user_id', 'text', true),
      c('field_name', 'text'),
      c('change_kind', 'text', true),
      c('run_id', 'text'),
    ],
    indexes: [
      { name: 'clari_forecast_changes_snapshot', columns: ['forecast_name', 'time_period', 'current_snapshot'] },
    ],
  },
  alerts: {
    name: 'clari_alerts',
    columns: [
      c('alert_id', 'text', true),
      c('rule', 'text', true),
      c('severity', 'text', true),
      c('channel', 'text', true),
      c('status', 'text', true),
      c('fingerprint', 'text', true),
      c('created_at', 'timestamp', true),
      c('payload', 'json'),
      c('run_id', 'text'),
      c('error', 'text'),
    ],
    primaryKey: ['alert_id', 'channel'],
  },
  snapshots: {
    name: 'clari_snapshots',
    columns: [
      c('forecast_id', 'text', true),
      c('time_period', 'text', true),
      c('snapshot_date', 'date', true),
      c('run_id', 'text', true),
      c('job_id', 'text'),
      c('payload_sha256', 'text'),
      c('loaded_at', 'timestamp', true),
      c('entries', 'bigint', true),
      c('users', 'int'),
      c('latest_time_frame', 'text'),
    ],
    primaryKey: ['forecast_id', 'time_period', 'snapshot_date'],
  },
  fields: {
    name: 'clari_fields',
    columns: [
      c('forecast_id', 'text', true),
      c('field_id', 'text', true),
      c('field_name', 'text'),
      c('field_type', 'text'),
      c('is_quota', 'boolean'),
      c('last_seen', 'date'),
    ],
    primaryKey: ['forecast_id', 'field_id'],
  },
  timeFrames: {
    name: 'clari_time_frames',
    columns: [
      c('time_period', 'text', true),
      c('time_frame_id', 'text', true),
      c('start_date', 'date'),
      c('end_date', 'date'),
    ],
    primaryKey: ['time_period', 'time_frame_id'],
  },
  timePeriods: {
    name: 'clari_time_periods',
    columns: [
      c('time_period', 'text', true),
      c('start_date', 'date'),
      c('end_date', 'date'),
      c('label', 'text'),
      c('year', 'text'),
    ],
    primaryKey: ['time_period'],
  },
} as const satisfies Record<string, TableSpec>;

/**
 * Deals and activity (issue 16): the activity export and GET /opportunity, with their ledgers. An
 * activity is one row keyed by activity_id (a later window that covers its date replaces it);
 * participants, accounts and opportunities of an activity are child rows keyed by (activity_id,
 * ordinal), the two id lists also kept as arrays on the activity. Opportunities are versions like
 * users; trend points are facts, kept once each.
 */
export const DEAL_TABLES = {
  activities: {
    name: 'clari_activities',
    columns: [
      c('activity_id', 'text', true),
      c('activity_type', 'text'),
      c('subject', 'text'),
      c('activity_at', 'timestamp'),
      c('owner_crm_id', 'text'),
      c('organiser_crm_id', 'text'),
      c('account_ids', 'text_array'),
      c('opportunity_ids', 'text_array'),
      c('exported_at', 'timestamp'),
      c('as_of', 'date', true),
      c('job_id', 'text'),
      c('run_id', 'text'),
    ],
    indexes: [
      { name: 'clari_activities_id', columns: ['activity_id'], unique: true },
      { name: 'clari_activities_at', columns: ['activity_at'] },
    ],
  },
  participants: {
    name: 'clari_activity_participants',
    columns: [
      c('activity_id', 'text', true),
      c('ordinal', 'int', true),
      c('email', 'text'),
      c('name', 'text'),
      c('crm_user_id', 'text'),
      c('is_internal', 'boolean'),
    ],
    indexes: [{ name: 'clari_activity_participants_activity', columns: ['activity_id'] }],
  },
  activityOpportunities: {
    name: 'clari_activity_opportunities',
    columns: [
      c('activity_id', 'text', true),
      c('ordinal', 'int', true),
      c('opportunity_id', 'text', true),
      c('opportunity_name', 'text'),
      c('owner_crm_id', 'text'),
    ],
    indexes: [
      { name: 'clari_activity_opportunities_activity', columns: ['activity_id'] },
      { name: 'clari_activity_opportunities_opportunity', columns: ['opportunity_id'] },
    ],
  },
  activityAccounts: {
    name: 'clari_activity_accounts',
    columns: [
      c('activity_id', 'text', true),
      c('ordinal', 'int', true),
      c('account_id', 'text', true),
      c('account_name', 'text'),
      c('owner_crm_id', 'text'),
    ],
    indexes: [{ name: 'clari_activity_accounts_activity', columns: ['activity_id'] }],
  },
  activityWindows: {
    name: 'clari_activity_windows',
    columns: [
      c('as_of', 'date', true),
      c('from_date', 'date', true),
      c('to_date', 'date', true),
      c('job_id', 'text'),
      c('payload_sha256', 'text'),
      c('activities', 'bigint', true),
      c('participants', 'bigint'),
      c('run_id', 'text'),
      c('loaded_at', 'timestamp', true),
    ],
    primaryKey: ['as_of'],
  },
  opportunities: {
    name: 'clari_opportunities',
    columns: [
      c('opportunity_id', 'text', true),
      c('name', 'text'),
      c('owner_crm_id', 'text'),
      c('amount', 'money'),
      c('stage', 'text'),
      c('close_date', 'date'),
      c('crm_score', 'double'),
      c('crm_score_message', 'text'),
      c('valid_from', 'date', true),
      c('valid_to', 'date'),
      c('run_id', 'text'),
    ],
    indexes: [
      {
        name: 'clari_opportunities_current',
        columns: ['opportunity_id'],
        unique: true,
        where: 'valid_to IS NULL',
      },
    ],
  },
  fieldHistory: {
    name: 'clari_opportunity_field_history',
    columns: [
      c('opportunity_id', 'text', true),
      c('field_id', 'text', true),
      c('old_value', 'text'),
      c('new_value', 'text'),
      c('changed_at', 'timestamp', true),
      c('first_seen', 'date', true),
      c('run_id', 'text'),
    ],
    indexes: [{ name: 'clari_opportunity_field_history_opportunity', columns: ['opportunity_id', 'field_id'] }],
  },
  opportunitySnapshots: {
    name: 'clari_opportunity_snapshots',
    columns: [
      c('as_of', 'date', true),
      c('requested', 'bigint', true),
      c('opportunities', 'bigint', true),
      c('calls', 'int'),
      c('payload_sha256', 'text'),
      c('amount_sum', 'money'),
      c('run_id', 'text'),
      c('loaded_at', 'timestamp', true),
    ],
    primaryKey: ['as_of'],
  },
} as const satisfies Record<string, TableSpec>;
/** Adds a column of the spec to a table created before it had one (a no-op where it exists). */
export function addColumn(table: TableSpec, column: string, dialect: Dialect): string {
  const spec = table.columns.find((c) => c.name === column);
  if (!spec) throw new Error(`${table.name} has no column ${column}`);
  return `ALTER TABLE ${dialect.table(table.name)} ADD COLUMN IF NOT EXISTS ${dialect.ident(spec.name)} ${dialect.types[spec.type]}`;
}

export function createTable(table: TableSpec, dialect: Dialect): string[] {
  const columns = table.columns.map(
    (col) => `${dialect.ident(col.name)} ${dialect.types[col.type]}${col.notNull ? ' NOT NULL' : ''}`,
  );
  if (table.primaryKey) columns.push(dialect.primaryKey(table.primaryKey.map((name) => dialect.ident(name))));
  const statements = [`CREATE TABLE IF NOT EXISTS ${dialect.table(table.name)} (\n  ${columns.join(',\n  ')}\n)`];
  if (dialect.secondaryIndexes) {
    for (const index of table.indexes ?? []) {
      statements.push(
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdent(index.name)} ON ${quoteIdent(table.name)} (${index.columns.map(quoteIdent).join(', ')})${index.where ? ` WHERE ${index.where}` : ''}`,
      );
    }
  }
  return statements;
}
