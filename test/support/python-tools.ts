/**
 * The Python tools the tests run for real (Apache Airflow, dbt), each in a virtualenv under
 * .venv-tools/ built from requirements/<name>.txt by scripts/python-env.sh: `.ci/run` builds them
 * first, and a test's setup builds a missing one itself (idempotent and cached, so only the first
 * caller pays). Without a usable Python the suites skip with the reason in their title, except in
 * CI (CI=true), where that is a failure: CI must never pass by skipping the real tools.
 */
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'python-env.sh');
/** scripts/python-env.sh exits 3 when there is no Python with the venv module. */
const NO_PYTHON = 3;

export type PythonToolName = 'airflow-2' | 'airflow-3' | 'dbt';

/** Why the Python suites cannot run here (no usable Python), or undefined when they can. Throws in CI. */
export function pythonMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const python = env.PYTHON ?? 'python3';
  const probe = spawnSync(python, ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  const reason = `no usable Python (${python} is missing or lacks the venv module; set PYTHON)`;
  if (env.CI === 'true') throw new Error(`${reason}: CI must run the Airflow and dbt suites, not skip them`);
  return reason;
}

/** A describe title that carries the skip reason, so a skipped suite says why in one line. */
export function titled(title: string, missing: string | undefined): string {
  return missing === undefined ? title : `${title} (skipped: ${missing})`;
}

/** The venv of `name`, built first if it is missing or stale; resolves to its bin/ folder. */
export function pythonTool(name: PythonToolName): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, name], { encoding: 'utf8', maxBuffer: 1 << 24 }, (error, _stdout, stderr) => {
      if (!error) return resolve(join(ROOT, '.venv-tools', name, 'bin'));
      const why = error.code === NO_PYTHON ? 'no usable Python' : `exit ${String(error.code ?? error.signal)}`;
      reject(new Error(`scripts/python-env.sh ${name} failed (${why}):\n${stderr.slice(-4000)}`));
    });
  });
}

/** Minutes a first build may take on a busy 2-core machine (Airflow is ~140 packages). */
export const VENV_BUILD_TIMEOUT_MS = 15 * 60_000;

export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool of a venv (`bin/airflow`, `bin/dbt`, `bin/python`) with exactly `env`, capturing its output. */
export function runTool(
  file: string,
  args: readonly string[],
  options: { env: Record<string, string | undefined>; cwd?: string | undefined },
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: options.env, cwd: options.cwd, encoding: 'utf8', maxBuffer: 1 << 26 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}
