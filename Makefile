# The two commands of the README: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
PG_MAJOR := 15
APT_PACKAGES := postgresql-$(PG_MAJOR) postgresql-$(PG_MAJOR)-postgis-3 python3-venv ca-certificates
VENV := .venv
BIN := $(VENV)/bin
# uv lives in a small virtualenv of its own, so no system Python is ever modified.
UV := .tools/bin/uv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: help run test lint typecheck unit bench deps system-deps python-deps lock clean

help:
	@echo "make run    start PostgreSQL, load the sample data and serve on http://localhost:8000"
	@echo "make test   install what is missing, then run the linters and every test"
	@echo "make bench  run the benchmarks (see bench/README.md)"

run: deps
	$(BIN)/pirep dev

test: deps lint typecheck unit

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

unit:
	$(BIN)/pytest -q

bench: deps
	@command -v wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk
	$(BIN)/python -m bench.import_airports
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.auth
	$(BIN)/python -m bench.edits
	$(BIN)/python -m bench.tiles
	$(BIN)/python -m bench.webp_quality

deps: system-deps python-deps

# PostgreSQL with PostGIS, from Debian's packages; skipped when already installed.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

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
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
