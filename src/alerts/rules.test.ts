import { describe, expect, it } from 'vitest';
import type { ForecastEvent } from '../changes/index.js';
import {
  DEFAULT_RULES,
  evaluate,
  type ForecastRuleSpec,
  type OpsEvent,
  type OwnerPlace,
  type RuleSpec,
} from './rules.js';

const event = (over: Partial<ForecastEvent> = {}): ForecastEvent => ({
  kind: 'changed',
  forecastId: 'net_new_arr',
  period: '2026_Q4',
  snapshot: '2026-11-24',
  previousSnapshot: '2026-11-23',
  userId: 'u1',
  ownerName: 'Dana',
  ownerEmail: 'dana@example.com',
  fieldId: 'fc_commit',
  fieldName: 'Commit',
  previous: 400_000,
  current: 500_000,
  change: 100_000,
  changePct: 25,
  quota: 1_000_000,
  ...over,
});

const swing = (over: Partial<ForecastRuleSpec> = {}): ForecastRuleSpec => ({
  type: 'forecast_swing',
  name: 'swing',
  severity: 'warning',
  channels: [],
  percent: 20,
  minAmount: 10_000,
  minPercentOfQuota: 0,
  direction: 'any',
  minHistory: 4,
  scope: { forecasts: [], fields: [], hierarchy: [] },
  ...over,
});

const nowhere = (_userId: string): OwnerPlace | undefined => undefined;
const fired = (rules: readonly RuleSpec[], events: ForecastEvent[], ops: OpsEvent[] = [], place = nowhere) =>
  evaluate(rules, events, ops, place).map((c) => c.rule.name);

describe('forecast rules', () => {
  it('the defaults always alert on a $100,000 move of a $400,000 call, and not on small numbers', () => {
    expect(fired(DEFAULT_RULES, [event()])).toEqual(['call-swing']);
    expect(
      fired(DEFAULT_RULES, [event({ previous: 400_000, current: 300_000, change: -100_000, changePct: -25 })]),
    ).toEqual(['call-swing']);
    // 50% of $10,000 is $5,000: under the floor.
    expect(fired(DEFAULT_RULES, [event({ previous: 10_000, current: 15_000, change: 5_000, changePct: 50 })])).toEqual(
      [],
    );
    // 10% is under 20%.
    expect(
      fired(DEFAULT_RULES, [event({ previous: 1_000_000, current: 1_100_000, change: 100_000, changePct: 10 })]),
    ).toEqual([]);
  });

  it('applies the floor as the larger of dollars and percent of quota', () => {
    const rule = swing({ minAmount: 1_000, minPercentOfQuota: 20 });
    expect(fired([rule], [event({ quota: 1_000_000 })])).toEqual([]); // $100k < 20% of $1M
    expect(fired([rule], [event({ quota: 400_000 })])).toEqual(['swing']); // $100k >= $80k
  });

  it('respects direction, and treats a move from zero as a full swing once past the floor', () => {
    expect(fired([swing({ direction: 'down' })], [event()])).toEqual([]);
    expect(fired([swing({ direction: 'up' })], [event()])).toEqual(['swing']);
    expect(fired([swing()], [event({ previous: 0, current: 50_000, change: 50_000, changePct: null })])).toEqual([
      'swing',
    ]);
  });

  it('uses the robust z-score instead of the percent once enough history exists', () => {
    const rule = swing({ robustZ: 3.5 });
    // A 25% move that is ordinary for this owner at this week of the quarter: no alert.
    expect(fired([rule], [event({ robustZ: 1.2, historyN: 6 })])).toEqual([]);
    // A 12% move far outside the usual: alert.
    expect(fired([rule], [event({ change: 60_000, changePct: 12, robustZ: -4.1, historyN: 6 })])).toEqual(['swing']);
    // Not enough history: back to the percent test.
    expect(fired([rule], [event({ robustZ: 1.2, historyN: 2 })])).toEqual(['swing']);
  });

  it('filters by forecast, field (id or name) and hierarchy (own node or a manager above)', () => {
    const place = (id: string): OwnerPlace | undefined =>
      id === 'u1'
        ? { nodes: ['00E1', 'AE - West 3', '00E0', 'VP Sales - West'], managerEmails: ['vp@example.com'] }
        : undefined;
    expect(fired([swing({ scope: { forecasts: ['renewals'], fields: [], hierarchy: [] } })], [event()])).toEqual([]);
    expect(fired([swing({ scope: { forecasts: [], fields: ['Commit'], hierarchy: [] } })], [event()])).toEqual([
      'swing',
    ]);
    expect(fired([swing({ scope: { forecasts: [], fields: ['fc_best_case'], hierarchy: [] } })], [event()])).toEqual(
      [],
    );
    expect(
      fired([swing({ scope: { forecasts: [], fields: [], hierarchy: ['VP Sales - West'] } })], [event()], [], place),
    ).toEqual(['swing']);
    expect(
      fired([swing({ scope: { forecasts: [], fields: [], hierarchy: ['VP Sales - East'] } })], [event()], [], place),
    ).toEqual([]);
  });

  it('matches each rule type to its event kind', () => {
    const rules: RuleSpec[] = [
      swing({ type: 'new_owner', name: 'new' }),
      swing({ type: 'quota_change', name: 'quota' }),
      {
        type: 'stale_submission',
        name: 'stale',
        severity: 'info',
        channels: [],
        weeks: 3,
        scope: { forecasts: [], fields: [], hierarchy: [] },
      },
    ];
    const events = [
      event({ kind: 'new_owner', previous: null, current: 50_000, change: 50_000, changePct: null }),
      event({ kind: 'quota_changed', previous: 1_000_000, current: 1_300_000, change: 300_000, changePct: 30 }),
      event({ kind: 'stale_submission', staleWeeks: 2 }),
      event({ kind: 'stale_submission', staleWeeks: 4, userId: 'u2' }),
    ];
    expect(fired(rules, events)).toEqual(['new', 'quota', 'stale']);
  });

  it('fingerprints by rule, owner, field and direction', () => {
    const [up] = evaluate([swing()], [event()], [], nowhere);
    const [down] = evaluate([swing()], [event({ change: -100_000, changePct: -25 })], [], nowhere);
    expect(up!.fingerprint).toBe('swing|net_new_arr|2026_Q4|u1|fc_commit|up');
    expect(down!.fingerprint).toBe('swing|net_new_arr|2026_Q4|u1|fc_commit|down');
  });
});

