"""Record/replay cache: every model call passes through here, so CI can replay without a model.

An entry is one readable JSON file per request, keyed by the SHA-256 of the canonical JSON of
everything that decides the answer. Entries hold the request, the raw response, usage, timing
and how many transport attempts it took, and never a key or header: requests are built by us
from message content and sampling parameters only.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.config import CacheMode

JSON = dict[str, Any]


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_key(request: JSON) -> str:
    return hashlib.sha256(canonical_json(request).encode("utf-8")).hexdigest()


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


def _describe(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else canonical_json(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message_text(message: Any) -> str:
    return message.get("content") or "" if isinstance(message, dict) else str(message)


def _first_message_difference(a: list[Any], b: list[Any]) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return (
                f"messages[{i}] differs: recorded {_describe(_message_text(y))!r}, "
                f"requested {_describe(_message_text(x))!r}"
            )
    return f"message count differs: recorded {len(b)}, requested {len(a)}"


def describe_difference(requested: JSON, recorded: JSON) -> str:
    """Human-readable difference between two requests, top-level fields first."""
    parts = []
    for field in sorted(set(requested) | set(recorded)):
        mine, theirs = requested.get(field), recorded.get(field)
        if mine == theirs:
            continue
        if field == "messages" and isinstance(mine, list) and isinstance(theirs, list):
            parts.append(_first_message_difference(mine, theirs))
        else:
            parts.append(f"{field}: recorded {_describe(theirs)}, requested {_describe(mine)}")
    return "; ".join(parts) or "identical request content"


def _similarity(a: JSON, b: JSON) -> int:
    """How many top-level fields and leading messages two requests share."""
    same = sum(1 for k in set(a) | set(b) if a.get(k) == b.get(k))
    msgs = zip(a.get("messages", []), b.get("messages", []), strict=False)
    for x, y in msgs:
        if x != y:
            break
        same += 1
    return same


class ResponseCache:
    """Cassette directory plus the mode that says whether to read it, write it, or both."""

    def __init__(self, directory: Path, mode: CacheMode) -> None:
        self.directory = directory
        self.mode = mode

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def load(self, key: str) -> JSON | None:
        try:
            entry: JSON = json.loads(self.path(key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return entry

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

    def entries(self) -> list[JSON]:
        if not self.directory.exists():
            return []
        return [
            json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(self.directory.rglob("*.json"))
        ]

    def miss_message(self, key: str, request: JSON, label: str) -> str:
        candidates = [e for e in self.entries() if e.get("label") == label] or self.entries()
        head = f"replay miss for document {label!r}: no cassette for key {key} in {self.directory}"
        if not candidates:
            return head + " (the cassette folder is empty: record first with --cache record)"
        nearest = max(candidates, key=lambda e: _similarity(request, e["request"]))
        return (
            f"{head}; nearest recorded request {nearest['key']} differs: "
            f"{describe_difference(request, nearest['request'])}"
        )

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
                raise CacheMissError(self.miss_message(key, request, label))
        started = time.perf_counter()
        fetched = await fetch()
        if self.mode in (CacheMode.AUTO, CacheMode.RECORD):
            self.store(key, request, label, fetched)
        return CallResult(
            fetched.response, key, False, fetched.attempts, time.perf_counter() - started
        )


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
