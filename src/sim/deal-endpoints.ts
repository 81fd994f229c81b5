/**
 * The deal endpoints (clari-api.md 2.8 and 2.10): POST /export/activity creates a job on the same
 * job book, limits and quota as the forecast export (202 `{jobId}`; Clari's 400 shape with ns
 * `activity` and a `userId`; dates must carry a UTC offset, and only the listed types come back),
 * and GET /opportunity answers up to 100 `oppId` with CRM score and fields with trend history, or
 * Clari's own error array with its misspelled `reaspnPhrase`.
 */
import { randomHex } from '../core/index.js';
import { ACTIVITY_TYPES, MAX_OPPORTUNITY_IDS, parseOffsetDateTime } from '../clari/index.js';
import { periodRange, shiftPeriod, toEpochDay } from '../domain/index.js';
import { admitJob, refuseOverCapacity } from './admission.js';
import type { SimCore } from './core.js';
import { activitiesBetween, activityJson, dealHistory, dealsOf, isoWithOffset, type SimDeal } from './deals.js';
import type { FaultKind } from './faults.js';
import type { ActivityWindow, SimJob } from './jobs.js';
import { CURRENCIES } from './render.js';
import { json } from './replies.js';
import { DAY_MS, type SimRequest, type SimResponse } from './types.js';

/** The zone the simulated CRM writes trend-history dates in (a fixed offset, as Clari sends them). */
const CRM_OFFSET_MINUTES = -300;

export function createActivityExport(
  sim: SimCore,
  request: SimRequest,
  userId: number,
  fault: FaultKind | undefined,
): SimResponse {
  const refuse = (message: string): SimResponse =>
    json(400, {
      code: 'Bad request',
      namespace: 'activity',
      errorId: sim.replies.uuid(),
      message,
      orgId: String(sim.options.orgId ?? 101),
      userId: String(userId),
    });
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(request.body || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    return refuse(`The request body was malformed: ${request.body.slice(0, 200)}`);
  }
  const types = body.activityTypes;
  if (!Array.isArray(types) || types.length === 0) return refuse('activityTypes is required.');
  const invalid = types.filter((t) => !(ACTIVITY_TYPES as readonly unknown[]).includes(t));
  if (invalid.length > 0) return refuse(`The following activityTypes values are invalid: ${JSON.stringify(invalid)}`);
  const start = typeof body.startDate === 'string' ? parseOffsetDateTime(body.startDate) : undefined;
  const end = typeof body.endDate === 'string' ? parseOffsetDateTime(body.endDate) : undefined;
  if (!start || !end) return refuse('startDate and endDate must be ISO-8601 date-times with a UTC offset.');
  if (start.date > end.date) return refuse('endDate must not be before startDate.');
  if (body.exportFormat !== undefined && body.exportFormat !== 'JSON') return refuse('exportFormat must be JSON.');
  const refused = refuseOverCapacity(sim);
  if (refused) return refused;
  // Only the date and the zone count: the time of day is ignored (clari-api.md 2.8).
  const window: ActivityWindow = {
    types: new Set(types as string[]),
    fromDay: toEpochDay(start.date),
    toDay: toEpochDay(end.date),
    fromOffsetMinutes: start.offsetMinutes,
    toOffsetMinutes: end.offsetMinutes,
  };
  return admitJob(sim, activityJob(sim, userId, window), { module: 'ACTIVITY' }, fault, 202);
}

function activityJob(sim: SimCore, userId: number, window: ActivityWindow): SimJob {
  const fate = sim.faults.hits('activity') ? sim.faults.forJob() : undefined;
  const duration = Math.max(0, sim.options.jobDurationMs ?? 2000);
  return {
    jobId: randomHex(sim.random, 24),
    userId,
    forecastId: 'activity',
    periodId: '',
    day: sim.day(),
    render: {
      types: new Set(),
      includeHistorical: false,
      currency: CURRENCIES.USD!,
      empty: fate === 'empty',
      drift: fate === 'drift',
      seed: 0,
    },
    format: 'JSON',
    createdAt: sim.now(),
    queueMs: Math.floor(duration / 5),
    runMs: duration,
    fate,
    fingerprint: `${userId}|activity|${window.fromDay}|${window.toDay}|${[...window.types].sort().join(',')}`,
    entries: 0,
    truncated: false,
    downloads: 0,
    activity: window,
  };
}

/**
 * The activities of a window as of the job's business day (all of that day's, none later): only the
 * types asked for, each bound's local date taken in its own zone.
 */
