/**
 * Streaming decoder for the five-array export document (clari-api.md section 3.1). Elements are
 * validated one by one with hand-written checks (a schema library costs microseconds per entry, and
 * exports have millions); unknown keys and arrays are schema drift: decoding continues and the drift
 * is reported in the summary. A value of the wrong type is a typed decode error naming its path.
 */
import { ClariError } from './errors.js';
import { type FingerprintSet, newHasher } from './fingerprint.js';
import { type ScanCounters, JsonTopLevelScanner } from './json-scan.js';
import { downloadScanError, readJsonStream } from './json-stream.js';
import {
  DOCUMENT_ARRAYS,
  type DocumentArray,
  ENTRY_KEYS,
  type WireCurrency,
  type WireEntry,
  type WireField,
  type WireTimeFrame,
  type WireTimePeriod,
  type WireUser,
} from './wire.js';

export type DocumentPart =
  | {
      readonly kind: 'entries';
      readonly rows: WireEntry[];
      /** Each row's fingerprint (fingerprint.ts; 0: none), when the decoder computes them. */
      readonly fingerprints?: BigInt64Array | undefined;
    }
  | { readonly kind: 'users'; readonly rows: WireUser[] }
  | { readonly kind: 'fields'; readonly rows: WireField[] }
  | { readonly kind: 'timePeriods'; readonly rows: WireTimePeriod[] }
  | { readonly kind: 'timeFrames'; readonly rows: WireTimeFrame[] };

/** What the document contained besides its rows: counts and drift. */
export interface DocumentSummary {
  /** Elements of each array in the document, entries skipped by fingerprint included. */
  readonly counts: Record<DocumentArray, number>;
  /** How a JSON document was read: fast and slow batches, entries skipped by fingerprint. */
  readonly scan?: ScanCounters | undefined;
  /** Arrays the document lacked entirely. */
  readonly missingArrays: DocumentArray[];
  /** Drift: unknown keys by location (`entries.newKey`, `$.extraArray`) with how often they appeared. */
  readonly drift: Record<string, number>;
  readonly bytes: number;
}

export class DriftCollector {
  readonly seen: Record<string, number> = {};
  note(path: string): void {
    this.seen[path] = (this.seen[path] ?? 0) + 1;
  }
}

const KNOWN: Record<Exclude<DocumentArray, 'entries'>, ReadonlySet<string>> = {
  users: new Set([
    'userId',
    'name',
    'email',
    'crmId',
    'scopeId',
    'hierarchyId',
    'hierarchyName',
    'parentHierarchyId',
    'parentHierarchyName',
  ]),
  fields: new Set(['fieldId', 'fieldName', 'fieldType']),
  timePeriods: new Set(['timePeriodId', 'type', 'label', 'year', 'startDate', 'endDate', 'crmId']),
  timeFrames: new Set(['timeFrameId', 'startDate', 'endDate']),
};

export interface JsonDecodeOptions {
  /**
   * Fingerprints already loaded: entries whose bytes hash to one of them are skipped, not decoded
   * (counted in `summary.scan.skipped`). A document whose entries cannot be cut safely throws
   * FingerprintConflict: decode it again without `known`.
   */
  readonly known?: FingerprintSet | undefined;
}

/**
 * Decodes a JSON export from a byte stream, yielding batches of validated rows as they arrive, each
 * entry with the fingerprint of its bytes. The summary is returned when the stream ends; a cut-off
 * stream throws `clari.truncated_body`.
 */
