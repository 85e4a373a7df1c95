"""The CI recipe: the committed matrix replays offline and passes its committed baseline; a
recorded answer edited to lose a quote makes the same command exit 1 naming the lost item.

This is the command `make test` runs (Makefile, after the single-run gate).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
MATRIX = ROOT / "matrices" / "seeds.toml"
BASELINE = ROOT / "baseline" / "matrix" / "seeds.json"


def _matrix(config: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": "", "HF_HUB_OFFLINE": "1", "NO_PROXY": "*"}
    flags = ["--cache", "replay", "--out", str(out), "--fresh", "--quiet", "--baseline"]
    return subprocess.run(
        [sys.executable, "-m", "extractor.cli", "matrix", str(config), *flags, str(BASELINE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_committed_matrix_replays_and_passes_its_baseline(tmp_path: Path) -> None:
    done = _matrix(MATRIX, tmp_path / "out")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((tmp_path / "out" / "matrix-report.json").read_text())
    assert [c["id"] for c in report["cells"]] == [
        "default.gemma.r1",
        "default.oracle.r1",
        "invented-examples.gemma.r1",
    ]
    assert all(c["cost"]["live_calls"] == 0 for c in report["cells"])  # nothing left the disk
    single = json.loads((ROOT / "baseline" / "report.json").read_text())["micro"]
    gemma = report["cells"][0]["micro"]
    assert round(gemma["strict"]["f1"], 6) == single["strict"]["f1"]  # one scorer, one run


def _lose_a_quote(cassettes: Path) -> str:
    """Edits the first recorded whole-article answer with a quote to drop that quote."""
    for path in sorted(cassettes.rglob("*.json")):
        entry = json.loads(path.read_text())
        call = entry["response"]["choices"][0]["message"]["tool_calls"][0]["function"]
        answer = json.loads(call["arguments"])
        if answer.get("quotes"):
            dropped = answer["quotes"].pop(0)
            call["arguments"] = json.dumps(answer)
            path.write_text(json.dumps(entry, indent=1))
            return str(dropped["speaker"])
    raise AssertionError("no recorded answer with a quote")


def test_a_cell_that_regresses_fails_the_recipe(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    shutil.copytree(ROOT / "matrices" / "cassettes", cassettes)
    speaker = _lose_a_quote(cassettes)
    text = MATRIX.read_text().replace('"../', f'"{ROOT}/')
    config = tmp_path / "seeds.toml"
    config.write_text(text.replace('dir = "cassettes"', f'dir = "{cassettes}"'))
    done = _matrix(config, tmp_path / "out")
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "matrix gate: FAIL" in summary and "cell default.oracle.r1:" in summary
    assert "| quotes | " + speaker in summary  # the lost gold item, by name
