/**
 * No run outlives its deadline: the real CLI against a tenant whose export jobs never finish in
 * time. Past `--deadline`, the run cancels the Clari jobs it has in flight (the simulator's count),
 * records itself failed with the reason in clari_sync_runs, leaves no pending job behind, and exits 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/sim/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { runCli } from '../support/cli.js';
import { API_KEY, cliEnv, tempDir, writeRunConfig } from '../support/reliability.js';
import { simStats, startTestSim } from '../support/sim.js';

const DAY = '2026-11-23';
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSim({ asOf: DAY, users: 10, forecasts: 2, jobDurationMs: 600_000, apiKey: API_KEY });
});
afterAll(async () => {
  await sim.close();
});

describe('the run deadline', () => {
  it('cancels the in-flight Clari jobs, records the run failed with the deadline, exits 1', async () => {
    const dir = tempDir('deadline');
    // Jobs are not given up on by their own timeout first: only the deadline ends this run.
    writeRunConfig(dir, { export: { jobTimeoutMs: 600_000 } });
    const url = `duckdb:${join(dir, 'wh.duckdb')}`;
    const env = cliEnv(sim, url, join(dir, 'data'), { CLARI_DP_FORECASTS: 'net_new_arr,renewals' });
    const started = Date.now();
    const result = await runCli(['run', '--json', '--as-of', DAY, '--deadline', '2s'], env, dir);
    const elapsed = Date.now() - started;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('the run passed its deadline of 2s: stopping it');
    // Ends promptly after its deadline, well before any job or timeout would have.
    expect(elapsed).toBeLessThan(20_000);
    const summary = JSON.parse(result.stdout) as { status: string; exports: { status: string; error: string }[] };
    expect(summary.status).toBe('failed');
    expect(summary.exports.every((e) => e.status === 'failed' && e.error.includes('deadline'))).toBe(true);

    const stats = await simStats(sim);
    // Three jobs were in flight (the tenant's cap); all three were cancelled, none is left running.
    expect(stats.exportsCreated).toBe(3);
    expect(stats.cancels).toBe(3);
    expect(stats.inFlight).toBe(0);
    // The cancelled jobs are forgotten (the next run exports afresh); a POST that was waiting for a
    // free slot keeps its trace, which the next run resolves by listing jobs, not by paying again.
    const pending = Object.values(
      JSON.parse(readFileSync(join(dir, 'data', 'state', 'pending-jobs.json'), 'utf8')) as Record<string, object>,
    );
    expect(pending.filter((job) => 'jobId' in job)).toEqual([]);

    const wh = await openWarehouse(url);
    try {
      const runs = await wh.query<{ status: string; error: string }>('SELECT status, error FROM clari_sync_runs');
      expect(runs).toHaveLength(1);
      expect(runs[0]!.status).toBe('failed');
      expect(runs[0]!.error).toMatch(
        /^The run passed its deadline of 2s \(run\.deadlineMs, --deadline\); 4 of 4 exports not loaded/,
      );
    } finally {
      await wh.close();
    }
  });
});
