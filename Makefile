# PruneEdu: `make lab` opens the course, `make test` checks everything.
# Both create .venv on first use and reuse it afterwards: the install step reruns only
# when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.pruneedu-installed
HOST   ?= 127.0.0.1
PORT   ?= 8888
# JupyterLab refuses to start as root (containers, some lab machines) unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help lab test lint unit notebooks browser bench wheel audio clean-venv

help:
	@echo "make help        - this list (also what a bare make prints)"
	@echo "make lab         - set up .venv (first time only) and open the course in JupyterLab"
	@echo "make test        - set up .venv (first time only), then lint, unit, notebook and browser tests"
	@echo "make lint        - ruff on pruneedu, tests, benchmarks and scripts"
	@echo "make unit        - unit tests (includes building and installing the wheel) and docstring examples"
	@echo "make notebooks   - run every notebook top to bottom with nbval, twice: as shipped (exercise"
	@echo "                   stubs) and with the reference solutions filled in (build/, not committed)"
	@echo "make browser     - open each notebook in headless Chromium through JupyterLab"
	@echo "make bench       - run the benchmarks in benchmarks/ and print their tables"
	@echo "make wheel       - build the installable wheel (the library and the whole course) into dist/"
	@echo "make audio       - speak again every lesson recording whose text changed (installs the TTS engines)"
	@echo "make clean-venv  - delete .venv (the next make recreates it)"
	@echo "make $(STAMP) - only set up .venv (what every target above does first)"

$(STAMP): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "PruneEdu needs Python 3.10 or newer; run make with PYTHON=/path/to/python3.11")'
	@if [ ! -x $(BIN)/python ]; then \
		echo "==> Creating the virtual environment $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	@echo "==> Installing pruneedu and its pinned dependencies into $(VENV) (CPU-only torch==2.13.0)"
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -e ".[dev]"
	@touch $(STAMP)
	@echo "==> Environment ready"

# Kernel messages leave at once (Nagle off): a slider move is answered in several small
# messages, and Nagle holds the later ones about 40 ms (pruneedu/kernel_nodelay.py).
lab: $(STAMP)
	@echo "==> Starting JupyterLab on notebooks/ - open the http://$(HOST):$(PORT)/lab?token=... URL printed below"
	$(BIN)/jupyter lab --notebook-dir=notebooks --ip=$(HOST) --port=$(PORT) $(ROOT_FLAG) \
		--ServerApp.kernel_websocket_connection_class=pruneedu.kernel_nodelay.NoDelayKernelConnection

lint: $(STAMP)
	@echo "==> Lint (ruff)"
	$(BIN)/ruff check pruneedu tests benchmarks scripts conftest.py setup.py

unit: $(STAMP)
	@echo "==> Unit tests"
	$(BIN)/python -m pytest -q -m "not browser" tests
	@echo "==> Docstring examples"
	$(BIN)/python -m pytest -q -p no:cacheprovider --doctest-modules pruneedu

# Each run gets an empty learner folder, so no one's saved answers or checks leak in or out.
NBVAL := $(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax
SOLVED := build/solved-notebooks

notebooks: $(STAMP)
	@echo "==> Notebooks as shipped (exercise stubs), run top to bottom (nbval)"
	@home=$$(mktemp -d) && PRUNEEDU_HOME=$$home $(NBVAL) notebooks; status=$$?; \
		rm -rf $$home; exit $$status
	@echo "==> Notebooks with the reference solutions filled in ($(SOLVED), generated)"
	@rm -rf $(SOLVED) && $(BIN)/python scripts/fill_solutions.py --out $(SOLVED)
	@home=$$(mktemp -d) && PRUNEEDU_HOME=$$home $(NBVAL) $(SOLVED); status=$$?; \
		rm -rf $$home; exit $$status

browser: $(STAMP)
	@echo "==> Browser tests (JupyterLab in headless Chromium)"
	$(BIN)/python -m pytest -q -m browser -rs tests

test: lint unit notebooks browser
	@echo "==> All checks passed"

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do \
		echo "==> $$script"; $(BIN)/python $$script || exit 1; \
	done

wheel: $(STAMP)
	@echo "==> Building the wheel into dist/ (setup.py copies lessons, quizzes, exercises, notebooks in)"
	$(BIN)/python -m pip wheel --disable-pip-version-check --no-deps --no-build-isolation -w dist .

# The text-to-speech engines (the [audio] extra, about 100 MB) come only with this target:
# learners never need them. Reinstalled when pyproject.toml changes.
AUDIO_STAMP := $(VENV)/.pruneedu-audio-installed
audio: $(STAMP)
	@if [ ! -f $(AUDIO_STAMP) ] || [ pyproject.toml -nt $(AUDIO_STAMP) ]; then \
		echo "==> Installing the offline text-to-speech engines (the [audio] extra)"; \
		$(BIN)/python -m pip install --disable-pip-version-check --quiet -e ".[dev,audio]" \
			&& touch $(AUDIO_STAMP); \
	fi
	@echo "==> Speaking every lesson recording whose text changed (audio/)"
	$(BIN)/pruneedu audio build

clean-venv:
	rm -rf $(VENV)
