"""The Ray engine (`--engine ray`, the `ray` extra): documents over a Ray cluster's actors.

Ray Data streams the documents still to do to `engine.actors` async actors; each builds one
`Pipeline` from the run's configuration (paths made absolute, so every actor shares the one
cache folder) and runs its documents concurrently. Rows come back in input order and this
process writes them with the batch writer, so the output is what the local engine writes.

Pitfalls handled here (met on 2 cores): actors reserve a fraction of a CPU (at 1 CPU each,
two actors left none for the read task and the job hung silently); a job without progress
for `engine.no_progress_timeout_s` fails instead of hanging; `__call__` is a coroutine (a sync
actor calling into asyncio has no event loop); every failure of a document is its error line
inside the actor, so a block is never dropped; and if the job itself fails, every document
it had not returned gets an error line naming the cause.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import AsyncGenerator, Iterator
from dataclasses import asdict
from types import TracebackType
from typing import Any

from extractor.config import RunConfig
from extractor.documents import Document
from extractor.engines import DocumentRunner, EngineError, error_line, portable_config
from extractor.pipeline import Pipeline
from extractor.providers.base import RoundProvider
from extractor_schemas.prediction import PredictionLine

# Ray Data runs up to this many batches of one async actor at once (its default is 4).
_BATCHES_PER_ACTOR = 4
_OBJECT_STORE_BYTES = 256 * 1024 * 1024  # a local cluster's: rows are small text


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ModuleNotFoundError as exc:
        raise EngineError(
            "the ray engine needs Ray Data: pip install 'grounded-extractor[ray]'"
        ) from exc
    return ray


class PipelineActor:
    """A Ray Data callable class: one pipeline per actor, documents of a batch concurrently.

    Lives in the package, not a test module: workers import it by name.
    """

    def __init__(self, config_json: str, limit: int) -> None:
        self.pipeline = Pipeline.from_config(RunConfig.model_validate_json(config_json))
        self.runner = DocumentRunner(self.pipeline, limit)

    async def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        docs = [_decode(str(raw)) for raw in batch["doc"]]
        lines = await asyncio.gather(*(self._one(doc) for doc in docs))
        return {"line": np.array(lines, dtype=object)}

    async def _one(self, doc: Document) -> str:
        try:
            line = await self.runner.run(doc)
        except BaseException as exc:  # never a lost block: the document's own error line
            line = error_line(doc, f"internal error {type(exc).__name__}: {exc}")
        assert line is not None  # no stop event inside an actor
        return line.model_dump_json()


def _encode(doc: Document) -> str:
    return json.dumps(asdict(doc), ensure_ascii=False)


def _decode(raw: str) -> Document:
    return Document(**json.loads(raw))


class RayEngine:
    """Joins (or starts) a Ray cluster on open; leaves a cluster it joined running."""

    name = "ray"

    def __init__(self, pipeline: Pipeline) -> None:
        if isinstance(pipeline.provider, RoundProvider):
            raise EngineError(
                "the ray engine cannot run Batch API rounds (they gather every document's "
                "requests in one process): use --engine local with --provider openai-batch"
            )
        if pipeline.provider.serialised:
            raise EngineError(
                "the ray engine needs an endpoint provider (--provider openai): an in-process "
                "model would be loaded again by every actor"
            )
        self.pipeline = pipeline
        self.settings = pipeline.config.engine
        self._ray: Any = None
        self._started_here = False

    def describe(self) -> dict[str, object]:
        return {
            "kind": self.name,
            "actors": self.settings.actors,
            "actor_cpus": self.settings.actor_cpus,
            "in_flight": self.settings.actors * self._per_actor(),
            "address": self.settings.ray_address or os.environ.get("RAY_ADDRESS") or "local",
        }

    def _per_actor(self) -> int:
        return max(1, -(-self.pipeline.in_flight() // self.settings.actors))

    async def __aenter__(self) -> RayEngine:
        ray = _import_ray()
        self._ray = ray
        if not ray.is_initialized():
            await asyncio.to_thread(self._init, ray)
        return self

    def _init(self, ray: Any) -> None:
        address = self.settings.ray_address or os.environ.get("RAY_ADDRESS")
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address:
            options["address"] = address
        else:
            options["num_cpus"] = self.settings.local_cpus or max(os.cpu_count() or 1, 2)
            options["object_store_memory"] = _OBJECT_STORE_BYTES
        try:
            ray.init(**options)
        except Exception as exc:
            raise EngineError(f"cannot start or join a Ray cluster: {exc}") from exc
        self._started_here = True

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._started_here:
            await asyncio.to_thread(self._ray.shutdown)
            self._started_here = False

    def _dataset(self, documents: list[Document]) -> Any:
        ray = self._ray
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.execution_no_progress_timeout_s = self.settings.no_progress_timeout_s
        context.enable_progress_bars = False
        per_actor = self._per_actor()
        batch = max(1, -(-per_actor // _BATCHES_PER_ACTOR))
        config = portable_config(self.pipeline.config).model_dump_json()
        blocks = max(1, min(len(documents), self.settings.actors * 8))
        rows = [{"doc": _encode(doc)} for doc in documents]
        return ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
            PipelineActor,
            fn_constructor_kwargs={"config_json": config, "limit": per_actor},
            batch_size=batch,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.settings.actors),
            num_cpus=self.settings.actor_cpus,
        )

    def lines(
        self, documents: list[Document], stop: asyncio.Event
    ) -> AsyncGenerator[PredictionLine, None]:
        return _bridge(self._rows(documents, stop), documents)

    def _rows(self, documents: list[Document], stop: asyncio.Event) -> Iterator[str]:
        if not documents:
            return
        for row in self._dataset(documents).iter_rows():
            yield str(row["line"])
            if stop.is_set():
                return


async def _bridge(
    rows: Iterator[str], documents: list[Document]
) -> AsyncGenerator[PredictionLine, None]:
    """Rows from Ray's blocking iterator, read in a thread, as lines on this loop. If the job
    fails, each document not yet returned (rows come in input order) gets an error line."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | BaseException | None] = asyncio.Queue(maxsize=256)
    quit_reading = threading.Event()

    def read() -> None:
        try:
            for row in rows:
                asyncio.run_coroutine_threadsafe(queue.put(row), loop).result()
                if quit_reading.is_set():
                    break
        except BaseException as exc:
            asyncio.run_coroutine_threadsafe(queue.put(exc), loop).result()
            return
        asyncio.run_coroutine_threadsafe(queue.put(None), loop).result()

    reader = loop.run_in_executor(None, read)
    returned = 0
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                cause = f"ray engine failed before this document came back: {item}"
                for doc in documents[returned:]:
                    yield error_line(doc, cause.splitlines()[0])
                return
            returned += 1
            yield PredictionLine.model_validate_json(item)
    finally:
        quit_reading.set()
        while not reader.done():  # let the reader finish its last put
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                await asyncio.sleep(0.01)
        await reader
