"""Any OpenAI-compatible HTTP endpoint: OpenAI, vLLM, Ollama, llama.cpp's server, LM Studio.

The client's own retries are off: transport retries are the shared tenacity policy, so they are
bounded and counted the same way for every backend.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, ClassVar

import openai

from extractor.config import RunConfig
from extractor.providers.base import (
    JSON,
    ProviderConfigError,
    TransportError,
    redact,
    register,
)

# Keys of a request that an OpenAI-compatible endpoint understands.
_WIRE_KEYS = (
    "model",
    "messages",
    "tools",
    "tool_choice",
    "response_format",
    "temperature",
    "max_tokens",
    "seed",
)
_MODES = {"tools": "tool_call", "json_schema": "json_schema_mode", "json": "json_mode"}
# Status codes worth another attempt: the request was fine, the server was not.
_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


def _retry_after(error: openai.APIStatusError) -> float | None:
    value = error.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def classify(error: Exception) -> TransportError:
    """Maps client exceptions to retryable or final failures, never echoing headers or keys."""
    if isinstance(error, openai.APIStatusError):
        status = error.status_code
        return TransportError(
            f"HTTP {status} from endpoint",
            retryable=status in _RETRY_STATUS,
            retry_after_s=_retry_after(error),
        )
    if isinstance(error, openai.APITimeoutError):
        return TransportError("request timed out", retryable=True)
    if isinstance(error, openai.APIConnectionError):
        return TransportError("connection failed or dropped", retryable=True)
    if isinstance(error, openai.APIResponseValidationError | ValueError):
        return TransportError(f"malformed response: {type(error).__name__}", retryable=True)
    return TransportError(redact(f"{type(error).__name__}: {error}"), retryable=False)


class OpenAIProvider:
    name: ClassVar[str] = "openai"
    serialised: ClassVar[bool] = False

    def __init__(self, config: RunConfig) -> None:
        settings = config.provider
        if not settings.model:
            raise ProviderConfigError("provider 'openai' needs a model name (--model)")
        key = os.environ.get(settings.api_key_env)
        if key is None and settings.base_url is None:
            raise ProviderConfigError(
                f"provider 'openai' without --base-url needs an API key in ${settings.api_key_env}"
            )
        self.model = settings.model
        self.base_url = settings.base_url
        self.mode = settings.mode or "tools"
        if self.mode not in _MODES:
            raise ProviderConfigError(
                f"mode {self.mode!r} not supported (use one of {sorted(_MODES)})"
            )
        self._key = key or "not-needed"
        self._timeout = settings.timeout_s
        self._clients: dict[asyncio.AbstractEventLoop, openai.AsyncOpenAI] = {}

    @property
    def _client(self) -> openai.AsyncOpenAI:
        """One client per event loop: pooled connections belong to the loop that opened them,
        and reusing them from another loop fails the first request of every new loop."""
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            self._clients = {
                loop: openai.AsyncOpenAI(
                    api_key=self._key,
                    base_url=self.base_url,
                    timeout=self._timeout,
                    max_retries=0,
                )
            }
        return self._clients[loop]

    def identity(self) -> JSON:
        return {"provider": self.name, "model": self.model, "mode": self.mode}

    def instructor_mode(self) -> str:
        return _MODES[self.mode]

    async def check(self) -> None:
        """Start-up probe: the endpoint answers and knows the model, before documents are read."""
        try:
            models = await self._client.models.list()
        except Exception as exc:
            raise ProviderConfigError(
                f"endpoint {redact(self.base_url or 'OpenAI')} unusable: {classify(exc)}"
            ) from None
        names = {m.id for m in models.data}
        if names and self.model not in names:
            raise ProviderConfigError(f"model {self.model!r} not served (served: {sorted(names)})")

    async def complete(self, request: JSON) -> JSON:
        wire: dict[str, Any] = {k: request[k] for k in _WIRE_KEYS if k in request}
        try:
            # The request is already plain JSON, so it is posted as is: the client's own
            # TypedDict transform of `create` parameters cost more than the rest of the pipeline.
            raw = await self._client.post("/chat/completions", body=wire, cast_to=dict[str, Any])
        except Exception as exc:
            raise classify(exc) from None
        if not isinstance(raw, dict):
            raise TransportError("malformed response: not a JSON object", retryable=True)
        if not raw.get("choices"):
            raise TransportError("response has no choices", retryable=True)
        return raw


@register("openai")
def _factory(config: RunConfig) -> OpenAIProvider:
    return OpenAIProvider(config)
