/**
 * The Airflow DAG (dags/clari_export_dag.py) without Airflow: it parses, runs as a script (note,
 * exit 0), and uses the examples' command line. Then, against a small stand-in `airflow` package
 * written here, it builds one task per forecast with retries, exponential backoff and exit 3 shown
 * as skipped, on both the BashOperator path (Airflow 2.6+) and the PythonOperator fallback.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const DAG = join(ROOT, 'dags', 'clari_export_dag.py');
/** The command line every scheduler example uses, followed by its trigger name. */
const BASE_COMMAND = 'npx clari-dp run --json --trigger';

const STUB: Record<string, string> = {
  'airflow/__init__.py': `
_current = []

class DAG:
    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()
`,
  'airflow/exceptions.py': `
class AirflowException(Exception):
    pass

class AirflowSkipException(AirflowException):
    pass
`,
  'airflow/models.py': `
import os

class Variable:
    @staticmethod
    def get(key, default_var=None):
        return os.environ.get("AIRFLOW_VAR_" + key.upper(), default_var)
`,
  'airflow/operators/__init__.py': `
from airflow import _current

class Op:
    def __init__(self, task_id, **kwargs):
        self.task_id = task_id
        self.kwargs = dict(kwargs, task_id=task_id)
        _current[-1].tasks.append(self)
`,
  'airflow/operators/bash.py': `
import os
from airflow.operators import Op

if os.environ.get("STUB_OLD_AIRFLOW"):
    class BashOperator(Op):
        def __init__(self, task_id, bash_command, **kwargs):
            super().__init__(task_id, bash_command=bash_command, **kwargs)
            self.bash_command = bash_command
else:
    class BashOperator(Op):
        def __init__(self, task_id, bash_command, skip_on_exit_code=99, **kwargs):
            super().__init__(task_id, bash_command=bash_command, skip_on_exit_code=skip_on_exit_code, **kwargs)
            self.bash_command = bash_command
`,
  'airflow/operators/python.py': `
from airflow.operators import Op

class PythonOperator(Op):
    def __init__(self, task_id, python_callable, op_kwargs=None, **kwargs):
        super().__init__(task_id, python_callable=python_callable.__name__, op_kwargs=op_kwargs, **kwargs)
        self.op_kwargs = op_kwargs
`,
  'pendulum.py': `
def datetime(*args, **kwargs):
    return "pendulum.datetime%r %r" % (args, kwargs)
`,
  'inspect_dag.py': `
import json, runpy, sys
ns = runpy.run_path(sys.argv[1])
dag = ns["dag"]
out = {"dag_id": dag.dag_id, "dag": dag.kwargs, "tasks": [t.kwargs for t in dag.tasks], "codes": {}}
for code in (0, 2, 3):
    try:
        ns["run_clari_dp"]("exit %d" % code)
        out["codes"][code] = "ok"
    except Exception as error:
        out["codes"][code] = type(error).__name__
print(json.dumps(out, default=str))
`,
};

let stub: string;
beforeAll(() => {
  stub = mkdtempSync(join(tmpdir(), 'clari-dp-airflow-stub-'));
  for (const [path, text] of Object.entries(STUB)) {
    mkdirSync(dirname(join(stub, path)), { recursive: true });
    writeFileSync(join(stub, path), text.trimStart());
  }
});

function python(
  args: string[],
  env: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('python3', args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Inspected {
  dag_id: string;
  dag: Record<string, unknown> & { default_args: Record<string, string | number | boolean> };
  tasks: Record<string, unknown>[];
  codes: Record<string, string>;
}

function inspectDag(env: Record<string, string> = {}): Inspected {
  const result = python([join(stub, 'inspect_dag.py'), DAG], { PYTHONPATH: stub, ...env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Inspected;
}

describe('dags/clari_export_dag.py', () => {
  it('parses with plain Python 3', () => {
    execFileSync('python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', DAG]);
  });

  it('runs without Airflow: a short note and exit 0', () => {
    const result = python([DAG]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Airflow is not installed here');
    expect(result.stderr).toBe('');
  });

  it("uses the examples' command line, for one forecast and the data interval's date", () => {
    const text = readFileSync(DAG, 'utf8');
    expect(text).toContain(`"${BASE_COMMAND} airflow"`);
    expect(text).toContain('" --as-of {{ data_interval_end | ds }}"');
    expect(text).not.toMatch(/CLARI_API_KEY\s*=/);
  });

  it('builds one task per forecast: retries with exponential backoff, exit 3 skipped (Airflow 2.6+ BashOperator)', () => {
    const dag = inspectDag({
      AIRFLOW_VAR_CLARI_DP_FORECASTS: '["net_new_arr", "renewals"]',
      AIRFLOW_VAR_CLARI_DP_HOME: '/srv/clari dp',
    });
    expect(dag.dag_id).toBe('clari_export');
    expect(dag.dag).toMatchObject({ schedule: '0 6 * * 1-5', catchup: false, max_active_runs: 1, max_active_tasks: 1 });
    expect(dag.dag.default_args).toMatchObject({
      retries: 3,
      retry_exponential_backoff: true,
      retry_delay: '0:05:00',
      max_retry_delay: '1:00:00',
    });
    expect(dag.tasks).toEqual([
      {
        task_id: 'export_net_new_arr',
        bash_command:
          "cd '/srv/clari dp' && npx clari-dp run --json --trigger airflow --forecast net_new_arr --as-of {{ data_interval_end | ds }}",
        skip_on_exit_code: 3,
      },
      {
        task_id: 'export_renewals',
        bash_command:
          "cd '/srv/clari dp' && npx clari-dp run --json --trigger airflow --forecast renewals --as-of {{ data_interval_end | ds }}",
        skip_on_exit_code: 3,
      },
    ]);
  });

  it('takes the forecast list at the top when the Variable is unset, or a comma-separated Variable', () => {
    expect(inspectDag().tasks.map((t) => t.task_id)).toEqual(['export_net_new_arr']);
    expect(inspectDag({ AIRFLOW_VAR_CLARI_DP_FORECASTS: 'a, b.c ,' }).tasks.map((t) => t.task_id)).toEqual([
      'export_a',
      'export_b.c',
    ]);
  });

  it('falls back to a PythonOperator on older Airflow, mapping 3 to skipped and 1/2 to failed', () => {
    const dag = inspectDag({ STUB_OLD_AIRFLOW: '1' });
    expect(dag.tasks).toEqual([
      {
        task_id: 'export_net_new_arr',
        python_callable: 'run_clari_dp',
        op_kwargs: {
          command:
            'cd /opt/clari-dp && npx clari-dp run --json --trigger airflow --forecast net_new_arr --as-of {{ data_interval_end | ds }}',
        },
      },
    ]);
    expect(dag.codes).toEqual({ 0: 'ok', 2: 'AirflowException', 3: 'AirflowSkipException' });
  });
});
