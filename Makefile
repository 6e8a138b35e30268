# The two commands of the README: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
PG_MAJOR := 15
APT_PACKAGES := postgresql-$(PG_MAJOR) postgresql-$(PG_MAJOR)-postgis-3 python3-venv ca-certificates
# The end-to-end tests drive the system's Chromium (no test tool downloads a browser).
TEST_APT_PACKAGES := chromium fonts-dejavu-core gdal-bin
NODE_MIN := 20.19
FRONTEND := frontend
NPM := npm --prefix $(FRONTEND) --no-audit --no-fund
VENV := .venv
BIN := $(VENV)/bin
# uv lives in a small virtualenv of its own, so no system Python is ever modified.
UV := .tools/bin/uv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: help run test lint typecheck unit bench fuzz-api load soak faults deps system-deps test-system-deps python-deps frontend-deps spa api-client openapi-examples lock clean

help:
	@echo "make run    start PostgreSQL, load the sample data and serve on http://localhost:8000"
	@echo "make test   install what is missing, then run the linters and every test"
	@echo "make bench  run the benchmarks (see bench/README.md)"
	@echo "make fuzz-api, make load, make soak, make faults   the long hardening runs"

run: deps spa
	$(BIN)/pirep dev

test: deps test-system-deps lint typecheck unit

lint: frontend-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(NPM) run -s lint
	bash infra/check.sh

typecheck: frontend-deps
	$(BIN)/mypy
	$(NPM) run -s typecheck

# Vitest for the SPA's logic; pytest for everything else, the browser tests included.
unit: frontend-deps
	$(NPM) run -s test
	$(BIN)/pytest -q

bench: deps
	@command -v wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk
	$(BIN)/python -m bench.import_airports
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.exports
	$(BIN)/python -m bench.auth
	$(BIN)/python -m bench.edits
	$(BIN)/python -m bench.tiles
	$(BIN)/python -m bench.webp_quality
	$(BIN)/python -m bench.jobs
	$(MAKE) test-system-deps
	$(BIN)/python -m bench.frontend

# The long hardening runs (their short versions are in `make test`, tests/hardening/).
fuzz-api: deps
	$(BIN)/python -m bench.fuzz_api --cases 5000

load: deps
	@command -v wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk
	$(BIN)/python -m bench.load

soak: deps
	@command -v wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk
	$(BIN)/python -m bench.load --soak 1800

faults: deps
	$(BIN)/python -m bench.faults

deps: system-deps python-deps frontend-deps

# PostgreSQL with PostGIS, from Debian's packages; skipped when already installed.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test-system-deps:
	@missing=""; for p in $(TEST_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The SPA's packages, exactly as frontend/package-lock.json pins them.
frontend-deps: $(FRONTEND)/node_modules/.synced

$(FRONTEND)/node_modules/.synced: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	@command -v node >/dev/null 2>&1 || { echo "Node.js $(NODE_MIN) or newer is needed for the SPA (https://nodejs.org)."; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number);const [x,y]="$(NODE_MIN)".split(".").map(Number);process.exit(a>x||(a===x&&b>=y)?0:1)' \
	  || { echo "Node.js $(NODE_MIN) or newer is needed for the SPA; this is $$(node --version)."; exit 1; }
	$(NPM) ci --loglevel=error
	@touch $@

# The built SPA (frontend/dist), served by `pirep dev` on the API's port.
SPA_SOURCES := $(shell find $(FRONTEND)/src $(FRONTEND)/public -type f 2>/dev/null) $(FRONTEND)/index.html $(FRONTEND)/vite.config.ts
spa: $(FRONTEND)/dist/index.html

$(FRONTEND)/dist/index.html: $(FRONTEND)/node_modules/.synced $(SPA_SOURCES)
	$(NPM) run -s build

# Regenerate the SPA's typed client after the API changed (a test fails while it is stale).
api-client: python-deps frontend-deps
	$(BIN)/pirep openapi --output $(FRONTEND)/openapi.json
	$(NPM) run -s api

# Record the OpenAPI document's examples again from the API tests' real answers (after an API
# change: a test fails while an example no longer fits its operation).
openapi-examples: python-deps test-system-deps
	PIREP_RECORD_EXAMPLES=1 $(BIN)/pytest -q -p no:cacheprovider tests/api
	$(MAKE) api-client

# The virtualenv in .venv, exactly as uv.lock pins it.
python-deps: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock $(UV)
	$(UV) sync --frozen --all-extras --compile-bytecode --quiet
	@touch $@

$(UV):
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

lock: $(UV)
	$(UV) lock

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache $(FRONTEND)/node_modules $(FRONTEND)/dist build