describe('operational rules', () => {
  const failure = (kind: 'export_failed' | 'empty_export', code: string): OpsEvent => ({
    kind,
    forecastId: 'f',
    period: '2026_Q4',
    code,
    message: 'm',
  });

  it('gives an empty export to the empty-export rule, other failures to export-failed', () => {
    expect(
      fired(
        DEFAULT_RULES,
        [],
        [failure('empty_export', 'data.empty_export'), failure('export_failed', 'clari.timeout')],
      ),
    ).toEqual(['empty-export', 'export-failed']);
    const onlyFailed = DEFAULT_RULES.filter((r) => r.type !== 'empty_export');
    expect(fired(onlyFailed, [], [failure('empty_export', 'data.empty_export')])).toEqual(['export-failed']);
  });

  it('low quota by count or percent, stale data by hours', () => {
    const rules: RuleSpec[] = [
      { type: 'low_quota', name: 'quota', severity: 'warning', channels: [], below: 50 },
      { type: 'stale_data', name: 'stale', severity: 'warning', channels: [], hours: 26 },
    ];
    expect(fired(rules, [], [{ kind: 'low_quota', left: 49, limit: 1000 }])).toEqual(['quota']);
    expect(fired(rules, [], [{ kind: 'low_quota', left: 51, limit: 1000 }])).toEqual([]);
    expect(
      fired(
        [{ type: 'low_quota', name: 'pct', severity: 'warning', channels: [], belowPercent: 10 }],
        [],
        [{ kind: 'low_quota', left: 99, limit: 1000 }],
      ),
    ).toEqual(['pct']);
    expect(fired(rules, [], [{ kind: 'stale_data', forecastId: 'f', lastSuccess: 'x', hoursSince: 30 }])).toEqual([
      'stale',
    ]);
    expect(fired(rules, [], [{ kind: 'stale_data', forecastId: 'f', lastSuccess: 'x', hoursSince: 3 }])).toEqual([]);
    expect(fired(rules, [], [{ kind: 'stale_data', forecastId: 'f', lastSuccess: null, hoursSince: null }])).toEqual([
      'stale',
    ]);
  });
});