export function decodeForecastJson(
  source: AsyncIterable<Uint8Array>,
  options: JsonDecodeOptions = {},
): AsyncGenerator<DocumentPart, DocumentSummary> {
  const drift = new DriftCollector();
  const counts: Record<DocumentArray, number> = { entries: 0, users: 0, fields: 0, timePeriods: 0, timeFrames: 0 };
  const present = new Set<string>();
  const pending: DocumentPart[] = [];
  const hasher = newHasher();
  const scanner = new JsonTopLevelScanner(
    {
      arrayBatch(key, items, fingerprints) {
        present.add(key);
        if (!isDocumentArray(key)) {
          drift.note(`$.${key}`);
          return;
        }
        // Entries skipped so far count too: `offset` names the entry in the whole document.
        const offset = counts[key] + (key === 'entries' ? scanner.counters.skipped : 0);
        counts[key] += items.length;
        const part = decodeBatch(key, items, offset, drift);
        pending.push(part.kind === 'entries' ? { ...part, fingerprints } : part);
      },
      value(key) {
        present.add(key);
        if (isDocumentArray(key)) throw decodeError(`$.${key}`, 'must be an array');
        drift.note(`$.${key}`);
      },
    },
    undefined,
    { key: 'entries', hasher, known: options.known },
  );
  return readJsonStream(source, {
    scanner,
    pending,
    fail: (error) => downloadScanError(error, 'Export document is'),
    finish(bytes): DocumentSummary {
      const skipped = scanner.counters.skipped;
      // An entries array whose every element was skipped was still there.
      if (skipped > 0) present.add('entries');
      counts.entries += skipped;
      const missingArrays = DOCUMENT_ARRAYS.filter((a) => !present.has(a));
      return { counts, missingArrays, drift: drift.seen, bytes, scan: { ...scanner.counters } };
    },
  });
}

function isDocumentArray(key: string): key is DocumentArray {
  return (DOCUMENT_ARRAYS as readonly string[]).includes(key);
}

function decodeBatch(kind: DocumentArray, items: unknown[], offset: number, drift: DriftCollector): DocumentPart {
  switch (kind) {
    case 'entries':
      return { kind, rows: items.map((item, i) => decodeEntry(item, offset + i, drift)) };
    case 'users':
      return { kind, rows: items.map((item, i) => decodeUser(item, offset + i, drift)) };
    case 'fields':
      return { kind, rows: items.map((item, i) => decodeField(item, offset + i, drift)) };
    case 'timePeriods':
      return { kind, rows: items.map((item, i) => decodeTimePeriod(item, offset + i, drift)) };
    case 'timeFrames':
      return { kind, rows: items.map((item, i) => decodeTimeFrame(item, offset + i, drift)) };
  }
}

type Obj = Record<string, unknown>;

function asObject(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw decodeError(path, 'must be an object');
  return value as Obj;
}

function decodeError(path: string, problem: string): ClariError {
  return new ClariError('clari.decode', `Export document: ${path} ${problem}`, {
    kind: 'data',
    details: { path },
    hint: 'The payload is kept in the landing; report it if Clari changed its format.',
  });
}

/** An id: a non-empty string; a number is accepted (and reported) since some ids are ints elsewhere. */
function id(o: Obj, key: string, path: string, drift: DriftCollector): string {
  const v = o[key];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) {
    drift.note(`${path.replace(/\[\d+\]$/, '')}.${key}:number`);
    return String(v);
  }
  throw decodeError(`${path}.${key}`, v === undefined ? 'is missing' : 'must be a non-empty string');
}

function optText(o: Obj, key: string, path: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw decodeError(`${path}.${key}`, 'must be a string');
}

function optNumber(o: Obj, key: string, path: string, drift: DriftCollector): number | null | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw decodeError(`${path}.${key}`, 'must be a finite number');
    return v;
  }
  if (typeof v === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v.trim())) {
    drift.note(`entries.${key}:string`);
    return Number(v);
  }
  throw decodeError(`${path}.${key}`, 'must be a number or null');
}

function optBoolean(o: Obj, key: string, path: string): boolean | null | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === null || typeof v === 'boolean') return v;
  throw decodeError(`${path}.${key}`, 'must be true, false or null');
}

