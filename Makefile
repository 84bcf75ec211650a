# The book's commands. A fresh machine needs only two of them (see README.md):
#   make book   set up, then build the book with execution into _build/html
#   make test   set up, then run the whole test suite
# Everything else is a step of those two, or a tool for maintainers.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ASSETS := _build/assets/vendor
HTML := _build/html
PORT ?= 8000
# Extra pytest options for `make test` (make bench passes --junitxml to time each part).
PYTEST_ARGS ?=
# make test runs its tests in this many processes (pytest-xdist; tests/conftest.py says which tests
# share one). 0 runs them in one process, in order.
TEST_WORKERS ?= 2
# Python writes its bytecode caches (__pycache__, ignored by git) even where the environment sets
# PYTHONDONTWRITEBYTECODE: without them every process compiles the book's modules again and pytest
# rewrites the asserts of every test module on every run (collecting test-fast's tests: 4.3 s, 2.2 s
# with the caches; each test process and each kernel pays it).
export PYTHONDONTWRITEBYTECODE :=
# Strict: every Sphinx warning is an error; keep going so that one run lists them all. Written only
# here: every build (book, build-stored, build-singlehtml for the PDF) uses it.
SPHINX_FLAGS := -W --keep-going -q -j 1
NOTEBOOKS := $(wildcard chapters/*.ipynb appendices/*.ipynb)

.PHONY: help setup book build-stored build-singlehtml serve lab test test-fast test-loaded execute bench lock clean check-python check-node workshop pdf \
        lint lint-python lint-workflows format release hub hub-stop hub-status hub-load test-hub

help:
	@echo "make book    build the book (executing notebooks through a cache) into $(HTML)"
	@echo "make serve   serve the built book on http://127.0.0.1:$(PORT)/"
	@echo "make test    unit, data, notebook (nbval), strict build, browser and live JupyterLab tests"
	@echo "make lab     open the chapters in JupyterLab on http://127.0.0.1:8888/ (the live route)"
	@echo "make execute re-run every notebook and store its outputs (after changing code or data)"
	@echo "make bench   refresh benchmarks/RESULTS.md"
	@echo "make workshop student notebooks without solutions, with the data and a quiz (quiz.md), zipped, in workshop/"
	@echo "make pdf     the whole book as one PDF, _build/pdf/phb-book.pdf (needs Chromium)"
	@echo "make hub     a workshop room on JupyterHub (HUB_IP=room address, HUB_PORT=8100); make hub-stop"
	@echo "make lock    regenerate requirements.txt from requirements.in"
	@echo "make lint    static checks: ruff on the Python and the notebooks' code, actionlint on the workflows"
	@echo "make format  apply ruff's format and safe fixes (then make lint is clean)"
	@echo "make release VERSION=x.y  check CHANGELOG, CITATION.cff and pyproject agree, then tag vx.y"

# ---------------------------------------------------------------- prerequisites, one line each
check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: Python 3.11 or newer is needed: install it (e.g. apt-get install python3 python3-venv) or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { echo "make: Python 3.11 or newer is needed, $(PYTHON) is $$($(PYTHON) -c 'import platform; print(platform.python_version())'): install it or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "make: Python's venv module is missing: install it (e.g. apt-get install python3-venv)"; exit 1; }

check-node:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "make: Node.js 18 or newer with npm is needed for the book's offline JavaScript: install it (e.g. apt-get install nodejs npm)"; exit 1; }
	@node -e 'process.exit(parseInt(process.versions.node) >= 18 ? 0 : 1)' || { echo "make: Node.js 18 or newer is needed, this is $$(node --version): install a newer one"; exit 1; }

# ---------------------------------------------------------------- set-up (stamped: re-runs only when inputs change)
$(VENV)/.installed: requirements.txt pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m bookkit.environment --remove-unpinned
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (phb)" >/dev/null
	@touch $@

node_modules/.installed: package.json package-lock.json | check-node
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Third-party JavaScript copied from node_modules into the book's own static files.
$(ASSETS)/.copied: node_modules/.installed
	@rm -rf $(ASSETS) && mkdir -p $(ASSETS)
	cp node_modules/vega/build/vega.min.js node_modules/vega-lite/build/vega-lite.min.js \
	   node_modules/vega-embed/build/vega-embed.min.js $(ASSETS)/
	cp -r node_modules/mathjax/es5 $(ASSETS)/mathjax
	@touch $@

# Sphinx's conf.py is generated from _config.yml and _toc.yml (never edited by hand).
conf.py: _config.yml _toc.yml $(VENV)/.installed
	$(VENV)/bin/jupyter-book config sphinx . >/dev/null

setup: $(VENV)/.installed node_modules/.installed $(ASSETS)/.copied conf.py

# ---------------------------------------------------------------- the book
book: setup
	$(VENV)/bin/sphinx-build $(SPHINX_FLAGS) -b html . $(HTML)
	@echo
	@echo "The book is in $(HTML)/index.html. To read it: make serve, then open http://127.0.0.1:$(PORT)/"

# The build that `make test` runs: renders the outputs stored in the notebooks (nbval proves them fresh).
build-stored: setup
	$(VENV)/bin/sphinx-build $(SPHINX_FLAGS) -D nb_execution_mode=off -b html . $(HTML)

# The single page the PDF is printed from (bookkit.pdf runs this target): the stored outputs, strict.
build-singlehtml: setup
	$(VENV)/bin/sphinx-build $(SPHINX_FLAGS) -D nb_execution_mode=off -b singlehtml . _build/singlehtml

# The live route trainers and researchers take: JupyterLab from the pinned environment, on this machine.
lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=8888 --no-browser --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root)

serve:
	@test -f $(HTML)/index.html || { echo "make: no built book yet: run make book first"; exit 1; }
	@echo "Serving the book on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

# ---------------------------------------------------------------- tests
# One pytest run, in order: unit and data tests, nbval over every notebook (each executed once),
# the strict build of the stored outputs, the browser tests against that build, then the live
# notebooks in a real JupyterLab (tests/live).
test: setup
	$(PY) -m pytest tests/unit tests/data $(NOTEBOOKS) tests/workshop tests/book tests/live \
	    --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300 --nbval-current-env -p no:cacheprovider \
	    $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder) $(PYTEST_ARGS)

# Unit and data tests only, for a quick loop while coding: without the tests marked slow (papermill
# runs of whole chapters, corrupted copies of the data package), which make test runs. nbval's plugin
# is not loaded (no notebook runs here; loading it costs each process 0.2 s).
test-fast: $(VENV)/.installed
	$(PY) -m pytest tests/unit tests/data -q -p no:cacheprovider -p no:nbval -m "not slow" $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS))

# `make test` three times in a row while stress-ng keeps both cores busy: the suite must pass on a
# loaded machine too (it waits for conditions, never for a fixed time). Needs Debian's stress-ng
# (apt-get install -y stress-ng); takes three suite runs. For release checks, not the coding loop.
test-loaded: setup
	@command -v stress-ng >/dev/null 2>&1 || { echo "make: stress-ng is needed for make test-loaded: apt-get install -y stress-ng"; exit 1; }
	@stress-ng --cpu 2 --timeout 4h --quiet & stress=$$!; trap 'kill $$stress' EXIT; \
	  for run in 1 2 3; do echo "make test, loaded run $$run of 3"; \
	    $(MAKE) --no-print-directory test || { echo "make test-loaded: run $$run failed"; exit 1; }; done; \
	  echo "make test-loaded: three loaded runs passed"

# Re-run notebooks and store their outputs: after changing phb/, widgets/ or data/.
# A single notebook: make execute NOTEBOOKS=chapters/01_what_is_a_phb.ipynb
execute: $(VENV)/.installed
	@for nb in $(NOTEBOOKS); do echo "executing $$nb"; \
	  $(PY) -m bookkit.notebooks execute "$$nb" || exit 1; done

bench: setup
	$(PY) benchmarks/run.py

# ---------------------------------------------------------------- for trainers and readers
# Student copies of the chapter notebooks (cells tagged `solution` removed), data, README, zip.
workshop: setup
	$(PY) -m bookkit.workshop

# One PDF of the whole book, printed by Chromium from a single-page build (no LaTeX, no network).
pdf: setup
	$(PY) -m bookkit.pdf

# ---------------------------------------------------------------- for maintainers
# Static checks, one target per linter: `lint` runs them all (add a `lint-<tool>` and list it here).
lint: lint-python lint-workflows

# Python and the notebooks' code cells: ruff's lint rules and import order, then its format check
# (configured in pyproject.toml). `make format` applies the format and the safe fixes: ruff itself on
# the .py files; on the notebooks cell by cell through bookkit.notebooks, because ruff rewriting a
# notebook re-prints the floats in its stored outputs (nbval then sees changed outputs).
lint-python: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix --extend-exclude '*.ipynb' .
	$(VENV)/bin/ruff format --extend-exclude '*.ipynb' .
	$(PY) -m bookkit.notebooks format $(NOTEBOOKS)

# The GitHub Actions workflows: syntax, expressions, action inputs, shell in run steps (shellcheck is
# used if it is installed). actionlint is a pinned Python package (requirements.txt).
lint-workflows: $(VENV)/.installed
	$(VENV)/bin/actionlint .github/workflows/*.yml

# Tag an edition: refuses, in one line, unless CHANGELOG.md has a dated section for VERSION,
# CITATION.cff and pyproject.toml say VERSION, the working tree is clean and the tag is new.
release: $(VENV)/.installed
	@test -n "$(VERSION)" || { echo "make release: say which edition: make release VERSION=x.y"; exit 1; }
	@$(PY) -m bookkit.edition release "$(VERSION)"

# A workshop room: JupyterHub in the background serving the kit to each participant in JupyterLab
# (see guides/hub.md). Listens on 127.0.0.1 unless HUB_IP is the room network's address (or 0.0.0.0).
HUB_IP ?= 127.0.0.1
HUB_PORT ?= 8100
HUB_STATE := _build/hub
hub: workshop
	$(PY) -m hub.room start --state $(HUB_STATE) --ip $(HUB_IP) --port $(HUB_PORT)

# Stops the hub and everything it started (proxy, participants' servers and kernels); keeps their files.
hub-stop: $(VENV)/.installed
	$(PY) -m hub.room stop --state $(HUB_STATE)

hub-status: $(VENV)/.installed
	$(PY) -m hub.room status --state $(HUB_STATE)

# A simulated class on 127.0.0.1 (its own room, users and state; removed afterwards):
# N students at once log in, start servers, run chapter 7 and move its explorer. Writes RESULTS.md.
HUB_LOAD_N ?= 5 10 20
# HUB_LOAD_FLAGS=--shared notes in RESULTS.md that the machine was busy with other work meanwhile.
HUB_LOAD_FLAGS ?=
hub-load: workshop
	$(PY) -m hub.load --n $(HUB_LOAD_N) --results benchmarks/RESULTS.md $(HUB_LOAD_FLAGS)

# The room's fault tests (root needed; they skip with a message otherwise, except under CI=true).
# A test still running after 300 s prints every thread's stack (faulthandler), so a hang shows where.
test-hub: workshop
	$(PY) -m pytest tests/hub -p no:cacheprovider -o faulthandler_timeout=300 $(PYTEST_ARGS)

# Regenerate the pinned set from the top-level requirements (needs the package registry).
lock: check-python
	rm -rf _build/lockenv && $(PYTHON) -m venv _build/lockenv
	_build/lockenv/bin/pip install --quiet -r requirements.in
	{ echo "# Pinned with: make lock (from requirements.in, $$(_build/lockenv/bin/python --version))"; \
	  _build/lockenv/bin/pip freeze --exclude-editable | grep -v '^phb-book'; \
	  echo "-e ."; } > requirements.txt
	rm -rf _build/lockenv

clean:
	rm -rf _build conf.py
