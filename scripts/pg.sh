#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL on 127.0.0.1 for the ledger suites and benchmarks.
# Usage: scripts/pg.sh start|stop|dsn. Data lives in target/pg (inside the repo, deleted on start).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="$PWD/target/pg"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$BIN" ] || { echo "PostgreSQL is not installed (make setup installs it)" >&2; exit 1; }

# PostgreSQL refuses to run as root: run it as the `postgres` user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${1:-}" in
  start)
    if [ -f "$DIR/dsn" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      cat "$DIR/dsn"; exit 0
    fi
    # Another checkout (or anything else) may hold the port: take the next free one.
    PORT="${ERASEKIT_PG_PORT:-54329}"
    while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
    DSN="postgresql://erasekit@127.0.0.1:$PORT/erasekit"
    rm -rf "$DIR"; mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    as_pg "$BIN/initdb" -D "$DIR/data" -U erasekit --auth=trust -E UTF8 --no-sync >"$DIR/../pg-init.log" 2>&1
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=50" start >/dev/null
    as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U erasekit erasekit
    echo "$DSN" > "$DIR/dsn"
    echo "$DSN"
    ;;
  stop)
    [ -d "$DIR/data" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  dsn) cat "$DIR/dsn" ;;
  *) echo "usage: $0 start|stop|dsn" >&2; exit 2 ;;
esac
