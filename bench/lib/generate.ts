/**
 * A large forecast export in the real five-array shape (clari-api.md section 3.4, the simulator's
 * key order): `users` owners, each with three call fields and a quota field over 13 weekly time
 * frames, so about 52 entries per owner (20,000 owners = 1,040,000 entries, ~300 MB of JSON).
 * Values are a pure function of (seed, owner, field, week); `day` > 0 moves the call value of
 * entries chosen by hash (`changedShare` of all entries), so the next day's export differs from the
 * first in exactly those entries. Produced as ~1 MB chunks, never held whole.
 */

export interface ExportShape {
  readonly users: number;
  readonly period: string;
  /** Monday of the first week, YYYY-MM-DD. */
  readonly firstWeek: string;
  readonly weeks: number;
  readonly seed: number;
  readonly day: number;
  readonly changedShare: number;
}

export const CALL_FIELDS = ['fc_commit', 'fc_best_case', 'fc_pipeline'] as const;

/** The issue's full scale is 20,000 owners (~1,040,000 entries); `scale` multiplies it. */
export function shapeFor(scale: number, day = 0): ExportShape {
  return {
    users: Math.max(10, Math.round(20_000 * scale)),
    period: '2026_Q4',
    firstWeek: '2026-09-28',
    weeks: 13,
    seed: 42,
    day,
    changedShare: 0.1,
  };
}

/** How many call entries `changes` moves on `shape.day`. */
export function changedEntries(shape: ExportShape): number {
  let n = 0;
  for (let u = 0; u < shape.users; u++)
    for (let f = 0; f < CALL_FIELDS.length; f++) for (let w = 0; w < shape.weeks; w++) if (changes(shape, u, f, w)) n++;
  return n;
}

export function entriesOf(shape: Pick<ExportShape, 'users' | 'weeks'>): number {
  return shape.users * (CALL_FIELDS.length + 1) * shape.weeks;
}

/** A 32-bit integer hash (Murmur3's finaliser), good enough to spread values and choose changes. */
export function mix(a: number, b: number, c: number, d: number): number {
  let h = (a * 0x9e3779b1) ^ (b * 0x85ebca6b) ^ (c * 0xc2b2ae35) ^ (d * 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Whether the call entry (owner, field, week) moves on `day` (> 0). Only call values move (quota
 * entries are a quarter of all entries), so a call entry moves with probability share x 4/3 and
 * `changedShare` of all entries change.
 */
export function changes(shape: ExportShape, user: number, field: number, week: number): boolean {
  const perCallEntry = (shape.changedShare * (CALL_FIELDS.length + 1)) / CALL_FIELDS.length;
  return shape.day > 0 && mix(shape.seed + shape.day * 7919, user, field, week) % 1_000_000 < perCallEntry * 1_000_000;
}

function money(cents: number): string {
  return String(cents / 100);
}

function userId(i: number): string {
  return `${10_000 + i}:00E${i.toString(36).padStart(6, '0')}`;
}

function weekStart(shape: ExportShape, w: number): string {
  return new Date(Date.parse(`${shape.firstWeek}T00:00:00Z`) + w * 7 * 86_400_000).toISOString().slice(0, 10);
}

const CURRENCY = '"currency":{"code":"USD","symbol":"$"}';

export function* generateExport(shape: ExportShape): Generator<Buffer> {
  const frames = Array.from({ length: shape.weeks }, (_, w) => weekStart(shape, w));
  let out = '{"entries":[';
  let first = true;
  const flush = (): Buffer => {
    const chunk = Buffer.from(out);
    out = '';
    return chunk;
  };
  for (let u = 0; u < shape.users; u++) {
    const id = userId(u);
    const quota = (150 + (mix(shape.seed, u, 0, 0) % 1_050)) * 1_000_00;
    for (let f = 0; f <= CALL_FIELDS.length; f++) {
      for (let w = 0; w < shape.weeks; w++) {
        const head = `${first ? '' : ','}{"userId":"${id}","fieldId":"${f === CALL_FIELDS.length ? 'quota' : CALL_FIELDS[f]!}","timePeriodId":"${shape.period}","timeFrameId":"TF:${frames[w]!}"`;
        first = false;
        if (f === CALL_FIELDS.length) {
          out += `${head},"quotaValue":${money(quota)},${CURRENCY}}`;
          continue;
        }
        const h = mix(shape.seed, u, f + 1, w + 1);
        let call = Math.round((quota * (0.4 + f * 0.35) * (0.6 + (h % 1000) / 1000)) / 100) * 100 + (h % 100);
        const moved = changes(shape, u, f, w);
        // Down by 0.1% to 20%: a moved value always differs.
        if (moved) call = Math.round(call * (0.8 + (mix(shape.day, u, f, w) % 200) / 1000));
        const crmTotal = Math.round(call * 0.95);
        const crmClosed = Math.round(call * 0.4 * ((w + 1) / shape.weeks));
        const adjustment = f === 0 && u % 5 === 0 ? money(Math.round(call * 0.9)) : 'null';
        const updated = moved || h % 7 === 0;
        out += `${head},"forecastValue":${money(call)},"adjustmentValue":${adjustment},"crmTotalValue":${money(crmTotal)},"crmClosedValue":${money(crmClosed)},${CURRENCY},"isUpdated":${updated},"updatedBy":${updated ? `"${id}"` : 'null'},"updatedOn":${updated ? Date.parse(`${frames[w]!}T15:00:00Z`) + (h % 7_200_000) : 'null'}}`;
      }
    }
    if (out.length > 1 << 20) yield flush();
  }
  out += '],"users":[';
  for (let u = 0; u < shape.users; u++) {
    const manager = u < 10 ? null : Math.floor(u / 10);
    out += `${u === 0 ? '' : ','}{"userId":"${userId(u)}","name":"Owner ${u}","email":"owner.${u}@example.com","crmId":"005${u.toString(36).padStart(8, '0')}","scopeId":"${10_000 + u}::MGR","hierarchyId":"00E${u.toString(36).padStart(6, '0')}","hierarchyName":"Team ${u}","parentHierarchyId":${manager === null ? 'null' : `"00E${manager.toString(36).padStart(6, '0')}"`},"parentHierarchyName":${manager === null ? 'null' : `"Team ${manager}"`}}`;
    if (out.length > 1 << 20) yield flush();
  }
  const [year, quarter] = shape.period.split('_Q').map(Number) as [number, number];
  const startMonth = (quarter - 1) * 3;
  const iso = (y: number, m: number, d: number): string => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
  out += `],"fields":[${['Commit', 'Best Case', 'Pipeline'].map((name, f) => `{"fieldId":"${CALL_FIELDS[f]!}","fieldName":"${name}","fieldType":"forecast"}`).join(',')}]`;
  out += `,"timePeriods":[{"timePeriodId":"${shape.period}","type":"quarter","label":"Quarter ${quarter}","year":"${year}","startDate":"${iso(year, startMonth, 1)}","endDate":"${iso(year, startMonth + 3, 0)}"}]`;
  out += `,"timeFrames":[${frames.map((d) => `{"timeFrameId":"TF:${d}","startDate":"${d}","endDate":"${new Date(Date.parse(`${d}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10)}"}`).join(',')}]}`;
  yield flush();
}
