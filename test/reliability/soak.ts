/**
 * The soak: many simulated business days of the real CLI against the simulator with faults on
 * (429 bursts with Retry-After, 5xx, resets, slow answers, cut-off bodies, stuck, failed, empty and
 * drifting jobs) and, on some days, the run SIGKILLed at a random checkpoint and run again. After
 * every day it checks, against what the simulator served (never against the code under test):
 *
 * - the warehouse holds, for every planned snapshot, exactly the payload its ledger names (or,
 *   when the day's export failed, exactly the previous snapshot), and the changes between two
 *   loaded snapshots are exactly those the payloads imply;
 * - no key is duplicated and no entry has two versions valid on one date;
 * - every failed export has an alert and the run a non-zero exit status matching its summary;
 * - no alert is delivered twice for one business date;
 * - exports created <= exports planned + re-queues of stuck and failed jobs (the simulator's own
 *   count of the faults it injected), and the simulator never refused a POST for a full job cap;
 *
 * and every few days (and at the end) that every snapshot a run ever reported as loaded still reads
 * back as its payload. With `deals`, the deals stage runs every day too (its activity export counts
 * in the quota budget, its checkpoints in the crash draws) and soak-deals.ts checks its tables. At the end, no output, log line, alert, file in the data dir or warehouse
 * row holds a secret. `npm run soak` runs it long (soak-main.ts); soak.test.ts runs it CI-sized.
 */
import { join } from 'node:path';
import { CHECKPOINTS, seededRandom, systemClock } from '../../src/core/index.js';
import { periodOfDate, shiftPeriod } from '../../src/domain/index.js';
import { startSimulator } from '../../src/sim/index.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/index.js';
import { runCli } from '../support/cli.js';
import { expectedChanges, rawEntryMap, warehouseEntryMap } from '../support/reference.js';
import {
  advanceSim,
  API_KEY,
  cliEnv,
  duplicateKeys,
  ServedPayloads,
  startAlertReceivers,
  tempDir,
  writeAlertsConfig,
  writeRunConfig,
} from '../support/reliability.js';
import { findSecrets } from '../support/secrets.js';
import { type DealsLine, DealsSoak, type DealsSoakReport } from './soak-deals.js';

export interface SoakOptions {
  readonly days: number;
  readonly seed: number;
  readonly faultRate: number;
  /** Share of days whose first run is killed at a random checkpoint. */
  readonly crashRate: number;
  readonly users?: number | undefined;
  readonly forecasts?: number | undefined;
  readonly startDate?: string | undefined;
  /** A PostgreSQL URL to an empty database; default a DuckDB file in the soak's directory. */
  readonly warehouse?: string | undefined;
  /** Days between full-history checks (always at the end). */
  readonly fullCheckEvery?: number | undefined;
  /** The deals stage on (activity.enabled): exported, loaded and checked every day. */
  readonly deals?: boolean | undefined;
  readonly log?: ((line: string) => void) | undefined;
}

export interface SoakReport {
  readonly days: number;
  readonly runs: number;
  readonly crashes: number;
  readonly crashesByPoint: Record<string, number>;
  /** Crash points drawn that a run never reached (it finished normally). */
  readonly crashesNotReached: number;
  readonly faults: Record<string, number>;
  readonly exitCodes: Record<string, number>;
  readonly exports: { planned: number; loaded: number; empty: number; failed: number; cached: number };
  readonly failuresByCode: Record<string, number>;
  readonly exportsCreated: number;
  readonly exportBudget: number;
  readonly maxInFlight: number;
  readonly concurrencyLimit: number;
  readonly capacityRejections: number;
  readonly snapshotsVerified: number;
  readonly rowsCompared: number;
  readonly changesCompared: number;
  readonly losses: number;
  readonly duplicates: number;
  readonly alertsDelivered: number;
  readonly alertRepeats: number;
  readonly failuresWithoutAlert: number;
  readonly secretsLeaked: number;
  readonly problems: string[];
  readonly durationMs: number;
  readonly deals?: DealsSoakReport | undefined;
}

