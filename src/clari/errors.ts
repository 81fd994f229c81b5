/**
 * Every error the Clari client raises. Clari answers with a different envelope per surface
 * (clari-api.md section 4): one parser reads them all, one mapper turns status + envelope into a
 * ClariError whose `code` says what happened and whose `hint` says what to do next.
 */
import { AppError, type ErrorKind } from '../core/index.js';

export type ErrorEnvelope =
  | {
      surface: 'export';
      code: string;
      namespace?: string | undefined;
      errorId?: string | undefined;
      message: string;
      orgId?: number | string | undefined;
    }
  | { surface: 'gateway'; message: string; requestId?: string | undefined }
  | {
      surface: 'audit';
      errors: {
        code?: string | undefined;
        message?: string | undefined;
        target?: string | undefined;
        status?: string | undefined;
      }[];
    }
  | {
      surface: 'opportunity';
      errors: {
        statusCode?: number | undefined;
        reaspnPhrase?: string | undefined;
        description?: string | undefined;
      }[];
    }
  | { surface: 'ingestion'; errors: { errorCode?: string | undefined; errorSummary?: string | undefined }[] }
  | { surface: 'copilot'; errorMessage: string }
  | { surface: 'unknown'; text: string };

export type ClariErrorCode =
  | 'clari.capacity'
  | 'clari.quota_exhausted'
  | 'clari.forecast_not_found'
  | 'clari.type_not_supported'
  | 'clari.bad_request'
  | 'clari.auth'
  | 'clari.no_optin'
  | 'clari.permission'
  | 'clari.not_found'
  | 'clari.job_not_ready'
  | 'clari.job_not_found'
  | 'clari.cancel_failed'
  | 'clari.rate_limited'
  | 'clari.server'
  | 'clari.network'
  | 'clari.unreachable'
  | 'clari.timeout'
  | 'clari.circuit_open'
  | 'clari.decode'
  | 'clari.truncated_body'
  | 'clari.period_mismatch'
  | 'clari.export_truncated'
  | 'clari.empty_export'
  | 'clari.job_failed'
  | 'clari.job_timeout'
  | 'clari.outcome_unknown';

export interface ClariErrorOptions {
  kind: ErrorKind;
  hint?: string | undefined;
  status?: number | undefined;
  clariCode?: string | undefined;
  errorId?: string | undefined;
  endpoint?: string | undefined;
  retryAfterMs?: number | undefined;
  envelope?: ErrorEnvelope | undefined;
  cause?: unknown;
  details?: Record<string, unknown> | undefined;
}

export class ClariError extends AppError {
  declare readonly code: ClariErrorCode;
  readonly status: number | undefined;
  readonly clariCode: string | undefined;
  readonly errorId: string | undefined;
  readonly endpoint: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly envelope: ErrorEnvelope | undefined;

  constructor(code: ClariErrorCode, message: string, options: ClariErrorOptions) {
    super(message, { code, kind: options.kind, hint: options.hint, cause: options.cause, details: options.details });
    this.status = options.status;
    this.clariCode = options.clariCode;
    this.errorId = options.errorId;
    this.endpoint = options.endpoint;
    this.retryAfterMs = options.retryAfterMs;
    this.envelope = options.envelope;
  }
}

export function isClariError(error: unknown, code?: ClariErrorCode): error is ClariError {
  return error instanceof AppError && error.code.startsWith('clari.') && (code === undefined || error.code === code);
}

