/**
 * Typed client for the Clari Revenue API v4 (clari-api.md section 2): the forecast export (create,
 * job status, list, cancel, results streamed as JSON or CSV), limits, the legacy synchronous forecast
 * read, audit events, the activity export (a job on the same machinery) and GET /opportunity. It
 * knows nothing of warehouses or config files.
 */
import {
  type Clock,
  DEFAULT_RETRY,
  type FetchLike,
  type Logger,
  type Random,
  Redactor,
  type RetryOptions,
  silentLogger,
} from '../core/index.js';
import { decodeForecastCsv } from './csv.js';
import {
  type ActivityDocumentSummary,
  type ActivityExportRequest,
  activityRequestProblem,
  decodeActivityJson,
  type WireActivity,
} from './activity.js';
import { decodeOpportunities, MAX_OPPORTUNITY_IDS, opportunityErrors, type WireOpportunity } from './opportunity.js';
import { decodeCancel, decodeCreated, decodeJob, decodeJobList, decodeLimits } from './decode.js';
import { decodeForecastJson, type DocumentPart, type DocumentSummary } from './document.js';
import type { FingerprintSet } from './fingerprint.js';
import { ClariError, errorFromResponse } from './errors.js';
import { ClariHttp, type RequestEvent, type StreamResponse } from './http.js';
import { type BreakerOptions, type BreakerState, CircuitBreaker, DEFAULT_BREAKER, RateLimiter } from './resilience.js';
import type {
  AuditEventPage,
  AuditQuery,
  CancelResult,
  ExportFormat,
  ExportJob,
  ExportLimits,
  ExportRequest,
  ExportType,
} from './wire.js';

export const DEFAULT_BASE_URL = 'https://api.clari.com/v4';

export interface ClariClientOptions {
  readonly apiKey: string;
  /** Default https://api.clari.com/v4. */
  readonly baseUrl?: string | undefined;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: Logger | undefined;
  /** Masks the key (and other secrets) in anything the client reports; one is made if absent. */
  readonly redactor?: Redactor | undefined;
  /** Per-request timeout in ms. Default 30000. */
  readonly timeoutMs?: number | undefined;
  readonly retry?: Partial<RetryOptions> | undefined;
  readonly breaker?: Partial<BreakerOptions> | undefined;
  /** Optional client-side request rate limit (requests per second). */
  readonly rateLimitPerSecond?: number | undefined;
  readonly userAgent?: string | undefined;
  readonly onRequest?: ((event: RequestEvent) => void) | undefined;
}

export interface ResultsStream extends StreamResponse {
  readonly format: ExportFormat;
}

/** Legacy GET /forecast/{forecastId} query (clari-api.md 2.7). */
export interface ForecastQuery {
  readonly timePeriod?: string | undefined;
  readonly typesToExport?: readonly ExportType[] | undefined;
  readonly scopeId?: string | undefined;
  readonly currency?: string | undefined;
  readonly includeHistorical?: boolean | undefined;
}

export class ClariClient {
  private readonly http: ClariHttp;
  private readonly breaker: CircuitBreaker;

  constructor(options: ClariClientOptions) {
    if (!options.apiKey || options.apiKey.trim() === '') {
      throw new ClariError('clari.auth', 'No Clari API key configured', {
        kind: 'auth',
        hint: 'Set CLARI_API_KEY, or CLARI_API_KEY_FILE to a file that holds the key (Clari: Settings -> API Token).',
      });
    }
    const redactor = options.redactor ?? new Redactor();
    redactor.add(options.apiKey);
    this.breaker = new CircuitBreaker(options.clock, { ...DEFAULT_BREAKER, ...options.breaker });
    this.http = new ClariHttp({
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      apiKey: options.apiKey.trim(),
      fetch: options.fetch,
      clock: options.clock,
      random: options.random,
      logger: options.logger ?? silentLogger,
      redactor,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      breaker: this.breaker,
      rateLimiter: options.rateLimitPerSecond ? new RateLimiter(options.clock, options.rateLimitPerSecond) : undefined,
      userAgent: options.userAgent ?? 'clari-dp',
      onRequest: options.onRequest,
    });
  }

