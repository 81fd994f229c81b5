/**
 * The Clari simulator's behaviour, independent of the HTTP server: Kong-style routing and auth, the
 * forecast-export endpoints, a job state machine computed from the simulator's clock (no timers),
 * limits over a rolling 30-day window, faults, audit events and the /__sim control endpoints. It
 * follows shared/reference/clari-api.md section 7; where the contract is unknown (marked there) the
 * choice made here is noted in the code.
 */
import { type Clock, hashString, randomHex, type Random, seededRandom } from '../core/index.js';
import { dateOfEpochMs, epochMsOfDate, isIsoDate } from '../domain/index.js';
import { EXPORT_TYPES, type ExportType } from '../clari/index.js';
import { FAULT_KINDS, type FaultKind, FaultPlan, type JobFault } from './faults.js';
import { countEntries, CURRENCIES, type Currency, type RenderRequest, renderCsv, renderJson } from './render.js';
import { Tenant } from './tenant.js';

export interface SimulatorOptions {
  readonly seed?: number | undefined;
  readonly users?: number | undefined;
  readonly forecasts?: number | undefined;
  readonly fiscalStartMonth?: number | undefined;
  /** The tenant's business date at start (YYYY-MM-DD). Default: today (UTC) by the clock. */
  readonly asOf?: string | undefined;
  readonly historyQuarters?: number | undefined;
  readonly weekStartDay?: number | undefined;
  readonly concurrencyLimit?: number | undefined;
  readonly monthlyQuota?: number | undefined;
  /** Time from creation to DONE, ms (a fifth of it queued as SCHEDULED). Default 2000. */
  readonly jobDurationMs?: number | undefined;
  /** Added to every response, ms. */
  readonly latencyMs?: number | undefined;
  readonly faultRate?: number | undefined;
  readonly faultKinds?: readonly FaultKind[] | undefined;
  /** Retry-After sent with 429s, seconds. Default 1. */
  readonly retryAfterSeconds?: number | undefined;
  /** Extra delay of a "slow" fault, ms. Default 3x latency or 1500. */
  readonly slowMs?: number | undefined;
  readonly apiKey?: string | undefined;
  /** More keys: key -> Clari user id of the token's user (jobs are private to their user). */
  readonly extraKeys?: Readonly<Record<string, number>> | undefined;
  /** Reproduce the documented 400 type_not_supported for crm_total/crm_closed (clari-api.md C4). */
  readonly rejectCrmTypes?: boolean | undefined;
  /** Serve job status bare instead of wrapped in {job} (C1). */
  readonly bareJobStatus?: boolean | undefined;
  /** Serve the job list as {jobs: [...]} instead of a bare array (C15). */
  readonly wrappedJobList?: boolean | undefined;
  /** Exports with more entries are cut to this many and flagged rowsTruncated. */
  readonly maxEntries?: number | undefined;
  /** Gateway request rate limit per key, requests per second. */
  readonly rateLimitPerSecond?: number | undefined;
  readonly orgId?: number | undefined;
  readonly clock: Clock;
}

export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  /** Absolute origin, for nextLink. */
  readonly origin: string;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Iterable<string>;
  /** Destroy the connection instead of answering (or, with a body, part-way through it). */
  readonly fault?: 'reset' | 'truncate' | undefined;
  readonly delayMs?: number | undefined;
}

interface SimJob {
  readonly jobId: string;
  readonly userId: number;
  readonly forecastId: string;
  readonly periodId: string;
  readonly day: number;
  readonly render: RenderRequest;
  readonly format: 'JSON' | 'CSV';
  readonly createdAt: number;
  readonly queueMs: number;
  readonly runMs: number;
  readonly fate: JobFault | undefined;
  readonly fingerprint: string;
  readonly entries: number;
  readonly truncated: boolean;
  cancelledAt?: number;
  cancelStatus?: 'CANCELLED' | 'ABORTED';
  downloads: number;
}

const DAY_MS = 86_400_000;
const WINDOW_MS = 30 * DAY_MS;
const KONG_404 = 'no Route matched with those values';

