"""Lines in input order from the local engine, whatever order documents finish in, with a
bounded number held back; so a replayed run is the same bytes at any concurrency.

The model is an in-process stand-in answering as the fake endpoint does (no server): the thing
under test is the engine, the pipeline and the batch writer around it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from support.fake_openai import FakeOpenAI

from extractor.batch import PREDICTIONS, run_batch
from extractor.cache import CallResult, Fetched, ResponseCache
from extractor.config import CacheMode, RunConfig
from extractor.documents import Document
from extractor.engines import REORDER_FACTOR, InputOrder
from extractor.engines.local import LocalEngine
from extractor.pipeline import Pipeline
from extractor_schemas.prediction import PredictionLine

JSON = dict[str, Any]
DOCS = 24
_FIRM = re.compile(r"Firm(\d+)")


class SlowModel:
    """Answers as the fake endpoint would, after a delay that the document's number picks
    (later documents answer sooner, so they finish first); notes whose calls it was asked and
    answered, in order."""

    name: ClassVar[str] = "slow"
    serialised: ClassVar[bool] = False

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.asked: list[int] = []
        self.answered: list[int] = []
        self._fake = FakeOpenAI()

    def identity(self) -> JSON:
        return {"provider": "slow", "model": "slow-1", "mode": "tools"}

    async def complete(self, request: JSON) -> JSON:
        number = _number(request)
        self.asked.append(number)
        await asyncio.sleep(self.delay_s * (DOCS - number))
        self.answered.append(number)
        status, answer = self._fake.batch_answer(request)
        assert status == 200
        return answer

    async def check(self) -> None:
        return None

    def instructor_mode(self) -> str:
        return "tool_call"


def _docs(count: int = DOCS) -> list[Document]:
    docs = []
    for n in range(count):
        sentences = [f"Firm{n} signed an agreement with Partner{k} in Pune." for k in range(n % 3)]
        # "Pune" is name-shaped ("Firm0" is not: a digit), so every sentence is asked about.
        docs.append(
            Document(f"doc-{n:03d}", " ".join([*sentences, f"Firm{n} grew in Pune."]), "test")
        )
    return docs


def _number(request: JSON) -> int:
    found = _FIRM.search(str(request["messages"][-1]["content"]))
    return int(found.group(1)) if found else 0


class SlowCache(ResponseCache):
    """Cassettes on a slow disk (a shared network folder): later documents' entries are read
    sooner, so a replayed run's documents finish out of order too."""

    def __init__(self, directory: Path, mode: CacheMode, delay_s: float) -> None:
        super().__init__(directory, mode)
        self.delay_s = delay_s

    async def call(
        self, request: JSON, label: str, fetch: Callable[[], Awaitable[Fetched]]
    ) -> CallResult:
        await asyncio.sleep(self.delay_s * (DOCS - _number(request)))
        return await super().call(request, label, fetch)


def _config(cache: Path, mode: str, concurrency: int) -> RunConfig:
    return RunConfig.model_validate(
        {
            "cache": {"dir": str(cache), "mode": mode},
            "extraction": {"strategy": "sentences"},
            "concurrency": concurrency,
            "retry": {"initial_backoff_s": 0.0, "max_backoff_s": 0.0},
        }
    )


def _pipeline(config: RunConfig, model: SlowModel) -> Pipeline:
    return Pipeline.from_config(config, provider=model)


def _line(doc_id: str) -> PredictionLine:
    return PredictionLine(id=doc_id, source_sha256="0" * 64)


@pytest.mark.parametrize(
    ("finished", "released"),
    [
        ([0, 1, 2], [[0], [1], [2]]),  # in order: each is written at once
        ([2, 1, 0], [[], [], [0, 1, 2]]),  # reversed: all wait for the first
        ([1, 0, 3, 2], [[], [0, 1], [], [2, 3]]),
        ([0, 2, 3, 1], [[0], [], [], [1, 2, 3]]),
    ],
)
def test_lines_are_released_in_input_order(finished: list[int], released: list[list[int]]) -> None:
    docs = [Document(f"d{n}", "x", "test") for n in range(len(finished))]
    order = InputOrder(docs, in_flight=2)
    got = [[int(line.id[1:]) for line in order.put(n, _line(f"d{n}"))] for n in finished]
    assert got == released
    assert order.waiting == 0 and order.head == len(finished)


def test_a_document_never_started_is_skipped_not_waited_for() -> None:
    docs = [Document(f"d{n}", "x", "test") for n in range(3)]
    order = InputOrder(docs, in_flight=1)
    assert order.put(2, _line("d2")) == []
    assert order.put(1, None) == []  # stopped before it started (a spent budget)
    assert [line.id for line in order.put(0, _line("d0"))] == ["d0", "d2"]


@pytest.mark.parametrize(("in_flight", "window"), [(1, REORDER_FACTOR), (5, 5 * REORDER_FACTOR)])
def test_the_window_bounds_how_far_ahead_a_document_may_start(in_flight: int, window: int) -> None:
    docs = [Document(f"d{n}", "x", "test") for n in range(window + 2)]
    order = InputOrder(docs, in_flight)
    assert order.admits(window - 1) and not order.admits(window)
    order.put(0, _line("d0"))
    assert order.admits(window) and not order.admits(window + 1)


def test_the_engine_writes_input_order_when_later_documents_finish_first(tmp_path: Path) -> None:
    model = SlowModel(delay_s=0.01)
    pipeline = _pipeline(_config(tmp_path / "cache", "off", concurrency=4), model)
    docs = _docs()

    async def run() -> list[str]:
        written: list[str] = []
        async with LocalEngine(pipeline, workers=1) as engine:
            async for line in engine.lines(docs, asyncio.Event()):
                assert line.error is None, line.error
                written.append(line.id)
                # every document asked for so far lies within the window of the unwritten one
                assert max(model.asked) < len(written) + 4 * REORDER_FACTOR
        return written

    assert asyncio.run(run()) == [d.id for d in docs]
    answered = list(dict.fromkeys(model.answered))
    assert answered != sorted(answered)  # later documents really were answered first


def test_a_replayed_run_is_the_same_bytes_at_concurrency_1_and_8(tmp_path: Path) -> None:
    cache, docs = tmp_path / "cache", _docs()
    recording = _pipeline(_config(cache, "record", concurrency=8), SlowModel())
    asyncio.run(run_batch(recording, docs, tmp_path / "rec", progress=False))
    outputs = []
    for concurrency in (1, 8):
        model = SlowModel()
        config = _config(cache, "replay", concurrency)
        replay = Pipeline(config, model, SlowCache(cache, CacheMode.REPLAY, delay_s=0.002))
        out = tmp_path / f"c{concurrency}"
        summary = asyncio.run(run_batch(replay, docs, out, progress=False))
        assert summary.ok == DOCS and not model.asked  # nothing but the cassettes
        outputs.append((out / PREDICTIONS).read_bytes())
    assert outputs[0] == outputs[1]
    lines = [PredictionLine.model_validate_json(raw) for raw in outputs[0].splitlines()]
    assert [line.id for line in lines] == [d.id for d in docs]
    assert all(line.latency_s == 0.0 and line.usage.calls > 0 for line in lines)
