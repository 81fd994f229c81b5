/**
 * One HTTP exchange with Clari: base URL, the `apikey` header (and nothing else), timeouts on the
 * injected clock, error mapping, retries for idempotent requests, breaker and rate limit. The key
 * travels only in the header, redirects are refused (fetch would forward custom headers to another
 * host), and errors name the endpoint template, never a URL.
 */
import {
  abortReason,
  type Clock,
  type FetchLike,
  type Logger,
  parseRetryAfter,
  type Random,
  type Redactor,
  retryDelay,
  type RetryOptions,
} from '../core/index.js';
import { ClariError, errorFromResponse, isClariError } from './errors.js';
import type { CircuitBreaker, RateLimiter } from './resilience.js';

export interface RequestEvent {
  readonly endpoint: string;
  readonly method: string;
  readonly status: number | undefined;
  readonly durationMs: number;
  readonly attempt: number;
  /** Set when the attempt failed. */
  readonly errorCode?: string | undefined;
  /** True when another attempt follows. */
  readonly retrying: boolean;
}

export interface HttpOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** Per attempt, until the response headers (and, for JSON, the body) arrive; and the longest silence while streaming. */
  readonly timeoutMs: number;
  readonly retry: RetryOptions;
  readonly breaker: CircuitBreaker;
  readonly rateLimiter?: RateLimiter | undefined;
  readonly userAgent: string;
  readonly onRequest?: ((event: RequestEvent) => void) | undefined;
}

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Path below the base URL, already encoded, e.g. `/export/jobs/abc`; or an absolute URL on the same origin. */
  readonly path: string;
  /** Endpoint template for errors and metrics, e.g. `GET /export/jobs/{jobId}`. */
  readonly endpoint: string;
  readonly query?: URLSearchParams | undefined;
  readonly body?: unknown;
  /** GETs and cancels may be retried; the export POST must not be (clari-api.md 2.1). */
  readonly idempotent: boolean;
  readonly subject?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface StreamResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: AsyncIterable<Uint8Array>;
}

const MAX_ERROR_BODY = 64 * 1024;

export class ClariHttp {
  private readonly base: URL;
  private skewMs: number | undefined;
  /** Whether Clari ever answered this client: a connection refused before that is a wrong URL or network, not a blip. */
  private reached = false;

  constructor(private readonly options: HttpOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    try {
      this.base = new URL(`${base}/`);
    } catch (cause) {
      throw new ClariError(
        'clari.bad_request',
        `CLARI_BASE_URL is not a URL: ${options.redactor.redact(options.baseUrl)}`,
        {
          kind: 'input',
          cause,
          hint: 'Use e.g. https://api.clari.com/v4 or the simulator URL printed by `clari-dp sim`.',
        },
      );
    }
    if (this.base.username || this.base.password || this.base.search) {
      throw new ClariError('clari.bad_request', 'CLARI_BASE_URL must not carry credentials or a query string', {
        kind: 'input',
        hint: 'Put the API key in CLARI_API_KEY; it is sent only in the apikey header.',
      });
    }
  }

  /**
   * Server clock minus ours, from the last response's Date header (1 s resolution); undefined before
   * the first response. Job timestamps are server time, so comparisons with our clock need it.
   */
  get serverSkewMs(): number | undefined {
    return this.skewMs;
  }

  /** Origin of the API, for checking absolute links (audit nextLink) before sending the key to them. */
  get origin(): string {
    return this.base.origin;
  }

  /** Sends and parses a JSON response (204/empty bodies give `undefined`). */
  async json(spec: RequestSpec): Promise<unknown> {
    return (await this.jsonText(spec)).value;
  }

