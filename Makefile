# regenkg — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip
# Threads: the target machine has 2 cores; being explicit keeps BLAS/torch from oversubscribing.
export OMP_NUM_THREADS ?= 2
export TOKENIZERS_PARALLELISM ?= false
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1

.PHONY: install install-dev demo typecheck test bench clean-index

$(VENV)/.torch:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build.
	$(PIP) install --quiet torch==2.13.0
	touch $@

$(VENV)/.installed: $(VENV)/.torch pyproject.toml
	$(PIP) install --quiet -e ".[server,notebook]"
	# Front-end packages for the web explorer come from the npm registry (lockfile committed) and are
	# served locally; without npm the page still works, minus the graph drawing.
	@if command -v npm >/dev/null 2>&1; then \
	  cd src/regenkg/server/web && npm ci --ignore-scripts --no-audit --no-fund --silent && npm run --silent vendor; \
	else echo "npm not found: the web page will work without the Cytoscape graph view"; fi
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[server,notebook,dev]"
	# The browser test drives Debian's Chromium through Playwright (no browser download). As root
	# (CI) it is installed here; elsewhere the test skips with a message saying how to get it.
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) \
	  || echo "could not install chromium: the browser test will be skipped"; fi
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

demo: install
	$(VENV)/bin/regenkg build corpus/
	$(VENV)/bin/regenkg info
	$(VENV)/bin/regenkg ask "who develops TCR-T"

# The type checker runs first: src/ must be clean ([tool.mypy] in pyproject.toml).
typecheck: install-dev
	$(PY) -m mypy

test: install-dev typecheck
	$(PY) -m pytest -q

$(VENV)/.installed-bench: $(VENV)/.installed-dev pyproject.toml
	$(PIP) install --quiet -e ".[server,notebook,dev,bench]"
	# The endpoint benchmark loads the servers with Debian's wrk (a C load generator, so the client does
	# not compete with the servers for the 2 cores the way a Python client does).
	@if ! command -v wrk >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) \
	  || echo "could not install wrk: the server benchmark falls back to a Python client"; fi
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/run_all.py

clean-index:
	rm -rf indexes/default
