import { describe, expect, it } from 'vitest';
import type { DocumentSummary } from './document.js';
import { checkFailure, checkResult } from './result-checks.js';
import type { ExportJob } from './wire.js';

const summary = (
  entries: number,
  drift: Record<string, number> = {},
  missingArrays: DocumentSummary['missingArrays'] = [],
): DocumentSummary => ({
  counts: { entries, users: 1, fields: 1, timePeriods: 1, timeFrames: 1 },
  missingArrays,
  drift,
  bytes: 100,
});
const period = (id: string) => [{ timePeriodId: id, startDate: null, endDate: null }];
const job = (extra: Partial<ExportJob> = {}): ExportJob => ({ jobId: 'j', status: 'DONE', ...extra });

describe('checkResult', () => {
  it('passes a clean export', () => {
    expect(
      checkResult({
        requestedPeriod: '2026_Q2',
        job: job(),
        timePeriods: period('2026_Q2'),
        entryPeriods: new Set(['2026_Q2']),
        summary: summary(10),
      }),
    ).toEqual([]);
  });

  it('fails a silent fallback to another period, from timePeriods or from the entries', () => {
    const fromPeriods = checkResult({
      requestedPeriod: '2026_Q2',
      timePeriods: period('2026_Q4'),
      entryPeriods: new Set(['2026_Q4']),
      summary: summary(3),
    });
    expect(checkFailure(fromPeriods, 'f|2026_Q2')).toMatchObject({
      code: 'clari.period_mismatch',
      kind: 'data',
      message: expect.stringContaining('Clari returned 2026_Q4'),
    });
    const fromEntries = checkResult({
      requestedPeriod: '2026_Q2',
      timePeriods: [],
      entryPeriods: new Set(['2026_Q4']),
      summary: summary(3),
    });
    expect(checkFailure(fromEntries, 'x')?.code).toBe('clari.period_mismatch');
  });

  it('fails truncated exports unless allowed', () => {
    const input = {
      job: job({ rowsTruncated: true }),
      timePeriods: period('2026_Q2'),
      entryPeriods: new Set(['2026_Q2']),
      summary: summary(5),
    };
    expect(checkFailure(checkResult(input), 'x')).toMatchObject({ code: 'clari.export_truncated' });
    expect(checkFailure(checkResult({ ...input, allowTruncated: true }), 'x')).toBeUndefined();
    expect(checkResult({ ...input, allowTruncated: true })).toContainEqual(
      expect.objectContaining({ code: 'truncated', severity: 'warning' }),
    );
  });

  it('reports empty exports and drift as warnings, so the rows still load', () => {
    const checks = checkResult({
      job: job({ status: 'ARCHIVED' }),
      timePeriods: period('2026_Q2'),
      entryPeriods: new Set(),
      summary: summary(0, { 'entries.newKey': 4 }, ['timeFrames']),
    });
    expect(checks.map((c) => [c.code, c.severity])).toEqual([
      ['empty', 'warning'],
      ['drift', 'warning'],
      ['drift', 'warning'],
      ['drift', 'warning'],
    ]);
    expect(checks[1]!.message).toContain('entries.newKey (4x)');
    expect(checkFailure(checks, 'x')).toBeUndefined();
  });
});
