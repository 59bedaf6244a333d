# Tocsin: `make run` and `make test` bootstrap .venv from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
BIN := $(VENV)/bin
CONFIG ?= $(if $(wildcard tocsin.yaml),tocsin.yaml,)

.PHONY: run test test-quick lint schema bench clean venv

venv: $(STAMP)

# Re-installs only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/tocsin run $(if $(CONFIG),--config $(CONFIG),)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The unit tier for the inner loop: no broker, no browser, no subprocess fleets.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -m "not broker and not postgres and not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check services alerts models tests bench
	$(BIN)/ruff format --check services alerts models tests bench
	$(BIN)/mypy

# Regenerates the published alert-event JSON Schema from models/alert.py.
schema: $(STAMP)
	$(BIN)/python -c "from models.alert import alert_event_schema_text as t; open('alerts/schema/alert-event.v1.json', 'w').write(t())"

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var build *.egg-info
