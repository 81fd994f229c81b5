/** The change alert's sentence about the deals behind a call change (alerts/render.ts). */
import { describe, expect, it } from 'vitest';
import type { ForecastEvent } from '../changes/index.js';
import { DEFAULT_RULES } from './rules.js';
import { dealsSentence, renderAlert } from './render.js';

const event = (deals: ForecastEvent['deals']): ForecastEvent => ({
  kind: 'changed',
  forecastId: 'net_new_arr',
  period: '2026_Q4',
  snapshot: '2026-11-24',
  previousSnapshot: '2026-11-23',
  userId: 'u1',
  ownerName: 'Sam Lee',
  ownerEmail: 'sam@example.com',
  fieldId: 'commit',
  fieldName: 'Commit',
  previous: 100,
  current: 50,
  change: -50,
  changePct: -50,
  quota: null,
  deals,
});

describe('dealsSentence', () => {
  it('says how many deals slipped, were pulled in and moved, with their amount changes', () => {
    expect(dealsSentence(event({ moved: 5, slipped: 3, pulledIn: 0, amountChange: -420_000 }))).toBe(
      '3 deals slipped to a later quarter; 5 deals moved in all (-$420,000 in amounts)',
    );
    expect(dealsSentence(event({ moved: 2, slipped: 1, pulledIn: 1, amountChange: 0 }))).toBe(
      '1 deal slipped to a later quarter; 1 deal was pulled into 2026_Q4; 2 deals moved in all (+$0 in amounts)',
    );
    expect(dealsSentence(event({ moved: 1, slipped: 0, pulledIn: 0, amountChange: 12_500.4 }))).toBe(
      '1 deal moved (+$12,500 in amounts)',
    );
  });

  it('says nothing when no deal moved or deals are not loaded', () => {
    expect(dealsSentence(event({ moved: 0, slipped: 0, pulledIn: 0, amountChange: 0 }))).toBeUndefined();
    expect(dealsSentence(event(undefined))).toBeUndefined();
  });
});

describe('the alert link', () => {
  const render = (deals: ForecastEvent['deals'], dashboardUrl = 'https://dash.example.com/clari/') =>
    renderAlert(
      { source: 'forecast', rule: DEFAULT_RULES[0]!, event: event(deals), fingerprint: 'f' },
      { runId: 'r', dashboardUrl, place: () => undefined },
    ).link;

  it("opens the change's deals when some moved, the changes panel otherwise", () => {
    expect(render({ moved: 2, slipped: 1, pulledIn: 0, amountChange: -5 })).toBe(
      'https://dash.example.com/clari/changes/deals?forecast=net_new_arr&period=2026_Q4&field=commit&user=u1&snapshot=2026-11-24',
    );
    expect(render({ moved: 0, slipped: 0, pulledIn: 0, amountChange: 0 })).toBe(
      'https://dash.example.com/clari/?forecast=net_new_arr&period=2026_Q4#changes',
    );
    expect(render({ moved: 1, slipped: 0, pulledIn: 0, amountChange: 1 }, 'https://dash.example.com')).toMatch(
      /^https:\/\/dash\.example\.com\/changes\/deals\?forecast=/,
    );
  });
});
