/**
 * Fault injection for the simulator, drawn from a seeded generator so a run is reproducible.
 * Request faults hit single HTTP exchanges; job faults decide a job's fate when it is created.
 */
import type { Random } from '../core/index.js';

export const REQUEST_FAULTS = ['rate_limit', 'server_error', 'reset', 'slow', 'truncated_body'] as const;
export const JOB_FAULTS = ['stuck', 'failed', 'empty', 'drift'] as const;
export const FAULT_KINDS = [...REQUEST_FAULTS, ...JOB_FAULTS] as const;
export type RequestFault = (typeof REQUEST_FAULTS)[number];
export type JobFault = (typeof JOB_FAULTS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSettings {
  /** Share of requests (and of new jobs) that get a fault, 0..1. */
  rate: number;
  /** Kinds to draw from; default all. */
  kinds: readonly FaultKind[];
  /**
   * Routes the faults hit (`create`, `activity`, `opportunity`, `results`, `job`, ...); default all.
   * A job's fate is drawn on the route that creates it.
   */
  routes?: readonly string[] | undefined;
}

export class FaultPlan {
  private burst = 0;
  readonly injected: Record<string, number> = {};

  constructor(
    private readonly random: Random,
    public settings: FaultSettings,
  ) {}

  /** Whether faults may hit this route. */
  hits(route: string): boolean {
    return this.settings.routes === undefined || this.settings.routes.includes(route);
  }

  /** The fault for one request, if any. `results` enables body truncation. */
  forRequest(results: boolean): RequestFault | undefined {
    if (this.burst > 0) {
      this.burst--;
      return this.count('rate_limit');
    }
    if (this.settings.rate <= 0 || this.random() >= this.settings.rate) return undefined;
    const kinds = REQUEST_FAULTS.filter((k) => this.settings.kinds.includes(k) && (results || k !== 'truncated_body'));
    if (kinds.length === 0) return undefined;
    const kind = kinds[Math.floor(this.random() * kinds.length)]!;
    // A 429 comes in bursts of 1 to 3, as a gateway limit does.
    if (kind === 'rate_limit') this.burst = Math.floor(this.random() * 3);
    return this.count(kind);
  }

  /** The fate of a new job, if it is to misbehave. */
  forJob(): JobFault | undefined {
    if (this.settings.rate <= 0 || this.random() >= this.settings.rate) return undefined;
    const kinds = JOB_FAULTS.filter((k) => this.settings.kinds.includes(k));
    if (kinds.length === 0) return undefined;
    return this.count(kinds[Math.floor(this.random() * kinds.length)]!);
  }

  /** A coin toss for fault variants (e.g. whether a failed POST created its job first). */
  chance(p: number): boolean {
    return this.random() < p;
  }

  private count<K extends FaultKind>(kind: K): K {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
    return kind;
  }
}