export class Simulator {
  readonly tenant: Tenant;
  readonly faults: FaultPlan;
  private readonly random: Random;
  private readonly jobs = new Map<string, SimJob>();
  private readonly keys = new Map<string, number>();
  private readonly audit: { at: number; actorId: number; event: string; params: Record<string, unknown> }[] = [];
  private offsetMs: number;
  private readonly requestCounts: Record<string, number> = {};
  private exportsCreated = 0;
  private maxInFlight = 0;
  private duplicatePosts = 0;
  /** Export POSTs refused because every concurrent-job slot was taken (a client that ignores the cap). */
  private capacityRejections = 0;
  private cancels = 0;
  private downloads = 0;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private concurrencyLimit: number;
  private monthlyQuota: number;
  private readonly options: SimulatorOptions;

  constructor(options: SimulatorOptions) {
    this.options = options;
    const seed = options.seed ?? 42;
    const realToday = dateOfEpochMs(options.clock.now());
    const asOf = options.asOf ?? realToday;
    if (!isIsoDate(asOf)) throw new Error(`--as-of must be YYYY-MM-DD, got ${asOf}`);
    this.offsetMs = epochMsOfDate(asOf) - epochMsOfDate(realToday);
    this.random = seededRandom(`${seed}|sim`);
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
    this.concurrencyLimit = options.concurrencyLimit ?? 3;
    this.monthlyQuota = options.monthlyQuota ?? 1000;
    this.seedAudit();
  }

  /** Virtual now: the base clock shifted so the date is the tenant's business date. */
  now(): number {
    return this.options.clock.now() + this.offsetMs;
  }

  today(): string {
    return dateOfEpochMs(this.now());
  }

  private day(): number {
    return Math.floor(this.now() / DAY_MS);
  }

  advanceDays(days: number): string {
    this.offsetMs += days * DAY_MS;
    return this.today();
  }

  stats(): Record<string, unknown> {
    return {
      date: this.today(),
      requests: { ...this.requestCounts },
      exportsCreated: this.exportsCreated,
      maxInFlight: this.maxInFlight,
      inFlight: this.inFlight(),
      duplicatePosts: this.duplicatePosts,
      capacityRejections: this.capacityRejections,
      cancels: this.cancels,
      downloads: this.downloads,
      faults: { ...this.faults.injected },
      limits: { concurrentLimit: this.concurrencyLimit, monthlyQuota: this.monthlyQuota },
    };
  }

  handle(request: SimRequest): SimResponse {
    const response = this.route(request);
    const route = routeName(request.method, request.path);
    const key = `${request.method} ${route} ${response.fault === 'reset' ? 'reset' : response.status}`;
    this.requestCounts[key] = (this.requestCounts[key] ?? 0) + 1;
    const latency = this.options.latencyMs ?? 0;
    return latency > 0 ? { ...response, delayMs: (response.delayMs ?? 0) + latency } : response;
  }

  private route(request: SimRequest): SimResponse {
    const { method, path } = request;
    if (path.startsWith('/__sim/')) return this.control(request);
    const m = /^\/v4(\/.*)$/.exec(path);
    const sub = m?.[1] ?? '';
    const route = matchRoute(method, sub);
    if (!m || !route) return json(404, { message: KONG_404, request_id: this.uuid() });
    // Kong key-auth: the apikey header (or ?apikey=); Authorization is ignored.
    const key = request.headers.apikey ?? request.query.get('apikey') ?? undefined;
    if (key === undefined || key === '') return json(401, { message: 'No API key found in request' });
    const userId = this.keys.get(key);
    if (userId === undefined) return json(401, { message: 'Invalid authentication credentials' });
    const limited = this.rateLimit(key);
    if (limited) return limited;
    const fault = this.faults.forRequest(route.name === 'results');
    if (fault === 'rate_limit') return this.tooMany();
    if (fault === 'reset' && route.name !== 'create') return { status: 0, fault: 'reset' };
    if (fault === 'server_error' && route.name !== 'create') return this.serverError();
    const delayMs =
      fault === 'slow' ? (this.options.slowMs ?? Math.max(1500, 3 * (this.options.latencyMs ?? 0))) : undefined;
    const response = this.dispatch(route, request, userId, fault);
    return delayMs ? { ...response, delayMs } : response;
  }

