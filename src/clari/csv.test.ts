import { describe, expect, it } from 'vitest';
import { decodeForecastCsv, parseMoney, periodFromLabel } from './csv.js';

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

describe('CSV syntax (Papa Parse underneath)', () => {
  let crm = 0;
  const row = (user: string, value: string): string =>
    `${user},a@x,00${++crm},AE,,Q2 FY 2026,Commit,1,04/08/2026,04/14/2026,Forecast Value,${value}`;

  it('reads quotes, doubled quotes, commas and newlines inside quotes, CRLF, and a last row without newline', async () => {
    const text =
      HEADER.replace('\n', '\r\n') +
      row('"Dana ""D"", West\nSide"', '"$1,000.00"') +
      '\r\n' +
      row('Ravi', '"$2,000.00"');
    const { rows } = await decodeAll(text, 5);
    expect(rows.users!.map((u) => (u as { name: string }).name)).toEqual(['Dana "D", West\nSide', 'Ravi']);
    expect(rows.entries!.map((e) => (e as { forecastValue: number }).forecastValue)).toEqual([1000, 2000]);
  });

  it('decodes a UTF-8 character split across chunks, skips blank lines and a byte order mark', async () => {
    const text = '\uFEFF' + HEADER + '\n' + row('Zoë Müller', '"€1,250.00"') + '\n\n';
    for (const size of [1, 2, 3, 1 << 16]) {
      const { rows, summary } = await decodeAll(text, size);
      expect(rows.users!.map((u) => (u as { name: string }).name)).toEqual(['Zoë Müller']);
      expect(rows.entries).toEqual([
        expect.objectContaining({ forecastValue: 1250, currency: { code: 'USD', symbol: '€' } }),
      ]);
      expect(summary.bytes).toBe(Buffer.byteLength(text));
    }
  });

  it("passes on the download's own error unchanged", async () => {
    const cut = new Error('socket hang up');
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source, as a download is
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(HEADER + row('A', '1') + '\n');
      throw cut;
    }
    const gen = decodeForecastCsv(failing(), { requestedPeriod: '2026_Q2' });
    await expect(
      (async () => {
        for await (const part of gen) void part;
      })(),
    ).rejects.toBe(cut);
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

  it('fails clearly on a missing column, a bad amount, a cut-off quote, or no header', async () => {
    await expect(decodeAll('User,Email\nA,b\n')).rejects.toThrow(/lacks column/);
    await expect(
      decodeAll(HEADER + 'A,a@x,005,R,,Q2 FY 2026,Commit,1,04/08/2026,04/14/2026,Forecast Value,lots\n'),
    ).rejects.toThrow(/row 2 has a Forecast Value "lots"/);
    await expect(
      decodeAll(HEADER + 'A,a@x,005,R,,Q2 FY 2026,Commit,1,04/08/2026,04/14/2026,Forecast Value,"$1'),
    ).rejects.toMatchObject({ code: 'clari.truncated_body' });
    await expect(decodeAll('')).rejects.toThrow(/no header row/);
  });

  it('reads quarter labels', () => {
    expect(periodFromLabel('Q2 FY 2026')).toBe('2026_Q2');
    expect(periodFromLabel('Quarter 4 FY2023')).toBe('2023_Q4');
    expect(periodFromLabel('July FY 2023')).toBeUndefined();
  });
});
