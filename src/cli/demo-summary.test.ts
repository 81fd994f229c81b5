import { describe, expect, it } from 'vitest';
import type { Alert } from '../alerts/index.js';
import { alertDigest } from './demo-summary.js';

const swing = (
  userId: string,
  ownerName: string,
  change: number,
  over: Partial<Alert> = {},
  data: Record<string, unknown> = {},
): Alert => ({
  alertId: `${userId}-${change}`,
  rule: 'call-swing',
  severity: 'warning',
  fingerprint: `${userId}-${change}`,
  title: `${ownerName}: Commit moved`,
  fields: [],
  text: '',
  data: {
    kind: 'changed',
    userId,
    ownerName,
    ownerEmail: `${userId}@example.com`,
    forecastId: 'net_new_arr',
    period: '2026_Q4',
    snapshot: '2026-12-07',
    fieldName: 'Commit',
    previous: 1_000_000,
    current: 1_000_000 + change,
    change,
    changePct: change / 10_000,
    ...data,
  },
  ...over,
});

describe('the demo alert digest', () => {
  const managers = new Set(['boss']);
  const alerts = [
    swing('a', 'Ann Reed', 250_000),
    swing('b', 'Sam Lee', -900_000, {}, { snapshot: '2026-12-04' }),
    swing('c', 'Sam Lee', 120_000),
    swing('boss', 'Mia Chen', 5_000_000),
    swing('d', 'Dan Roe', 30_000, { rule: 'big-commit', severity: 'critical' }),
    {
      ...swing('x', '', 0),
      rule: 'export-failed',
      severity: 'critical' as const,
      data: { kind: 'export_failed', forecastId: 'renewals', period: '2026_Q4' },
    },
  ];
  const text = alertDigest(alerts, managers, new Set(['Sam Lee']));

  it('counts alerts by rule, on reps and on managers (roll-ups) apart, over the days they fired', () => {
    expect(text.split('\n')[0]).toMatch(/^Alerts: 6 fired over 2 days, by rule/);
    expect(text).toMatch(/^rule\s+severity\s+alerts\s+on reps\s+on managers\s+other$/m);
    expect(text).toMatch(/^call-swing\s+warning\s+4\s+3\s+1\s+0$/m);
    expect(text).toMatch(/^big-commit\s+critical\s+1\s+1\s+0\s+0$/m);
    expect(text).toMatch(/^export-failed\s+critical\s+1\s+0\s+0\s+1$/m);
    expect(text).not.toContain('[WARNING]');
  });

  it('lists the largest moves on reps only, by dollars, with $ and % and namesakes told apart', () => {
    const rows = text.split('\n').filter((l) => /^2026-12-0\d/.test(l));
    expect(rows.map((r) => r.split(/\s{2,}/)[2])).toEqual([
      'Sam Lee (b@example.com)',
      'Ann Reed',
      'Sam Lee (c@example.com)',
      'Dan Roe',
    ]);
    expect(rows[0]).toMatch(/\$1,000,000\s+\$100,000\s+-\$900,000\s+-90\.0%$/);
    expect(rows[1]).toMatch(/\+\$250,000\s+\+25\.0%$/);
    expect(text).not.toContain('Mia Chen');
  });

  it('says so when nothing fired, and leaves out the "other" column when no alert needs it', () => {
    expect(alertDigest([], managers, new Set())).toBe('Alerts: none fired.\n');
    expect(alertDigest([swing('a', 'Ann Reed', 250_000)], managers, new Set())).not.toMatch(/other/);
  });
});
