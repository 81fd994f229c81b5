/**
 * The Clari simulator's behaviour, independent of the HTTP server (server.ts): Kong-style routing
 * and auth, then one module per concern: the export endpoints (exports.ts), the job state machine
 * (jobs.ts), limits and the gateway rate limit (limits.ts), faults (faults.ts), audit events
 * (audit.ts) and the /__sim control endpoints (control.ts). It follows
 * shared/reference/clari-api.md section 7; where the contract is unknown (marked there) the choice
 * made here is noted in the code. A new endpoint is a route in routes.ts and a case in dispatch.
 */
import { type Random, seededRandom } from '../core/index.js';
import { dateOfEpochMs, epochMsOfDate, isIsoDate } from '../domain/index.js';
import { AuditLog } from './audit.js';
import { control } from './control.js';
import { createExport, legacyForecast } from './exports.js';
import { FAULT_KINDS, type FaultKind, FaultPlan } from './faults.js';
import type { SimCore, SimCounters } from './core.js';
import { createActivityExport, getOpportunities, opportunityError } from './deal-endpoints.js';
import { cancelJob, jobObject, jobResults, withJob } from './job-endpoints.js';
import { JobBook } from './jobs.js';
import { Limits } from './limits.js';
import { json, Replies } from './replies.js';
import { matchRoute, type Route, routeName } from './routes.js';
import { Tenant } from './tenant.js';
import { DAY_MS, type SimRequest, type SimResponse, type SimulatorOptions } from './types.js';

export type { SimRequest, SimResponse, SimulatorOptions } from './types.js';
export { routeName } from './routes.js';

export class Simulator implements SimCore {
  readonly tenant: Tenant;
  readonly faults: FaultPlan;
  readonly random: Random;
  readonly jobs = new JobBook();
  readonly limits: Limits;
  readonly audit: AuditLog;
  readonly replies: Replies;
  readonly counters: SimCounters = {
    requests: {},
    exportsCreated: 0,
    maxInFlight: 0,
    duplicatePosts: 0,
    capacityRejections: 0,
    cancels: 0,
    downloads: 0,
  };
  readonly options: SimulatorOptions;
  private readonly keys = new Map<string, number>();
  private offsetMs: number;

  constructor(options: SimulatorOptions) {
    this.options = options;
    const seed = options.seed ?? 42;
    const realToday = dateOfEpochMs(options.clock.now());
    const asOf = options.asOf ?? realToday;
    if (!isIsoDate(asOf)) throw new Error(`--as-of must be YYYY-MM-DD, got ${asOf}`);
    this.offsetMs = epochMsOfDate(asOf) - epochMsOfDate(realToday);
    this.random = seededRandom(`${seed}|sim`);
    this.replies = new Replies(this.random, options.orgId ?? 101, options.retryAfterSeconds ?? 1);
    this.faults = new FaultPlan(seededRandom(`${seed}|faults`), {
      rate: options.faultRate ?? 0,
      kinds: options.faultKinds ?? FAULT_KINDS,
    });
    this.tenant = new Tenant({
      seed,
      users: options.users ?? 60,
      forecasts: options.forecasts ?? 2,
      fiscal: { startMonth: options.fiscalStartMonth ?? 1 },
      startDate: asOf,
      historyQuarters: options.historyQuarters ?? 8,
      weekStartDay: options.weekStartDay ?? 1,
    });
    this.keys.set(options.apiKey ?? 'sim-key', 1);
    for (const [key, userId] of Object.entries(options.extraKeys ?? {})) this.keys.set(key, userId);
    this.limits = new Limits(options.concurrencyLimit ?? 3, options.monthlyQuota ?? 1000, options.rateLimitPerSecond);
    this.audit = new AuditLog(this.tenant, () => this.now(), seed);
  }

  /** Virtual now: the base clock shifted so the date is the tenant's business date. */
  now(): number {
    return this.options.clock.now() + this.offsetMs;
  }

  today(): string {
    return dateOfEpochMs(this.now());
  }

  day(): number {
    return Math.floor(this.now() / DAY_MS);
  }

