# shellcheck shell=bash
# What bench/run.sh and bench/residue.sh share; sourced, not run. Expects `say` and `die`.

# /usr/bin/time reports the peak RSS of the timed process tree.
bench_need_time() {
  if [ ! -x /usr/bin/time ]; then
    say "installing time (for peak RSS)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  fi
}

# Starts the private PostgreSQL and loads payments.csv of a data folder into its own database once
# per data key (kept in the table's comment). Sets `url` (that database) and defines `pg`.
bench_load_database() { # database, key, data folder
  local database="$1" key="$2" data="$3" base_url loaded started
  bash scripts/pg.sh start >/dev/null
  base_url="$(cat .tally/database-url)"
  url="$(printf '%s' "$base_url" | sed "s#^postgresql:///tally?#postgresql:///$database?#")"
  pg() { bash scripts/pg.sh psql "$@"; }
  if [ "$(pg -d postgres -tAc "SELECT count(*) FROM pg_database WHERE datname = '$database'")" != 1 ]; then
    pg -d postgres -qc "CREATE DATABASE $database"
  fi
  loaded="$(pg -d "$database" -tAc "SELECT obj_description('public.payments'::regclass)" 2>/dev/null || true)"
  if [ "$loaded" != "$key" ]; then
    say "loading bench-cache/$key/payments.csv into database $database"
    started=$(date +%s)
    PGOPTIONS='-c client_min_messages=warning' pg -d "$database" -q \
      -c 'DROP SCHEMA IF EXISTS tally CASCADE' -c 'DROP TABLE IF EXISTS payments' -f samples/schema.sql \
      -c "\\copy payments FROM '$data/payments.csv' WITH (FORMAT csv, HEADER)"
    pg -d "$database" -q -c 'VACUUM ANALYZE payments' -c "COMMENT ON TABLE payments IS '$key'"
    say "loaded in $(($(date +%s) - started)) s"
  fi
}

# Builds the release binary; sets `tally`.
bench_build() {
  say "building the release binary"
  swift build -c release --product tally >&2
  tally="$(swift build -c release --show-bin-path)/tally"
}
