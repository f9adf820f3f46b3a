# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PYTEST_ARGS ?=
export CHENGXIN_DATA_DIR ?= $(CURDIR)/chengxin-data

.PHONY: run test install lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## Set up and run the product on its embedded default (SQLite, in-process jobs, demo data).
run: $(VENV)/.installed
	@bash .ci/system-deps.sh || echo "(some system packages are missing: PDF reports need fonts-noto-cjk and pango)"
	$(VENV)/bin/chengxin db upgrade
	$(VENV)/bin/chengxin demo
	@echo "serving on http://127.0.0.1:5000  (Ctrl-C to stop)"
	$(VENV)/bin/chengxin serve --host 127.0.0.1 --port 5000

## Set up and pass the tests (PostgreSQL and Redis tests run when their URLs are set).
test: $(VENV)/.installed
	bash .ci/system-deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check archive web casework screening tests

bench: $(VENV)/.installed
	$(VENV)/bin/pip install -q -e '.[bench]'
	$(VENV)/bin/python -m benchmarks.accuracy
	$(VENV)/bin/python -m benchmarks.archive_search
	$(VENV)/bin/python -m benchmarks.scale --docs 10000 --peers
	$(VENV)/bin/python -m benchmarks.scale_workers
	$(VENV)/bin/python -m benchmarks.semantic --heldout
	$(VENV)/bin/python -m benchmarks.english
	$(VENV)/bin/python -m benchmarks.screen_fixed_cost
	$(VENV)/bin/python -m benchmarks.pdf_speed
	$(VENV)/bin/python -m benchmarks.load

clean:
	rm -rf $(VENV) chengxin-data test-artifacts .pytest_cache
