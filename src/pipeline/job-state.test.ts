import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobState } from './job-state.js';

const job = (jobId: string | undefined, createdAt = 1_000) => ({
  jobId,
  forecastId: 'net_new_arr',
  period: '2026_Q4',
  asOf: '2026-11-23',
  fingerprint: 'f',
  createdAt,
});

describe('JobState', () => {
  it('a write that fails fails alone: the file stays whole and later writes still land', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-jobs-'));
    const jobs = new JobState(dir);
    await jobs.record('a', job('job-a'));
    // The temporary file cannot be created (here: a directory is in the way; in production: a full disk).
    mkdirSync(join(dir, 'state', 'pending-jobs.json.tmp'));
    await expect(jobs.record('b', job('job-b'))).rejects.toMatchObject({
      code: 'state.write_failed',
      kind: 'transient',
    });
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'state', 'pending-jobs.json'), 'utf8')) as object)).toEqual([
      'a',
    ]);
    rmSync(join(dir, 'state', 'pending-jobs.json.tmp'), { recursive: true });
    await jobs.record('c', job('job-c'));
    expect(new JobState(dir).all().map((j) => j.jobId)).toEqual(['job-a', 'job-b', 'job-c']);
  });

  it('keeps a POST in flight (no job id yet), and prunes jobs whose results Clari no longer keeps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-jobs-'));
    const jobs = new JobState(dir);
    await jobs.record('posting', { ...job(undefined, 5_000), postedAt: 5_000 });
    await jobs.record('old', job('job-old', 1_000));
    await jobs.prune(2_000);
    expect(new JobState(dir).all()).toEqual([{ ...job(undefined, 5_000), postedAt: 5_000 }]);
  });
});
