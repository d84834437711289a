# Two commands: `make run` and `make test`. Both install what is missing first.
# The interpreter a new .venv is made from: the distribution's own python3 when it is 3.11
# or newer and can make a venv (Debian builds it with profile-guided optimisation and LTO:
# the suite took 7% less CPU than on a pyenv build of the same 3.11), else python3 on PATH.
PYTHON ?= $(shell for p in /usr/bin/python3 python3; do \
	$$p -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-requirements
DEV    := $(VENV)/.installed-dev-requirements
PORT   ?= 8501

# Some machines set PYTHONDONTWRITEBYTECODE=1: then every process of a run (both test
# workers, the import's parser children, the CLI tests) compiles the app again, and pytest
# rewrites every test module again. The caches are ignored by git (.gitignore).
unexport PYTHONDONTWRITEBYTECODE

# The tests' temporary files in memory (tmpfs /dev/shm) when the machine has one with room
# to spare (4 GiB free): every test copies a 5-13 MB database and commits to it, and on
# disk the copies and each commit's fsync cost the suite about a tenth of its time
# (docs/decisions/0010-a-fast-suite.md). Elsewhere they stay in the system's temp folder.
TEST_TMPDIR := $(shell d=/dev/shm; [ -d $$d ] && [ -w $$d ] && \
	[ "$$(df -Pk $$d 2>/dev/null | awk 'NR==2 {print $$4}')" -gt 4194304 ] 2>/dev/null && echo $$d)
# The test processes allocate with mimalloc (requirements-allocator.txt), preloaded: DuckDB
# starts a database instance for every test's copy, a few thousand C++ allocations each, and
# the suite took 6-8% less CPU than on glibc's malloc. Found after the install (hence `=`
# and a shell, not make's cached wildcard; tests/test_suite_setup.py checks the name).
# tests/conftest.py takes it out of the environment of every process the tests start (the
# app's server, the CLI, the import's reader, Chromium, LibreOffice): those run as served.
MIMALLOC = $(shell ls $(CURDIR)/$(VENV)/lib/python3*/site-packages/cmeel.prefix/lib/libmimalloc.so.3 2>/dev/null | head -1)
PYTEST = $(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR) )$(if $(MIMALLOC),LD_PRELOAD=$(MIMALLOC) )$(PY) -m pytest -n 2

.PHONY: run test test-fast lint typecheck typecheck-baseline format bench fuzz chromium system-packages install clean

# --no-compile: pip would compile every module of every package (plotly alone ships
# thousands) into bytecode, a third of the install's time; Python compiles what is imported
# on first use instead. (deploy/install.sh compiles: the service may not write its venv.)
# The app's own packages (requirements.txt) for `make run`; the tests, lint and type check
# add requirements-dev.txt, so a server's venv carries no test tools.
$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-compile --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

$(DEV): $(STAMP) requirements-dev.txt requirements-allocator.txt
	$(PY) -m pip install --quiet --no-compile --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-compile --disable-pip-version-check --no-deps \
		-r requirements-allocator.txt
	touch $(DEV)

install: $(DEV)

# Debian's packages the full suite drives: chromium (browser tests), LibreOffice and poppler
# (documents and workbooks printed to PDF and read back), Liberation Sans, Arial's
# metric twin: the workbooks are laid out in Arial (docs/letters.md), and without it
# LibreOffice prints them in a wider font, as no office computer would; and PostgreSQL,
# whose initdb and pg_ctl (in /usr/lib/postgresql/NN/bin) the "past one process" prototype
# drives (docs/decisions/0014-past-one-process.md). Installed when absent and we are root.
# Each pair: a command or file (a pattern) that shows the package is there, then the package.
SYSTEM_PACKAGES := chromium:chromium soffice:libreoffice-writer-nogui \
	/usr/lib/libreoffice/program/libsclo.so:libreoffice-calc-nogui pdftotext:poppler-utils \
	/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf:fonts-liberation2 \
	/usr/lib/postgresql/*/bin/pg_ctl:postgresql
system-packages:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
		cmd=$${pair%%:*}; pkg=$${pair#*:}; \
		command -v $$cmd >/dev/null 2>&1 || ls -d $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "Missing:$$missing: run 'sudo apt-get install$$missing' and retry."; exit 1; fi

chromium: system-packages

# FORWARDED_ALLOW_IPS= : uvicorn must not believe X-Forwarded-For by itself (it would from
# 127.0.0.1); DUMAS_TRUSTED_PROXIES decides (README "Configuration").
run: $(STAMP)
	FORWARDED_ALLOW_IPS= $(VENV)/bin/streamlit run server.py --server.port=$(PORT)

# The type check (make typecheck) runs inside the suite, as
# tests/test_typecheck.py::test_the_code_has_no_type_error_beyond_the_baseline: on the second
# core beside the other tests rather than alone before them.
test: $(DEV) system-packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PYTEST) --dist loadfile --durations=15

# Everything but the browser and render tests: the quick loop while working (no chromium,
# no LibreOffice needed). The type check is one of its tests, as in `make test`.
test-fast: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PYTEST) --dist worksteal --durations=15 -m "not browser and not render and not server"

lint: $(DEV)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

# mypy against mypy-baseline.txt: fails on any error not in it (tests/typecheck.py).
typecheck: $(DEV)
	$(PY) -m tests.typecheck

# Rewrite the baseline after fixing errors; it refuses to grow.
typecheck-baseline: $(DEV)
	$(PY) -m tests.typecheck --update

format: $(DEV)
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) -m dumas bench --complaints 1000000 --served 1,5,10,20

# 1,000 generated hostile files previewed against a real database (peak memory printed).
fuzz: $(DEV)
	$(PY) -m tests.fuzz_import --files 1000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
