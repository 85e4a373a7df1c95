"""Runs batch jobs in the background, one shared concurrency limit across all of them.

Each finished document is committed before the next one is counted, so the store is the only
record of progress: resuming after a crash is simply running a job's pending documents again.
Jobs wait until the provider is ready, so an endpoint that is down at start-up does not turn a
whole job into failures.
"""

from __future__ import annotations

import asyncio
import logging

from extractor.pipeline import Pipeline
from extractor.service.store import JobState, PendingDocument, Store

log = logging.getLogger("extractor.service")


class JobRunner:
    """Owns the background tasks; `ready` is set once the provider answered its check."""

    def __init__(self, pipeline: Pipeline, store: Store) -> None:
        self.pipeline = pipeline
        self.store = store
        self.ready = asyncio.Event()
        self._slots = asyncio.Semaphore(pipeline.config.concurrency)
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, job_id: str) -> None:
        """Schedules a job unless it is already running in this process."""
        if job_id in self._tasks:
            return
        task = asyncio.create_task(self._run(job_id), name=f"job-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda done: self._finished(job_id, done))

    def resume_all(self) -> list[str]:
        """Restarts every job a previous process left unfinished."""
        jobs = self.store.unfinished_jobs()
        for job_id in jobs:
            self.start(job_id)
        return jobs

    async def stop(self) -> None:
        """Cancels running jobs; their unfinished documents stay pending for the next start."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, job_id: str) -> None:
        await self.ready.wait()
        self.store.set_state(job_id, JobState.RUNNING)
        pending = await asyncio.to_thread(self.store.pending, job_id)
        log.info("job %s: %d documents to extract", job_id, len(pending))
        await asyncio.gather(*(self._one(job_id, item) for item in pending))
        self.store.set_state(job_id, JobState.DONE)
        progress = self.store.progress(job_id)
        if progress is not None:
            log.info("job %s done: %d documents, %d failed", job_id, progress.done, progress.failed)

    async def _one(self, job_id: str, item: PendingDocument) -> None:
        async with self._slots:
            line = await self.pipeline.extract(item.document)
        # the commit waits for fsync: off the event loop, so requests keep being answered
        await asyncio.to_thread(self.store.add_result, job_id, item.seq, line)

    def _finished(self, job_id: str, task: asyncio.Task[None]) -> None:
        self._tasks.pop(job_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "job %s stopped: %s; it resumes at the next start",
                job_id,
                type(task.exception()).__name__,
            )
