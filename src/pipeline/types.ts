/**
 * The shapes a pipeline run is built from and reports: its ports (PipelineDeps), its settings, the
 * events it emits while it works and the summary it returns (the `run --json` shape of design.md
 * section 2). Every stage module imports these from here, never from run.ts.
 */
import type { ClariClient, RunnerEvent } from '../clari/index.js';
import type { Checkpoint, Clock, Logger, Random } from '../core/index.js';
import type { FiscalCalendar } from '../domain/index.js';
import type { Warehouse } from '../warehouse/index.js';
import type { JobState } from './job-state.js';
import type { Landing } from './landing.js';
import type { DealSettings } from './deal-plan.js';
import type { AlertSetup } from './notify.js';

export interface PipelineDeps {
  readonly client: ClariClient;
  readonly warehouse: Warehouse;
  readonly landing: Landing;
  readonly jobs: JobState;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly onEvent?: ((event: PipelineEvent) => void) | undefined;
  /** Rules and channels; without it the run detects changes but sends no alerts. */
  readonly alerts?: AlertSetup | undefined;
  /** Called at each named point of the run (core/checkpoint.ts); a no-op unless crash tests wire one. */
  readonly checkpoint?: Checkpoint | undefined;
  /**
   * Aborted to stop the run (its deadline passed, it lost the warehouse lease): in-flight Clari jobs
   * are cancelled, no further load starts, and the run is recorded failed with the reason (stop.ts).
   */
  readonly signal?: AbortSignal | undefined;
}

export interface RunSettings {
  readonly pollIntervalMs: number;
  readonly jobTimeoutMs: number;
  readonly maxRequeues: number;
  readonly maxConcurrency?: number | undefined;
  readonly capacityWaitMs: number;
  readonly cacheTtlMs: number;
  readonly noCache: boolean;
  readonly allowTruncated: boolean;
  /** Quarters kept by retention at the end of the run; 0 skips it. */
  readonly retentionQuarters: number;
  readonly fiscal: FiscalCalendar;
  readonly trigger: string;
  /** The deals stage (activity export and opportunity refresh); undefined: off (config activity.enabled). */
  readonly activity?: DealSettings | undefined;
  /**
   * Skip entries whose bytes a current version already holds (default true). false reads every
   * payload in full: the tests that compare a skipping load with a full one use it.
   */
  readonly skipUnchangedEntries?: boolean | undefined;
}

export type PipelineEvent =
  | { readonly type: 'export'; readonly event: RunnerEvent }
  | { readonly type: 'cached'; readonly key: string }
  | { readonly type: 'loaded'; readonly key: string; readonly rows: number; readonly changes: number }
  | { readonly type: 'failed'; readonly key: string; readonly code: string; readonly message: string };

export type ExportStatus = 'loaded' | 'empty' | 'failed';

export interface ExportSummary {
  readonly forecastId: string;
  readonly timePeriod: string;
  readonly jobId: string | null;
  readonly status: ExportStatus;
  readonly rows: number;
  readonly cached: boolean;
  readonly latencyMs: number | null;
  readonly changes: number;
  /** The snapshot already held this exact payload; nothing was rewritten. */
  readonly unchanged?: boolean | undefined;
  /** Entries skipped because a current version already held their exact bytes. */
  readonly skipped?: number | undefined;
  readonly error?: string | undefined;
  readonly errorCode?: string | undefined;
  /** What to do about the error, when it says. */
  readonly errorHint?: string | undefined;
  readonly warnings: readonly string[];
}

export interface RunSummary {
  readonly runId: string;
  readonly status: 'success' | 'partial' | 'failed';
  readonly asOf: string;
  readonly exports: readonly ExportSummary[];
  readonly rowsLoaded: number;
  readonly changes: number;
  readonly alerts: number;
  readonly durationMs: number;
  readonly warnings: readonly string[];
  readonly quota?: { readonly left: number; readonly limit: number; readonly concurrency: number } | undefined;
  /** Alert decisions of this run. */
  readonly alertDecisions?: { readonly sent: number; readonly suppressed: number; readonly failed: number } | undefined;
  /** The deals stage, when enabled (`run --json` prints it as `deals`). */
  readonly deals?: DealsSummary | undefined;
}

/** One step of the deals stage. `skipped`: nothing to do (no opportunity seen yet). */
export interface DealStepSummary {
  readonly status: 'loaded' | 'empty' | 'failed' | 'skipped';
  /** Served from the landing (an interrupted run's payload, or the cache). */
  readonly cached: boolean;
  /** The same payload was already loaded for this date: nothing was rewritten. */
  readonly unchanged?: boolean | undefined;
  readonly error?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly errorHint?: string | undefined;
}

export interface DealsSummary {
  /** The dates the activity export covered (null when it could not even be planned). */
  readonly window: { readonly from: string; readonly to: string } | null;
  readonly activities: DealStepSummary & {
    readonly jobId: string | null;
    readonly activities: number;
    readonly participants: number;
  };
  readonly opportunities: DealStepSummary & {
    /** Ids asked for (the most recently active, up to activity.maxOpportunities) and seen in the window. */
    readonly requested: number;
    readonly seen: number;
    readonly returned: number;
    /** GET /opportunity calls made (0 when served from the landing). */
    readonly calls: number;
  };
}
