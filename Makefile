# scan, step by step. `make book` builds the site, `make test` runs every test; both create
# the environment first when it is missing or out of date.
SHELL := /bin/bash
.DEFAULT_GOAL := book

# PyTensor 3.3 needs Python >= 3.12 (.python-version pins 3.12 for pyenv).
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := assets/vendor
HTML_MANAGER := node_modules/@jupyter-widgets/html-manager/dist
NOTO := node_modules/@fontsource/noto-sans-sc

.PHONY: book test lab serve env vendor notebooks lint constraints clean benchmarks

env: $(STAMP)
$(STAMP): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), f"need Python >= 3.12 for PyTensor 3.3, got {sys.version.split()[0]}; set PYTHON=/path/to/python3.12"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	# jsonschema imports rfc3987-syntax whenever it is installed (jupyter-events pulls it in),
	# and it builds a grammar on import: 2 s in every process that reads a notebook (pytest and
	# each of its workers, the site build, jupyter lab). Nothing here validates IRIs.
	$(BIN)/python -m pip uninstall --quiet -y rfc3987-syntax
	touch $@

# The site serves the widget manager, require.js, MathJax and its CJK font itself: copied from the
# npm packages pinned in package-lock.json, never fetched from a CDN.
vendor: $(VENDOR)/.copied
$(VENDOR)/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/widgets $(VENDOR)/mathjax
	cp node_modules/requirejs/require.js $(VENDOR)/widgets/
	cp $(HTML_MANAGER)/embed-amd.js $(HTML_MANAGER)/*.woff2 $(HTML_MANAGER)/*.woff \
	   $(HTML_MANAGER)/*.ttf $(HTML_MANAGER)/*.eot $(HTML_MANAGER)/*.svg $(VENDOR)/widgets/
	cp -r node_modules/mathjax/es5/. $(VENDOR)/mathjax/
	# Noto Sans SC (regular only; bold is synthesised) for the notes' Chinese, in unicode-range
	# slices; the CSS keeps only the woff2 sources, the files the site ships.
	mkdir -p $(VENDOR)/fonts/files
	sed -E "s#, url\(\./files/[^)]*\.woff\) format\('woff'\)##" $(NOTO)/400.css > $(VENDOR)/fonts/noto-sans-sc.css
	cp $(NOTO)/files/*-400-normal.woff2 $(VENDOR)/fonts/files/
	touch $@

book: env vendor
	rm -rf _build/html
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Built: open _build/html/index.html, or run 'make serve' and visit http://127.0.0.1:8000"

# Tests run in one process per core (pytest-xdist, at most 4); --dist loadfile keeps each
# notebook's cells together, in order, in one kernel (nbval).
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set (as on our machines): every
# worker and kernel would otherwise recompile lib/ and pytest re-rewrite each test module's
# asserts, a few seconds of cpu per process (__pycache__/ is git-ignored).
test: export PYTHONDONTWRITEBYTECODE :=
test: env vendor
	$(BIN)/python -m ruff check lib tests benchmarks chapters _ext
	$(BIN)/python -m pytest -n auto --maxprocesses 4 --dist loadfile

# Re-run every chapter and store its outputs (what nbval then checks). A cell's printed text can
# arrive in pieces; the second pass joins them (the site would show each piece as its own block).
notebooks: env
	for nb in chapters/*.ipynb; do \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.kernel_name=python3 "$$nb" || exit 1; \
	  $(BIN)/jupyter nbconvert --to notebook --inplace --CoalesceStreamsPreprocessor.enabled=True \
	    "$$nb" || exit 1; \
	done

lab: env
	$(BIN)/jupyter lab --ip=127.0.0.1 chapters/

serve:
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

# Figures, not tests: each script prints what it measured. They read the site built by `make book`.
# first_run.py (every chapter's cold and warm Run All, many minutes) is run on its own.
benchmarks: book
	for b in benchmarks/*.py; do \
	  [ "$$b" = benchmarks/first_run.py ] && continue; \
	  SCANLAB_SITE=_build/html $(BIN)/python "$$b" || exit 1; \
	done

lint: env
	$(BIN)/python -m ruff check lib tests benchmarks chapters _ext

constraints: env
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf _build $(VENDOR) test-artifacts
