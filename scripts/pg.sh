#!/usr/bin/env bash
# The private PostgreSQL cluster of `make run` and `make test`: unix socket only, owned by the
# `postgres` OS user (PostgreSQL refuses to run as root), idempotent.
#
#   scripts/pg.sh install | start | stop | status | url | psql [ARGS…] | load-samples
#
# Its data lives in .tally/cluster/{pgdata,socket} when the `postgres` user can reach the checkout,
# otherwise in a directory /tmp/tally-pg.XXXXXX owned by postgres. .tally/cluster-dir records which,
# .tally/socket-dir the socket directory and .tally/database-url the libpq URL the tests and
# `make run` use:  postgresql:///tally?host=<socket dir>&port=<port>&user=postgres
# The port is 5433 unless TALLY_PG_PORT says otherwise (a running cluster keeps the port it has).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.tally"
port="${TALLY_PG_PORT:-5433}"
mkdir -p "$state"

say() { printf 'pg: %s\n' "$*" >&2; }

install_packages() {
  local missing=()
  # libssl-dev comes with libpq-dev; named because Tally hashes and signs with its libcrypto
  for package in libpq-dev libssl-dev libxml2-dev postgresql pkg-config python3-jsonschema python3-prometheus-client; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # the report tests validate report.json against schemas/ with Python's jsonschema
  python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema || true
  # the metrics test parses the metrics file with the Prometheus client's own parser
  python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install -q prometheus-client || true
  # the BAI2/MT940 differential test compares with independent parsers from PyPI
  python3 -c 'import bai2, mt940' 2>/dev/null || python3 -m pip install -q bai2 mt-940 ||
    python3 -m pip install -q --break-system-packages bai2 mt-940 || true
}

bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] || { say "no PostgreSQL server found; run: scripts/pg.sh install"; exit 69; }
  printf '%s' "$dir"
}

# From / : the postgres user may not be allowed into the current directory (every path here is absolute).
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

# Serialise start/stop/load-samples of concurrent callers (two `make test` at once). The server must
# not inherit the lock's descriptor (pg_ctl start … 9>&-), or it would hold the lock for its lifetime.
lock() { exec 9>"$state/pg.lock"; flock -w 120 9 || { say "another scripts/pg.sh holds $state/pg.lock"; exit 75; }; }

# The recorded cluster directory when it is ours (this checkout's .tally/cluster or a /tmp/tally-pg.*
# directory) and still exists; nothing otherwise (a copied checkout must not share another's cluster).
recorded_dir() {
  [ -f "$state/cluster-dir" ] || return 0
  local dir
  dir="$(cat "$state/cluster-dir")"
  case "$dir" in
    "$state/cluster" | /tmp/tally-pg.*) [ -d "$dir" ] && printf '%s' "$dir" ;;
  esac
  return 0
}

cluster_dir() {
  local dir
  dir="$(recorded_dir)"
  if [ -n "$dir" ]; then printf '%s' "$dir"; return; fi
  # A unix socket path holds at most 107 bytes: a deep checkout goes to /tmp as well.
  local socket_path="$state/cluster/socket/.s.PGSQL.$port"
  if [ "${#socket_path}" -le 100 ] && as_postgres test -x "$state" 2>/dev/null; then
    dir="$state/cluster"
    mkdir -p "$dir"
  else
    [ "${#socket_path}" -le 100 ] || say "the checkout path is too long for a unix socket; the cluster goes to /tmp"
    as_postgres test -x "$state" 2>/dev/null || say "the postgres user cannot reach $state; the cluster goes to /tmp"
    dir="$(mktemp -d /tmp/tally-pg.XXXXXX)"
    chmod 755 "$dir"
  fi
  chown postgres:postgres "$dir"
  printf '%s' "$dir" > "$state/cluster-dir"
  printf '%s' "$dir"
}

# The postmaster's pid when the cluster in $1 runs: the pid in postmaster.pid must be alive and be a
# postgres started on this data directory (a stale file whose pid was reused does not count).
postmaster_pid() {
  local pidfile="$1/pgdata/postmaster.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(head -1 "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline")" || return 1
  [[ "$cmdline" == *"$1/pgdata"* ]] || return 1
  printf '%s' "$pid"
}

running() { postmaster_pid "$1" >/dev/null; }

# The port the running cluster listens on (line 4 of postmaster.pid).
actual_port() { sed -n 4p "$1/pgdata/postmaster.pid"; }

