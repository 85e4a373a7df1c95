"""Record/replay cache: every model call passes through here, so CI can replay without a model.

An entry is one readable JSON file per request, keyed by the SHA-256 of the canonical JSON of
everything that decides the answer. Entries hold the request, the raw response, usage, timing
and how many transport attempts it took, and never a key or header: requests are built by us
from message content and sampling parameters only.

Files fan out over two levels of folders, `ab/cd/abcd….json` (65,536 folders: ten million
entries are about 150 files a folder, a hundred million about 1,500). The one-level layout of
earlier recordings, `ab/abcd….json`, is still read; recording an entry again moves it.

Nothing that goes wrong here may look like a model's answer: an entry that cannot be read, is
not JSON, has the wrong shape or names another key, and a folder that cannot be written, raise
`CacheError` with the file and the cause, and that document fails with it. A replay miss is
`CacheMissError`, whatever else is wrong in the folder.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.config import CacheMode

JSON = dict[str, Any]

# Characters of context shown before and after the first differing character of a miss.
_BEFORE, _AFTER = 40, 60
# A value whose canonical JSON is at most this long is shown whole in a miss message.
_SHORT = 80


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_key(request: JSON) -> str:
    return hashlib.sha256(canonical_json(request).encode("utf-8")).hexdigest()


class CacheError(Exception):
    """The cache cannot serve or keep an answer (unreadable, corrupt or unwritable entry).

    Not a ValueError on purpose: instructor re-asks on ValueError-like parse failures, which
    turned a truncated cassette into "answer failed validation" and a silently missing fact.
    """


class CacheMissError(LookupError):
    """Replay mode met a request that was never recorded; the message says how it differs."""


@dataclass(frozen=True)
class Fetched:
    """What a provider returned for one request, after its transport retries."""

    response: JSON
    attempts: int
    latency_s: float


@dataclass(frozen=True)
class CallResult:
    response: JSON
    key: str
    hit: bool
    attempts: int
    latency_s: float


class CacheWriteError(CacheError):
    """The model answered but its entry could not be written.

    `result` is that answer, so the caller can still count the call it paid for.
    """

    def __init__(self, message: str, result: CallResult) -> None:
        super().__init__(message)
        self.result = result


# --- how a missed request differs from the nearest recorded one ---------------------------


def _common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix (character-wise: these are texts, not paths)."""
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _window(text: str, at: int) -> str:
    start, end = max(at - _BEFORE, 0), at + _AFTER
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _text_difference(name: str, recorded: str, requested: str) -> str:
    """Where two texts first differ, with context around that place in each."""
    at = _common_prefix(recorded, requested)
    return (
        f"{name} differs at character {at}: recorded {_window(recorded, at)!r}, "
        f"requested {_window(requested, at)!r}"
    )


def _value_difference(name: str, recorded: Any, requested: Any) -> str:
    theirs, mine = (v if isinstance(v, str) else canonical_json(v) for v in (recorded, requested))
    if len(theirs) <= _SHORT and len(mine) <= _SHORT:
        return f"{name}: recorded {theirs}, requested {mine}"
    return _text_difference(name, theirs, mine)


def _message_difference(i: int, recorded: Any, requested: Any) -> str:
    contents = [m.get("content") if isinstance(m, dict) else None for m in (recorded, requested)]
    if all(isinstance(c, str) for c in contents) and contents[0] != contents[1]:
        return _text_difference(f"messages[{i}]", str(contents[0]), str(contents[1]))
    return _text_difference(f"messages[{i}]", canonical_json(recorded), canonical_json(requested))


def _messages_difference(requested: list[Any], recorded: list[Any]) -> str:
    for i, (mine, theirs) in enumerate(zip(requested, recorded, strict=False)):
        if mine != theirs:
            return _message_difference(i, theirs, mine)
    return f"message count differs: recorded {len(recorded)}, requested {len(requested)}"


def describe_difference(requested: JSON, recorded: JSON) -> str:
    """Human-readable difference between two requests, top-level fields first."""
    parts = []
    for field in sorted(set(requested) | set(recorded)):
        mine, theirs = requested.get(field), recorded.get(field)
        if mine == theirs:
            continue
        if field == "messages" and isinstance(mine, list) and isinstance(theirs, list):
            parts.append(_messages_difference(mine, theirs))
        else:
            parts.append(_value_difference(field, theirs, mine))
    return "; ".join(parts) or "identical request content"