  advanceDays(days: number): string {
    this.offsetMs += days * DAY_MS;
    return this.today();
  }

  stats(): Record<string, unknown> {
    const c = this.counters;
    return {
      date: this.today(),
      requests: { ...c.requests },
      exportsCreated: c.exportsCreated,
      maxInFlight: c.maxInFlight,
      inFlight: this.jobs.inFlight(this.now()),
      duplicatePosts: c.duplicatePosts,
      capacityRejections: c.capacityRejections,
      cancels: c.cancels,
      downloads: c.downloads,
      faults: { ...this.faults.injected },
      limits: { concurrentLimit: this.limits.concurrencyLimit, monthlyQuota: this.limits.monthlyQuota },
    };
  }

  handle(request: SimRequest): SimResponse {
    const response = this.route(request);
    const route = routeName(request.method, request.path);
    const key = `${request.method} ${route} ${response.fault === 'reset' ? 'reset' : response.status}`;
    this.counters.requests[key] = (this.counters.requests[key] ?? 0) + 1;
    const latency = this.options.latencyMs ?? 0;
    return latency > 0 ? { ...response, delayMs: (response.delayMs ?? 0) + latency } : response;
  }

  /** Kong in front: route, key auth (the apikey header or ?apikey=; Authorization is ignored), rate limit, faults. */
  private route(request: SimRequest): SimResponse {
    const { method, path } = request;
    if (path.startsWith('/__sim/')) return control(this, request);
    const m = /^\/v4(\/.*)$/.exec(path);
    const route = matchRoute(method, m?.[1] ?? '');
    if (!m || !route) return this.replies.notFound();
    const key = request.headers.apikey ?? request.query.get('apikey') ?? undefined;
    if (key === undefined || key === '') return json(401, { message: 'No API key found in request' });
    const userId = this.keys.get(key);
    if (userId === undefined) return json(401, { message: 'Invalid authentication credentials' });
    const limited = this.limits.rateLimit(key, this.options.clock.now(), this.replies);
    if (limited) return limited;
    const fault = this.faults.hits(route.name)
      ? this.faults.forRequest(route.name === 'results' || route.name === 'opportunity')
      : undefined;
    if (fault === 'rate_limit') return this.replies.tooMany();
    const posts = route.name === 'create' || route.name === 'activity';
    if (fault === 'reset' && !posts) return { status: 0, fault: 'reset' };
    if (fault === 'server_error' && route.name === 'opportunity')
      return opportunityError(500, 'Internal Server Error', 'An unexpected error occurred.');
    if (fault === 'server_error' && !posts) return this.replies.serverError();
    const delayMs =
      fault === 'slow' ? (this.options.slowMs ?? Math.max(1500, 3 * (this.options.latencyMs ?? 0))) : undefined;
    const response = this.dispatch(route, request, userId, fault);
    return delayMs ? { ...response, delayMs } : response;
  }

  private dispatch(route: Route, request: SimRequest, userId: number, fault: FaultKind | undefined): SimResponse {
    switch (route.name) {
      case 'create':
        return createExport(this, route.param, request, userId, fault);
      case 'job':
        return withJob(this, route.param, userId, (job) => {
          const body = jobObject(this, job);
          return json(200, this.options.bareJobStatus ? body : { job: body });
        });
      case 'cancel':
        return withJob(this, route.param, userId, (job) => cancelJob(this, job, request));
      case 'results':
        return withJob(this, route.param, userId, (job) => jobResults(this, job, fault));
      case 'list': {
        const list = [...this.jobs.all()].filter((j) => j.userId === userId).map((j) => jobObject(this, j));
        return json(200, this.options.wrappedJobList ? { jobs: list } : list);
      }
      case 'limits':
        return json(200, { jobs: this.limits.view(this.jobs, this.now()) });
      case 'forecast':
        return legacyForecast(this, route.param, request, userId);
      case 'audit':
        return this.audit.page(request);
      case 'activity':
        return createActivityExport(this, request, userId, fault);
      case 'opportunity':
        return getOpportunities(this, request, fault);
    }
  }
}
