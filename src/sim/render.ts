/**
 * Renders an export of the simulated tenant as Clari's five-array JSON document or long-format CSV
 * (clari-api.md sections 3.1 and 3.4), as a generator of text chunks so a million-entry export is
 * streamed, never held as one string. Weeks come out unordered, as Clari warns they may.
 */
import { parsePeriodId, periodRange } from '../domain/index.js';
import { hashString, seededRandom } from '../core/index.js';
import type { ExportType } from '../clari/index.js';
import { CALL_FIELDS, type PeriodData, QUOTA_FIELD, type SimField, type Tenant } from './tenant.js';

export interface Currency {
  readonly code: string;
  readonly symbol: string;
  /** Units of this currency per USD. */
  readonly rate: number;
}

export const CURRENCIES: Record<string, Currency> = {
  USD: { code: 'USD', symbol: '$', rate: 1 },
  EUR: { code: 'EUR', symbol: '€', rate: 0.92 },
  GBP: { code: 'GBP', symbol: '£', rate: 0.79 },
  CAD: { code: 'CAD', symbol: 'CA$', rate: 1.36 },
  AUD: { code: 'AUD', symbol: 'A$', rate: 1.52 },
  JPY: { code: 'JPY', symbol: '¥', rate: 150 },
};

export interface RenderRequest {
  readonly types: ReadonlySet<ExportType>;
  readonly includeHistorical: boolean;
  readonly currency: Currency;
  /** User indices in the requested scope; undefined = everyone. */
  readonly scope?: ReadonlySet<number> | undefined;
  /** Empty export fault: arrays empty but the period. */
  readonly empty?: boolean | undefined;
  /** Schema drift fault: unknown keys and an unknown top-level member. */
  readonly drift?: boolean | undefined;
  /** Clari-side truncation: at most this many entries. */
  readonly maxEntries?: number | undefined;
  /** Seed for the week shuffle. */
  readonly seed: number;
}

const CHUNK = 64 * 1024;

function needsCall(types: ReadonlySet<ExportType>): boolean {
  return (
    types.has('forecast') ||
    types.has('forecast_updated') ||
    types.has('adjustment') ||
    types.has('crm_total') ||
    types.has('crm_closed')
  );
}

export function exportFields(types: ReadonlySet<ExportType>): SimField[] {
  return [...(needsCall(types) ? CALL_FIELDS : []), ...(types.has('quota') ? [QUOTA_FIELD] : [])];
}

/** Weeks included: all so far with includeHistorical, else only the latest. */
function weekIndexes(data: PeriodData, historical: boolean): number[] {
  const n = data.weeks.length;
  if (n === 0) return [];
  return historical ? Array.from({ length: n }, (_, i) => i) : [n - 1];
}

function exportedUsers(data: PeriodData, request: RenderRequest): number[] {
  return request.scope ? data.exported.filter((u) => request.scope!.has(u)) : [...data.exported];
}

/** How many entries the export holds (before truncation), to set the job's truncation flags up front. */
export function countEntries(data: PeriodData, request: RenderRequest): number {
  if (request.empty) return 0;
  const fields = exportFields(request.types).length;
  const weeks = weekIndexes(data, request.includeHistorical);
  let n = 0;
  for (const u of exportedUsers(data, request))
    for (const w of weeks) if (data.present[u * data.weeks.length + w]) n += fields;
  return n;
}

interface EntryView {
  user: number;
  field: SimField;
  fieldIndex: number;
  week: number;
}

/** Walks the entries of an export in output order (weeks shuffled per user and field). */
function* entries(data: PeriodData, request: RenderRequest): Generator<EntryView> {
  if (request.empty) return;
  const fields = exportFields(request.types);
  const weeks = weekIndexes(data, request.includeHistorical);
  const limit = request.maxEntries ?? Infinity;
  let emitted = 0;
  for (const user of exportedUsers(data, request)) {
    for (const field of fields) {
      const order = shuffled(weeks, request.seed ^ hashString(`${user}|${field.fieldId}|${data.periodId}`));
      for (const week of order) {
        if (!data.present[user * data.weeks.length + week]) continue;
        if (emitted++ >= limit) return;
        yield { user, field, fieldIndex: CALL_FIELDS.indexOf(field), week };
      }
    }
  }
}

