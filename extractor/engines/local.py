"""The local engine: documents on this machine, in this event loop or in worker processes.

In process (`workers` 1), documents run as tasks of the caller's event loop, at most
`Pipeline.in_flight()` at once. One event loop on two cores cannot keep 20 documents at 200 ms
each within 1.25x of the ideal: the openai client costs ~2.5 ms of CPU a request and the rest of
the pipeline ~3 ms a document. With `workers` K > 1, K spawned processes each build their own
`Pipeline` from the run's configuration and run their share of the in-flight documents on their
own loop; this process only dispatches documents and writes the lines they send back.

Dispatch is by free slot (a worker gets a document when it has fewer than its share in flight),
so a slow document holds up no other worker until the reorder window is used up (lines are
written in input order; see `extractor.engines.InputOrder`). A worker that dies fails only the
documents it held, each with an error line; none is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import AsyncGenerator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType

from extractor.config import RunConfig
from extractor.documents import Document
from extractor.engines import (
    DocumentRunner,
    EngineError,
    InputOrder,
    error_line,
    portable_config,
)
from extractor.pipeline import Pipeline
from extractor.providers.base import RoundProvider
from extractor_schemas.prediction import PredictionLine

# Below this many documents a run stays in process. Measured (bench/engines_bench.py, 200 ms
# calls, 20 in flight): one loop reaches 1.13x the ideal on 200 documents, while two workers
# spend 1.8-3.5 s starting and gain about 10% of the run; that pays off from runs of about
# 2,000 documents (13.3 s against 13.7 s), and a `make`-sized run of 200 took twice as long.
AUTO_MIN_DOCUMENTS = 2_000
AUTO_WORKERS = 2
_READY = "ready"
_START_TIMEOUT_S = 120.0


def choose_workers(pipeline: Pipeline, documents: int) -> int:
    """`engine.workers` if set (checked), else 1 where processes cannot help, else 2."""
    chosen = pipeline.config.engine.workers
    blocker = _why_in_process(pipeline)
    if chosen is not None:
        if chosen > 1 and blocker is not None:
            raise EngineError(f"engine.workers {chosen} is not possible: {blocker}")
        return chosen
    if blocker is not None or documents < AUTO_MIN_DOCUMENTS or pipeline.in_flight() < 2:
        return 1
    return max(1, min(AUTO_WORKERS, os.cpu_count() or 1))


def _why_in_process(pipeline: Pipeline) -> str | None:
    if pipeline.provider.serialised:
        return "the in-process model runs one call at a time (each worker would load it again)"
    if isinstance(pipeline.provider, RoundProvider):
        return "Batch API rounds gather every document's requests in one process"
    if pipeline.provider.name != pipeline.config.provider.kind:
        return "the pipeline's provider was not built from the configuration (workers rebuild it)"
    return None


class LocalEngine:
    """This machine: in process, or `workers` processes each with one pipeline."""

    name = "local"

    def __init__(
        self, pipeline: Pipeline, *, documents: int = 0, workers: int | None = None
    ) -> None:
        self.pipeline = pipeline
        self.workers = workers if workers is not None else choose_workers(pipeline, documents)
        self._pool: _WorkerPool | None = None

    def describe(self) -> dict[str, object]:
        return {"kind": self.name, "workers": self.workers, "in_flight": self.pipeline.in_flight()}

    async def __aenter__(self) -> LocalEngine:
        if self.workers > 1 and self._pool is None:
            self._pool = await _WorkerPool.start(
                portable_config(self.pipeline.config), self.workers, self.pipeline.in_flight()
            )
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    def lines(
        self, documents: list[Document], stop: asyncio.Event
    ) -> AsyncGenerator[PredictionLine, None]:
        if self._pool is not None:
            return self._pool.run(documents, stop)
        return in_process(DocumentRunner(self.pipeline, self.pipeline.in_flight()), documents, stop)


async def in_process(
    runner: DocumentRunner, documents: list[Document], stop: asyncio.Event
) -> AsyncGenerator[PredictionLine, None]:
    """Lines in input order, with at most `runner.limit` documents started at a time (tasks
    are made as slots free, not one per document up front) and none started beyond the
    reorder window."""
    finished: asyncio.Queue[asyncio.Task[PredictionLine | None]] = asyncio.Queue()
    running: dict[asyncio.Task[PredictionLine | None], int] = {}
    order = InputOrder(documents, runner.limit)
    started = 0

    def fill() -> None:
        nonlocal started
        while len(running) < runner.limit and started < len(documents) and not stop.is_set():
            if not order.admits(started):
                return
            task = asyncio.ensure_future(runner.run(documents[started], stop))
            running[task] = started
            started += 1
            task.add_done_callback(finished.put_nowait)

    try:
        fill()
        while running:
            task = await finished.get()
            released = order.put(running.pop(task), task.result())
            fill()
            for line in released:
                yield line
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


# --- worker processes ------------------------------------------------------------------------


def _worker_main(conn: Connection, config_json: str, limit: int) -> None:
    """A worker process: one pipeline from the run's configuration, documents from `conn`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run, then its workers
    pipeline = Pipeline.from_config(RunConfig.model_validate_json(config_json))
    asyncio.run(_serve(conn, DocumentRunner(pipeline, limit)))


