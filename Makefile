# The two commands: `make run` and `make test`. Both bootstrap their own virtualenv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint types unit bench snapshots-update tmux clean

run: $(RUN_STAMP)
	$(BIN)/safeplace $(ARGS)

test: $(DEV_STAMP) tmux
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

types: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP)
	$(BIN)/pytest -m "not e2e and not slow"

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run_all.py

snapshots-update: $(DEV_STAMP)
	$(BIN)/pytest tests/snapshots --snapshot-update

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

# The real-terminal tests drive the app in tmux; install it when we can (root with apt-get).
tmux:
	@command -v tmux >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null; \
	  else echo "tmux is not installed: the real-terminal tests will be skipped"; fi; }

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
