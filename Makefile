# The two commands: `make run` serves yorum with a demo page; `make test` runs the suite.
# Both set up what they need (a virtualenv with yorum and its test tools) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DATA_DIR ?= yorum-data
PORT ?= 8080

.PHONY: setup run test check lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## Create .venv with yorum and its test tools (every other target does this first).
setup: $(STAMP)

## Serve yorum on http://127.0.0.1:$(PORT) with SQLite in $(DATA_DIR); demo page at /demo.
run: $(STAMP)
	$(BIN)/yorum serve --data-dir $(DATA_DIR) --host 127.0.0.1 --port $(PORT)

## Lint, type-check, then run the whole test suite.
test: check
	$(BIN)/python -m pytest -n 2 -q

check: lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## Load benchmarks (see bench/README.md); not part of the test suite.
bench: $(STAMP)
	bash bench/run.sh

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
