/**
 * The one retrying JSON POST behind the Slack and webhook channels. It retries a 429 (honouring
 * Retry-After, floored so 0 is not a hot loop), 408, 5xx and network errors with capped exponential
 * backoff on the injected Clock; any other status fails at once. Webhook URLs are bearer secrets, so
 * errors name the channel and the status, never the URL, and redirects are refused, not followed.
 */
import {
  abortReason,
  AppError,
  type Clock,
  DEFAULT_RETRY,
  type ErrorKind,
  type FetchLike,
  parseRetryAfter,
  type Random,
  Redactor,
  retryDelay,
  type RetryOptions,
} from '../../core/index.js';

export const CHANNEL_FAILED = 'alerts.channel_failed';

export interface PostTarget {
  /** How errors name the destination, e.g. `slack channel "ops"`. Never the URL. */
  readonly label: string;
  readonly url: string;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly random: Random;
  readonly retry: RetryOptions;
}

export interface PostResult {
  readonly status: number;
  readonly body: string;
  readonly attempts: number;
}

type Outcome =
  | { readonly type: 'ok'; readonly status: number; readonly body: string }
  | {
      readonly type: 'retry';
      readonly what: string;
      readonly status?: number;
      readonly retryAfterMs?: number | undefined;
    }
  | {
      readonly type: 'fail';
      readonly what: string;
      readonly status: number;
      readonly kind: ErrorKind;
      readonly hint: string;
    };

const MAX_ERROR_BODY = 200;

const TRANSIENT_HINT =
  'The receiver is unreachable, failing or rate-limiting; check its status page and the network, then send the alerts again.';

/** What every HTTP channel is built with besides its name and URL. */
export interface PostChannelOptions {
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly random: Random;
  /** Total attempts per message including the first. Default 4. */
  readonly maxAttempts?: number | undefined;
  /** First backoff step in ms. Default 1000. */
  readonly baseDelayMs?: number | undefined;
}

/** A channel's target, its URL checked once, at construction (the error must not echo it). */
export function postTarget(label: string, url: string, options: PostChannelOptions): PostTarget {
  checkWebhookUrl(label, url);
  const { maxAttempts = 4, baseDelayMs = 1000 } = options;
  // The shared defaults with the channel's attempts and first step.
  const retry = {
    ...DEFAULT_RETRY,
    maxAttempts: Math.max(1, Math.floor(maxAttempts)),
    baseDelayMs: Math.max(0, baseDelayMs),
    maxDelayMs: 30_000,
  };
  return { label, url, fetch: options.fetch, clock: options.clock, random: options.random, retry };
}

function checkWebhookUrl(label: string, url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'https:' || parsed.protocol === 'http:')) return;
  throw new AppError(`${label}: the configured webhook URL is not an http(s) URL`, {
    code: 'config.invalid',
    kind: 'config',
    hint: 'Set the URL secret to the full https:// URL the receiver gave you.',
  });
}

/** POSTs `body` as JSON, retrying what may succeed later. Resolves on 2xx; otherwise throws `alerts.channel_failed`. */
export async function postJson(target: PostTarget, body: unknown, signal?: AbortSignal): Promise<PostResult> {
  const payload = JSON.stringify(body);
  const redactor = urlRedactor(target.url);
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptPost(target, payload, signal);
    if (outcome.type === 'ok') return { status: outcome.status, body: outcome.body, attempts: attempt };
    if (outcome.type === 'fail')
      throw channelError(
        redactor,
        `${target.label}: ${outcome.what}`,
        outcome.kind,
        outcome.hint,
        outcome.status,
        attempt,
      );
    const delay = retryDelay(attempt, outcome.retryAfterMs, target.retry, target.random);
    if (attempt >= target.retry.maxAttempts) {
      throw channelError(
        redactor,
        `${target.label}: gave up after ${attempt} attempts: ${outcome.what}`,
        'transient',
        TRANSIENT_HINT,
        outcome.status,
        attempt,
      );
    }
    if (delay > target.retry.maxRetryAfterMs) {
      const message = `${target.label}: ${outcome.what}; the receiver asked to wait ${Math.round(delay / 1000)} s, longer than clari-dp waits`;
      throw channelError(redactor, message, 'transient', TRANSIENT_HINT, outcome.status, attempt);
    }
    await target.clock.sleep(delay, signal);
  }
}

async function attemptPost(target: PostTarget, payload: string, signal: AbortSignal | undefined): Promise<Outcome> {
  let response: Response;
  try {
    response = await target.fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'clari-dp' },
      body: payload,
      redirect: 'manual',
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    return { type: 'retry', what: `network error (${networkErrorCode(error)})` };
  }
  return classify(target, response);
}

async function classify(target: PostTarget, response: Response): Promise<Outcome> {
  const status = response.status;
  const body = await readBody(response);
  if (status >= 200 && status < 300) return { type: 'ok', status, body };
  const what = `HTTP ${status}${body === '' ? '' : ` ${body}`}`;
  if (status === 429) {
    return {
      type: 'retry',
      what,
      status,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), target.clock.now()),
    };
  }
  if (status === 408 || status >= 500) return { type: 'retry', what, status };
  return { type: 'fail', what, status, ...permanentFailure(status) };
}

function permanentFailure(status: number): { kind: ErrorKind; hint: string } {
  if (status >= 300 && status < 400) {
    return {
      kind: 'config',
      hint: 'The webhook URL redirects, and redirects are not followed; configure the final URL.',
    };
  }
  if (status === 400 || status === 413 || status === 422) {
    return {
      kind: 'data',
      hint: 'The receiver rejected the message itself; check the receiver expects this format, or report a clari-dp bug.',
    };
  }
  return {
    kind: 'config',
    hint: 'The receiver rejected the webhook URL (revoked, deleted, mistyped, or its channel is gone); create a new one and update the URL secret.',
  };
}

/** The response text, short and on one line; empty when it cannot be read. */
async function readBody(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_BODY);
  } catch {
    return '';
  }
}

/** `ECONNREFUSED`, `UND_ERR_SOCKET`, ... from fetch's cause. Messages are not used: they can quote the URL. */
function networkErrorCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (error instanceof Error) return error.name;
  return 'unknown';
}

function urlRedactor(url: string): Redactor {
  const redactor = new Redactor([url]);
  try {
    const parsed = new URL(url);
    redactor.add(`${parsed.pathname}${parsed.search}`);
  } catch {
    // checkWebhookUrl already refused it; nothing more to register.
  }
  return redactor;
}

function channelError(
  redactor: Redactor,
  message: string,
  kind: ErrorKind,
  hint: string,
  status: number | undefined,
  attempts: number,
): AppError {
  return new AppError(redactor.redact(message), {
    code: CHANNEL_FAILED,
    kind,
    hint,
    details: { status, attempts },
  });
}
