/**
 * Tenant limits: concurrent jobs and the monthly export quota over a rolling 30-day window (a
 * cancelled job gives its quota slot back, clari-api.md 2.3), and the gateway's per-key request
 * rate (a token bucket on the real clock, like Kong's).
 */
import type { JobBook } from './jobs.js';
import type { Replies } from './replies.js';
import { type SimResponse, WINDOW_MS } from './types.js';

export interface LimitsView {
  concurrentLimit: number;
  monthlyQuota: number;
  runningJobIds?: string[];
  submittedJobIds: string[];
  availableConcurrentLimit: number;
  availableMonthlyQuota: number;
}

export class Limits {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    public concurrencyLimit: number,
    public monthlyQuota: number,
    private readonly perSecond: number | undefined,
  ) {}

  /** The /admin/limits answer at `now`. */
  view(jobs: JobBook, now: number): LimitsView {
    const running: string[] = [];
    const submitted: string[] = [];
    let active = 0;
    for (const job of jobs.all()) {
      const status = jobs.status(job, now);
      if (status === 'STARTED') running.push(job.jobId);
      if (status === 'STARTED' || status === 'SCHEDULED') active++;
      if (job.createdAt > now - WINDOW_MS && !job.cancelStatus) submitted.push(job.jobId);
    }
    return {
      concurrentLimit: this.concurrencyLimit,
      monthlyQuota: this.monthlyQuota,
      ...(running.length > 0 ? { runningJobIds: running } : {}),
      submittedJobIds: submitted,
      availableConcurrentLimit: Math.max(0, this.concurrencyLimit - active),
      availableMonthlyQuota: Math.max(0, this.monthlyQuota - submitted.length),
    };
  }

  /** A 429 when the key has no request left this second (`realNow`: the base clock, not the tenant's). */
  rateLimit(key: string, realNow: number, replies: Replies): SimResponse | undefined {
    const perSecond = this.perSecond;
    if (!perSecond) return undefined;
    const bucket = this.buckets.get(key) ?? { tokens: perSecond, at: realNow };
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((realNow - bucket.at) / 1000) * perSecond);
    bucket.at = realNow;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return replies.tooMany(Math.ceil((1 - bucket.tokens) / perSecond));
  }
}
