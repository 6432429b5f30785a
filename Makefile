# The project's two commands: `make run` (set up, then the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test app bench docs lint format update-baseline clean

$(STAMP): pyproject.toml tools/dashboard_assets.sh tools/cjk_font.sh
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	tools/dashboard_assets.sh $(VENV)
	tools/cjk_font.sh $(VENV)
	touch $(STAMP)

## run: compare the 2019 opinion with the pre-2019 baseline on common seeds
run: $(STAMP)
	$(BIN)/citizenization compare scenarios/baseline.yaml scenarios/policy_2019.yaml

## test: every test, the slow ones included
test: $(STAMP)
	$(BIN)/python -m pytest

## app: the browser dashboard at http://127.0.0.1:8765
app: $(STAMP)
	$(BIN)/citizenization app

## bench: speed and memory figures
bench: $(STAMP)
	$(BIN)/python benchmarks/speed_memory.py
	$(BIN)/python benchmarks/year_end.py
	$(BIN)/python benchmarks/calibration_speed.py

## update-baseline: rewrite the golden outcomes (tests/golden) after a deliberate change
update-baseline: $(STAMP)
	$(BIN)/python tools/golden.py --update

## docs: the outcome tables (docs/outcomes.md, README) from the outcome registry
docs: $(STAMP)
	$(BIN)/python tools/outcome_docs.py
	$(BIN)/python tools/policy_docs.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) results .pytest_cache
