# The two commands: `make run` and `make test`. Both bootstrap their own environment and
# install exactly what uv.lock pins (the versions the suite was last run with).
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV    := $(TOOLS)/bin/uv
VENV  := .venv
BIN   := $(VENV)/bin
# uv uses the Python that runs make, never one it would download, and writes .venv.
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Compile bytecode at install, as pip does: without it every start compiles Textual anew
# wherever PYTHONDONTWRITEBYTECODE is set (a start then takes about a second, not 0.2 s).
export UV_COMPILE_BYTECODE := 1
SYNC_RUN := $(VENV)/.synced-run
SYNC_DEV := $(VENV)/.synced-dev

.PHONY: run test lint types contracts unit bench lock newest snapshots-update tmux clean catalog

run: $(SYNC_RUN)
	$(BIN)/safeplace $(ARGS)

test: $(SYNC_DEV) tmux
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: $(SYNC_DEV)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

types: $(SYNC_DEV)
	$(BIN)/mypy

# The bundled exercises, checked once into src/safeplace/exercise/catalog.json (a test keeps it
# in step with exercises/).
catalog: $(SYNC_DEV)
	$(BIN)/python tools/build_catalog.py

contracts: $(SYNC_DEV)
	$(BIN)/lint-imports

unit: $(SYNC_DEV)
	$(BIN)/pytest -m "not e2e and not slow"

bench: $(SYNC_DEV)
	$(BIN)/python benchmarks/run_all.py

snapshots-update: $(SYNC_DEV)
	$(BIN)/pytest -n0 tests/snapshots --snapshot-update

# Refresh the lock to the newest versions the ranges in pyproject.toml allow, then run the suite.
lock: $(UV)
	$(UV) lock --upgrade
	rm -f $(SYNC_RUN) $(SYNC_DEV)
	$(MAKE) test

# Not part of CI: the suite against the newest release of every dependency, in a venv of its
# own, with a list of what differs from the lock. uv.lock is left as it is.
newest: $(UV)
	$(TOOLS)/bin/python tools/newest.py

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# --inexact keeps the dev tools when `make run` follows `make test`; the versions are the lock's.
$(SYNC_RUN): uv.lock pyproject.toml | $(UV)
	$(UV) sync --locked --inexact --quiet
	touch $@

$(SYNC_DEV): uv.lock pyproject.toml | $(UV)
	$(UV) sync --locked --extra dev --quiet
	touch $@ $(SYNC_RUN)

# The real-terminal tests drive the app in tmux; install it when we can (root with apt-get).
tmux:
	@command -v tmux >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null; \
	  else echo "tmux is not installed: the real-terminal tests will be skipped"; fi; }

clean:
	rm -rf $(VENV) $(TOOLS) build dist .pytest_cache .mypy_cache .ruff_cache
