"""The local engine: worker processes write the lines the in-process loop writes; a budget
stops starting documents and --resume finishes them; settings it cannot honour are refused."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from support.corpus import documents, run_config
from support.fake_openai import serve_fake

from extractor.batch import PREDICTIONS, Summary, read_predictions, run_batch
from extractor.config import RunConfig
from extractor.documents import Document
from extractor.engines import EngineError
from extractor.engines.local import LocalEngine, choose_workers
from extractor.pipeline import Pipeline

pytestmark = pytest.mark.server
DOCS = 16


def _docs(count: int = DOCS) -> list[Document]:
    return [Document(d["id"], d["text"], "test") for d in documents(count)]


def _with(config: RunConfig, **sections: dict[str, object]) -> RunConfig:
    data = config.model_dump(mode="json")
    for name, values in sections.items():
        data[name] = {**data[name], **values}
    return RunConfig.model_validate(data)


def _run(config: RunConfig, out: Path, **kw: bool) -> Summary:
    return asyncio.run(run_batch(Pipeline.from_config(config), _docs(), out, progress=False, **kw))


def _without_timing(path: Path) -> list[str]:
    rows = [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines()]
    return sorted(json.dumps({k: v for k, v in r.items() if k != "latency_s"}) for r in rows)


def test_worker_processes_write_the_lines_of_the_in_process_loop(tmp_path: Path) -> None:
    with serve_fake() as (fake, url):
        base = run_config(url, "off", tmp_path / "cache", concurrency=6)
        one = _run(_with(base, engine={"workers": 1}), tmp_path / "one")
        calls = fake.chat_requests
        two = _run(_with(base, engine={"workers": 2}), tmp_path / "two")
        assert fake.chat_requests == 2 * calls  # the workers really made their calls
    assert one.ok == two.ok == DOCS
    assert _without_timing(tmp_path / "two" / PREDICTIONS) == _without_timing(
        tmp_path / "one" / PREDICTIONS
    )
    ids = [line.id for line in read_predictions(tmp_path / "two" / PREDICTIONS)]
    assert ids == [d.id for d in _docs()]  # written in input order, whichever worker finished
    manifest = json.loads((tmp_path / "two" / "manifest.json").read_text())
    assert manifest["engine"] == {"kind": "local", "workers": 2, "in_flight": 6}


def test_a_budget_stops_starting_documents_and_resume_finishes(tmp_path: Path) -> None:
    prices = {"prompt_usd_per_mtok": 1000.0, "completion_usd_per_mtok": 1000.0}
    with serve_fake() as (_, url):
        base = _with(run_config(url, "auto", tmp_path / "cache", concurrency=2), cost=prices)
        per_doc = _run(base, tmp_path / "probe").usage.cost_usd / DOCS
        fresh = _with(base, cache={"dir": str(tmp_path / "fresh")})  # nothing to replay
        limited = _with(fresh, cost={"budget_usd": per_doc * 3})
        stopped = _run(limited, tmp_path / "out")
        assert stopped.stopped is not None and "budget" in stopped.stopped
        assert stopped.not_started > 0 and stopped.ok + stopped.not_started == DOCS
        assert "STOPPED" in stopped.text()
        finished = _run(fresh, tmp_path / "out", resume=True)
    assert finished.skipped == stopped.ok and finished.ok == DOCS - stopped.ok
    assert len(read_predictions(tmp_path / "out" / PREDICTIONS)) == DOCS
    lines = read_predictions(tmp_path / "probe" / PREDICTIONS)
    assert all(line.usage.cost_usd > 0 for line in lines)


@pytest.mark.parametrize(
    ("kind", "workers", "documents", "expected"),
    [
        ("openai", None, 5000, 2),  # an endpoint and a large run: processes
        ("openai", None, 500, 1),  # a smaller run: the start-up would cost more than it gains
        ("openai", 3, 20, 3),  # asked for
        ("openai-batch", None, 500, 1),  # rounds gather every request in one process
    ],
)
def test_workers_chosen_per_run(
    tmp_path: Path, kind: str, workers: int | None, documents: int, expected: int
) -> None:
    config = _with(
        run_config("http://127.0.0.1:9/v1", "auto", tmp_path, concurrency=20),
        provider={"kind": kind},
        engine={"workers": workers},
    )
    assert (
        min(choose_workers(Pipeline.from_config(config), documents), 2 if workers is None else 64)
        == expected
    )


def test_workers_refused_where_they_cannot_run(tmp_path: Path) -> None:
    config = _with(
        run_config("http://127.0.0.1:9/v1", "auto", tmp_path),
        provider={"kind": "openai-batch"},
        engine={"workers": 2},
    )
    with pytest.raises(EngineError, match="Batch API rounds"):
        LocalEngine(Pipeline.from_config(config), documents=100)
