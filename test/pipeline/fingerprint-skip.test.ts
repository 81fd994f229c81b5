/**
 * A fingerprint-skipping load (src/pipeline/load-skip.ts) against a full load of the same payloads,
 * on a real DuckDB file and a real PostgreSQL database: day after day of changed, added, removed,
 * reordered and re-serialised entries, renamed users and a field that changes kind, loaded into
 * two warehouses, one skipping and one reading every payload in full. Every table the load writes
 * must be equal, row for row, and the loader's counters must show the skip (and the JSON fast path)
 * was taken, so this fails if either stops being used. Payloads the skip cannot prove safe (a
 * `},{` inside a string, a repeated key) must fall back to the full read and give the same result.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateWarehouse } from '../../src/analytics/index.js';
import { decodeResults, type FingerprintSet } from '../../src/clari/index.js';
import { isAppError } from '../../src/core/index.js';
import { loadSnapshot, type LoadOutcome } from '../../src/pipeline/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const PERIOD = '2026_Q4';
const FORECAST = 'net_new_arr';
const WEEKS = Array.from({ length: 13 }, (_, w) => `TF:2026-10-${String(5 + w * 7).padStart(2, '0')}`).map((tf, w) =>
  w < 4 ? tf : `TF:2026-${w < 8 ? '11' : '12'}-${String(((w * 7 + 5 - 31) % 30) + 1).padStart(2, '0')}`,
);
const CALLS = ['fc_commit', 'fc_best_case', 'fc_pipeline'];

type Entry = Record<string, unknown>;
interface Doc {
  entries: Entry[];
  users: Entry[];
  fields: Entry[];
  timePeriods: Entry[];
  timeFrames: Entry[];
}

function user(u: number, name = `Owner ${u}`): Entry {
  return {
    userId: `u${u}`,
    name,
    email: `owner.${u}@example.com`,
    crmId: `005${u}`,
    scopeId: `${u}::MGR`,
    hierarchyId: `h${u}`,
    hierarchyName: `Team ${u}`,
    parentHierarchyId: u < 5 ? null : `h${u % 5}`,
    parentHierarchyName: u < 5 ? null : `Team ${u % 5}`,
  };
}

function entry(u: number, field: string, w: number, value: number): Entry {
  const base = { userId: `u${u}`, fieldId: field, timePeriodId: PERIOD, timeFrameId: WEEKS[w]! };
  if (field === 'quota') return { ...base, quotaValue: value, currency: { code: 'USD', symbol: '$' } };
  return {
    ...base,
    forecastValue: value,
    adjustmentValue: field === 'fc_commit' && u % 4 === 0 ? value - 100 : null,
    crmTotalValue: Math.round(value * 0.9),
    crmClosedValue: Math.round(value * 0.3),
    currency: { code: 'USD', symbol: '$' },
    isUpdated: (u + w) % 3 === 0,
    updatedBy: (u + w) % 3 === 0 ? `u${u}` : null,
    updatedOn: (u + w) % 3 === 0 ? Date.UTC(2026, 9, 5 + w * 7, 15) : null,
  };
}

/** 60 owners x (3 calls + quota) x 13 weeks: 3,120 entries, ~800 KB, enough for the fast path. */
function day1(): Doc {
  const entries: Entry[] = [];
  for (let u = 0; u < 60; u++)
    for (const field of [...CALLS, 'quota'])
      for (let w = 0; w < WEEKS.length; w++)
        entries.push(entry(u, field, w, field === 'quota' ? 500_000 + u * 1000 : 10_000 + u * 100 + w * 10));
  return {
    entries,
    users: Array.from({ length: 60 }, (_, u) => user(u)),
    fields: [
      { fieldId: 'fc_commit', fieldName: 'Commit', fieldType: 'forecast' },
      { fieldId: 'fc_best_case', fieldName: 'Best Case', fieldType: 'forecast' },
      { fieldId: 'fc_pipeline', fieldName: 'Pipeline', fieldType: 'forecast' },
      { fieldId: 'quota', fieldName: 'Quota', fieldType: 'quota' },
    ],
    timePeriods: [
      {
        timePeriodId: PERIOD,
        type: 'quarter',
        label: 'Q4',
        year: '2026',
        startDate: '2026-10-01',
        endDate: '2026-12-31',
      },
    ],
    timeFrames: WEEKS.map((tf) => ({ timeFrameId: tf, startDate: tf.slice(3), endDate: tf.slice(3) })),
  };
}

