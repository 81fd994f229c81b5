/**
 * The forecast export endpoints: POST /export/forecast/{id} validates the body as Clari does (the
 * JSON body whatever the content type; unknown periods silently fall back to the current quarter,
 * clari-api.md 2.1), checks the limits, and creates a job whose fate the fault plan draws; and the
 * legacy synchronous GET /forecast/{id}.
 */
import { hashString, randomHex } from '../core/index.js';
import { EXPORT_TYPES, type ExportType } from '../clari/index.js';
import { admitJob, refuseOverCapacity } from './admission.js';
import type { FaultKind } from './faults.js';
import type { SimJob } from './jobs.js';
import { countEntries, CURRENCIES, type Currency, type RenderRequest, renderJson } from './render.js';
import type { SimCore } from './core.js';
import type { SimRequest, SimResponse } from './types.js';

interface ExportBody {
  readonly body: Record<string, unknown>;
  readonly types: Set<ExportType>;
  readonly currency: Currency;
  readonly format: 'JSON' | 'CSV';
  readonly scope: Set<number> | undefined;
}

export function createExport(
  sim: SimCore,
  forecastId: string,
  request: SimRequest,
  userId: number,
  fault: FaultKind | undefined,
): SimResponse {
  const parsed = parseExportBody(sim, forecastId, request);
  if ('status' in parsed) return parsed;
  // Unknown, malformed or data-less periods silently fall back to the current quarter (clari-api.md 2.1).
  const day = sim.day();
  const asked = typeof parsed.body.timePeriod === 'string' ? parsed.body.timePeriod : '';
  const periodId = asked && sim.tenant.hasData(asked, day) ? asked : sim.tenant.currentPeriod(day);
  const refused = refuseOverCapacity(sim);
  if (refused) return refused;
  const job = newJob(sim, forecastId, periodId, userId, parsed);
  return admitJob(sim, job, { forecastId, timePeriod: periodId }, fault, 200);
}

function newJob(sim: SimCore, forecastId: string, periodId: string, userId: number, parsed: ExportBody): SimJob {
  const { body } = parsed;
  const fingerprint = `${userId}|${forecastId}|${hashString(JSON.stringify(body))}`;
  const fate = sim.faults.hits('create') ? sim.faults.forJob() : undefined;
  const render: RenderRequest = {
    types: parsed.types,
    includeHistorical: body.includeHistorical === true,
    currency: parsed.currency,
    scope: parsed.scope,
    empty: fate === 'empty',
    drift: fate === 'drift',
    seed: sim.options.seed ?? 42,
  };
  const day = sim.day();
  const entries = countEntries(sim.tenant.period(forecastId, periodId, day), render);
  const maxEntries = sim.options.maxEntries;
  const truncated = maxEntries !== undefined && entries > maxEntries;
  const duration = Math.max(0, sim.options.jobDurationMs ?? 2000);
  // schedule ONCE/MAX: a failing attempt is retried by Clari 30 minutes later and succeeds.
  const retried = fate === 'failed' && (body.schedule === 'ONCE' || body.schedule === 'MAX');
  return {
    jobId: randomHex(sim.random, 24),
    userId,
    forecastId,
    periodId,
    day,
    render: truncated ? { ...render, maxEntries } : render,
    format: parsed.format,
    createdAt: sim.now(),
    queueMs: Math.floor(duration / 5),
    runMs: retried ? duration + 30 * 60_000 : duration,
    fate: retried ? undefined : fate,
    fingerprint,
    entries: truncated ? maxEntries : entries,
    truncated,
    downloads: 0,
  };
}

