# Two commands do all the set-up: `make demo` and `make test`. Needs Python 3.12+ (found by scripts/find-python).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test venv clean bench

$(PY):
	@PYBIN=$$(scripts/find-python) && echo "Using $$PYBIN" && $$PYBIN -m venv $(VENV)

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	@echo "Installing the requirements into $(VENV) with pip (a minute or two the first time; quiet until done)…"
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)
	@echo "Requirements installed."

venv: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(PY) scripts/demo.py

bench: $(STAMP)
	$(PY) bench/secretserver_roundtrips.py

clean:
	rm -rf $(VENV) .pytest_cache
