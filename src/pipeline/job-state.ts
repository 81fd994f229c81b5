/**
 * Export jobs created but not yet loaded, persisted in the data dir before their first poll, so a
 * run that dies (or is killed) resumes them instead of spending export quota again. Writes are
 * serialised, synced and atomic (temp file + rename).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

export interface PendingJob {
  readonly jobId: string;
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
    this.jobs = existsSync(this.path) ? (JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, PendingJob>) : {};
  }

  /** The key of a snapshot's export: request identity and business date. */
  static key(fingerprint: string, asOf: string): string {
    return `${fingerprint}@${asOf}`;
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

  clear(key: string): Promise<void> {
    if (!(key in this.jobs)) return Promise.resolve();
    const { [key]: _gone, ...rest } = this.jobs;
    this.jobs = rest;
    return this.flush();
  }

  private flush(): Promise<void> {
    const text = JSON.stringify(this.jobs, null, 1);
    this.writing = this.writing.then(async () => {
      const tmp = `${this.path}.tmp`;
      const handle = await open(tmp, 'w', 0o600);
      await handle.writeFile(text);
      await handle.sync();
      await handle.close();
      await rename(tmp, this.path);
    });
    return this.writing;
  }
}
