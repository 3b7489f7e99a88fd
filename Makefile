# parta: `make run` serves the demo region, `make test` runs the whole suite.
# Both work from a clean clone: they build the virtual environment, install the npm assets and
# the Debian tools they need (gettext; chromium for the browser tests) on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Stamp written only after a successful install, so a failed pip run is retried next time.
INSTALLED := $(VENV)/.parta-installed
PYTEST_ARGS ?=
export DJANGO_SETTINGS_MODULE := parta.settings

.PHONY: deps compile-messages run test bench check lint format messages clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

node_modules/.package-lock.json: package.json package-lock.json
	npm install --no-audit --no-fund --silent
	touch node_modules/.package-lock.json

scripts/oidc/node_modules/.package-lock.json: scripts/oidc/package.json scripts/oidc/package-lock.json
	cd scripts/oidc && npm install --no-audit --no-fund --silent
	touch scripts/oidc/node_modules/.package-lock.json

deps: $(INSTALLED) node_modules/.package-lock.json scripts/oidc/node_modules/.package-lock.json
	@bash scripts/install-test-tools --only gettext
	mkdir -p var/static

compile-messages: deps
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules --ignore=var

run: deps compile-messages
	PARTA_DEBUG=$${PARTA_DEBUG:-1} $(BIN)/python manage.py migrate --no-input -v0
	PARTA_DEBUG=$${PARTA_DEBUG:-1} $(BIN)/parta seed --scale demo
	PARTA_DEBUG=$${PARTA_DEBUG:-1} PYTHON=$(BIN)/python bash scripts/run-demo

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: lint
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	bash scripts/check-messages

test: deps compile-messages check
	bash scripts/install-test-tools
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/pytest $(PYTEST_ARGS)

bench: deps compile-messages
	$(BIN)/python bench/run.py

format: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: deps
	$(BIN)/python manage.py makemessages -l ru --no-location --ignore=.venv --ignore=node_modules --ignore=var

clean:
	rm -rf var/static var/screenshots build *.egg-info $(INSTALLED)
