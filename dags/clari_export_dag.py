"""Airflow DAG: Clari forecast exports with the clari-dp CLI, one task per forecast.

Each task runs the same command line as the cron, systemd and Kubernetes examples (with the
trigger `airflow`) for one forecast, with the business date set to the end of the data interval,
so a cleared or re-run DAG run re-loads the same snapshot (a re-load replaces, never adds).
Needs Airflow 2.6 or later (BashOperator's skip_on_exit_code); CI runs it on Airflow 2.10.5 and
3.3.2 (test/ops/dag.test.ts). Without Airflow the file still runs with plain Python 3 (it prints a
note and exits 0).

Install: see docs/operations.md ("Airflow").
"""

from __future__ import annotations

import json
import shlex
import sys
from datetime import timedelta

# Forecast ids (the id in the Forecast tab URL, app.clari.com/forecast/<id>). The Airflow
# Variable `clari_dp_forecasts` (a JSON list or a comma-separated string) overrides this list.
FORECASTS = ["net_new_arr"]

# Where clari-dp is installed on the worker (a clone with `npm ci` done, or a folder where
# `npm install clari-dp` was run). The Airflow Variable `clari_dp_home` overrides it.
CLARI_DP_HOME = "/opt/clari-dp"

# 06:00 on weekdays, in UTC (Airflow's default timezone). Runs of one data dir never overlap:
# max_active_runs=1 and max_active_tasks=1 keep the tasks of this DAG one at a time, and
# clari-dp's own run.lock protects against any other scheduler on the same data dir.
SCHEDULE = "0 6 * * 1-5"

# Exit codes of clari-dp (docs/operations.md): 0 ok, 1 failed, 2 usage or configuration error,
# 3 partial (some exports failed, the rest loaded).
EXIT_PARTIAL = 3

# The command of every task: the same command line as the examples/ files, for one forecast,
# with the business date of the data interval. The API key is never here: the worker's
# environment provides CLARI_API_KEY_FILE (a mounted secret file, preferred) or CLARI_API_KEY,
# plus CLARI_DP_WAREHOUSE and CLARI_DP_DATA_DIR (docs/operations.md).
BASE_COMMAND = "npx clari-dp run --json --trigger airflow"


def clari_dp_command(home, forecast_id):
    return (
        "cd " + shlex.quote(home) + " && " + BASE_COMMAND
        + " --forecast " + shlex.quote(forecast_id)
        + " --as-of {{ data_interval_end | ds }}"
    )


try:  # Airflow 3 (Task SDK, standard provider), then Airflow 2.
    try:
        from airflow.providers.standard.operators.bash import BashOperator
        from airflow.sdk import DAG, Variable
    except ImportError:
        from airflow import DAG
        from airflow.models import Variable
        from airflow.operators.bash import BashOperator
except ImportError:  # no Airflow here: the file must still parse and run (editors, a quick check)
    DAG = None


def _variable(name, default):
    """An Airflow Variable, or the default when it is unset or the metadata DB is unreachable."""
    try:
        try:
            value = Variable.get(name, default=None)  # Airflow 3
        except TypeError:
            value = Variable.get(name, default_var=None)  # Airflow 2
    except Exception:  # parsing must not fail because the DB is down
        return default
    return default if value in (None, "") else value


def _forecasts():
    value = _variable("clari_dp_forecasts", None)
    if value is None:
        return list(FORECASTS)
    try:
        parsed = json.loads(value)
        items = parsed if isinstance(parsed, list) else [parsed]
    except ValueError:
        items = value.split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def export_task(task_id, command):
    """A task running `command`: exit 0 succeeds; exit 3 (partial: some exports failed, the rest
    loaded) marks the task *skipped*, apart from both success and failure (Airflow has no warning
    state), and is not retried at once, because what makes a run partial (an empty or truncated
    export, an unknown period, an exhausted export quota) does not clear up in minutes: the next
    scheduled run retries the failed exports, and the JSON summary in the log names them. Any other
    code (1 failed, 2 configuration) fails the task, which is retried with exponential backoff (a
    locked data dir or a Clari outage does clear up).
    """
    return BashOperator(task_id=task_id, bash_command=command, skip_on_exit_code=EXIT_PARTIAL)


if DAG is not None:
    import pendulum

    default_args = {
        "owner": "revops-data",
        "retries": 3,
        "retry_delay": timedelta(minutes=5),
        # Doubles the delay each retry (5, 10, 20 min, with Airflow's jitter; at most 1 h). Airflow 3
        # reads True as the multiplier 2.0 when it loads the serialized DAG.
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(hours=1),
        # One export job of a slow tenant can take 10 minutes and is re-queued at most twice.
        "execution_timeout": timedelta(hours=2),
    }

    with DAG(
        dag_id="clari_export",
        description="Clari forecast exports into the warehouse with clari-dp (one task per forecast)",
        schedule=SCHEDULE,
        start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
        catchup=False,
        max_active_runs=1,
        max_active_tasks=1,
        default_args=default_args,
        tags=["clari", "clari-dp"],
    ) as dag:
        home = _variable("clari_dp_home", CLARI_DP_HOME)
        for forecast_id in _forecasts():
            task_id = "export_" + "".join(c if c.isalnum() or c in "-_." else "_" for c in forecast_id)
            export_task(task_id, clari_dp_command(home, forecast_id))

    if __name__ == "__main__":
        for task in dag.tasks:
            print(task.task_id, task.bash_command)

elif __name__ == "__main__":
    print(
        "clari_export_dag.py: Airflow is not installed here, so no DAG was built. "
        "Copy this file into the dags folder of an Airflow 2.6+ deployment (docs/operations.md)."
    )
    sys.exit(0)
