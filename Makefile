# Two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DATA   ?= var

.PHONY: run test test-fast lint types bench messages clean axe

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(DATA)/secret_key: | $(BIN)/python
	mkdir -p $(DATA)
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))' > $@

run: $(VENV)/.installed $(DATA)/secret_key
	ATOM_DATA_DIR=$(DATA) ATOM_SECRET_KEY_FILE=$(DATA)/secret_key HOST=$(HOST) PORT=$(PORT) $(BIN)/atom serve

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint axe
	$(BIN)/pytest

# The inner loop while editing (about a minute): the linters and every test
# but those that start server processes or a browser. `make test` runs all.
test-fast: lint
	$(BIN)/pytest -m "not browser and not servers"

# axe-core from npm for the browser tests' accessibility checks, installed
# once into .cache/axe. Without npm (or the registry) the checks skip, or
# fail under ATOM_REQUIRE_BROWSER=1.
AXE := .cache/axe/node_modules/axe-core/axe.min.js

axe: $(AXE)

$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-audit --no-fund --prefix .cache/axe axe-core@4 || echo "axe-core could not be installed: accessibility checks will skip"; \
	else \
		echo "npm not found: accessibility checks will skip (install Node.js and npm)"; \
	fi

# Load, propagation and micro benchmarks (docs/benchmarks.md). SQLite by
# default, PostgreSQL with DATABASE_URL, Redis counters with REDIS_URL;
# options through BENCH_ARGS, e.g. BENCH_ARGS="--rounds 3 --duration 5".
bench: $(VENV)/.installed
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Regenerates the Spanish catalogue's template from the code; translate the
# new entries in src/atom/locale/es/LC_MESSAGES/django.po, then compile.
messages: $(VENV)/.installed
	cd src/atom && ATOM_DEBUG=1 ../../$(BIN)/atom makemessages --locale es --no-obsolete --no-location
	msgfmt --check -o src/atom/locale/es/LC_MESSAGES/django.mo src/atom/locale/es/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
