"""Re-running a matrix offline (the committed embedded cassettes): a cell cut short keeps its
finished documents and does the rest, a finished one is kept untouched, and a cell that cannot
start is recorded as failed with its reason while the others are scored; never a success."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
MATRIX = f"""
[matrix]
name = "resume"
documents = ["{ROOT}/seeds"]
gold = "{ROOT}/gold"

[base]
cache = {{ dir = "{ROOT}/cassettes", mode = "replay" }}
extraction = {{ strategy = "sentences" }}

[[axes.provider]]
name = "gemma"
provider = {{ kind = "embedded" }}
"""
BROKEN = """
[[axes.provider]]
name = "broken"
provider = { kind = "embedded", model_path = "/nonexistent/model.gguf" }
"""


def _run(config: Path, out: Path) -> tuple[int, dict[str, str], dict[str, dict[str, object]]]:
    code = main(["matrix", str(config), "--out", str(out), "--quiet"])
    plan = json.loads((out / "matrix.json").read_text())
    return code, {c["id"]: c["status"] for c in plan["cells"]}, {c["id"]: c for c in plan["cells"]}


def _records(lines: list[bytes]) -> dict[str, object]:
    """Each document's record: a redone line differs from the first run's in its latency only."""
    return {x["id"]: x["record"] for x in map(json.loads, lines)}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_a_cell_cut_short_resumes_and_a_finished_one_is_kept(tmp_path: Path) -> None:
    config, out = tmp_path / "m.toml", tmp_path / "out"
    config.write_text(MATRIX)
    assert _run(config, out)[:2] == (0, {"gemma.r1": "ran"})
    predictions = out / "cells" / "gemma.r1" / "predictions.jsonl"
    whole = predictions.read_bytes()
    lines = whole.splitlines(keepends=True)
    predictions.write_bytes(b"".join(lines[:2]) + lines[2][:40])  # a kill mid-line
    (out / "cells" / "gemma.r1" / "manifest.json").unlink()
    assert _run(config, out)[:2] == (0, {"gemma.r1": "resumed"})
    done = predictions.read_bytes().splitlines()
    assert done[:2] == [x.rstrip(b"\n") for x in lines[:2]]  # kept byte for byte
    assert _records(done) == _records(whole.splitlines())
    before = predictions.stat().st_mtime_ns
    assert _run(config, out)[:2] == (0, {"gemma.r1": "kept"})
    assert predictions.stat().st_mtime_ns == before


def test_a_cell_that_cannot_start_fails_the_matrix_not_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, out = tmp_path / "m.toml", tmp_path / "out"
    config.write_text(MATRIX + BROKEN)
    code, statuses, cells = _run(config, out)
    assert code == 1
    assert statuses == {"gemma.r1": "ran", "broken.r1": "failed"}
    assert "/nonexistent/model.gguf" in str(cells["broken.r1"]["error"])
    summary = (out / "summary.md").read_text()
    assert "FAILED broken.r1: ProviderConfigError" in summary
    assert "cell broken.r1 failed" in capsys.readouterr().err
    report = json.loads((out / "matrix-report.json").read_text())
    broken = next(c for c in report["cells"] if c["id"] == "broken.r1")
    assert broken["micro"]["strict"]["f1"] == 0.0  # its gold items count as missing