interface ExportLine {
  forecastId: string;
  timePeriod: string;
  jobId: string | null;
  status: 'loaded' | 'empty' | 'failed';
  cached: boolean;
  errorCode?: string;
}

interface Summary {
  runId: string;
  status: 'success' | 'partial' | 'failed';
  exports: ExportLine[];
  deals?: DealsLine;
}

const EXIT_OF_STATUS = { success: 0, partial: 3, failed: 1 } as const;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const rand = seededRandom(`${options.seed}|soak`);
  const concurrencyLimit = 3;
  const sim = await startSimulator({
    clock: systemClock,
    seed: options.seed,
    asOf: options.startDate ?? '2026-10-05',
    users: options.users ?? 24,
    forecasts: options.forecasts ?? 2,
    jobDurationMs: 30,
    retryAfterSeconds: 0,
    slowMs: 20,
    faultRate: options.faultRate,
    concurrencyLimit,
    apiKey: API_KEY,
  });
  const served = new ServedPayloads(sim);
  const dealsSoak = options.deals ? new DealsSoak(sim) : undefined;
  const receivers = await startAlertReceivers();
  const dir = tempDir('soak');
  writeRunConfig(dir, options.deals ? { top: { activity: { enabled: true } } } : {});
  writeAlertsConfig(dir, 0);
  const warehouse = options.warehouse ?? `duckdb:${join(dir, 'wh.duckdb')}`;
  const forecasts = sim.simulator.tenant.forecastIds;
  const env = cliEnv(sim, warehouse, join(dir, 'data'), { CLARI_DP_FORECASTS: forecasts.join(','), ...receivers.env });
  const problems: string[] = [];
  const problem = (date: string, text: string): void => {
    problems.push(`${date}: ${text}`);
    log(`  PROBLEM ${date}: ${text}`);
  };
  const outputs: Record<string, string> = {};
  /** (forecast|period|date) -> job id the last run of that date reported loaded. */
  const reported = new Map<string, string>();
  const report = {
    runs: 0,
    crashes: 0,
    crashesByPoint: {} as Record<string, number>,
    crashesNotReached: 0,
    exitCodes: {} as Record<string, number>,
    exports: { planned: 0, loaded: 0, empty: 0, failed: 0, cached: 0 },
    failuresByCode: {} as Record<string, number>,
    exportsCreated: 0,
    exportBudget: 0,
    snapshotsVerified: 0,
    rowsCompared: 0,
    changesCompared: 0,
    losses: 0,
    duplicates: 0,
    failuresWithoutAlert: 0,
  };
  const stats = (): {
    exportsCreated: number;
    maxInFlight: number;
    capacityRejections: number;
    faults: Record<string, number>;
  } => sim.simulator.stats() as never;

  try {
    for (let day = 0; day < options.days; day++) {
      const date = sim.simulator.today();
      const before = stats();
      const args = ['run', '--json', '--log-level', 'info', '--as-of', date];

      // Some days the first run dies at a random checkpoint; the next run must pick up from it.
      if (rand() < options.crashRate) {
        const point = CHECKPOINTS[Math.floor(rand() * CHECKPOINTS.length)]!;
        const nth = 1 + Math.floor(rand() * 3);
        const killed = await runCli(args, { ...env, CLARI_DP_CRASH_AT: `${point}:${nth}` }, dir);
        report.runs++;
        outputs[`${date} crash run stdout`] = killed.stdout;
        outputs[`${date} crash run stderr`] = killed.stderr;
        if (killed.signal === 'SIGKILL') {
          report.crashes++;
          report.crashesByPoint[point] = (report.crashesByPoint[point] ?? 0) + 1;
        } else report.crashesNotReached++;
      }

      const result = await runCli(args, env, dir);
      report.runs++;
      outputs[`${date} run stdout`] = result.stdout;
      outputs[`${date} run stderr`] = result.stderr;
      report.exitCodes[String(result.code)] = (report.exitCodes[String(result.code)] ?? 0) + 1;
      let summary: Summary | undefined;
      try {
        const parsed = JSON.parse(result.stdout) as Summary | { error: string; code: string };
        if ('runId' in parsed) summary = parsed;
        else problem(date, `the run failed as a whole (exit ${result.code}): ${parsed.code}: ${parsed.error}`);
      } catch {
        problem(
          date,
          `no JSON summary (exit ${result.code}, signal ${result.signal ?? 'none'}): ${result.stderr.slice(-500)}`,
        );
      }
      if (summary) {
        const failed = summary.exports.filter((e) => e.status === 'failed');
        if (result.code !== EXIT_OF_STATUS[summary.status])
          problem(date, `status ${summary.status} but exit ${result.code}`);
        if (failed.length > 0 && result.code === 0)
          problem(date, `${failed.length} export(s) failed but the run exited 0`);
        for (const e of summary.exports) {
          report.exports.planned++;
          report.exports[e.status]++;
          if (e.cached) report.exports.cached++;
          if (e.status === 'failed')
            report.failuresByCode[e.errorCode ?? '?'] = (report.failuresByCode[e.errorCode ?? '?'] ?? 0) + 1;
          else if (e.jobId) reported.set(`${e.forecastId}|${e.timePeriod}|${date}`, e.jobId);
        }
        // Every failed export was alerted (by this run or an earlier one of the same date).
        const alerted = receivers.webhookAlerts().filter((a) => a.asOf === date);
        for (const e of failed) {
          if (!alerted.some((a) => a.data.forecastId === e.forecastId && a.data.period === e.timePeriod)) {
            report.failuresWithoutAlert++;
            problem(date, `export ${e.forecastId} ${e.timePeriod} failed (${e.errorCode}) without an alert`);
          }
        }
      }

      // Quota: one job per planned export (and the activity export), plus one per stuck or failed job Clari gave us.
      const after = stats();
      const planned = forecasts.length * 2 + (dealsSoak ? 1 : 0);
      const requeues =
        (after.faults.stuck ?? 0) -
        (before.faults.stuck ?? 0) +
        (after.faults.failed ?? 0) -
        (before.faults.failed ?? 0);
      const created = after.exportsCreated - before.exportsCreated;
      report.exportsCreated += created;
      report.exportBudget += planned + requeues;
      if (created > planned + requeues)
        problem(date, `${created} exports created for ${planned} planned and ${requeues} re-queue(s)`);

      const wh = await openWarehouse(warehouse);
      try {
        await checkDay(wh, date, summary);
        if (dealsSoak && summary)
          await dealsSoak.checkDay(wh, date, summary.deals, receivers.webhookAlerts(), (text) => problem(date, text));
        const dups = await duplicateKeys(wh);
        for (const [what, n] of Object.entries(dups)) {
          if (n > 0) {
            report.duplicates += n;
            problem(date, `${n} x ${what}`);
          }
        }
        const every = options.fullCheckEvery ?? 10;
        if ((day + 1) % every === 0 || day === options.days - 1) await checkHistory(wh, date);
        if (day === options.days - 1) {
          const leaks = await findSecrets(receivers.secrets, {
            texts: { ...outputs, ...receivers.texts() },
            dirs: [dir],
            warehouses: [wh],
          });
          for (const leak of leaks) problem(date, `secret leaked: ${leak}`);
        }
      } finally {
        await wh.close();
      }
      const line = summary
        ? summary.exports
            .map(
              (e) =>
                `${e.forecastId.slice(0, 3)}/${e.timePeriod.slice(-2)}:${e.status === 'failed' ? (e.errorCode ?? 'failed') : e.status}`,
            )
            .join(' ')
        : 'no summary';
      log(`day ${day + 1}/${options.days} ${date} exit ${result.code} created ${created} ${line}`);
      await advanceSim(sim, 1);
    }
  } finally {
    await sim.close();
  }

  const alerts = receivers.webhookAlerts();
  const seen = new Map<string, number>();
  for (const a of alerts) seen.set(`${a.asOf}|${a.fingerprint}`, (seen.get(`${a.asOf}|${a.fingerprint}`) ?? 0) + 1);
  const repeats = [...seen].filter(([, n]) => n > 1);
  for (const [key, n] of repeats) problems.push(`alert delivered ${n} times: ${key}`);
  const final = stats();
  if (final.maxInFlight > concurrencyLimit)
    problems.push(`${final.maxInFlight} jobs in flight at once (limit ${concurrencyLimit})`);
  if (final.capacityRejections > 0)
    problems.push(`${final.capacityRejections} export POST(s) refused for a full job cap`);
  return {
    days: options.days,
    ...report,
    faults: final.faults,
    maxInFlight: final.maxInFlight,
    concurrencyLimit,
    capacityRejections: final.capacityRejections,
    alertsDelivered: alerts.length,
    alertRepeats: repeats.length,
    secretsLeaked: problems.filter((p) => p.includes('secret leaked')).length,
    problems,
    durationMs: Date.now() - started,
    deals: dealsSoak?.report,
  };

  /** The day's planned snapshots against the served payloads, and their changes. */
  async function checkDay(wh: Warehouse, date: string, summary: Summary | undefined): Promise<void> {
    const current = periodOfDate(date, { startMonth: 1 });
    for (const forecastId of forecasts) {
      for (const period of [current, shiftPeriod(current, -1)]) {
        const line = summary?.exports.find((e) => e.forecastId === forecastId && e.timePeriod === period);
        const [snap] = await wh.query<{ job_id: string | null }>(
          'SELECT job_id FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3',
          [forecastId, period, date],
        );
        const [prev] = await wh.query<{ job_id: string | null; snapshot_date: string }>(
          'SELECT job_id, snapshot_date FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date < $3 ORDER BY snapshot_date DESC LIMIT 1',
          [forecastId, period, date],
        );
        const where = `${forecastId} ${period}`;
        if (line && line.status !== 'failed' && (!snap || snap.job_id !== line.jobId)) {
          report.losses++;
          problem(
            date,
            `${where} reported loaded from job ${line.jobId} but the ledger has ${snap ? `job ${snap.job_id}` : 'no snapshot'}`,
          );
          continue;
        }
        // Loaded today: the warehouse is that payload. Not loaded: it is still the previous one.
        const source = snap ?? prev;
        if (source?.job_id && !served.has(source.job_id)) {
          report.losses++;
          problem(date, `${where}: the ledger names job ${source.job_id}, which the simulator never served whole`);
          continue;
        }
        const expected = source?.job_id ? rawEntryMap(served.doc(source.job_id).entries) : new Map<string, string>();
        const actual = await warehouseEntryMap(wh, forecastId, period, date);
        report.rowsCompared += expected.size;
        report.snapshotsVerified++;
        if (!sameMap(actual, expected)) {
          report.losses++;
          problem(
            date,
            `${where}: the warehouse differs from ${source ? `job ${source.job_id}'s payload` : 'nothing loaded'} (${actual.size} vs ${expected.size} entries)`,
          );
        }
        if (snap?.job_id && prev?.job_id) {
          const want = expectedChanges(
            served.payload(prev.job_id, forecastId, period, prev.snapshot_date),
            served.payload(snap.job_id, forecastId, period, date),
          );
          const rows = await wh.query<{ change_kind: string; user_id: string; field_id: string }>(
            'SELECT change_kind, user_id, field_id FROM clari_forecast_changes WHERE forecast_name = $1 AND time_period = $2 AND current_snapshot = $3',
            [forecastId, period, date],
          );
          const got = new Set(rows.map((r) => `${r.change_kind}|${r.user_id}|${r.field_id}`));
          report.changesCompared += want.size;
          if (rows.length !== got.size || got.size !== want.size || [...want].some((k) => !got.has(k)))
            problem(date, `${where}: ${rows.length} changes detected, the payloads imply ${want.size}`);
        }
      }
    }
  }

  /** Every snapshot ever reported loaded still reads back as the payload the report named. */
  async function checkHistory(wh: Warehouse, date: string): Promise<void> {
    for (const [key, jobId] of reported) {
      const [forecastId, period, asOf] = key.split('|') as [string, string, string];
      const [snap] = await wh.query<{ job_id: string | null }>(
        'SELECT job_id FROM clari_snapshots WHERE forecast_id = $1 AND time_period = $2 AND snapshot_date = $3',
        [forecastId, period, asOf],
      );
      if (!served.has(jobId)) {
        report.losses++;
        problem(date, `history: ${key} was reported loaded from job ${jobId}, which the simulator never served whole`);
        continue;
      }
      const expected = rawEntryMap(served.doc(jobId).entries);
      const actual = await warehouseEntryMap(wh, forecastId, period, asOf);
      report.rowsCompared += expected.size;
      report.snapshotsVerified++;
      if (snap?.job_id !== jobId || !sameMap(actual, expected)) {
        report.losses++;
        problem(date, `history: ${key} (job ${jobId}) no longer reads back as its payload`);
      }
    }
  }
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** The report as the lines `npm run soak` prints and docs/reliability.md quotes. */
export function formatReport(r: SoakReport, options: Pick<SoakOptions, 'seed' | 'faultRate' | 'crashRate'>): string {
  const kinds = Object.entries(r.faults)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const total = Object.values(r.faults).reduce((n, x) => n + x, 0);
  return [
    `soak: ${r.days} simulated days, seed ${options.seed}, fault rate ${options.faultRate}, crash rate ${options.crashRate}, ${Math.round(r.durationMs / 1000)} s`,
    `runs: ${r.runs} (exit codes ${Object.entries(r.exitCodes)
      .map(([c, n]) => `${c}: ${n}`)
      .join(', ')})`,
    `faults injected: ${total} (${kinds})`,
    `crashes injected: ${r.crashes} SIGKILLs (${Object.entries(r.crashesByPoint)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, n]) => `${p} ${n}`)
      .join(', ')}); ${r.crashesNotReached} drawn point(s) not reached`,
    `exports: ${r.exports.planned} planned, ${r.exports.loaded} loaded, ${r.exports.empty} empty, ${r.exports.failed} failed (${
      Object.entries(r.failuresByCode)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') || 'none'
    }), ${r.exports.cached} from the landing`,
    `quota: ${r.exportsCreated} exports created, budget ${r.exportBudget} (planned + re-queues of stuck and failed jobs); at most ${r.maxInFlight} jobs in flight (limit ${r.concurrencyLimit}); ${r.capacityRejections} POSTs refused for a full cap`,
    `verified: ${r.snapshotsVerified} snapshot checks, ${r.rowsCompared} entry rows compared with the served payloads, ${r.changesCompared} changes compared`,
    `alerts: ${r.alertsDelivered} delivered (webhook), ${r.alertRepeats} repeated, ${r.failuresWithoutAlert} failures without an alert`,
    ...(r.deals
      ? [
          `deals: ${r.deals.windowsVerified} activity window checks, ${r.deals.activitiesCompared} activities and ${r.deals.opportunitiesCompared} opportunity versions compared with what was served, ${r.deals.stepsFailed} failed step(s)`,
        ]
      : []),
    `losses: ${r.losses}, duplicates: ${r.duplicates}, secrets leaked: ${r.secretsLeaked}`,
    `problems: ${r.problems.length}`,
    ...r.problems.slice(0, 50).map((p) => `  - ${p}`),
  ].join('\n');
}