  /** Server clock minus ours, from the Date header of the last response (undefined before any). */
  serverSkewMs(): number | undefined {
    return this.http.serverSkewMs;
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  onBreakerChange(listener: (state: BreakerState) => void): void {
    this.breaker.onStateChange(listener);
  }

  /** GET /admin/limits: concurrency cap, rolling 30-day quota and what is left of both. */
  async getLimits(signal?: AbortSignal): Promise<ExportLimits> {
    const endpoint = 'GET /admin/limits';
    return decodeLimits(
      await this.http.json({ method: 'GET', path: '/admin/limits', endpoint, idempotent: true, signal }),
      endpoint,
    );
  }

  /**
   * POST /export/forecast/{forecastId} with the parameters in the JSON body (query parameters are
   * ignored by Clari, which then exports the current quarter). Never retried blindly: an unknown
   * outcome raises `clari.outcome_unknown` for the caller to resolve by listing jobs.
   */
  async createExport(forecastId: string, request: ExportRequest, signal?: AbortSignal): Promise<{ jobId: string }> {
    const endpoint = 'POST /export/forecast/{forecastId}';
    const body = await this.http.json({
      method: 'POST',
      path: `/export/forecast/${forecastPath(forecastId)}`,
      endpoint,
      body: request,
      idempotent: false,
      subject: forecastId,
      signal,
    });
    return decodeCreated(body, endpoint);
  }

  /**
   * POST /export/activity (clari-api.md 2.8): a job like the forecast export (202 `{jobId}`), never
   * retried blindly. The request is checked first: the five upper-case types only, dates with a UTC
   * offset (Clari refuses bare dates), a window that does not end before it starts.
   */
  async createActivityExport(request: ActivityExportRequest, signal?: AbortSignal): Promise<{ jobId: string }> {
    const problem = activityRequestProblem(request);
    if (problem) throw new ClariError('clari.bad_request', problem.message, { kind: 'input', hint: problem.hint });
    const endpoint = 'POST /export/activity';
    const body = await this.http.json({
      method: 'POST',
      path: '/export/activity',
      endpoint,
      body: { ...request, exportFormat: 'JSON' },
      idempotent: false,
      subject: 'activity',
      signal,
    });
    return decodeCreated(body, endpoint);
  }

  /**
   * GET /opportunity for at most 100 ids (clari-api.md 2.10), retried like every GET. Returns the
   * body exactly as Clari sent it (for the landing) and the decoded opportunities; ids Clari does not
   * know are simply absent. Clari's error array (with its `reaspnPhrase`) becomes a ClariError, with
   * an error status or with a 200 alike (a 5xx inside it is retried).
   */
  async getOpportunityBatch(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<{ text: string; opportunities: WireOpportunity[] }> {
    const endpoint = 'GET /opportunity';
    if (ids.length === 0) return { text: '[]', opportunities: [] };
    if (ids.length > MAX_OPPORTUNITY_IDS)
      throw new ClariError(
        'clari.bad_request',
        `GET /opportunity takes at most ${MAX_OPPORTUNITY_IDS} ids, got ${ids.length}`,
        { kind: 'input', hint: 'Send the ids in batches of 100 (ClariClient.opportunities does).' },
      );
    const query = new URLSearchParams();
    for (const id of ids) query.append('oppId', id);
    query.set('mode', 'OPPORTUNITY_MODE_ID');
    const { text, value } = await this.http.jsonText(
      { method: 'GET', path: '/opportunity', endpoint, query, idempotent: true, signal },
      (body) => {
        const errors = opportunityErrors(body);
        if (errors) throw errorFromResponse(errors.statusCode ?? 400, errors.text, { endpoint });
      },
    );
    return { text, opportunities: decodeOpportunities(value) };
  }

  /** Every requested opportunity, in batches of at most 100 ids (duplicates sent once). */
  async *opportunities(ids: readonly string[], signal?: AbortSignal): AsyncGenerator<WireOpportunity[]> {
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += MAX_OPPORTUNITY_IDS)
      yield (await this.getOpportunityBatch(unique.slice(i, i + MAX_OPPORTUNITY_IDS), signal)).opportunities;
  }

  /** An activity export's results as a stream of activity batches (the pipeline lands them first and reads from there). */
  async *readActivityResults(
    jobId: string,
    signal?: AbortSignal,
  ): AsyncGenerator<WireActivity[], ActivityDocumentSummary> {
    const results = await this.downloadResults(jobId, signal);
    return yield* decodeActivityJson(results.body);
  }

  /** GET /export/jobs/{jobId}, unwrapping `{job: ...}`. */
  async getJob(jobId: string, signal?: AbortSignal): Promise<ExportJob> {
    const endpoint = 'GET /export/jobs/{jobId}';
    return decodeJob(
      await this.http.json({
        method: 'GET',
        path: `/export/jobs/${jobPath(jobId)}`,
        endpoint,
        idempotent: true,
        subject: jobId,
        signal,
      }),
      endpoint,
    );
  }

  /** GET /export/jobs: every job the token's user started. */
  async listJobs(signal?: AbortSignal): Promise<ExportJob[]> {
    const endpoint = 'GET /export/jobs';
    return decodeJobList(
      await this.http.json({ method: 'GET', path: '/export/jobs', endpoint, idempotent: true, signal }),
      endpoint,
    );
  }

  /** PATCH /export/jobs/{jobId} `{type: CANCEL}`; frees the job's quota slot. */
  async cancelJob(jobId: string, signal?: AbortSignal): Promise<CancelResult> {
    const endpoint = 'PATCH /export/jobs/{jobId}';
    // Cancelling twice is harmless (the second answers export_failed_to_cancel or the same status), so it may be retried.
    return decodeCancel(
      await this.http.json({
        method: 'PATCH',
        path: `/export/jobs/${jobPath(jobId)}`,
        endpoint,
        body: { type: 'CANCEL' },
        idempotent: true,
        subject: jobId,
        signal,
      }),
    );
  }

  /** GET /export/jobs/{jobId}/results as a byte stream; the format comes from the content type or the first byte. */
  async downloadResults(jobId: string, signal?: AbortSignal): Promise<ResultsStream> {
    const endpoint = 'GET /export/jobs/{jobId}/results';
    const response = await this.http.stream({
      method: 'GET',
      path: `/export/jobs/${jobPath(jobId)}/results`,
      endpoint,
      idempotent: true,
      subject: jobId,
      signal,
    });
    return sniffFormat(response);
  }

  /** Downloads and decodes results into row batches (JSON or CSV alike). */
  async *readResults(
    jobId: string,
    options: {
      requestedPeriod?: string | undefined;
      currencyCode?: string | undefined;
      signal?: AbortSignal | undefined;
    } = {},
  ): AsyncGenerator<DocumentPart, DocumentSummary> {
    const results = await this.downloadResults(jobId, options.signal);
    return yield* decodeResults(results, options);
  }

  /** Legacy synchronous GET /forecast/{forecastId}: the same document, latest week only unless includeHistorical. */
  async getForecast(forecastId: string, query: ForecastQuery = {}, signal?: AbortSignal): Promise<ResultsStream> {
    const params = new URLSearchParams();
    if (query.timePeriod) params.set('timePeriod', query.timePeriod);
    for (const type of query.typesToExport ?? []) params.append('typesToExport', type);
    if (query.scopeId) params.set('scopeId', query.scopeId);
    if (query.currency) params.set('currency', query.currency);
    if (query.includeHistorical !== undefined) params.set('includeHistorical', String(query.includeHistorical));
    params.set('exportFormat', 'JSON');
    const response = await this.http.stream({
      method: 'GET',
      path: `/forecast/${forecastPath(forecastId)}`,
      endpoint: 'GET /forecast/{forecastId}',
      query: params,
      idempotent: true,
      subject: forecastId,
      signal,
    });
    return sniffFormat(response);
  }

  /** GET /audit/events, following the absolute `nextLink` (only on the API's own origin) until it is absent. */
  async *auditEvents(query: AuditQuery = {}, signal?: AbortSignal): AsyncGenerator<AuditEventPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    let path: string | undefined = '/audit/events';
    let first = true;
    const seen = new Set<string>();
    while (path) {
      const body = await this.http.json({
        method: 'GET',
        path,
        endpoint: 'GET /audit/events',
        query: first ? params : undefined,
        idempotent: true,
        signal,
      });
      first = false;
      const page = decodeAuditPage(body);
      yield page;
      path = page.nextLink;
      if (path && seen.has(path))
        throw new ClariError('clari.decode', 'Audit events pagination loops (the same nextLink twice)', {
          kind: 'data',
          endpoint: 'GET /audit/events',
        });
      if (path) seen.add(path);
    }
  }
}