function shuffled(items: readonly number[], seed: number): number[] {
  const out = [...items];
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const money = (value: number, currency: Currency): number | null =>
  Number.isNaN(value) ? null : Math.round(value * currency.rate * 100) / 100;

function entryObject(
  tenant: Tenant,
  data: PeriodData,
  request: RenderRequest,
  view: EntryView,
): Record<string, unknown> {
  const user = tenant.users[view.user]!;
  const slot = view.user * data.weeks.length + view.week;
  const c = request.currency;
  const entry: Record<string, unknown> = {
    userId: user.userId,
    fieldId: view.field.fieldId,
    timePeriodId: data.periodId,
    timeFrameId: data.weeks[view.week]!.timeFrameId,
  };
  if (view.field.fieldType === 'quota') {
    entry.quotaValue = money(data.quota[slot]!, c);
  } else {
    const f = view.fieldIndex;
    if (request.types.has('forecast')) entry.forecastValue = money(data.call[f]![slot]!, c);
    if (request.types.has('adjustment')) entry.adjustmentValue = f === 0 ? money(data.adjustment[slot]!, c) : null;
    if (request.types.has('crm_total')) entry.crmTotalValue = money(data.crmTotal[f]![slot]!, c);
    if (request.types.has('crm_closed')) entry.crmClosedValue = money(data.closed[slot]!, c);
  }
  entry.currency = { code: c.code, symbol: c.symbol };
  if (view.field.fieldType !== 'quota' && request.types.has('forecast_updated')) {
    const on = data.updatedOn[view.fieldIndex]![slot]!;
    entry.isUpdated = !Number.isNaN(on);
    entry.updatedBy = Number.isNaN(on) ? null : String(user.num);
    entry.updatedOn = Number.isNaN(on) ? null : on;
  }
  if (request.drift) entry.forecastCategory = view.field.fieldName.toLowerCase();
  return entry;
}

function userObject(tenant: Tenant, data: PeriodData, index: number, drift: boolean): Record<string, unknown> {
  const user = tenant.users[index]!;
  const parentIndex = tenant.parentAt(user, data.day);
  const parent = parentIndex >= 0 ? tenant.users[parentIndex] : undefined;
  const out: Record<string, unknown> = {
    userId: user.userId,
    name: user.name,
    email: user.email,
    crmId: user.crmId,
    scopeId: user.scopeId,
    hierarchyId: user.roleId,
    hierarchyName: user.title,
    parentHierarchyId: parent?.roleId ?? null,
    parentHierarchyName: parent?.title ?? null,
  };
  if (drift) out.region = 'NA';
  return out;
}

function periodObject(tenant: Tenant, periodId: string): Record<string, unknown> {
  const { year, quarter } = parsePeriodId(periodId);
  const range = periodRange(periodId, tenant.fiscal);
  return {
    timePeriodId: periodId,
    type: 'quarter',
    label: `Quarter ${quarter}`,
    year: String(year),
    startDate: range.startDate,
    endDate: range.endDate,
    crmId: `026${(hashString(periodId) % 1e9).toString().padStart(9, '0')}AAK`.slice(0, 18),
  };
}

/** The JSON document, in chunks. */
export function* renderJson(tenant: Tenant, data: PeriodData, request: RenderRequest): Generator<string> {
  let buffer = '{"entries":[';
  let first = true;
  for (const view of entries(data, request)) {
    buffer += (first ? '' : ',') + JSON.stringify(entryObject(tenant, data, request, view));
    first = false;
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  const users = request.empty ? [] : exportedUsers(data, request);
  buffer += '],"users":[';
  first = true;
  for (const u of users) {
    buffer += (first ? '' : ',') + JSON.stringify(userObject(tenant, data, u, request.drift === true));
    first = false;
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  const fields = request.empty
    ? []
    : exportFields(request.types).map((f) => (request.drift ? { ...f, fieldGroup: 'calls' } : f));
  const weeks = request.empty
    ? []
    : shuffled(weekIndexes(data, request.includeHistorical), request.seed ^ hashString(data.periodId)).map(
        (w) => data.weeks[w]!,
      );
  buffer += `],"fields":${JSON.stringify(fields)},"timePeriods":${JSON.stringify([periodObject(tenant, data.periodId)])},"timeFrames":${JSON.stringify(
    weeks.map((w) => ({ timeFrameId: w.timeFrameId, startDate: w.startDate, endDate: w.endDate })),
  )}`;
  if (request.drift) buffer += ',"exportMetadata":{"version":2,"generator":"fcw-export"}';
  yield `${buffer}}`;
}

const CSV_LABELS: [ExportType, string][] = [
  ['forecast', 'Forecast Value'],
  ['quota', 'Quota Value'],
  ['adjustment', 'Adjustment Value'],
  ['crm_total', 'CRM Total Value'],
  ['crm_closed', 'CRM Closed Value'],
  ['forecast_updated', 'Forecast Updated'],
];

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatMoney(value: number | null, currency: Currency): string {
  if (value === null) return '';
  const abs = Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${value < 0 ? '-' : ''}${currency.symbol}${abs}`;
}

function usDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${m}/${d}/${y}`;
}

/** The long-format CSV, in chunks. */
export function* renderCsv(tenant: Tenant, data: PeriodData, request: RenderRequest): Generator<string> {
  let buffer = 'User,Email,CRM User ID,Role,Parent Role,Timeframe,Field,Week,Start Day,End Day,Data Type,Data Value\n';
  const { year, quarter } = parsePeriodId(data.periodId);
  const label = `Q${quarter} FY ${year}`;
  for (const view of entries(data, request)) {
    const entry = entryObject(tenant, data, request, view);
    const user = tenant.users[view.user]!;
    const parentIndex = tenant.parentAt(user, data.day);
    const week = data.weeks[view.week]!;
    const prefix = [
      user.name,
      user.email,
      user.crmId,
      user.title,
      parentIndex >= 0 ? tenant.users[parentIndex]!.title : '',
      label,
      view.field.fieldName,
      String(view.week),
      usDate(week.startDate),
      usDate(week.endDate),
    ]
      .map(csvCell)
      .join(',');
    for (const [type, typeLabel] of CSV_LABELS) {
      if (!request.types.has(type)) continue;
      const isQuota = view.field.fieldType === 'quota';
      if (isQuota !== (type === 'quota')) continue;
      let value: string;
      if (type === 'forecast_updated') value = entry.isUpdated ? 'Yes' : 'No';
      else {
        const key =
          type === 'forecast'
            ? 'forecastValue'
            : type === 'quota'
              ? 'quotaValue'
              : type === 'adjustment'
                ? 'adjustmentValue'
                : type === 'crm_total'
                  ? 'crmTotalValue'
                  : 'crmClosedValue';
        value = formatMoney(entry[key] as number | null, request.currency);
      }
      buffer += `${prefix},${csvCell(typeLabel)},${csvCell(value)}\n`;
    }
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  yield buffer;
}
