# Two entry points for people (see README): `make demo` and `make test`.
# Both bootstrap .venv from uv.lock first, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced-$(UV_VERSION)

.PHONY: demo test lint typecheck format schema bench-demo clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(BIN)/uv uv.lock pyproject.toml
	UV_PYTHON_DOWNLOADS=never $(BIN)/uv sync --frozen --inexact --python $(BIN)/python
	@touch $@

demo: $(STAMP)
	$(BIN)/bemanna demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy solver models api

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

schema: $(STAMP)
	$(BIN)/bemanna schema --out-dir docs

bench-demo: $(STAMP)
	$(BIN)/python -m benchmarks.demo_solve

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