# --- the index a miss searches -------------------------------------------------------------


_DIGEST = 8  # bytes per part: a clash between two parts of a cache is beyond concern


def _digests(parts: Iterable[Any]) -> bytes:
    return b"".join(
        hashlib.blake2b(canonical_json(p).encode("utf-8"), digest_size=_DIGEST).digest()
        for p in parts
    )


def _chunks(packed: bytes) -> list[bytes]:
    return [packed[i : i + _DIGEST] for i in range(0, len(packed), _DIGEST)]


@dataclass(frozen=True, slots=True)
class _Signature:
    """A request reduced to digests of its parts: enough to rank entries, small to hold
    (about 0.3 KB an entry, with labels shared)."""

    key: bytes
    label: str
    fields: bytes  # one digest per top-level (name, value)
    messages: bytes  # one digest per message, in order

    @classmethod
    def of(cls, key: str, label: str, request: JSON) -> _Signature:
        messages = request.get("messages")
        return cls(
            bytes.fromhex(key),
            sys.intern(label),
            _digests(sorted(request.items())),
            _digests(messages if isinstance(messages, list) else []),
        )

    def similarity(self, wanted_fields: set[bytes], wanted_messages: list[bytes]) -> int:
        """How many top-level fields and leading messages this request shares with another."""
        same = sum(1 for part in _chunks(self.fields) if part in wanted_fields)
        for mine, theirs in zip(_chunks(self.messages), wanted_messages, strict=False):
            if mine != theirs:
                break
            same += 1
        return same


@dataclass(frozen=True)
class _Index:
    entries: list[_Signature]
    unreadable: list[str]


def _entry_problem(entry: Any, key: str) -> str | None:
    """Why a parsed entry cannot be used for `key`, or None if it can."""
    if not isinstance(entry, dict):
        return f"holds a JSON {type(entry).__name__}, not an entry object"
    if entry.get("key") != key:
        return f"holds key {entry.get('key')!r}, not the key its file name says"
    request, response = entry.get("request"), entry.get("response")
    if not isinstance(request, dict) or request_key(request) != key:
        return "holds a request whose key is not the one its file name says (edited?)"
    if not isinstance(response, dict) or not isinstance(response.get("choices"), list):
        return "holds no response with a list of choices"
    attempts = entry.get("attempts", 1)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 1:
        return f"holds attempts {attempts!r}, not a positive integer"
    return None


_REMEDY = "delete it, or record it again with --cache record"


