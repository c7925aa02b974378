#!/usr/bin/env bash
# Install the project with its dev extras, compile the catalogs, start PostgreSQL and Redis on
# loopback (and install nginx), then run ruff, mypy and the whole test suite. The README's test
# command and .ci/run call this.
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
# Redis and nginx for the several-workers tests (tests/bot/test_workers.py, which start their
# own on loopback with the installed binaries).
if [ -z "${KOMEK_TEST_REDIS_URL:-}" ]; then
  KOMEK_TEST_REDIS_URL=$(bash scripts/start-redis.sh | tail -n 1)
  export KOMEK_TEST_REDIS_URL
fi
bash scripts/start-nginx.sh >/dev/null
# Debian's Chromium for the staff web's browser tests (tests/staff, Playwright drives it at
# /usr/bin/chromium; no browser is ever downloaded).
if [ ! -x /usr/bin/chromium ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
