#!/usr/bin/env bash
# Creates the Python virtualenvs of the tools the tests run for real, one per requirements file:
#   scripts/python-env.sh airflow-2 airflow-3 dbt   ->  .venv-tools/<name> from requirements/<name>.txt
# Idempotent and cached: a venv whose stamp holds the sha256 of its requirements file (and the
# Python it was built with) is reused as it is; otherwise it is rebuilt from scratch, so a changed
# pin never leaves a half-upgraded venv. Concurrent callers (CI and a test's setup) wait for each
# other on a lock per venv. Python comes from $PYTHON, else python3.
# Exit codes: 0 ready; 3 no usable Python (missing, or without the venv module); 1 anything else.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1 || ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "python-env: no usable Python ('$python' is missing or lacks the venv module; set PYTHON)" >&2
  exit 3
fi
[ "$#" -gt 0 ] || { echo "usage: scripts/python-env.sh NAME... (requirements/NAME.txt)" >&2; exit 1; }

mkdir -p "$root/.venv-tools"
for name in "$@"; do
  requirements="$root/requirements/$name.txt"
  venv="$root/.venv-tools/$name"
  [ -f "$requirements" ] || { echo "python-env: no $requirements" >&2; exit 1; }
  stamp="$(sha256sum "$requirements" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"
  (
    flock 9
    if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.stamp" 2>/dev/null)" = "$stamp" ]; then
      exit 0
    fi
    started=$SECONDS
    echo "python-env: creating .venv-tools/$name from requirements/$name.txt" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    # Every package is pinned (a frozen, consistent set), so pip resolves nothing (--no-deps) and
    # checks the result instead; bytecode is compiled on first import, not for all 10,000 files.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --no-deps --no-compile -r "$requirements"
    "$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null
    echo "$stamp" >"$venv/.stamp"
    echo "python-env: .venv-tools/$name ready in $((SECONDS - started)) s" >&2
  ) 9>"$root/.venv-tools/$name.lock"
done
