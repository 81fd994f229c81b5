/**
 * The simulated Clari tenant: a seeded sales organisation (CRO, VPs, managers, reps) with several
 * forecast tabs, a fiscal calendar and weekly call values that evolve day by day. Everything is a pure
 * function of (seed, business date): a rep's call walks forward one business day at a time from the
 * start of the quarter (most days unchanged, small revisions, rare hard swings), so advancing the
 * clock extends the walk and past weeks never change. People join, leave, move teams and go stale.
 */
import {
  type FiscalCalendar,
  fromEpochDay,
  isPeriodId,
  periodOfDate,
  periodRange,
  shiftPeriod,
  toEpochDay,
  type Week,
  weeksOfPeriod,
} from '../domain/index.js';
import { hashString, pick, type Random, randomInt, seededRandom } from '../core/index.js';

export interface TenantOptions {
  readonly seed: number;
  readonly users: number;
  readonly forecasts: number;
  readonly fiscal: FiscalCalendar;
  /** The first business date of the tenant (its "today" when the simulator starts). */
  readonly startDate: string;
  /** Quarters of history before the start date's quarter that hold data. Default 8. */
  readonly historyQuarters: number;
  /** 0 = Sunday ... 6 = Saturday. Default 1 (Monday). */
  readonly weekStartDay: number;
}

export const FORECAST_IDS = ['net_new_arr', 'renewals', 'expansion', 'services', 'upsell', 'new_logo'] as const;

export interface SimField {
  readonly fieldId: string;
  readonly fieldName: string;
  readonly fieldType: 'forecast' | 'quota';
}

/** Call fields carry forecast/adjustment/CRM values; the quota field carries quotaValue. */
export const CALL_FIELDS: readonly SimField[] = [
  { fieldId: 'fc_commit', fieldName: 'Commit', fieldType: 'forecast' },
  { fieldId: 'fc_best_case', fieldName: 'Best Case', fieldType: 'forecast' },
  { fieldId: 'fc_pipeline', fieldName: 'Pipeline', fieldType: 'forecast' },
];
export const QUOTA_FIELD: SimField = { fieldId: 'quota', fieldName: 'Quota', fieldType: 'quota' };

export interface SimUser {
  readonly index: number;
  readonly num: number;
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly crmId: string;
  readonly roleId: string;
  readonly scopeId: string;
  /** 0 CRO, 1 VP, 2 manager, 3 rep. */
  readonly level: 0 | 1 | 2 | 3;
  readonly title: string;
  readonly parent: number;
  /** A team move: from `moveDay` on, the parent is `moveParent`. */
  readonly moveDay: number;
  readonly moveParent: number;
  readonly joinDay: number;
  readonly leaveDay: number;
  /** Stops updating calls from this day. */
  readonly staleFrom: number;
  /** >1 over-forecasts (happy ears), <1 sandbags. */
  readonly bias: number;
  readonly adjusted: boolean;
}

const FIRST = [
  'Dana',
  'Ravi',
  'Maria',
  'Chen',
  'Aisha',
  'Tom',
  'Zoë',
  'José',
  'Priya',
  'Liam',
  'Fatima',
  'Noah',
  'Ingrid',
  'Kofi',
  'Yuki',
  'Sean',
  "D'Arcy",
  'Olga',
  'Mateo',
  'Grace',
];
const LAST = [
  'Whitfield',
  'Menon',
  'García',
  'Wei',
  'Khan',
  "O'Brien",
  'Novak',
  'Álvarez',
  'Sharma',
  'Murphy',
  'Haddad',
  'Smith',
  'Larsen',
  'Mensah',
  'Tanaka',
  'Kelly',
  'Petrova',
  'Rossi',
  'Nguyen',
  'Müller',
];
const REGIONS = ['West', 'East', 'Central', 'EMEA', 'APAC', 'LATAM'];
const SEGMENTS = ['Enterprise', 'Mid-Market', 'Commercial', 'Strategic'];
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function sfdcId(random: Random, prefix: string): string {
  let out = prefix;
  while (out.length < 18) out += ALNUM[Math.floor(random() * ALNUM.length)];
  return out;
}

export class Tenant {
  readonly users: SimUser[];
  readonly forecastIds: string[];
  readonly historyStartDay: number;
  private readonly cache = new Map<string, PeriodData>();

  constructor(readonly options: TenantOptions) {
    this.forecastIds = FORECAST_IDS.slice(0, Math.max(1, Math.min(options.forecasts, FORECAST_IDS.length)));
    const startPeriod = periodOfDate(options.startDate, options.fiscal);
    this.historyStartDay = toEpochDay(
      periodRange(shiftPeriod(startPeriod, -options.historyQuarters), options.fiscal).startDate,
    );
    this.users = buildOrg(options, this.historyStartDay, toEpochDay(options.startDate));
  }

