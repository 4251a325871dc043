# lvingest: two commands on a fresh machine, `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= outputs
APT_PACKAGES := tesseract-ocr tesseract-ocr-lav tesseract-ocr-eng tesseract-ocr-osd hunspell-lv hunspell-tools
# Only the tests need a browser (they open the Prefect UI and the HTML report headless).
TEST_APT_PACKAGES := chromium
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-text bench-tables fixtures lock system clean serve

$(STAMP): requirements.lock pyproject.toml
	@bash .ci/install-system $(APT_PACKAGES)
	@command -v uv >/dev/null || $(PY) -m pip install --quiet uv
	uv venv --quiet --allow-existing --python $(PY) $(VENV)
	uv pip sync --quiet --python $(BIN)/python requirements.lock
	uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

system:
	@bash .ci/install-system $(APT_PACKAGES)

run: $(STAMP)
	$(BIN)/lvingest ingest fixtures/pdf --out $(OUT)

# Style (ruff) and types (mypy) first: a wrong attribute on a record fails here, not on a real document.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy pipeline flows

test: $(STAMP) lint
	@bash .ci/install-system $(TEST_APT_PACKAGES)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

bench-text: $(STAMP)
	$(BIN)/python -m bench text

# Table peers (pdfplumber, camelot, tabula) live in their own environment, never in .venv.
BENCH_VENV := .bench-venv
BENCH_PEERS := pdfplumber==0.11.10 camelot-py==2.0.0 opencv-python-headless==5.0.0.93 ghostscript==0.8.1 \
	tabula-py==2.10.0 jpype1==1.7.1 pandas==3.1.1 pyarrow==26.0.1 pypdfium2==5.15.2
ICDAR_TOOL ?= ../shared/tools/icdar2013.py
ICDAR_DATA ?= ../shared/bench/icdar2013-eu
TABLE_SYSTEMS ?= lvingest pdfplumber camelot-lattice camelot-stream tabula

$(BENCH_VENV)/.installed:
	@bash .ci/install-system ghostscript default-jre-headless
	uv venv --quiet --allow-existing --python $(PY) $(BENCH_VENV)
	uv pip install --quiet --python $(BENCH_VENV)/bin/python $(BENCH_PEERS)
	@touch $@

# Throughput on the fixtures, then lvingest and its peers side by side on ICDAR 2013 (EU half).
bench-tables: $(STAMP) $(BENCH_VENV)/.installed
	$(BIN)/python -m bench tables
	@if [ -f $(ICDAR_TOOL) ] && [ -d $(ICDAR_DATA) ]; then \
	  $(BENCH_VENV)/bin/python $(ICDAR_TOOL) $(ICDAR_DATA) $(TABLE_SYSTEMS) --rerun; \
	else echo "ICDAR 2013 comparison skipped: no $(ICDAR_TOOL) or $(ICDAR_DATA)"; fi

fixtures: $(STAMP)
	$(BIN)/python fixtures/generate.py

serve: $(STAMP)
	$(BIN)/lvingest serve

# Re-pin Python dependencies after editing pyproject.toml.
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --no-header --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(OUT)/* .pytest_cache
