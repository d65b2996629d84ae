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

.PHONY: help install build build-debug pg-start pg-stop pg-status load-samples run test test-unit clean-reports

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

run: build load-samples ## Build, start the private PostgreSQL, load samples/, run the nightly job, print the report paths
	@status=0; $(TALLY) run --provider acmepay --format stripe --file $(SAMPLE_FILE) \
	    --from $(SAMPLE_FROM) --to $(SAMPLE_TO) --out $(SAMPLE_OUT) \
	    --database-url "$$(cat .tally/database-url)" || status=$$?; \
	  if [ $$status -gt 1 ]; then echo "tally run failed with exit status $$status" >&2; exit $$status; fi
	@echo
	@echo "Reports of the sample run:"
	@echo "  $(SAMPLE_OUT)/report.html   (open in a browser)"
	@echo "  $(SAMPLE_OUT)/report.json"
	@echo "  $(SAMPLE_OUT)/breaks.csv"
	@$(PYTHON) -c 'import json, sys; r = json.load(open(sys.argv[1])); s = r["summary"]; \
	  print("Summary:", s["matched"], "of", s["settlement_transactions"], "transactions matched; breaks:", \
	  ", ".join("%s %d" % (c, b["count"]) for c, b in sorted(s["breaks"].items()) if b["count"]) or "none")' \
	  $(SAMPLE_OUT)/report.json

test: load-samples build-debug ## Everything: unit and integration tests against the private PostgreSQL
	TALLY_DATABASE_URL="$$(cat .tally/database-url)" swift test 2>&1 | tee .tally/test.log | grep -vE '^(◇|↳)' ; exit $${PIPESTATUS[0]}

test-unit: ## The quick loop: unit tests only, no database
	swift test --skip Integration

clean-reports: ## Delete generated reports (keeps reports/README.md)
	find reports -mindepth 1 -not -name README.md -delete
