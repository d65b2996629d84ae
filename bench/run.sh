#!/usr/bin/env bash
# `make bench`: Tally against the cost of moving the bytes and against SQL by hand (issue 8).
#
#   BENCH_ROWS=1000000 BENCH_FORMAT=stripe bash bench/run.sh
#
# 1. Generates the data once with bench/gen.py into bench-cache/<rows>-<format>-g<version>-s<seed>/
#    (BENCH_GEN=PATH uses another generator with gen.py's arguments, e.g. ../shared/bench/gen.py;
#    its cache folder is keyed by the script's sha256).
# 2. Loads it into the private PostgreSQL (scripts/pg.sh) as database `bench` (`bench_<rows>` for
#    other sizes than 1M), canonical schema of
#    samples/schema.sql, VACUUM ANALYZE; skipped when that database already holds this data set.
# 3. Builds the release binary.
# 4. Measures whole processes, alternating, BENCH_REPEAT times each (default 3):
#      floor         psql COPY of the provider's rows in [from, to] (the columns Tally compares) to
#                    /dev/null, then `cat` of the settlement file to /dev/null
#      floor-tw      the same over Tally's streamed window [from - 3 d, to + 2 d)
#      floor-tq      Tally's own query (those columns plus merchant_ref) over Tally's window
#      tally         `tally run`, storing its run like the nightly job (each timed run starts from a
#                    freshly migrated, empty tally schema, reset untimed, so every run does the same)
#      peer          bench/peer.sh: staging table, \copy (camt053: lxml.etree.iterparse first), one FULL
#                    OUTER JOIN
#    Wall time from the clock around the process, peak RSS from /usr/bin/time.
#    Tally's breaks (report.json) and the peer's must equal the generator's truth.json exactly
#    (class, reference, kind); otherwise the script fails. Before the rounds it waits up to
#    BENCH_QUIET_WAIT seconds (300) for the load average to fall below BENCH_QUIET_LOAD (1.5).
# 5. Prints a markdown table of medians and keeps it (and every sample) in the cache folder.
#
# Everything is read from the page cache after the first round: the floor is the cost of moving the
# bytes, not of the disk.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rows="${BENCH_ROWS:-1000000}"
format="${BENCH_FORMAT:-stripe}"
repeat="${BENCH_REPEAT:-3}"
seed="${BENCH_SEED:-42}"
generator="${BENCH_GEN:-bench/gen.py}"
# One database per size, so switching sizes neither reloads nor swaps the data under another user of
# the default one: bench for 1M rows, bench_<rows> otherwise (BENCH_DATABASE overrides).
if [ "$rows" = 1000000 ]; then database="${BENCH_DATABASE:-bench}"; else database="${BENCH_DATABASE:-bench_$rows}"; fi
provider=acmepay
python=python3
unset DATABASE_URL TALLY_RESULTS_URL PGDATABASE PGHOST PGPORT PGUSER

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $1"; exit "${2:-1}"; }

[[ "$rows" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS must be a positive integer, not '$rows'" 64
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT must be a positive integer, not '$repeat'" 64
[[ "$database" =~ ^[a-z_][a-z0-9_]*$ ]] || die "BENCH_DATABASE must be a plain lower-case name, not '$database'" 64
# The peer reads the same file (stripe, adyen: psql's \copy; camt053: lxml.etree.iterparse into
# \copy); for the bank formats, which SQL cannot parse, bench/gen.py writes the same lines as a
# Stripe-like CSV too, and the peer reads that (it is spared the parsing).
case "$format" in
  stripe) settlement_name=stripe_balance.csv peer_format=stripe ;;
  adyen) settlement_name=adyen_settlement_details.csv peer_format=adyen ;;
  camt053) settlement_name=camt053.xml peer_format=camt053 ;;
  bai2) settlement_name=bank.bai2 peer_format=stripe ;;
  mt940) settlement_name=bank.mt940 peer_format=stripe ;;
  *) die "BENCH_FORMAT must be stripe, adyen, camt053, bai2 or mt940, not '$format'" 64 ;;
esac
[ -r "$generator" ] || die "no generator at $generator" 66

# -- what the script needs --------------------------------------------------------------------------
# shellcheck source=bench/lib.sh
source bench/lib.sh
bash scripts/pg.sh install
bench_need_time
command -v "$python" >/dev/null || die "python3 is needed for the generator" 69
if [ "$format" = camt053 ] && ! /usr/bin/python3 -c 'import lxml' 2>/dev/null; then
  say "installing python3-lxml (the camt053 peer reads the statement with lxml.etree.iterparse)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-lxml >/dev/null
fi

# -- 1. data ------------------------------------------------------------------------------------------
if [ "$generator" = bench/gen.py ]; then
  key="$rows-$format-g$("$python" bench/gen.py --version)-s$seed"
  gen_args=(--rows "$rows" --format "$format" --seed "$seed")
else
  key="$rows-$format-ext$(sha256sum "$generator" | cut -c1-12)-s$seed"
  gen_args=(--rows "$rows" --formats "$format" --seed "$seed")
