#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the tests (CI and developers alike).
# Installs Debian's server package if it is missing. Prints the admin URL on its last line.
set -euo pipefail
PGPORT="${KOMEK_PG_PORT:-55432}"
PGDATA="${KOMEK_PG_DATA:-/tmp/komek-pg-$PGPORT}"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/postgres" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
run_as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
  rm -rf "$PGDATA"
  mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
  run_as_postgres "'$bindir/initdb' -D '$PGDATA' -U komek --auth=trust -E UTF8 >/dev/null"
  run_as_postgres "'$bindir/pg_ctl' -D '$PGDATA' -l '$PGDATA/server.log' -w -o \"-h 127.0.0.1 -p $PGPORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start >/dev/null"
fi
echo "postgresql+asyncpg://komek@127.0.0.1:$PGPORT/postgres"
