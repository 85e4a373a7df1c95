"""OpenAI Batch API rounds against the fake endpoint's /v1/files and /v1/batches.

The thing under test is the whole run: pipeline, rounds provider, cache and batch writer; the
endpoint is the fake, which counts every request a batch answered (what the run paid for).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from support.corpus import RETRY_TOML, documents, write_jsonl
from support.fake_openai import FakeOpenAI, FakeSettings, serve_fake
from support.procs import kill9, start_cli, stop, wait_until

from extractor.batch import PREDICTIONS, Summary, read_predictions, run_batch
from extractor.config import RunConfig
from extractor.documents import Document
from extractor.pipeline import Pipeline
from extractor.providers.base import ProviderConfigError
from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server
DOCS = 12
PRICES = {"prompt_usd_per_mtok": 2.0, "completion_usd_per_mtok": 8.0}


def _docs(count: int = DOCS) -> list[Document]:
    return [Document(d["id"], d["text"], "test") for d in documents(count)]


def _config(
    url: str, cache: Path, kind: str = "openai-batch", mode: str = "auto", **extra: object
) -> RunConfig:
    data: dict[str, object] = {
        "provider": {"kind": kind, "model": "fake", "base_url": url},
        "cache": {"mode": mode, "dir": str(cache)},
        "batch": {"poll_s": 0.02},
        "cost": PRICES,
        "concurrency": 4,
        "retry": {"initial_backoff_s": 0.0, "max_backoff_s": 0.0},
    }
    data.update(extra)
    return RunConfig.model_validate(data)


def _run(config: RunConfig, out: Path, docs: list[Document], **kw: bool) -> Summary:
    return asyncio.run(run_batch(Pipeline.from_config(config), docs, out, progress=False, **kw))


def _records(out: Path) -> dict[str, str]:
    return {
        line.id: json.dumps(line.record.model_dump(mode="json") if line.record else None)
        for line in read_predictions(out / PREDICTIONS)
    }


def _paid_once(fake: FakeOpenAI) -> None:
    assert fake.batches.answered, "no batch answered anything"
    assert max(fake.batches.answered.values()) == 1, "a request was paid twice"


def test_rounds_give_the_realtime_answers_at_half_price(tmp_path: Path) -> None:
    with serve_fake() as (fake, url):
        realtime = _run(_config(url, tmp_path / "rt", kind="openai"), tmp_path / "a", _docs())
        batch = _run(_config(url, tmp_path / "bt"), tmp_path / "b", _docs())
        assert fake.chat_requests == realtime.usage.calls  # the batch run sent no chat call
    assert batch.ok == realtime.ok == DOCS and batch.failed == 0
    assert _records(tmp_path / "b") == _records(tmp_path / "a")
    _paid_once(fake)
    assert sum(fake.batches.answered.values()) == batch.usage.calls
    assert batch.usage.cost_usd == pytest.approx(realtime.usage.cost_usd / 2)
    assert all(line.usage.cost_usd > 0 for line in read_predictions(tmp_path / "b" / PREDICTIONS))
    # every answer is in the cache: a replay of the batch run needs no endpoint at all
    replay = _config("http://127.0.0.1:9/v1", tmp_path / "bt", mode="replay")
    again = _run(replay, tmp_path / "c", _docs())
    assert again.ok == DOCS and again.usage.cache_hits == again.usage.calls


def test_an_expired_batch_sends_its_undone_requests_in_the_next_round(tmp_path: Path) -> None:
    with serve_fake(FakeSettings(batch_expire=1)) as (fake, url):
        summary = _run(_config(url, tmp_path / "cache"), tmp_path / "out", _docs())
    assert fake.batches.expired == 1
    assert len(fake.batches.jobs) >= 2  # the expired half went out again
    assert summary.ok == DOCS and summary.failed == 0, summary.failures
    _paid_once(fake)


def test_a_killed_run_collects_its_submitted_batch_instead_of_paying_again(
    tmp_path: Path,
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    with serve_fake(FakeSettings(batch_hold=True)) as (fake, url):
        config = _config(url, cache)

        async def killed() -> None:
            task = asyncio.ensure_future(
                run_batch(Pipeline.from_config(config), _docs(), out, progress=False)
            )
            while not list((cache / "batches").glob("*.json")):
                await asyncio.sleep(0.02)
            task.cancel()  # like a kill: the batch is submitted, nothing written yet

        asyncio.run(killed())
        assert len(fake.batches.jobs) == 1 and not fake.batches.answered
        fake.settings.batch_hold = False
        summary = _run(config, out, _docs(), resume=True)
    assert summary.ok == DOCS, summary.failures
    _paid_once(fake)
    first = next(iter(fake.batches.jobs.values()))
    assert first["request_counts"]["completed"] == first["request_counts"]["total"] == DOCS
    assert not list((cache / "batches").glob("*.json"))  # collected, then forgotten


def _submitted_keys(fake: FakeOpenAI, batch_id: str) -> set[str]:
    raw = fake.batches.files[fake.batches.jobs[batch_id]["input_file_id"]].decode()
    return {json.loads(line)["custom_id"] for line in raw.splitlines()}


def _batch_cli(tmp_path: Path, url: str) -> list[str]:
    """`extractor extract --provider openai-batch` as a user types it (prices and a fast poll
    in the configuration file)."""
    config = tmp_path / "batch.toml"
    config.write_text(
        RETRY_TOML
        + "\n[batch]\npoll_s = 0.05\n\n[cost]\n"
        + "".join(f"{name} = {price}\n" for name, price in PRICES.items()),
        encoding="utf-8",
    )
    inputs = write_jsonl(tmp_path / "docs.jsonl", documents(DOCS))
    return [
        "extract",
        str(inputs),
        *("--provider", "openai-batch", "--model", "fake", "--base-url", url),
        *("--config", str(config), "--cache", "auto", "--cache-dir", str(tmp_path / "cache")),
        *("--out", str(tmp_path / "out"), "--quiet"),
    ]


def test_kill9_after_submitting_resumes_from_that_batch_id(tmp_path: Path) -> None:
    """A real process killed while its batch runs at the provider: the restarted run polls
    that batch (no second submission of its requests), pays for nothing twice, and writes
    every document once."""
    state_dir, predictions = tmp_path / "cache" / "batches", tmp_path / "out" / PREDICTIONS
    with serve_fake(FakeSettings(batch_hold=True)) as (fake, url):
        args = _batch_cli(tmp_path, url)
        first = start_cli(args, tmp_path / "first.log")
        try:
            wait_until(lambda: any(state_dir.glob("*.json")), timeout=60)
            wait_until(lambda: sum(job["polls"] for job in fake.batches.jobs.values()) >= 2)
        finally:
            kill9(first)  # the batch is submitted, written down and being polled
        assert first.returncode == -9
        assert list(fake.batches.jobs) == ["batch_1"] and not fake.batches.answered
        assert [path.stem for path in state_dir.glob("*.json")] == ["batch_1"]
        round_one, polls_at_kill = (
            _submitted_keys(fake, "batch_1"),
            fake.batches.jobs["batch_1"]["polls"],
        )
        fake.settings.batch_hold = False
        resumed = start_cli([*args, "--resume"], tmp_path / "second.log")
        try:
            code = resumed.wait(timeout=120)
        finally:
            stop(resumed)
        log = (tmp_path / "second.log").read_text(encoding="utf-8")
        assert code == 0, log
    assert "batch_1: submitted by an earlier run, collecting it" in log
    job = fake.batches.jobs["batch_1"]
    assert job["polls"] > polls_at_kill and job["status"] == "completed"  # polled, not redone
    for later in list(fake.batches.jobs)[1:]:
        assert not _submitted_keys(fake, later) & round_one, f"{later} resubmitted round one"
    _paid_once(fake)
    raw = predictions.read_bytes().split(b"\n")
    assert raw.pop() == b""  # the file ends at a whole line
    lines = [PredictionLine.model_validate_json(line) for line in raw]
    assert sorted(line.id for line in lines) == sorted(d["id"] for d in documents(DOCS))
    assert all(line.error is None for line in lines), [line.error for line in lines]
    # each answer the fake gave went into exactly one call of one line: none was bought twice
    assert sum(fake.batches.answered.values()) == sum(line.usage.calls for line in lines)
    assert sum(line.usage.cache_hits for line in lines) == len(
        round_one
    )  # collected, then replayed
    assert not list(state_dir.glob("*.json"))


def test_a_request_the_batch_refuses_fails_its_document_alone(tmp_path: Path) -> None:
    from support.fake_openai import Fault

    docs = _docs(4)
    settings = FakeSettings(poison={docs[1].text.split(".")[0]: Fault.BAD_REQUEST})
    with serve_fake(settings) as (_, url):
        summary = _run(_config(url, tmp_path / "cache"), tmp_path / "out", docs)
    lines = {line.id: line for line in read_predictions(tmp_path / "out" / PREDICTIONS)}
    assert lines[docs[1].id].error is not None and "HTTP 400" in lines[docs[1].id].error
    assert summary.failed >= 1 and summary.ok >= 1


def test_batch_rounds_need_the_cache(tmp_path: Path) -> None:
    config = _config("http://127.0.0.1:9/v1", tmp_path, mode="off")
    with pytest.raises(ProviderConfigError, match="needs the cache"):
        Pipeline.from_config(config)
