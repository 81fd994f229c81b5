/**
 * The deal surfaces next to the forecast export (clari-api.md 2.8 and 2.10): the activity export's
 * request and result shapes, GET /opportunity's answer, and their decoders. Shared by the client and
 * the simulator. Dates on the activity request must carry a UTC offset (only their date and zone
 * count); activity dates are epoch ms; trend-history dates are ISO date-times with an offset.
 */
import { ClariError } from './errors.js';

/** The five types Clari knows; the export returns only the types listed, so callers list all five. */
export const ACTIVITY_TYPES = [
  'MEETING',
  'EMAIL_SENT',
  'EMAIL_RECEIVED',
  'ATTACHMENT_SENT',
  'ATTACHMENT_RECEIVED',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Body of POST /export/activity. Every field is required by Clari except the format. */
export interface ActivityExportRequest {
  readonly activityTypes: readonly ActivityType[];
  /** ISO-8601 date-time with a UTC offset, e.g. `2026-10-01T00:00:00+00:00`. */
  readonly startDate: string;
  readonly endDate: string;
  readonly exportFormat?: 'JSON';
}

export interface WireActivityAccount {
  readonly accountId: string;
  readonly accountName: string;
  readonly accountOwnerId: string;
}

export interface WireActivityOpportunity {
  readonly opportunityId: string;
  readonly opportunityName: string;
  readonly opportunityOwnerId: string;
}

export interface WireParticipant {
  readonly name: string;
  readonly email: string;
  /** "" for external participants. */
  readonly sfdcUserId: string;
  readonly isInternal: boolean;
}

export interface WireActivity {
  readonly activityId: string;
  readonly activityType: string;
  readonly subject: string;
  /** Epoch ms. */
  readonly date: number;
  readonly activityOwnerId: string;
  readonly activityOrganiserId: string;
  readonly accounts: readonly WireActivityAccount[];
  readonly opportunities: readonly WireActivityOpportunity[];
  readonly participants: readonly WireParticipant[];
}

export interface WireTrendPoint {
  readonly oldValue: string | number | null;
  readonly newValue: string | number | null;
  /** ISO-8601 date-time with an offset (or epoch ms). */
  readonly date: string | number;
}

export interface WireOpportunityField {
  /** e.g. `opportunity.amount`, `opportunity.stage`, `opportunity.closeDate`, `opportunity.ownerId`, `opportunity.name`. */
  readonly id: string;
  readonly alias?: string | null;
  readonly imageUrl?: string | null;
  readonly trend?: string | null;
  readonly value: string | number | null;
  readonly originalValue?: string | number | null;
  readonly trendHistory?: readonly WireTrendPoint[];
}

export interface WireOpportunity {
  readonly id: string;
  readonly crmScore?: { readonly message: string | null; readonly score: number | null } | null;
  readonly fields: readonly WireOpportunityField[];
}

/** GET /opportunity takes at most this many `oppId` per call (clari-api.md 2.10, section 4). */
export const MAX_OPPORTUNITY_IDS = 100;

export const OPPORTUNITY_FIELDS = {
  amount: 'opportunity.amount',
  stage: 'opportunity.stage',
  closeDate: 'opportunity.closeDate',
  owner: 'opportunity.ownerId',
  name: 'opportunity.name',
} as const;

const OFFSET_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A date-time with a UTC offset: its local date and the offset in minutes; undefined for anything else (bare dates too). */
export function parseOffsetDateTime(
  text: string,
): { date: string; offsetMinutes: number; epochMs: number } | undefined {
  const m = OFFSET_DATE_TIME.exec(text);
  if (!m) return undefined;
  const zone = m[5]!;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    if (Math.abs(offsetMinutes) > 18 * 60) return undefined;
  }
  const epochMs = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${zone === 'Z' ? 'Z' : zone}`);
  if (!Number.isFinite(epochMs)) return undefined;
  return { date: m[1]!, offsetMinutes, epochMs };
}

/** Midnight of a business date with the zone's offset, as the activity export wants it: `2026-10-01T00:00:00+00:00`. */
export function offsetDateTime(date: string, offsetMinutes = 0): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${date}T00:00:00${sign}${hh}:${mm}`;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

function bad(endpoint: string, problem: string): ClariError {
  return new ClariError('clari.decode', `Unexpected answer from ${endpoint}: ${problem}`, {
    kind: 'data',
    endpoint,
    hint: 'Clari may have changed its format; the client accepts the documented shapes only.',
  });
}

const ACTIVITY_RESULTS = 'GET /export/jobs/{jobId}/results (activity)';

/** The activity export's results `{activities: [...]}`, each activity checked for the fields the warehouse keys on. */
export function decodeActivityResults(body: unknown): WireActivity[] {
  if (!isObj(body) || !Array.isArray(body.activities)) throw bad(ACTIVITY_RESULTS, 'no activities array');
  return body.activities.map((raw, i) => {
    if (!isObj(raw)) throw bad(ACTIVITY_RESULTS, `activity ${i} is not an object`);
    const activityId = str(raw.activityId);
    if (activityId === '') throw bad(ACTIVITY_RESULTS, `activity ${i} has no activityId`);
    const date = typeof raw.date === 'number' ? raw.date : Number(raw.date);
    if (!Number.isFinite(date)) throw bad(ACTIVITY_RESULTS, `activity ${activityId} has no epoch-ms date`);
    const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
    return {
      activityId,
      activityType: str(raw.activityType),
      subject: str(raw.subject),
      date,
      activityOwnerId: str(raw.activityOwnerId),
      activityOrganiserId: str(raw.activityOrganiserId),
      accounts: list(raw.accounts).map((a) => ({
        accountId: str(a.accountId),
        accountName: str(a.accountName),
        accountOwnerId: str(a.accountOwnerId),
      })),
      opportunities: list(raw.opportunities).map((o) => ({
        opportunityId: str(o.opportunityId),
        opportunityName: str(o.opportunityName),
        opportunityOwnerId: str(o.opportunityOwnerId),
      })),
      participants: list(raw.participants).map((p) => ({
        name: str(p.name),
        email: str(p.email),
        sfdcUserId: str(p.sfdcUserId),
        isInternal: p.isInternal === true,
      })),
    };
  });
}

const OPPORTUNITY = 'GET /opportunity';

/** GET /opportunity's 200 body: an array of opportunities (a wrapped `{opportunities}` is accepted too). */
export function decodeOpportunities(body: unknown): WireOpportunity[] {
  const list = Array.isArray(body)
    ? body
    : isObj(body) && Array.isArray(body.opportunities)
      ? body.opportunities
      : undefined;
  if (!list) throw bad(OPPORTUNITY, 'expected an array of opportunities');
  return list.filter(isObj).map((o) => {
    const id = str(o.id);
    if (id === '') throw bad(OPPORTUNITY, 'an opportunity without id');
    const score = isObj(o.crmScore) ? o.crmScore : undefined;
    const fields = (Array.isArray(o.fields) ? o.fields.filter(isObj) : []).map((f) => ({
      id: str(f.id),
      alias: typeof f.alias === 'string' ? f.alias : null,
      trend: typeof f.trend === 'string' ? f.trend : null,
      value: scalar(f.value),
      originalValue: scalar(f.originalValue),
      trendHistory: (Array.isArray(f.trendHistory) ? f.trendHistory.filter(isObj) : []).map((t) => ({
        oldValue: scalar(t.oldValue),
        newValue: scalar(t.newValue),
        date: typeof t.date === 'number' ? t.date : str(t.date),
      })),
    }));
    return {
      id,
      crmScore: score
        ? {
            message: typeof score.message === 'string' ? score.message : null,
            score: typeof score.score === 'number' ? score.score : score.score == null ? null : Number(score.score),
          }
        : null,
      fields,
    };
  });
}

const scalar = (v: unknown): string | number | null => (typeof v === 'number' || typeof v === 'string' ? v : null);

/** A trend-history date as epoch ms: an ISO date-time with an offset (or Z), or epoch ms; undefined otherwise. */
export function trendDateMs(date: string | number): number | undefined {
  if (typeof date === 'number') return Number.isFinite(date) ? date : undefined;
  if (/^\d+$/.test(date)) return Number(date);
  return parseOffsetDateTime(date)?.epochMs;
}

/** The canonical view of one opportunity the pipeline loads: its current values and every trend point. */
export interface OpportunityRecord {
  readonly opportunityId: string;
  readonly name: string | null;
  readonly ownerCrmId: string | null;
  readonly amount: number | null;
  readonly stage: string | null;
  readonly closeDate: string | null;
  readonly crmScore: number | null;
  readonly crmScoreMessage: string | null;
  readonly history: readonly {
    readonly fieldId: string;
    readonly oldValue: string | null;
    readonly newValue: string | null;
    readonly changedAt: number;
  }[];
}

export function opportunityRecord(o: WireOpportunity): OpportunityRecord {
  const field = (id: string): WireOpportunityField | undefined => o.fields.find((f) => f.id === id);
  const text = (id: string): string | null => {
    const v = field(id)?.value;
    return v === null || v === undefined || v === '' ? null : String(v);
  };
  const amountText = text(OPPORTUNITY_FIELDS.amount);
  const amount = amountText === null ? null : Number(amountText.replace(/[$,\s]/g, ''));
  const close = text(OPPORTUNITY_FIELDS.closeDate);
  const history = o.fields.flatMap((f) =>
    (f.trendHistory ?? []).flatMap((t) => {
      const changedAt = trendDateMs(t.date);
      if (changedAt === undefined) return [];
      const s = (v: string | number | null): string | null => (v === null ? null : String(v));
      return [{ fieldId: f.id, oldValue: s(t.oldValue), newValue: s(t.newValue), changedAt }];
    }),
  );
  return {
    opportunityId: o.id,
    name: text(OPPORTUNITY_FIELDS.name),
    ownerCrmId: text(OPPORTUNITY_FIELDS.owner),
    amount: amount !== null && Number.isFinite(amount) ? Math.round(amount * 100) / 100 : null,
    stage: text(OPPORTUNITY_FIELDS.stage),
    // Close dates may come as a date or a date-time; the warehouse keeps the date.
    closeDate: close === null ? null : close.slice(0, 10),
    crmScore: o.crmScore?.score ?? null,
    crmScoreMessage: o.crmScore?.message ?? null,
    history,
  };
}