/** Entries of `next` whose bytes no entry of `previous` has. */
function newBytes(previous: Doc, next: Doc): number {
  const seen = new Set(previous.entries.map((e) => JSON.stringify(e)));
  return next.entries.filter((e) => !seen.has(JSON.stringify(e))).length;
}

const clone = (doc: Doc): Doc => JSON.parse(JSON.stringify(doc)) as Doc;

/** Moves every 10th call value, removes owner 7's pipeline, adds owner 60, reorders, re-serialises one entry. */
function day2(previous: Doc): Doc {
  const doc = clone(previous);
  doc.entries.forEach((e, i) => {
    if (i % 10 === 3 && e.fieldId !== 'quota') e.forecastValue = (e.forecastValue as number) + 1234;
  });
  doc.entries = doc.entries.filter((e) => !(e.userId === 'u7' && e.fieldId === 'fc_pipeline'));
  for (const field of [...CALLS, 'quota'])
    for (let w = 0; w < WEEKS.length; w++)
      doc.entries.push(entry(60, field, w, field === 'quota' ? 42_000 : 7_000 + w));
  doc.users.push(user(60));
  // Reordered: owners from the last to the first (each entry's own bytes unchanged).
  doc.entries.sort((a, b) => Number(String(b.userId).slice(1)) - Number(String(a.userId).slice(1)));
  // The same values in other bytes (keys in another order): staged, and no new version.
  const moved = doc.entries.findIndex((e) => e.userId === 'u20' && e.fieldId === 'fc_commit');
  doc.entries[moved] = Object.fromEntries(Object.entries(doc.entries[moved]!).reverse());
  return doc;
}

/** Quota moves for every owner in the latest week, owner 7's pipeline returns, owner 3 is renamed, owner 59 leaves. */
function day3(previous: Doc): Doc {
  const doc = clone(previous);
  for (const e of doc.entries)
    if (e.fieldId === 'quota' && e.timeFrameId === WEEKS[12]) e.quotaValue = (e.quotaValue as number) + 5_000;
  for (let w = 0; w < WEEKS.length; w++) doc.entries.push(entry(7, 'fc_pipeline', w, 99_000 + w));
  doc.users[3] = user(3, 'Owner Three (renamed)');
  doc.entries = doc.entries.filter((e) => e.userId !== 'u59');
  return doc;
}

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  // In 256 KB chunks, as a download or the landing hands them over.
  const all = new TextEncoder().encode(text);
  for (let at = 0; at < all.length; at += 1 << 18) {
    yield all.subarray(at, at + (1 << 18));
    await Promise.resolve();
  }
}

async function load(wh: Warehouse, doc: Doc, asOf: string, skipping: boolean): Promise<LoadOutcome> {
  const text = JSON.stringify(doc);
  const decode = (known?: FingerprintSet): ReturnType<typeof decodeResults> =>
    decodeResults(
      { format: 'JSON', body: bytes(text), status: 200, headers: new Headers() },
      { requestedPeriod: PERIOD, known },
    );
  return wh.transaction((tx) =>
    loadSnapshot(tx, {
      snapshot: { forecastId: FORECAST, period: PERIOD, asOf },
      runId: `run-${asOf}`,
      jobId: `job-${asOf}`,
      payloadSha256: `sha-${asOf}-${text.length}`,
      exportedAt: Date.parse(`${asOf}T06:00:00Z`),
      now: Date.parse(`${asOf}T07:00:00Z`),
      allowTruncated: false,
      parts: decode(),
      partsSkipping: skipping ? decode : undefined,
    }),
  );
}

const TABLES = [
  'clari_forecast_entries',
  'clari_forecasts',
  'clari_forecast_changes',
  'clari_snapshots',
  'clari_users',
  'clari_fields',
  'clari_time_frames',
  'clari_time_periods',
];