  private dispatch(route: Route, request: SimRequest, userId: number, fault: string | undefined): SimResponse {
    switch (route.name) {
      case 'create':
        return this.create(route.param, request, userId, fault);
      case 'job':
        return this.withJob(route.param, userId, (job) => {
          const body = this.jobObject(job);
          return json(200, this.options.bareJobStatus ? body : { job: body });
        });
      case 'cancel':
        return this.withJob(route.param, userId, (job) => this.cancel(job, request));
      case 'results':
        return this.withJob(route.param, userId, (job) => this.results(job, fault));
      case 'list': {
        const list = [...this.jobs.values()].filter((j) => j.userId === userId).map((j) => this.jobObject(j));
        return json(200, this.options.wrappedJobList ? { jobs: list } : list);
      }
      case 'limits':
        return json(200, { jobs: this.limits() });
      case 'forecast':
        return this.legacyForecast(route.param, request, userId);
      case 'audit':
        return this.auditEvents(request);
    }
  }

  // ---- POST /export/forecast/{forecastId} ----

  private create(forecastId: string, request: SimRequest, userId: number, fault: string | undefined): SimResponse {
    let body: Record<string, unknown> = {};
    // Parameters come from the JSON body whatever the content type; query parameters are ignored (C7).
    if (request.body.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(request.body);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        return this.exportError(
          400,
          'bad_request',
          'fcw',
          `The request body was malformed: ${request.body.slice(0, 200)}`,
        );
      }
    }
    if (forecastId === '')
      return this.exportError(400, 'missing_forecast_id', 'fcw', 'The forecastId query parameter is required.');
    if (!this.tenant.forecastIds.includes(forecastId)) {
      return this.exportError(
        400,
        'no_such_forecast_config',
        'fcw',
        `Forecast ${forecastId} does not exist in the ForecastTemplate.`,
      );
    }
    const rawTypes = body.typesToExport === undefined ? ['forecast', 'forecast_updated'] : body.typesToExport;
    if (!Array.isArray(rawTypes))
      return this.exportError(
        400,
        'bad_request',
        'fcw',
        'The request body was malformed: typesToExport must be an array',
      );
    const invalid = rawTypes.filter((t) => typeof t !== 'string' || !(EXPORT_TYPES as readonly string[]).includes(t));
    if (invalid.length > 0)
      return this.exportError(
        400,
        'bad_request',
        'fcw',
        `The following typesToExport values are invalid: ${JSON.stringify(invalid)}`,
      );
    const types = new Set(rawTypes as ExportType[]);
    if (this.options.rejectCrmTypes && (types.has('crm_total') || types.has('crm_closed'))) {
      return this.exportError(
        400,
        'type_not_supported',
        'fcw',
        'CRM Totals and CRM Closed are not supported by the Export API; use the Forecast API.',
      );
    }
    let currency: Currency = CURRENCIES.USD!;
    if (body.currency !== undefined && body.currency !== null) {
      const c = typeof body.currency === 'string' ? CURRENCIES[body.currency] : undefined;
      if (!c) return this.exportError(400, 'bad_request', 'fcw', 'The currency parameter is invalid.');
      currency = c;
    }
    const format = body.exportFormat === 'CSV' ? 'CSV' : 'JSON';
    if (body.exportFormat !== undefined && body.exportFormat !== 'JSON' && body.exportFormat !== 'CSV') {
      return this.exportError(400, 'bad_request', 'fcw', 'The exportFormat parameter is invalid.');
    }
    let scope: Set<number> | undefined;
    if (typeof body.scopeId === 'string' && body.scopeId !== '') {
      scope = this.scopeMembers(body.scopeId);
      if (!scope)
        return this.exportError(
          401,
          'no_optin',
          'fcw',
          `No optins for scope ${body.scopeId} for forecast '${forecastId}'.`,
        );
    }
    // Unknown, malformed or data-less periods silently fall back to the current quarter (clari-api.md 2.1).
    const day = this.day();
    const asked = typeof body.timePeriod === 'string' ? body.timePeriod : '';
    const periodId = asked && this.tenant.hasData(asked, day) ? asked : this.tenant.currentPeriod(day);
    const limits = this.limits();
    if (limits.availableConcurrentLimit <= 0 || limits.availableMonthlyQuota <= 0) {
      if (limits.availableConcurrentLimit <= 0) this.capacityRejections++;
      return this.exportError(
        400,
        'export_monthly_quota_reached',
        'exports',
        `The monthly quota limit of ${this.monthlyQuota} or concurrent limit of ${this.concurrencyLimit} has been reached.`,
      );
    }
    const fingerprint = `${userId}|${forecastId}|${hashString(JSON.stringify(body))}`;
    if ([...this.jobs.values()].some((j) => j.fingerprint === fingerprint && this.isActive(j))) this.duplicatePosts++;
    const fate = this.faults.forJob();
    const render: RenderRequest = {
      types,
      includeHistorical: body.includeHistorical === true,
      currency,
      scope,
      empty: fate === 'empty',
      drift: fate === 'drift',
      seed: this.options.seed ?? 42,
    };
    const data = this.tenant.period(forecastId, periodId, day);
    const entries = countEntries(data, render);
    const maxEntries = this.options.maxEntries;
    const truncated = maxEntries !== undefined && entries > maxEntries;
    const duration = Math.max(0, this.options.jobDurationMs ?? 2000);
    const job: SimJob = {
      jobId: randomHex(this.random, 24),
      userId,
      forecastId,
      periodId,
      day,
      render: truncated ? { ...render, maxEntries } : render,
      format,
      createdAt: this.now(),
      queueMs: Math.floor(duration / 5),
      // schedule ONCE/MAX: a failing attempt is retried by Clari 30 minutes later and succeeds.
      runMs:
        fate === 'failed' && (body.schedule === 'ONCE' || body.schedule === 'MAX') ? duration + 30 * 60_000 : duration,
      fate: fate === 'failed' && (body.schedule === 'ONCE' || body.schedule === 'MAX') ? undefined : fate,
      fingerprint,
      entries: truncated ? maxEntries : entries,
      truncated,
      downloads: 0,
    };
    this.jobs.set(job.jobId, job);
    this.exportsCreated++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight());
    this.audit.push({
      at: this.now(),
      actorId: userId,
      event: 'export.created',
      params: { forecastId, timePeriod: periodId, jobId: job.jobId },
    });
    // A failure after the job was created: the caller cannot know whether it exists.
    if (fault === 'reset') return { status: 0, fault: 'reset' };
    if (fault === 'server_error') return this.serverError();
    return json(200, { jobId: job.jobId });
  }

  private scopeMembers(scopeId: string): Set<number> | undefined {
    const root = this.tenant.users.find((u) => u.scopeId === scopeId);
    if (!root) return undefined;
    const day = this.day();
    const members = new Set<number>([root.index]);
    // Users are created top-down, so one pass in index order collects the subtree.
    for (const user of this.tenant.users) {
      const parent = this.tenant.parentAt(user, day);
      if (parent >= 0 && members.has(parent)) members.add(user.index);
    }
    return members;
  }

  // ---- jobs ----

  private status(job: SimJob): string {
    if (job.cancelStatus) return job.cancelStatus;
    const age = this.now() - job.createdAt;
    if (age < job.queueMs) return 'SCHEDULED';
    if (job.fate === 'stuck' || age < job.runMs) return 'STARTED';
    return job.fate === 'failed' ? 'FAILED' : 'DONE';
  }

  private isActive(job: SimJob): boolean {
    const status = this.status(job);
    return status === 'SCHEDULED' || status === 'STARTED';
  }

  private inFlight(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (this.isActive(job)) n++;
    return n;
  }

  private limits(): {
    concurrentLimit: number;
    monthlyQuota: number;
    runningJobIds?: string[];
    submittedJobIds: string[];
    availableConcurrentLimit: number;
    availableMonthlyQuota: number;
  } {
    const now = this.now();
    const running: string[] = [];
    const submitted: string[] = [];
    let active = 0;
    for (const job of this.jobs.values()) {
      const status = this.status(job);
      if (status === 'STARTED') running.push(job.jobId);
      if (status === 'STARTED' || status === 'SCHEDULED') active++;
      // Cancelling gives the quota slot back (clari-api.md 2.3).
      if (job.createdAt > now - WINDOW_MS && !job.cancelStatus) submitted.push(job.jobId);
    }
    return {
      concurrentLimit: this.concurrencyLimit,
      monthlyQuota: this.monthlyQuota,
      ...(running.length > 0 ? { runningJobIds: running } : {}),
      submittedJobIds: submitted,
      availableConcurrentLimit: Math.max(0, this.concurrencyLimit - active),
      availableMonthlyQuota: Math.max(0, this.monthlyQuota - submitted.length),
    };
  }

  private jobObject(job: SimJob): Record<string, unknown> {
    const status = this.status(job);
    const terminal = status !== 'SCHEDULED' && status !== 'STARTED';
    const endTime = terminal ? (job.cancelledAt ?? job.createdAt + job.runMs) : null;
    const created = new Date(job.createdAt).toISOString();
    return {
      jobId: job.jobId,
      userId: job.userId,
      orgId: this.options.orgId ?? 101,
      title: 'Forecast Export',
      module: 'FORECAST',
      startTime: job.createdAt,
      endTime,
      expiredTime: endTime === null ? null : endTime + WINDOW_MS,
      version: 1,
      fileName: `clari_export_${job.forecastId}_${job.periodId}_${created.slice(0, 10).replace(/-/g, '')}_${created.slice(11, 19).replace(/:/g, '')}.${job.format.toLowerCase()}`,
      fileType: job.format,
      status,
      viewed: job.downloads > 0,
      cellsTruncated: false,
      rowsTruncated: job.truncated,
      downloads: job.downloads,
      deliveryStatusMap: {},
      currency: job.render.currency.code,
    };
  }

  private withJob(jobId: string, userId: number, then: (job: SimJob) => SimResponse): SimResponse {
    const job = this.jobs.get(jobId);
    // Unknown job ids: the contract does not say; 400 invalid_jobId as clari-api.md 2.2 suggests.
    if (!job) return this.exportError(400, 'invalid_jobId', 'exports', `Job ${jobId} does not exist.`);
    // The 403 body's code is undocumented; `forbidden` is this simulator's choice.
    if (job.userId !== userId)
      return this.exportError(403, 'forbidden', 'exports', 'Invalid permissions to view this job');
    return then(job);
  }

  private cancel(job: SimJob, request: SimRequest): SimResponse {
    let type: unknown;
    try {
      type = (JSON.parse(request.body || '{}') as { type?: unknown }).type;
    } catch {
      type = undefined;
    }
    if (type !== 'CANCEL')
      return this.exportError(400, 'bad_request', 'exports', 'The request body was malformed: type must be CANCEL');
    const status = this.status(job);
    if (status === 'CANCELLED' || status === 'ABORTED') return json(200, { status, successful: true });
    if (status === 'DONE' || status === 'FAILED') {
      return this.exportError(
        400,
        'export_failed_to_cancel',
        'exports',
        'Cannot cancel the job because it already finished executing.',
      );
    }
    job.cancelStatus = status === 'SCHEDULED' ? 'CANCELLED' : 'ABORTED';
    job.cancelledAt = this.now();
    this.cancels++;
    return json(200, { status: job.cancelStatus, successful: true });
  }

  private results(job: SimJob, fault: string | undefined): SimResponse {
    const status = this.status(job);
    if (status !== 'DONE')
      return this.exportError(
        400,
        'invalid_jobId',
        'exports',
        'Cannot retrieve data for job because it has not finished executing.',
      );
    // Expired results: status and code undocumented; 400 invalid_jobId as clari-api.md 2.4 suggests.
    if (this.now() > job.createdAt + job.runMs + WINDOW_MS)
      return this.exportError(400, 'invalid_jobId', 'exports', 'The results of this job have expired.');
    job.downloads++;
    this.downloads++;
    const data = this.tenant.period(job.forecastId, job.periodId, job.day);
    const body =
      job.format === 'CSV' ? renderCsv(this.tenant, data, job.render) : renderJson(this.tenant, data, job.render);
    return {
      status: 200,
      headers: { 'content-type': job.format === 'CSV' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8' },
      body,
      fault: fault === 'truncated_body' ? 'truncate' : undefined,
    };
  }

  // ---- GET /forecast/{forecastId} (legacy, synchronous; does not use export quota here) ----

  private legacyForecast(forecastId: string, request: SimRequest, userId: number): SimResponse {
    if (!this.tenant.forecastIds.includes(forecastId)) {
      return this.exportError(
        400,
        'no_such_forecast_config',
        'fcw',
        `Forecast ${forecastId} does not exist in the ForecastTemplate.`,
      );
    }
    const q = request.query;
    const rawTypes = q.getAll('typesToExport');
    const types = rawTypes.length > 0 ? rawTypes : ['forecast', 'forecast_updated'];
    const invalid = types.filter((t) => !(EXPORT_TYPES as readonly string[]).includes(t));
    if (invalid.length > 0)
      return this.exportError(
        400,
        'bad_request',
        'fcw',
        `The following typesToExport values are invalid: ${JSON.stringify(invalid)}`,
      );
    const currency = q.get('currency') ? CURRENCIES[q.get('currency')!] : CURRENCIES.USD;
    if (!currency) return this.exportError(400, 'bad_request', 'fcw', 'The currency parameter is invalid.');
    const day = this.day();
    const asked = q.get('timePeriod') ?? '';
    const periodId = asked && this.tenant.hasData(asked, day) ? asked : this.tenant.currentPeriod(day);
    this.audit.push({
      at: this.now(),
      actorId: userId,
      event: 'api.accessed',
      params: { path: `/forecast/${forecastId}` },
    });
    const data = this.tenant.period(forecastId, periodId, day);
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: renderJson(this.tenant, data, {
        types: new Set(types as ExportType[]),
        includeHistorical: q.get('includeHistorical') === 'true',
        currency,
        seed: this.options.seed ?? 42,
      }),
    };
  }

  // ---- GET /audit/events ----

  private seedAudit(): void {
    const r = seededRandom(`${this.options.seed ?? 42}|audit`);
    const now = this.now();
    const users = this.tenant.users;
    for (let i = 0; i < 240; i++) {
      const user = users[Math.floor(r() * users.length)]!;
      this.audit.push({
        at: now - Math.floor(r() * 29 * DAY_MS),
        actorId: user.num,
        event: r() < 0.5 ? 'forecast.call.updated' : 'user.login',
        params: { forecastId: this.tenant.forecastIds[0] },
      });
    }
    this.audit.sort((a, b) => a.at - b.at);
  }

  private auditEvents(request: SimRequest): SimResponse {
    const q = request.query;
    const limit = q.get('limit') === null ? 100 : Number(q.get('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return json(400, {
        errors: [
          {
            code: 'invalid_parameter',
            message: 'limit must be an integer between 1 and 1000',
            target: 'limit',
            status: '400',
            details: [],
          },
        ],
      });
    }
    const now = this.now();
    const from = q.get('dateFrom') ? Date.parse(q.get('dateFrom')!) : now - WINDOW_MS;
    const to = q.get('dateTo') ? Date.parse(q.get('dateTo')!) : now;
    if (Number.isNaN(from) || Number.isNaN(to)) {
      return json(400, {
        errors: [
          {
            code: 'invalid_parameter',
            message: 'dateFrom/dateTo must be ISO dates',
            target: 'dateFrom',
            status: '400',
            details: [],
          },
        ],
      });
    }
    const event = q.get('event');
    const matching = this.audit.filter((e) => e.at >= from && e.at <= to && (!event || e.event === event));
    const offset = Number(q.get('cursor') ?? 0) || 0;
    const page = matching.slice(offset, offset + limit);
    const actorIds = new Set(page.map((e) => e.actorId));
    const body: Record<string, unknown> = {
      items: page.map((e, i) => ({
        correlationID: `${hashString(`${e.at}|${i + offset}`).toString(16)}-audit`,
        actorId: e.actorId,
        impersonatingActorId: null,
        actorType: 'USER',
        sessionId: null,
        ipAddress: '203.0.113.7',
        sessionType: 'WEB',
        event: e.event,
        eventParameters: e.params,
        eventTimestamp: new Date(e.at).toISOString(),
      })),
      actors: [...actorIds].map((id) => {
        const user = this.tenant.users.find((u) => u.num === id || u.index + 1 === id);
        return {
          actorType: 'USER',
          actorId: id,
          name: user?.name ?? 'Integration User',
          email: user?.email ?? 'integration@example.com',
        };
      }),
    };
    if (offset + limit < matching.length) {
      const next = new URLSearchParams(q);
      next.delete('apikey');
      next.set('cursor', String(offset + limit));
      body.nextLink = `${request.origin}/v4/audit/events?${next.toString()}`;
    }
    return json(200, body);
  }

  // ---- control endpoints (never part of the Clari contract) ----

  private control(request: SimRequest): SimResponse {
    if (request.path === '/__sim/stats' && request.method === 'GET') return json(200, this.stats());
    if (request.path === '/__sim/clock') {
      if (request.method === 'GET') return json(200, { date: this.today(), now: this.now() });
      if (request.method === 'POST') {
        let days: unknown;
        try {
          days = (JSON.parse(request.body || '{}') as { advanceDays?: unknown }).advanceDays;
        } catch {
          days = undefined;
        }
        if (typeof days !== 'number' || !Number.isInteger(days) || days < 0)
          return json(400, { message: 'advanceDays must be a non-negative integer' });
        return json(200, { date: this.advanceDays(days) });
      }
    }
    if (request.path === '/__sim/config' && request.method === 'POST') {
      try {
        const body = JSON.parse(request.body || '{}') as {
          faultRate?: unknown;
          faultKinds?: unknown;
          concurrencyLimit?: unknown;
          monthlyQuota?: unknown;
        };
        if (typeof body.faultRate === 'number')
          this.faults.settings = { ...this.faults.settings, rate: body.faultRate };
        if (Array.isArray(body.faultKinds))
          this.faults.settings = {
            ...this.faults.settings,
            kinds: body.faultKinds.filter((k): k is FaultKind => (FAULT_KINDS as readonly unknown[]).includes(k)),
          };
        if (typeof body.concurrencyLimit === 'number') this.concurrencyLimit = body.concurrencyLimit;
        if (typeof body.monthlyQuota === 'number') this.monthlyQuota = body.monthlyQuota;
        return json(200, { ok: true });
      } catch {
        return json(400, { message: 'body must be JSON' });
      }
    }
    return json(404, { message: KONG_404, request_id: this.uuid() });
  }

  // ---- helpers ----

  private rateLimit(key: string): SimResponse | undefined {
    const perSecond = this.options.rateLimitPerSecond;
    if (!perSecond) return undefined;
    const now = this.options.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: perSecond, at: now };
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return this.tooMany(Math.ceil((1 - bucket.tokens) / perSecond));
  }

  private tooMany(seconds = this.options.retryAfterSeconds ?? 1): SimResponse {
    return {
      ...json(429, { message: 'API rate limit exceeded' }),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': String(seconds),
        'x-ratelimit-remaining-second': '0',
      },
    };
  }

  private serverError(): SimResponse {
    return this.exportError(500, 'internal_server_error', 'exports', 'An unexpected error occurred.');
  }

  private exportError(status: number, code: string, namespace: string, message: string): SimResponse {
    return json(status, { code, namespace, errorId: this.uuid(), message, orgId: this.options.orgId ?? 101 });
  }

  private uuid(): string {
    const h = randomHex(this.random, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

type Route =
  | { name: 'create' | 'job' | 'cancel' | 'results' | 'forecast'; param: string }
  | { name: 'list' | 'limits' | 'audit'; param?: undefined };

function matchRoute(method: string, path: string): Route | undefined {
  let m: RegExpExecArray | null;
  if (method === 'POST' && (m = /^\/export\/forecast\/([^/]*)$/.exec(path)))
    return { name: 'create', param: decodeURIComponent(m[1]!) };
  if ((m = /^\/export\/jobs\/([^/]+)\/results$/.exec(path)) && method === 'GET')
    return { name: 'results', param: m[1]! };
  if ((m = /^\/export\/jobs\/([^/]+)$/.exec(path))) {
    if (method === 'GET') return { name: 'job', param: m[1]! };
    if (method === 'PATCH') return { name: 'cancel', param: m[1]! };
  }
  if (path === '/export/jobs' && method === 'GET') return { name: 'list' };
  if (path === '/admin/limits' && method === 'GET') return { name: 'limits' };
  if (path === '/audit/events' && method === 'GET') return { name: 'audit' };
  if (method === 'GET' && (m = /^\/forecast\/([^/]+)$/.exec(path)))
    return { name: 'forecast', param: decodeURIComponent(m[1]!) };
  return undefined;
}

/** Route template for stats, e.g. `/export/jobs/{jobId}`. */
export function routeName(method: string, path: string): string {
  if (path.startsWith('/__sim/')) return path;
  const sub = path.replace(/^\/v4/, '');
  const route = matchRoute(method, sub);
  if (!route || !path.startsWith('/v4')) return 'unmatched';
  switch (route.name) {
    case 'create':
      return '/export/forecast/{forecastId}';
    case 'job':
    case 'cancel':
      return '/export/jobs/{jobId}';
    case 'results':
      return '/export/jobs/{jobId}/results';
    case 'list':
      return '/export/jobs';
    case 'limits':
      return '/admin/limits';
    case 'audit':
      return '/audit/events';
    case 'forecast':
      return '/forecast/{forecastId}';
  }
}

function json(status: number, body: unknown): SimResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}
