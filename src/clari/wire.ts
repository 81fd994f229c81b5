/**
 * Wire types of the Clari Revenue API v4 forecast-export surface, as documented in
 * shared/reference/clari-api.md (sections 2 and 3). Shared by the client and the simulator; they are
 * the contract, not our canonical model (the pipeline maps them to warehouse rows).
 */
import type { ExportType } from '../domain/index.js';

export { EXPORT_TYPES, type ExportType } from '../domain/index.js';

/** Clari's default when typesToExport is omitted (clari-api.md 2.1). */
export const DEFAULT_EXPORT_TYPES: readonly ExportType[] = ['forecast', 'forecast_updated'];

export const EXPORT_FORMATS = ['JSON', 'CSV'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_SCHEDULES = ['NONE', 'ONCE', 'MAX'] as const;
export type ExportSchedule = (typeof EXPORT_SCHEDULES)[number];

/** Body of POST /export/forecast/{forecastId}. Every field is optional on the wire. */
export interface ExportRequest {
  readonly timePeriod?: string;
  readonly typesToExport?: readonly ExportType[];
  readonly scopeId?: string;
  readonly currency?: string;
  readonly schedule?: ExportSchedule;
  readonly includeHistorical?: boolean;
  readonly exportFormat?: ExportFormat;
}

export const JOB_STATUSES = ['SCHEDULED', 'STARTED', 'DONE', 'FAILED', 'CANCELLED', 'ABORTED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['DONE', 'FAILED', 'CANCELLED', 'ABORTED']);

/** The job object of GET /export/jobs/{jobId} (wrapped as `{job: ...}` in production, bare in the spec). */
export interface ExportJob {
  readonly jobId: string;
  /** A status outside JOB_STATUSES is kept verbatim and reported as schema drift. */
  readonly status: JobStatus | (string & {});
  readonly userId?: number;
  readonly orgId?: number;
  readonly title?: string;
  readonly module?: string;
  readonly startTime?: number | null;
  readonly endTime?: number | null;
  readonly expiredTime?: number | null;
  readonly version?: number;
  readonly fileName?: string | null;
  readonly fileType?: string | null;
  readonly viewed?: boolean;
  readonly cellsTruncated?: boolean;
  readonly rowsTruncated?: boolean;
  readonly downloads?: number;
  readonly deliveryStatusMap?: Record<string, unknown>;
  readonly currency?: string | null;
}

/** GET /admin/limits, unwrapped from `{jobs: ...}`. */
export interface ExportLimits {
  readonly concurrentLimit: number;
  readonly monthlyQuota: number;
  readonly runningJobIds: readonly string[];
  readonly submittedJobIds: readonly string[];
  readonly availableConcurrentLimit: number;
  readonly availableMonthlyQuota: number;
}

export interface CancelResult {
  readonly status: string;
  readonly successful: boolean;
}

export interface WireCurrency {
  readonly code: string;
  readonly symbol: string;
}

/** One value for one user x field x period x week. Value keys depend on typesToExport (clari-api.md 3.1). */
export interface WireEntry {
  readonly userId: string;
  readonly fieldId: string;
  readonly timePeriodId: string;
  readonly timeFrameId: string;
  readonly currency?: WireCurrency | null;
  readonly forecastValue?: number | null;
  readonly quotaValue?: number | null;
  /** Key name not seen in public sources; clari-api.md proposes it (3.1, marked inferred). */
  readonly adjustmentValue?: number | null;
  readonly crmTotalValue?: number | null;
  readonly crmClosedValue?: number | null;
  readonly isUpdated?: boolean | null;
  readonly updatedBy?: string | null;
  /** Epoch milliseconds. */
  readonly updatedOn?: number | null;
}

export interface WireUser {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly crmId: string | null;
  readonly scopeId: string | null;
  readonly hierarchyId: string | null;
  readonly hierarchyName: string | null;
  readonly parentHierarchyId: string | null;
  readonly parentHierarchyName: string | null;
}

export interface WireField {
  readonly fieldId: string;
  readonly fieldName: string;
  readonly fieldType: string | null;
}

export interface WireTimePeriod {
  readonly timePeriodId: string;
  readonly type?: string | null;
  readonly label?: string | null;
  readonly year?: string | null;
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly crmId?: string | null;
}

export interface WireTimeFrame {
  readonly timeFrameId: string;
  readonly startDate: string | null;
  readonly endDate: string | null;
}

/** The five-array document served by GET /export/jobs/{id}/results (JSON) and GET /forecast/{id}. */
export interface ForecastDocument {
  readonly entries: readonly WireEntry[];
  readonly users: readonly WireUser[];
  readonly fields: readonly WireField[];
  readonly timePeriods: readonly WireTimePeriod[];
  readonly timeFrames: readonly WireTimeFrame[];
}

export const DOCUMENT_ARRAYS = ['entries', 'users', 'fields', 'timePeriods', 'timeFrames'] as const;
export type DocumentArray = (typeof DOCUMENT_ARRAYS)[number];

/** Known entry keys; anything else is schema drift (kept going, reported). */
export const ENTRY_KEYS: ReadonlySet<string> = new Set([
  'userId',
  'fieldId',
  'timePeriodId',
  'timeFrameId',
  'currency',
  'forecastValue',
  'quotaValue',
  'adjustmentValue',
  'crmTotalValue',
  'crmClosedValue',
  'isUpdated',
  'updatedBy',
  'updatedOn',
]);

/** The CSV header of a long-format export (clari-api.md 3.4). */
export const CSV_HEADER = [
  'User',
  'Email',
  'CRM User ID',
  'Role',
  'Parent Role',
  'Timeframe',
  'Field',
  'Week',
  'Start Day',
  'End Day',
  'Data Type',
  'Data Value',
] as const;

/**
 * CSV "Data Type" labels. "Forecast Value" and "Forecast Updated" are observed; the others are our
 * labels for the remaining types (unknown in public sources), used by the simulator and accepted here.
 */
export const CSV_DATA_TYPES = {
  'Forecast Value': 'forecastValue',
  'Quota Value': 'quotaValue',
  'Adjustment Value': 'adjustmentValue',
  'CRM Total Value': 'crmTotalValue',
  'CRM Closed Value': 'crmClosedValue',
  'Forecast Updated': 'isUpdated',
} as const;

/** Audit event page of GET /audit/events. */
export interface AuditEventPage {
  readonly nextLink?: string;
  readonly items: readonly AuditEvent[];
  readonly actors: readonly AuditActor[];
}

export interface AuditEvent {
  readonly correlationID?: string;
  readonly actorId?: number;
  readonly impersonatingActorId?: number | null;
  readonly actorType?: string;
  readonly sessionId?: string | null;
  readonly ipAddress?: string | null;
  readonly sessionType?: string | null;
  readonly event: string;
  readonly eventParameters?: Record<string, unknown>;
  readonly eventTimestamp: string;
}

export interface AuditActor {
  readonly actorType: string;
  readonly actorId: number;
  readonly name?: string;
  readonly email?: string;
}

export interface AuditQuery {
  readonly limit?: number;
  readonly actorId?: number;
  readonly impersonatingActorId?: number;
  readonly sessionId?: string;
  readonly sessionType?: 'WEB' | 'IOS' | 'ANDROID';
  readonly dateFrom?: string;
  readonly dateTo?: string;
  readonly event?: string;
}
