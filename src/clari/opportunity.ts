/**
 * GET /opportunity (clari-api.md 2.10): up to 100 `oppId` per call, each opportunity with its CRM
 * score (score and message) and fields (`opportunity.amount`, ...) whose trend history lists
 * `{oldValue, newValue, date}`; errors come as Clari's own array `[{statusCode, reaspnPhrase,
 * description, details}]` (the misspelling is Clari's). The decoders and the canonical record the
 * pipeline loads, shared by the client and the simulator.
 */
import { parseOffsetDateTime } from './activity.js';
import { ClariError } from './errors.js';
import { isObj, str } from './json-values.js';
import { JsonTopLevelScanner } from './json-scan.js';
import { readJsonStream } from './json-stream.js';

export interface WireTrendPoint {
  readonly oldValue: string | number | null;
  readonly newValue: string | number | null;
  /** ISO-8601 date-time with an offset (or epoch ms). */
  readonly date: string | number;
}

export interface WireOpportunityField {
  /** e.g. `opportunity.amount`, `opportunity.stage`, `opportunity.closeDate`, `opportunity.ownerId`, `opportunity.name`. */
  readonly id: string;
  readonly alias?: string | null;
  readonly imageUrl?: string | null;
  readonly trend?: string | null;
  readonly value: string | number | null;
  readonly originalValue?: string | number | null;
  readonly trendHistory?: readonly WireTrendPoint[];
}

export interface WireOpportunity {
  readonly id: string;
  readonly crmScore?: { readonly message: string | null; readonly score: number | null } | null;
  readonly fields: readonly WireOpportunityField[];
}

/** GET /opportunity takes at most this many `oppId` per call (clari-api.md 2.10, section 4). */
export const MAX_OPPORTUNITY_IDS = 100;

const OPPORTUNITY_FIELDS = {
  amount: 'opportunity.amount',
  stage: 'opportunity.stage',
  closeDate: 'opportunity.closeDate',
  owner: 'opportunity.ownerId',
  name: 'opportunity.name',
} as const;

const scalar = (v: unknown): string | number | null => (typeof v === 'number' || typeof v === 'string' ? v : null);

const ENDPOINT = 'GET /opportunity';

function bad(problem: string): ClariError {
  return new ClariError('clari.decode', `Unexpected answer from ${ENDPOINT}: ${problem}`, {
    kind: 'data',
    endpoint: ENDPOINT,
    hint: 'Clari may have changed its format; the raw answer is kept in the landing.',
  });
}

/** Clari's opportunity error array `[{statusCode, reaspnPhrase, description, details}]`, or undefined. */
export function opportunityErrors(body: unknown): { statusCode: number | undefined; text: string } | undefined {
  if (!Array.isArray(body) || body.length === 0) return undefined;
  const first: unknown = body[0];
  if (!isObj(first) || 'id' in first || !('reaspnPhrase' in first || 'statusCode' in first)) return undefined;
  return {
    statusCode: typeof first.statusCode === 'number' ? first.statusCode : undefined,
    text: JSON.stringify(body),
  };
}

/** GET /opportunity's 200 body: an array of opportunities. */
export function decodeOpportunities(body: unknown): WireOpportunity[] {
  if (!Array.isArray(body)) throw bad('expected an array of opportunities');
  return body.map((o, i) => decodeOpportunity(o, i));
}

function decodeOpportunity(o: unknown, index: number): WireOpportunity {
  if (!isObj(o)) throw bad(`opportunity ${index} is not an object`);
  const id = str(o.id);
  if (id === '') throw bad(`opportunity ${index} has no id`);
  const score = isObj(o.crmScore) ? o.crmScore : undefined;
  const fields = (Array.isArray(o.fields) ? o.fields.filter(isObj) : []).map((f) => ({
    id: str(f.id),
    alias: typeof f.alias === 'string' ? f.alias : null,
    trend: typeof f.trend === 'string' ? f.trend : null,
    value: scalar(f.value),
    originalValue: scalar(f.originalValue),
    trendHistory: (Array.isArray(f.trendHistory) ? f.trendHistory.filter(isObj) : []).map((t) => ({
      oldValue: scalar(t.oldValue),
      newValue: scalar(t.newValue),
      date: typeof t.date === 'number' ? t.date : str(t.date),
    })),
  }));
  const rawScore = score?.score;
  const numeric = typeof rawScore === 'number' ? rawScore : typeof rawScore === 'string' ? Number(rawScore) : NaN;
  return {
    id,
    crmScore: score
      ? {
          message: typeof score.message === 'string' ? score.message : null,
          score: Number.isFinite(numeric) ? numeric : null,
        }
      : null,
    fields,
  };
}

