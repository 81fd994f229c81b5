import { describe, expect, it } from 'vitest';
import { numberFormats } from './numbers.js';

const cli = numberFormats('');
const page = numberFormats('–');

describe('numbers', () => {
  it('prints money in whole dollars with a sign for a change', () => {
    expect(cli.money(1_234_567.4)).toBe('$1,234,567');
    expect(cli.money(-12_345)).toBe('-$12,345');
    expect(cli.money('98765.4321')).toBe('$98,765'); // warehouse decimals arrive as strings
    expect(cli.signedMoney(12_345)).toBe('+$12,345');
    expect(cli.signedMoney(-12_345)).toBe('-$12,345');
    expect(cli.signedMoney(0)).toBe('$0');
  });

  it('rounds halves away from zero, and never prints -$0', () => {
    expect([cli.money(2.5), cli.money(-2.5), cli.money(12_345.5), cli.money(-12_345.5)]).toEqual([
      '$3',
      '-$3',
      '$12,346',
      '-$12,346',
    ]);
    expect([cli.money(-0.4), cli.signedMoney(-0.4), cli.signedMoney(0.4), cli.signedMoney(0.5)]).toEqual([
      '$0',
      '$0',
      '$0',
      '+$1',
    ]);
  });

  it('prints percentages, ratios and counts', () => {
    expect([cli.pct(85.14), cli.signedPct(12.5), cli.signedPct(-3), cli.signedPct('0')]).toEqual([
      '85.1%',
      '+12.5%',
      '-3.0%',
      '0.0%',
    ]);
    expect([cli.ratio(2.714), cli.count(12_345), cli.count('7')]).toEqual(['2.71x', '12,345', '7']);
  });

  it('shows a missing value as each surface asks: an empty cell, or a dash on the page', () => {
    for (const missing of [null, undefined, '', 'n/a', Number.NaN, Number.POSITIVE_INFINITY]) {
      for (const f of ['money', 'signedMoney', 'pct', 'signedPct', 'ratio', 'count'] as const) {
        expect(cli[f](missing)).toBe('');
        expect(page[f](missing)).toBe('–');
      }
    }
    expect(page.money(1_000)).toBe(cli.money(1_000));
  });
});
