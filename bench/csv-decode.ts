/**
 * csv_decode: the CSV export decoder (src/clari/csv.ts: Papa Parse underneath, Clari's long format
 * and formatted money on top) against its baseline, Papa Parse alone counting the records of the
 * same generated stream, and its memory at 1x and 2x the export size. The export is generated in
 * 64 KB chunks and never held whole, so peak RSS is the decoder's own: streaming means the larger
 * export needs about the same memory. Full scale: 2,600,000 rows (~330 MB of CSV).
 */
import Papa from 'papaparse';
import { Readable } from 'node:stream';
import { CSV_HEADER, decodeForecastCsv } from '../src/clari/index.js';
import { medianOf, measure, note, report, samplesFor, scaleArg } from './lib/measure.js';

const DATA_TYPES = ['Forecast Value', 'Quota Value', 'Adjustment Value', 'CRM Total Value', 'CRM Closed Value'];
const FIELDS = ['Commit', 'Best Case', 'Pipeline', 'Quota'];
const WEEKS = 13;
/** Rows per owner: fields x weeks x (five amounts + Forecast Updated). */
const ROWS_PER_USER = FIELDS.length * WEEKS * (DATA_TYPES.length + 1);

function usDate(day: number): string {
  const d = new Date(Date.UTC(2026, 9, 5) + day * 86_400_000);
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

/** "$12,345,678.00" without Intl (which would cost more than the parsing measured). */
function money(dollars: number): string {
  const digits = String(dollars);
  let out = '';
  for (let i = 0; i < digits.length; i++) out += (i > 0 && (digits.length - i) % 3 === 0 ? ',' : '') + digits[i];
  return `"$${out}.00"`;
}

/** A Clari CSV export of `users` owners in ~64 KB chunks: quoted names and formatted money, as Clari writes them. */
// eslint-disable-next-line @typescript-eslint/require-await -- an async source, as a download is
async function* csvExport(users: number): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let text = `${CSV_HEADER.join(',')}\n`;
  for (let u = 0; u < users; u++) {
    const who = `"Owner ${u}, Jr.",owner${u}@example.com,0055g${String(u).padStart(8, '0')}AAZ,AE - West ${u % 40},VP Sales - West`;
    for (const field of FIELDS) {
      for (let w = 0; w < WEEKS; w++) {
        const week = `Q4 FY 2026,${field},${w + 1},${usDate(w * 7)},${usDate(w * 7 + 6)}`;
        for (const [i, type] of DATA_TYPES.entries()) {
          text += `${who},${week},${type},${money((u * 7919 + w * 104729 + i * 15485863) % 99_999_999)}\n`;
        }
        text += `${who},${week},Forecast Updated,${w % 3 === 0 ? 'Yes' : 'No'}\n`;
        if (text.length >= 1 << 16) {
          yield encoder.encode(text);
          text = '';
        }
      }
    }
  }
  yield encoder.encode(text);
}

async function generateOnly(users: number): Promise<number> {
  let bytes = 0;
  for await (const chunk of csvExport(users)) bytes += chunk.byteLength;
  return bytes;
}

async function decode(users: number): Promise<number> {
  let entries = 0;
  for await (const part of decodeForecastCsv(csvExport(users), { currencyCode: 'USD' }))
    if (part.kind === 'entries') entries += part.rows.length;
  return entries;
}

/** Papa Parse alone over the same stream, the records only counted. */
function bareParse(users: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let records = 0;
    Papa.parse<string[]>(Readable.from(textOf(csvExport(users))), {
      delimiter: ',',
      chunk: (batch) => void (records += batch.data.length),
      complete: () => resolve(records),
      error: reject,
    });
  });
}

async function* textOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
}

const scale = scaleArg();
const users = Math.max(10, Math.round(10_000 * scale));
const runs = samplesFor(scale, 3);
const baseline = await medianOf(runs, () => measure(() => bareParse(users)));
const one = await medianOf(runs, () => measure(() => decode(users)));
const two = await medianOf(runs, () => measure(() => decode(users * 2)));
const generated = await medianOf(runs, () => measure(() => generateOnly(users)));
const bytes = generated.value;
if (baseline.value !== users * ROWS_PER_USER + 1) throw new Error(`bare parse read ${baseline.value} records`);
if (one.value !== users * FIELDS.length * WEEKS) throw new Error(`decoded ${one.value} entries`);
note(
  `csv_decode: ${(users * ROWS_PER_USER).toLocaleString('en-US')} CSV rows (${(bytes / 2 ** 20).toFixed(0)} MB, ${one.value.toLocaleString('en-US')} entries), generated as a stream; median of ${runs}`,
);
report('csv_decode_rows', users * ROWS_PER_USER);
report('csv_decode_seconds', one.seconds);
report('csv_bare_parse_seconds', baseline.seconds);
report('csv_generate_seconds', generated.seconds);
report('csv_decode_vs_bare_parse', one.seconds / baseline.seconds);
// Net of producing the stream, which both pay.
report('csv_decode_vs_bare_parse_net', (one.seconds - generated.seconds) / (baseline.seconds - generated.seconds));
report('csv_decode_rows_per_second', (users * ROWS_PER_USER) / one.seconds);
report('csv_decode_peak_rss_mb', one.peakMb);
report('csv_decode_2x_peak_rss_mb', two.peakMb);
report('csv_decode_2x_vs_1x', two.peakMb / one.peakMb);
