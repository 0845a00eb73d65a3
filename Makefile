# mimml-edu: every target does its own set-up.
# The virtual environment is (re)built when the pinned files change: the stamp file's name
# carries a hash of requirements/lock.txt, pyproject.toml and setup.py, so an unchanged environment
# is reused and a changed pin triggers a refresh.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements/lock.txt
ENV_HASH := $(shell cat $(LOCK) pyproject.toml setup.py | sha256sum | cut -c1-16)
STAMP := $(VENV)/.mimml-env-$(ENV_HASH)
PIP_QUIET := --quiet --no-input --disable-pip-version-check
export PYTHONDONTWRITEBYTECODE := 1
export MPLBACKEND := Agg

.PHONY: help venv browser book test lab demo lint dist clean

help:
	@echo "make book  - execute every chapter and build the HTML book (book/_build/html)"
	@echo "make test  - run the whole test suite (unit tests, notebooks, the book build and"
	@echo "             the browser tests: installs chromium and chromium-driver if missing)"
	@echo "make lab   - open JupyterLab on notebooks/"
	@echo "make demo  - run 'mimml-edu demo'"
	@echo "make lint  - ruff"
	@echo "make dist  - build the sdist and the wheel into dist/"

venv: $(STAMP)

$(STAMP): $(LOCK) pyproject.toml setup.py
	@echo ">> setting up $(VENV) from $(LOCK) (first time: a few minutes; log in $(VENV)/install.log)"
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; assert sys.version_info[:2] >= (3, 11)'; then \
		rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	@( $(BIN)/python -m pip install $(PIP_QUIET) --upgrade pip \
	  && $(BIN)/python -m pip install $(PIP_QUIET) -r $(LOCK) \
	  && $(BIN)/python -m pip check \
	  && $(BIN)/python -m pip install $(PIP_QUIET) --no-deps --no-build-isolation -e . \
	) > $(VENV)/install.log 2>&1 || { grep -v "^WARNING: Location" $(VENV)/install.log | tail -40; \
	  echo "installing the pinned environment failed (full log: $(VENV)/install.log)"; exit 1; }
	@$(BIN)/python -c 'import mimml_edu, torch, captum, mediapipe, transformers' \
		|| { echo "environment check failed: see the messages above"; exit 1; }
	@rm -f $(VENV)/.mimml-env-*
	@touch $@
	@echo ">> $(VENV) ready"

book: $(STAMP)
	@$(BIN)/python book/build_book.py

# The browser tests drive Debian's chromium (installed here when missing; needs root).
browser:
	@.ci/install-browser

test: $(STAMP) browser
	@$(BIN)/python -m pytest

lab: $(STAMP)
	@$(BIN)/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

demo: $(STAMP)
	@$(BIN)/mimml-edu demo

lint: $(STAMP)
	@$(BIN)/ruff check .

# The sdist, then the wheel built from it (so a file missing from the sdist fails here);
# no build isolation: the pinned setuptools of .venv builds, without the network.
dist: $(STAMP)
	@rm -rf dist build
	@$(BIN)/python -m build --no-isolation --outdir dist . > dist.log 2>&1 \
		|| { tail -40 dist.log; echo "make dist failed (log: dist.log)"; exit 1; }
	@rm -f dist.log
	@ls -l dist

clean:
	rm -rf book/_build .pytest_cache build dist