  /**
   * Like json(), and hands back the body exactly as sent (for the landing). `check` may refuse a 2xx
   * body (an error envelope sent with 200); a transient refusal is retried like a failed request.
   */
  async jsonText(
    spec: RequestSpec,
    check?: (value: unknown, text: string) => void,
  ): Promise<{ readonly text: string; readonly value: unknown }> {
    return this.exchange(spec, async (response, endpoint) => {
      const text = await response.text();
      if (text.trim() === '') return { text, value: undefined };
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch (cause) {
        throw new ClariError('clari.decode', `Clari sent a malformed JSON body (${endpoint}, ${text.length} bytes)`, {
          kind: 'transient',
          endpoint,
          cause,
          hint: 'Usually a cut-off response; retried automatically.',
        });
      }
      check?.(value, text);
      return { text, value };
    });
  }

  /** Sends and hands back the body as a byte stream; silence longer than the timeout aborts it. */
  async stream(spec: RequestSpec): Promise<StreamResponse> {
    return this.exchange(spec, (response, endpoint, controller) => {
      const body = response.body;
      if (!body)
        throw new ClariError('clari.decode', `Clari sent no body (${endpoint})`, { kind: 'transient', endpoint });
      return Promise.resolve({
        status: response.status,
        headers: response.headers,
        body: this.watch(body, controller, endpoint),
      });
    });
  }

  private async exchange<T>(
    spec: RequestSpec,
    consume: (response: Response, endpoint: string, controller: AbortController) => Promise<T>,
  ): Promise<T> {
    const { clock, breaker, logger } = this.options;
    for (let attempt = 1; ; attempt++) {
      const started = clock.now();
      let status: number | undefined;
      try {
        breaker.enter(spec.endpoint);
        await this.options.rateLimiter?.acquire(spec.signal);
        const result = await this.once(spec, consume, (s) => (status = s));
        breaker.success();
        this.emit(spec, status, started, attempt, undefined, false);
        return result;
      } catch (error) {
        if (spec.signal?.aborted) throw abortReason(spec.signal);
        const failure = isClariError(error) ? error : this.unexpected(error, spec.endpoint);
        if (!this.reached && isUnreachable(failure)) {
          // Never answered: one quick second try (a server still starting), then fail once, fast.
          if (attempt > 1) throw this.unreachableError(spec, failure);
          this.emit(spec, undefined, started, attempt, failure.code, true);
          await clock.sleep(UNREACHABLE_RETRY_MS, spec.signal);
          continue;
        }
        if (failure.code !== 'clari.circuit_open') {
          if (failure.kind === 'transient') breaker.failure();
          else breaker.success();
        }
        const delay = this.nextDelay(spec, failure, attempt);
        this.emit(spec, failure.status ?? status, started, attempt, failure.code, delay !== undefined);
        if (delay === undefined) throw this.finalError(spec, failure);
        logger.warn(
          { endpoint: spec.endpoint, attempt, delayMs: delay, code: failure.code, status: failure.status },
          'retrying Clari request',
        );
        await clock.sleep(delay, spec.signal);
      }
    }
  }