/** Every row of the tables a load writes, in a canonical order. */
async function contents(wh: Warehouse): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES)
    out[table] = (await wh.query(`SELECT * FROM ${table}`)).map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  return out;
}

describe.each(ENGINES)('fingerprint-skipping load on %s', (engine) => {
  let targets: TestWarehouse[];
  let skipping: Warehouse;
  let full: Warehouse;

  beforeEach(async () => {
    targets = [await testWarehouse(engine), await testWarehouse(engine)];
    skipping = await targets[0]!.open();
    full = await targets[1]!.open();
    for (const wh of [skipping, full]) await migrateWarehouse(wh, () => '2026-11-01 00:00:00');
  });
  afterEach(async () => {
    for (const wh of [skipping, full]) await wh.close();
    for (const t of targets) await t.dispose();
  });

  it('changed, added, removed, reordered and re-serialised entries: the same warehouse as a full load', async () => {
    const d1 = day1();
    const d2 = day2(d1);
    const d3 = day3(d2);
    const days: [string, Doc][] = [
      ['2026-11-23', d1],
      ['2026-11-24', d2],
      ['2026-11-25', d3],
      ['2026-11-26', d3],
    ];
    const outcomes: LoadOutcome[] = [];
    for (const [asOf, doc] of days) {
      outcomes.push(await load(skipping, doc, asOf, true));
      const reference = await load(full, doc, asOf, false);
      expect(reference.counters?.skipped).toBe(0);
      expect(await contents(skipping), asOf).toEqual(await contents(full));
    }
    const [first, second, third, fourth] = outcomes.map((o) => o.counters!);
    // The first load reads everything, through the fast path.
    expect(first).toMatchObject({ parsed: d1.entries.length, skipped: 0 });
    expect(first!.fastBatches).toBeGreaterThan(0);
    // Day 2: only entries whose bytes are new are decoded (moved values, owner 60, the re-serialised entry).
    expect(second).toMatchObject({ parsed: newBytes(d1, d2), fullReadReason: undefined });
    expect(second!.parsed).toBeGreaterThan(4 * WEEKS.length + 200);
    expect(second!.skipped + second!.parsed).toBe(d2.entries.length);
    expect(second!.fastBatches).toBeGreaterThan(0);
    // Day 3: the quota moves and owner 7's pipeline; the same payload again on day 4 skips everything.
    // (Day 2's re-serialised entry made no new version; its version took the new bytes' fingerprint.)
    expect(third).toMatchObject({ parsed: newBytes(d2, d3), fullReadReason: undefined });
    expect(third!.parsed).toBe(60 + WEEKS.length);
    expect(fourth).toMatchObject({ parsed: 0, skipped: d3.entries.length });
    for (const o of outcomes) expect(o.reconciliation.ok).toBe(true);
    expect(outcomes[3]!.rows).toBe(d3.entries.length);
  }, 120_000);

  it('a `},{` inside a string or a repeated key: the skipping load reads the payload again in full, with the same result', async () => {
    const d1 = day1();
    d1.entries[500]!.updatedBy = 'a},{"x":1},{b';
    await load(skipping, d1, '2026-11-23', true);
    await load(full, d1, '2026-11-23', false);
    const d2 = clone(d1);
    d2.entries[500]!.forecastValue = 1;
    d2.entries[501]!.forecastValue = 2;
    const tricky = await load(skipping, d2, '2026-11-24', true);
    await load(full, d2, '2026-11-24', false);
    expect(tricky.counters?.fullReadReason).toMatch(/not cut where/);
    expect(await contents(skipping)).toEqual(await contents(full));

    // The same key twice with different values: rejected as a full load rejects it.
    const d3 = clone(d2);
    d3.entries.push({ ...d3.entries[10]!, forecastValue: 123 });
    const errors: unknown[] = [];
    for (const [wh, skip] of [
      [skipping, true],
      [full, false],
    ] as const)
      errors.push(await load(wh, d3, '2026-11-25', skip).catch((e: unknown) => e));
    expect(errors.map((e) => (isAppError(e) ? e.code : String(e)))).toEqual([
      'data.duplicate_entry',
      'data.duplicate_entry',
    ]);
    expect(await contents(skipping)).toEqual(await contents(full));
  }, 120_000);
});