write_state() {
  local dir="$1" p
  p="$(actual_port "$dir")"
  [ "$p" = "$port" ] || [ -z "${TALLY_PG_PORT:-}" ] || say "the cluster already runs on port $p; stop it to change the port"
  printf '%s' "$dir/socket" > "$state/socket-dir"
  printf 'postgresql:///tally?host=%s&port=%s&user=postgres\n' "$dir/socket" "$p" > "$state/database-url"
}

start() {
  lock
  local dir bin
  dir="$(cluster_dir)"
  bin="$(bindir)"
  if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
    say "initialising a private cluster in $dir/pgdata"
    rm -rf "$dir/pgdata"
    as_postgres mkdir -p "$dir/pgdata" "$dir/socket"
    local locale=C.UTF-8
    [[ "$(locale -a 2>/dev/null | tr 'A-Z' 'a-z')" =~ (^|$'\n')c\.utf-?8($|$'\n') ]] || locale=C
    as_postgres "$bin/initdb" -D "$dir/pgdata" -U postgres --auth=trust --encoding=UTF8 --locale="$locale" >/dev/null
    cat >> "$dir/pgdata/postgresql.conf" <<CONF

# tally: a private, throw-away cluster (scripts/pg.sh): unix socket only, no durability
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
    # files left by a killed cluster: postgres treats most as stale itself, but not one whose pid
    # now belongs to another postgres-owned process
    if [ -f "$dir/pgdata/postmaster.pid" ]; then
      say "removing the stale postmaster.pid of a cluster that is gone"
      rm -f "$dir/pgdata/postmaster.pid" "$dir/socket"/.s.PGSQL.*
    fi
    say "starting PostgreSQL on $dir/socket port $port"
    if ! as_postgres "$bin/pg_ctl" -D "$dir/pgdata" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null 9>&-; then
      say "PostgreSQL did not start; the end of $dir/server.log:"
      tail -20 "$dir/server.log" >&2 || true
      exit 69
    fi
  fi
  write_state "$dir"
  if [ "$(as_postgres "$bin/psql" -X -h "$dir/socket" -p "$(actual_port "$dir")" -U postgres -d postgres -tAc \
      "SELECT count(*) FROM pg_database WHERE datname = 'tally'")" != 1 ]; then
    as_postgres "$bin/createdb" -h "$dir/socket" -p "$(actual_port "$dir")" -U postgres tally
  fi
  cat "$state/database-url"
}

stop() {
  lock
  local dir
  dir="$(recorded_dir)"
  if [ -n "$dir" ] && running "$dir"; then
    as_postgres "$(bindir)/pg_ctl" -D "$dir/pgdata" -m fast -w -t 60 stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

status() {
  local dir
  dir="$(recorded_dir)"
  if [ -n "$dir" ] && running "$dir"; then
    echo "running: $(cat "$state/database-url" 2>/dev/null || echo "$dir")"
  else
    echo "stopped"
    return 3
  fi
}

# psql against the running cluster (database tally unless -d says otherwise).
run_psql() {
  local dir
  dir="$(recorded_dir)"
  if [ -z "$dir" ] || ! running "$dir"; then say "the private cluster is not running: scripts/pg.sh start"; exit 69; fi
  PGHOST="$dir/socket" PGPORT="$(actual_port "$dir")" PGUSER=postgres PGDATABASE="${PGDATABASE:-tally}" \
    "$(bindir)/psql" -X -v ON_ERROR_STOP=1 "$@"
}

load_samples() {
  lock
  PGOPTIONS='-c client_min_messages=warning' run_psql -q -1 \
    -c 'DROP TABLE IF EXISTS payments' -f "$root/samples/schema.sql" \
    -c "\\copy payments FROM '$root/samples/payments.csv' WITH (FORMAT csv, HEADER)"
  run_psql -q -c 'VACUUM ANALYZE payments'
  say "loaded $(run_psql -tAc 'SELECT count(*) FROM payments') payments from samples/"
}

case "${1:-}" in
  install) install_packages ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) if [ -f "$state/database-url" ]; then cat "$state/database-url"; else say "no cluster yet: scripts/pg.sh start"; exit 69; fi ;;
  psql) shift; run_psql "$@" ;;
  load-samples) load_samples ;;
  *) echo "usage: scripts/pg.sh install|start|stop|status|url|psql [ARGS…]|load-samples" >&2; exit 64 ;;
esac
