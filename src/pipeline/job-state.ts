/**
 * Export jobs created but not yet loaded, persisted in the data dir before their first poll, so a
 * run that dies (or is killed) resumes them instead of spending export quota again. Writes are
 * serialised, synced and atomic (temp file + rename).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../core/index.js';

export interface PendingJob {
  /**
   * Absent while the export POST is in flight: a process that dies then leaves `postedAt`, and the
   * next run looks the job up in Clari's job list instead of posting again (the POST may have
   * created it).
   */
  readonly jobId?: string | undefined;
  /** When the export POST was sent (our clock), for matching it in the job list. */
  readonly postedAt?: number | undefined;
  readonly forecastId: string;
  readonly period: string;
  readonly asOf: string;
  readonly fingerprint: string;
  readonly createdAt: number;
  /** Set once the results are landed: the payload's path, loaded from there if the run stops before commit. */
  readonly landedPath?: string | undefined;
}

export class JobState {
  private readonly path: string;
  private jobs: Record<string, PendingJob>;
  private writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    const dir = join(dataDir, 'state');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'pending-jobs.json');
    this.jobs = existsSync(this.path)
      ? (JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, PendingJob>)
      : {};
  }

  /** The key of a snapshot's export: request identity and business date. */
  static key(fingerprint: string, asOf: string): string {
    return `${fingerprint}@${asOf}`;
  }

  /** The key of a planned export (forecast or activity): its fingerprint and business date. */
  static keyOf(task: { readonly fingerprint: string; readonly asOf: string }): string {
    return JobState.key(task.fingerprint, task.asOf);
  }

  get(key: string): PendingJob | undefined {
    return this.jobs[key];
  }

  all(): PendingJob[] {
    return Object.values(this.jobs);
  }

  record(key: string, job: PendingJob): Promise<void> {
    this.jobs = { ...this.jobs, [key]: job };
    return this.flush();
  }

  /**
   * Forgets jobs created before `before` (epoch ms): Clari keeps results for 30 days, so such a job
   * can no longer be resumed, and a failed export of a past date would otherwise stay here forever.
   */
  prune(before: number): Promise<void> {
    const stale = Object.entries(this.jobs).filter(([, job]) => job.createdAt < before);
    if (stale.length === 0) return Promise.resolve();
    this.jobs = Object.fromEntries(Object.entries(this.jobs).filter(([, job]) => job.createdAt >= before));
    return this.flush();
  }

  clear(key: string): Promise<void> {
    if (!(key in this.jobs)) return Promise.resolve();
    const { [key]: _gone, ...rest } = this.jobs;
    this.jobs = rest;
    return this.flush();
  }

  private flush(): Promise<void> {
    const text = JSON.stringify(this.jobs, null, 1);
    // Chained on the previous write's settlement, not its success: one failed write (a full disk)
    // must fail only itself, not every later write of the process.
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        const tmp = `${this.path}.tmp`;
        try {
          const handle = await open(tmp, 'w', 0o600);
          try {
            await handle.writeFile(text);
            await handle.sync();
          } finally {
            await handle.close();
          }
          await rename(tmp, this.path);
        } catch (error) {
          // The old file stays whole: only the temporary one was being written.
          await rm(tmp, { force: true }).catch(() => undefined);
          throw stateWriteError(this.path, error);
        }
      });
    return this.writing;
  }
}

function stateWriteError(path: string, error: unknown): AppError {
  const full = (error as NodeJS.ErrnoException).code === 'ENOSPC';
  return new AppError(full ? `No space left to write ${path}` : `Cannot write ${path}: ${(error as Error).message}`, {
    code: full ? 'state.disk_full' : 'state.write_failed',
    kind: 'transient',
    hint: full
      ? 'Free disk space in the data dir (CLARI_DP_DATA_DIR); the previous state file is intact and the next run picks up from it.'
      : 'Check the permissions of the data dir (CLARI_DP_DATA_DIR).',
    cause: error,
  });
}
