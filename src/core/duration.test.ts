import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it('reads what people write on a command line', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('1.5')).toBe(1_500);
    expect(parseDuration('1500ms')).toBe(1_500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration(' 2H ')).toBe(7_200_000);
    for (const bad of ['', 'soon', '-5s', '10 m', '5x', '1h-30m']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('prints them back shortly', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(1_500)).toBe('1.5s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(5_430_000)).toBe('1h30m30s');
  });
});
