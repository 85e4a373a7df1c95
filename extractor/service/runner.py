"""Runs batch jobs in the background, one shared concurrency limit across all of them.

Each finished document is committed before the next one is counted, so the store is the only
record of progress: resuming after a crash is simply running a job's pending documents again.
Jobs wait until the provider is ready, so an endpoint that is down at start-up does not turn a
whole job into failures.

Two things stop a job without losing it:
- A job left unfinished under another configuration (its `config_sha256` differs from the
  pipeline's fingerprint) is failed at start, with both fingerprints in its error: finishing it
  would mix outputs of two configurations in one result set. Its finished results are kept.
- A result that cannot be committed (a full disk), or a failed read, stalls the job: it shows
  `stalled` and the database's error, its other documents stop, and it resumes by itself once
  a probe write succeeds again. Documents whose result was lost are simply still pending.
"""

from __future__ import annotations

import asyncio
import logging

from extractor.pipeline import Pipeline
from extractor.service.store import JobState, PendingDocument, Store, StoreError

log = logging.getLogger("extractor.service")


def stale_message(job_sha: str, current_sha: str) -> str:
    return (
        f"configuration changed: this job was submitted under configuration {job_sha}, the "
        f"service now runs {current_sha}; finishing it would mix the two, so it was stopped "
        "with the results it had. Resubmit its documents to extract them under the new one."
    )


class JobRunner:
    """Owns the background tasks; `ready` is set once the provider answered its check."""

    def __init__(self, pipeline: Pipeline, store: Store, retry_s: float = 2.0) -> None:
        self.pipeline = pipeline
        self.store = store
        self.fingerprint = pipeline.fingerprint()
        self.ready = asyncio.Event()
        self.stalled: dict[str, str] = {}  # job id -> why it cannot progress right now
        self._retry_s = retry_s
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
        """Restarts every job a previous process left unfinished under this configuration,
        and fails, naming both fingerprints, those left under another one."""
        resumed = []
        for job in self.store.unfinished_jobs():
            if job.config_sha256 != self.fingerprint:
                self.store.fail_job(job.id, stale_message(job.config_sha256, self.fingerprint))
                log.warning("job %s not resumed: made under another configuration", job.id)
                continue
            self.start(job.id)
            resumed.append(job.id)
        return resumed

    async def stop(self) -> None:
        """Cancels running jobs; their unfinished documents stay pending for the next start."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, job_id: str) -> None:
        await self.ready.wait()
        while True:
            try:
                await self._attempt(job_id)
                return
            except StoreError as exc:
                self.stalled[job_id] = str(exc)
                log.error("job %s stalled: %s; retrying every %s s", job_id, exc, self._retry_s)
            await asyncio.sleep(self._retry_s)
            await self._until_writable()
            self.stalled.pop(job_id, None)
            log.info("job %s: the database takes writes again; resuming", job_id)

    async def _attempt(self, job_id: str) -> None:
        await asyncio.to_thread(self.store.set_state, job_id, JobState.RUNNING)
        pending = await asyncio.to_thread(self.store.pending, job_id)
        log.info("job %s: %d documents to extract", job_id, len(pending))
        try:
            # A TaskGroup stops the job's other documents at the first failed commit.
            async with asyncio.TaskGroup() as group:
                for item in pending:
                    group.create_task(self._one(job_id, item))
        except* StoreError as failed:
            raise failed.exceptions[0] from None
        await asyncio.to_thread(self.store.set_state, job_id, JobState.DONE)
        progress = await asyncio.to_thread(self.store.progress, job_id)
        if progress is not None:
            log.info("job %s done: %d documents, %d failed", job_id, progress.done, progress.failed)

    async def _until_writable(self) -> None:
        while not await asyncio.to_thread(self.store.probe):
            await asyncio.sleep(self._retry_s)

    async def _one(self, job_id: str, item: PendingDocument) -> None:
        async with self._slots:
            line = await self.pipeline.extract(item.document)
        # the commit waits for fsync: off the event loop, so requests keep being answered
        await asyncio.to_thread(self.store.add_result, job_id, item.seq, line)

    def _finished(self, job_id: str, task: asyncio.Task[None]) -> None:
        self._tasks.pop(job_id, None)
        self.stalled.pop(job_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "job %s stopped: %s; it resumes at the next start",
                job_id,
                type(task.exception()).__name__,
            )
