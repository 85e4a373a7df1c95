"""Record/replay cache: modes, atomic entries, misses that explain themselves."""

import asyncio
import json
from pathlib import Path

import pytest

from extractor.cache import (
    CacheError,
    CacheMissError,
    Fetched,
    ResponseCache,
    describe_difference,
    request_key,
)
from extractor.config import CacheMode

REQUEST = {
    "provider": "embedded",
    "model": "m",
    "messages": [{"role": "user", "content": "Hi"}],
    "temperature": 0.0,
}


class Backend:
    """A stand-in model endpoint that counts how often the cache lets a call through."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> Fetched:
        self.calls += 1
        return Fetched({"choices": [{"n": self.calls}], "usage": {"prompt_tokens": 3}}, 2, 0.01)


def _call(cache: ResponseCache, backend: Backend, request: dict[str, object] = REQUEST) -> object:
    return asyncio.run(cache.call(dict(request), "doc-1", backend))


def test_key_is_canonical_over_key_order() -> None:
    assert request_key({"a": 1, "b": [1, 2]}) == request_key({"b": [1, 2], "a": 1})
    assert request_key({"a": 1}) != request_key({"a": 2})


def test_auto_records_a_miss_then_replays_it(tmp_path: Path) -> None:
    cache, backend = ResponseCache(tmp_path, CacheMode.AUTO), Backend()
    first, second = _call(cache, backend), _call(cache, backend)
    assert backend.calls == 1
    assert first.hit is False and second.hit is True  # type: ignore[attr-defined]
    assert first.response == second.response  # type: ignore[attr-defined]
    assert second.attempts == 2  # type: ignore[attr-defined]  # retries replay as recorded
    entry = json.loads(cache.path(request_key(REQUEST)).read_text())
    assert entry["request"] == REQUEST and entry["label"] == "doc-1" and entry["attempts"] == 2


def test_replay_miss_names_document_key_and_difference(tmp_path: Path) -> None:
    _call(ResponseCache(tmp_path, CacheMode.RECORD), Backend())
    changed = {**REQUEST, "messages": [{"role": "user", "content": "Hello"}]}
    with pytest.raises(CacheMissError) as info:
        _call(ResponseCache(tmp_path, CacheMode.REPLAY), Backend(), changed)
    message = str(info.value)
    assert "doc-1" in message and request_key(changed) in message
    assert "messages[0] differs at character 1: recorded 'Hi', requested 'Hello'" in message


def test_replay_on_empty_folder_says_to_record(tmp_path: Path) -> None:
    with pytest.raises(CacheMissError, match="empty"):
        _call(ResponseCache(tmp_path / "none", CacheMode.REPLAY), Backend())


def test_off_never_reads_or_writes_and_record_always_calls(tmp_path: Path) -> None:
    backend = Backend()
    _call(ResponseCache(tmp_path, CacheMode.OFF), backend)
    assert not list(tmp_path.rglob("*.json"))
    _call(ResponseCache(tmp_path, CacheMode.RECORD), backend)
    _call(ResponseCache(tmp_path, CacheMode.RECORD), backend)
    assert backend.calls == 3 and len(list(tmp_path.rglob("*.json"))) == 1


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    _call(ResponseCache(tmp_path, CacheMode.AUTO), Backend())
    assert [p.name for p in tmp_path.rglob("*") if p.is_file() and p.name.startswith(".")] == []


def test_describe_difference_lists_changed_fields() -> None:
    text = describe_difference({**REQUEST, "temperature": 0.7}, REQUEST)
    assert text == "temperature: recorded 0.0, requested 0.7"


TEMPLATE = "You name the companies in a sentence. " * 12 + "Sentence: "


def test_a_miss_shows_where_a_long_prompt_first_differs(tmp_path: Path) -> None:
    recorded = {**REQUEST, "messages": [{"role": "user", "content": TEMPLATE + "Dixon makes TVs."}]}
    _call(ResponseCache(tmp_path, CacheMode.RECORD), Backend(), recorded)
    asked = {**REQUEST, "messages": [{"role": "user", "content": TEMPLATE + "Lava makes TVs."}]}
    with pytest.raises(CacheMissError) as info:
        _call(ResponseCache(tmp_path, CacheMode.REPLAY), Backend(), asked)
    message = str(info.value)
    assert f"messages[0] differs at character {len(TEMPLATE)}" in message
    assert "Dixon makes TVs." in message and "Lava makes TVs." in message


def test_a_long_field_shows_its_first_difference() -> None:
    tools = [{"name": "x" * 200 + "A"}]
    text = describe_difference(
        {**REQUEST, "tools": tools}, {**REQUEST, "tools": [{"name": "x" * 200 + "B"}]}
    )
    assert text.startswith("tools differs at character 210") and "xA" in text and "xB" in text


def _said(word: str) -> dict[str, object]:
    return {**REQUEST, "messages": [{"role": "user", "content": word}]}


def _record_two(folder: Path) -> None:
    cache = ResponseCache(folder, CacheMode.RECORD)
    for word in ("Hi", "Bye"):
        _call(cache, Backend(), _said(word))


def test_a_miss_is_a_miss_even_beside_a_corrupt_cassette(tmp_path: Path) -> None:
    _record_two(tmp_path)
    broken = ResponseCache(tmp_path, CacheMode.REPLAY).path(request_key(_said("Hi")))
    broken.write_text('{"key": ')
    with pytest.raises(CacheMissError) as info:
        _call(ResponseCache(tmp_path, CacheMode.REPLAY), Backend(), {**REQUEST, "model": "n"})
    message = str(info.value)
    assert "1 unreadable cassette(s)" in message and str(broken) in message
    with pytest.raises(CacheError, match="not valid JSON"):
        _call(ResponseCache(tmp_path, CacheMode.REPLAY), Backend(), _said("Hi"))


def test_misses_read_the_folder_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _record_two(tmp_path)
    reads: list[Path] = []
    real = Path.read_text

    def counted(self: Path, *args: object, **kwargs: object) -> str:
        text = real(self, *args, **kwargs)  # type: ignore[arg-type]
        reads.append(self)  # a file read, not a lookup that found nothing
        return text

    monkeypatch.setattr(Path, "read_text", counted)
    cache = ResponseCache(tmp_path, CacheMode.REPLAY)
    for n in range(3):
        with pytest.raises(CacheMissError):
            _call(cache, Backend(), {**REQUEST, "seed": n})
    # the first miss indexes both entries and re-reads the nearest; later ones only the nearest
    assert len(reads) == 2 + 3


def test_entries_of_the_one_level_layout_still_replay_and_move_when_recorded(
    tmp_path: Path,
) -> None:
    cache, backend = ResponseCache(tmp_path, CacheMode.AUTO), Backend()
    _call(cache, backend)
    key = request_key(REQUEST)
    legacy = cache.legacy_path(key)
    cache.path(key).rename(legacy)
    assert _call(cache, backend).hit is True and backend.calls == 1  # type: ignore[attr-defined]
    _call(ResponseCache(tmp_path, CacheMode.RECORD), backend)
    assert cache.path(key).is_file() and not legacy.exists()
    assert cache.path(key).relative_to(tmp_path).parts == (key[:2], key[2:4], f"{key}.json")


SECRET_MARKERS = ("sk-", "Bearer ", "Authorization", "api_key", "api-key", "OPENAI_API_KEY")


def test_committed_cassettes_hold_no_secrets(root: Path) -> None:
    files = list((root / "cassettes").rglob("*.json"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        for marker in SECRET_MARKERS:
            assert marker not in text, (path, marker)
        entry = json.loads(text)
        assert set(entry) == {
            "key",
            "label",
            "request",
            "response",
            "usage",
            "attempts",
            "latency_s",
        }
        assert request_key(entry["request"]) == entry["key"] == path.stem
