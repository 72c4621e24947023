# The two commands of the README: `make demo` and `make test`. Everything they need is
# installed here, from a fresh machine with only python3 on it, and only from the lock:
# requirements/dev.txt pins every development and test dependency by version and hash, so
# no one else's release changes what we test with. `make upgrade` moves the pins, on purpose.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed-stamp
# One resolution for every Python we support (3.10 up) and every OS, with hashes.
COMPILE := --quiet --universal --generate-hashes --python-version 3.10 --custom-compile-command "make lock"

.PHONY: demo test lint typecheck test-ratchet test-demo unit bench lock upgrade clean

# pip only bootstraps uv (pinned by hash in requirements/uv.txt); uv then makes the venv
# exactly the lock (sync also removes what the lock no longer names) in a few seconds.
# Bytecode is compiled once here (and ratchet's own, which is edited, before each test run:
# test-ratchet): the tests (and CI shells) set PYTHONDONTWRITEBYTECODE, so without it every
# one of the suite's hundreds of subprocesses compiles its imports again (40 ms a `ratchet`
# process for ratchet's own modules).
# The Action's own lock is also downloaded, as wheel files (uv has no download command; pip
# checks each against its hash): the tests install it with the Action's launcher from there,
# offline (tests/github/conftest.py).
# The Makefile itself too: a venv made before a new install step gets it.
$(STAMP): Makefile pyproject.toml requirements/dev.txt requirements/uv.txt requirements/action.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/uv.txt
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python --require-hashes requirements/dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --require-hashes --no-deps --only-binary :all: --dest $(VENV)/action-wheels -r requirements/action.txt
	touch $(STAMP)

## lock: resolve again after pyproject.toml or demo_app/requirements.txt changed its
## dependencies; every pin that still fits stays as it is
lock: $(STAMP)
	$(UV) pip compile $(COMPILE) $(UPGRADE) pyproject.toml --group dev demo_app/requirements.txt -o requirements/dev.txt
	$(UV) pip compile $(COMPILE) $(UPGRADE) pyproject.toml -o requirements/action.txt
	grep -E '^uv==' requirements/dev.txt | cut -d' ' -f1 | $(UV) pip compile $(COMPILE) - -o requirements/uv.txt

## upgrade: move every pin to the newest release; review the diff (and peers' changelogs)
upgrade:
	$(MAKE) lock UPGRADE=--upgrade

## demo: the ratchet at work on a temporary copy of demo_app: `init` on the unit tier,
## `update` climbing one 5-point step a stage as the suite grows, `check` catching a deleted
## test module, and passing once it is back (`make test` runs the story's quick form)
demo: $(STAMP)
	$(BIN)/python demo_app/story.py

## test: lint, type-check, the whole suite under coverage (the demo's story, in its quick
## form, is one of its tests), then the ratchet gates ratchet's coverage and demo_app's
test: lint typecheck test-ratchet test-demo

lint: $(STAMP)
	$(BIN)/ruff check ratchet tests benchmarks demo_app
	$(BIN)/ruff format --check ratchet tests benchmarks demo_app

typecheck: $(STAMP)
	$(BIN)/mypy

# --dist loadgroup: the tests of one xdist_group run on one worker, sharing its module fixtures
# (the rest are spread as by default).
test-ratchet: $(STAMP)
	$(BIN)/python -m compileall -q ratchet
	$(BIN)/python -m pytest -n auto --dist loadgroup --cov --cov-report=xml --cov-report=term:skip-covered tests
	$(BIN)/ratchet check coverage.xml

## test-demo: demo_app's whole suite under coverage (on PostgreSQL when TEST_DATABASE_URL is
## set), gated by `ratchet check` against demo_app's committed [tool.ratchet]
test-demo: $(STAMP)
	cd demo_app && ../$(BIN)/python -m pytest -q --cov --cov-report=xml --cov-report=json --cov-report=term
	cd demo_app && ../$(BIN)/ratchet check coverage.xml coverage.json

## unit: the fast tier only
unit: $(STAMP)
	$(BIN)/python -m pytest -q -m unit tests

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_reports.py

clean:
	rm -rf $(VENV) .coverage .coverage.* coverage.xml coverage.json htmlcov .pytest_cache .mypy_cache .ruff_cache
	rm -rf demo_app/.coverage demo_app/coverage.xml demo_app/coverage.json demo_app/htmlcov
