"""What every provider offers the pipeline, and the transport-retry policy they all share.

A provider makes one attempt at one chat request and classifies its failures; retrying lives
here once, with tenacity, so every backend gets the same bounded, jittered, Retry-After-aware
policy and the same attempt count in the cache entry.
"""

from __future__ import annotations

import importlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from extractor.cache import Fetched
from extractor.config import RetryConfig, RunConfig

JSON = dict[str, Any]

# `scheme://user:password@`: everything up to the authority's last '@' is credentials.
_URL_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]+@")
_URL_SECRET_PARAM = re.compile(
    r"(?P<name>[?&](?:api[_-]?key|key|(?:access[_-]?|refresh[_-]?|id[_-]?)?token|auth"
    r"|password|passwd|pwd|secret|client[_-]?secret|sig|signature)=)[^&#\s]+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with the credentials of any URL in it masked: userinfo and secret query values.

    For every place an endpoint URL is shown (messages, /readyz, logs); the URL itself stays
    readable, so `http://user:pw@host/v1?api_key=k` reads `http://***@host/v1?api_key=***`.
    """
    return _URL_SECRET_PARAM.sub(r"\g<name>***", _URL_USERINFO.sub(r"\g<scheme>***@", text))


def _redacted(value: object) -> object:
    """A log argument with URL credentials masked; numbers stay numbers for %d."""
    if isinstance(value, int | float):
        return value
    text = str(value)
    masked = redact(text)
    return masked if masked != text else value


def redact_logs() -> None:
    """Masks URL credentials in every log record of the process, as each one is made.

    Installed by every command that may call an endpoint (`extract`, `matrix`, `serve`): a
    warning from the HTTP stack reaches stderr through logging's last-resort handler even when
    no logging is configured.

    The openai client logs the request URL at debug and httpx at info, userinfo included; a
    record factory reaches them all, uvicorn's access log too, whatever handlers are set up.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return record

    factory.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class TransportError(Exception):
    """A failed attempt: `retryable` says whether trying again can help."""

    def __init__(self, message: str, *, retryable: bool, retry_after_s: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after_s = retry_after_s


class ProviderConfigError(ValueError):
    """The provider cannot start with this configuration; raised before any document is read."""


class Provider(Protocol):
    """One backend. `identity` goes into every cache key, so it must name the exact model."""

    name: ClassVar[str]
    serialised: ClassVar[bool]

    def identity(self) -> JSON: ...

    async def complete(self, request: JSON) -> JSON: ...

    async def check(self) -> None: ...

    def instructor_mode(self) -> str: ...


@runtime_checkable
class RoundProvider(Protocol):
    """A provider that answers in rounds (a batch API): it must know which documents are in
    flight, to submit a round once every one of them waits on it or is done.

    The pipeline runs each document inside `document()`; `documents_per_round` is how many
    documents an engine should keep in flight (they fill one round).
    """

    documents_per_round: int

    def document(self) -> AbstractAsyncContextManager[None]: ...


PROVIDERS: dict[str, Callable[[RunConfig], Provider]] = {}


def register(
    name: str,
) -> Callable[[Callable[[RunConfig], Provider]], Callable[[RunConfig], Provider]]:
    """Registers a provider factory under the name users give in `provider.kind`."""

    def decorate(factory: Callable[[RunConfig], Provider]) -> Callable[[RunConfig], Provider]:
        PROVIDERS[name] = factory
        return factory

    return decorate


# The built-in providers' modules; importing one registers it. Only the one in use is imported,
# so an embedded run does not load the openai client, nor an endpoint run llama.cpp's helpers.
_BUILTIN_MODULES = {
    "embedded": "extractor.providers.embedded",
    "openai": "extractor.providers.openai_http",
    "openai-batch": "extractor.providers.openai_batch",
}


def create_provider(config: RunConfig) -> Provider:
    kind = config.provider.kind
    if kind not in PROVIDERS and kind in _BUILTIN_MODULES:
        importlib.import_module(_BUILTIN_MODULES[kind])
    factory = PROVIDERS.get(kind)
    if factory is None:
        known = ", ".join(sorted(set(PROVIDERS) | set(_BUILTIN_MODULES)))
        raise ProviderConfigError(f"unknown provider {config.provider.kind!r} (known: {known})")
    return factory(config)


@dataclass
class _AttemptCounter:
    attempts: int = 0


def _wait(config: RetryConfig) -> Callable[[RetryCallState], float]:
    """Exponential backoff with jitter, but never shorter than the server's Retry-After."""
    backoff = wait_exponential_jitter(
        multiplier=config.initial_backoff_s,
        max=config.max_backoff_s,
        jitter=config.initial_backoff_s,
    )

    def wait(state: RetryCallState) -> float:
        base = float(backoff(state))
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, TransportError) and error.retry_after_s is not None:
            return max(base, min(error.retry_after_s, config.max_backoff_s))
        return base

    return wait


async def fetch_with_retries(
    attempt: Callable[[], Awaitable[JSON]], config: RetryConfig
) -> Fetched:
    """Call `attempt` until it succeeds or the attempt/time budget runs out.

    The first attempt is a plain await: tenacity's machinery costs a fraction of a millisecond
    of event-loop time per call, and most calls succeed at once. Only a retryable failure
    enters the retry loop, which counts it as attempt 1 and waits before attempt 2.
    """
    started = time.perf_counter()
    try:
        response = await attempt()
    except TransportError as error:
        if not error.retryable:
            raise
        return await _retry(attempt, config, started, error)
    return Fetched(response, 1, time.perf_counter() - started)


async def _retry(
    attempt: Callable[[], Awaitable[JSON]],
    config: RetryConfig,
    started: float,
    first: TransportError,
) -> Fetched:
    counter = _AttemptCounter()
    pending: TransportError | None = first
    budget_left = max(config.max_total_s - (time.perf_counter() - started), 0.0)
    retrying = AsyncRetrying(
        # The time budget counts the first attempt too, made before this loop started.
        stop=stop_after_attempt(config.max_attempts) | stop_after_delay(budget_left),
        wait=_wait(config),
        retry=retry_if_exception(lambda e: isinstance(e, TransportError) and e.retryable),
        reraise=True,
    )
    async for trial in retrying:
        with trial:
            counter.attempts += 1
            if pending is not None:  # attempt 1 already failed: tenacity decides what next
                failed, pending = pending, None
                raise failed
            response = await attempt()
    return Fetched(response, counter.attempts, time.perf_counter() - started)
