#!/usr/bin/env bash
# Starts a private PostgreSQL cluster (Debian's package) for the store tests and
# prints the connection string. Usage: eval "$(scripts/pg-start.sh)"
# Prints nothing (and exits 0) when PostgreSQL is not installed: the store tests
# then run on SQLite only and say that PostgreSQL was skipped.
set -euo pipefail
PORT="${CICD_PG_PORT:-55432}"
DIR="${CICD_PG_DIR:-/tmp/cicd-security-pg}"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "# PostgreSQL not installed: store tests will run on SQLite only" >&2
  exit 0
fi
run() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
if ! (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  run "$BIN/initdb -D $DIR/data -A trust -U postgres >/dev/null"
  run "$BIN/pg_ctl -D $DIR/data -l $DIR/log -o '-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off' -w start >/dev/null"
fi
echo "export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$PORT"