function decodeCurrency(v: unknown, path: string): WireCurrency | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  const o = asObject(v, path);
  const code = o.code;
  if (typeof code !== 'string') throw decodeError(`${path}.code`, 'must be a string');
  return { code, symbol: typeof o.symbol === 'string' ? o.symbol : '' };
}

function noteUnknown(o: Obj, known: ReadonlySet<string>, where: string, drift: DriftCollector): void {
  for (const key in o) if (!known.has(key)) drift.note(`${where}.${key}`);
}

export function decodeEntry(value: unknown, index: number, drift: DriftCollector): WireEntry {
  const path = `entries[${index}]`;
  const o = asObject(value, path);
  noteUnknown(o, ENTRY_KEYS, 'entries', drift);
  const entry: {
    -readonly [K in keyof WireEntry]: WireEntry[K];
  } = {
    userId: id(o, 'userId', path, drift),
    fieldId: id(o, 'fieldId', path, drift),
    timePeriodId: id(o, 'timePeriodId', path, drift),
    timeFrameId: id(o, 'timeFrameId', path, drift),
  };
  const currency = decodeCurrency(o.currency, `${path}.currency`);
  if (currency !== undefined) entry.currency = currency;
  for (const key of [
    'forecastValue',
    'quotaValue',
    'adjustmentValue',
    'crmTotalValue',
    'crmClosedValue',
    'updatedOn',
  ] as const) {
    const v = optNumber(o, key, path, drift);
    if (v !== undefined) entry[key] = v;
  }
  const isUpdated = optBoolean(o, 'isUpdated', path);
  if (isUpdated !== undefined) entry.isUpdated = isUpdated;
  if (o.updatedBy !== undefined) entry.updatedBy = optText(o, 'updatedBy', path);
  return entry;
}

export function decodeUser(value: unknown, index: number, drift: DriftCollector): WireUser {
  const path = `users[${index}]`;
  const o = asObject(value, path);
  noteUnknown(o, KNOWN.users, 'users', drift);
  return {
    userId: id(o, 'userId', path, drift),
    name: optText(o, 'name', path) ?? '',
    email: optText(o, 'email', path) ?? '',
    crmId: optText(o, 'crmId', path),
    scopeId: optText(o, 'scopeId', path),
    hierarchyId: optText(o, 'hierarchyId', path),
    hierarchyName: optText(o, 'hierarchyName', path),
    parentHierarchyId: optText(o, 'parentHierarchyId', path),
    parentHierarchyName: optText(o, 'parentHierarchyName', path),
  };
}

export function decodeField(value: unknown, index: number, drift: DriftCollector): WireField {
  const path = `fields[${index}]`;
  const o = asObject(value, path);
  noteUnknown(o, KNOWN.fields, 'fields', drift);
  return {
    fieldId: id(o, 'fieldId', path, drift),
    fieldName: optText(o, 'fieldName', path) ?? '',
    fieldType: optText(o, 'fieldType', path),
  };
}

export function decodeTimePeriod(value: unknown, index: number, drift: DriftCollector): WireTimePeriod {
  const path = `timePeriods[${index}]`;
  const o = asObject(value, path);
  noteUnknown(o, KNOWN.timePeriods, 'timePeriods', drift);
  return {
    timePeriodId: id(o, 'timePeriodId', path, drift),
    type: optText(o, 'type', path),
    label: optText(o, 'label', path),
    year: optText(o, 'year', path),
    startDate: optText(o, 'startDate', path),
    endDate: optText(o, 'endDate', path),
    crmId: optText(o, 'crmId', path),
  };
}

export function decodeTimeFrame(value: unknown, index: number, drift: DriftCollector): WireTimeFrame {
  const path = `timeFrames[${index}]`;
  const o = asObject(value, path);
  noteUnknown(o, KNOWN.timeFrames, 'timeFrames', drift);
  return {
    timeFrameId: id(o, 'timeFrameId', path, drift),
    startDate: optText(o, 'startDate', path),
    endDate: optText(o, 'endDate', path),
  };
}
