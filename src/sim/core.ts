/**
 * The core every endpoint module (exports, job endpoints, control) works on: the tenant, the
 * virtual clock, the job book, limits, audit, replies and counters. The Simulator implements it.
 */
import type { Random } from '../core/index.js';
import type { AuditLog } from './audit.js';
import type { FaultPlan } from './faults.js';
import type { JobBook } from './jobs.js';
import type { Limits } from './limits.js';
import type { Replies } from './replies.js';
import type { Tenant } from './tenant.js';
import type { SimulatorOptions } from './types.js';

/** What the concern modules share: the tenant, the virtual clock, the job book, limits, audit and counters. */
export interface SimCore {
  readonly options: SimulatorOptions;
  readonly tenant: Tenant;
  readonly faults: FaultPlan;
  readonly random: Random;
  readonly jobs: JobBook;
  readonly limits: Limits;
  readonly audit: AuditLog;
  readonly replies: Replies;
  readonly counters: SimCounters;
  /** Virtual now: the base clock shifted so the date is the tenant's business date. */
  now(): number;
  /** Days since the epoch, by the virtual clock. */
  day(): number;
}

/** What /__sim/stats reports besides the limits and faults. */
export interface SimCounters {
  readonly requests: Record<string, number>;
  exportsCreated: number;
  maxInFlight: number;
  duplicatePosts: number;
  /** Export POSTs refused because every concurrent-job slot was taken (a client that ignores the cap). */
  capacityRejections: number;
  cancels: number;
  downloads: number;
}
