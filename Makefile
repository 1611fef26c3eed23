# labourflow: `make run` runs the product, `make test` runs the whole suite.
# Both prepare the environment first (`make install`), which is idempotent and quick when nothing changed.
SHELL := /bin/bash
PYTHON ?= python3
# The venv's interpreter: a PYTHON you set, else Debian's python3.11 when the machine has it (built
# with PGO and LTO, it runs this product's Python about 25 % faster than a default pyenv or source
# build), else python3.
VENV_PYTHON ?= $(if $(filter file,$(origin PYTHON)),$(shell test -x /usr/bin/python3.11 && echo /usr/bin/python3.11 || echo $(PYTHON)),$(PYTHON))
UV_VERSION := 0.13.9
BOOT := .venv-bootstrap
UV := $(BOOT)/bin/uv
VENV := .venv
STAMP := $(VENV)/.installed
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_LINK_MODE := copy
# The suite runs on both cores, a test module per process (modules share their fixtures and
# servers), the modules marked slow first (tests/conftest.py); `make test PYTEST_ARGS=...` replaces
# it (e.g. PYTEST_ARGS="tests/unit -x").
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder

# The PostgreSQL intake scenario makes (and drops) a throw-away database on this server; unreachable: skipped.
BENCH_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run test lint typecheck bench bench-monitoring clean help

help:
	@echo "make run      install what is missing, then start Temporal, the worker and the web app"
	@echo "make test     install what is missing, then run the whole test suite"
	@echo "make install  prepare the environment only (venv, locked packages, Debian packages)"
	@echo "make lint     ruff, mypy --strict (domain, workflows) and the import contracts (lint-imports)"
	@echo "make bench    benchmark against raw Temporal on this machine"

$(UV):
	@echo "==> bootstrapping uv $(UV_VERSION)"
	@$(PYTHON) -m venv $(BOOT)
	@$(BOOT)/bin/pip install -q "uv==$(UV_VERSION)"

$(STAMP): $(UV) pyproject.toml uv.lock Makefile
	@echo "==> installing locked Python packages into $(VENV) ($(VENV_PYTHON))"
	@$(UV) sync --frozen --python $(VENV_PYTHON) -q
	@touch $(STAMP)

install: $(STAMP)
	@deploy/system-packages.sh

install-test: $(STAMP)
	@deploy/system-packages.sh --test

run: install
	@$(VENV)/bin/labourflow run

test: install-test
	@$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/mypy
	@$(VENV)/bin/lint-imports

bench: install
	@$(VENV)/bin/python -m devtools bench --profile --postgres $(BENCH_POSTGRES) $(BENCH_ARGS)

bench-monitoring: install  # opt-in: 1,050,000 cases in PostgreSQL (127.0.0.1:5432), then the monitoring pages timed
	@$(VENV)/bin/python -m devtools bench-monitoring $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BOOT) .pytest_cache .mypy_cache .ruff_cache
