import { describe, expect, it } from 'vitest';
import { CsvTokenizer, decodeForecastCsv, parseMoney, periodFromLabel } from './csv.js';

// eslint-disable-next-line @typescript-eslint/require-await -- an async source for the decoder
async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decodeAll(text: string, size = 1 << 16) {
  const rows: Record<string, unknown[]> = {};
  const gen = decodeForecastCsv(chunks(text, size), { requestedPeriod: '2026_Q2', currencyCode: 'USD' });
  for (;;) {
    const next = await gen.next();
    if (next.done) return { rows, summary: next.value };
    (rows[next.value.kind] ??= []).push(...next.value.rows);
  }
}

const HEADER = 'User,Email,CRM User ID,Role,Parent Role,Timeframe,Field,Week,Start Day,End Day,Data Type,Data Value\n';

describe('CsvTokenizer', () => {
  it('handles quotes, doubled quotes, commas and newlines inside quotes, CRLF', () => {
    const t = new CsvTokenizer();
    const rows = [...t.write('a,"b, ""c""\nd",e\r\n'), ...t.write('x,'), ...t.write('"y"\n')];
    expect(rows).toEqual([
      ['a', 'b, "c"\nd', 'e'],
      ['x', 'y'],
    ]);
    expect(t.end()).toEqual({ rows: [], unterminatedQuote: false });
  });
  it('flushes a last row without newline and reports an open quote', () => {
    const t = new CsvTokenizer();
    t.write('a,b');
    expect(t.end().rows).toEqual([['a', 'b']]);
    const u = new CsvTokenizer();
    u.write('a,"b');
    expect(u.end().unterminatedQuote).toBe(true);
  });
});

describe('parseMoney', () => {
  it.each([
    ['$3,000,190.00', 3000190, '$'],
    ['-$1,000.50', -1000.5, '$'],
    ['($1,000.00)', -1000, '$'],
    ['0', 0, ''],
    ['€12.50', 12.5, '€'],
    ['1,234', 1234, ''],
  ])('%s', (text, value, symbol) => {
    expect(parseMoney(text)).toEqual({ value, symbol });
  });
  it('reads blanks as null and rejects non-amounts', () => {
    expect(parseMoney('')).toEqual({ value: null, symbol: '' });
    expect(parseMoney('Yes')).toBeUndefined();
    expect(parseMoney('1.2.3')).toBeUndefined();
  });
});

describe('decodeForecastCsv', () => {
  const body =
    HEADER +
    'Ravi Menon,ravi@example.com,0055g00000AbCdFAAZ,AE - West,VP Sales - West,Q2 FY 2026,Commit,1,04/08/2026,04/14/2026,Forecast Value,"$640,000.00"\n' +
    'Ravi Menon,ravi@example.com,0055g00000AbCdFAAZ,AE - West,VP Sales - West,Q2 FY 2026,Commit,1,04/08/2026,04/14/2026,Forecast Updated,Yes\n' +
    '"Dana ""D"" Whitfield",dana@example.com,0055g00000AbCdEAAZ,VP Sales - West,,Q2 FY 2026,Quota,1,04/08/2026,04/14/2026,Quota Value,"$1,500,000.00"\n';

  it('turns long-format rows into entries, users, fields and weeks', async () => {
    const { rows } = await decodeAll(body);
    expect(rows.entries).toEqual([
      {
        userId: 'csv:0055g00000AbCdFAAZ:AE - West',
        fieldId: 'Commit',
        timePeriodId: '2026_Q2',
        timeFrameId: 'TF:2026-04-08',
        forecastValue: 640000,
        currency: { code: 'USD', symbol: '$' },
        isUpdated: true,
      },
      {
        userId: 'csv:0055g00000AbCdEAAZ:VP Sales - West',
        fieldId: 'Quota',
        timePeriodId: '2026_Q2',
        timeFrameId: 'TF:2026-04-08',
        quotaValue: 1500000,
        currency: { code: 'USD', symbol: '$' },
      },
    ]);
    expect(rows.users).toHaveLength(2);
    expect(rows.users![1]).toMatchObject({
      name: 'Dana "D" Whitfield',
      hierarchyName: 'VP Sales - West',
      parentHierarchyName: null,
    });
    expect(rows.fields!.map((f) => (f as { fieldId: string }).fieldId)).toEqual(['Commit', 'Quota']);
    expect(rows.timeFrames).toEqual([{ timeFrameId: 'TF:2026-04-08', startDate: '2026-04-08', endDate: '2026-04-14' }]);
  });

  it('is independent of chunking', async () => {
    const whole = await decodeAll(body);
    expect((await decodeAll(body, 7)).rows).toEqual(whole.rows);
  });

  it('fails clearly on a missing column, a bad amount, or a cut-off quote', async () => {
    await expect(decodeAll('User,Email\nA,b\n')).rejects.toThrow(/lacks column/);
    await expect(
      decodeAll(HEADER + 'A,a@x,005,R,,Q2 FY 2026,Commit,1,04/08/2026,04/14/2026,Forecast Value,lots\n'),
    ).rejects.toThrow(/row 2 has a Forecast Value "lots"/);
    await expect(
      decodeAll(HEADER + 'A,a@x,005,R,,Q2 FY 2026,Commit,1,04/08/2026,04/14/2026,Forecast Value,"$1'),
    ).rejects.toMatchObject({ code: 'clari.truncated_body' });
  });

  it('reads quarter labels', () => {
    expect(periodFromLabel('Q2 FY 2026')).toBe('2026_Q2');
    expect(periodFromLabel('Quarter 4 FY2023')).toBe('2023_Q4');
    expect(periodFromLabel('July FY 2023')).toBeUndefined();
  });
});
