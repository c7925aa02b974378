#!/usr/bin/env bash
# Install Komek and run the bot. With BOT_TOKEN (environment or .env) it serves Telegram and
# starts the staff web beside it (python -m staff serve, STAFF_HOST:STAFF_PORT, 127.0.0.1:8000
# by default; stopped with the bot); without one it runs the same conversation in this terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
.venv/bin/python -m common.i18n >/dev/null
if [ -n "${BOT_TOKEN:-}" ] || { [ -f .env ] && grep -Eq '^[[:space:]]*BOT_TOKEN=.+' .env; }; then
  .venv/bin/python -m staff serve &
  staff_pid=$!
  trap 'kill "$staff_pid" 2>/dev/null || true' EXIT INT TERM
  .venv/bin/python -m bot "$@"
else
  exec .venv/bin/python -m bot "$@"
fi
