"""Bad input through the CLI: every input ends as one line, a record or a named error, no crash.

The CLI has no per-document size cap below 20 MB (the service has one): a 10 MB article is
tens of thousands of model calls. Here the fake refuses its first call (400, final), which
shows that reading and splitting 10 MB does not crash the run. Concurrency is 1 because that
splitting blocks the event loop for seconds, which at higher concurrency can use up the time
budget of other documents' calls in flight (they then fail, with the reason).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.corpus import INJECTION, article, cli_run_args, write_retry_config
from support.fake_openai import FakeSettings, Fault, serve_fake
from support.procs import run_cli

from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\t \n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Café owner Xiaomi opened a plant.".encode("latin-1"))
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (folder / "ok.txt").write_text(article(3), encoding="utf-8")
    (folder / "injection.txt").write_text(f"{article(4)} {INJECTION}", encoding="utf-8")
    big = "Quuxtel Devices opened a plant in Pune. " + article(5) + " "
    (folder / "big.txt").write_text(big * (10_000_000 // len(big)), encoding="utf-8")
    long = article(7) + " "
    (folder / "long.txt").write_text(long * (40_000 // len(long)), encoding="utf-8")
    (folder / "wrong.jsonl").write_text(
        "\n".join(
            [
                json.dumps({"id": "typed", "text": 5}),
                json.dumps([1, 2]),
                "not json",
                json.dumps({"id": {"x": 1}, "text": "y"}),
                json.dumps({"id": "fine", "text": article(6)}),
            ]
        ),
        encoding="utf-8",
    )
    return folder


def test_cli_accounts_for_every_bad_input(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    settings = FakeSettings(poison={"Quuxtel": Fault.BAD_REQUEST})
    with serve_fake(settings) as (fake, url):
        done = run_cli(
            [
                "extract",
                str(inputs),
                *cli_run_args(url, write_retry_config(tmp_path)),
                "--concurrency",
                "1",
                "--out",
                str(tmp_path / "out"),
                "--quiet",
            ],
            timeout=150,
        )
    assert done.returncode == 1, done.stderr  # some inputs failed, and the run said so
    assert "Traceback" not in done.stderr
    raw = (tmp_path / "out" / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    lines = {line.id: line for line in map(PredictionLine.model_validate_json, raw)}
    assert len(lines) == len(raw) == 13
    errors = {doc_id: line.error or "" for doc_id, line in lines.items()}
    assert "empty" in errors["empty"] and "empty" in errors["blank"]
    assert "not valid UTF-8" in errors["latin1"] and "binary" in errors["binary"]
    assert "'text' must be a string" in errors["typed"]
    assert "not a JSON object" in errors["wrong:2"] and "not JSON" in errors["wrong:3"]
    assert "'id' must be a string" in errors["wrong:4"]
    assert "over the limit of 200000 (extraction.max_chars)" in errors["big"]
    assert lines["long"].usage.calls > 100  # far past the context window: read in chunks
    for doc_id in ("ok", "fine", "injection", "long"):
        assert lines[doc_id].error is None and lines[doc_id].record is not None
    injected = lines["injection"]
    assert fake.counts["injected"] >= 1
    assert "HACKED" not in json.dumps(injected.record.model_dump() if injected.record else {})
    assert any("HACKED" in json.dumps(r.item) for r in injected.rejected)
