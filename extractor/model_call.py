"""The one road to the model: instructor for validation and re-asks, the cache underneath.

instructor is given our `create` function; it validates each answer against the response model
and re-asks on failure (bounded). Our `create` turns instructor's request into a plain-JSON
request, passes it through the record/replay cache, and on a miss through the provider with the
shared transport-retry policy. A re-ask is just another request, so it is cached and replayed too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import instructor
from instructor.core.exceptions import InstructorRetryException
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from extractor.cache import CacheError, CacheMissError, CacheWriteError, CallResult, ResponseCache
from extractor.config import RunConfig
from extractor.providers.base import JSON, Provider, TransportError, fetch_with_retries
from extractor_schemas.prediction import Usage

T = TypeVar("T", bound=BaseModel)
logging.getLogger("instructor").setLevel(logging.CRITICAL)

# Request fields instructor may set that decide the answer; anything else is not sent.
_REQUEST_FIELDS = ("messages", "tools", "tool_choice", "response_format")


_STATS: ContextVar[Usage] = ContextVar("call_stats")
_LABEL: ContextVar[str] = ContextVar("call_label", default="")


class ValidationExhausted(Exception):
    """The model's answer failed validation after every re-ask: the chunk yields nothing.

    `last_completion` is the final answer as the model gave it, so a caller that can keep the
    valid part of a large answer (the document strategy) does not lose all of it.
    """

    def __init__(self, message: str, last_completion: ChatCompletion | None = None) -> None:
        super().__init__(message)
        self.last_completion = last_completion


@dataclass(frozen=True)
class CallOptions:
    """What a strategy may set per call beyond the prompt; the defaults are the sentence reader's.

    `context` reaches the response model's validators (instructor's validation context), so an
    answer can be checked against the text it was read from and re-asked when it is not there.
    """

    system: str | None = None
    max_tokens: int | None = None
    seed_offset: int = 0
    context: Mapping[str, Any] | None = None


def _plain(value: Any) -> Any:
    """instructor hands over pydantic objects in re-ask messages; the cache needs plain JSON."""

    def default(obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            return obj.model_dump(mode="json", exclude_none=True)
        raise TypeError(f"cannot serialise {type(obj).__name__}")

    return json.loads(json.dumps(value, default=default))


class ModelCaller:
    """Asks one question and returns a validated answer, counting everything it costs."""

    def __init__(self, provider: Provider, cache: ResponseCache, config: RunConfig) -> None:
        self.provider = provider
        self.cache = cache
        self.config = config
        mode = instructor.Mode(provider.instructor_mode())
        self._create: Callable[..., Awaitable[Any]] = instructor.patch(
            create=self._create_raw, mode=mode
        )

    def request(self, kwargs: dict[str, Any]) -> JSON:
        """Everything that decides the answer, and nothing else (no keys, no headers)."""
        sampling = self.config.sampling
        request: JSON = dict(self.provider.identity())
        request.update({k: _plain(kwargs[k]) for k in _REQUEST_FIELDS if k in kwargs})
        request.update(
            temperature=sampling.temperature,
            max_tokens=kwargs.get("max_tokens") or sampling.max_tokens,
            seed=sampling.seed + int(kwargs.get("seed_offset") or 0),
        )
        if self.provider.name == "embedded":
            request["repeat_penalty"] = sampling.repeat_penalty
        return request

    async def _create_raw(self, **kwargs: Any) -> ChatCompletion:
        request = self.request(kwargs)

        async def fetch() -> Any:
            return await fetch_with_retries(
                lambda: self.provider.complete(request), self.config.retry
            )

        try:
            result = await self.cache.call(request, _LABEL.get(), fetch)
        except CacheWriteError as exc:  # the model was called: its cost still counts
            self._count(_STATS.get(), exc.result)
            raise
        self._count(_STATS.get(), result)
        return _completion(result)

    def _count(self, stats: Usage, result: CallResult) -> None:
        """The call's usage, and its price when it was paid now (a replay costs nothing)."""
        _count(stats, result)
        if result.hit:
            return
        usage = result.response.get("usage") or {}
        cost = self.config.cost.of(
            int(usage.get("prompt_tokens") or 0),
            int(usage.get("completion_tokens") or 0),
            self.config.provider.kind,
        )
        stats.cost_usd = round(stats.cost_usd + cost, 9)

    async def ask(
        self, response_model: type[T], prompt: str, options: CallOptions = CallOptions()
    ) -> T:
        """One validated answer; raises ValidationExhausted, TransportError or CacheMissError."""
        stats = _STATS.get()
        before = stats.calls
        messages = [{"role": "user", "content": prompt}]
        if options.system is not None:
            messages.insert(0, {"role": "system", "content": options.system})
        extra: dict[str, Any] = {}
        if options.max_tokens is not None:
            extra["max_tokens"] = options.max_tokens
        if options.seed_offset:
            extra["seed_offset"] = options.seed_offset
        if options.context is not None:
            extra["context"] = dict(options.context)
        try:
            answer: T = await self._create(
                response_model=wrapped_once(response_model),
                messages=messages,
                max_retries=self.config.retry.max_reasks,
                **extra,
            )
        except InstructorRetryException as exc:
            cause = exc.__cause__
            if isinstance(cause, TransportError | CacheMissError | CacheError):
                raise cause from None
            last = exc.last_completion
            completion = last if isinstance(last, ChatCompletion) else None
            raise ValidationExhausted(str(cause or exc), completion) from None
        finally:
            stats.reasks += max(stats.calls - before - 1, 0)
        return answer


def _count(stats: Usage, result: CallResult) -> None:
    """One call's cost; a replayed answer's recorded retries are not retries made now."""
    usage = result.response.get("usage") or {}
    retries = max(result.attempts - 1, 0)
    stats.calls += 1
    stats.cache_hits += int(result.hit)
    if result.hit:
        stats.recorded_retries += retries
    else:
        stats.retries += retries
    stats.prompt_tokens += int(usage.get("prompt_tokens") or 0)
    stats.completion_tokens += int(usage.get("completion_tokens") or 0)


def _completion(result: CallResult) -> ChatCompletion:
    """The answer as a chat completion. Not a ValidationError when it is none: instructor would
    re-ask, and a broken cassette would pass for an answer that failed validation."""
    try:
        return ChatCompletion.model_validate(result.response)
    except ValidationError as exc:
        if result.hit:
            raise CacheError(
                f"cassette for key {result.key} holds no chat completion: {exc}"
            ) from None
        raise TransportError(
            f"the provider's answer is not a chat completion: {exc}", retryable=False
        ) from None


_WRAPPED: dict[type[BaseModel], type[BaseModel]] = {}


def wrapped_once(response_model: type[T]) -> type[T]:
    """The response model as instructor wraps it, built once per model.

    instructor wraps the model in a new class on every call, and a new class also misses its
    schema cache: about 3 ms of pydantic class building per call, on the event loop every
    call shares. It leaves a model it has already wrapped as it is, so the requests (and the
    cassettes' keys) are the same. Bounded, in case a caller builds models per call.
    """
    found = _WRAPPED.get(response_model)
    if found is None:
        if len(_WRAPPED) >= 256:
            _WRAPPED.clear()
        found = _WRAPPED[response_model] = instructor.response_schema(response_model)
    return cast(type[T], found)


def current_label() -> str:
    """The document id bound to this task (the cache label), for providers that queue."""
    return _LABEL.get()


def start_document(label: str) -> Usage:
    """Binds fresh stats and the cache label (the document id) to the current task."""
    stats = Usage()
    _STATS.set(stats)
    _LABEL.set(label)
    return stats