/** A trend-history date as epoch ms: an ISO date-time with an offset (or Z), or epoch ms; undefined otherwise. */
export function trendDateMs(date: string | number): number | undefined {
  if (typeof date === 'number') return Number.isFinite(date) ? date : undefined;
  if (/^\d+$/.test(date)) return Number(date);
  return parseOffsetDateTime(date)?.epochMs;
}

export interface TrendRecord {
  readonly fieldId: string;
  readonly oldValue: string | null;
  readonly newValue: string | null;
  /** Epoch ms. */
  readonly changedAt: number;
}

/** The canonical view of one opportunity the pipeline loads: its current values and every trend point. */
export interface OpportunityRecord {
  readonly opportunityId: string;
  readonly name: string | null;
  readonly ownerCrmId: string | null;
  /** Exact integer cents, or null. */
  readonly amountCents: number | null;
  readonly stage: string | null;
  /** YYYY-MM-DD, or null. */
  readonly closeDate: string | null;
  readonly crmScore: number | null;
  readonly crmScoreMessage: string | null;
  readonly history: readonly TrendRecord[];
  /** Trend points whose date could not be read (skipped). */
  readonly badDates: number;
}

/** `$1,200.50`, `1200.5`, 1200.5 -> 120050 cents; undefined when it is not an amount. */
export function amountCents(value: string | number): number | undefined {
  const text = typeof value === 'number' ? String(value) : value.replace(/[$,\s]/g, '');
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return undefined;
  const cents = Math.round(Number(text) * 100);
  return Number.isSafeInteger(cents) ? cents : undefined;
}

/** A close date as YYYY-MM-DD: a date, a date-time (its local date) or epoch ms (its UTC date). */
export function closeDateOf(value: string | number): string | undefined {
  if (typeof value === 'number' || /^\d{9,}$/.test(value)) {
    const ms = Number(value);
    return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
  }
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return m ? m[1] : undefined;
}

export function opportunityRecord(o: WireOpportunity): OpportunityRecord {
  const field = (id: string): WireOpportunityField | undefined => o.fields.find((f) => f.id === id);
  const value = (id: string): string | number | null => {
    const v = field(id)?.value;
    return v === null || v === undefined || v === '' ? null : v;
  };
  const text = (id: string): string | null => {
    const v = value(id);
    return v === null ? null : String(v);
  };
  const amount = value(OPPORTUNITY_FIELDS.amount);
  const close = value(OPPORTUNITY_FIELDS.closeDate);
  let badDates = 0;
  const history = o.fields.flatMap((f) =>
    (f.trendHistory ?? []).flatMap((t) => {
      const changedAt = trendDateMs(t.date);
      if (changedAt === undefined) {
        badDates++;
        return [];
      }
      const s = (v: string | number | null): string | null => (v === null ? null : String(v));
      return [{ fieldId: f.id, oldValue: s(t.oldValue), newValue: s(t.newValue), changedAt }];
    }),
  );
  return {
    opportunityId: o.id,
    name: text(OPPORTUNITY_FIELDS.name),
    ownerCrmId: text(OPPORTUNITY_FIELDS.owner),
    amountCents: amount === null ? null : (amountCents(amount) ?? null),
    stage: text(OPPORTUNITY_FIELDS.stage),
    closeDate: close === null ? null : (closeDateOf(close) ?? null),
    crmScore: o.crmScore?.score ?? null,
    crmScoreMessage: o.crmScore?.message ?? null,
    history,
    badDates,
  };
}

/**
 * Decodes a document whose `batches` member lists GET /opportunity answers, each as Clari sent it
 * (how the pipeline lands one refresh), one batch at a time.
 */
export function decodeOpportunityBatches(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<WireOpportunity[], { batches: number; opportunities: number }> {
  const pending: WireOpportunity[][] = [];
  let batches = 0;
  let opportunities = 0;
  let seen = false;
  const scanner = new JsonTopLevelScanner({
    arrayBatch(key, items) {
      if (key !== 'batches') return;
      seen = true;
      for (const item of items) {
        const decoded = decodeOpportunities(item);
        batches++;
        opportunities += decoded.length;
        pending.push(decoded);
      }
    },
    value: () => undefined,
  });
  return readJsonStream(source, {
    scanner,
    pending,
    // The landed file, not a download: fetching again would not mend it, so it stays a decode error.
    fail: (error) => bad(`the landed refresh is ${error.truncated ? 'truncated' : 'malformed'}: ${error.message}`),
    finish() {
      if (!seen) throw bad('the landed refresh has no batches');
      return { batches, opportunities };
    },
  });
}