const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads any of Clari's error bodies. Never throws: unreadable text comes back as `unknown`. */
export function parseErrorEnvelope(text: string): ErrorEnvelope {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { surface: 'unknown', text: text.slice(0, 500) };
  }
  if (Array.isArray(body)) {
    const first: unknown = body[0];
    if (obj(first) && ('errorCode' in first || 'errorSummary' in first)) {
      return {
        surface: 'ingestion',
        errors: body.filter(obj).map((e) => ({ errorCode: str(e.errorCode), errorSummary: str(e.errorSummary) })),
      };
    }
    if (obj(first) && ('statusCode' in first || 'reaspnPhrase' in first || 'description' in first)) {
      return {
        surface: 'opportunity',
        errors: body.filter(obj).map((e) => ({
          statusCode: typeof e.statusCode === 'number' ? e.statusCode : undefined,
          reaspnPhrase: str(e.reaspnPhrase),
          description: str(e.description),
        })),
      };
    }
    return { surface: 'unknown', text: text.slice(0, 500) };
  }
  if (!obj(body)) return { surface: 'unknown', text: text.slice(0, 500) };
  if (typeof body.code === 'string' && (typeof body.message === 'string' || typeof body.namespace === 'string')) {
    return {
      surface: 'export',
      code: body.code,
      namespace: str(body.namespace),
      errorId: str(body.errorId),
      message: str(body.message) ?? '',
      orgId: typeof body.orgId === 'number' || typeof body.orgId === 'string' ? body.orgId : undefined,
    };
  }
  if (Array.isArray(body.errors)) {
    return {
      surface: 'audit',
      errors: body.errors.filter(obj).map((e) => ({
        code: str(e.code),
        message: str(e.message),
        target: str(e.target),
        status: str(e.status) ?? (typeof e.status === 'number' ? String(e.status) : undefined),
      })),
    };
  }
  if (typeof body.errorMessage === 'string') return { surface: 'copilot', errorMessage: body.errorMessage };
  if (typeof body.error === 'string') return { surface: 'ingestion', errors: [{ errorSummary: body.error }] };
  if (typeof body.message === 'string') {
    return { surface: 'gateway', message: body.message, requestId: str(body.request_id) };
  }
  return { surface: 'unknown', text: text.slice(0, 500) };
}

/** The human message carried by an envelope. */
export function envelopeMessage(envelope: ErrorEnvelope): string {
  switch (envelope.surface) {
    case 'export':
    case 'gateway':
      return envelope.message;
    case 'audit':
      return envelope.errors.map((e) => e.message ?? e.code ?? '').join('; ');
    case 'opportunity':
      return envelope.errors.map((e) => e.description ?? e.reaspnPhrase ?? '').join('; ');
    case 'ingestion':
      return envelope.errors.map((e) => e.errorSummary ?? e.errorCode ?? '').join('; ');
    case 'copilot':
      return envelope.errorMessage;
    case 'unknown':
      return envelope.text;
  }
}

export interface ResponseContext {
  /** e.g. "POST /export/forecast/{id}" - never a full URL, so no query string can leak. */
  endpoint: string;
  /** What the request was about, for messages: forecast id, job id. */
  subject?: string | undefined;
  retryAfterMs?: number | undefined;
}

/**
 * How each HTTP failure maps to a ClariError, first match wins: Clari's own codes in the export
 * envelope first, then the status alone. `subject` is ` 'id'` when the request was about one.
 */
interface ResponseRule {
  readonly when: (status: number, clariCode: string | undefined, context: ResponseContext) => boolean;
  readonly code: ClariErrorCode;
  readonly kind: ErrorKind;
  readonly message: (subject: string) => string;
  readonly hint?: string;
  /** Carry the Retry-After of the response. */
  readonly retryAfter?: boolean;
}

const on400 =
  (...codes: string[]) =>
  (status: number, clariCode: string | undefined): boolean =>
    status === 400 && clariCode !== undefined && codes.includes(clariCode);
const isResults = (context: ResponseContext): boolean => context.endpoint.endsWith('/results');

