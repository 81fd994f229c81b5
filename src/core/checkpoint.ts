/**
 * Named points in a run where a process may stop (crash, kill, deploy, power loss). The pipeline
 * calls `checkpoint(name)` at each one and awaits it; production wires a no-op, the composition root
 * can wire a crash injector (CLARI_DP_CRASH_AT) and tests can stop a database there. Crash-recovery
 * tests kill the real process at every point and check that the next run converges.
 */
export type Checkpoint = (point: CheckpointName) => void | Promise<void>;

/** Every point, in the order a run meets them. */
export const CHECKPOINTS = [
  /** The export POST answered with a job id that is not yet persisted. */
  'export.posted',
  /** The job id is persisted in pending-jobs.json; the job has not been polled. */
  'export.created',
  /** A poll saw the job change status (SCHEDULED, STARTED, DONE). */
  'export.polled',
  /** The payload is landed (gz + manifest) but the pending job does not point at it yet. */
  'land.written',
  /** The pending job points at the landed payload; nothing is loaded. */
  'land.recorded',
  /** Inside the snapshot's transaction: the payload is staged, nothing applied. */
  'load.staged',
  /** Inside the transaction: entries, users and daily rows applied, changes not yet detected. */
  'detect.start',
  /** Inside the transaction: everything applied and reconciled, not committed. */
  'load.applied',
  /** The snapshot is committed; its pending job is not yet cleared. */
  'load.committed',
  /** The activity export POST answered with a job id that is not yet persisted (deals stage, when enabled). */
  'activity.posted',
  /** The activity job id is persisted in pending-jobs.json; the job has not been polled. */
  'activity.created',
  /** A poll saw the activity job change status (SCHEDULED, STARTED, DONE). */
  'activity.polled',
  /** The activity payload is landed but the pending job does not point at it yet. */
  'activity.landed',
  /** Inside the window's transaction: activities replaced, ledger row written, reconciled, not committed. */
  'activity.applied',
  /** The window is committed; its pending job is not yet cleared. */
  'activity.committed',
  /** Every GET /opportunity answer of the refresh is landed (one document); nothing is loaded. */
  'opportunity.landed',
  /** Inside the refresh's transaction: versions, trend points and ledger row written, reconciled, not committed. */
  'opportunity.applied',
  /** Alert decisions are recorded as pending; nothing is delivered. */
  'alerts.recorded',
  /** One channel's message was delivered and recorded as sent; other channels may be pending. */
  'alerts.sent',
  /** Everything is done but the run's row in clari_sync_runs. */
  'run.finishing',
] as const;
export type CheckpointName = (typeof CHECKPOINTS)[number];

export const noCheckpoint: Checkpoint = () => undefined;
