# One command for every gate (STYLE 15). Needs only python3 (>= 3.11) and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint fmt typecheck bench docs screenshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: set up and run one pass over the bundled example reviews (records-only mode)
run: $(STAMP)
	$(BIN)/syncd --config config.example.yaml check; rc=$$?; \
	  if [ $$rc -le 1 ]; then echo "(exit $$rc: 0 = healthy, 1 = follow-through problems found)"; exit 0; fi; exit $$rc

## test: set up and run the whole test suite plus lint and type checks
test: $(STAMP)
	$(BIN)/ruff check syncd tests bench
	$(BIN)/ruff format --check syncd tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check syncd tests bench
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format syncd tests bench
	$(BIN)/ruff check --fix syncd tests bench

## docs: regenerate docs/config-reference.md from the config models
docs: $(STAMP)
	$(BIN)/python -m syncd.config.reference > docs/config-reference.md

bench: $(STAMP)
	$(BIN)/python bench/bench_records.py
	$(BIN)/python bench/bench_trackers.py
	$(BIN)/python bench/bench_digest.py
	$(BIN)/python bench/bench_service.py

## screenshot: pictures of the HTML digest email (desktop, phone) in docs/; needs Debian's chromium
screenshot: $(STAMP)
	$(BIN)/python bench/screenshot.py

clean:
	rm -rf $(VENV) .syncd .pytest_cache .mypy_cache .ruff_cache
