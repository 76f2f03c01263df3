# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/procmine demo

# ruff and mypy first (as configured in pyproject.toml; any finding fails), then the tests.
test: lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check procmine connectors app.py tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_discovery.py
	$(BIN)/python benchmarks/bench_dcr.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_app.py --shared
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_working_waits.py

clean:
	rm -rf $(VENV) build *.egg-info
