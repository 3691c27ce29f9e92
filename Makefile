# The two commands: `make run` serves yorum with a demo page; `make test` runs the suite.
# Both set up what they need (a virtualenv with yorum and its test tools) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DATA_DIR ?= yorum-data
PORT ?= 8080

.PHONY: setup run test check lint typecheck audit docs bench clean widget widget-deps browser-deps

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
test: check widget-deps browser-deps
	$(BIN)/python -m pytest -n 2 -q

check: lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## Build the documentation site into build/site (links and anchors checked: --strict).
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

## Check the installed dependencies against PyPI's vulnerability data (pip-audit); fails
## on a known vulnerability, and lists what it could not check when PyPI cannot say.
audit: $(STAMP)
	$(BIN)/pip-audit --skip-editable --progress-spinner off --desc on

WIDGET_STAMP := widget/node_modules/.installed-$(shell cksum widget/package-lock.json | cut -d' ' -f1)

$(WIDGET_STAMP): widget/package-lock.json
	cd widget && npm ci --no-audit --no-fund --loglevel=error
	touch $(WIDGET_STAMP)

## The widget's build tools (esbuild from npm), when npm is there; the built files are committed.
widget-deps:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(WIDGET_STAMP); \
	else echo "npm not found: the test that the built widget is fresh will be skipped"; fi

## Chromium from Debian's packages for the browser tests, when missing and we may install it.
browser-deps:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Chromium from Debian's packages for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium not found (and not root to install it): the browser tests will be skipped"; fi

## Rebuild the widget from widget/src into yorum/web/static/widget (commit the result).
widget: widget-deps
	cd widget && node build.mjs

## Load benchmarks (see bench/README.md); not part of the test suite.
bench: $(STAMP)
	bash bench/run.sh

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