async def _serve(conn: Connection, runner: DocumentRunner) -> None:
    loop = asyncio.get_running_loop()
    closed = asyncio.Event()
    tasks: set[asyncio.Task[None]] = set()

    async def one(doc: Document) -> None:
        line = await runner.run(doc)
        if line is not None:
            try:
                conn.send(line.model_dump_json())
            except OSError:  # the parent is gone; the answers are in the cache for its resume
                closed.set()

    def readable() -> None:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            message = None
        if message is None:
            loop.remove_reader(conn.fileno())
            closed.set()
            return
        task = loop.create_task(one(message))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    loop.add_reader(conn.fileno(), readable)
    conn.send(_READY)
    await closed.wait()
    await asyncio.gather(*tasks, return_exceptions=True)


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.held: dict[str, Document] = {}
        self.alive = True


class _WorkerPool:
    """Spawned workers (not forked: the parent's loop and threads must not be copied)."""

    def __init__(self, workers: list[_Worker], limit: int) -> None:
        self.workers = workers
        self.limit = limit

    @classmethod
    async def start(cls, config: RunConfig, count: int, in_flight: int) -> _WorkerPool:
        context = multiprocessing.get_context("spawn")
        share = max(1, -(-in_flight // count))  # the in-flight total, split
        workers = []
        for _ in range(count):
            parent, child = context.Pipe()
            process = context.Process(
                target=_worker_main, args=(child, config.model_dump_json(), share), daemon=True
            )
            process.start()
            child.close()
            workers.append(_Worker(process, parent))
        pool = cls(workers, share)
        try:
            await asyncio.gather(*(pool._ready(w) for w in workers))
        except BaseException:
            await pool.close()
            raise
        return pool

    async def _ready(self, worker: _Worker) -> None:
        ok = await asyncio.to_thread(worker.conn.poll, _START_TIMEOUT_S)
        message = worker.conn.recv() if ok and worker.process.is_alive() else None
        if message != _READY:
            raise EngineError(
                f"a worker process did not start (exit code {worker.process.exitcode}); "
                f"run with engine.workers = 1 to see the cause in this process"
            )

    async def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self.workers:
            await asyncio.to_thread(worker.process.join, 30)
            if worker.process.is_alive():
                worker.process.terminate()
            worker.conn.close()

    async def run(
        self, documents: list[Document], stop: asyncio.Event
    ) -> AsyncGenerator[PredictionLine, None]:
        """Lines in input order as workers send them; a dead worker's documents become error
        lines. A document is sent only within the reorder window."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Queue[PredictionLine] = asyncio.Queue()
        order = InputOrder(documents, self.limit * len(self.workers))
        pending = deque(documents)
        outstanding = 0

        def dispatch() -> None:
            nonlocal outstanding
            while pending and not stop.is_set() and order.admits(order.position[pending[0].id]):
                alive = [w for w in self.workers if w.alive and len(w.held) < self.limit]
                if not alive:
                    break
                worker = min(alive, key=lambda w: len(w.held))
                doc = pending.popleft()
                worker.held[doc.id] = doc
                outstanding += 1
                try:
                    worker.conn.send(doc)
                except OSError:
                    lost(worker)

        def lost(worker: _Worker) -> None:
            nonlocal outstanding
            worker.alive = False
            loop.remove_reader(worker.conn.fileno())
            code = worker.process.exitcode
            for doc in worker.held.values():
                ready.put_nowait(error_line(doc, f"worker process died (exit code {code})"))
            worker.held.clear()
            if not any(w.alive for w in self.workers):
                while pending:
                    ready.put_nowait(error_line(pending.popleft(), "every worker process died"))
                    outstanding += 1

        def readable(worker: _Worker) -> None:
            try:
                raw = worker.conn.recv()
            except (EOFError, OSError):
                lost(worker)
                return
            line = PredictionLine.model_validate_json(raw)
            worker.held.pop(line.id, None)
            ready.put_nowait(line)
            dispatch()

        for worker in self.workers:
            if worker.alive:
                loop.add_reader(worker.conn.fileno(), readable, worker)
        try:
            dispatch()
            while outstanding:
                line = await ready.get()
                outstanding -= 1
                released = order.put(order.position[line.id], line)
                dispatch()  # the window moved on
                for done in released:
                    yield done
        finally:
            for worker in self.workers:
                if worker.alive:
                    loop.remove_reader(worker.conn.fileno())
