/**
 * The error vocabulary of clari-dp. Every port classifies native failures into an AppError at its
 * boundary, with a stable `code`, a `kind` that decides retries and exit codes, and a `hint` that
 * tells the user what to do next. Guards test a brand, not `instanceof`, so errors survive module
 * duplication.
 */
export const ERROR_KINDS = [
  'usage', // bad command line: exit 2
  'config', // bad configuration: exit 2
  'auth', // credentials rejected: do not retry
  'input', // the request itself is wrong (forecast id, type, period): do not retry
  'capacity', // quota or concurrency exhausted: wait, not an input error
  'transient', // network, 5xx, 429, timeouts: retry with backoff
  'data', // the payload is wrong (truncated, mismatched period, empty, malformed)
  'internal', // a bug or an unexpected state
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const BRAND = Symbol.for('clari-dp.AppError');

export interface AppErrorOptions {
  code: string;
  kind: ErrorKind;
  hint?: string | undefined;
  retryable?: boolean | undefined;
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

export class AppError extends Error {
  readonly [BRAND] = true;
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: AppErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.kind = options.kind;
    this.hint = options.hint;
    this.retryable = options.retryable ?? options.kind === 'transient';
    this.details = options.details ?? {};
  }
}

export function isAppError(error: unknown): error is AppError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

export class ConfigError extends AppError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super(message, { code: 'config.invalid', kind: 'config', hint, details });
  }
}

export class UsageError extends AppError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'usage.invalid', kind: 'usage', hint });
  }
}

/** Message plus hint, one line each, for humans. */
export function describeError(error: unknown): string {
  if (isAppError(error)) return error.hint ? `${error.message}\n  hint: ${error.hint}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A short stable code for machine output and metrics. */
export function errorCode(error: unknown): string {
  if (isAppError(error)) return error.code;
  return 'internal.unexpected';
}