def _read_entry(path: Path, key: str) -> JSON | None:
    """One entry file, checked; None if absent, CacheError naming the file if unusable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CacheError(f"cassette {path} cannot be read: {exc}") from exc
    try:
        entry = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CacheError(
            f"cassette {path} is not valid JSON (truncated?): {exc}; {_REMEDY}"
        ) from None
    problem = _entry_problem(entry, key)
    if problem is not None:
        raise CacheError(f"cassette {path} {problem}; {_REMEDY}")
    checked: JSON = entry
    return checked


class ResponseCache:
    """Cassette directory plus the mode that says whether to read it, write it, or both."""

    def __init__(self, directory: Path, mode: CacheMode) -> None:
        self.directory = directory
        self.mode = mode
        self._index: _Index | None = None
        self._index_lock = threading.Lock()

    def path(self, key: str) -> Path:
        """Where an entry is written."""
        return self.directory / key[:2] / key[2:4] / f"{key}.json"

    def legacy_path(self, key: str) -> Path:
        """Where recordings made before the two-level fan-out keep it."""
        return self.directory / key[:2] / f"{key}.json"

    def load(self, key: str) -> JSON | None:
        """The checked entry for `key`, None if there is none; CacheError if it is unusable."""
        for path in (self.path(key), self.legacy_path(key)):
            entry = _read_entry(path, key)
            if entry is not None:
                return entry
        return None

    def store(self, key: str, request: JSON, label: str, fetched: Fetched) -> None:
        """Atomic write: a temporary file renamed into place, so a crash leaves no half entry."""
        entry = {
            "key": key,
            "label": label,
            "request": request,
            "response": fetched.response,
            "usage": fetched.response.get("usage"),
            "attempts": fetched.attempts,
            "latency_s": round(fetched.latency_s, 3),
        }
        atomic_write_text(
            self.path(key), json.dumps(entry, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        )
        self.legacy_path(key).unlink(missing_ok=True)

    def _files(self) -> Iterator[Path]:
        if self.directory.is_dir():
            yield from sorted(self.directory.rglob("*.json"))

    def _build_index(self) -> _Index:
        """Every readable entry's signature, read once per cache; unreadable files are listed."""
        with self._index_lock:
            if self._index is not None:
                return self._index
            entries, unreadable = [], []
            for path in self._files():
                try:
                    entry = _read_entry(path, path.stem)
                except CacheError as exc:
                    unreadable.append(str(exc))
                    continue
                if entry is None:  # removed while the folder was read
                    continue
                entries.append(
                    _Signature.of(path.stem, str(entry.get("label", "")), entry["request"])
                )
            self._index = _Index(entries, unreadable)
            return self._index

    def _nearest_difference(
        self, wanted: _Signature, request: JSON, entries: list[_Signature]
    ) -> str:
        fields, messages = set(_chunks(wanted.fields)), _chunks(wanted.messages)
        nearest = max(entries, key=lambda e: e.similarity(fields, messages))
        key = nearest.key.hex()
        try:
            recorded = self.load(key)
        except CacheError as exc:
            return f"nearest recorded request {key} cannot be read again: {exc}"
        if recorded is None:
            return f"nearest recorded request {key} has been removed since"
        return (
            f"nearest recorded request {key} differs: "
            f"{describe_difference(request, recorded['request'])}"
        )

    def miss_message(self, key: str, request: JSON, label: str) -> str:
        """Names the document and key, and how the request differs from the nearest entry.

        Blocking (reads the folder once, then one file per miss): call it off the event loop.
        """
        index = self._build_index()
        head = f"replay miss for document {label!r}: no cassette for key {key} in {self.directory}"
        notes = ""
        if index.unreadable:
            notes = (
                f" ({len(index.unreadable)} unreadable cassette(s) in the folder, first: "
                f"{index.unreadable[0]})"
            )
        if not index.entries:
            return (
                head + " (the cassette folder is empty: record first with --cache record)" + notes
            )
        wanted = _Signature.of(key, label, request)
        candidates = [e for e in index.entries if e.label == label] or index.entries
        return f"{head}; {self._nearest_difference(wanted, request, candidates)}{notes}"

    def _store_or_raise(
        self, key: str, request: JSON, label: str, fetched: Fetched, result: CallResult
    ) -> None:
        try:
            self.store(key, request, label, fetched)
        except OSError as exc:
            raise CacheWriteError(
                f"cannot record the answer to key {key} in {self.directory}: {exc}", result
            ) from exc

    async def call(
        self, request: JSON, label: str, fetch: Callable[[], Awaitable[Fetched]]
    ) -> CallResult:
        """Replay a hit, or fetch (and record) a miss, as the mode says."""
        key = request_key(request)
        if self.mode in (CacheMode.AUTO, CacheMode.REPLAY):
            entry = self.load(key)
            if entry is not None:
                return CallResult(entry["response"], key, True, int(entry.get("attempts", 1)), 0.0)
            if self.mode is CacheMode.REPLAY:
                message = await asyncio.to_thread(self.miss_message, key, request, label)
                raise CacheMissError(message)
        started = time.perf_counter()
        fetched = await fetch()
        result = CallResult(
            fetched.response, key, False, fetched.attempts, time.perf_counter() - started
        )
        if self.mode in (CacheMode.AUTO, CacheMode.RECORD):
            self._store_or_raise(key, request, label, fetched, result)
        return result


def _create_exclusive(folder: Path, name: str) -> tuple[int, Path]:
    """A new temporary file beside the target, created with mode 0666 less the umask.

    Not tempfile.mkstemp: it forces 0600, so cassettes, manifests and resumed predictions
    came out private while first-run predictions were 0644. One policy: the user's umask.
    """
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


def atomic_write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` all at once: readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_exclusive(path.parent, path.name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
