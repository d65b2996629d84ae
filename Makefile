# Tally: `make run` reconciles the samples end to end, `make test` proves everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PG := scripts/pg.sh
TALLY := .build/release/tally
PYTHON := $(firstword $(wildcard /usr/bin/python3) python3)
SWIFT_FORMAT := $(firstword $(shell command -v swift-format 2>/dev/null) $(wildcard /opt/swift/usr/bin/swift-format) swift-format)
SAMPLE_FROM := 2026-03-10
SAMPLE_TO := 2026-03-11
SAMPLE_FILE := samples/stripe/acmepay_$(SAMPLE_FROM)_$(SAMPLE_TO).csv
SAMPLE_OUT := reports/acmepay/$(SAMPLE_FROM)_$(SAMPLE_TO)
NIGHT2 := 2026-03-12
NIGHT2_TODAY := 2026-03-13
NIGHT2_OUT := reports/acmepay/$(NIGHT2)_$(NIGHT2)
ALERTS := --alerts samples/alerts.yml
BENCH_ROWS ?= 1000000
BENCH_FORMAT ?= stripe
BENCH_REPEAT ?= 3
BENCH_RESIDUE ?= 0.02
FUZZ_MUTANTS ?= 10000
FUZZ_SECONDS ?= 1200

.PHONY: help install browser build build-debug pg-start pg-stop pg-status load-samples run test test-unit lint format bench bench-residue fuzz report-preview clean-reports


help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

install: ## Install what is missing with apt (libpq-dev, libssl-dev, libxml2-dev, postgresql, pkg-config, python3-jsonschema, python3-prometheus-client)
	@bash $(PG) install

browser: ## Install Debian's chromium when missing (the report tests and report-preview drive it headless)
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

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

run: build load-samples ## Build, start the private PostgreSQL, load samples/, run two sample nights with alerts to a local receiver, print the report paths
	@bash scripts/demo_receiver.sh start
	@echo "== Night 1: $(SAMPLE_FROM)..$(SAMPLE_TO)"
	@status=0; env $$(bash scripts/demo_receiver.sh env) DATABASE_URL="$$(cat .tally/database-url)" $(TALLY) run \
	    --config samples/tally.yml $(ALERTS) \
	    --provider acmepay --file $(SAMPLE_FILE) --from $(SAMPLE_FROM) --to $(SAMPLE_TO) || status=$$?; \
	  if [ $$status -gt 1 ]; then echo "tally run failed with exit status $$status" >&2; exit $$status; fi
	@echo
	@echo "== Overnight, finance corrects two ledger rows (samples/night2.sql)"
	@bash $(PG) psql -q -d tally -f samples/night2.sql
	@echo "== Night 2: the nightly job, no window given: yesterday as of $(NIGHT2_TODAY) for every provider of samples/tally.yml"
	@status=0; env $$(bash scripts/demo_receiver.sh env) DATABASE_URL="$$(cat .tally/database-url)" $(TALLY) run \
	    --config samples/tally.yml $(ALERTS) --as-of $(NIGHT2_TODAY) || status=$$?; \
	  if [ $$status -gt 1 ]; then echo "tally run failed with exit status $$status" >&2; exit $$status; fi
	@echo
	@$(PYTHON) -c 'import json, sys; r = json.load(open(sys.argv[1])); d = r["delta"]; \
	  print("Night 2 delta: %d new, %d persisting, %d resolved" % (d["new"], d["persisting"], d["resolved"])); \
	  [print("  resolved %s (%s since %s) as %s" % (x["reference"], x["class"], x["first_seen"], x["resolved_as"])) for x in r["resolved"]]; \
	  [print("  open %s %s, %d day(s)" % (x["class"], x["reference"], x["age_days"])) for x in r["open_items"]]' \
	  $(NIGHT2_OUT)/report.json
	@echo
	@bash scripts/demo_receiver.sh report
	@echo
	@echo "Reports of the sample nights:"
	@echo "  $(SAMPLE_OUT)/report.html   (open in a browser)"
	@echo "  $(SAMPLE_OUT)/report.json"
	@echo "  $(SAMPLE_OUT)/breaks.csv"
	@echo "  $(NIGHT2_OUT)/report.html"
	@echo "  reports/index.html   (the latest runs per provider, rebuilt after every run)"
	@echo "Metrics (Prometheus text format): .tally/metrics/tally.prom"
	@echo "History: .build/release/tally runs list --database-url \"$$(cat .tally/database-url)\""
	@echo "Alerts:  .build/release/tally alerts list --database-url \"$$(cat .tally/database-url)\""

