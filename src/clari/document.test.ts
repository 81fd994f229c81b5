import { describe, expect, it } from 'vitest';
import { decodeForecastJson, type DocumentPart, type DocumentSummary } from './document.js';

const doc = {
  entries: [
    {
      userId: '41822:00E5g',
      fieldId: 'fc_commit',
      timePeriodId: '2026_Q2',
      timeFrameId: 'TF:2026-04-08',
      forecastValue: 1180000.5,
      currency: { code: 'USD', symbol: '$' },
      isUpdated: true,
      updatedBy: '41822',
      updatedOn: 1775829600000,
    },
    {
      userId: '41822:00E5g',
      fieldId: 'fc_commit',
      timePeriodId: '2026_Q2',
      timeFrameId: 'TF:2026-04-01',
      forecastValue: null,
      currency: null,
      isUpdated: false,
      updatedBy: null,
      updatedOn: null,
    },
    {
      userId: '57310:00E5h',
      fieldId: 'quota_q',
      timePeriodId: '2026_Q2',
      timeFrameId: 'TF:2026-04-08',
      quotaValue: -5e5,
    },
  ],
  users: [
    {
      userId: '41822:00E5g',
      name: 'Zoë "Z" O\'Brien \\ 雪',
      email: 'z@example.com',
      crmId: '005',
      scopeId: '41822::MGR',
      hierarchyId: 'h1',
      hierarchyName: 'VP',
      parentHierarchyId: null,
      parentHierarchyName: null,
    },
  ],
  fields: [{ fieldId: 'fc_commit', fieldName: 'Commit', fieldType: 'forecast' }],
  timePeriods: [
    {
      timePeriodId: '2026_Q2',
      type: 'quarter',
      label: 'Quarter 2',
      year: '2026',
      startDate: '2026-04-01',
      endDate: '2026-06-30',
      crmId: '026',
    },
  ],
  timeFrames: [{ timeFrameId: 'TF:2026-04-08', startDate: '2026-04-08', endDate: '2026-04-14' }],
};

// eslint-disable-next-line @typescript-eslint/require-await -- an async source for the decoder
async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decode(
  text: string,
  size = 1 << 20,
): Promise<{ parts: Record<string, unknown[]>; summary: DocumentSummary }> {
  const parts: Record<string, unknown[]> = {};
  const gen = decodeForecastJson(chunks(text, size));
  for (;;) {
    const next = await gen.next();
    if (next.done) return { parts, summary: next.value };
    const part: DocumentPart = next.value;
    (parts[part.kind] ??= []).push(...part.rows);
  }
}

describe('decodeForecastJson', () => {
  it('decodes every array and value type', async () => {
    const { parts, summary } = await decode(JSON.stringify(doc));
    expect(parts.entries).toEqual(doc.entries);
    expect(parts.users).toEqual(doc.users);
    expect(parts.fields).toEqual(doc.fields);
    expect(parts.timePeriods).toEqual(doc.timePeriods);
    expect(parts.timeFrames).toEqual(doc.timeFrames);
    expect(summary.counts).toEqual({ entries: 3, users: 1, fields: 1, timePeriods: 1, timeFrames: 1 });
    expect(summary.drift).toEqual({});
    expect(summary.missingArrays).toEqual([]);
  });

  it('gives the same rows however the bytes are split (escapes, unicode and keys across chunks)', async () => {
    const text = JSON.stringify(doc, null, 1);
    const whole = await decode(text);
    for (const size of [1, 2, 3, 5, 7, 13, 64]) {
      const split = await decode(text, size);
      expect(split.parts).toEqual(whole.parts);
    }
  });

  it('reports unknown keys and members as drift and keeps going', async () => {
    const drifted = {
      ...doc,
      exportMeta: { v: 2 },
      extra: [1, 2],
      entries: doc.entries.map((e) => ({ ...e, forecastCategory: 'commit' })),
    };
    const { parts, summary } = await decode(JSON.stringify(drifted));
    expect(parts.entries).toHaveLength(3);
    expect(summary.drift).toEqual({ '$.exportMeta': 1, '$.extra': 1, 'entries.forecastCategory': 3 });
  });

  it('notes missing arrays', async () => {
    const { summary } = await decode(JSON.stringify({ entries: [], users: [] }));
    expect(summary.missingArrays).toEqual(['fields', 'timePeriods', 'timeFrames']);
  });

  it.each([
    ['a cut-off body', JSON.stringify(doc).slice(0, 150), 'clari.truncated_body'],
    ['a body cut between members', '{"entries":[]', 'clari.truncated_body'],
    ['an array where the document should be', '[1,2]', 'clari.decode'],
    ['garbage', 'not json', 'clari.decode'],
    ['a broken element', '{"entries":[{"userId":}]}', 'clari.decode'],
    ['trailing data', `${JSON.stringify(doc)} {}`, 'clari.decode'],
    ['entries that is not an array', '{"entries":{"a":1}}', 'clari.decode'],
  ])('fails with a typed error on %s', async (_, text, code) => {
    await expect(decode(text)).rejects.toMatchObject({ code });
  });

  it.each([
    ['a missing id', { fieldId: 'f', timePeriodId: 'p', timeFrameId: 't' }, 'entries[0].userId is missing'],
    [
      'an object as amount',
      { userId: 'u', fieldId: 'f', timePeriodId: 'p', timeFrameId: 't', forecastValue: {} },
      'entries[0].forecastValue must be a number',
    ],
    [
      'a string flag',
      { userId: 'u', fieldId: 'f', timePeriodId: 'p', timeFrameId: 't', isUpdated: 'yes' },
      'entries[0].isUpdated must be',
    ],
    ['an entry that is not an object', 42, 'entries[0] must be an object'],
  ])('names the path of %s', async (_, entry, message) => {
    await expect(decode(JSON.stringify({ entries: [entry] }))).rejects.toThrow(message);
  });

  it('accepts numeric strings and numeric ids, reporting them as drift', async () => {
    const { parts, summary } = await decode(
      JSON.stringify({
        entries: [{ userId: 7, fieldId: 'f', timePeriodId: 'p', timeFrameId: 't', forecastValue: '12.5' }],
      }),
    );
    expect(parts.entries).toEqual([
      { userId: '7', fieldId: 'f', timePeriodId: 'p', timeFrameId: 't', forecastValue: 12.5 },
    ]);
    expect(summary.drift).toEqual({ 'entries.userId:number': 1, 'entries.forecastValue:string': 1 });
  });

  it('streams: batches are handed over as chunks arrive, not at the end', async () => {
    const entries = Array.from({ length: 2000 }, (_, i) => ({
      userId: `u${i}`,
      fieldId: 'f',
      timePeriodId: 'p',
      timeFrameId: 't',
      forecastValue: i,
    }));
    const gen = decodeForecastJson(chunks(JSON.stringify({ entries }), 4096));
    let batches = 0;
    for (;;) {
      const next = await gen.next();
      if (next.done) break;
      batches++;
    }
    expect(batches).toBeGreaterThan(5);
  });
});
