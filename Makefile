# Two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DATA   ?= var

.PHONY: run test lint types bench messages clean

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

test: lint
	$(BIN)/pytest

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
