# The two commands: `make run` serves yorum with a demo page; `make test` runs the suite.
# Both set up what they need (a virtualenv with yorum and its test tools) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DATA_DIR ?= yorum-data
PORT ?= 8080

.PHONY: setup run test check lint typecheck audit docs bench clean widget widget-deps browser-deps \
	nginx-deps

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
test: check widget-deps browser-deps nginx-deps
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

## nginx from Debian's packages for the deployment test (tests/deploy), when missing and we
## may install it. Debian's package starts a system nginx on port 80 when it is installed;
## a policy-rc.d that says no (exit 101) stops that for the install, and is removed after
## unless one was there before.
nginx-deps:
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing nginx from Debian's packages for the deployment test"; \
		guard=/usr/sbin/policy-rc.d; \
		if [ ! -e $$guard ]; then \
			trap 'rm -f '$$guard EXIT INT TERM; printf '#!/bin/sh\nexit 101\n' >$$guard; \
			chmod 755 $$guard; \
		fi; \
		apt-get update -qq; \
		package=nginx-light; apt-cache show $$package >/dev/null 2>&1 || package=nginx; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$package >/dev/null; \
	else echo "nginx not found (and not root to install it): the deployment test will be skipped"; fi

## Rebuild the widget from widget/src into yorum/web/static/widget (commit the result).
widget: widget-deps
	cd widget && node build.mjs

## Load benchmarks (see bench/README.md); not part of the test suite.
bench: $(STAMP)
	bash bench/run.sh

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
