"""What every provider offers the pipeline, and the transport-retry policy they all share.

A provider makes one attempt at one chat request and classifies its failures; retrying lives
here once, with tenacity, so every backend gets the same bounded, jittered, Retry-After-aware
policy and the same attempt count in the cache entry.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

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


PROVIDERS: dict[str, Callable[[RunConfig], Provider]] = {}


def register(
    name: str,
) -> Callable[[Callable[[RunConfig], Provider]], Callable[[RunConfig], Provider]]:
    """Registers a provider factory under the name users give in `provider.kind`."""

    def decorate(factory: Callable[[RunConfig], Provider]) -> Callable[[RunConfig], Provider]:
        PROVIDERS[name] = factory
        return factory

    return decorate


def create_provider(config: RunConfig) -> Provider:
    # Importing the modules registers them; the embedded one is loaded lazily by its factory.
    from extractor.providers import embedded, openai_http  # noqa: F401

    factory = PROVIDERS.get(config.provider.kind)
    if factory is None:
        known = ", ".join(sorted(PROVIDERS))
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
    """Call `attempt` until it succeeds or the attempt/time budget runs out."""
    counter = _AttemptCounter()
    started = time.perf_counter()
    retrying = AsyncRetrying(
        stop=stop_after_attempt(config.max_attempts) | stop_after_delay(config.max_total_s),
        wait=_wait(config),
        retry=retry_if_exception(lambda e: isinstance(e, TransportError) and e.retryable),
        reraise=True,
    )
    async for trial in retrying:
        with trial:
            counter.attempts += 1
            response = await attempt()
    return Fetched(response, counter.attempts, time.perf_counter() - started)
