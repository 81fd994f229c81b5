/**
 * What the forecast and activity exports share when a job is asked for: the capacity check on the
 * tenant's concurrent slots and monthly quota (one 400 shape for both, clari-api.md 2.2), and the
 * admission of a job onto the book with its counters and audit line.
 */
import type { SimCore } from './core.js';
import type { FaultKind } from './faults.js';
import type { SimJob } from './jobs.js';
import { json } from './replies.js';
import type { SimResponse } from './types.js';

/** Clari's refusal when every concurrent slot is taken or the monthly quota is spent; none otherwise. */
export function refuseOverCapacity(sim: SimCore): SimResponse | undefined {
  const limits = sim.limits.view(sim.jobs, sim.now());
  if (limits.availableConcurrentLimit > 0 && limits.availableMonthlyQuota > 0) return undefined;
  if (limits.availableConcurrentLimit <= 0) sim.counters.capacityRejections++;
  return sim.replies.exportError(
    400,
    'export_monthly_quota_reached',
    'exports',
    `The monthly quota limit of ${sim.limits.monthlyQuota} or concurrent limit of ${sim.limits.concurrencyLimit} has been reached.`,
  );
}

/**
 * Puts a job on the book and answers with its id, or with the fault drawn for the request: a
 * failure after the job was created, so the caller cannot know whether it exists.
 */
export function admitJob(
  sim: SimCore,
  job: SimJob,
  audit: Record<string, unknown>,
  fault: FaultKind | undefined,
  status: 200 | 202,
): SimResponse {
  const now = sim.now();
  if ([...sim.jobs.all()].some((j) => j.fingerprint === job.fingerprint && sim.jobs.isActive(j, now)))
    sim.counters.duplicatePosts++;
  sim.jobs.add(job);
  sim.counters.exportsCreated++;
  sim.counters.maxInFlight = Math.max(sim.counters.maxInFlight, sim.jobs.inFlight(now));
  sim.audit.record(job.userId, 'export.created', { ...audit, jobId: job.jobId });
  if (fault === 'reset') return { status: 0, fault: 'reset' };
  if (fault === 'server_error') return sim.replies.serverError();
  return json(status, { jobId: job.jobId });
}
