#!/usr/bin/env bash
# Start a throwaway Redis on loopback for the tests and benchmarks (CI and developers alike).
# Installs Debian's redis-server package if it is missing. Prints the URL on its last line.
set -euo pipefail
PORT="${KOMEK_REDIS_PORT:-56379}"
DIR="${KOMEK_REDIS_DIR:-/tmp/komek-redis-$PORT}"
if ! command -v redis-server >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq redis-server >/dev/null
fi
if ! redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then
  mkdir -p "$DIR"
  redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" \
    --daemonize yes --logfile "$DIR/redis.log" --pidfile "$DIR/redis.pid"
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "redis://127.0.0.1:$PORT/0"
