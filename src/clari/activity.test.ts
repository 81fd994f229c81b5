/**
 * The deal surfaces' pure parts: offset date-times, the activity request check, the streaming
 * activity decoder (any chunking, truncation, drift), GET /opportunity's records and the decoder of
 * the landed refreshes.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  type ActivityDocumentSummary,
  activityRequestProblem,
  decodeActivityJson,
  offsetDateTime,
  parseOffsetDateTime,
  type WireActivity,
} from './activity.js';
import {
  amountCents,
  closeDateOf,
  decodeOpportunityBatches,
  opportunityErrors,
  opportunityRecord,
  trendDateMs,
  type WireOpportunity,
} from './opportunity.js';

describe('offset date-times', () => {
  it('reads the local date and the offset; refuses bare dates, impossible dates and offsets beyond 18 h', () => {
    expect(parseOffsetDateTime('2026-10-01T00:00:00-05:00')).toEqual({
      date: '2026-10-01',
      offsetMinutes: -300,
      epochMs: Date.parse('2026-10-01T05:00:00Z'),
    });
    expect(parseOffsetDateTime('2026-10-01T23:30:00+0530')?.offsetMinutes).toBe(330);
    expect(parseOffsetDateTime('2026-10-01T23:30Z')?.epochMs).toBe(Date.parse('2026-10-01T23:30:00Z'));
    for (const bad of ['2026-10-01', '2026-02-30T00:00:00Z', '2026-10-01T00:00:00+19:00', '2026-10-01T00:00:00'])
      expect(parseOffsetDateTime(bad), bad).toBeUndefined();
  });

  it('writes a business date in a zone the way the export wants it', () => {
    expect(offsetDateTime('2026-10-01', -300)).toBe('2026-10-01T00:00:00-05:00');
    expect(offsetDateTime('2026-10-01', 330, '23:59:59')).toBe('2026-10-01T23:59:59+05:30');
    expect(offsetDateTime('2026-10-01')).toBe('2026-10-01T00:00:00+00:00');
  });

  it('finds what Clari would refuse in an activity request', () => {
    const ok = {
      activityTypes: ['MEETING'] as const,
      startDate: '2026-10-01T00:00:00Z',
      endDate: '2026-10-01T00:00:00Z',
    };
    expect(activityRequestProblem(ok)).toBeUndefined();
    expect(activityRequestProblem({ ...ok, activityTypes: [] })?.message).toMatch(/types/);
    expect(activityRequestProblem({ ...ok, endDate: '2026-10-02' })?.message).toMatch(/offset/);
    expect(activityRequestProblem({ ...ok, startDate: '2026-10-02T00:00:00Z' })?.message).toMatch(/before it starts/);
  });
});

const activity = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  activityId: id,
  activityType: 'MEETING',
  subject: 'Pricing review: "Q4" \u00e9 }{ ,',
  date: 1_790_000_000_000,
  activityOwnerId: '005A',
  activityOrganiserId: '005A',
  accounts: [{ accountId: '001A', accountName: 'Acme', accountOwnerId: '005A' }],
  opportunities: [{ opportunityId: '006A', opportunityName: 'Acme - Platform', opportunityOwnerId: '005A' }],
  participants: [
    { name: 'Dana', email: 'dana@example.com', sfdcUserId: '005A', isInternal: true },
    { name: 'Contact 1', email: 'c1@acme.example.org', sfdcUserId: '', isInternal: false },
  ],
  ...extra,
});

async function decode(
  text: string,
  chunk: number,
): Promise<{ activities: WireActivity[]; summary: ActivityDocumentSummary }> {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const generator = decodeActivityJson(Readable.from(chunks));
  const activities: WireActivity[] = [];
  for (;;) {
    const next = await generator.next();
    if (next.done) return { activities, summary: next.value };
    activities.push(...next.value);
  }
}

describe('decodeActivityJson', () => {
  const doc = JSON.stringify({
    activities: Array.from({ length: 40 }, (_, i) => activity(`a${i}`, i === 3 ? { sentiment: 'POSITIVE' } : {})),
    pageInfo: { next: null },
  });

  it.each([1, 7, 64, 100_000])('decodes the same activities whatever the chunking (%i bytes)', async (chunk) => {
    const { activities, summary } = await decode(doc, chunk);
    expect(activities.map((a) => a.activityId)).toEqual(Array.from({ length: 40 }, (_, i) => `a${i}`));
    expect(activities[0]).toEqual({ ...activity('a0'), participants: activities[0]!.participants });
    expect(activities[0]!.participants[1]).toEqual({
      name: 'Contact 1',
      email: 'c1@acme.example.org',
      sfdcUserId: '',
      isInternal: false,
    });
    expect(summary).toEqual({
      activities: 40,
      bytes: Buffer.byteLength(doc),
      drift: ['activities.sentiment', 'pageInfo'],
    });
  });

  it('an empty export is an empty list; a document without the array is not an export', async () => {
    expect((await decode('{"activities": []}', 5)).activities).toEqual([]);
    await expect(decode('{}', 5)).rejects.toMatchObject({ code: 'clari.decode', kind: 'data' });
    await expect(decode('{"activities": {}}', 5)).rejects.toMatchObject({ code: 'clari.decode' });
  });

  it('a cut-off document is truncated (fetched again), a broken one is data', async () => {
    await expect(decode(doc.slice(0, doc.length - 30), 50)).rejects.toMatchObject({
      code: 'clari.truncated_body',
      kind: 'transient',
    });
    await expect(decode('{"activities": [1,]}', 50)).rejects.toMatchObject({ kind: 'data' });
    await expect(decode(JSON.stringify({ activities: [{ activityType: 'MEETING', date: 1 }] }), 50)).rejects.toThrow(
      /no activityId/,
    );
    await expect(decode(JSON.stringify({ activities: [{ activityId: 'x', date: 'soon' }] }), 50)).rejects.toThrow(
      /epoch-ms date/,
    );
  });
});

describe('GET /opportunity records', () => {
  it('reads amounts as exact cents, close dates as dates, trend dates with their offset', () => {
    expect(amountCents('$1,200.50')).toBe(120050);
    expect(amountCents(0.1 + 0.2)).toBe(30);
    expect(amountCents('n/a')).toBeUndefined();
    expect(closeDateOf('2026-12-15')).toBe('2026-12-15');
    expect(closeDateOf('2026-12-15T00:00:00-05:00')).toBe('2026-12-15');
    expect(closeDateOf(Date.parse('2026-12-15T12:00:00Z'))).toBe('2026-12-15');
    expect(trendDateMs('2026-11-20T12:00:00-05:00')).toBe(Date.parse('2026-11-20T17:00:00Z'));
    expect(trendDateMs(1_790_000_000_000)).toBe(1_790_000_000_000);
    expect(trendDateMs('last week')).toBeUndefined();
  });

  it('one record per opportunity: fields by id, CRM score and message, every readable trend point', () => {
    const record = opportunityRecord({
      id: '006A',
      crmScore: { score: 42, message: 'No meeting in 12 days' },
      fields: [
        { id: 'opportunity.name', value: 'Acme - Platform' },
        { id: 'opportunity.ownerId', value: '005A' },
        {
          id: 'opportunity.amount',
          value: '120000',
          trendHistory: [
            { oldValue: 100000, newValue: '120000', date: '2026-11-13T12:00:00-05:00' },
            { oldValue: 90000, newValue: 100000, date: 'yesterday' },
          ],
        },
        { id: 'opportunity.stage', value: 'Proposal' },
        { id: 'opportunity.closeDate', value: '2027-01-14' },
      ],
    });
    expect(record).toEqual({
      opportunityId: '006A',
      name: 'Acme - Platform',
      ownerCrmId: '005A',
      amountCents: 12_000_000,
      stage: 'Proposal',
      closeDate: '2027-01-14',
      crmScore: 42,
      crmScoreMessage: 'No meeting in 12 days',
      history: [
        {
          fieldId: 'opportunity.amount',
          oldValue: '100000',
          newValue: '120000',
          changedAt: Date.parse('2026-11-13T17:00:00Z'),
        },
      ],
      badDates: 1,
    });
    expect(opportunityRecord({ id: '006B', fields: [] })).toMatchObject({ amountCents: null, crmScore: null });
  });

  it("recognises Clari's error array, misspelt reaspnPhrase and all, and nothing else", () => {
    expect(opportunityErrors([{ statusCode: 500, reaspnPhrase: 'Internal Server Error', description: 'x' }])).toEqual({
      statusCode: 500,
      text: '[{"statusCode":500,"reaspnPhrase":"Internal Server Error","description":"x"}]',
    });
    expect(opportunityErrors([{ id: '006A', fields: [] }])).toBeUndefined();
    expect(opportunityErrors([])).toBeUndefined();
  });
});

describe('decodeOpportunityBatches (a landed refresh)', () => {
  const answers = [
    [
      { id: '006A', fields: [{ id: 'opportunity.amount', value: '$1,200.50' }] },
      { id: '006B', fields: [] },
    ],
    [{ id: '006C', crmScore: { score: '7', message: null }, fields: [] }],
  ];
  const doc = JSON.stringify({ landedAt: 'x', batches: answers });

  async function read(text: string, chunk: number): Promise<{ batches: WireOpportunity[][]; summary: unknown }> {
    const bytes = Buffer.from(text, 'utf8');
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
    const generator = decodeOpportunityBatches(Readable.from(chunks));
    const batches: WireOpportunity[][] = [];
    for (;;) {
      const next = await generator.next();
      if (next.done) return { batches, summary: next.value };
      batches.push(next.value);
    }
  }

  it.each([1, 9, 100_000])('yields one batch per answer whatever the chunking (%i bytes)', async (chunk) => {
    const { batches, summary } = await read(doc, chunk);
    expect(batches.map((b) => b.map((o) => o.id))).toEqual([['006A', '006B'], ['006C']]);
    expect(batches[1]![0]!.crmScore).toEqual({ score: 7, message: null });
    expect(summary).toEqual({ batches: 2, opportunities: 3 });
  });

  it('a cut-off or broken landed file is a decode error (fetching again would not mend it), no batches too', async () => {
    await expect(read(doc.slice(0, -20), 16)).rejects.toMatchObject({
      code: 'clari.decode',
      kind: 'data',
      message: expect.stringMatching(/landed refresh is truncated/),
    });
    await expect(read('{"batches": [[{"id": }]]}', 16)).rejects.toThrow(/landed refresh is malformed/);
    await expect(read('{"landedAt": "x"}', 16)).rejects.toThrow(/has no batches/);
  });
});
