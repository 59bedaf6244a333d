# Tocsin: `make run` and `make test` bootstrap .venv from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BIN := $(VENV)/bin
STARTER := examples/world.yaml
# Your tocsin.yaml when there is one, else the starter set of public sources.
CONFIG ?= $(if $(wildcard tocsin.yaml),tocsin.yaml,$(STARTER))
STARTER_NOTE := make: no tocsin.yaml here, so watching the starter set $(STARTER) (copy it to tocsin.yaml to edit)

.PHONY: run test test-quick lint schema bench train clean venv

venv: $(STAMP)

# Re-installs only when pyproject.toml changed since the last install. Only what running
# needs: the test tools come with the first `make test`.
$(STAMP): pyproject.toml
	@echo "make: preparing $(VENV): installing Tocsin and its runtime dependencies (first run: a minute or two)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $(STAMP)
	@echo "make: $(VENV) is ready"

$(TEST_STAMP): $(STAMP)
	@echo "make: installing the test, lint and training tools into $(VENV)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,lint,train]'
	@touch $(TEST_STAMP)

run: $(STAMP)
	@$(if $(filter $(STARTER),$(CONFIG)),echo "$(STARTER_NOTE)",true)
	$(BIN)/tocsin run $(if $(CONFIG),--config $(CONFIG),)

# The suite mostly waits on brokers, processes and sockets, so four workers share the two
# cores well (pytest-xdist; work stealing evens out the long fault scenarios).
# TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 4
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The unit tier for the inner loop: no broker, no browser, no subprocess fleets.
test-quick: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal -m "not broker and not postgres and not slow" $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check services alerts models tests bench
	$(BIN)/ruff format --check services alerts models tests bench
	$(BIN)/mypy

# Regenerates the published alert-event JSON Schema from models/alert.py.
schema: $(TEST_STAMP)
	$(BIN)/python -c "from models.alert import alert_event_schema_text as t; open('alerts/schema/alert-event.v1.json', 'w').write(t())"

# Full training of the detector's judge: 3-fold CV by article, then all data; rewrites
# services/detector/model (ONNX + tokenizer + card). Reads the shared data, never copies it;
# the sentences written here (WRITTEN_DATA) are trained on in every fold and never scored.
EVAL_DATA ?= ../shared/eval
WRITTEN_DATA := services/detector/training/written_here.jsonl
train: $(TEST_STAMP)
	$(BIN)/tocsin train --data $(EVAL_DATA)/train.jsonl $(EVAL_DATA)/dev.jsonl \
		$(EVAL_DATA)/other_events.jsonl $(EVAL_DATA)/general_news.jsonl $(WRITTEN_DATA) \
		--folds 3 --oof var/judge_oof.jsonl

bench: $(TEST_STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var build *.egg-info
