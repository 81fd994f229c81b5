/**
 * Export jobs and their state machine, computed from the simulator's clock (no timers): SCHEDULED
 * for the first fifth of the job's duration, STARTED until it is done (forever when stuck), then
 * DONE or FAILED; a cancel makes it CANCELLED (while scheduled) or ABORTED (while started).
 */
import type { JobFault } from './faults.js';
import type { RenderRequest } from './render.js';

/** The window of an activity export: types asked for, local dates (epoch days, inclusive) in each bound's zone. */
export interface ActivityWindow {
  readonly types: ReadonlySet<string>;
  readonly fromDay: number;
  readonly toDay: number;
  readonly fromOffsetMinutes: number;
  readonly toOffsetMinutes: number;
}

export interface SimJob {
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
  /** An activity export (POST /export/activity) and its window; forecast jobs have none. */
  readonly activity?: ActivityWindow | undefined;
}

export type JobStatus = 'SCHEDULED' | 'STARTED' | 'DONE' | 'FAILED' | 'CANCELLED' | 'ABORTED';

export class JobBook {
  private readonly jobs = new Map<string, SimJob>();

  add(job: SimJob): void {
    this.jobs.set(job.jobId, job);
  }

  get(jobId: string): SimJob | undefined {
    return this.jobs.get(jobId);
  }

  all(): IterableIterator<SimJob> {
    return this.jobs.values();
  }

  status(job: SimJob, now: number): JobStatus {
    if (job.cancelStatus) return job.cancelStatus;
    const age = now - job.createdAt;
    if (age < job.queueMs) return 'SCHEDULED';
    if (job.fate === 'stuck' || age < job.runMs) return 'STARTED';
    return job.fate === 'failed' ? 'FAILED' : 'DONE';
  }

  isActive(job: SimJob, now: number): boolean {
    const status = this.status(job, now);
    return status === 'SCHEDULED' || status === 'STARTED';
  }

  inFlight(now: number): number {
    let n = 0;
    for (const job of this.jobs.values()) if (this.isActive(job, now)) n++;
    return n;
  }
}
