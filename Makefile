# Two commands: `make run` and `make test`. Both install what is missing first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-requirements
PORT   ?= 8501

.PHONY: run test test-fast lint typecheck typecheck-baseline format bench fuzz chromium install clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser tests: installed when absent and we are root.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is missing: run 'sudo apt-get install chromium' and retry."; exit 1; fi

# FORWARDED_ALLOW_IPS= : uvicorn must not believe X-Forwarded-For by itself (it would from
# 127.0.0.1); DUMAS_TRUSTED_PROXIES decides (README "Configuration").
run: $(STAMP)
	FORWARDED_ALLOW_IPS= $(VENV)/bin/streamlit run server.py --server.port=$(PORT)

test: $(STAMP) chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m tests.typecheck
	$(PY) -m pytest -n 2 --dist loadfile --durations=15

# Everything but the browser tests: the quick loop while working (no chromium needed).
test-fast: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m tests.typecheck
	$(PY) -m pytest -n 2 --dist worksteal --durations=15 -m "not browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

# mypy against mypy-baseline.txt: fails on any error not in it (tests/typecheck.py).
typecheck: $(STAMP)
	$(PY) -m tests.typecheck

# Rewrite the baseline after fixing errors; it refuses to grow.
typecheck-baseline: $(STAMP)
	$(PY) -m tests.typecheck --update

format: $(STAMP)
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) -m dumas bench --complaints 1000000

# 1,000 generated hostile files previewed against a real database (peak memory printed).
fuzz: $(STAMP)
	$(PY) -m tests.fuzz_import --files 1000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