fi
data="$root/bench-cache/$key"
if [ ! -f "$data/manifest.json" ]; then
  say "generating $rows rows ($format) with $generator into bench-cache/$key"
  rm -rf "$data.tmp"
  mkdir -p "$data.tmp"
  "$python" "$generator" "${gen_args[@]}" --out "$data.tmp" >&2
  rm -rf "$data"
  mv "$data.tmp" "$data"
fi
file="$data/$settlement_name"
if [ "$peer_format" = "$format" ]; then peer_file="$file"; else peer_file="$data/stripe_balance.csv"; fi
read -r from to < <("$python" -c 'import json, sys; w = json.load(open(sys.argv[1]))["window"]; print(w["from"], w["to"])' "$data/truth.json")
stream_from="$(date -u -d "$from - 3 days" +%F)"
stream_to="$(date -u -d "$to + 2 days" +%F)"
after_to="$(date -u -d "$to + 1 day" +%F)"

# -- 2. database --------------------------------------------------------------------------------------
bench_load_database "$database" "$key" "$data"

# -- 3. build -----------------------------------------------------------------------------------------
bench_build

# -- 4. measure ---------------------------------------------------------------------------------------
work="$data/run"
mkdir -p "$work"
samples="$work/samples.tsv"
printf 'what\tround\tseconds\tpeak_kib\tcpu_seconds\n' > "$samples"

# Runs a command as one timed process: appends "what round seconds peak_kib cpu_seconds" to the
# samples (CPU: user + system of the process tree, which for psql excludes the server's).
measure() {
  local what="$1" round="$2" start end
  shift 2
  start=$(date +%s%N)
  if ! /usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" > "$work/$what.out" 2> "$work/$what.err"; then
    cat "$work/$what.err" >&2
    die "$what failed (round $round): $*"
  fi
  end=$(date +%s%N)
  printf '%s\t%s\t%s\t%s\n' "$what" "$round" "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.4f", ns / 1e9 }')" \
    "$(tail -1 "$work/rss" | awk '{ printf "%s\t%.2f", $1, $2 + $3 }')" >> "$samples"
}

copy_out() { # columns, lower bound, upper bound (exclusive)
  printf "COPY (SELECT %s FROM payments WHERE provider = '%s' AND created_at >= '%s' AND created_at < '%s') TO STDOUT" \
    "$1" "$provider" "$2" "$3"
}
compared="provider_ref, kind, amount_minor, currency, status, created_at"
export PGTZ=UTC
# The floor as one process tree: psql exporting the rows, then cat reading the file.
# shellcheck disable=SC2016 # expanded by the inner bash
floor=(bash -c 'psql -X -q -d "$1" -c "$2" > /dev/null && cat "$3" > /dev/null' floor)

# A fresh, migrated tally schema, so that every timed run stores the same first run of the window.
reset_store() {
  pg -d "$database" -q -c 'SET client_min_messages = warning' -c 'DROP SCHEMA IF EXISTS tally CASCADE'
  "$tally" db migrate --database-url "$url" > /dev/null
}

tally_run() { # settlement file, from, to: the command line of a timed run
  run=("$tally" run --provider "$provider" --format "$format" --file "$1" --from "$2" --to "$3"
    --database-url "$url" --out "$work/report")
}

check() { # label, truth.json, actual breaks file, its kind (report|csv)
  "$python" - "$@" <<'PY'
import csv, json, sys
label, truth_path, actual_path, kind = sys.argv[1:5]
truth = sorted((b["class"], b["reference"], b["kind"]) for b in json.load(open(truth_path))["breaks"])
if kind == "report":
    actual = sorted((b["class"], b["reference"], b["kind"]) for b in json.load(open(actual_path))["breaks"])
else:
    actual = sorted(tuple(r) for r in csv.reader(open(actual_path)))
if actual != truth:
    missing = sorted(set(truth) - set(actual))
    extra = sorted(set(actual) - set(truth))
    print(f"bench: FAIL: {label}: {len(actual)} breaks, truth has {len(truth)}; "
          f"{len(missing)} missing, e.g. {missing[:5]}; {len(extra)} unexpected, e.g. {extra[:5]}", file=sys.stderr)
    sys.exit(1)
PY
}

# Peak RSS of a run with nothing to do (a header-only file, a window with no ledger rows): the
# process, its libraries and its fixed buffers; the baseline of the bytes per settlement row.
empty="$work/empty.$format"
case "$format" in
  bai2 | mt940) "$python" scripts/gen_bank.py --format "$format" --entries 0 --out "$empty" > /dev/null ;;
  *) "$python" bench/gen.py --format "$format" --empty "$empty" ;;
esac
for round in $(seq 1 "$repeat"); do
  reset_store
  tally_run "$empty" 2099-01-01 2099-01-30
  measure baseline "$round" "${run[@]}"
done

