# Glorot & Bengio (2010), reproduced: build and check the book.
#
#   make book    set up .venv, execute every chapter in place (papermill), render _build/html
#   make test    set up .venv, run every check (unit tests, pairs, nbval, smoke runs, book build
#                and every built page in headless Chromium)
#   make sync    jupytext --sync every book/*.py / book/*.ipynb pair
#   make bench   run the throughput scripts in benchmarks/
#   make clean   remove build outputs (keeps .venv; `make distclean` removes it too)
#
# Every tool is called from .venv/bin explicitly; nothing depends on an activated shell.
# The checks of `make test` are also separate targets: test-unit, test-pairs, test-nbval,
# test-smoke, test-build (`make -k test` runs them all even when one fails); `make test-browser`
# runs the browser check alone on the book `make html` built.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when pyproject.toml changes (or the stamp is removed).
STAMP := $(VENV)/.glorot-install-stamp
KERNEL := python3

# Chapters are the executed pages: book/NN_name.ipynb, each paired with book/NN_name.py.
# These are shell globs, expanded when a recipe runs (with nullglob: no match, empty list):
# make's own $(wildcard) caches the folder and would miss notebooks that `sync` just created.
CHAPTERS := book/[0-9][0-9]_*.ipynb
PAIRED_PY := book/*.py
NOTEBOOKS := book/*.ipynb

PAPERMILL = $(BIN)/papermill --kernel $(KERNEL) --cwd book --no-progress-bar
JB_FLAGS := -W -n --keep-going
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

# Same string ordering (sets, dicts of hashes) in every kernel these targets start.
export PYTHONHASHSEED := 0
# No progress bars in executed notebooks: their text depends on timing (tqdm >= 4.66 reads
# TQDM_DISABLE). tests/nbval_sanitize.cfg masks any bar that gets through anyway.
export TQDM_DISABLE := 1
# Never prompt; nothing interactive in CI.
export PIP_NO_INPUT := 1

.PHONY: help setup book execute html sync test test-unit test-pairs test-nbval test-smoke \
        test-build test-browser bench clean distclean

help:
	@sed -n '3,13p' Makefile | sed 's/^# \{0,1\}//'

# --- environment -------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The kernelspec installed inside the venv makes the kernel `python3` resolve to this venv for
# papermill and nbval even when the user has another `python3` kernel in ~/.local/share/jupyter.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e ".[book,test,cluster]"
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
	    --display-name "Python 3 (ipykernel)"
	touch $@

setup: $(STAMP)

# --- the book ----------------------------------------------------------------------------

book: execute html

# Inputs come from whichever file of each pair is newer (jupytext --sync), then papermill
# runs every chapter in place with its default parameters, from book/ as working directory;
# a last sync writes the notebooks as jupytext does (papermill leaves out the final newline),
# so that `make sync` on a fresh checkout changes nothing.
# What papermill writes that changes on every run while nothing else does is removed, so that
# `make book` twice in a row leaves `git status` clean: the notebook's and each cell's start and
# end times and durations, and each cell's "execution" timestamps. papermill also writes
# "tags": [] into every untagged cell; jupytext --sync would then keep that empty list over
# tags added later to the cell in the .py, so the empty lists are removed too.
define NORMALIZE_NOTEBOOK
import json, sys
path = sys.argv[1]
nb = json.load(open(path, encoding="utf-8"))
TIMES = ("duration", "start_time", "end_time")
for key in TIMES:
    nb.get("metadata", {}).get("papermill", {}).pop(key, None)
for cell in nb["cells"]:
    meta = cell.get("metadata", {})
    if meta.get("tags") == []:
        del meta["tags"]
    meta.pop("execution", None)
    for key in TIMES:
        meta.get("papermill", {}).pop(key, None)
with open(path, "w", encoding="utf-8") as f:
    json.dump(nb, f, indent=1, ensure_ascii=False)
endef
export NORMALIZE_NOTEBOOK

execute: $(STAMP) sync
	@shopt -s nullglob; for nb in $(CHAPTERS); do \
	    echo "== papermill $$nb"; \
	    $(PAPERMILL) "$$nb" "$$nb"; \
	    $(BIN)/python -c "$$NORMALIZE_NOTEBOOK" "$$nb"; \
	done; \
	py=($(PAIRED_PY)); if (( $${#py[@]} )); then $(BIN)/jupytext --quiet --sync "$${py[@]}"; fi

html: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Open _build/html/index.html"

sync: $(STAMP)
	@shopt -s nullglob; py=($(PAIRED_PY)); \
	if (( $${#py[@]} )); then $(BIN)/jupytext --sync "$${py[@]}"; fi

# --- checks ------------------------------------------------------------------------------

test: test-unit test-pairs test-nbval test-smoke test-build
	@echo "make test: all checks passed"

# (a) unit and pipeline tests (notebook checks are the targets below).
test-unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 tests

# (b) each book/*.py must be exactly what jupytext writes from its .ipynb twin.
# (`jupytext --diff` prints differences but exits 0, so it cannot fail a build.)
test-pairs: $(STAMP)
	@shopt -s nullglob; status=0; \
	for py in $(PAIRED_PY); do \
	    nb="$${py%.py}.ipynb"; \
	    if [ ! -f "$$nb" ]; then echo "MISSING PAIR: $$py has no $$nb"; status=1; continue; fi; \
	    if $(BIN)/jupytext --quiet --to py:percent --output - "$$nb" | diff -u "$$py" -; then \
	        echo "pair ok: $$py"; \
	    else \
	        echo "PAIR MISMATCH: $$py differs from $$nb (run 'make sync')"; status=1; \
	    fi; \
	done; \
	for nb in $(NOTEBOOKS); do \
	    if [ ! -f "$${nb%.ipynb}.py" ]; then echo "MISSING PAIR: $$nb has no .py"; status=1; fi; \
	done; \
	exit $$status

# (c) re-execute the committed notebooks and compare every output (strict nbval).
test-nbval: $(STAMP)
	@shopt -s nullglob; nbs=($(NOTEBOOKS)); \
	if (( $${#nbs[@]} )); then $(BIN)/python -m pytest $(NBVAL_FLAGS) "$${nbs[@]}"; \
	else echo "no notebooks in book/: nbval skipped"; fi

# (d) every chapter once more at the smoke profile, into a temporary folder.
test-smoke: $(STAMP)
	@shopt -s nullglob; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for nb in $(CHAPTERS); do \
	    echo "== papermill -p profile smoke $$nb"; \
	    $(PAPERMILL) "$$nb" "$$tmp/$$(basename $$nb)" -p profile smoke; \
	done

# (e) the Jupyter Book build, warnings as errors, into a temporary folder; then a reader's check
# of every page it built, in headless Chromium from file:// with the network off
# (tests/browser_check.py: images loaded, math typeset, nothing wider than a 390 px phone but
# code/tables in their own scroll boxes, figures at >= 90% of their size at 1280 px, no console
# error, no request off file://; a screenshot per page into a temporary folder it prints).
# Without Chromium it prints "SKIPPED browser check" and passes, except under CI=true.
test-build: $(STAMP)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN)/jupyter-book build . $(JB_FLAGS) --path-output "$$tmp"; \
	$(BIN)/python tests/browser_check.py "$$tmp/_build/html"

# The browser check alone, on _build/html as `make html` left it.
test-browser: $(STAMP)
	@if [ ! -f _build/html/index.html ]; then echo "no _build/html: run 'make html' first"; exit 1; fi
	$(BIN)/python tests/browser_check.py _build/html

# --- other -------------------------------------------------------------------------------

bench: $(STAMP)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "== benchmarks/throughput.py (CPU tables, into benchmarks/results/)"; \
	$(BIN)/python benchmarks/throughput.py; \
	echo "== benchmarks/device_check.py: the GPU check's very steps, small, on this CPU (into a temporary folder)"; \
	$(BIN)/python benchmarks/device_check.py "$$tmp" --device cpu --small

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) \
	    -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) src/*.egg-info
