# Everything runs in a project-local virtual environment, created on first use from the lock file
# (uv.lock): exactly the versions the tests ran with. uv itself is pinned here and in the lock.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed-stamp

.PHONY: install lock harvest test test-fast browser lint typecheck snapshot bench bench-wall server server-stop clean

$(STAMP): pyproject.toml uv.lock
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --inexact --all-extras --compile-bytecode --quiet
	$(PY) -m compileall -q src flows
	touch $(STAMP)

install: $(STAMP)

## lock: re-resolve the dependencies into uv.lock (after changing pyproject.toml), then `make install`
lock:
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install --quiet "uv==$(UV_VERSION)"; }
	$(UV) lock

## harvest: install if needed, then run the offline harvest of the bundled snapshot into normalized/
harvest: $(STAMP)
	$(VENV)/bin/clusterharvest harvest --offline

## test: install if needed (and Debian's chromium for the report test, where absent), then run the suite
test: $(STAMP) browser
	$(PY) -m pytest

## test-fast: the suite without the tests that run Prefect flows, servers or workers (marked `flow`)
test-fast: $(STAMP)
	$(PY) -m pytest -m "not flow"

# Headless Chromium renders report.html in a test. Installed with apt where absent and possible;
# without it that one test is skipped, saying why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "note: chromium not available; the report rendering test will be skipped"

lint: $(STAMP)
	$(VENV)/bin/ruff check src flows tests scripts bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

## snapshot: rebuild raw/ from the text captures (then `git add -f raw/*/*`)
snapshot: $(STAMP)
	$(PY) scripts/build_snapshot.py

bench: $(STAMP)
	$(PY) -m bench

## bench-wall: set-up time from a fresh clone, harvest wall times on a temporary and a running Prefect server
bench-wall: $(STAMP)
	$(PY) -m bench.wall

## server: a long-lived local Prefect server (127.0.0.1:4200) for scheduled and repeated runs, in a Prefect
## profile of its own ("clusterharvest"): the active profile and its settings are left as they are. Use it with
## `export PREFECT_PROFILE=clusterharvest` (or PREFECT_API_URL, as printed). server-stop ends it.
PREFECT_PORT ?= 4200
PREFECT_PROFILE_NAME := clusterharvest
WITH_PROFILE := PREFECT_PROFILE=$(PREFECT_PROFILE_NAME)
server: $(STAMP)
	@$(VENV)/bin/prefect profile inspect $(PREFECT_PROFILE_NAME) >/dev/null 2>&1 || \
	  $(VENV)/bin/prefect profile create $(PREFECT_PROFILE_NAME) >/dev/null
	$(WITH_PROFILE) $(VENV)/bin/prefect config set PREFECT_API_URL=http://127.0.0.1:$(PREFECT_PORT)/api >/dev/null
	$(WITH_PROFILE) PREFECT_SERVER_ANALYTICS_ENABLED=false $(VENV)/bin/prefect server start --background \
	  --host 127.0.0.1 --port $(PREFECT_PORT)
	@for i in $$(seq 120); do $(PY) -c "import httpx; httpx.get('http://127.0.0.1:$(PREFECT_PORT)/api/health')\
	  .raise_for_status()" 2>/dev/null && break; sleep 1; done
	@echo "Prefect server on http://127.0.0.1:$(PREFECT_PORT) (Prefect profile $(PREFECT_PROFILE_NAME)); use it with:"
	@echo "  export PREFECT_PROFILE=$(PREFECT_PROFILE_NAME)    # or: export PREFECT_API_URL=http://127.0.0.1:$(PREFECT_PORT)/api"

server-stop:
	$(WITH_PROFILE) $(VENV)/bin/prefect server stop

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache
