import { describe, expect, it } from 'vitest';
import { zoneOffsetMinutes } from './dates.js';

describe('zoneOffsetMinutes', () => {
  it('is the offset at local midnight of the date, daylight saving included', () => {
    expect(zoneOffsetMinutes('2026-10-01', 'UTC')).toBe(0);
    expect(zoneOffsetMinutes('2026-10-01', 'America/New_York')).toBe(-240);
    expect(zoneOffsetMinutes('2026-11-23', 'America/New_York')).toBe(-300);
    // The days DST starts and ends: midnight is still on the old offset.
    expect(zoneOffsetMinutes('2026-03-08', 'America/New_York')).toBe(-300);
    expect(zoneOffsetMinutes('2026-11-01', 'America/New_York')).toBe(-240);
    expect(zoneOffsetMinutes('2026-07-01', 'Asia/Kolkata')).toBe(330);
    expect(zoneOffsetMinutes('2026-01-15', 'Australia/Sydney')).toBe(660);
  });
});
