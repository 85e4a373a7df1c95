"""Engines: where the documents of a batch run, never where their lines are written.

Every engine has the same shape: N workers (this event loop, worker processes, Ray actors),
each holding one `Pipeline` and running a bounded number of documents at once, and a driver
that receives each finished `PredictionLine` and hands it to `extractor.batch`'s crash-safe
writer, resume and manifest. So the output lines are the same whichever engine ran.

An engine yields lines (in completion order locally, in input order from Ray) and stops
starting documents once `stop` is set (a spent budget); a document already started finishes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol

from extractor.config import RunConfig
from extractor.documents import Document
from extractor.pipeline import Pipeline
from extractor_schemas.prediction import PredictionLine


class EngineError(RuntimeError):
    """The engine cannot run (an extra not installed, no cluster, a setting it cannot honour)."""


class Engine(Protocol):
    """Runs documents somewhere; opened once, it may serve several batches (worker pools)."""

    name: str

    async def __aenter__(self) -> Engine: ...

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def describe(self) -> dict[str, object]:
        """What ran the documents, for the run manifest."""
        ...

    def lines(
        self, documents: list[Document], stop: asyncio.Event
    ) -> AsyncGenerator[PredictionLine, None]:
        """Each document's line as it is ready; those not started when `stop` is set are
        not yielded (they stay to do)."""
        ...


@dataclass
class DocumentRunner:
    """One pipeline and its in-flight bound: the unit every engine's worker is made of."""

    pipeline: Pipeline
    limit: int
    _semaphore: asyncio.Semaphore | None = field(default=None, init=False)

    async def run(self, doc: Document, stop: asyncio.Event | None = None) -> PredictionLine | None:
        """The document's line (a failure of any kind is its error line), or None if `stop`
        was set before it started."""
        if self._semaphore is None:  # made in the loop that runs it (actors own their loop)
            self._semaphore = asyncio.Semaphore(self.limit)
        async with self._semaphore:
            if stop is not None and stop.is_set():
                return None
            try:
                return await self.pipeline.extract(doc)
            except Exception as exc:  # extract isolates failures; this is the last guard
                return error_line(doc, f"internal error {type(exc).__name__}: {exc}")


def error_line(doc: Document, message: str) -> PredictionLine:
    """A document's line when its engine, not its pipeline, failed it."""
    return PredictionLine(
        id=doc.id,
        source_sha256=doc.sha256,
        text=doc.reduced_text,
        text_sha256=doc.reduced_sha256,
        error=message,
    )


def portable_config(config: RunConfig) -> RunConfig:
    """The configuration with its paths absolute, for workers whose working folder differs
    (Ray workers start in their session folder): all of them must share one cache folder."""
    cache = config.cache.model_copy(update={"dir": config.cache.dir.resolve()})
    extraction = config.extraction
    if extraction.prompt_dir is not None:
        extraction = extraction.model_copy(update={"prompt_dir": extraction.prompt_dir.resolve()})
    provider = config.provider
    if provider.model_path is not None:
        provider = provider.model_copy(update={"model_path": provider.model_path.resolve()})
    return config.model_copy(
        update={"cache": cache, "extraction": extraction, "provider": provider}
    )


def create_engine(pipeline: Pipeline, documents: int) -> Engine:
    """The engine the configuration names, sized for a run of `documents` documents."""
    settings = pipeline.config.engine
    if settings.kind == "ray":
        from extractor.engines.ray import RayEngine

        return RayEngine(pipeline)
    from extractor.engines.local import LocalEngine

    return LocalEngine(pipeline, documents=documents)
