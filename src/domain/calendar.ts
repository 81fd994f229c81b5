/**
 * Fiscal quarters as Clari names them: `YYYY_QN`, where the fiscal year is named after the calendar
 * year in which it ends (a February start makes Feb-Apr 2022 `2023_Q1`, as GitLab's tenant shows;
 * clari-api.md section 2.1). The start month is tenant configuration, never a constant.
 */
import { addDays, addMonths, dayOfWeek, formatDate, toEpochDay } from './dates.js';

export interface FiscalCalendar {
  /** Month (1-12) in which the fiscal year starts. */
  readonly startMonth: number;
}

export interface PeriodRef {
  readonly year: number;
  readonly quarter: 1 | 2 | 3 | 4;
}

const PERIOD_RE = /^(\d{4})_Q([1-4])$/;

export function isPeriodId(text: string): boolean {
  return PERIOD_RE.test(text);
}

export function parsePeriodId(id: string): PeriodRef {
  const m = PERIOD_RE.exec(id);
  if (!m) throw new RangeError(`not a fiscal period (YYYY_QN, e.g. 2026_Q2): ${id}`);
  return { year: Number(m[1]), quarter: Number(m[2]) as PeriodRef['quarter'] };
}

export function formatPeriodId(ref: PeriodRef): string {
  return `${ref.year}_Q${ref.quarter}`;
}

/** The period `n` quarters after `id` (negative goes back). */
export function shiftPeriod(id: string, n: number): string {
  const { year, quarter } = parsePeriodId(id);
  const index = year * 4 + (quarter - 1) + n;
  return formatPeriodId({ year: Math.floor(index / 4), quarter: ((index % 4) + 1) as PeriodRef['quarter'] });
}

/** Orders period ids chronologically (negative when a is earlier). */
export function comparePeriods(a: string, b: string): number {
  const pa = parsePeriodId(a);
  const pb = parsePeriodId(b);
  return pa.year * 4 + pa.quarter - (pb.year * 4 + pb.quarter);
}

export function periodOfDate(date: string, calendar: FiscalCalendar): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const monthsIntoYear = (m - calendar.startMonth + 12) % 12;
  const fiscalYear = calendar.startMonth === 1 || m < calendar.startMonth ? y : y + 1;
  return formatPeriodId({ year: fiscalYear, quarter: (Math.floor(monthsIntoYear / 3) + 1) as PeriodRef['quarter'] });
}

export function periodRange(id: string, calendar: FiscalCalendar): { startDate: string; endDate: string } {
  const { year, quarter } = parsePeriodId(id);
  const firstCalendarYear = calendar.startMonth === 1 ? year : year - 1;
  const start = addMonths(firstCalendarYear, calendar.startMonth, 3 * (quarter - 1));
  const next = addMonths(start.year, start.month1, 3);
  return {
    startDate: formatDate(start.year, start.month1, 1),
    endDate: addDays(formatDate(next.year, next.month1, 1), -1),
  };
}

/** The current period of `asOf` and the `count - 1` before it, newest first. */
export function recentPeriods(asOf: string, calendar: FiscalCalendar, count: number): string[] {
  const current = periodOfDate(asOf, calendar);
  return Array.from({ length: count }, (_, i) => shiftPeriod(current, -i));
}

export interface Week {
  readonly timeFrameId: string;
  readonly startDate: string;
  readonly endDate: string;
  /** 1-based week of the quarter. */
  readonly index: number;
}

/**
 * Weeks of a quarter: week 1 starts on `weekStartDay` on or before the quarter's first day (so it can
 * begin in the previous quarter, as Clari's do), and weeks continue while they start inside the quarter.
 */
export function weeksOfPeriod(id: string, calendar: FiscalCalendar, weekStartDay = 1): Week[] {
  const { startDate, endDate } = periodRange(id, calendar);
  const back = (dayOfWeek(startDate) - weekStartDay + 7) % 7;
  const weeks: Week[] = [];
  for (
    let start = addDays(startDate, -back), i = 1;
    toEpochDay(start) <= toEpochDay(endDate);
    start = addDays(start, 7), i++
  ) {
    weeks.push({ timeFrameId: `TF:${start}`, startDate: start, endDate: addDays(start, 6), index: i });
  }
  return weeks;
}