  get fiscal(): FiscalCalendar {
    return this.options.fiscal;
  }

  /** The current quarter of a business date. */
  currentPeriod(day: number): string {
    return periodOfDate(fromEpochDay(day), this.options.fiscal);
  }

  /** A period with data as of `day`: known id, not before history, not after the current quarter. */
  hasData(periodId: string, day: number): boolean {
    if (!isPeriodId(periodId)) return false;
    const { startDate } = periodRange(periodId, this.options.fiscal);
    const start = toEpochDay(startDate);
    return start >= this.historyStartDay && start <= day;
  }

  isActive(user: SimUser, day: number): boolean {
    return user.joinDay <= day && day < user.leaveDay;
  }

  parentAt(user: SimUser, day: number): number {
    return day >= user.moveDay ? user.moveParent : user.parent;
  }

  /** Values of a forecast tab for one period as of a business date (cached: exports repeat). */
  period(forecastId: string, periodId: string, day: number): PeriodData {
    const key = `${forecastId}|${periodId}|${day}`;
    let data = this.cache.get(key);
    if (!data) {
      data = computePeriod(this, forecastId, periodId, day);
      if (this.cache.size >= 6) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, data);
    }
    return data;
  }
}

function buildOrg(options: TenantOptions, historyStart: number, startDay: number): SimUser[] {
  const random = seededRandom(`${options.seed}|org`);
  const n = Math.max(4, options.users);
  const vps = Math.max(1, Math.round(n / 40));
  const managers = Math.max(1, Math.round(n / 8));
  const users: SimUser[] = [];
  const usedEmails = new Set<string>();
  const levelOf = (i: number): SimUser['level'] => (i === 0 ? 0 : i <= vps ? 1 : i <= vps + managers ? 2 : 3);
  for (let i = 0; i < n; i++) {
    const level = levelOf(i);
    const num = 10_000 + i * 7 + randomInt(random, 0, 6);
    const roleId = sfdcId(random, '00E');
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    let email = `${ascii(first)}.${ascii(last)}@example.com`;
    for (let k = 2; usedEmails.has(email); k++) email = `${ascii(first)}.${ascii(last)}${k}@example.com`;
    usedEmails.add(email);
    const region = REGIONS[i % REGIONS.length]!;
    const title =
      level === 0
        ? 'CRO'
        : level === 1
          ? `VP Sales - ${region} ${i}`
          : level === 2
            ? `Manager - ${region} ${i}`
            : `AE - ${region} ${pick(random, SEGMENTS)} ${i}`;
    // Parents: VPs under the CRO, managers round-robin under VPs, reps round-robin under managers.
    const parent =
      level === 0 ? -1 : level === 1 ? 0 : level === 2 ? 1 + ((i - 1) % vps) : 1 + vps + ((i - 1 - vps) % managers);
    const isRep = level === 3;
    const moves = isRep && managers > 1 && random() < 0.06;
    const moveParent = moves ? 1 + vps + ((parent - vps + randomInt(random, 0, managers - 2)) % managers) : parent;
    const joins = isRep && random() < 0.12;
    const leaves = isRep && random() < 0.1;
    const span = Math.max(1, startDay - historyStart);
    users.push({
      index: i,
      num,
      userId: `${num}:${roleId}`,
      name: `${first} ${last}`,
      email,
      crmId: sfdcId(random, '005'),
      roleId,
      scopeId: `${num}::MGR`,
      level,
      title,
      parent,
      moveDay: moves ? startDay + randomInt(random, -60, 60) : Number.MAX_SAFE_INTEGER,
      moveParent: moveParent === parent || moveParent <= vps ? parent : moveParent,
      // Joiners arrive over the last half of history or soon after the start; leavers go within a few months.
      joinDay: joins
        ? historyStart + Math.floor(span / 2) + randomInt(random, 0, Math.floor(span / 2) + 60)
        : historyStart - 365,
      leaveDay: leaves ? startDay + randomInt(random, 5, 150) : Number.MAX_SAFE_INTEGER,
      staleFrom: isRep && random() < 0.08 ? startDay - randomInt(random, 0, 40) : Number.MAX_SAFE_INTEGER,
      bias: isRep ? 0.7 + random() * 0.6 : 0.9 + random() * 0.2,
      adjusted: isRep && random() < 0.15,
    });
  }
  return users;
}

