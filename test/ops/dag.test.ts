/**
 * The Airflow DAG (dags/clari_export_dag.py) under real Apache Airflow, 2.10.5 and 3.3.2, each in
 * its own virtualenv (scripts/python-env.sh), against the simulator over HTTP. Per version: a fresh
 * AIRFLOW_HOME with a SQLite metadata DB (`airflow db migrate`) and the DAG copied into its dags
 * folder, as docs/operations.md tells users; the worker's clari-dp is a folder with the package's
 * bin linked into node_modules/.bin and a clari-dp.yaml (what `npm install clari-dp` leaves), and
 * the Variables come from AIRFLOW_VAR_* (Airflow's own environment backend).
 *
 * - `airflow dags list-import-errors` is empty, and lists a broken copy (so the check can fail);
 * - `airflow dags test` runs every task: each is a real `npx clari-dp run` into one DuckDB file,
 *   with the data interval's end as business date, and the rows are in the warehouse;
 * - a run that exits 3 (partial: one period's export fails) leaves its task skipped, the rest loaded;
 * - retries and backoff are the DAG's, as Airflow's scheduler computes them from the serialized DAG.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { BIN, startCli } from '../support/cli.js';
import {
  pythonMissing,
  type PythonToolName,
  pythonTool,
  runTool,
  titled,
  type ToolResult,
  VENV_BUILD_TIMEOUT_MS,
} from '../support/python-tools.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DAG = join(ROOT, 'dags', 'clari_export_dag.py');
const RETRIES_SCRIPT = join(import.meta.dirname, 'airflow_retries.py');
const missing = pythonMissing();
// Each test runs a real tool several times (a few seconds of start-up each); a busy 2-core CI box is slower.
vi.setConfig({ testTimeout: 300_000 });

describe('dags/clari_export_dag.py without Airflow', () => {
  it.skipIf(missing)('runs with plain Python 3: a short note and exit 0', async () => {
    const result = await runTool('python3', [DAG], { env: { PATH: process.env.PATH } });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Airflow is not installed here');
  });
});

const VERSIONS: readonly { tool: PythonToolName; version: string; local: string[] }[] = [
  { tool: 'airflow-2', version: '2.10.5', local: [] },
  // Airflow 3's CLI reads DAGs from the metadata DB unless told to parse the files (--local).
  { tool: 'airflow-3', version: '3.3.2', local: ['--local'] },
];

let sim: ChildProcess | undefined;
let simUrl = '';
const scratch = mkdtempSync(join(tmpdir(), 'clari-dp-airflow-'));

beforeAll(async () => {
  if (missing) return;
  const started = await startCli(
    ['sim', '--port', '0', '--users', '12', '--job-duration', '50', '--as-of', '2026-11-20'],
    /listening on (http:\/\/\S+)/,
  );
  sim = started.child;
  simUrl = started.match[1]!;
});

afterAll(() => {
  sim?.kill();
  rmSync(scratch, { recursive: true, force: true });
});

/** A worker's clari-dp install: the bin in node_modules/.bin (as npm installs it) and a clari-dp.yaml. */
function workerHome(name: string, config: string): string {
  const home = join(scratch, name);
  mkdirSync(join(home, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(BIN, join(home, 'node_modules', '.bin', 'clari-dp'));
  // Fast polling for the simulator's quick jobs; everything else is clari-dp's defaults.
  writeFileSync(join(home, 'clari-dp.yaml'), `export:\n  pollIntervalMs: 100\n${config}`);
  return home;
}

interface TaskState {
  task_id: string;
  state: string;
}

(missing ? describe.skip : describe).each(VERSIONS)(
  titled('dags/clari_export_dag.py on Apache Airflow $version', missing),
  ({ tool, local }) => {
    const dir = join(scratch, tool);
    const dags = join(dir, 'airflow', 'dags');
    const warehouse = join(dir, 'clari.duckdb');
    let bin = '';

    const env = (extra: Record<string, string> = {}): Record<string, string | undefined> => ({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AIRFLOW_HOME: join(dir, 'airflow'),
      AIRFLOW__CORE__DAGS_FOLDER: dags,
      AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
      CLARI_API_KEY: 'sim-key',
      CLARI_BASE_URL: simUrl,
      CLARI_DP_WAREHOUSE: `duckdb:${warehouse}`,
      CLARI_DP_DATA_DIR: join(dir, 'data'),
      ...extra,
    });
    const airflow = async (args: string[], extra?: Record<string, string>): Promise<ToolResult> => {
      const result = await runTool(join(bin, 'airflow'), args, { env: env(extra) });
      if (result.code !== 0) throw new Error(`airflow ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
      return result;
    };
    /** The JSON an `airflow ... -o json` printed (its logging goes to the same streams). */
    const json = <T>(result: ToolResult): T => JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;

    /** `airflow dags test` for one logical date; returns the task states and the run's data interval end. */
    async function dagsTest(date: string, variables: Record<string, string>) {
      const result = await airflow(['dags', 'test', 'clari_export', date], variables);
      const log = result.stdout + result.stderr;
      const intervalEnd = /data_interval_end=(\d{4}-\d{2}-\d{2})/.exec(log)?.[1];
      const states = json<TaskState[]>(
        await airflow(['tasks', 'states-for-dag-run', 'clari_export', `${date}T00:00:00+00:00`, '-o', 'json']),
      );
      return { intervalEnd, states: Object.fromEntries(states.map((s) => [s.task_id, s.state])), log };
    }

    beforeAll(async () => {
      bin = await pythonTool(tool);
      mkdirSync(dags, { recursive: true });
      copyFileSync(DAG, join(dags, 'clari_export_dag.py'));
      await airflow(['db', 'migrate']);
    }, VENV_BUILD_TIMEOUT_MS);

    it('imports without errors, and the same check lists a broken copy', async () => {
      const errors = await airflow(['dags', 'list-import-errors', ...local, '-o', 'json']);
      expect(json(errors)).toEqual([]);

      const broken = join(dir, 'broken-dags');
      mkdirSync(broken, { recursive: true });
      writeFileSync(join(broken, 'clari_export_dag.py'), 'import clari_dp_no_such_module\nfrom airflow import DAG\n');
      // Airflow exits 1 when it finds import errors.
      const result = await runTool(join(bin, 'airflow'), ['dags', 'list-import-errors', ...local, '-o', 'json'], {
        env: env({ AIRFLOW__CORE__DAGS_FOLDER: broken }),
      });
      expect(result.code).toBe(1);
      const reported = json<{ filepath: string; error: string }[]>(result);
      expect(reported).toHaveLength(1);
      expect(reported[0]!.error).toContain('clari_dp_no_such_module');
    });

    it('runs every task end to end: one clari-dp run per forecast into the DuckDB file', async () => {
      const home = workerHome('ok-' + tool, 'periods:\n  count: 2\n');
      const run = await dagsTest('2026-11-20', {
        AIRFLOW_VAR_CLARI_DP_HOME: home,
        AIRFLOW_VAR_CLARI_DP_FORECASTS: '["net_new_arr", "renewals"]',
      });
      expect(run.states).toEqual({ export_net_new_arr: 'success', export_renewals: 'success' });
      expect(run.intervalEnd).toMatch(/^2026-11-(19|20)$/);

      const wh = await openWarehouse(`duckdb:${warehouse}`, { readOnly: true });
      try {
        const runs = await wh.query<{ status: string; trigger: string; as_of: string; n: number }>(
          'SELECT status, "trigger", CAST(as_of AS VARCHAR) AS as_of, CAST(count(*) AS INTEGER) AS n FROM clari_sync_runs GROUP BY ALL',
        );
        // The business date is the data interval's end, as Airflow rendered it into the command.
        expect(runs).toEqual([{ status: 'success', trigger: 'airflow', as_of: run.intervalEnd, n: 2 }]);
        const loaded = await wh.query<{ forecast_name: string; periods: number; n: number }>(
          'SELECT forecast_name, count(DISTINCT time_period) AS periods, count(*) AS n FROM clari_forecasts GROUP BY 1 ORDER BY 1',
        );
        expect(loaded.map((r) => [r.forecast_name, Number(r.periods)])).toEqual([
          ['net_new_arr', 2],
          ['renewals', 2],
        ]);
        for (const row of loaded) expect(Number(row.n)).toBeGreaterThan(0);
      } finally {
        await wh.close();
      }
    });

    it('shows a partial run (exit 3) as skipped, with what loaded kept', async () => {
      // 2019_Q1 is outside the tenant's history: Clari answers with the current quarter instead,
      // clari-dp fails that export and loads the other one, and exits 3.
      const home = workerHome('partial-' + tool, 'periods:\n  list: [2026_Q4, 2019_Q1]\n');
      const run = await dagsTest('2026-11-23', {
        AIRFLOW_VAR_CLARI_DP_HOME: home,
        AIRFLOW_VAR_CLARI_DP_FORECASTS: 'net_new_arr',
      });
      expect(run.states).toEqual({ export_net_new_arr: 'skipped' });
      expect(run.log).toContain('return code 3');

      const wh = await openWarehouse(`duckdb:${warehouse}`, { readOnly: true });
      try {
        const jobs = await wh.query<{ time_period: string; status: string; error_code: string | null }>(
          `SELECT j.time_period, j.status, j.error_code FROM clari_export_jobs j JOIN clari_sync_runs r USING (run_id)
           WHERE r.status = 'partial' ORDER BY 1`,
        );
        expect(jobs).toEqual([
          { time_period: '2019_Q1', status: 'failed', error_code: 'data.period_mismatch' },
          { time_period: '2026_Q4', status: 'loaded', error_code: null },
        ]);
      } finally {
        await wh.close();
      }
    });

    it('retries 3 times with the exponential backoff the DAG declares, as the scheduler computes it', async () => {
      const result = await runTool(join(bin, 'python'), [RETRIES_SCRIPT, dags], {
        env: env({ AIRFLOW_VAR_CLARI_DP_FORECASTS: '["net_new_arr", "renewals"]' }),
      });
      expect(result.code, result.stderr).toBe(0);
      const { import_errors, tasks } = json<{
        import_errors: Record<string, string>;
        tasks: {
          task_id: string;
          operator: string;
          skip_on_exit_code: number[];
          retries: number;
          retry_delay_s: number;
          max_retry_delay_s: number;
          delays_s: number[];
        }[];
      }>(result);
      expect(import_errors).toEqual({});
      expect(tasks.map((t) => t.task_id)).toEqual(['export_net_new_arr', 'export_renewals']);
      for (const task of tasks) {
        expect(task).toMatchObject({
          operator: 'BashOperator',
          skip_on_exit_code: [3],
          retries: 3,
          retry_delay_s: 300,
          max_retry_delay_s: 3600,
        });
        // Attempt n waits 5 min x 2^(n-1) plus Airflow's jitter (less than one more step), at most 1 h.
        task.delays_s.forEach((delay, i) => {
          const step = 300 * 2 ** i;
          expect(delay).toBeGreaterThanOrEqual(Math.min(step, 3600));
          expect(delay).toBeLessThanOrEqual(Math.min(2 * step, 3600));
        });
        expect(task.delays_s.slice(-2)).toEqual([3600, 3600]);
      }
    });
  },
);
