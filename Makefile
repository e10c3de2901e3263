# Two entry points, both safe on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck docs unit core bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The flagship: the February 2019 Hanoi summit, analysed and explained in reports/hanoi-2019.html.
demo: $(STAMP)
	$(BIN)/detente analyze examples/hanoi-2019.yaml
	$(BIN)/detente bargain examples/hanoi-2019.yaml
	mkdir -p reports
	$(BIN)/detente report examples/hanoi-2019.yaml -o reports/hanoi-2019.html

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir .site

unit: $(STAMP)
	$(BIN)/python -m pytest

# The core must work with its runtime dependencies only (no test or docs tools installed).
core: $(STAMP)
	rm -rf .venv-core
	$(PYTHON) -m venv .venv-core
	.venv-core/bin/python -m pip install --quiet .
	cd /tmp && $(CURDIR)/.venv-core/bin/detente analyze elmira --format json > /dev/null
	cd /tmp && $(CURDIR)/.venv-core/bin/detente explain chicken --state NN --party p1 > /dev/null
	# Without the web extra, `detente serve` says which extra to install (and fails cleanly).
	! $(CURDIR)/.venv-core/bin/detente serve --port 0 > .venv-core/serve.txt 2>&1
	grep -q "detente\[web\]" .venv-core/serve.txt
	rm -rf .venv-core

test: lint typecheck docs unit core

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_graph_model.py

clean:
	rm -rf $(VENV) .venv-core .site .pytest_cache .mypy_cache .ruff_cache
