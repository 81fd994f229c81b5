/**
 * CSV exports (clari-api.md 3.4) decoded into the same parts as JSON ones. The CSV is long-format
 * (one row per user x field x week x data type) with formatted money and no ids for users, fields or
 * weeks, so ids are derived: user `csv:<CRM User ID>:<Role>`, field = its display name, week
 * `TF:<Start Day>` (the JSON form), period parsed from labels like "Q2 FY 2026" when possible.
 * Rows of one entry that arrive next to each other are merged; the loader merges the rest. The CSV
 * syntax itself is Papa Parse's (streaming, faster than the tokenizer this replaced: bench/csv-decode.ts).
 */
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { ClariError } from './errors.js';
import { DriftCollector, type DocumentPart, type DocumentSummary } from './document.js';
import { CSV_DATA_TYPES, CSV_HEADER, type WireEntry, type WireUser } from './wire.js';

/** One chunk's records, as Papa Parse returns them. */
type CsvBatch = Papa.ParseResult<string[]>;

/** UTF-8 text of the byte chunks (a character split across two chunks is decoded whole), counting the bytes. */
async function* utf8(source: AsyncIterable<Uint8Array>, counted: { bytes: number }): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for await (const chunk of source) {
    counted.bytes += chunk.byteLength;
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const tail = decoder.decode();
  if (tail !== '') yield tail;
}

/**
 * The records of a CSV byte stream, one batch per chunk, parsed by Papa Parse (RFC 4180: quoted
 * fields, doubled quotes, CRLF or LF, newlines inside quotes). Papa reads the stream and hands
 * each chunk's records to `chunk`; the stream is paused there until the caller has taken the batch,
 * so memory holds one chunk of records, never the export.
 */
