#!/usr/bin/env bash
# Install Komek and run the bot. With BOT_TOKEN (environment or .env) it serves Telegram;
# without one it runs the same conversation in this terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
.venv/bin/python -m common.i18n >/dev/null
exec .venv/bin/python -m bot "$@"