/** Decodes a results stream whichever format it is in. */
export async function* decodeResults(
  results: ResultsStream,
  options: {
    requestedPeriod?: string | undefined;
    currencyCode?: string | undefined;
    /** JSON only: entries whose fingerprint is here are skipped (document.ts). */
    known?: FingerprintSet | undefined;
  } = {},
): AsyncGenerator<DocumentPart, DocumentSummary> {
  if (results.format === 'CSV') return yield* decodeForecastCsv(results.body, options);
  return yield* decodeForecastJson(results.body, { known: options.known });
}

async function sniffFormat(response: StreamResponse): Promise<ResultsStream> {
  const type = response.headers.get('content-type') ?? '';
  if (/csv/i.test(type)) return { ...response, format: 'CSV' };
  if (/json/i.test(type)) return { ...response, format: 'JSON' };
  // No useful content type: look at the first non-blank byte, then replay it.
  const iterator = response.body[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? new Uint8Array() : first.value;
  const text = Buffer.from(head)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  const format: ExportFormat = text.startsWith('{') || text.startsWith('[') || text === '' ? 'JSON' : 'CSV';
  async function* replay(): AsyncGenerator<Uint8Array> {
    if (!first.done) yield first.value;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { ...response, format, body: replay() };
}

function decodeAuditPage(body: unknown): AuditEventPage {
  const o = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (!Array.isArray(o.items))
    throw new ClariError('clari.decode', 'Unexpected answer from GET /audit/events: no items array', { kind: 'data' });
  const page: { nextLink?: string; items: AuditEventPage['items']; actors: AuditEventPage['actors'] } = {
    items: o.items as AuditEventPage['items'],
    actors: Array.isArray(o.actors) ? (o.actors as AuditEventPage['actors']) : [],
  };
  if (typeof o.nextLink === 'string' && o.nextLink !== '') page.nextLink = o.nextLink;
  return page;
}

function forecastPath(forecastId: string): string {
  const id = forecastId.trim();
  if (id === '' || /[/?#\s]/.test(id)) {
    throw new ClariError('clari.forecast_not_found', `Not a forecast id: '${forecastId}'`, {
      kind: 'input',
      hint: 'Use the id from the Forecast tab URL, e.g. net_new_arr from app.clari.com/forecast/net_new_arr.',
    });
  }
  return encodeURIComponent(id);
}

function jobPath(jobId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(jobId)) {
    throw new ClariError('clari.job_not_found', `Not a job id: '${jobId}'`, {
      kind: 'input',
      hint: 'Job ids are 24 hex characters, as returned by the export call.',
    });
  }
  return jobId;
}
