"""100 documents through a misbehaving endpoint, by the CLI and by the service.

Every kind of fault the fake can produce is in the schedule, and some documents are poisoned
(always answered 503, or 400) so that failing for good is exercised too. Whatever happens,
each document must end exactly once, either extracted or failed with a reason, and the number of
requests must stay inside the retry budget.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.corpus import (
    MAX_ATTEMPTS,
    cli_run_args,
    documents,
    run_config,
    write_jsonl,
    write_retry_config,
)
from support.fake_openai import FakeOpenAI, FakeSettings, Fault, serve_fake
from support.procs import run_cli
from support.service_app import results, serve_service, wait_done

from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server
DOCS = 100
OK = Fault.OK
# 20 slots, 9 faulty: every fault kind (bar the poison-only 400) recurs about ten times a run.
SCHEDULE = (
    OK,
    Fault.RATE_LIMIT,
    OK,
    Fault.SERVER_ERROR,
    OK,
    Fault.DROP,
    OK,
    Fault.MALFORMED,
    OK,
    Fault.TRUNCATED,
    OK,
    Fault.UNAVAILABLE,
    OK,
    Fault.SCHEMA_BREAK,
    OK,
    Fault.EMPTY_CHOICES,
    OK,
    Fault.TIMEOUT,
    OK,
    OK,
)
POISON = {"Zorblax": Fault.UNAVAILABLE, "Quuxtel": Fault.BAD_REQUEST}


def _settings() -> FakeSettings:
    return FakeSettings(cycle=SCHEDULE, poison=POISON, timeout_sleep_s=1.5)


def _corpus() -> list[dict[str, str]]:
    docs = documents(DOCS)
    docs[7]["text"] = "Zorblax Mobile opened a plant in Noida. It will make handsets there."
    docs[42]["text"] = "Quuxtel Devices opened a plant in Pune. It will make handsets there."
    return docs


def check_run(lines: list[dict[str, Any]], fake: FakeOpenAI) -> dict[str, Any]:
    """The invariants of a faulty run; returns its figures for the log."""
    parsed = [PredictionLine.model_validate(line) for line in lines]
    ids = [line.id for line in parsed]
    assert sorted(ids) == sorted(d["id"] for d in _corpus())  # each exactly once
    failed = {line.id: line.error for line in parsed if line.error}
    assert all(reason and reason.strip() for reason in failed.values())
    assert "HTTP 503" in failed["doc-007"] and "HTTP 400" in failed["doc-042"]
    assert all(line.record is not None for line in parsed if not line.error)
    calls = sum(line.usage.calls for line in parsed)
    retries = sum(line.usage.retries for line in parsed)
    assert retries <= calls * (MAX_ATTEMPTS - 1)
    # each call that ended (answered or failed for good) took at most MAX_ATTEMPTS requests
    assert fake.chat_requests <= (calls + len(failed)) * MAX_ATTEMPTS
    assert fake.counts["ok"] > 0 and all(fake.counts[f.value] > 0 for f in SCHEDULE)
    figures = {
        "ok": len(parsed) - len(failed),
        "failed": len(failed),
        "calls": calls,
        "retries": retries,
        "requests": fake.chat_requests,
        "served": dict(fake.counts),
    }
    print(json.dumps(figures))
    return figures


def test_cli_batch_survives_every_fault(tmp_path: Path) -> None:
    inputs = write_jsonl(tmp_path / "docs.jsonl", _corpus())
    config = write_retry_config(tmp_path)
    with serve_fake(_settings()) as (fake, url):
        done = run_cli(
            [
                "extract",
                str(inputs),
                *cli_run_args(url, config),
                "--concurrency",
                "10",
                "--out",
                str(tmp_path / "out"),
                "--quiet",
            ]
        )
    assert done.returncode == 1, done.stderr  # 1: some documents failed, and said so
    raw = (tmp_path / "out" / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    figures = check_run([json.loads(line) for line in raw], fake)
    assert f"{figures['failed']} failed" in done.stdout
    assert (tmp_path / "out" / "manifest.json").exists()


def test_service_batch_survives_every_fault(tmp_path: Path) -> None:
    with (
        serve_fake(_settings()) as (fake, url),
        serve_service(run_config(url, concurrency=10), tmp_path / "db.sqlite3") as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        job = client.post("/v1/batches", json={"documents": _corpus()}).json()
        status = wait_done(client, job["id"], timeout=120)
        lines = results(client, job["id"])
    figures = check_run(lines, fake)
    assert (status["total"], status["done"], status["failed"]) == (DOCS, DOCS, figures["failed"])