test: load-samples build-debug browser ## Everything: unit and integration tests against the private PostgreSQL and headless chromium
	TALLY_DATABASE_URL="$$(cat .tally/database-url)" swift test 2>&1 | tee .tally/test.log | grep -vE '^(◇|↳)' ; exit $${PIPESTATUS[0]}

lint: ## swift-format lint (.swift-format, warnings are errors) over Package.swift, Sources and Tests; every relative link of the docs
	$(SWIFT_FORMAT) lint --strict --recursive --parallel Package.swift Sources Tests
	@$(PYTHON) scripts/test_check_links.py
	@$(PYTHON) scripts/check_links.py

format: ## Format Package.swift, Sources and Tests in place with swift-format (.swift-format)
	$(SWIFT_FORMAT) format --in-place --recursive --parallel Package.swift Sources Tests

test-unit: ## The quick loop: unit tests only, no database
	swift test --skip Integration

report-preview: run browser ## PNG screenshots of the sample reports at 1280 and 1920 px and printed (A4 width), of the index and of the March period report, in reports/preview/
	@mkdir -p reports/preview
	@for width in 1280 1920; do \
	  $(PYTHON) scripts/browser.py screenshot $(SAMPLE_OUT)/report.html reports/preview/report-$$width.png --width $$width; \
	  $(PYTHON) scripts/browser.py screenshot $(NIGHT2_OUT)/report.html reports/preview/night2-$$width.png --width $$width; \
	done
	@$(PYTHON) scripts/browser.py screenshot $(SAMPLE_OUT)/report.html reports/preview/report-print.png --print --width 720
	@$(PYTHON) scripts/browser.py screenshot reports/index.html reports/preview/index.png --width 1200
	@DATABASE_URL="$$(cat .tally/database-url)" $(TALLY) report period --from 2026-03-01 --to 2026-03-31 \
	    --out reports/period/2026-03 >/dev/null
	@$(PYTHON) scripts/browser.py screenshot reports/period/2026-03/period.html reports/preview/period.png --width 1280

fuzz: build ## Mutation-fuzz tally inspect over every format (FUZZ_MUTANTS=10000, FUZZ_SECONDS=1200; not part of make test)
	@$(PYTHON) scripts/fuzz.py --mutants $(FUZZ_MUTANTS) --seconds $(FUZZ_SECONDS)

bench: install ## Benchmark vs the floor and SQL by hand (BENCH_ROWS=1000000, BENCH_FORMAT=stripe, BENCH_REPEAT=3)
	@BENCH_ROWS="$(BENCH_ROWS)" BENCH_FORMAT="$(BENCH_FORMAT)" BENCH_REPEAT="$(BENCH_REPEAT)" bash bench/run.sh

bench-residue: install ## What the rule passes cost: the same bank export with and without its five passes (BENCH_ROWS=1000000, BENCH_RESIDUE=0.02, BENCH_REPEAT=3)
	@BENCH_ROWS="$(BENCH_ROWS)" BENCH_RESIDUE="$(BENCH_RESIDUE)" BENCH_REPEAT="$(BENCH_REPEAT)" bash bench/residue.sh

clean-reports: ## Delete generated reports (keeps reports/README.md)
	find reports -mindepth 1 -not -name README.md -delete
