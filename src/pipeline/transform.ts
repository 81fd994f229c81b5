/**
 * Wire rows -> staging columns, pure and streaming. Entries become column-major batches for the
 * warehouse's bulk loader; while they pass, the payload-side reconciliation figures (row count and
 * exact sums in cents) are accumulated independently of the warehouse, and per-field value counts
 * tell quota fields from call fields without trusting the unknown `fieldType` vocabulary.
 */
import type { WireEntry, WireField, WireTimeFrame, WireUser } from '../clari/index.js';
import { AppError } from '../core/index.js';
import { type ColumnBatch, ENTRY_STAGE, MONEY_COLUMNS, type MoneyColumn, type SqlValue } from '../warehouse/index.js';

const WIRE_KEYS = {
  forecast_value: 'forecastValue',
  quota_value: 'quotaValue',
  adjustment_value: 'adjustmentValue',
  crm_total_value: 'crmTotalValue',
  crm_closed_value: 'crmClosedValue',
} as const;

/** DECIMAL(18,2) holds up to 16 digits before the point. */
const MAX_MONEY = 1e16;

/** What the payload itself says: counts and exact sums, to reconcile against what was loaded. */
export interface PayloadStats {
  rows: number;
  /** Sums in cents by money column. */
  readonly sums: Record<MoneyColumn, bigint>;
  /** Latest week (time frame ids sort chronologically: `TF:YYYY-MM-DD`). */
  latestFrame: string | undefined;
  /** Per field: how many entries carry a quota value and how many a forecast value. */
  readonly fieldValues: Map<string, { quota: number; forecast: number }>;
}

export function emptyStats(): PayloadStats {
  return {
    rows: 0,
    sums: { forecast_value: 0n, quota_value: 0n, adjustment_value: 0n, crm_total_value: 0n, crm_closed_value: 0n },
    latestFrame: undefined,
    fieldValues: new Map(),
  };
}

export class TransformError extends AppError {
  constructor(message: string, code: string, hint?: string) {
    super(message, { code, kind: 'data', hint });
  }
}

/**
 * Turns a batch of wire entries into staging columns, validating what the warehouse would reject or
 * silently get wrong: a period other than the one requested, amounts beyond DECIMAL(18,2).
 */
export function entryColumns(
  entries: readonly WireEntry[],
  expectedPeriod: string,
  stats: PayloadStats,
  offset: number,
  fingerprints?: BigInt64Array,
): ColumnBatch {
  const n = entries.length;
  // The last column is the entries' fingerprints (0: none), passed through as they came.
  const cols: SqlValue[][] = ENTRY_STAGE.columns.slice(0, -1).map(() => new Array<SqlValue>(n));
  // Sums of small amounts accumulate as exact doubles (|sum| < 2^53) and move to bigint when large.
  const partial = MONEY_COLUMNS.map(() => 0);
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    if (e.timePeriodId !== expectedPeriod) {
      throw new TransformError(
        `entries[${offset + i}] is for period ${e.timePeriodId}, not the requested ${expectedPeriod}`,
        'data.period_mismatch',
        'Clari falls back to the current quarter for a period it does not know; check the period and fiscalYearStartMonth.',
      );
    }
    cols[0]![i] = e.timeFrameId;
    cols[1]![i] = e.userId;
    cols[2]![i] = e.fieldId;
    for (let m = 0; m < MONEY_COLUMNS.length; m++) {
      const column = MONEY_COLUMNS[m]!;
      const v = e[WIRE_KEYS[column]];
      if (v === undefined || v === null) {
        cols[3 + m]![i] = null;
        continue;
      }
      if (Math.abs(v) >= MAX_MONEY) {
        throw new TransformError(
          `entries[${offset + i}].${WIRE_KEYS[column]} = ${v} is beyond DECIMAL(18,2)`,
          'data.out_of_range',
          'The payload is kept in the landing; report the value to Clari support if it is real.',
        );
      }
      const cents = centsOf(v);
      cols[3 + m]![i] = cents;
      if (typeof cents === 'number' && Math.abs(cents) < SMALL_CENTS) {
        partial[m]! += cents;
        if (Math.abs(partial[m]!) >= SMALL_CENTS * 4096) {
          stats.sums[column] += BigInt(partial[m]!);
          partial[m] = 0;
        }
      } else stats.sums[column] += BigInt(cents);
    }
    cols[8]![i] = e.isUpdated ?? null;
    cols[9]![i] = e.updatedBy ?? null;
    cols[10]![i] = e.updatedOn ?? null;
    cols[11]![i] = e.currency?.code ?? null;
    if (stats.latestFrame === undefined || e.timeFrameId > stats.latestFrame) stats.latestFrame = e.timeFrameId;
    let field = stats.fieldValues.get(e.fieldId);
    if (!field) stats.fieldValues.set(e.fieldId, (field = { quota: 0, forecast: 0 }));
    if (e.quotaValue !== undefined && e.quotaValue !== null) field.quota++;
    if (e.forecastValue !== undefined && e.forecastValue !== null) field.forecast++;
  }
  MONEY_COLUMNS.forEach((column, m) => (stats.sums[column] += BigInt(partial[m]!)));
  stats.rows += n;
  return [...cols, fingerprints?.length === n ? fingerprints : new BigInt64Array(n)];
}

