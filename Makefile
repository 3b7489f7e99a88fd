# parta: `make run` serves the demo region, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := parta.settings

.PHONY: run test bench check lint format messages clean

$(BIN)/activate: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/activate

node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund --silent
	touch node_modules/.package-lock.json

deps: $(BIN)/activate node_modules/.package-lock.json
	mkdir -p var/static

compile-messages: deps
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

run: deps compile-messages
	PARTA_DEBUG=$${PARTA_DEBUG:-1} $(BIN)/python manage.py migrate --no-input -v0
	PARTA_DEBUG=$${PARTA_DEBUG:-1} $(BIN)/parta seed --scale demo
	PARTA_DEBUG=$${PARTA_DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

check: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	bash scripts/check-messages

test: deps compile-messages check
	bash scripts/install-test-tools
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/pytest

bench: deps compile-messages
	$(BIN)/python bench/run.py

format: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: deps
	$(BIN)/python manage.py makemessages -l ru --no-location --ignore=.venv --ignore=node_modules --ignore=var