const RESPONSE_RULES: readonly ResponseRule[] = [
  {
    when: on400('export_monthly_quota_reached'),
    code: 'clari.capacity',
    kind: 'capacity',
    message: () => 'Clari export capacity reached: concurrent-job cap or 30-day quota',
    hint: 'Wait for running exports to finish or for quota to free up; `clari-dp doctor` shows /admin/limits. This is not an input error.',
  },
  {
    when: on400('no_such_forecast_config', 'missing_forecast_id'),
    code: 'clari.forecast_not_found',
    kind: 'input',
    message: (subject) => `Forecast${subject} does not exist in this Clari tenant`,
    hint: 'Copy the forecast id from the Forecast tab URL (app.clari.com/forecast/<forecastId>) and fix `forecasts` in the config or --forecast.',
  },
  {
    when: on400('type_not_supported'),
    code: 'clari.type_not_supported',
    kind: 'input',
    message: () => 'Clari rejected an export type for this tenant',
    hint: 'Remove crm_total/crm_closed from `types` (this tenant does not export them), or read them with the legacy GET /forecast API.',
  },
  {
    when: (status, code, context) => on400('invalid_jobId')(status, code) && isResults(context),
    code: 'clari.job_not_ready',
    kind: 'transient',
    message: (subject) => `Results of job${subject} are not available`,
    hint: 'The job has not finished, or its results expired (30 days after it ended); poll again or export again.',
  },
  {
    when: on400('invalid_jobId'),
    code: 'clari.job_not_found',
    kind: 'input',
    message: (subject) => `Job${subject} is unknown to Clari`,
    hint: 'The job id may have expired or belong to another tenant; the export will be queued again.',
  },
  {
    when: on400('export_failed_to_cancel'),
    code: 'clari.cancel_failed',
    kind: 'input',
    message: (subject) => `Job${subject} could not be cancelled`,
    hint: 'The job already finished; download its results instead.',
  },
  {
    when: on400('SWW'),
    code: 'clari.server',
    kind: 'transient',
    message: () => 'Clari could not read the job status',
    hint: 'Transient on Clari side; retried automatically.',
  },
  {
    when: (status) => status === 400 || status === 422,
    code: 'clari.bad_request',
    kind: 'input',
    message: () => 'Clari rejected the request',
    hint: 'Check types, currency and period in the config; `clari-dp config show` prints what was sent.',
  },
  {
    when: (status, code) => status === 401 && code === 'no_optin',
    code: 'clari.no_optin',
    kind: 'auth',
    message: (subject) => `The API token's user is not opted into forecast${subject} or its scope`,
    hint: 'Opt the integration user into this forecast (Clari recommends a dedicated user at the top of the hierarchy), or remove scopeId.',
  },
  {
    when: (status) => status === 401,
    code: 'clari.auth',
    kind: 'auth',
    message: () => 'Clari rejected the API key',
    hint: 'Set CLARI_API_KEY (or CLARI_API_KEY_FILE) to a valid token. Tokens stop working when revoked or when their user is deactivated; generate a new one under Settings -> API Token.',
  },
  {
    when: (status) => status === 403,
    code: 'clari.permission',
    kind: 'auth',
    message: (subject) => `Not allowed to access${subject || ' this resource'}`,
    hint: 'Export jobs are visible only to the user who created them; use the same API token that created the job.',
  },
  {
    when: (status) => status === 404,
    code: 'clari.not_found',
    kind: 'input',
    message: () => 'No such Clari API route',
    hint: 'Check CLARI_BASE_URL: it must end with /v4 (e.g. https://api.clari.com/v4).',
  },
  {
    when: (status) => status === 429,
    code: 'clari.rate_limited',
    kind: 'transient',
    message: () => 'Clari rate limit exceeded',
    hint: 'Retried automatically after Retry-After; lower `clari.rateLimitPerSecond` if this persists.',
    retryAfter: true,
  },
  {
    when: (status) => status >= 500,
    code: 'clari.server',
    kind: 'transient',
    message: () => 'Clari server error',
    hint: 'Retried automatically; check https://clari.statuspage.io/ if it persists.',
  },
];

/** Maps an HTTP failure to a ClariError. */
export function errorFromResponse(status: number, bodyText: string, context: ResponseContext): ClariError {
  const envelope = parseErrorEnvelope(bodyText);
  const clariCode = envelope.surface === 'export' ? envelope.code : undefined;
  const errorId = envelope.surface === 'export' ? envelope.errorId : undefined;
  const serverMessage = envelopeMessage(envelope).trim();
  const base = { status, clariCode, errorId, endpoint: context.endpoint, envelope };
  const where = `${context.endpoint} -> HTTP ${status}${clariCode ? ` ${clariCode}` : ''}`;
  const say = (text: string): string => `${text} (${where}${serverMessage ? `: ${serverMessage}` : ''})`;
  const subject = context.subject ? ` '${context.subject}'` : '';
  const rule = RESPONSE_RULES.find((r) => r.when(status, clariCode, context));
  if (!rule) return new ClariError('clari.bad_request', say('Unexpected Clari response'), { ...base, kind: 'input' });
  return new ClariError(rule.code, say(rule.message(subject)), {
    ...base,
    kind: rule.kind,
    ...(rule.retryAfter ? { retryAfterMs: context.retryAfterMs } : {}),
    hint: rule.hint,
  });
}