function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/** Column layout of PeriodData arrays: one slot per (user, week). */
export interface PeriodData {
  readonly forecastId: string;
  readonly periodId: string;
  readonly day: number;
  /** Weeks with data as of `day`, in calendar order. */
  readonly weeks: readonly Week[];
  readonly nUsers: number;
  /** Users present in an export made on `day` (active and opted in), by index. */
  readonly exported: readonly number[];
  /** [callField][user * weeks + week]; NaN = null. */
  readonly call: readonly Float64Array[];
  readonly crmTotal: readonly Float64Array[];
  /** updatedOn epoch ms of the last change within the week per call field; NaN = not updated. */
  readonly updatedOn: readonly Float64Array[];
  readonly adjustment: Float64Array;
  readonly quota: Float64Array;
  readonly closed: Float64Array;
  /** 1 when the user has entries for that week (joined by then and in the export). */
  readonly present: Uint8Array;
}

/** A period being computed: its weeks and the arrays every step fills. */
interface PeriodWork extends PeriodData {
  readonly tenant: Tenant;
  readonly qStart: number;
  readonly qEnd: number;
  /** The day each week's value is read at: its last day, or today for the current week. */
  readonly weekEnd: readonly number[];
  readonly lastDay: number;
  /** The forecast's size relative to the first one. */
  readonly scale: number;
  readonly periodIndex: number;
}

function computePeriod(tenant: Tenant, forecastId: string, periodId: string, day: number): PeriodData {
  const work = periodWork(tenant, forecastId, periodId, day);
  for (const user of tenant.users) {
    if (!tenant.isActive(user, day)) continue;
    (work.exported as number[]).push(user.index);
    for (let w = 0; w < work.weeks.length; w++)
      if (user.joinDay <= work.weekEnd[w]!) work.present[user.index * work.weeks.length + w] = 1;
  }
  // Reps: a seeded walk per call field from the first day of the quarter to `lastDay`.
  for (const user of tenant.users) if (user.level === 3) walkRep(work, user);
  // Managers and VPs: their own calls are the team's, nudged by their judgement; the CRO has no call.
  for (const level of [2, 1, 0] as const) rollUp(work, level);
  return {
    forecastId,
    periodId,
    day,
    weeks: work.weeks,
    nUsers: work.nUsers,
    exported: work.exported,
    call: work.call,
    crmTotal: work.crmTotal,
    updatedOn: work.updatedOn,
    adjustment: work.adjustment,
    quota: work.quota,
    closed: work.closed,
    present: work.present,
  };
}

function periodWork(tenant: Tenant, forecastId: string, periodId: string, day: number): PeriodWork {
  const { fiscal, weekStartDay } = tenant.options;
  const range = periodRange(periodId, fiscal);
  const qStart = toEpochDay(range.startDate);
  const weeks = weeksOfPeriod(periodId, fiscal, weekStartDay).filter((w) => toEpochDay(w.startDate) <= day);
  const size = tenant.users.length * weeks.length;
  const nan = (): Float64Array => new Float64Array(size).fill(NaN);
  const fIndex = FORECAST_IDS.indexOf(forecastId as (typeof FORECAST_IDS)[number]);
  const weekEnd = weeks.map((w) => Math.min(toEpochDay(w.endDate), day));
  return {
    tenant,
    forecastId,
    periodId,
    day,
    weeks,
    nUsers: tenant.users.length,
    exported: [],
    call: CALL_FIELDS.map(nan),
    crmTotal: CALL_FIELDS.map(nan),
    updatedOn: CALL_FIELDS.map(nan),
    adjustment: nan(),
    quota: nan(),
    closed: nan(),
    present: new Uint8Array(size),
    qStart,
    qEnd: toEpochDay(range.endDate),
    weekEnd,
    lastDay: weekEnd[weeks.length - 1] ?? qStart - 1,
    scale: [1, 0.45, 0.3, 0.12, 0.2, 0.35][Math.max(0, fIndex)] ?? 0.25,
    periodIndex: Math.floor(qStart / 91),
  };
}

/** One rep's quota, closed amounts and, per call field, a seeded walk of the call through the quarter. */
function walkRep(work: PeriodWork, user: SimUser): void {
  const { qStart, qEnd, weekEnd, quota, closed } = work;
  const nW = work.weeks.length;
  const base = `${work.tenant.options.seed}|${work.forecastId}|${work.periodId}|${user.userId}`;
  const r = seededRandom(base);
  const q =
    Math.round(((150_000 + r() * 1_050_000) * work.scale * (1 + 0.015 * (work.periodIndex % 40))) / 1000) * 1000;
  const attainment = 0.45 + r() * 0.95;
  const finalClosed = q * attainment;
  const adjFactor = 0.85 + r() * 0.25;
  const slot0 = user.index * nW;
  for (let w = 0; w < nW; w++) quota[slot0 + w] = q;
  const closedAt = (d: number): number =>
    finalClosed * Math.pow(Math.min(1, Math.max(0, (d - qStart + 1) / (qEnd - qStart + 1))), 1.6);
  for (let w = 0; w < nW; w++) closed[slot0 + w] = round2(closedAt(weekEnd[w]!));
  CALL_FIELDS.forEach((_, f) => walkCall(work, user, f, { base, slot0, finalClosed, adjFactor, closedAt }));
}

