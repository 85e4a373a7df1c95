"""Engines: where the documents of a batch run, never where their lines are written.

Every engine has the same shape: N workers (this event loop, worker processes, Ray actors),
each holding one `Pipeline` and running a bounded number of documents at once, and a driver
that receives each finished `PredictionLine` and hands it to `extractor.batch`'s crash-safe
writer, resume and manifest. So the output lines are the same whichever engine ran.

An engine yields lines in input order and stops starting documents once `stop` is set (a spent
budget); a document already started finishes. Input order makes the output file the same bytes
whichever engine ran a replayed run, at any concurrency (a line's only wall-clock field is 0.0
for a replayed document, see `Pipeline`). The local engine gets it from `InputOrder`: a
document finished ahead of an earlier one waits in memory, and no document is started more than
`REORDER_FACTOR` x in-flight positions past the first unwritten one, so that wait stays
bounded. A kill loses the waiting lines with the ones in flight; with the cache on their
answers are recorded, so `--resume` replays them without paying again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol

from extractor.config import RunConfig
from extractor.documents import Document
from extractor.pipeline import Pipeline
from extractor_schemas.prediction import PredictionLine

# How many in-flight counts ahead of the first unwritten document one may start: a slow
# document holds up the start of others only once 3 x in-flight later ones have finished.
# Measured at 4 (bench/engines_bench.py workers, 200 ms calls, shared 2-core machine): in
# process medians 1.14x and 1.27x the ideal, against 1.20-1.29x writing in completion order;
# 2 workers 1.13-1.16x against 1.13-1.15x: within the noise.
REORDER_FACTOR = 4


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
        """Each document's line, in input order; those not started when `stop` is set are
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


class InputOrder:
    """Finished lines released in input order, with a bounded number held back.

    Positions are the documents' places in the run's list (ids are unique within a run). A
    document may start only within `window` positions of the first line not yet released, so
    at most `window` minus the in-flight count finished lines wait in memory.
    """

    def __init__(self, documents: Sequence[Document], in_flight: int) -> None:
        self.position = {doc.id: n for n, doc in enumerate(documents)}
        self.window = max(1, in_flight) * REORDER_FACTOR
        self.head = 0  # the first position not yet released
        self._held: dict[int, PredictionLine | None] = {}

    def admits(self, position: int) -> bool:
        """Whether the document at `position` may start now."""
        return position < self.head + self.window

    def put(self, position: int, line: PredictionLine | None) -> list[PredictionLine]:
        """Records one finished position (None: it was never started) and returns the lines
        now releasable, in input order."""
        self._held[position] = line
        released = []
        while self.head in self._held:
            held = self._held.pop(self.head)
            self.head += 1
            if held is not None:
                released.append(held)
        return released

    @property
    def waiting(self) -> int:
        """Finished lines held back behind an earlier document."""
        return len(self._held)


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
