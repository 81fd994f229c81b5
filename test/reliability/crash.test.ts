/**
 * Crash recovery: the real CLI is SIGKILLed by itself (CLARI_DP_CRASH_AT) at every named point of a
 * run, from an export POST whose answer was never persisted to the last write of the run, the deals
 * stage's (activity export, landing, load; opportunity refresh) included; then the
 * next run must converge to exactly what an uninterrupted run produces: the same tables (run ids
 * and wall-clock times aside), no export created twice (the simulator's count), and every alert
 * delivered exactly once on every channel (the receivers' count). DuckDB file and PostgreSQL.
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import type { CheckpointName } from '../../src/core/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { type CliResult, runCli } from '../support/cli.js';
import { runCleanups } from '../support/receivers.js';
import {
  advanceSim,
  type AlertReceivers,
  API_KEY,
  cliEnv,
  dataState,
  duplicateKeys,
  startAlertReceivers,
  tempDir,
  writeAlertsConfig,
  writeRunConfig,
} from '../support/reliability.js';
import { findSecrets } from '../support/secrets.js';
import { simStats, startTestSim } from '../support/sim.js';

const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';
/** Two real forecasts and one Clari does not know: its exports fail every run (an export_failed alert). */
const FORECASTS = 'net_new_arr,renewals,no_such_tab';

let sim: RunningSimulator;
afterEach(runCleanups);

interface Outcome {
  readonly state: Record<string, string[]>;
  readonly sentAlerts: string[];
  readonly digests: ReturnType<AlertReceivers['digests']>;
  readonly webhookFingerprints: string[];
  readonly exportsCreated: number;
  readonly code: number | null;
  readonly outputs: Record<string, string>;
}

/** The engine under test: a DuckDB file in the run's dir, or a fresh PostgreSQL database. */
interface Engine {
  readonly name: string;
  /** The warehouse URL for a run dir: the first call prepares, later ones get a copy of the first. */
  url(dir: string): Promise<string>;
}

const duckdb: Engine = { name: 'duckdb', url: (dir) => Promise.resolve(`duckdb:${join(dir, 'wh.duckdb')}`) };

function postgres(): Engine {
  let counter = 0;
  let template: string | undefined;
  return {
    name: 'postgres',
    // Each run dir gets its own database, a copy of the prepared day-1 one (CREATE DATABASE ... TEMPLATE).
    url: async (_dir) => {
      const admin = inject('pgUrl');
      const name = `clari_crash_${process.pid}_${counter++}`;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      template ??= name;
      return admin.replace(/\/[^/]*$/, `/${name}`);
    },
  };
}

async function run(
  dir: string,
  warehouse: string,
  receivers: AlertReceivers,
  extra: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(
    ['run', '--json', '--log-level', 'info', '--as-of', DAY2],
    cliEnv(sim, warehouse, join(dir, 'data'), { CLARI_DP_FORECASTS: FORECASTS, ...receivers.env, ...extra }),
    dir,
  );
}

async function outcome(
  warehouse: string,
  receivers: AlertReceivers,
  createdBefore: number,
  code: number | null,
  outputs: Record<string, string>,
): Promise<Outcome> {
  const wh = await openWarehouse(warehouse);
  try {
    const sent = await wh.query<{ fingerprint: string; channel: string }>(
      "SELECT fingerprint, channel FROM clari_alerts WHERE status = 'sent'",
    );
    return {
      state: await dataState(wh),
      sentAlerts: sent.map((r) => `${r.fingerprint}|${r.channel}`).sort(),
      digests: receivers.digests(),
      webhookFingerprints: receivers
        .webhookAlerts()
        .map((a) => `${a.asOf}|${a.fingerprint}`)
        .sort(),
      exportsCreated: (await simStats(sim)).exportsCreated - createdBefore,
      code,
      outputs,
    };
  } finally {
    await wh.close();
  }
}

const POINTS: readonly [CheckpointName, number][] = [
  ['export.posted', 1],
  ['export.created', 3],
  ['export.polled', 2],
  ['land.written', 1],
  ['land.recorded', 4],
  ['load.staged', 1],
  ['detect.start', 2],
  ['load.applied', 3],
  ['load.committed', 2],
  // The deals stage (activity.enabled): the activity job, its landing and load, the opportunity refresh.
  ['activity.posted', 1],
  ['activity.created', 1],
  ['activity.polled', 1],
  ['activity.landed', 1],
  ['activity.applied', 1],
  ['activity.committed', 1],
  ['opportunity.landed', 1],
  ['opportunity.applied', 1],
  ['alerts.recorded', 1],
  ['alerts.sent', 1],
  ['alerts.sent', 2],
  ['run.finishing', 1],
];

