#!/usr/bin/env bash
# `make bench-residue`: what the rule passes cost (issue 13, docs/matching.md "Rule passes").
#
#   BENCH_ROWS=1000000 BENCH_RESIDUE=0.02 BENCH_REPEAT=3 bash bench/residue.sh
#
# 1. Generates, once, scripts/gen_residue.py's scenario at BENCH_ROWS lines with a BENCH_RESIDUE
#    share in the residue (texts, creditor references, card lines, ties, near amounts, decoys) and 10
#    one-transfer-two-orders groups, as a mapped-CSV bank export, into bench-cache/residue-…/.
# 2. Loads its ledger into the private PostgreSQL as database `bench_residue`.
# 3. Builds the release binary.
# 4. Measures `tally run` (stored like the nightly job, each from a freshly migrated tally schema),
#    alternating, BENCH_REPEAT times each, on the same file and ledger:
#      key      the provider without `matching:` (its empty-reference lines are rejects then, so
#               max_rejects is lifted for it)
#      passes   the five passes of the scenario's tally.yml
#    The passes run's breaks must equal the scenario's truth exactly (class, reference, kind,
#    matched_by, candidates); otherwise the script fails.
# 5. Prints a markdown table of medians: wall time, peak RSS, and passes / key.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
rows="${BENCH_ROWS:-1000000}"
rate="${BENCH_RESIDUE:-0.02}"
repeat="${BENCH_REPEAT:-3}"
python="${PYTHON:-python3}"
database="bench_residue"
say() { printf 'bench-residue: %s\n' "$*" >&2; }
die() {
  printf 'bench-residue: %s\n' "$1" >&2
  exit "${2:-1}"
}
case "$rows" in '' | *[!0-9]*) die "BENCH_ROWS must be a whole number, not '$rows'" 64 ;; esac
case "$repeat" in '' | *[!0-9]* | 0) die "BENCH_REPEAT must be a whole number above 0, not '$repeat'" 64 ;; esac

# shellcheck source=bench/lib.sh
source bench/lib.sh
bash scripts/pg.sh install
bench_need_time

# -- 1. data ------------------------------------------------------------------------------------------
key="residue-$rows-$rate-$(sha256sum scripts/gen_residue.py | cut -c1-12)"
data="$root/bench-cache/$key"
if [ ! -f "$data/truth.json" ]; then
  say "generating $rows lines with a $rate residue into bench-cache/$key"
  rm -rf "$data.tmp"
  "$python" scripts/gen_residue.py --out "$data.tmp" --orders "$rows" --residue-rate "$rate" --groups 10 --format csv >&2
  rm -rf "$data"
  mv "$data.tmp" "$data"
fi
read -r from to < <("$python" -c 'import json, sys; w = json.load(open(sys.argv[1]))["window"]; print(w["from"], w["to"])' "$data/truth.json")
# the same provider without its passes
sed '/^    matching:/,$d' "$data/tally.yml" > "$data/tally-key.yml"
printf '    max_rejects: %s\n' "$rows" >> "$data/tally-key.yml"

# -- 2. database --------------------------------------------------------------------------------------
bench_load_database "$database" "$key" "$data"

# -- 3. build -----------------------------------------------------------------------------------------
bench_build

# -- 4. measure ---------------------------------------------------------------------------------------
work="$data/run"
mkdir -p "$work"
samples="$work/samples.tsv"
printf 'what\tround\tseconds\tpeak_kib\n' > "$samples"
run() { # what, config
  pg -d "$database" -q -c 'SET client_min_messages = warning' -c 'DROP SCHEMA IF EXISTS tally CASCADE'
  "$tally" db migrate --database-url "$url" > /dev/null
  rm -rf "$work/reports-$1"
  local start end
  start=$(date +%s%N)
  if ! /usr/bin/time -f '%M' -o "$work/rss" "$tally" run --config "$2" --provider bank --from "$from" --to "$to" \
    --file "$data/statement.csv" --database-url "$url" --out "$work/reports-$1" --fail-on never \
    > "$work/$1.out" 2> "$work/$1.err"; then
    cat "$work/$1.err" >&2
    die "tally run ($1) failed"
  fi
  end=$(date +%s%N)
  printf '%s\t%s\t%s\t%s\n' "$1" "$round" "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.4f", ns / 1e9 }')" \
    "$(tail -1 "$work/rss")" >> "$samples"
}
for round in $(seq 1 "$repeat"); do
  say "round $round of $repeat"
  run key "$data/tally-key.yml"
  run passes "$data/tally.yml"
  "$python" - "$data/truth.json" "$work/reports-passes/report.json" <<'PY' || die "the passes' breaks differ from truth.json"
import json, sys
def line(b, candidates):
    return (b["class"], b["reference"], b.get("kind") or "", b.get("matched_by"), tuple(sorted(candidates)))
truth = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
expected = [line(b, b.get("candidates", [])) for b in truth["breaks"]]
found = [line(b, [c["reference"] for c in b.get("candidates", [])]) for b in report["breaks"]]
if sorted(found) != sorted(expected):
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    print(f"bench-residue: FAIL: {len(found)} breaks, truth has {len(expected)}; missing {missing[:5]}; unexpected {extra[:5]}",
          file=sys.stderr)
    sys.exit(1)
counts = {k: v for k, v in report["summary"]["matched_by"].items() if v}
if counts != {k: v for k, v in truth["matched_by"].items() if v}:
    print(f"bench-residue: FAIL: matched_by {counts} != {truth['matched_by']}", file=sys.stderr)
    sys.exit(1)
PY
done
say "the passes' breaks equal truth.json in every round"

# -- 5. table -----------------------------------------------------------------------------------------
"$python" - "$samples" "$data/truth.json" "$rows" "$rate" <<'PY' | tee "$work/table.md"
import csv, json, statistics, sys
samples, truth_path, rows, rate = sys.argv[1:5]
by = {}
for r in csv.DictReader(open(samples), delimiter="\t"):
    by.setdefault(r["what"], []).append((float(r["seconds"]), int(r["peak_kib"])))
truth = json.load(open(truth_path))
residue = truth["settlement_transactions"] - truth["matched_by"]["key"]
def med(what, i): return statistics.median(s[i] for s in by[what])
key_s, pass_s = med("key", 0), med("passes", 0)
key_m, pass_m = med("key", 1) / 1024, med("passes", 1) / 1024
print(f"| lines | residue lines | key pass only | with the five passes | passes / key | peak RSS key only | peak RSS with passes |")
print("| --- | --- | --- | --- | --- | --- | --- |")
print(f"| {int(rows):,} | {residue:,} ({float(rate):.0%}) | {key_s:.2f} s | {pass_s:.2f} s | {pass_s / key_s:.2f}× "
      f"| {key_m:.0f} MiB | {pass_m:.0f} MiB ({pass_m / key_m:.2f}×) |")
PY