  /** Undefined when the failure must not be retried. */
  private nextDelay(spec: RequestSpec, failure: ClariError, attempt: number): number | undefined {
    const { retry, random } = this.options;
    if (attempt >= retry.maxAttempts || failure.kind !== 'transient') return undefined;
    // The export POST is not idempotent: only a gateway 429 (rejected before reaching Clari) or a
    // connection that never opened is known not to have created a job.
    if (!spec.idempotent && !(failure.code === 'clari.rate_limited' || isConnectFailure(failure))) return undefined;
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > retry.maxRetryAfterMs) return undefined;
    return retryDelay(attempt, failure.retryAfterMs, retry, random);
  }

  private finalError(spec: RequestSpec, failure: ClariError): ClariError {
    if (
      spec.idempotent ||
      failure.kind !== 'transient' ||
      failure.code === 'clari.rate_limited' ||
      failure.code === 'clari.circuit_open' ||
      isConnectFailure(failure)
    ) {
      return failure;
    }
    return new ClariError('clari.outcome_unknown', `The outcome of ${spec.endpoint} is unknown: ${failure.message}`, {
      kind: 'transient',
      endpoint: spec.endpoint,
      status: failure.status,
      cause: failure,
      hint: 'The request may have created a job; clari-dp lists jobs to find it before creating another.',
    });
  }

  private async once<T>(
    spec: RequestSpec,
    consume: (response: Response, endpoint: string, controller: AbortController) => Promise<T>,
    onStatus: (status: number) => void,
  ): Promise<T> {
    const { clock, timeoutMs } = this.options;
    const controller = new AbortController();
    const timer = new AbortController();
    const timeoutError = new ClariError(
      'clari.timeout',
      `Clari did not answer ${spec.endpoint} within ${timeoutMs} ms`,
      {
        kind: 'transient',
        endpoint: spec.endpoint,
        hint: 'Retried automatically; raise `clari.timeoutMs` for slow tenants.',
      },
    );
    clock.sleep(timeoutMs, timer.signal).then(
      () => controller.abort(timeoutError),
      () => undefined,
    );
    const onOuterAbort = (): void => controller.abort(abortReason(spec.signal));
    spec.signal?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      const response = await this.options.fetch(this.url(spec), {
        method: spec.method,
        headers: this.headers(spec),
        body: spec.body === undefined ? null : JSON.stringify(spec.body),
        signal: controller.signal,
        redirect: 'manual',
      });
      this.reached = true;
      onStatus(response.status);
      const serverDate = Date.parse(response.headers.get('date') ?? '');
      if (!Number.isNaN(serverDate)) this.skewMs = serverDate - clock.now();
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        throw new ClariError(
          'clari.not_found',
          `Clari redirected ${spec.endpoint} (HTTP ${response.status}); redirects are not followed so the API key stays on this host`,
          {
            kind: 'input',
            status: response.status,
            endpoint: spec.endpoint,
            hint: 'Point CLARI_BASE_URL at the final address (https://api.clari.com/v4).',
          },
        );
      }
      if (!response.ok) {
        const text = await readLimited(response, MAX_ERROR_BODY);
        throw errorFromResponse(response.status, this.options.redactor.redact(text), {
          endpoint: spec.endpoint,
          subject: spec.subject,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), clock.now()),
        });
      }
      return await consume(response, spec.endpoint, controller);
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason === timeoutError) throw timeoutError;
      throw error;
    } finally {
      // Stops the header timer only; a stream's controller stays with the idle watchdog in watch().
      timer.abort();
      spec.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /** Re-yields a body, aborting it when no bytes arrive for timeoutMs. */
  private async *watch(
    body: ReadableStream<Uint8Array>,
    controller: AbortController,
    endpoint: string,
  ): AsyncIterable<Uint8Array> {
    const { clock, timeoutMs } = this.options;
    let last = clock.now();
    const stop = new AbortController();
    const idle = new ClariError('clari.timeout', `Clari stopped sending ${endpoint} for ${timeoutMs} ms`, {
      kind: 'transient',
      endpoint,
    });
    const watchdog = async (): Promise<void> => {
      for (;;) {
        const wait = last + timeoutMs - clock.now();
        if (wait <= 0) {
          controller.abort(idle);
          return;
        }
        await clock.sleep(wait, stop.signal);
      }
    };
    watchdog().catch(() => undefined);
    const reader = body.getReader();
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (cause) {
          if (controller.signal.reason === idle) throw idle;
          throw this.networkError(cause, endpoint, true);
        }
        if (chunk.done) return;
        last = clock.now();
        yield chunk.value;
      }
    } finally {
      stop.abort();
      reader.releaseLock();
      if (!controller.signal.aborted) controller.abort(new Error('stream closed'));
    }
  }

  private url(spec: RequestSpec): string {
    const url = /^https?:\/\//i.test(spec.path)
      ? new URL(spec.path)
      : new URL(spec.path.replace(/^\/+/, ''), this.base);
    if (url.origin !== this.base.origin) {
      throw new ClariError('clari.bad_request', `Refusing to send the API key to another host (${url.host})`, {
        kind: 'input',
        endpoint: spec.endpoint,
      });
    }
    if (spec.query) for (const [k, v] of spec.query) url.searchParams.append(k, v);
    return url.toString();
  }

  private headers(spec: RequestSpec): Record<string, string> {
    const headers: Record<string, string> = {
      apikey: this.options.apiKey,
      accept: 'application/json, text/csv;q=0.9, */*;q=0.1',
      'user-agent': this.options.userAgent,
    };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  private unreachableError(spec: RequestSpec, failure: ClariError): ClariError {
    const code = typeof failure.details.networkCode === 'string' ? failure.details.networkCode : '';
    const what =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host name not found'
          : code === 'ERR_BAD_PORT'
            ? 'fetch refuses that port'
            : 'TLS handshake failed';
    const url = this.options.redactor.redact(this.base.toString().replace(/\/$/, ''));
    return new ClariError('clari.unreachable', `Cannot reach Clari at ${url}: ${what} (${code}, ${spec.endpoint})`, {
      kind: 'input',
      endpoint: spec.endpoint,
      cause: failure,
      details: { networkCode: code, url },
      hint: `Check CLARI_BASE_URL (${url}): Clari's is https://api.clari.com/v4, the simulator's is printed by \`clari-dp sim\`; and that this machine can reach it (proxy, firewall, DNS, certificates). Nothing was exported.`,
    });
  }

  private unexpected(error: unknown, endpoint: string): ClariError {
    return this.networkError(error, endpoint, false);
  }

  private networkError(error: unknown, endpoint: string, midBody: boolean): ClariError {
    // fetch refuses some ports outright (6000, 1, ...) with a bare "bad port" cause.
    const code =
      causeCode(error) ??
      ((error as { cause?: { message?: unknown } }).cause?.message === 'bad port' ? 'ERR_BAD_PORT' : undefined);
    const text = this.options.redactor.redact(error instanceof Error ? error.message : String(error));
    return new ClariError(
      midBody ? 'clari.truncated_body' : 'clari.network',
      `${midBody ? 'Connection lost while reading' : 'Network error calling'} ${endpoint}: ${code ?? text}`,
      {
        kind: 'transient',
        endpoint,
        cause: error,
        details: {
          networkCode: code,
          connect: code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN',
        },
        hint: 'Check network access to the Clari API (CLARI_BASE_URL); retried automatically.',
      },
    );
  }

  private emit(
    spec: RequestSpec,
    status: number | undefined,
    started: number,
    attempt: number,
    errorCode: string | undefined,
    retrying: boolean,
  ): void {
    const durationMs = this.options.clock.now() - started;
    // The path only (a nextLink may carry the origin and a cursor), through the redactor like every other line.
    this.options.logger.debug(
      {
        method: spec.method,
        path: this.options.redactor.redact(spec.path.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '')),
        status,
        durationMs,
        attempt,
        errorCode,
      },
      'Clari request',
    );
    this.options.onRequest?.({
      endpoint: spec.endpoint,
      method: spec.method,
      status,
      durationMs,
      attempt,
      errorCode,
      retrying,
    });
  }
}

const UNREACHABLE_RETRY_MS = 500;

/** A call that never got a response because the host refused, does not resolve, or fails TLS. */
function isUnreachable(error: ClariError): boolean {
  if (error.code !== 'clari.network') return false;
  const code = typeof error.details.networkCode === 'string' ? error.details.networkCode : '';
  return (
    [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ERR_BAD_PORT',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
    ].includes(code) || /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_)/.test(code)
  );
}

function isConnectFailure(error: ClariError): boolean {
  return error.code === 'clari.network' && error.details.connect === true;
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let i = 0; i < 5 && current; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('clari.')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A broken error body still tells us the status; keep what arrived.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, limit);
}