function walkCall(
  work: PeriodWork,
  user: SimUser,
  f: number,
  rep: { base: string; slot0: number; finalClosed: number; adjFactor: number; closedAt: (d: number) => number },
): void {
  const { qStart, qEnd, weekEnd, weeks } = work;
  const { base, slot0, finalClosed, closedAt } = rep;
  const nW = weeks.length;
  const walk = seededRandom(`${base}|${f}`);
  const ratio = f === 0 ? 1 : f === 1 ? 1.2 + walk() * 0.3 : 1.7 + walk() * 0.9;
  const target = (d: number): number => {
    const c = closedAt(d);
    const commit = c + Math.max(0, finalClosed - c) * user.bias * 0.85;
    return commit * ratio;
  };
  let value = target(qStart) * (0.9 + walk() * 0.2);
  let changedAt = qStart;
  let w = 0;
  for (let d = qStart - 7; d <= work.lastDay; d++) {
    // The walk starts a week early so week 1 (which may begin before the quarter) has a value.
    const dow = (((d + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    const businessDay = dow !== 0 && dow !== 6;
    const u1 = walk();
    const u2 = walk();
    const u3 = walk();
    if (businessDay && d >= qStart && d <= qEnd && d < user.staleFrom && u1 < 0.22) {
      value = target(d) * (1 + (u2 - 0.5) * 0.08);
      if (u3 < 0.04) value *= u2 < 0.5 ? 0.45 + u2 : 1.25 + u2 * 0.7; // hard swing
      changedAt = d;
    }
    while (w < nW && d === weekEnd[w]) {
      const slot = slot0 + w;
      work.call[f]![slot] = round2(value);
      work.crmTotal[f]![slot] = round2(
        f === 2 ? Math.max(value, closedAt(d) * 1.05) : value * (0.92 + (f === 0 ? 0.05 : 0.1)),
      );
      const weekStart = toEpochDay(weeks[w]!.startDate);
      if (changedAt >= weekStart && changedAt <= d)
        work.updatedOn[f]![slot] =
          changedAt * 86_400_000 + 15 * 3_600_000 + (hashString(`${base}|${f}|${w}`) % 7_200_000);
      if (f === 0 && user.adjusted && w >= nW / 3) work.adjustment[slot] = round2(value * rep.adjFactor);
      w++;
    }
  }
}

/** One level of managers: each sums its members (by the parent each had that week), then applies its judgement. */
function rollUp(work: PeriodWork, level: 0 | 1 | 2): void {
  const { tenant, weeks, weekEnd, quota, closed, call, crmTotal, updatedOn } = work;
  const users = tenant.users;
  const nW = weeks.length;
  for (const user of users) {
    if (user.level !== level) continue;
    for (let w = 0; w < nW; w++) {
      const s = user.index * nW + w;
      quota[s] = 0;
      closed[s] = 0;
      for (let f = 0; f < 3; f++) {
        call[f]![s] = 0;
        crmTotal[f]![s] = 0;
      }
    }
  }
  for (const member of users) {
    if (member.level !== level + 1) continue;
    for (let w = 0; w < nW; w++) {
      const at = weekEnd[w]!;
      if (!tenant.isActive(member, at)) continue;
      const s = member.index * nW + w;
      const p = tenant.parentAt(member, at) * nW + w;
      quota[p]! += nz(quota[s]!);
      closed[p]! += nz(closed[s]!);
      for (let f = 0; f < 3; f++) {
        call[f]![p]! += nz(call[f]![s]!);
        crmTotal[f]![p]! += nz(crmTotal[f]![s]!);
      }
    }
  }
  for (const user of users) {
    if (user.level !== level) continue;
    const r = seededRandom(`${tenant.options.seed}|${work.forecastId}|${work.periodId}|${user.userId}|mgr`);
    const judgement = 0.92 + r() * 0.13;
    for (let w = 0; w < nW; w++) {
      const s = user.index * nW + w;
      quota[s] = round2(quota[s]!);
      closed[s] = round2(closed[s]!);
      for (let f = 0; f < 3; f++) {
        crmTotal[f]![s] = round2(crmTotal[f]![s]!);
        call[f]![s] = level === 0 ? NaN : round2(call[f]![s]! * judgement);
        if (level > 0 && r() < 0.8) updatedOn[f]![s] = toEpochDay(weeks[w]!.startDate) * 86_400_000 + 14 * 3_600_000;
      }
    }
  }
}

const nz = (v: number): number => (Number.isNaN(v) ? 0 : v);
const round2 = (v: number): number => Math.round(v * 100) / 100;
