"""Prints, as JSON, the retry settings of every task of the clari_export DAG as the Airflow
scheduler sees them (the DAG serialized and read back, as it is stored in the metadata DB), and
the retry delays Airflow itself computes for attempts 1 to 6 (TaskInstance.next_retry_datetime).
Usage: <venv>/bin/python airflow_retries.py DAGS_FOLDER. Works on Airflow 2.10 and 3.x."""

import json
import sys
import uuid
from datetime import datetime, timezone

try:  # Airflow 3
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.serialized_objects import DagSerialization as Serialization
except ImportError:  # Airflow 2
    from airflow.models.dagbag import DagBag
    from airflow.serialization.serialized_objects import SerializedDAG as Serialization
from airflow.models.taskinstance import TaskInstance

bag = DagBag(dag_folder=sys.argv[1])
parsed = bag.dags["clari_export"]
dag = Serialization.from_dict(Serialization.to_dict(parsed))
failed_at = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
tasks = []
for task in dag.tasks:
    try:
        ti = TaskInstance(task, run_id="retries", dag_version_id=uuid.uuid4())  # Airflow 3
    except TypeError:
        ti = TaskInstance(task, run_id="retries")  # Airflow 2
    ti.end_date = failed_at
    delays = []
    for attempt in range(1, 7):
        ti.try_number = attempt
        delays.append((ti.next_retry_datetime() - failed_at).total_seconds())
    source = parsed.get_task(task.task_id)
    tasks.append(
        {
            "task_id": task.task_id,
            "operator": type(source).__name__,
            "skip_on_exit_code": sorted(source.skip_on_exit_code),
            "retries": task.retries,
            "retry_delay_s": task.retry_delay.total_seconds(),
            "max_retry_delay_s": task.max_retry_delay.total_seconds(),
            "delays_s": delays,
        }
    )
print(json.dumps({"import_errors": bag.import_errors, "tasks": tasks}))
