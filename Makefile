# Everything runs in a project-local virtual environment, created on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install harvest test lint typecheck snapshot bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

## harvest: install if needed, then run the offline harvest of the bundled snapshot into normalized/
harvest: $(STAMP)
	$(VENV)/bin/clusterharvest harvest --offline

## test: install if needed, then run the whole test suite
test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src flows tests scripts

typecheck: $(STAMP)
	$(VENV)/bin/mypy

## snapshot: rebuild raw/ from the text captures (then `git add -f raw/*/*`)
snapshot: $(STAMP)
	$(PY) scripts/build_snapshot.py

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache
