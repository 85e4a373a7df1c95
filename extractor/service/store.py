"""Batch jobs in SQLite: documents are stored at submission, results as each one finishes.

A restart then loses nothing that finished and knows exactly what is left: a document is
pending while it has no result row. The UNIQUE (job, document) constraint on results means a
document finished twice (a resumed job racing a slow one) is still stored once. One connection
behind one lock is the only writer; WAL with synchronous=FULL makes every committed result
survive a kill -9 or a power cut. A lock file refuses a second server on the same database.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from extractor.batch import input_error_line
from extractor.documents import Document, InputError
from extractor_schemas.prediction import PredictionLine

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    state TEXT NOT NULL,
    total INTEGER NOT NULL,
    config_sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    seq INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (job_id, seq),
    UNIQUE (job_id, doc_id)
);
CREATE TABLE IF NOT EXISTS results (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    seq INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    failed INTEGER NOT NULL,
    line TEXT NOT NULL,
    UNIQUE (job_id, doc_id)
);
CREATE INDEX IF NOT EXISTS results_by_seq ON results (job_id, seq);
"""


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"


class StoreLockedError(RuntimeError):
    """Another process serves this database: two writers would redo each other's documents."""


@dataclass(frozen=True)
class Progress:
    id: str
    state: JobState
    total: int
    done: int
    failed: int
    created: float


@dataclass(frozen=True)
class PendingDocument:
    seq: int
    document: Document


class Store:
    """The one writer of the service database; every method is safe from any thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file = _exclusive_lock(path.with_name(path.name + ".lock"))
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=5000",
        ):
            self._conn.execute(f"PRAGMA {pragma}")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
        os.close(self._lock_file)

    def _write(self, statements: list[tuple[str, tuple[object, ...]]]) -> int:
        """Runs statements in one transaction; returns how many rows they changed."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                changed = sum(self._conn.execute(sql, args).rowcount for sql, args in statements)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return changed

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[Any]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def create_job(self, job_id: str, items: list[Document | InputError], config_sha: str) -> None:
        """Job, documents and the failed lines of unreadable inputs, in one transaction."""
        statements: list[tuple[str, tuple[object, ...]]] = [
            (
                "INSERT INTO jobs (id, created, state, total, config_sha256)"
                " VALUES (?, ?, ?, ?, ?)",
                (job_id, time.time(), JobState.QUEUED.value, len(items), config_sha),
            )
        ]
        for seq, item in enumerate(items):
            text = item.text if isinstance(item, Document) else ""
            statements.append(
                (
                    "INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
                    (job_id, seq, item.id, item.source, text),
                )
            )
            if isinstance(item, InputError):
                statements.append(_result_insert(job_id, seq, input_error_line(item)))
        self._write(statements)

    def add_result(self, job_id: str, seq: int, line: PredictionLine) -> bool:
        """Stores a finished document; False when it was already stored (never a duplicate)."""
        return self._write([_result_insert(job_id, seq, line)]) == 1

    def set_state(self, job_id: str, state: JobState) -> None:
        self._write([("UPDATE jobs SET state = ? WHERE id = ?", (state.value, job_id))])

    def pending(self, job_id: str) -> list[PendingDocument]:
        """Documents of a job without a result yet, in submission order."""
        rows = self._read(
            "SELECT d.seq, d.doc_id, d.source, d.text FROM documents d LEFT JOIN results r "
            "ON r.job_id = d.job_id AND r.doc_id = d.doc_id "
            "WHERE d.job_id = ? AND r.doc_id IS NULL ORDER BY d.seq",
            (job_id,),
        )
        return [
            PendingDocument(seq, Document(doc_id, text, source))
            for seq, doc_id, source, text in rows
        ]

    def unfinished_jobs(self) -> list[str]:
        rows = self._read(
            "SELECT id FROM jobs WHERE state != ? ORDER BY created", (JobState.DONE.value,)
        )
        return [row[0] for row in rows]

    def progress(self, job_id: str) -> Progress | None:
        rows = self._read(
            "SELECT j.state, j.total, j.created, COUNT(r.doc_id), COALESCE(SUM(r.failed), 0) "
            "FROM jobs j LEFT JOIN results r ON r.job_id = j.id WHERE j.id = ? GROUP BY j.id",
            (job_id,),
        )
        if not rows:
            return None
        state, total, created, done, failed = rows[0]
        return Progress(job_id, JobState(state), total, done, failed, created)

    def results(self, job_id: str, after_seq: int, limit: int) -> list[tuple[int, str]]:
        """One page of finished lines as (seq, JSON), in submission order."""
        rows = self._read(
            "SELECT seq, line FROM results WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (job_id, after_seq, limit),
        )
        return [(seq, line) for seq, line in rows]


def _result_insert(job_id: str, seq: int, line: PredictionLine) -> tuple[str, tuple[object, ...]]:
    return (
        "INSERT OR IGNORE INTO results (job_id, seq, doc_id, failed, line) VALUES (?, ?, ?, ?, ?)",
        (job_id, seq, line.id, int(line.error is not None), line.model_dump_json()),
    )


def _exclusive_lock(path: Path) -> int:
    """An advisory lock the kernel releases when the process dies, even by kill -9."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StoreLockedError(
            f"{path.with_suffix('')} is in use by another extractor serve process"
        ) from None
    return fd
