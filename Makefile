# Tally: `make run` reconciles the samples end to end, `make test` proves everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PG := scripts/pg.sh
TALLY := .build/release/tally
PYTHON := $(firstword $(wildcard /usr/bin/python3) python3)
SAMPLE_FROM := 2026-03-10
SAMPLE_TO := 2026-03-11
SAMPLE_FILE := samples/stripe/acmepay_$(SAMPLE_FROM)_$(SAMPLE_TO).csv
SAMPLE_OUT := reports/acmepay/$(SAMPLE_FROM)_$(SAMPLE_TO)
NIGHT2 := 2026-03-12
NIGHT2_FILE := samples/stripe/acmepay_$(NIGHT2).csv
NIGHT2_OUT := reports/acmepay/$(NIGHT2)_$(NIGHT2)
BENCH_ROWS ?= 1000000
BENCH_FORMAT ?= stripe
BENCH_REPEAT ?= 3

.PHONY: help install build build-debug pg-start pg-stop pg-status load-samples run test test-unit bench clean-reports

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

install: ## Install what is missing with apt (libpq-dev, libxml2-dev, postgresql, pkg-config, python3-jsonschema)
	@bash $(PG) install

build: install ## Build the release binary
	swift build -c release

build-debug: install ## Build the debug binary (what the tests run)
	swift build

pg-start: install ## Start the private PostgreSQL under .tally/ (idempotent)
	@bash $(PG) start

pg-stop: ## Stop the private PostgreSQL
	@bash $(PG) stop

pg-status: ## Say whether the private PostgreSQL runs (and its URL)
	@bash $(PG) status || true

load-samples: pg-start ## (Re)load samples/ into the private PostgreSQL
	@bash $(PG) load-samples

run: build load-samples ## Build, start the private PostgreSQL, load samples/, run two sample nights, print the report paths
	@echo "== Night 1: $(SAMPLE_FROM)..$(SAMPLE_TO)"
	@status=0; $(TALLY) run --provider acmepay --format stripe --file $(SAMPLE_FILE) \
	    --from $(SAMPLE_FROM) --to $(SAMPLE_TO) --out $(SAMPLE_OUT) \
	    --database-url "$$(cat .tally/database-url)" || status=$$?; \
	  if [ $$status -gt 1 ]; then echo "tally run failed with exit status $$status" >&2; exit $$status; fi
	@echo
	@echo "== Overnight, finance corrects two ledger rows (samples/night2.sql)"
	@bash $(PG) psql -q -d tally -f samples/night2.sql
	@echo "== Night 2: $(NIGHT2)"
	@status=0; $(TALLY) run --provider acmepay --format stripe --file $(NIGHT2_FILE) \
	    --from $(NIGHT2) --to $(NIGHT2) --out $(NIGHT2_OUT) \
	    --database-url "$$(cat .tally/database-url)" || status=$$?; \
	  if [ $$status -gt 1 ]; then echo "tally run failed with exit status $$status" >&2; exit $$status; fi
	@echo
	@$(PYTHON) -c 'import json, sys; r = json.load(open(sys.argv[1])); d = r["delta"]; \
	  print("Night 2 delta: %d new, %d persisting, %d resolved" % (d["new"], d["persisting"], d["resolved"])); \
	  [print("  resolved %s (%s since %s) as %s" % (x["reference"], x["class"], x["first_seen"], x["resolved_as"])) for x in r["resolved"]]; \
	  [print("  open %s %s, %d day(s)" % (x["class"], x["reference"], x["age_days"])) for x in r["open_items"]]' \
	  $(NIGHT2_OUT)/report.json
	@echo
	@echo "Reports of the sample nights:"
	@echo "  $(SAMPLE_OUT)/report.html   (open in a browser)"
	@echo "  $(SAMPLE_OUT)/report.json"
	@echo "  $(SAMPLE_OUT)/breaks.csv"
	@echo "  $(NIGHT2_OUT)/report.html"
	@echo "History: .build/release/tally runs list --database-url \"$$(cat .tally/database-url)\""

test: load-samples build-debug ## Everything: unit and integration tests against the private PostgreSQL
	TALLY_DATABASE_URL="$$(cat .tally/database-url)" swift test 2>&1 | tee .tally/test.log | grep -vE '^(◇|↳)' ; exit $${PIPESTATUS[0]}

test-unit: ## The quick loop: unit tests only, no database
	swift test --skip Integration

bench: install ## Benchmark vs the floor and SQL by hand (BENCH_ROWS=1000000, BENCH_FORMAT=stripe, BENCH_REPEAT=3)
	@BENCH_ROWS="$(BENCH_ROWS)" BENCH_FORMAT="$(BENCH_FORMAT)" BENCH_REPEAT="$(BENCH_REPEAT)" bash bench/run.sh

clean-reports: ## Delete generated reports (keeps reports/README.md)
	find reports -mindepth 1 -not -name README.md -delete
