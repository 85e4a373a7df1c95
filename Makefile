# Every set-up step the project needs, so a fresh machine needs nothing installed by hand.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# llama.cpp's default build takes the AMX / AVX-512 path, which segfaults in decode on these CPUs.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: install run test lint bench browser clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" FORCE_CMAKE=1 $(BIN)/pip install -e '.[embedded,server,dev]'
	touch $@

install: $(VENV)/.installed

# The main job: extract the seeds with the embedded local model, no configuration.
run: install
	$(BIN)/extractor extract --out runs/latest

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

# The whole test suite, offline: lint, types, layering, unit, end-to-end (real model, loopback servers, browser).
test: install browser
	$(BIN)/ruff check extractor schemas eval tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache
