/**
 * The activity export (clari-api.md 2.8): its request, the shape of its results `{activities: [...]}`
 * and their decoders, shared by the client and the simulator. Dates on the request must carry a UTC
 * offset (only their date and zone count); activity dates are epoch ms. Results can be large, so
 * the pipeline decodes them as a stream (`decodeActivityJson`), a batch of activities at a time.
 */
import { ACTIVITY_TYPES, type ActivityType, isIsoDate } from '../domain/index.js';
import { ClariError } from './errors.js';
import { isObj, type Obj, str } from './json-values.js';
import { JsonTopLevelScanner } from './json-scan.js';
import { downloadScanError, readJsonStream } from './json-stream.js';

export { ACTIVITY_TYPES, type ActivityType } from '../domain/index.js';

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
  const iso = `${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`}`;
  const epochMs = Date.parse(iso);
  const date = m[1] ?? '';
  if (!Number.isFinite(epochMs) || !isIsoDate(date)) return undefined;
  return { date, offsetMinutes, epochMs };
}

/** A business date at `time` in a zone with this offset, as the activity export wants it: `2026-10-01T00:00:00-05:00`. */
export function offsetDateTime(date: string, offsetMinutes = 0, time = '00:00:00'): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${date}T${time}${sign}${hh}:${mm}`;
}

/** The request's problem, if Clari would refuse it: types outside the five, dates without an offset, a window that ends before it starts. */
export function activityRequestProblem(request: ActivityExportRequest): { message: string; hint: string } | undefined {
  if (request.activityTypes.length === 0 || request.activityTypes.some((t) => !ACTIVITY_TYPES.includes(t)))
    return {
      message: `Activity types must be drawn from ${ACTIVITY_TYPES.join(', ')}`,
      hint: 'Clari returns only the types listed, so list all five unless you mean to filter (activity.types).',
    };
  const start = parseOffsetDateTime(request.startDate);
  const end = parseOffsetDateTime(request.endDate);
  for (const [name, value, parsed] of [
    ['startDate', request.startDate, start],
    ['endDate', request.endDate, end],
  ] as const) {
    if (!parsed)
      return {
        message: `Activity export ${name} '${value}' is not an ISO date-time with a UTC offset`,
        hint: 'Write it like 2026-10-01T00:00:00+00:00; Clari refuses bare dates.',
      };
  }
  if (start!.date > end!.date)
    return {
      message: `Activity export window ends (${end!.date}) before it starts (${start!.date})`,
      hint: 'Check --as-of and activity.window.',
    };
  return undefined;
}

const RESULTS = 'GET /export/jobs/{jobId}/results (activity)';
const KNOWN = new Set([
  'activityId',
  'activityType',
  'subject',
  'date',
  'activityOwnerId',
  'activityOrganiserId',
  'accounts',
  'opportunities',
  'participants',
]);

function bad(problem: string): ClariError {
  return new ClariError('clari.decode', `Unexpected activity export results: ${problem}`, {
    kind: 'data',
    endpoint: RESULTS,
    hint: 'The payload is kept in the landing; report it if Clari changed its format.',
  });
}

/** One activity, checked for the fields the warehouse keys on; keys Clari added are noted in `drift`. */
export function decodeActivity(raw: unknown, index: number, drift?: Set<string>): WireActivity {
  if (!isObj(raw)) throw bad(`activity ${index} is not an object`);
  const activityId = str(raw.activityId);
  if (activityId === '') throw bad(`activity ${index} has no activityId`);
  const date = typeof raw.date === 'number' ? raw.date : typeof raw.date === 'string' ? Number(raw.date) : NaN;
  if (!Number.isFinite(date)) throw bad(`activity ${activityId} has no epoch-ms date`);
  if (drift) for (const key in raw) if (!KNOWN.has(key)) drift.add(`activities.${key}`);
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
}

export interface ActivityDocumentSummary {
  readonly activities: number;
  readonly bytes: number;
  /** Keys Clari sent that clari-dp does not know, e.g. `activities.sentiment`. */
  readonly drift: readonly string[];
}

/**
 * Decodes activity results from a byte stream, yielding batches of activities as they arrive
 * (memory: one chunk plus one batch). A cut-off stream throws `clari.truncated_body`.
 */
export function decodeActivityJson(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<WireActivity[], ActivityDocumentSummary> {
  const drift = new Set<string>();
  const pending: WireActivity[][] = [];
  let count = 0;
  let seen = false;
  const scanner = new JsonTopLevelScanner({
    arrayBatch(key, items) {
      if (key !== 'activities') {
        drift.add(key);
        return;
      }
      seen = true;
      pending.push(items.map((item, i) => decodeActivity(item, count + i, drift)));
      count += items.length;
    },
    value(key) {
      if (key === 'activities') throw bad('activities must be an array');
      drift.add(key);
    },
  });
  return readJsonStream(source, {
    scanner,
    pending,
    fail: (error) => downloadScanError(error, 'Activity results are', RESULTS),
    finish(bytes): ActivityDocumentSummary {
      // `{}` is not a results document: an empty export is `{"activities": []}`.
      if (!seen) throw bad('no activities array');
      return { activities: count, bytes, drift: [...drift].sort() };
    },
  });
}