/** Amounts below this many cents are summed as doubles: 4096 of them still sum exactly (< 2^53). */
const SMALL_CENTS = 2 ** 40;

/**
 * Cents of an amount, rounded as toCents does. Nearly every amount has at most two decimals; for
 * those the double arithmetic is exact (c / 100 is the double the JSON text named, so its shortest
 * text has at most two decimals), and the number stays a number. Anything else takes the exact path.
 */
export function centsOf(value: number): number | bigint {
  const cents = Math.round(value * 100);
  return Number.isSafeInteger(cents) && cents / 100 === value ? cents : toCents(value);
}

/** Users, de-duplicated by id (the last occurrence wins). */
export function userColumns(users: readonly WireUser[]): ColumnBatch {
  const byId = new Map(users.map((u) => [u.userId, u]));
  const list = [...byId.values()];
  return [
    list.map((u) => u.userId),
    list.map((u) => u.name),
    list.map((u) => u.email),
    list.map((u) => u.crmId),
    list.map((u) => u.hierarchyId),
    list.map((u) => u.hierarchyName),
    list.map((u) => u.parentHierarchyId),
    list.map((u) => u.parentHierarchyName),
    list.map((u) => u.scopeId),
  ];
}

/**
 * Fields, including any that entries use but the fields array lacks. A field is a quota field when
 * its entries carry quota values and no forecast values; everything else is a call field.
 */
export function fieldColumns(fields: readonly WireField[], stats: PayloadStats): ColumnBatch {
  const byId = new Map<string, { fieldId: string; fieldName: string; fieldType: string | null }>(
    fields.map((f) => [f.fieldId, f]),
  );
  for (const id of stats.fieldValues.keys())
    if (!byId.has(id)) byId.set(id, { fieldId: id, fieldName: id, fieldType: null });
  const list = [...byId.values()];
  const isQuota = (id: string): boolean => {
    const v = stats.fieldValues.get(id);
    return v !== undefined && v.quota > 0 && v.forecast === 0;
  };
  return [
    list.map((f) => f.fieldId),
    list.map((f) => f.fieldName),
    list.map((f) => f.fieldType),
    list.map((f) => isQuota(f.fieldId)),
  ];
}

export function frameColumns(frames: readonly WireTimeFrame[]): ColumnBatch {
  const byId = new Map(frames.map((f) => [f.timeFrameId, f]));
  const list = [...byId.values()];
  const date = (d: string | null): string | null => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null);
  return [list.map((f) => f.timeFrameId), list.map((f) => date(f.startDate)), list.map((f) => date(f.endDate))];
}

/**
 * A number rounded to cents, half away from zero, using its shortest decimal text (what the JSON
 * said), not its binary value: 0.285 is 0.29, as a person reading the payload would expect.
 */
export function toCents(value: number): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/i.exec(String(value));
  if (!m) throw new RangeError(`not a finite number: ${value}`);
  let digits = m[2]! + (m[3] ?? '');
  let point = m[2]!.length + Number(m[4] ?? 0);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  digits = digits.padEnd(point + 3, '0');
  const cents = BigInt(digits.slice(0, point + 2) || '0') + (Number(digits[point + 2]) >= 5 ? 1n : 0n);
  return m[1] === '-' ? -cents : cents;
}

/** Cents as a decimal string ("-12.05"), for comparing with DECIMAL results. */
export function centsToDecimal(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/** A DECIMAL result ("123.4", "-5", null) as cents. */
export function decimalToCents(text: string | number | null | undefined): bigint {
  if (text === null || text === undefined) return 0n;
  const s = String(text).trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = ((m[3] ?? '') + '00').slice(0, 2);
  const cents = BigInt(m[2]!) * 100n + BigInt(frac);
  return m[1] === '-' ? -cents : cents;
}
