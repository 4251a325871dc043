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

.PHONY: run test bench bench-text bench-tables fixtures lock system clean serve

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

test: $(STAMP)
	@bash .ci/install-system $(TEST_APT_PACKAGES)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

bench-text: $(STAMP)
	$(BIN)/python -m bench text

bench-tables: $(STAMP)
	$(BIN)/python -m bench tables

fixtures: $(STAMP)
	$(BIN)/python fixtures/generate.py

serve: $(STAMP)
	$(BIN)/lvingest serve

# Re-pin Python dependencies after editing pyproject.toml.
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --no-header --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) $(OUT)/* .pytest_cache
