# Opora: two commands set up everything.
#   make run    install, migrate, load the demo region, start the worker and the server
#   make serve  install, migrate, collect static files, run the production server (gunicorn)
#   make test   install what tests need (including Debian's chromium), lint (ruff), type-check (mypy) and run the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SIZE ?= tiny
DEMO_SEED ?= 1
TEST_WORKERS ?= auto
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve test bench install assets migrate demo worker messages lint clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nodejs npm; }
	npm install --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed node_modules/.installed

assets: install
	$(BIN)/opora collectstatic --noinput -v 0

migrate: install
	mkdir -p var
	$(BIN)/opora migrate --noinput -v 0

demo: migrate
	$(BIN)/opora demo --size $(DEMO_SIZE) --seed $(DEMO_SEED) --if-empty

run: demo assets
	@echo "Opora: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/opora db_worker --queue-name default --no-reload --no-startup-delay -v 0 & \
	$(BIN)/opora runserver $(HOST):$(PORT) --noreload

# Production: the database from DATABASE_URL, OPORA_DEBUG=0 and OPORA_SECRET_KEY in the environment
# (see docs/admin.md); gunicorn with OPORA_WEB_WORKERS workers on OPORA_WEB_BIND.
serve: migrate assets
	$(BIN)/opora serve

worker: install
	$(BIN)/opora db_worker --queue-name default --no-reload

/usr/bin/chromium:
	$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium

/usr/bin/xgettext:
	$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q gettext

# LibreOffice (no GUI): tests open the exported DOCX reports in it, as their readers do.
/usr/bin/soffice:
	$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q libreoffice-writer-nogui

test: $(VENV)/.installed-test node_modules/.installed /usr/bin/chromium /usr/bin/xgettext /usr/bin/soffice
	$(BIN)/ruff check -q src tests scripts benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

# Extract messages, merge translations from locale-fragments/ and compile (needs Debian's gettext).
messages: $(VENV)/.installed-test
	command -v xgettext >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q gettext; }
	$(BIN)/python scripts/translations.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules var
