"""The Ray engine end to end: a session cluster, the fake endpoint, the real batch writer.

The same bytes as the local engine for the same replayed run, a failing document is its own
error line, and a killed driver resumes with no duplicate line and no call paid twice.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from support.corpus import cli_run_args, documents, run_config, write_jsonl, write_retry_config
from support.fake_openai import FakeSettings, Fault, serve_fake
from support.procs import child_env, kill9, start_cli, wait_until

from extractor.batch import PREDICTIONS, Summary, read_predictions, run_batch
from extractor.config import RunConfig
from extractor.documents import Document
from extractor.pipeline import Pipeline
from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server
DOCS = 24


def _docs(count: int = DOCS) -> list[Document]:
    return [Document(d["id"], d["text"], "test") for d in documents(count)]


def _with_engine(config: RunConfig, kind: str) -> RunConfig:
    engine = {"kind": kind, "actors": 2, "actor_cpus": 0.25, "no_progress_timeout_s": 60.0}
    return RunConfig.model_validate(config.model_dump(mode="json") | {"engine": engine})


def _run(config: RunConfig, out: Path, **kw: bool) -> Summary:
    pipeline = Pipeline.from_config(config)
    return asyncio.run(run_batch(pipeline, _docs(), out, progress=False, **kw))


def test_ray_writes_the_lines_the_local_engine_writes(ray_cluster: str, tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    with serve_fake() as (_, url):
        _run(_with_engine(run_config(url, "record", cassettes), "local"), tmp_path / "rec")
    replay = run_config("http://127.0.0.1:9/v1", "replay", cassettes)
    local = _run(_with_engine(replay, "local"), tmp_path / "local")
    ray = _run(_with_engine(replay, "ray"), tmp_path / "ray")
    assert local.ok == ray.ok == DOCS and ray.failed == 0
    written = (tmp_path / "ray" / PREDICTIONS).read_bytes()
    assert written == (tmp_path / "local" / PREDICTIONS).read_bytes()  # byte for byte
    ids = [line.id for line in read_predictions(tmp_path / "ray" / PREDICTIONS)]
    assert ids == [d.id for d in _docs()]  # rows come back in input order
    manifest = json.loads((tmp_path / "ray" / "manifest.json").read_text())
    assert manifest["engine"]["kind"] == "ray" and manifest["engine"]["actors"] == 2


def test_a_failing_document_is_its_error_line_not_a_lost_block(
    ray_cluster: str, tmp_path: Path
) -> None:
    docs = _docs()
    poison = {docs[5].text.split(".")[0]: Fault.BAD_REQUEST}
    with serve_fake(FakeSettings(poison=poison)) as (_, url):
        summary = _run(_with_engine(run_config(url), "ray"), tmp_path / "out")
    lines = {line.id: line for line in read_predictions(tmp_path / "out" / PREDICTIONS)}
    assert sorted(lines) == sorted(d.id for d in docs)  # every document has its line
    assert lines[docs[5].id].error is not None and "400" in lines[docs[5].id].error
    assert summary.failed == 1 and summary.ok == DOCS - 1


def _parsed(path: Path) -> dict[str, PredictionLine]:
    return {line.id: line for line in read_predictions(path)} if path.exists() else {}


def test_a_killed_driver_resumes_without_duplicates_or_paying_twice(
    ray_cluster: str, tmp_path: Path
) -> None:
    inputs = write_jsonl(tmp_path / "docs.jsonl", documents(DOCS))
    out, cassettes = tmp_path / "out", tmp_path / "cassettes"
    predictions = out / PREDICTIONS
    env = child_env(RAY_ADDRESS=ray_cluster, RAY_DATA_EXECUTION_NO_PROGRESS_TIMEOUT_S="60")
    with serve_fake(FakeSettings(latency_s=0.3)) as (fake, url):
        args = [
            "extract",
            str(inputs),
            *cli_run_args(url, write_retry_config(tmp_path), "auto"),
            "--cache-dir",
            str(cassettes),
            "--engine",
            "ray",
            "--actors",
            "2",
            "--concurrency",
            "4",
            "--out",
            str(out),
            "--quiet",
        ]
        first = start_cli(args, tmp_path / "first.log", env)
        wait_until(lambda: len(_parsed(predictions)) >= 4, timeout=120)
        kill9(first)
        before = _parsed(predictions)
        assert 4 <= len(before) < DOCS, (tmp_path / "first.log").read_text()
        time.sleep(3)  # the cluster reaps the dead driver's actors; their last calls land
        fake.settings.latency_s, requests_before = 0.0, fake.chat_requests
        resumed = start_cli([*args, "--resume"], tmp_path / "second.log", env)
        assert resumed.wait(timeout=180) == 0, (tmp_path / "second.log").read_text()
        redone = fake.chat_requests - requests_before
    raw = predictions.read_text(encoding="utf-8").splitlines()
    after = _parsed(predictions)
    assert len(raw) == len(after) == DOCS  # every line parses, none twice
    assert all(after[i].model_dump_json() == line.model_dump_json() for i, line in before.items())
    todo = [after[i] for i in after if i not in before]
    paid = sum(line.usage.calls - line.usage.cache_hits + line.usage.retries for line in todo)
    assert redone == paid  # every request now is a call no earlier run had recorded
