/**
 * Concurrent runs on one data dir and warehouse: real CLI processes started together. Exactly one
 * runs; the others exit 1 at once with a message naming the lock and its holder, before touching
 * Clari or the warehouse, so no export is ever created twice (the simulator's count). Also when the
 * processes start on a lock left by a killed run, which they must take over one at a time.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/sim/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { type CliResult, runCli } from '../support/cli.js';
import { rawEntryMap, warehouseEntryMap } from '../support/reference.js';
import { API_KEY, cliEnv, ServedPayloads, tempDir, writeRunConfig } from '../support/reliability.js';
import { simStats, startTestSim } from '../support/sim.js';

const DAY = '2026-11-23';
const FORECASTS = ['net_new_arr', 'renewals'];

let sim: RunningSimulator;
let served: ServedPayloads;
beforeAll(async () => {
  // Jobs take a second and a half, so a run is still going when the others start.
  sim = await startTestSim({ asOf: DAY, users: 30, forecasts: 2, jobDurationMs: 1500, apiKey: API_KEY });
  served = new ServedPayloads(sim);
});
afterAll(async () => {
  await sim.close();
});

async function together(n: number, dir: string): Promise<{ results: CliResult[]; created: number }> {
  writeRunConfig(dir);
  const env = cliEnv(sim, `duckdb:${join(dir, 'wh.duckdb')}`, join(dir, 'data'), {
    CLARI_DP_FORECASTS: FORECASTS.join(','),
  });
  const before = (await simStats(sim)).exportsCreated;
  const results = await Promise.all(
    Array.from({ length: n }, () => runCli(['run', '--json', '--as-of', DAY], env, dir)),
  );
  return { results, created: (await simStats(sim)).exportsCreated - before };
}

async function expectLoadedOnce(dir: string, results: CliResult[], created: number): Promise<void> {
  const ran = results.filter((r) => r.code === 0);
  const refused = results.filter((r) => r.code !== 0);
  expect(ran, results.map((r) => r.stdout + r.stderr).join('\n---\n')).toHaveLength(1);
  for (const r of refused) {
    expect(r.code).toBe(1);
    const error = JSON.parse(r.stdout) as { code: string; error: string; hint: string };
    expect(error.code).toBe('run.locked');
    expect(error.error).toMatch(
      new RegExp(
        `Another clari-dp (run \\(pid \\d+ on ${hostname()}, since [^)]+\\) is using|process is taking) .*run\\.lock`,
      ),
    );
    expect(error.hint).toContain('Wait for it to finish');
  }
  // One export per snapshot: the refused runs never reached Clari.
  expect(created).toBe(4);
  const wh = await openWarehouse(`duckdb:${join(dir, 'wh.duckdb')}`);
  try {
    expect(await wh.query('SELECT status FROM clari_sync_runs')).toEqual([{ status: 'success' }]);
    const summary = JSON.parse(ran[0]!.stdout) as {
      exports: { forecastId: string; timePeriod: string; jobId: string }[];
    };
    for (const e of summary.exports)
      expect(await warehouseEntryMap(wh, e.forecastId, e.timePeriod, DAY)).toEqual(
        rawEntryMap(served.doc(e.jobId).entries),
      );
  } finally {
    await wh.close();
  }
}

describe('two runs started together on one data dir and warehouse', () => {
  it('one runs, the other exits 1 at once naming the lock holder; no export is created twice', async () => {
    const dir = tempDir('together');
    const { results, created } = await together(2, dir);
    await expectLoadedOnce(dir, results, created);
  });

  it('on a lock left by a killed run, exactly one of three takes it over', async () => {
    const dir = tempDir('together-stale');
    // A pid that is certainly dead: a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    writeFileSync(
      join(dataDir, 'run.lock'),
      JSON.stringify({ pid: Number(dead), host: hostname(), since: '2026-11-22T06:00:00.000Z', command: 'run' }),
    );
    const { results, created } = await together(3, dir);
    await expectLoadedOnce(dir, results, created);
  });
});
