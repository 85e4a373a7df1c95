#!/usr/bin/env bash
# The package as users install it: build the wheel from what is committed, install it
# non-editable into a scratch virtual environment, and run a replay extraction and an eval from
# a folder that holds its own `schemas.py` and `eval/` (names a user's project commonly has).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
py=${PY:-python3.11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git -C "$repo" archive HEAD | tar -x -C "$work" --one-top-level=src 2>/dev/null \
  || { mkdir -p "$work/src"; git -C "$repo" archive HEAD | tar -x -C "$work/src"; }
"$py" -m pip wheel --no-deps -q -w "$work/dist" "$work/src" >/dev/null
wheel=$(ls "$work"/dist/*.whl)
"$py" -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"

user="$work/user"
mkdir -p "$user/eval"
cat >"$user/schemas.py" <<'PY'
raise RuntimeError("a user's own schemas.py was imported by the extractor")
PY
cat >"$user/eval/__init__.py" <<'PY'
raise RuntimeError("a user's own eval/ package was imported by the extractor")
PY
cd "$user"
bin="$work/venv/bin"
"$bin/extractor" --help | grep -q "eval" || { echo "wheel: 'eval' subcommand missing from --help"; exit 1; }
"$bin/extractor" extract "$repo/seeds" --cache replay --cache-dir "$repo/cassettes" \
  --out "$user/run" --quiet
"$bin/extractor" eval --pred "$user/run" --gold "$repo/gold" --quiet \
  --baseline "$repo/baseline/report.json"
echo "wheel: $(basename "$wheel") installed non-editable; replay and eval passed beside a user's schemas.py and eval/"
