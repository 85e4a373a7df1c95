"""OpenAI Batch API rounds (`--provider openai-batch`): the same answers at the batch discount.

The pipeline runs unchanged. A request that misses the cache is queued here and its document
waits; once every document in flight waits on the queue (or is done), the queue goes out as
one batch job (`/v1/files`, `/v1/batches`), is polled with progress, and each answer is stored
in the record/replay cache before its document is released. Dependent calls and re-asks are
simply the next round.

A submitted batch is written down (`<cache dir>/batches/<id>.json`, with the requests it holds)
before it is polled, so a run killed while waiting resumes from the batch id: its answers are
collected into the cache instead of being paid again. Requests an expired batch left undone go
into the next round (`batch.max_submissions` times at most; then the document fails).

Its identity is the openai provider's, so the cassettes replay with either one.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Final

from extractor.cache import Fetched, ResponseCache, atomic_write_text, request_key
from extractor.config import CacheMode, RunConfig
from extractor.model_call import current_label
from extractor.providers.base import JSON, ProviderConfigError, TransportError, register
from extractor.providers.openai_http import _WIRE_KEYS, OpenAIProvider, classify

_ENDPOINT: Final = "/v1/chat/completions"
_TERMINAL = frozenset({"completed", "expired", "cancelled", "failed"})
_RESUBMIT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_DOCUMENT: ContextVar[object | None] = ContextVar("batch_document", default=None)


@dataclass
class _Waiter:
    key: str
    request: JSON
    label: str
    document: object | None
    future: asyncio.Future[JSON]
    submissions: int = 0


@dataclass
class _Outcome:
    """What one finished batch said about its requests."""

    answers: dict[str, JSON] = field(default_factory=dict)
    undone: dict[str, str] = field(default_factory=dict)  # key: why (worth another round)
    failed: dict[str, str] = field(default_factory=dict)  # key: why (final)


class OpenAIBatchProvider(OpenAIProvider):
    name: ClassVar[str] = "openai-batch"
    serialised: ClassVar[bool] = False

    def __init__(self, config: RunConfig) -> None:
        super().__init__(config)
        if config.cache.mode in (CacheMode.OFF,):
            raise ProviderConfigError(
                "provider 'openai-batch' needs the cache (--cache auto or record): each round's "
                "answers are kept there, and a restarted run collects a submitted batch into it"
            )
        self.settings = config.batch
        self.documents_per_round = config.batch.documents_per_round
        self.store = ResponseCache(config.cache.dir, CacheMode.RECORD)
        self.state_dir = config.cache.dir / "batches"
        self._queue: list[_Waiter] = []
        self._active = 0
        self._waiting: dict[object, int] = {}
        self._round: asyncio.Task[None] | None = None
        self._recovered: asyncio.Task[None] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._last_enqueue = 0.0

    def identity(self) -> JSON:
        return {"provider": "openai", "model": self.model, "mode": self.mode}

    async def check(self) -> None:
        """The endpoint answers; then any batch a killed run submitted is collected first."""
        await super().check()
        await self._recover()

    # --- documents and the queue -----------------------------------------------------------

    @asynccontextmanager
    async def document(self) -> AsyncIterator[None]:
        token = _DOCUMENT.set(object())
        self._active += 1
        try:
            yield
        finally:
            self._active -= 1
            _DOCUMENT.reset(token)
            self._maybe_submit()

    async def complete(self, request: JSON) -> JSON:
        await self._recover()
        key = request_key(request)
        entry = self.store.load(key)  # collected from a batch after the caller's lookup
        if entry is not None:
            response: JSON = entry["response"]
            return response
        loop = asyncio.get_running_loop()
        waiter = _Waiter(key, request, current_label(), _DOCUMENT.get(), loop.create_future())
        self._enqueue(waiter)
        return await waiter.future

    def _enqueue(self, waiter: _Waiter) -> None:
        self._queue.append(waiter)
        self._last_enqueue = time.monotonic()
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = asyncio.get_running_loop().create_task(self._watch())
        if waiter.document is not None:
            self._waiting[waiter.document] = self._waiting.get(waiter.document, 0) + 1
        self._maybe_submit()

    def _release(self, waiter: _Waiter) -> None:
        if waiter.document is None:
            return
        left = self._waiting.get(waiter.document, 0) - 1
        if left > 0:
            self._waiting[waiter.document] = left
        else:
            self._waiting.pop(waiter.document, None)

    async def _watch(self) -> None:
        """Sends a round that has waited `idle_submit_s` with nothing added, whatever the
        documents in flight are doing; ends when the queue is empty."""
        idle = self.settings.idle_submit_s
        while self._queue:
            await asyncio.sleep(idle)
            if self._queue and time.monotonic() - self._last_enqueue >= idle:
                self._maybe_submit(force=True)

    def _maybe_submit(self, force: bool = False) -> None:
        """A round goes out when no document in flight could still add a request to it."""
        if not self._queue or (self._round is not None and not self._round.done()):
            return
        if len(self._waiting) < self._active and not force:
            return
        batch, self._queue = (
            self._queue[: self.settings.max_requests],
            self._queue[self.settings.max_requests :],
        )
        self._round = asyncio.get_running_loop().create_task(self._run_round(batch))
        self._round.add_done_callback(lambda _: self._maybe_submit())

    # --- one round -------------------------------------------------------------------------

    async def _run_round(self, waiters: list[_Waiter]) -> None:
        by_key: dict[str, list[_Waiter]] = {}
        for waiter in waiters:
            waiter.submissions += 1
            by_key.setdefault(waiter.key, []).append(waiter)
        try:
            batch_id = await self._submit({k: ws[0] for k, ws in by_key.items()})
            outcome = await self._collect(batch_id)
        except Exception as exc:
            error = exc if isinstance(exc, TransportError) else classify(exc)
            for waiter in waiters:
                self._settle(waiter, error=TransportError(f"batch round: {error}", retryable=False))
            return
        for key, group in by_key.items():
            for waiter in group:
                self._resolve(waiter, key, outcome)

    def _resolve(self, waiter: _Waiter, key: str, outcome: _Outcome) -> None:
        if key in outcome.answers:
            self._settle(waiter, answer=outcome.answers[key])
        elif key in outcome.undone and waiter.submissions < self.settings.max_submissions:
            self._release(waiter)
            self._enqueue(waiter)  # the next round
        else:
            why = outcome.failed.get(key) or outcome.undone.get(key) or "no answer in the batch"
            self._settle(waiter, error=TransportError(f"batch API: {why}", retryable=False))

    def _settle(
        self, waiter: _Waiter, answer: JSON | None = None, error: Exception | None = None
    ) -> None:
        self._release(waiter)
        if waiter.future.done():
            return
        if error is not None:
            waiter.future.set_exception(error)
        else:
            waiter.future.set_result(answer or {})

    async def _submit(self, requests: dict[str, _Waiter]) -> str:
        lines = "".join(
            json.dumps(
                {
                    "custom_id": key,
                    "method": "POST",
                    "url": _ENDPOINT,
                    "body": {k: w.request[k] for k in _WIRE_KEYS if k in w.request},
                },
                ensure_ascii=False,
            )
            + "\n"
            for key, w in requests.items()
        )
        upload = await self._client.files.create(
            file=("round.jsonl", lines.encode("utf-8")), purpose="batch"
        )
        batch = await self._client.batches.create(
            input_file_id=upload.id,
            endpoint=_ENDPOINT,
            completion_window=self.settings.completion_window,  # type: ignore[arg-type]
        )
        state = {
            "batch_id": batch.id,
            "submitted": time.time(),
            "requests": {k: {"label": w.label, "request": w.request} for k, w in requests.items()},
        }
        atomic_write_text(self._state_path(batch.id), json.dumps(state, ensure_ascii=False))
        _say(f"openai batch {batch.id}: submitted {len(requests)} request(s)")
        return batch.id

    async def _collect(self, batch_id: str) -> _Outcome:
        """Polls to a final status, stores every answer in the cache, forgets the batch."""
        path = self._state_path(batch_id)
        state = json.loads(path.read_text(encoding="utf-8"))
        requests: dict[str, JSON] = state["requests"]
        batch = await self._poll(batch_id)
        outcome = _Outcome()
        if batch.status == "failed":
            errors = getattr(batch.errors, "data", None) or []
            why = "; ".join(str(getattr(e, "message", e)) for e in errors) or "batch failed"
            outcome.failed = dict.fromkeys(requests, f"batch {batch_id} failed: {why}")
        else:
            await self._read_results(batch.output_file_id, requests, outcome)
            await self._read_results(batch.error_file_id, requests, outcome)
            for key in requests:
                if key not in outcome.answers and key not in outcome.failed:
                    outcome.undone.setdefault(
                        key, f"left undone by batch {batch_id} ({batch.status})"
                    )
        path.unlink(missing_ok=True)
        return outcome

    async def _poll(self, batch_id: str) -> Any:
        last = ""
        while True:
            batch = await self._client.batches.retrieve(batch_id)
            counts = batch.request_counts
            seen = (
                f"{batch.status}, {counts.completed}/{counts.total} done, {counts.failed} failed"
                if counts
                else batch.status
            )
            if seen != last:
                _say(f"openai batch {batch_id}: {seen}")
                last = seen
            if batch.status in _TERMINAL:
                return batch
            await asyncio.sleep(self.settings.poll_s)

    async def _read_results(
        self, file_id: str | None, requests: dict[str, JSON], outcome: _Outcome
    ) -> None:
        if not file_id:
            return
        content = await self._client.files.content(file_id)
        for raw in content.text.splitlines():
            if raw.strip():
                self._read_result(json.loads(raw), requests, outcome)

    def _read_result(self, result: JSON, requests: dict[str, JSON], outcome: _Outcome) -> None:
        key = str(result.get("custom_id"))
        if key not in requests:
            return
        response = result.get("response") or {}
        status = int(response.get("status_code") or 0)
        body = response.get("body")
        if status == 200 and isinstance(body, dict) and body.get("choices"):
            entry = requests[key]
            self.store.store(key, entry["request"], entry["label"], Fetched(body, 1, 0.0))
            outcome.answers[key] = body
            return
        error = result.get("error") or {}
        code = str(error.get("code") or (f"HTTP {status}" if status else "no answer"))
        message = f"{code}: {error.get('message') or 'request not answered'}"
        if code == "batch_expired" or status in _RESUBMIT_STATUS:
            outcome.undone[key] = message
        else:
            outcome.failed[key] = message

    def _state_path(self, batch_id: str) -> Path:
        return self.state_dir / f"{batch_id}.json"

    # --- a killed run's batches ------------------------------------------------------------

    async def _recover(self) -> None:
        if self._recovered is None:
            self._recovered = asyncio.get_running_loop().create_task(self._collect_pending())
        await asyncio.shield(self._recovered)

    async def _collect_pending(self) -> None:
        """Batches a killed run submitted: their answers into the cache, paid once."""
        if not self.state_dir.is_dir():
            return
        for path in sorted(self.state_dir.glob("*.json")):
            batch_id = path.stem
            _say(f"openai batch {batch_id}: submitted by an earlier run, collecting it")
            try:
                await self._collect(batch_id)
            except Exception as exc:
                raise TransportError(
                    f"cannot collect batch {batch_id} submitted by an earlier run ({path}): "
                    f"{classify(exc)}",
                    retryable=False,
                ) from None


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@register("openai-batch")
def _factory(config: RunConfig) -> OpenAIBatchProvider:
    return OpenAIBatchProvider(config)
