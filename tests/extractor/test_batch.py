"""Batch runs: what a line says about its calls, what resume keeps, and the files' modes.

The model is an in-process stand-in (the thing under test is the pipeline, cache and batch
runner around it); everything else is real: instructor, the cache on disk, the output files.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from extractor.batch import PREDICTIONS, ResumeMismatchError, Summary, run_batch
from extractor.config import RunConfig
from extractor.documents import Document, InputError
from extractor.pipeline import Pipeline
from extractor.providers.base import TransportError
from extractor_schemas.prediction import PredictionLine

JSON = dict[str, Any]
TEXT = "Dixon Technologies makes smartphones for Xiaomi in Noida. Xiaomi exports them to Nepal."


class FakeModel:
    """Answers every request with an empty tool call, after `flaky` retryable failures each."""

    name: ClassVar[str] = "fake"
    serialised: ClassVar[bool] = False

    def __init__(self, flaky: int = 0) -> None:
        self.flaky = flaky
        self.calls = 0
        self._failed: dict[str, int] = {}

    def identity(self) -> JSON:
        return {"provider": "fake", "model": "fake-1", "mode": "tools"}

    async def complete(self, request: JSON) -> JSON:
        self.calls += 1
        prompt = json.dumps(request["messages"])
        if self._failed.get(prompt, 0) < self.flaky:
            self._failed[prompt] = self._failed.get(prompt, 0) + 1
            raise TransportError("503 from the fake", retryable=True)
        tool = request["tools"][0]["function"]["name"]
        call = {"id": "call_0", "type": "function", "function": {"name": tool, "arguments": "{}"}}
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": "fake-1",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": None, "tool_calls": [call]},
                    "finish_reason": "tool_calls",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12},
        }

    async def check(self) -> None:
        return None

    def instructor_mode(self) -> str:
        return "tool_call"


def _config(cache: Path, mode: str = "auto", **sections: JSON) -> RunConfig:
    fast = {"initial_backoff_s": 0.0, "max_backoff_s": 0.0}
    data: JSON = {"cache": {"dir": str(cache), "mode": mode}, "retry": fast}
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    return RunConfig.model_validate(data)


def _pipeline(config: RunConfig, model: FakeModel | None = None) -> Pipeline:
    return Pipeline.from_config(config, provider=model or FakeModel())


def _extract(pipeline: Pipeline, doc_id: str = "doc-1") -> PredictionLine:
    return asyncio.run(pipeline.extract(Document(doc_id, TEXT, "test")))


def _run(pipeline: Pipeline, items: list[Document | InputError], out: Path, **kw: bool) -> Summary:
    return asyncio.run(run_batch(pipeline, items, out, progress=False, **kw))


# --- a line's account of its calls ---------------------------------------------------------


def test_replayed_retries_are_not_retries_made_now(tmp_path: Path) -> None:
    recorded = _extract(_pipeline(_config(tmp_path), FakeModel(flaky=1)))
    assert recorded.usage.calls > 0 and recorded.usage.retries == recorded.usage.calls
    model = FakeModel()
    replayed = _extract(_pipeline(_config(tmp_path, "replay"), model))
    assert model.calls == 0 and replayed.error is None
    assert replayed.usage.cache_hits == replayed.usage.calls == recorded.usage.calls
    assert replayed.usage.retries == 0
    assert replayed.usage.recorded_retries == recorded.usage.retries


def _truncate(path: Path) -> None:
    path.write_text(path.read_text()[:40])


def _not_json(path: Path) -> None:
    path.write_text("this is not a cassette\n")


def _a_list(path: Path) -> None:
    path.write_text("[]\n")


def _other_key(path: Path) -> None:
    entry = json.loads(path.read_text())
    path.write_text(json.dumps({**entry, "key": "0" * 64}))


def _no_completion(path: Path) -> None:
    entry = json.loads(path.read_text())
    path.write_text(json.dumps({**entry, "response": {"choices": [{"nonsense": True}]}}))


CORRUPTIONS: list[Callable[[Path], None]] = [
    _truncate,
    _not_json,
    _a_list,
    _other_key,
    _no_completion,
]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["replay", "auto"])
def test_a_broken_cassette_fails_the_document_with_its_cause(
    tmp_path: Path, corrupt: Callable[[Path], None], mode: str
) -> None:
    assert _extract(_pipeline(_config(tmp_path))).error is None
    for path in tmp_path.rglob("*.json"):
        corrupt(path)
    model = FakeModel()
    line = _extract(_pipeline(_config(tmp_path, mode), model))
    assert line.error is not None, "a broken cassette passed for an answer"
    assert line.error.startswith("CacheError: cassette"), line.error
    assert model.calls == 0 and line.record is None


def test_an_unwritable_cache_fails_the_document_and_counts_the_call(tmp_path: Path) -> None:
    blocked = tmp_path / "cassettes"
    blocked.write_text("a file where the cache folder should be\n")
    model = FakeModel()
    line = _extract(_pipeline(_config(blocked), model))
    assert line.error is not None and line.error.startswith("CacheWriteError: cannot record")
    assert str(blocked) in line.error
    assert model.calls > 0 and line.usage.calls == model.calls


# --- resume --------------------------------------------------------------------------------


def _done(doc_id: str, fingerprint: str) -> PredictionLine:
    return PredictionLine(id=doc_id, source_sha256="0" * 64, config_sha256=fingerprint)


def _write(out: Path, *lines: PredictionLine) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / PREDICTIONS
    path.write_text("".join(line.model_dump_json() + "\n" for line in lines), encoding="utf-8")
    return path


def test_resume_refuses_lines_made_under_another_fingerprint(tmp_path: Path) -> None:
    pipeline, other = _pipeline(_config(tmp_path / "c")), "e" * 64
    path = _write(tmp_path / "out", _done("doc-1", other))
    before = path.read_bytes()
    with pytest.raises(ResumeMismatchError) as info:
        _run(pipeline, [Document("doc-1", TEXT, "t")], tmp_path / "out", resume=True)
    assert other in str(info.value) and pipeline.fingerprint() in str(info.value)
    assert "--overwrite" in str(info.value)
    assert path.read_bytes() == before


def test_resume_keeps_lines_when_only_run_mechanics_changed(tmp_path: Path) -> None:
    first = _pipeline(_config(tmp_path / "a"))
    _write(tmp_path / "out", _done("doc-1", first.fingerprint()))
    model = FakeModel()
    mechanics = _config(
        tmp_path / "elsewhere",
        "replay",
        retry={"max_attempts": 2, "max_total_s": 9.0},
        provider={"timeout_s": 3.0, "base_url": "http://other:1/v1", "n_threads": 1},
    )
    later = _pipeline(mechanics.model_copy(update={"concurrency": 17}), model)
    summary = _run(later, [Document("doc-1", TEXT, "t")], tmp_path / "out", resume=True)
    assert summary.skipped == 1 and model.calls == 0


def test_resume_reads_lines_split_on_newline_only(tmp_path: Path) -> None:
    model = FakeModel()
    pipeline = _pipeline(_config(tmp_path / "c"), model)
    odd = "doc\u2028with\x85separators\u2029"
    path = _write(tmp_path / "out", _done(odd, pipeline.fingerprint()))
    assert "\u2028" in path.read_text(encoding="utf-8")  # pydantic writes it raw
    summary = _run(pipeline, [Document(odd, TEXT, "t")], tmp_path / "out", resume=True)
    assert summary.skipped == 1 and model.calls == 0
    assert [line.id for line in _read(path)] == [odd]


def _read(path: Path) -> list[PredictionLine]:
    raw = path.read_bytes().split(b"\n")
    return [PredictionLine.model_validate_json(line) for line in raw if line]


# --- one file mode: the umask --------------------------------------------------------------


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_every_file_a_run_writes_honours_the_umask(
    tmp_path: Path, umask: Callable[[int], None], mask: int
) -> None:
    umask(mask)
    pipeline, out = _pipeline(_config(tmp_path / "cassettes")), tmp_path / "out"
    items: list[Document | InputError] = [Document("doc-1", TEXT, "t"), InputError("x", "t", "bad")]
    _run(pipeline, items, out)
    first = _mode(out / PREDICTIONS)
    _run(pipeline, items, out, resume=True)
    expected = 0o666 & ~mask
    cassettes = list((tmp_path / "cassettes").rglob("*.json"))
    assert cassettes and {_mode(p) for p in cassettes} == {expected}
    assert (first, _mode(out / PREDICTIONS), _mode(out / "manifest.json")) == (expected,) * 3
