#!/usr/bin/env bash
# The private PostgreSQL cluster of `make run` and `make test`: unix socket only, owned by the
# `postgres` OS user (PostgreSQL refuses to run as root), idempotent.
#
#   scripts/pg.sh install | start | stop | status | url | psql [ARGS…] | load-samples
#
# Its data lives in .tally/pgdata when the `postgres` user can reach the checkout, otherwise in a
# directory under /tmp owned by postgres; .tally/cluster-dir records which, .tally/socket-dir the
# socket directory and .tally/database-url the libpq URL the tests and `make run` use.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.tally"
port="${TALLY_PG_PORT:-5433}"
mkdir -p "$state"

say() { printf 'pg: %s\n' "$*" >&2; }

install_packages() {
  local missing=()
  for package in libpq-dev libxml2-dev postgresql pkg-config python3-jsonschema; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema || true
}

bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] || { say "no PostgreSQL server found; run: scripts/pg.sh install"; exit 69; }
  printf '%s' "$dir"
}

as_postgres() { runuser -u postgres -- "$@"; }

cluster_dir() {
  if [ -f "$state/cluster-dir" ] && [ -d "$(cat "$state/cluster-dir")" ]; then
    cat "$state/cluster-dir"; return
  fi
  local dir
  if as_postgres test -x "$state" 2>/dev/null && as_postgres test -r "$state" 2>/dev/null; then
    dir="$state/cluster"
    mkdir -p "$dir"
  else
    dir="$(mktemp -d /tmp/tally-pg.XXXXXX)"
    chmod 755 "$dir"
  fi
  chown postgres:postgres "$dir"
  printf '%s' "$dir" > "$state/cluster-dir"
  printf '%s' "$dir"
}

url() { printf 'postgresql:///tally?host=%s&port=%s&user=postgres' "$1/socket" "$port"; }

running() { as_postgres "$(bindir)/pg_ctl" -D "$1/pgdata" status >/dev/null 2>&1; }

start() {
  local dir bin
  dir="$(cluster_dir)"
  bin="$(bindir)"
  if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
    say "initialising a private cluster in $dir/pgdata"
    rm -rf "$dir/pgdata"
    as_postgres mkdir -p "$dir/pgdata" "$dir/socket"
    local locale=C.UTF-8
    locale -a 2>/dev/null | grep -qi '^c.utf-\?8$' || locale=C
    as_postgres "$bin/initdb" -D "$dir/pgdata" -U postgres --auth=trust --encoding=UTF8 --locale="$locale" >/dev/null
    cat >> "$dir/pgdata/postgresql.conf" <<CONF
listen_addresses = ''
port = $port
unix_socket_directories = '$dir/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
max_connections = 100
CONF
  fi
  as_postgres mkdir -p "$dir/socket"
  if ! running "$dir"; then
    # a postmaster.pid left by a killed cluster would block the start
    if [ -f "$dir/pgdata/postmaster.pid" ]; then
      local pid
      pid="$(head -1 "$dir/pgdata/postmaster.pid")"
      kill -0 "$pid" 2>/dev/null || rm -f "$dir/pgdata/postmaster.pid"
    fi
    say "starting PostgreSQL on $dir/socket port $port"
    as_postgres "$bin/pg_ctl" -D "$dir/pgdata" -l "$dir/server.log" -w -t 60 start >/dev/null
  fi
  printf '%s' "$dir/socket" > "$state/socket-dir"
  url "$dir" > "$state/database-url"
  if ! as_postgres "$bin/psql" -h "$dir/socket" -p "$port" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'tally'" | grep -q 1; then
    as_postgres "$bin/createdb" -h "$dir/socket" -p "$port" -U postgres tally
  fi
  cat "$state/database-url"; echo
}

stop() {
  [ -f "$state/cluster-dir" ] || { say "no private cluster"; return 0; }
  local dir
  dir="$(cat "$state/cluster-dir")"
  if [ -d "$dir/pgdata" ] && running "$dir"; then
    as_postgres "$(bindir)/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

run_psql() {
  local dir
  dir="$(cat "$state/cluster-dir")"
  "$(bindir)/psql" -X -v ON_ERROR_STOP=1 -h "$dir/socket" -p "$port" -U postgres "$@"
}

load_samples() {
  PGOPTIONS='-c client_min_messages=warning' run_psql -q -d tally -c 'DROP TABLE IF EXISTS payments' -f "$root/samples/schema.sql"
  run_psql -q -d tally -c "\\copy payments FROM '$root/samples/payments.csv' WITH (FORMAT csv, HEADER)"
  run_psql -q -d tally -c 'VACUUM ANALYZE payments'
  say "loaded $(run_psql -d tally -tAc 'SELECT count(*) FROM payments') payments from samples/"
}

case "${1:-}" in
  install) install_packages ;;
  start) start ;;
  stop) stop ;;
  status) if [ -f "$state/cluster-dir" ] && running "$(cat "$state/cluster-dir")"; then echo running; else echo stopped; exit 3; fi ;;
  url) cat "$state/database-url"; echo ;;
  psql) shift; run_psql "$@" ;;
  load-samples) load_samples ;;
  *) echo "usage: scripts/pg.sh install|start|stop|status|url|psql [ARGS]|load-samples" >&2; exit 64 ;;
esac
