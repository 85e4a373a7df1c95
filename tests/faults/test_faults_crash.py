"""kill -9 in the middle of a run, then resume: nothing finished is lost, nothing is doubled.

The fake endpoint answers slowly during the first run so the kill lands mid-batch, with
documents in flight, cassettes being written and results being committed.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.corpus import cli_run_args, documents, write_jsonl, write_retry_config
from support.fake_openai import FakeSettings, serve_fake
from support.procs import kill9, start_cli, stop, wait_ready, wait_until
from support.servers import free_port

from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server
DOCS = 40
SLOW = 0.25


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _parsed(lines: list[str]) -> dict[str, str]:
    """Lines that parse, by id: a torn last line from the kill is not a result."""
    kept = {}
    for raw in lines:
        try:
            kept[PredictionLine.model_validate_json(raw).id] = raw
        except ValueError:
            continue
    return kept


def assert_cassettes_whole(folder: Path) -> int:
    """Every cassette parses: entries are written to a temporary name, then renamed."""
    entries = sorted(folder.rglob("*.json"))
    for entry in entries:
        assert json.loads(entry.read_text(encoding="utf-8"))["response"]["choices"]
    return len(entries)


def test_cli_kill9_then_resume(tmp_path: Path) -> None:
    inputs = write_jsonl(tmp_path / "docs.jsonl", documents(DOCS))
    out, cassettes = tmp_path / "out", tmp_path / "cassettes"
    predictions = out / "predictions.jsonl"
    with serve_fake(FakeSettings(latency_s=SLOW)) as (fake, url):
        args = [
            "extract",
            str(inputs),
            *cli_run_args(url, write_retry_config(tmp_path), "record"),
            "--cache-dir",
            str(cassettes),
            "--concurrency",
            "4",
            "--out",
            str(out),
            "--quiet",
        ]
        first = start_cli(args, tmp_path / "first.log")
        wait_until(lambda: len(_lines(predictions)) >= 8)
        kill9(first)
        written = _lines(predictions)
        before = _parsed(written)
        assert len(before) >= len(written) - 1  # at most the line being written is torn
        assert 8 <= len(before) < DOCS
        assert_cassettes_whole(cassettes)
        time.sleep(0.3)  # requests the dead client had already sent still reach the fake
        fake.settings.latency_s, requests_before = 0.0, fake.chat_requests
        resumed = start_cli([*args, "--resume"], tmp_path / "second.log")
        assert resumed.wait(timeout=120) == 0, (tmp_path / "second.log").read_text()
        redone = fake.chat_requests - requests_before
    final = _lines(predictions)
    after = _parsed(final)
    assert len(final) == len(after) == DOCS  # every line parses, none twice
    assert sorted(after) == sorted(d["id"] for d in documents(DOCS))
    assert all(after[doc_id] == line for doc_id, line in before.items())  # kept as written
    todo = [PredictionLine.model_validate_json(after[i]) for i in after if i not in before]
    asked = sum(line.usage.calls + line.usage.retries for line in todo)
    assert redone == asked  # the finished documents were not asked again
    assert assert_cassettes_whole(cassettes) >= DOCS


def _serve(port: int, db: Path, url: str, config: Path, cassettes: Path, log: Path) -> Any:
    args = [
        "serve",
        "--port",
        str(port),
        "--db",
        str(db),
        *cli_run_args(url, config, "record"),
        "--cache-dir",
        str(cassettes),
        "--concurrency",
        "4",
        "--log-level",
        "warning",
    ]
    return start_cli(args, log)


def _done_lines(client: httpx.Client, job_id: str) -> dict[str, str]:
    return _parsed(client.get(f"/v1/batches/{job_id}/results").text.splitlines())


def test_service_kill9_then_restart_resumes(tmp_path: Path) -> None:
    port, db, cassettes = free_port(), tmp_path / "service.sqlite3", tmp_path / "cassettes"
    base, config = f"http://127.0.0.1:{port}", write_retry_config(tmp_path)
    with (
        serve_fake(FakeSettings(latency_s=SLOW)) as (fake, url),
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        server = _serve(port, db, url, config, cassettes, tmp_path / "first.log")
        wait_ready(base, server)
        job_id = client.post("/v1/batches", json={"documents": documents(DOCS)}).json()["id"]
        wait_until(lambda: client.get(f"/v1/batches/{job_id}").json()["done"] >= 8)
        before = _done_lines(client, job_id)
        kill9(server)
        assert 8 <= len(before) < DOCS
        fake.settings.latency_s = 0.0
        server = _serve(port, db, url, config, cassettes, tmp_path / "second.log")
        try:
            wait_ready(base, server)
            wait_until(lambda: client.get(f"/v1/batches/{job_id}").json()["state"] == "done")
            final = client.get(f"/v1/batches/{job_id}/results").text.splitlines()
        finally:
            stop(server)
    after = _parsed(final)
    assert len(final) == len(after) == DOCS
    assert all(after[doc_id] == line for doc_id, line in before.items())
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM results").fetchone() == (DOCS,)
    assert_cassettes_whole(cassettes)