export function activityBody(sim: SimCore, job: SimJob, window: ActivityWindow): string {
  if (job.render.empty) return JSON.stringify({ activities: [] });
  const localDay = (ms: number, offsetMinutes: number): number => Math.floor((ms + offsetMinutes * 60_000) / DAY_MS);
  // Widened by a day each side, then filtered exactly by local date.
  const all = activitiesBetween(sim.tenant, window.fromDay - 1, window.toDay + 1, job.day);
  const activities = all
    .filter((a) => window.types.has(a.activityType))
    .filter(
      (a) =>
        localDay(a.date, window.fromOffsetMinutes) >= window.fromDay &&
        localDay(a.date, window.toOffsetMinutes) <= window.toDay,
    )
    .map((a) => {
      const out = activityJson(sim.tenant, a);
      return job.render.drift ? { ...out, sentiment: 'POSITIVE' } : out;
    });
  return JSON.stringify({ activities });
}

/** Clari's opportunity error array, misspelt `reaspnPhrase` included (clari-api.md 2.10). */
export function opportunityError(status: number, phrase: string, description: string): SimResponse {
  return json(status, [{ statusCode: status, reaspnPhrase: phrase, description, details: null }]);
}

/** GET /opportunity?oppId=...&oppId=... (a cut-off body when the fault plan says so). */
export function getOpportunities(sim: SimCore, request: SimRequest, fault: FaultKind | undefined): SimResponse {
  const ids = request.query.getAll('oppId').filter((id) => id !== '');
  const problem = (description: string): SimResponse => opportunityError(400, 'Bad Request', description);
  if (ids.length === 0) return problem('At least one oppId is required.');
  if (ids.length > MAX_OPPORTUNITY_IDS)
    return problem(`At most ${MAX_OPPORTUNITY_IDS} oppId may be requested at once; got ${ids.length}.`);
  const mode = request.query.get('mode');
  if (mode !== null && mode !== 'OPPORTUNITY_MODE_ID') return problem(`Unknown mode ${mode}.`);
  const known = knownDeals(sim);
  const out: Record<string, unknown>[] = [];
  for (const id of new Set(ids)) {
    const found = known.get(id);
    if (found) out.push(opportunityJson(sim, found.deal, found.asOf));
  }
  return { ...json(200, out), fault: fault === 'truncated_body' ? 'truncate' : undefined };
}

/** Deals of this quarter (as of today) and of the last (as of its last day): the ids activities can name. */
function knownDeals(sim: SimCore): Map<string, { deal: SimDeal; asOf: number }> {
  const tenant = sim.tenant;
  const today = sim.day();
  const period = tenant.currentPeriod(today);
  const map = new Map<string, { deal: SimDeal; asOf: number }>();
  const previousEnd = toEpochDay(periodRange(shiftPeriod(period, -1), tenant.fiscal).endDate);
  for (const [start, asOf] of [
    [toEpochDay(periodRange(shiftPeriod(period, -1), tenant.fiscal).startDate), previousEnd],
    [toEpochDay(periodRange(period, tenant.fiscal).startDate), today],
  ] as const) {
    if (asOf < tenant.historyStartDay) continue;
    for (const deal of dealsOf(tenant, start)) map.set(deal.opportunityId, { deal, asOf });
  }
  return map;
}

function opportunityJson(sim: SimCore, deal: SimDeal, asOf: number): Record<string, unknown> {
  const { state, points } = dealHistory(sim.tenant, deal, asOf);
  const history = (field: string): Record<string, unknown>[] =>
    points
      .filter((p) => p.field === field)
      .map((p) => ({ oldValue: p.oldValue, newValue: p.newValue, date: isoWithOffset(p.at, CRM_OFFSET_MINUTES) }));
  const field = (id: string, alias: string, value: string | number, original: string | number): unknown => {
    const trendHistory = history(id);
    const last = trendHistory[trendHistory.length - 1];
    const trend =
      id !== 'opportunity.amount' || !last ? 'FLAT' : Number(last.newValue) > Number(last.oldValue) ? 'UP' : 'DOWN';
    return { id, alias, imageUrl: null, trend, value, originalValue: original, trendHistory };
  };
  const first = (id: string, fallback: string): string => points.find((p) => p.field === id)?.oldValue ?? fallback;
  return {
    id: deal.opportunityId,
    crmScore: { message: state.scoreMessage, score: state.score },
    fields: [
      field('opportunity.name', 'Opportunity Name', deal.name, deal.name),
      field('opportunity.ownerId', 'Owner', deal.owner.crmId, deal.owner.crmId),
      field('opportunity.amount', 'Amount', state.amount, Number(first('opportunity.amount', String(state.amount)))),
      field('opportunity.stage', 'Stage', state.stage, first('opportunity.stage', state.stage)),
      field('opportunity.closeDate', 'Close Date', state.closeDate, first('opportunity.closeDate', state.closeDate)),
    ],
  };
}
