#!/usr/bin/env bash
# The package as users install it: build the wheel from what is committed, install it
# non-editable into a scratch virtual environment, and run a replay extraction and an eval from
# a folder that holds its own `schemas.py` and `eval/` (names a user's project commonly has).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
py=${PY:-python3.11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

quietly() {  # pip's warnings about unused index locations would bury the result; shown on failure
  "$@" >"$work/log" 2>&1 || { cat "$work/log"; echo "wheel: failed: $*"; exit 1; }
}
mkdir -p "$work/src"
git -C "$repo" archive HEAD | tar -x -C "$work/src"
quietly "$py" -m pip wheel --no-deps -w "$work/dist" "$work/src"
wheel=$(ls "$work"/dist/*.whl)
quietly "$py" -m venv "$work/venv"
quietly "$work/venv/bin/pip" install "$wheel"
# Every file the packages load at run time (prompts, templates) is in the wheel.
"$py" - "$wheel" "$work/src" <<'PY' || exit 1
import sys, zipfile, pathlib
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
src = pathlib.Path(sys.argv[2])
folders = {"extractor": "extractor", "schemas": "extractor_schemas", "eval": "extractor_eval"}
want = [
    f"{folders[p.relative_to(src).parts[0]]}/{'/'.join(p.relative_to(src).parts[1:])}"
    for top in folders for p in (src / top).rglob("*")
    if p.is_file() and p.suffix in {".txt", ".md", ".json", ".css", ".js", ".html"}
    and p.name != "README.md"
]
lost = sorted(set(want) - names)
if lost:
    print("wheel: files missing from the wheel:", *lost[:20], sep="\n  ")
    sys.exit(1)
PY

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
