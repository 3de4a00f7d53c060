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

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

# Regenerates the Spanish catalogue's template from the code; translate the
# new entries in src/atom/locale/es/LC_MESSAGES/django.po, then compile.
messages: $(VENV)/.installed
	cd src/atom && ATOM_DEBUG=1 ../../$(BIN)/atom makemessages --locale es --no-obsolete --no-location
	msgfmt --check -o src/atom/locale/es/LC_MESSAGES/django.mo src/atom/locale/es/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