/** The export request as Clari validates it; an error response for anything it refuses. */
function parseExportBody(sim: SimCore, forecastId: string, request: SimRequest): ExportBody | SimResponse {
  const fcw = (status: number, code: string, message: string): SimResponse =>
    sim.replies.exportError(status, code, 'fcw', message);
  let body: Record<string, unknown> = {};
  // Parameters come from the JSON body whatever the content type; query parameters are ignored (C7).
  if (request.body.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(request.body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return fcw(400, 'bad_request', `The request body was malformed: ${request.body.slice(0, 200)}`);
    }
  }
  if (forecastId === '') return fcw(400, 'missing_forecast_id', 'The forecastId query parameter is required.');
  if (!sim.tenant.forecastIds.includes(forecastId))
    return fcw(400, 'no_such_forecast_config', `Forecast ${forecastId} does not exist in the ForecastTemplate.`);
  const rawTypes = body.typesToExport === undefined ? ['forecast', 'forecast_updated'] : body.typesToExport;
  if (!Array.isArray(rawTypes))
    return fcw(400, 'bad_request', 'The request body was malformed: typesToExport must be an array');
  const invalid = rawTypes.filter((t) => typeof t !== 'string' || !(EXPORT_TYPES as readonly string[]).includes(t));
  if (invalid.length > 0)
    return fcw(400, 'bad_request', `The following typesToExport values are invalid: ${JSON.stringify(invalid)}`);
  const types = new Set(rawTypes as ExportType[]);
  if (sim.options.rejectCrmTypes && (types.has('crm_total') || types.has('crm_closed')))
    return fcw(
      400,
      'type_not_supported',
      'CRM Totals and CRM Closed are not supported by the Export API; use the Forecast API.',
    );
  let currency: Currency = CURRENCIES.USD!;
  if (body.currency !== undefined && body.currency !== null) {
    const c = typeof body.currency === 'string' ? CURRENCIES[body.currency] : undefined;
    if (!c) return fcw(400, 'bad_request', 'The currency parameter is invalid.');
    currency = c;
  }
  const format = body.exportFormat === 'CSV' ? 'CSV' : 'JSON';
  if (body.exportFormat !== undefined && body.exportFormat !== 'JSON' && body.exportFormat !== 'CSV')
    return fcw(400, 'bad_request', 'The exportFormat parameter is invalid.');
  let scope: Set<number> | undefined;
  if (typeof body.scopeId === 'string' && body.scopeId !== '') {
    scope = scopeMembers(sim, body.scopeId);
    if (!scope) return fcw(401, 'no_optin', `No optins for scope ${body.scopeId} for forecast '${forecastId}'.`);
  }
  return { body, types, currency, format, scope };
}

/** The users of a scope: its root and everyone below it in the hierarchy as of today. */
function scopeMembers(sim: SimCore, scopeId: string): Set<number> | undefined {
  const root = sim.tenant.users.find((u) => u.scopeId === scopeId);
  if (!root) return undefined;
  const day = sim.day();
  const members = new Set<number>([root.index]);
  // Users are created top-down, so one pass in index order collects the subtree.
  for (const user of sim.tenant.users) {
    const parent = sim.tenant.parentAt(user, day);
    if (parent >= 0 && members.has(parent)) members.add(user.index);
  }
  return members;
}

/** GET /forecast/{forecastId} (legacy, synchronous; does not use export quota here). */
export function legacyForecast(sim: SimCore, forecastId: string, request: SimRequest, userId: number): SimResponse {
  if (!sim.tenant.forecastIds.includes(forecastId))
    return sim.replies.exportError(
      400,
      'no_such_forecast_config',
      'fcw',
      `Forecast ${forecastId} does not exist in the ForecastTemplate.`,
    );
  const q = request.query;
  const rawTypes = q.getAll('typesToExport');
  const types = rawTypes.length > 0 ? rawTypes : ['forecast', 'forecast_updated'];
  const invalid = types.filter((t) => !(EXPORT_TYPES as readonly string[]).includes(t));
  if (invalid.length > 0)
    return sim.replies.exportError(
      400,
      'bad_request',
      'fcw',
      `The following typesToExport values are invalid: ${JSON.stringify(invalid)}`,
    );
  const currency = q.get('currency') ? CURRENCIES[q.get('currency')!] : CURRENCIES.USD;
  if (!currency) return sim.replies.exportError(400, 'bad_request', 'fcw', 'The currency parameter is invalid.');
  const day = sim.day();
  const asked = q.get('timePeriod') ?? '';
  const periodId = asked && sim.tenant.hasData(asked, day) ? asked : sim.tenant.currentPeriod(day);
  sim.audit.record(userId, 'api.accessed', { path: `/forecast/${forecastId}` });
  const data = sim.tenant.period(forecastId, periodId, day);
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: renderJson(sim.tenant, data, {
      types: new Set(types as ExportType[]),
      includeHistorical: q.get('includeHistorical') === 'true',
      currency,
      seed: sim.options.seed ?? 42,
    }),
  };
}
