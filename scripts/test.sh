#!/usr/bin/env bash
# Install the project with its dev extras, compile the catalogs, start PostgreSQL on loopback,
# then run ruff, mypy and the whole test suite. The README's test command and .ci/run call this.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
.venv/bin/python -m common.i18n >/dev/null
if [ -z "${KOMEK_TEST_POSTGRES_URL:-}" ]; then
  KOMEK_TEST_POSTGRES_URL=$(bash scripts/start-postgres.sh | tail -n 1)
  export KOMEK_TEST_POSTGRES_URL
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
