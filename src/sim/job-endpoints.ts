/**
 * The job endpoints: status (GET /export/jobs/{id} and the job list), cancel (PATCH) and results,
 * each for the job's own user only.
 */
import type { SimCore } from './core.js';
import { activityBody } from './deal-endpoints.js';
import type { FaultKind } from './faults.js';
import type { SimJob } from './jobs.js';
import { renderCsv, renderJson } from './render.js';
import { json } from './replies.js';
import { type SimRequest, type SimResponse, WINDOW_MS } from './types.js';

/** A job as GET /export/jobs/{id} and the job list describe it. */
export function jobObject(sim: SimCore, job: SimJob): Record<string, unknown> {
  const status = sim.jobs.status(job, sim.now());
  const terminal = status !== 'SCHEDULED' && status !== 'STARTED';
  const endTime = terminal ? (job.cancelledAt ?? job.createdAt + job.runMs) : null;
  const created = new Date(job.createdAt).toISOString();
  return {
    jobId: job.jobId,
    userId: job.userId,
    orgId: sim.options.orgId ?? 101,
    title: job.activity ? 'Activity Export' : 'Forecast Export',
    module: job.activity ? 'ACTIVITY' : 'FORECAST',
    startTime: job.createdAt,
    endTime,
    expiredTime: endTime === null ? null : endTime + WINDOW_MS,
    version: 1,
    fileName: `clari_export_${job.forecastId}_${job.periodId}${job.periodId ? '_' : ''}${created.slice(0, 10).replace(/-/g, '')}_${created.slice(11, 19).replace(/:/g, '')}.${job.format.toLowerCase()}`,
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

/** Runs `then` on the user's own job; unknown and foreign jobs get Clari's errors. */
export function withJob(sim: SimCore, jobId: string, userId: number, then: (job: SimJob) => SimResponse): SimResponse {
  const job = sim.jobs.get(jobId);
  // Unknown job ids: the contract does not say; 400 invalid_jobId as clari-api.md 2.2 suggests.
  if (!job) return sim.replies.exportError(400, 'invalid_jobId', 'exports', `Job ${jobId} does not exist.`);
  // The 403 body's code is undocumented; `forbidden` is this simulator's choice.
  if (job.userId !== userId)
    return sim.replies.exportError(403, 'forbidden', 'exports', 'Invalid permissions to view this job');
  return then(job);
}

/** PATCH /export/jobs/{id} with {type: CANCEL}. */
export function cancelJob(sim: SimCore, job: SimJob, request: SimRequest): SimResponse {
  let type: unknown;
  try {
    type = (JSON.parse(request.body || '{}') as { type?: unknown }).type;
  } catch {
    type = undefined;
  }
  if (type !== 'CANCEL')
    return sim.replies.exportError(
      400,
      'bad_request',
      'exports',
      'The request body was malformed: type must be CANCEL',
    );
  const status = sim.jobs.status(job, sim.now());
  if (status === 'CANCELLED' || status === 'ABORTED') return json(200, { status, successful: true });
  if (status === 'DONE' || status === 'FAILED') {
    return sim.replies.exportError(
      400,
      'export_failed_to_cancel',
      'exports',
      'Cannot cancel the job because it already finished executing.',
    );
  }
  job.cancelStatus = status === 'SCHEDULED' ? 'CANCELLED' : 'ABORTED';
  job.cancelledAt = sim.now();
  sim.counters.cancels++;
  return json(200, { status: job.cancelStatus, successful: true });
}

/** GET /export/jobs/{id}/results: the payload, rendered from the tenant as of the job's day. */
export function jobResults(sim: SimCore, job: SimJob, fault: FaultKind | undefined): SimResponse {
  const status = sim.jobs.status(job, sim.now());
  if (status !== 'DONE')
    return sim.replies.exportError(
      400,
      'invalid_jobId',
      'exports',
      'Cannot retrieve data for job because it has not finished executing.',
    );
  // Expired results: status and code undocumented; 400 invalid_jobId as clari-api.md 2.4 suggests.
  if (sim.now() > job.createdAt + job.runMs + WINDOW_MS)
    return sim.replies.exportError(400, 'invalid_jobId', 'exports', 'The results of this job have expired.');
  job.downloads++;
  sim.counters.downloads++;
  if (job.activity)
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: activityBody(sim, job, job.activity),
      fault: fault === 'truncated_body' ? 'truncate' : undefined,
    };
  const data = sim.tenant.period(job.forecastId, job.periodId, job.day);
  const body =
    job.format === 'CSV' ? renderCsv(sim.tenant, data, job.render) : renderJson(sim.tenant, data, job.render);
  return {
    status: 200,
    headers: { 'content-type': job.format === 'CSV' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8' },
    body,
    fault: fault === 'truncated_body' ? 'truncate' : undefined,
  };
}
