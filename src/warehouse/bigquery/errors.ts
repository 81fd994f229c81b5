/**
 * @google-cloud/bigquery errors -> WarehouseError. API errors carry an HTTP status and a `reason`
 * (accessDenied, notFound, invalidQuery, rateLimitExceeded, backendError, ...); credential problems
 * come from google-auth-library before any request.
 */
import { WarehouseError } from '../errors.js';

const TRANSIENT_REASONS = new Set([
  'rateLimitExceeded',
  'backendError',
  'internalError',
  'jobBackendError',
  'jobInternalError',
  'resourcesExceeded',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

function reasonOf(error: unknown): string {
  const e = error as {
    errors?: { reason?: unknown }[];
    response?: { data?: { error?: { errors?: { reason?: unknown }[] } } };
  };
  const reason = e.errors?.[0]?.reason ?? e.response?.data?.error?.errors?.[0]?.reason;
  return typeof reason === 'string' ? reason : '';
}

export function classifyBigquery(error: unknown, where: string, sql?: string): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message.split('\n')[0]! : String(error);
  const reason = reasonOf(error);
  const status = typeof e.code === 'number' ? e.code : 0;
  if (NETWORK.has(String(e.code)) || /getaddrinfo|socket hang up/i.test(message)) {
    return new WarehouseError(
      'warehouse.unreachable',
      `${where} is unreachable: ${message}`,
      'transient',
      'Check the network path to bigquery.googleapis.com; the run changed nothing and can be repeated.',
      error,
    );
  }
  if (e.code === 'ENOENT' && !/clari-dp-stage-/.test(message)) {
    return new WarehouseError(
      'warehouse.auth',
      `${where}: the service-account key file cannot be read: ${message}`,
      'config',
      'Point GOOGLE_APPLICATION_CREDENTIALS (or ?key_file=) at the JSON key file of the service account, readable by this user.',
      error,
    );
  }
  if (
    /default credentials|invalid_grant|invalid_client|unauthorized_client|error:0[0-9A-F]+:|DECODER routines|no key or keyFile set/i.test(
      message,
    ) ||
    status === 401
  ) {
    return new WarehouseError(
      'warehouse.auth',
      `${where}: Google refused or found no credentials: ${message}`,
      'config',
      'Set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file (or run with an attached service account); see docs/warehouses.md for the roles it needs.',
      error,
    );
  }
  if (reason === 'accessDenied' || status === 403) {
    const jobs = /bigquery\.jobs\.create/i.test(message);
    return new WarehouseError(
      'warehouse.privilege',
      `${where}: ${message}`,
      'config',
      jobs
        ? 'Grant the service account BigQuery Job User (roles/bigquery.jobUser) on the project.'
        : 'Grant the service account BigQuery Data Editor (roles/bigquery.dataEditor) on the dataset; `clari-dp doctor` names the missing privilege.',
      error,
    );
  }
  if (TRANSIENT_REASONS.has(reason) || status === 429 || status >= 500) {
    return new WarehouseError(
      'warehouse.unreachable',
      `${where}: BigQuery is busy or failing: ${message}`,
      'transient',
      'Nothing was committed; the next run retries.',
      error,
    );
  }
  if (reason === 'notFound' && /Dataset/i.test(message)) {
    return new WarehouseError(
      'warehouse.config',
      `${where}: ${message}`,
      'config',
      'Create the dataset (bq mk --dataset PROJECT:DATASET) in the location of ?location=, or fix the URL.',
      error,
    );
  }
  const statement = sql ? ` in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}` : '';
  return new WarehouseError('warehouse.query', `${where}: ${message}${statement}`, 'internal', undefined, error);
}