async function* csvBatches(source: AsyncIterable<Uint8Array>, counted: { bytes: number }): AsyncGenerator<CsvBatch> {
  const input = Readable.from(utf8(source, counted));
  const ready: CsvBatch[] = [];
  let parser: Papa.Parser | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let wake = (): void => undefined;
  Papa.parse<string[]>(input, {
    delimiter: ',',
    skipEmptyLines: true,
    chunk: (batch, handle) => {
      ready.push(batch);
      parser = handle;
      input.pause();
      handle.pause();
      wake();
    },
    complete: () => {
      finished = true;
      wake();
    },
    // The source's own error (a cut download is `clari.truncated_body`) arrives here unchanged.
    error: (error: unknown) => {
      failure = { error };
      wake();
    },
  });
  try {
    for (;;) {
      const batch = ready.shift();
      if (batch) {
        yield batch;
        if (ready.length === 0 && !finished) {
          input.resume();
          parser?.resume();
        }
      } else if (failure) {
        throw failure.error;
      } else if (finished) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    input.destroy();
  }
}

/** A Papa Parse error as a ClariError: an open quote at the end is a cut download, the rest bad data. */
function batchError(batch: CsvBatch, firstRow: number): ClariError | undefined {
  const error = batch.errors[0];
  if (!error) return undefined;
  if (error.code === 'MissingQuotes') {
    return new ClariError('clari.truncated_body', 'CSV export ends inside a quoted value', {
      kind: 'transient',
      hint: 'The download was cut off; it is fetched again.',
    });
  }
  return csvError(`CSV row ${firstRow + (error.row ?? 0)}`, `is malformed (${error.message})`);
}

/** Parses "$3,000,190.00", "-$1,000.00", "($1,000.00)", "1,000", "€12.50", "" (null). */
export function parseMoney(text: string): { value: number | null; symbol: string } | undefined {
  let t = text.trim();
  if (t === '' || t === '-' || t.toLowerCase() === 'null') return { value: null, symbol: '' };
  let negative = false;
  if (t.startsWith('(') && t.endsWith(')')) {
    negative = true;
    t = t.slice(1, -1).trim();
  }
  if (t.startsWith('-')) {
    negative = !negative;
    t = t.slice(1).trim();
  }
  const m = /^([^\d\s.,-]*)\s*([\d,]*\.?\d*)\s*([^\d\s.,-]*)$/.exec(t);
  if (!m || !/\d/.test(m[2] ?? '')) return undefined;
  const digits = (m[2] ?? '').replace(/,/g, '');
  const value = Number(digits);
  if (!Number.isFinite(value)) return undefined;
  return { value: negative ? -value : value, symbol: m[1] || m[3] || '' };
}

function parseYesNo(text: string): boolean | null | undefined {
  const t = text.trim().toLowerCase();
  if (t === '') return null;
  if (t === 'yes' || t === 'true' || t === '1') return true;
  if (t === 'no' || t === 'false' || t === '0') return false;
  return undefined;
}

/** "04/08/2026" -> "2026-04-08"; ISO dates pass through. */
function usDate(text: string): string | undefined {
  const t = text.trim();
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (m) return `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
  return /^\d{4}-\d{2}-\d{2}$/.test(t) ? t : undefined;
}

/** "Q2 FY 2026" / "Quarter 2 FY2026" -> "2026_Q2". */
export function periodFromLabel(label: string): string | undefined {
  const m = /Q(?:uarter)?\s*([1-4])\s*(?:FY\s*)?(\d{4})/i.exec(label);
  return m ? `${m[2]}_Q${m[1]}` : undefined;
}

export interface CsvDecodeOptions {
  /** The period asked for; used when a row's Timeframe label is not a quarter. */
  readonly requestedPeriod?: string | undefined;
  /** ISO code of the export's currency (from the job), attached to money values. */
  readonly currencyCode?: string | undefined;
}

type MutableEntry = { -readonly [K in keyof WireEntry]: WireEntry[K] };

/** One CSV row, checked and named: which user, field, period and week it is about, and its value. */
interface CsvRow {
  readonly where: string;
  readonly user: WireUser;
  readonly field: string;
  readonly period: string;
  readonly label: string;
  readonly frame: { readonly timeFrameId: string; readonly startDate: string; readonly endDate: string | null };
  readonly typeLabel: string;
  readonly valueKey: string;
  readonly raw: string;
}

function readRow(
  row: string[],
  columns: Map<string, number>,
  where: string,
  options: CsvDecodeOptions,
  drift: DriftCollector,
): CsvRow | undefined {
  const col = (name: (typeof CSV_HEADER)[number]): string => row[columns.get(name)!] ?? '';
  const crm = col('CRM User ID');
  const role = col('Role');
  const email = col('Email');
  if (crm === '' && email === '') throw csvError(where, 'has neither CRM User ID nor Email');
  const start = usDate(col('Start Day'));
  if (!start) throw csvError(where, `has an unreadable Start Day "${col('Start Day')}"`);
  const field = col('Field');
  if (field === '') throw csvError(where, 'has no Field');
  const label = col('Timeframe');
  const period = periodFromLabel(label) ?? options.requestedPeriod;
  if (!period) throw csvError(where, `has a Timeframe "${label}" that is not a quarter`);
  const typeLabel = col('Data Type');
  const valueKey = (CSV_DATA_TYPES as Record<string, string>)[typeLabel];
  if (!valueKey) {
    drift.note(`csv.dataType:${typeLabel}`);
    return undefined;
  }
  const user: WireUser = {
    userId: `csv:${crm || email}:${role}`,
    name: col('User'),
    email,
    crmId: crm || null,
    scopeId: null,
    hierarchyId: null,
    hierarchyName: role || null,
    parentHierarchyId: null,
    parentHierarchyName: col('Parent Role') || null,
  };
  const frame = { timeFrameId: `TF:${start}`, startDate: start, endDate: usDate(col('End Day')) ?? null };
  return { where, user, field, period, label, frame, typeLabel, valueKey, raw: col('Data Value') };
}

/** Users, fields, weeks and periods as first seen: each goes out once, before the entries that use it. */
class Dimensions {
  private readonly seen = new Set<string>();

  note(row: CsvRow, out: DocumentPart[], newUsers: WireUser[]): void {
    if (this.first(`user|${row.user.userId}`)) newUsers.push(row.user);
    if (this.first(`field|${row.field}`))
      out.push({ kind: 'fields', rows: [{ fieldId: row.field, fieldName: row.field, fieldType: null }] });
    if (this.first(`frame|${row.period}|${row.frame.timeFrameId}`)) out.push({ kind: 'timeFrames', rows: [row.frame] });
    if (this.first(`period|${row.period}`))
      out.push({
        kind: 'timePeriods',
        rows: [{ timePeriodId: row.period, label: row.label, startDate: null, endDate: null }],
      });
  }

  private first(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

/** Sets one row's value on its entry (a CSV row carries one value; an entry gathers a week's values). */
function applyValue(entry: MutableEntry, row: CsvRow, options: CsvDecodeOptions): void {
  if (row.valueKey === 'isUpdated') {
    const flag = parseYesNo(row.raw);
    if (flag === undefined) throw csvError(row.where, `has a Forecast Updated value "${row.raw}" that is not Yes/No`);
    entry.isUpdated = flag;
    return;
  }
  const money = parseMoney(row.raw);
  if (!money) throw csvError(row.where, `has a ${row.typeLabel} "${row.raw}" that is not an amount`);
  entry[row.valueKey as 'forecastValue'] = money.value;
  if (money.value !== null && options.currencyCode)
    entry.currency = { code: options.currencyCode, symbol: money.symbol };
}

export async function* decodeForecastCsv(
  source: AsyncIterable<Uint8Array>,
  options: CsvDecodeOptions = {},
): AsyncGenerator<DocumentPart, DocumentSummary> {
  const drift = new DriftCollector();
  const counts = { entries: 0, users: 0, fields: 0, timePeriods: 0, timeFrames: 0 };
  const dimensions = new Dimensions();
  let columns: Map<string, number> | undefined;
  let current: MutableEntry | undefined;
  let currentKey = '';
  let rowNumber = 0;
  const counted = { bytes: 0 };

  const handle = (rows: string[][], out: DocumentPart[]): void => {
    const entries: WireEntry[] = [];
    const newUsers: WireUser[] = [];
    for (const cells of rows) {
      rowNumber++;
      if (!columns) {
        columns = readHeader(cells, drift);
        continue;
      }
      const row = readRow(cells, columns, `CSV row ${rowNumber}`, options, drift);
      if (!row) continue;
      dimensions.note(row, out, newUsers);
      const { userId } = row.user;
      const key = `${row.period}|${row.frame.timeFrameId}|${userId}|${row.field}`;
      if (!current || key !== currentKey) {
        if (current) entries.push(current);
        current = { userId, fieldId: row.field, timePeriodId: row.period, timeFrameId: row.frame.timeFrameId };
        currentKey = key;
      }
      applyValue(current, row, options);
    }
    if (newUsers.length > 0) out.push({ kind: 'users', rows: newUsers });
    if (entries.length > 0) out.push({ kind: 'entries', rows: entries });
  };

  const flushParts = function* (parts: DocumentPart[]): Generator<DocumentPart> {
    for (const part of parts) {
      counts[part.kind] += part.rows.length;
      yield part;
    }
  };

  for await (const batch of csvBatches(source, counted)) {
    const error = batchError(batch, rowNumber + 1);
    if (error) throw error;
    const parts: DocumentPart[] = [];
    handle(batch.data, parts);
    yield* flushParts(parts);
  }
  if (!columns) throw new ClariError('clari.decode', 'CSV export is empty: no header row', { kind: 'data' });
  if (current) yield* flushParts([{ kind: 'entries', rows: [current] }]);
  return { counts, missingArrays: [], drift: drift.seen, bytes: counted.bytes };
}

function readHeader(row: string[], drift: DriftCollector): Map<string, number> {
  const names = row.map((name, i) => (i === 0 ? name.replace(/^\uFEFF/, '') : name).trim());
  const map = new Map(names.map((name, i) => [name, i] as const));
  const missing = CSV_HEADER.filter((name) => !map.has(name) && name !== 'Parent Role' && name !== 'Week');
  if (missing.length > 0) {
    throw new ClariError(
      'clari.decode',
      `CSV export lacks column(s) ${missing.join(', ')}; header was: ${names.join(',')}`,
      { kind: 'data' },
    );
  }
  for (const name of names) if (!(CSV_HEADER as readonly string[]).includes(name)) drift.note(`csv.column:${name}`);
  return map;
}

function csvError(where: string, problem: string): ClariError {
  return new ClariError('clari.decode', `Export CSV: ${where} ${problem}`, { kind: 'data', details: { where } });
}
