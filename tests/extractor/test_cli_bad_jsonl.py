"""A bad JSONL line through the real CLI fails that line alone (issue 13, R3 and R5).

A lone surrogate (`"\\ud800"`, a legal JSON escape that is not Unicode text) used to abort the
whole run with exit 2 and no manifest, because the failure handler itself hashed the text; an
invalid byte used to fail every line of the file. Now each is one failed line naming its line
and cause, the other lines are extracted, and the run ends with exit 1 and a manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.corpus import article, cli_run_args, write_retry_config
from support.fake_openai import serve_fake
from support.procs import run_cli

from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server


def _upload(path: Path) -> Path:
    lines = [
        json.dumps({"id": "first", "text": article(1)}).encode(),
        b'{"id": "lone", "text": "Xiaomi \\ud800 opened a plant."}',
        b'{"id": "latin1", "text": "Caf\xe9 owner Xiaomi"}',
        json.dumps(
            {"id": "sep", "text": f"{article(2)}\u2028{article(3)}"}, ensure_ascii=False
        ).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_bad_lines_fail_alone_and_the_run_finishes(tmp_path: Path) -> None:
    inputs, out = _upload(tmp_path / "docs.jsonl"), tmp_path / "out"
    with serve_fake() as (_, url):
        done = run_cli(
            [
                "extract",
                str(inputs),
                *cli_run_args(url, write_retry_config(tmp_path)),
                "--out",
                str(out),
                "--quiet",
            ]
        )
    assert done.returncode == 1, done.stderr  # some lines failed, and the run said so
    assert "Traceback" not in done.stderr
    assert (out / "manifest.json").exists()
    raw = (out / "predictions.jsonl").read_bytes().split(b"\n")
    lines = {p.id: p for p in (PredictionLine.model_validate_json(r) for r in raw if r)}
    assert sorted(lines) == ["docs:3", "first", "lone", "sep"]  # a line not UTF-8 has no id
    assert lines["first"].error is None and lines["sep"].error is None
    assert "line 2: 'text' has a lone surrogate U+D800 at character 7" in (
        lines["lone"].error or ""
    )
    assert "line 3 is not valid UTF-8 at byte" in (lines["docs:3"].error or "")