describe.each([
  { engine: duckdb, points: POINTS },
  // PostgreSQL aborts a dead client's transaction itself: the points around the load and the outbox.
  {
    engine: postgres(),
    points: POINTS.filter(([p]) =>
      ['load.applied', 'load.committed', 'activity.applied', 'opportunity.applied', 'alerts.sent'].includes(p),
    ),
  },
])('SIGKILL at every checkpoint, then the next run, on $engine.name', ({ engine, points }) => {
  let prepared: string;
  let preparedUrl: string;
  let baseline: Outcome;

  beforeAll(async () => {
    // Day 1 loaded once, then copied for every scenario; day 2 is the run that gets killed. The
    // simulator is the engine's own: its business date only moves forward.
    sim = await startTestSim({ asOf: DAY1, users: 30, forecasts: 2, seed: 11, apiKey: API_KEY });
    prepared = tempDir(`crash-${engine.name}`);
    // Deals on: the activity export and the opportunity refresh run (and get killed) too.
    writeRunConfig(prepared, { top: { activity: { enabled: true } } });
    writeAlertsConfig(prepared, 0);
    preparedUrl = await engine.url(prepared);
    const receivers = await startAlertReceivers();
    const day1 = await runCli(
      ['run', '--json', '--as-of', DAY1],
      cliEnv(sim, preparedUrl, join(prepared, 'data'), { CLARI_DP_FORECASTS: FORECASTS, ...receivers.env }),
      prepared,
    );
    expect(day1.code, day1.stderr).toBe(3);
    await advanceSim(sim, 1);
  }, 60_000);
  afterAll(async () => {
    await sim.close();
  });

  /** A copy of the prepared day-1 data dir and warehouse. */
  async function fresh(label: string): Promise<{ dir: string; url: string }> {
    const dir = tempDir(`crash-${engine.name}-${label}`);
    cpSync(prepared, dir, { recursive: true });
    return { dir, url: await engine.url(dir) };
  }

  it('an uninterrupted day-2 run (the reference)', async () => {
    expect((await simStats(sim)).date).toBe(DAY2);
    const { dir, url } = await fresh('baseline');
    const receivers = await startAlertReceivers();
    const before = (await simStats(sim)).exportsCreated;
    const result = await run(dir, url, receivers);
    expect(result.code, result.stderr).toBe(3);
    baseline = await outcome(url, receivers, before, result.code, { stdout: result.stdout, stderr: result.stderr });
    // Two forecasts x two periods, and the activity export.
    expect(baseline.exportsCreated).toBe(5);
    // Enough happens for the points to mean something: changes, alerts on every channel, a failure,
    // a second activity window (overlapping the first by a day) and opportunity versions that moved.
    expect(baseline.state.clari_forecast_changes!.length).toBeGreaterThan(0);
    expect(baseline.state.clari_activity_windows).toHaveLength(2);
    expect(baseline.state.clari_opportunity_snapshots).toHaveLength(2);
    expect(baseline.state.clari_opportunities!.some((r) => r.includes(`"valid_to":"${DAY2}"`))).toBe(true);
    for (const channel of ['webhook', 'slack', 'email'] as const)
      expect(baseline.digests[channel]).toEqual({ messages: 1, alerts: baseline.webhookFingerprints.length });
    expect(baseline.webhookFingerprints.some((f) => f.includes('export-failed|no_such_tab'))).toBe(true);
    expect(baseline.webhookFingerprints.some((f) => f.includes('|swing|'))).toBe(true);
  });

  it.each(points)('killed at %s (%i), the next run converges', async (point, nth) => {
    expect(baseline, 'the reference run must pass first').toBeDefined();
    const { dir, url } = await fresh(`${point}-${nth}`);
    const receivers = await startAlertReceivers();
    const before = (await simStats(sim)).exportsCreated;

    const crashed = await run(dir, url, receivers, { CLARI_DP_CRASH_AT: `${point}:${nth}` });
    expect(crashed.signal, `${crashed.stdout}\n${crashed.stderr}`).toBe('SIGKILL');
    expect(crashed.stderr).toContain(`killing pid`);
    expect(crashed.stdout).toBe('');

    const recovered = await run(dir, url, receivers);
    expect(recovered.code, recovered.stderr).toBe(baseline.code);
    const after = await outcome(url, receivers, before, recovered.code, {
      crashedOut: crashed.stdout,
      crashedErr: crashed.stderr,
      stdout: recovered.stdout,
      stderr: recovered.stderr,
    });

    expect(after.state).toEqual(baseline.state);
    // Jobs the killed run created were resumed (or found in Clari's job list), never exported again.
    expect(after.exportsCreated).toBe(baseline.exportsCreated);
    // Every alert once per channel: what the killed run delivered is not repeated, what it did not is sent.
    expect(after.webhookFingerprints).toEqual(baseline.webhookFingerprints);
    expect(after.digests).toEqual(baseline.digests);
    expect(after.sentAlerts).toEqual(baseline.sentAlerts);

    const wh = await openWarehouse(url);
    try {
      expect(Object.values(await duplicateKeys(wh)).every((n) => n === 0)).toBe(true);
      expect(await wh.query("SELECT alert_id FROM clari_alerts WHERE status = 'pending'")).toEqual([]);
      // The killed run is recorded as failed (interrupted), not left running forever.
      expect(await wh.query("SELECT run_id FROM clari_sync_runs WHERE status = 'running'")).toEqual([]);
      expect(
        await wh.query(
          "SELECT count(*) AS n FROM clari_sync_runs WHERE status = 'failed' AND error LIKE 'interrupted%'",
        ),
      ).toEqual([{ n: '1' }]);
      expect(
        await findSecrets(receivers.secrets, {
          texts: { ...after.outputs, ...receivers.texts() },
          dirs: [dir],
          warehouses: [wh],
        }),
      ).toEqual([]);
    } finally {
      await wh.close();
    }
    // Nothing half-written is left: no temporary files, no pending jobs, no lock.
    const files = readdirSync(join(dir, 'data'), { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).not.toContain('run.lock');
    expect(JSON.parse(readFileSync(join(dir, 'data', 'state', 'pending-jobs.json'), 'utf8'))).toEqual({});
  });
});
