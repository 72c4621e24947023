# The two commands of the README: `make demo` and `make test`. Everything they need is
# installed here, from a fresh machine with only python3 on it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck test-ratchet test-demo unit bench clean

$(STAMP): pyproject.toml demo_app/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]' -r demo_app/requirements.txt
	touch $(STAMP)

## demo: run demo_app's tests under coverage, then `ratchet check` on the result
demo: $(STAMP)
	cd demo_app && ../$(BIN)/python -m pytest -q --cov --cov-report=xml --cov-report=json --cov-report=term
	cd demo_app && ../$(BIN)/ratchet check coverage.xml coverage.json

## test: lint, type-check, the whole suite under coverage, then the ratchet gates itself
test: lint typecheck test-ratchet test-demo

lint: $(STAMP)
	$(BIN)/ruff check ratchet tests benchmarks demo_app
	$(BIN)/ruff format --check ratchet tests benchmarks demo_app

typecheck: $(STAMP)
	$(BIN)/mypy

test-ratchet: $(STAMP)
	$(BIN)/python -m pytest -n auto --cov --cov-report=xml --cov-report=term:skip-covered tests
	$(BIN)/ratchet check coverage.xml

test-demo: demo

## unit: the fast tier only
unit: $(STAMP)
	$(BIN)/python -m pytest -q -m unit tests

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_reports.py

clean:
	rm -rf $(VENV) .coverage .coverage.* coverage.xml coverage.json htmlcov .pytest_cache .mypy_cache .ruff_cache
	rm -rf demo_app/.coverage demo_app/coverage.xml demo_app/coverage.json demo_app/htmlcov
