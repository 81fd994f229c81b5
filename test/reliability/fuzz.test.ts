/**
 * Property-based fuzzing (fast-check) of the result decoder, the transform and the load: random and
 * malformed export documents (missing arrays, wrong types, NaN, huge numbers, duplicate keys,
 * unknown fields, unicode, quotes and SQL-looking strings) either load exactly what they contain,
 * or fail with a typed error and load nothing. Never a crash, never half a load.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateWarehouse } from '../../src/analytics/index.js';
import { decodeResults } from '../../src/clari/index.js';
import { isAppError } from '../../src/core/index.js';
import { loadSnapshot } from '../../src/pipeline/index.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/index.js';

const PERIOD = '2026_Q2';
const nasty = fc.constantFrom(
  "O'Brien",
  'Zoë "Z"',
  "'; DROP TABLE clari_users; --",
  '雪\u0000\u2028',
  '<script>',
  'a\tb\nc',
  '\\',
  '',
);
const id = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }),
  nasty.filter((s) => s !== ''),
  fc.integer({ min: 1, max: 999 }),
);
const amount = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -1_000_000, max: 10_000_000 }),
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e16, -2e17, 1e300, 0.005, 0.285),
  fc.constantFrom('12.5', 'abc', true, {}, []),
);

interface Shape {
  entries: unknown[];
  raw?: string;
}

const entry = fc.record(
  {
    userId: id,
    fieldId: fc.constantFrom('fc_commit', 'fc_best', 'quota'),
    timePeriodId: fc.oneof(
      { weight: 9, arbitrary: fc.constant(PERIOD) },
      { weight: 1, arbitrary: fc.constant('2031_Q1') },
    ),
    timeFrameId: fc.constantFrom('TF:2026-04-01', 'TF:2026-04-08'),
    forecastValue: amount,
    quotaValue: amount,
    isUpdated: fc.oneof(fc.boolean(), fc.constant(null), fc.constant('yes')),
    currency: fc.oneof(fc.constant({ code: 'USD', symbol: '$' }), fc.constant(null)),
    surprise: fc.string(),
  },
  { requiredKeys: ['timePeriodId', 'timeFrameId'] },
);

/** A document, sometimes broken at the text level (NaN, a cut, a duplicate key). */
const documentText = fc
  .record({
    entries: fc.array(entry, { maxLength: 12 }),
    dropArrays: fc.boolean(),
    corruption: fc.constantFrom('none', 'none', 'none', 'nan', 'cut', 'dupkey', 'notarray'),
  })
  .map(({ entries, dropArrays, corruption }) => {
    const doc: Record<string, unknown> = {
      entries,
      users: [{ userId: 'u', name: "'; DELETE FROM clari_forecasts; --", email: 'x@y' }],
    };
    if (!dropArrays)
      Object.assign(doc, {
        fields: [{ fieldId: 'fc_commit', fieldName: 'Commit', fieldType: 'forecast' }],
        timePeriods: [{ timePeriodId: PERIOD, startDate: '2026-04-01', endDate: '2026-06-30' }],
        timeFrames: [],
      });
    let text = JSON.stringify(doc);
    if (corruption === 'nan') text = text.replace(/"forecastValue":[^,}]+/, '"forecastValue":NaN');
    if (corruption === 'cut') text = text.slice(0, Math.max(1, Math.floor(text.length * 0.7)));
    if (corruption === 'dupkey') text = text.replace('{"userId":', '{"userId":"dup","userId":');
    if (corruption === 'notarray')
      text = text.replace('"entries":[', '"entries":{"x":[').replace(/\],"users"/, ']},"users"');
    return text;
  });

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  const b = Buffer.from(text, 'utf8');
  for (let i = 0; i < b.length; i += 97) yield b.subarray(i, i + 97);
  await Promise.resolve();
}

const cents = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  roundingMode: 'halfExpand',
  useGrouping: false,
});

/** What a correct load must contain, computed with JSON.parse and the documented rules; undefined when it must fail. */
function oracle(text: string): Map<string, string> | undefined {
  let doc: Shape;
  try {
    doc = JSON.parse(text) as Shape;
  } catch {
    return undefined;
  }
  if (!Array.isArray(doc.entries)) return undefined;
  const out = new Map<string, string>();
  const money = (v: unknown): string | null | undefined => {
    if (v === undefined || v === null) return null;
    const n = typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) >= 1e16) return undefined;
    // Rounded from the number's decimal text, half away from zero (0.285 -> 0.29), as documented.
    return cents.format(n).replace(/^-0\.00$/, '0.00');
  };
  for (const raw of doc.entries) {
    const e = raw as Record<string, unknown>;
    const ok = (v: unknown): boolean =>
      (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));
    if (!ok(e.userId) || !ok(e.fieldId) || !ok(e.timePeriodId) || !ok(e.timeFrameId)) return undefined;
    if (e.timePeriodId !== PERIOD) return undefined;
    if (e.isUpdated !== undefined && e.isUpdated !== null && typeof e.isUpdated !== 'boolean') return undefined;
    const f = money(e.forecastValue);
    const q = money(e.quotaValue);
    if (f === undefined || q === undefined) return undefined;
    const key = `${String(e.timeFrameId)}|${String(e.userId)}|${String(e.fieldId)}`;
    const value = JSON.stringify([f, q, e.isUpdated ?? null]);
    const before = out.get(key);
    if (before !== undefined && before !== value) return undefined; // conflicting duplicate
    out.set(key, value);
  }
  return out;
}

describe('fuzzing decode + transform + load', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await openWarehouse('duckdb::memory:');
    await migrateWarehouse(wh, () => '2026-01-01 00:00:00');
  });
  afterAll(() => wh.close());

  it('loads exactly what a document contains, or fails typed and loads nothing', async () => {
    let day = 0;
    await fc.assert(
      fc.asyncProperty(documentText, async (text) => {
        await wh.exec('DELETE FROM clari_forecast_entries');
        await wh.exec('DELETE FROM clari_snapshots');
        const asOf = `2026-05-${String((day++ % 28) + 1).padStart(2, '0')}`;
        const expected = oracle(text);
        let error: unknown;
        try {
          await wh.transaction((tx) =>
            loadSnapshot(tx, {
              snapshot: { forecastId: 'f', period: PERIOD, asOf },
              runId: 'fuzz',
              jobId: 'j',
              payloadSha256: undefined,
              exportedAt: 0,
              now: 0,
              allowTruncated: false,
              parts: decodeResults(
                { format: 'JSON', body: bytes(text), status: 200, headers: new Headers() },
                { requestedPeriod: PERIOD },
              ),
            }),
          );
        } catch (e) {
          error = e;
        }
        const rows = await wh.query<Record<string, string | boolean | null>>(
          'SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, is_updated FROM clari_forecast_entries',
        );
        if (error !== undefined || expected === undefined) {
          expect(isAppError(error), `${String(error)} for ${text.slice(0, 200)}`).toBe(true);
          expect(expected, `should have loaded: ${text.slice(0, 300)}`).toBeUndefined();
          expect(rows).toEqual([]);
          return;
        }
        const loaded = new Map(
          rows.map((r) => [
            `${String(r.time_frame_id)}|${String(r.user_id)}|${String(r.field_id)}`,
            JSON.stringify([r.forecast_value, r.quota_value, r.is_updated]),
          ]),
        );
        expect(loaded).toEqual(expected);
      }),
      { numRuns: 120, seed: 20261124 },
    );
  });
});
