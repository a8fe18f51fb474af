# Two entry points for people (see README): `make demo` and `make test`.
# Both bootstrap .venv from uv.lock first, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced-$(UV_VERSION)

.PHONY: demo test fuzz lint typecheck format schema bench-demo bench-scale bench-board readme-demo screenshots browser clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(BIN)/uv uv.lock pyproject.toml
	UV_PYTHON_DOWNLOADS=never $(BIN)/uv sync --frozen --inexact --python $(BIN)/python
	@touch $@

# ical.js (Thunderbird's parser) is the feed tests' second, independent parser; without npm they skip it.
ICALJS := tests/icaljs/node_modules/.package-lock.json
$(ICALJS): tests/icaljs/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/icaljs --silent --no-audit --no-fund || echo "npm ci failed: the ical.js checks will skip"; \
	else echo "npm not found: the ical.js checks will skip"; fi

# The web app's front-end libraries (htmx, Chart.js, Swagger UI; axe-core for the tests), pinned by the lock file.
ASSETS := api/web/assets/node_modules/.package-lock.json
$(ASSETS): api/web/assets/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		SCARF_ANALYTICS=false npm ci --prefix api/web/assets --silent --no-audit --no-fund; \
	else echo "npm not found: the pages work without scripts, but /docs and the charts need 'npm ci --prefix api/web/assets'"; fi

# The browser tests drive Debian's Chromium (Playwright's own download cannot work here): install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
				|| echo "chromium could not be installed: the browser tests will skip (and fail with CI=true)"; \
		else echo "chromium not found: the browser tests will skip (and fail with CI=true)"; fi; }

demo: $(STAMP) $(ASSETS)
	$(BIN)/bemanna demo

test: $(STAMP) $(ICALJS) $(ASSETS) browser
	$(BIN)/python -m pytest -n 2 -q

# Screenshots of each role's main page, taken by the browser tests, into docs/screenshots (shown in the README).
screenshots: $(STAMP) $(ASSETS) browser
	BEMANNA_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:xdist tests/test_browser_*.py

# Schemathesis with 300 generated requests per operation and 600 stateful scenarios (about 6 minutes).
fuzz: $(STAMP)
	BEMANNA_FUZZ_EXAMPLES=300 $(BIN)/python -m pytest -q tests/test_api_schema.py

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy solver models api calendars

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

schema: $(STAMP)
	$(BIN)/bemanna schema --out-dir docs
	$(BIN)/python -m solver.catalogue

bench-demo: $(STAMP)
	$(BIN)/python -m benchmarks.demo_solve

# 300 to 5,000 workers over 28 days and 300 over a year (about 17 minutes; benchmarks/README.md).
bench-scale: $(STAMP)
	$(BIN)/python -m benchmarks.scale

# The README's demo figures, from a run of the demo's solve on this machine (about a minute).
readme-demo: $(STAMP)
	$(BIN)/python -m cli.readme_demo

# The open board and the offer cascade on 2,000 workers with a year of history (benchmarks/README.md).
bench-board: $(STAMP)
	$(BIN)/python -m benchmarks.board_cascade

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
