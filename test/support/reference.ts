/**
 * An independent reading of what the simulator served: the raw landed payloads, gunzipped and parsed
 * with plain JSON.parse (test tenants are small), never through the code under test. Tests compare
 * the warehouse against it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Warehouse } from '../../src/warehouse/index.js';

export interface RawEntry {
  userId: string;
  fieldId: string;
  timePeriodId: string;
  timeFrameId: string;
  forecastValue?: number | null;
  quotaValue?: number | null;
  adjustmentValue?: number | null;
  crmTotalValue?: number | null;
  crmClosedValue?: number | null;
  isUpdated?: boolean | null;
}

export interface RawPayload {
  manifest: { forecastId: string; period: string; asOf: string; landedAt: number; format: string; jobId: string };
  doc: {
    entries: RawEntry[];
    users: {
      userId: string;
      name: string;
      email: string;
      hierarchyId: string | null;
      parentHierarchyId: string | null;
    }[];
    fields: { fieldId: string; fieldName: string }[];
  };
}

/** Every landed JSON payload under a data dir's landing. */
export function rawPayloads(landingDir: string): RawPayload[] {
  const out: RawPayload[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.manifest.json')) {
        const manifest = JSON.parse(readFileSync(path, 'utf8')) as RawPayload['manifest'] & { file: string };
        if (manifest.format !== 'JSON') continue;
        const doc = JSON.parse(
          gunzipSync(readFileSync(join(dir, manifest.file))).toString('utf8'),
        ) as RawPayload['doc'];
        out.push({ manifest, doc });
      }
    }
  };
  walk(landingDir);
  return out.sort((a, b) => a.manifest.landedAt - b.manifest.landedAt);
}

/** The newest payload for a snapshot. */
export function payloadFor(payloads: RawPayload[], forecastId: string, period: string, asOf: string): RawPayload {
  const matching = payloads.filter(
    (p) => p.manifest.forecastId === forecastId && p.manifest.period === period && p.manifest.asOf === asOf,
  );
  const last = matching[matching.length - 1];
  if (!last) throw new Error(`no landed payload for ${forecastId} ${period} ${asOf}`);
  return last;
}

const cents = (v: number | null | undefined): string | null =>
  v === null || v === undefined ? null : (Math.round(v * 100) / 100).toFixed(2);

/** key -> canonical value string of a raw entry. */
export function rawEntryMap(entries: RawEntry[]): Map<string, string> {
  return new Map(
    entries.map((e) => [
      `${e.timeFrameId}|${e.userId}|${e.fieldId}`,
      JSON.stringify([
        cents(e.forecastValue),
        cents(e.quotaValue),
        cents(e.adjustmentValue),
        cents(e.crmTotalValue),
        cents(e.crmClosedValue),
        e.isUpdated ?? null,
      ]),
    ]),
  );
}

/** The same map, from the warehouse's entry versions valid on `asOf`. */
export async function warehouseEntryMap(
  wh: Warehouse,
  forecastId: string,
  period: string,
  asOf: string,
): Promise<Map<string, string>> {
  const rows = await wh.query<Record<string, string | boolean | null>>(
    `SELECT time_frame_id, user_id, field_id, forecast_value, quota_value, adjustment_value, crm_total_value, crm_closed_value, is_updated
     FROM clari_forecast_entries WHERE forecast_id = $1 AND time_period = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)`,
    [forecastId, period, asOf],
  );
  const fix = (v: string | boolean | null): string | null => (v === null ? null : Number(v).toFixed(2));
  return new Map(
    rows.map((r) => [
      `${String(r.time_frame_id)}|${String(r.user_id)}|${String(r.field_id)}`,
      JSON.stringify([
        fix(r.forecast_value!),
        fix(r.quota_value!),
        fix(r.adjustment_value!),
        fix(r.crm_total_value!),
        fix(r.crm_closed_value!),
        r.is_updated ?? null,
      ]),
    ]),
  );
}

/**
 * The changes between two snapshots' latest weeks, by kind, computed from the raw payloads:
 * `kind|userId|fieldId` keys (quota changes use field `quota`).
 */
export function expectedChanges(previous: RawPayload, current: RawPayload): Set<string> {
  const rows = (p: RawPayload) => {
    const week = p.doc.entries
      .map((e) => e.timeFrameId)
      .sort()
      .pop();
    const latest = p.doc.entries.filter((e) => e.timeFrameId === week);
    const quotaFields = new Set(
      [...new Set(latest.map((e) => e.fieldId))].filter((f) => {
        const of = p.doc.entries.filter((e) => e.fieldId === f);
        return (
          of.some((e) => e.quotaValue !== undefined && e.quotaValue !== null) &&
          !of.some((e) => e.forecastValue !== undefined && e.forecastValue !== null)
        );
      }),
    );
    const calls = new Map(
      latest.filter((e) => !quotaFields.has(e.fieldId)).map((e) => [`${e.userId}|${e.fieldId}`, e]),
    );
    const quota = new Map(
      latest.filter((e) => quotaFields.has(e.fieldId)).map((e) => [e.userId, e.quotaValue ?? null]),
    );
    return { calls, quota };
  };
  const a = rows(previous);
  const b = rows(current);
  const out = new Set<string>();
  const v = (x: number | null | undefined): number | null => (x === undefined ? null : x);
  for (const [key, e] of b.calls) {
    const before = a.calls.get(key);
    if (!before) out.add(`new_owner|${key}`);
    else {
      if (v(before.forecastValue) !== v(e.forecastValue)) out.add(`changed|${key}`);
      if (v(before.adjustmentValue) !== v(e.adjustmentValue)) out.add(`adjustment_changed|${key}`);
    }
  }
  for (const key of a.calls.keys()) if (!b.calls.has(key)) out.add(`removed_owner|${key}`);
  const userIds = new Set([...b.calls.keys()].map((k) => k.split('|')[0]!));
  for (const userId of userIds) {
    if (
      a.quota.has(userId) &&
      [...a.calls.keys()].some((k) => k.startsWith(`${userId}|`)) &&
      v(a.quota.get(userId)) !== v(b.quota.get(userId))
    )
      out.add(`quota_changed|${userId}|quota`);
  }
  return out;
}
