# The two commands of the README: `make dev` (run the example app locally) and `make test`.
# Both set everything up on a fresh machine with Python 3.11+ (a virtualenv in .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP ?= examples/shop/app.py
# Two stamps: .lean is the package with what `faas-iac dev` needs (no cloud SDK, no Pulumi, no
# test tool); .installed is everything `make test` needs (the test set and the three providers
# with their deploy extras). Installing everything also satisfies `make dev`.
STAMP := $(VENV)/.installed
LEAN := $(VENV)/.lean
PROVIDERS := providers/aws/pyproject.toml providers/azure/pyproject.toml providers/gcp/pyproject.toml

.PHONY: dev test install browser lint typecheck unit policy golden clean

$(LEAN): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e .
	touch $(LEAN)

$(STAMP): pyproject.toml $(PROVIDERS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,aws,azure,gcp]' -e 'providers/aws[deploy]' \
	  -e 'providers/azure[deploy,logs]' -e 'providers/gcp[deploy,status,durable,logs]'
	touch $(LEAN) $(STAMP)

NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

# The dashboard's browser tests drive Debian's chromium through Playwright's Python package
# (installed with the dev extra); the browser comes from apt, never from `playwright install`.
browser:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

dev: $(LEAN)
	$(BIN)/faas-iac dev $(APP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# pytest on every core (pytest-xdist): each worker takes whole test files (--dist loadfile), so a
# module's fixtures (a moto_server, a dev host, chromium) start once, in one worker.
# `make unit PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= logical

unit: install browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

# The policy checks on the examples, as a user's CI runs them (docs/rules.md): exit 1 on any
# error. Each example is judged on every target it compiles for
# (tests/test_every_example_everywhere.py holds which): examples/local_only keeps its
# per-second schedule, which AWS and GCP cannot run.
policy: install
	$(BIN)/faas-iac check examples/shop/app.py -p local -p aws -p azure -p gcp
	$(BIN)/faas-iac check examples/triggers/app.py -p local -p aws -p azure -p gcp
	$(BIN)/faas-iac check examples/durable/app.py -p local -p aws -p azure -p gcp
	$(BIN)/faas-iac check examples/local_only/app.py -p local -p azure
	$(BIN)/faas-iac check examples/approvals/app.py -p local -p aws -p azure -p gcp

test: lint typecheck unit policy

# Rewrite every golden file (plans of each provider, generated apps, translated workflows);
# review the diff like code.
golden: install
	$(BIN)/python -m tests.aws.regen
	$(BIN)/python -m tests.azure.regen
	$(BIN)/python -m tests.translate.regen

clean:
	rm -rf $(VENV) out .faas
