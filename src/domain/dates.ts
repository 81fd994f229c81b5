/**
 * Calendar dates as `YYYY-MM-DD` strings in UTC arithmetic. Business dates (as-of, period bounds,
 * weeks) never carry a time of day, so strings compare and sort correctly and no time zone leaks in.
 */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

export function toEpochDay(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

export function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(toEpochDay(date) * DAY_MS).getUTCDay();
}

export function dateOfEpochMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function epochMsOfDate(date: string): number {
  return toEpochDay(date) * DAY_MS;
}

/** The calendar date at instant `ms` in an IANA time zone. */
export function dateInZone(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Adds calendar months to the first day of a month (day is always 1). */
export function addMonths(year: number, month1: number, months: number): { year: number; month1: number } {
  const index = year * 12 + (month1 - 1) + months;
  return { year: Math.floor(index / 12), month1: (index % 12) + 1 };
}

export function formatDate(year: number, month1: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The UTC offset (minutes, east positive) of an IANA time zone at local midnight of `date`: what a
 * business date needs to be written as an instant, e.g. -300 for America/New_York in winter.
 */
export function zoneOffsetMinutes(date: string, timeZone: string): number {
  // The offset at UTC midnight, then again at the local midnight that implies (DST edges move it).
  const at = (ms: number): number => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(ms));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((local - ms) / 60_000);
  };
  const midnight = epochMsOfDate(date);
  const first = at(midnight);
  return at(midnight - first * 60_000);
}
