/**
 * Decoders for the small JSON answers (job, job list, limits, cancel, create). Clari's shapes vary
 * between the spec and production (clari-api.md section 6, C1/C6/C15), so each decoder accepts every
 * documented form and fails with a typed error naming what was missing.
 */
import { ClariError } from './errors.js';
import { isObj, type Obj } from './json-values.js';
import type { CancelResult, ExportJob, ExportLimits } from './wire.js';

function bad(endpoint: string, problem: string): ClariError {
  return new ClariError('clari.decode', `Unexpected answer from ${endpoint}: ${problem}`, {
    kind: 'data',
    endpoint,
    hint: 'Clari may have changed its format; the client accepts the documented shapes only.',
  });
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `{jobId}` (200 per the spec; some variants add a status). */
export function decodeCreated(body: unknown, endpoint: string): { jobId: string } {
  const o = isObj(body) && isObj(body.job) ? body.job : body;
  if (!isObj(o) || typeof o.jobId !== 'string' || o.jobId === '') throw bad(endpoint, 'no jobId in the response');
  return { jobId: o.jobId };
}

/** A job object, wrapped `{job: {...}}` (production) or bare (spec). */
export function decodeJob(body: unknown, endpoint: string): ExportJob {
  const o = isObj(body) && isObj(body.job) ? body.job : body;
  if (!isObj(o)) throw bad(endpoint, 'the body is not a job object');
  return jobFrom(o, endpoint);
}

function jobFrom(o: Obj, endpoint: string): ExportJob {
  const jobId = text(o.jobId) ?? text(o.id);
  const status = text(o.status);
  if (!jobId) throw bad(endpoint, 'a job without jobId');
  if (!status) throw bad(endpoint, `job ${jobId} has no status`);
  const job: Record<string, unknown> = { jobId, status: status.toUpperCase() };
  for (const key of ['userId', 'orgId', 'version', 'downloads'] as const) {
    const v = num(o[key]) ?? (typeof o[key] === 'string' && /^\d+$/.test(o[key]) ? Number(o[key]) : undefined);
    if (v !== undefined) job[key] = v;
  }
  for (const key of ['startTime', 'endTime', 'expiredTime'] as const) {
    if (o[key] === null) job[key] = null;
    else {
      const v = num(o[key]) ?? (typeof o[key] === 'string' && /^\d+$/.test(o[key]) ? Number(o[key]) : undefined);
      if (v !== undefined) job[key] = v;
    }
  }
  for (const key of ['title', 'module', 'fileName', 'fileType', 'currency'] as const) {
    if (typeof o[key] === 'string' || o[key] === null) job[key] = o[key];
  }
  for (const key of ['viewed', 'cellsTruncated', 'rowsTruncated'] as const) {
    if (typeof o[key] === 'boolean') job[key] = o[key];
  }
  if (isObj(o.deliveryStatusMap)) job.deliveryStatusMap = o.deliveryStatusMap;
  return job as unknown as ExportJob;
}

/** A bare array (spec) or `{jobs: [...]}`. */
export function decodeJobList(body: unknown, endpoint: string): ExportJob[] {
  const list = Array.isArray(body) ? body : isObj(body) && Array.isArray(body.jobs) ? body.jobs : undefined;
  if (!list) throw bad(endpoint, 'expected an array of jobs');
  return list.filter(isObj).map((o) => jobFrom(isObj(o.job) ? o.job : o, endpoint));
}

/** `{jobs: {...}}` with runningJobIds omitted when none (clari-api.md 2.6). */
export function decodeLimits(body: unknown, endpoint: string): ExportLimits {
  const o = isObj(body) && isObj(body.jobs) ? body.jobs : body;
  if (!isObj(o)) throw bad(endpoint, 'the body is not a limits object');
  const concurrentLimit = num(o.concurrentLimit);
  const monthlyQuota = num(o.monthlyQuota);
  if (concurrentLimit === undefined || monthlyQuota === undefined)
    throw bad(endpoint, 'concurrentLimit or monthlyQuota is missing');
  const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const runningJobIds = ids(o.runningJobIds);
  const submittedJobIds = ids(o.submittedJobIds);
  return {
    concurrentLimit,
    monthlyQuota,
    runningJobIds,
    submittedJobIds,
    availableConcurrentLimit: num(o.availableConcurrentLimit) ?? Math.max(0, concurrentLimit - runningJobIds.length),
    availableMonthlyQuota: num(o.availableMonthlyQuota) ?? Math.max(0, monthlyQuota - submittedJobIds.length),
  };
}

/** `{status, successful}`; an empty 200 counts as a successful cancel. */
export function decodeCancel(body: unknown): CancelResult {
  if (!isObj(body)) return { status: 'CANCELLED', successful: true };
  const o = isObj(body.job) ? body.job : body;
  return { status: (text(o.status) ?? 'CANCELLED').toUpperCase(), successful: o.successful !== false };
}