# Other work on the machine shows up in every number: wait (up to BENCH_QUIET_WAIT seconds, default
# 300) for the 1-minute load average to fall below BENCH_QUIET_LOAD (default 1.5), and say if it did not.
quiet_load="${BENCH_QUIET_LOAD:-1.5}"
waited=0
while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v q="$quiet_load" 'BEGIN { exit !(l >= q) }'; do
  if [ "$waited" -ge "${BENCH_QUIET_WAIT:-300}" ]; then
    say "warning: load average still $(cut -d' ' -f1 /proc/loadavg) after ${waited} s; measuring anyway"
    break
  fi
  [ "$waited" -gt 0 ] || say "waiting for the load average ($(cut -d' ' -f1 /proc/loadavg)) to fall below $quiet_load"
  sleep 10
  waited=$((waited + 10))
done
load_before="$(cut -d' ' -f1 /proc/loadavg)"
for round in $(seq 1 "$repeat"); do
  say "round $round of $repeat"
  measure floor "$round" "${floor[@]}" "$url" "$(copy_out "$compared" "$from" "$after_to")" "$file"
  measure floor-tw "$round" "${floor[@]}" "$url" "$(copy_out "$compared" "$stream_from" "$stream_to")" "$file"
  measure floor-tq "$round" "${floor[@]}" "$url" "$(copy_out "$compared, merchant_ref" "$stream_from" "$stream_to")" "$file"
  reset_store
  tally_run "$file" "$from" "$to"
  measure tally "$round" "${run[@]}"
  check "tally run, round $round" "$data/truth.json" "$work/report/report.json" report || die "Tally's breaks differ from truth.json"
  measure peer "$round" bench/peer.sh --database-url "$url" --provider "$provider" --from "$from" --to "$to" \
    --file "$peer_file" --format "$peer_format" --breaks "$work/peer-breaks.csv"
  check "peer, round $round" "$data/truth.json" "$work/peer-breaks.csv" csv || die "the peer's breaks differ from truth.json"
done
say "breaks of tally run and of the peer equal truth.json in every round"
load_after="$(cut -d' ' -f1 /proc/loadavg)"
cp "$work/tally.err" "$work/tally-last-run.log"

# -- 5. report ----------------------------------------------------------------------------------------
"$python" - "$samples" "$data/manifest.json" "$rows" "$repeat" "$load_before" "$load_after" > "$work/table.md" <<'PY'
import csv, json, statistics, sys
samples_path, manifest_path, rows, repeat, load_before, load_after = sys.argv[1:7]
rows = int(rows)
by = {}
for r in csv.DictReader(open(samples_path), delimiter="\t"):
    by.setdefault(r["what"], []).append((float(r["seconds"]), int(r["peak_kib"]), float(r["cpu_seconds"])))
def med(what, i=0):
    return statistics.median(x[i] for x in by[what])
def best(what):
    return min(x[0] for x in by[what])
m = json.load(open(manifest_path))
settled = m["settlement_transactions"]
window_rows = m["payments_rows_provider_in_window"]
tally, peak = med("tally"), med("tally", 1) * 1024
base = med("baseline", 1) * 1024
per_row = (peak - base) / settled
mib = 1 << 20
print(f"| payments in window | floor: COPY window + read file | floor for Tally's window (−3 d, +1 d) "
      f"| Tally `tally run` | Tally peak RSS | bytes / settlement row above baseline | SQL by hand (peer) "
      f"| Tally / floor for its window | peer / Tally |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
print(f"| {rows:,} | {med('floor'):.2f} s | {med('floor-tw'):.2f} s | {tally:.2f} s | {peak / mib:.0f} MiB "
      f"| {per_row:.0f} | {med('peer'):.2f} s | {tally / med('floor-tw'):.2f}× | {med('peer') / tally:.1f}× |")
print()
print(f"Medians of {repeat} alternating runs. {window_rows:,} ledger rows of the provider in the window, "
      f"{m['payments_rows_total']:,} in the table; {settled:,} settlement lines; {m['breaks']:,} breaks, equal to truth.json. "
      f"Tally's own query (its columns plus merchant_ref) over its window: {med('floor-tq'):.2f} s "
      f"(Tally / that: {tally / med('floor-tq'):.2f}×). Baseline peak RSS (nothing to reconcile): {base / mib:.0f} MiB; "
      f"budget 100 B/row + 64 MiB = {(100 * settled + 64 * mib) / mib:.0f} MiB.")
print()
print(f"Best of {repeat} (less disturbed by other load): floor {best('floor'):.2f} s, floor for Tally's window "
      f"{best('floor-tw'):.2f} s, Tally {best('tally'):.2f} s, peer {best('peer'):.2f} s; Tally / floor for its window "
      f"{best('tally') / best('floor-tw'):.2f}×, peer / Tally {best('peer') / best('tally'):.1f}×. "
      f"Tally's CPU time (user + system, median): {med('tally', 2):.2f} s.")
ranges = {w: (min(x[0] for x in v), max(x[0] for x in v)) for w, v in by.items()}
print()
print("Ranges (s): " + ", ".join(f"{w} {lo:.2f}–{hi:.2f}" for w, (lo, hi) in ranges.items())
      + f". Load average (1 min) before and after the rounds: {load_before}, {load_after}.")
PY
cat "$work/table.md"
cp "$work/table.md" "$work/table-$(date -u +%Y%m%dT%H%M%SZ).md"
say "samples: $samples; Tally's log of the last run: $work/tally-last-run.log"
