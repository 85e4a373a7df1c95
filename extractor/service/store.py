"""Batch jobs in SQLite: documents are stored at submission, results as each one finishes.

A restart then loses nothing that finished and knows exactly what is left: a document is
pending while it has no result row. The UNIQUE (job, document) constraint on results means a
document finished twice (a resumed job racing a slow one) is still stored once. One connection
behind one lock is the only writer; WAL with synchronous=FULL makes every committed result
survive a kill -9 or a power cut. A lock file beside the database's real path (symlinks
resolved) refuses a second server on the same database.

The database is checked when opened (it opens, `PRAGMA quick_check` passes, a write commits), so
a corrupt or read-only file stops the server at start with one line instead of failing every
request. A write that fails later (a full disk) raises `StoreWriteError` and is remembered in
`write_error` until a write succeeds again, which is what `/readyz` reports.
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
from extractor.documents import Document, InputError, restore_document
from extractor_schemas.prediction import PredictionLine

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    state TEXT NOT NULL,
    total INTEGER NOT NULL,
    config_sha256 TEXT NOT NULL,
    error TEXT
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
CREATE TABLE IF NOT EXISTS write_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at REAL NOT NULL
);
"""
_PRAGMAS = ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=5000")
_PROBE = ("INSERT OR REPLACE INTO write_probe (id, at) VALUES (1, ?)", ())


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # will not run again; `error` says why (e.g. another configuration)


class StoreError(RuntimeError):
    """The database failed an operation; the message names the cause (SQLite's own words)."""


class StoreWriteError(StoreError):
    """A write did not commit (full disk, read-only file, I/O error): nothing of it was kept."""


class StoreLockedError(RuntimeError):
    """Another process serves this database: two writers would redo each other's documents."""


class StoreUnusableError(RuntimeError):
    """The database cannot be served at all (corrupt, read-only, no space); one line says why."""


@dataclass(frozen=True)
class Progress:
    id: str
    state: JobState
    total: int
    done: int
    failed: int
    created: float
    error: str | None


@dataclass(frozen=True)
class PendingDocument:
    seq: int
    document: Document


@dataclass(frozen=True)
class UnfinishedJob:
    id: str
    config_sha256: str


class Store:
    """The one writer of the service database; every method is safe from any thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path.resolve()  # one lock per real file, whatever link it is reached by
        self._lock_file = _exclusive_lock(self.path.with_name(self.path.name + ".lock"))
        self._lock = threading.Lock()
        self.write_error = ""
        try:
            self._conn = _open_checked(self.path)
        except BaseException:
            os.close(self._lock_file)
            raise

    def close(self) -> None:
        with self._lock:
            self._conn.close()
        os.close(self._lock_file)

    def _write(self, statements: list[tuple[str, tuple[object, ...]]]) -> int:
        """Runs statements in one transaction; returns how many rows they changed."""
        with self._lock:
            try:
                changed = _transaction(self._conn, statements)
            except sqlite3.Error as exc:
                self.write_error = f"database write failed: {exc}"
                raise StoreWriteError(self.write_error) from None
            self.write_error = ""
        return changed

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._conn.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"database read failed: {exc}") from None

    def probe(self) -> bool:
        """Commits a one-row write: True once writes work (again), e.g. after space returned."""
        try:
            self._write([(_PROBE[0], (time.time(),))])
        except StoreWriteError:
            return False
        return True

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
            text = item.as_submitted if isinstance(item, Document) else ""
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

    def fail_job(self, job_id: str, error: str) -> None:
        """Marks a job as never to run again, keeping the results it has and saying why."""
        self._write(
            [
                (
                    "UPDATE jobs SET state = ?, error = ? WHERE id = ?",
                    (JobState.FAILED.value, error, job_id),
                )
            ]
        )

    def pending(self, job_id: str) -> list[PendingDocument]:
        """Documents of a job without a result yet, in submission order."""
        rows = self._read(
            "SELECT d.seq, d.doc_id, d.source, d.text FROM documents d LEFT JOIN results r "
            "ON r.job_id = d.job_id AND r.doc_id = d.doc_id "
            "WHERE d.job_id = ? AND r.doc_id IS NULL ORDER BY d.seq",
            (job_id,),
        )
        return [
            PendingDocument(seq, restore_document(doc_id, source, text))
            for seq, doc_id, source, text in rows
        ]

    def unfinished_jobs(self) -> list[UnfinishedJob]:
        """Jobs a previous process left queued or running, with the configuration they ran on."""
        rows = self._read(
            "SELECT id, config_sha256 FROM jobs WHERE state IN (?, ?) ORDER BY created",
            (JobState.QUEUED.value, JobState.RUNNING.value),
        )
        return [UnfinishedJob(job_id, sha) for job_id, sha in rows]

    def progress(self, job_id: str) -> Progress | None:
        rows = self._read(
            "SELECT j.state, j.total, j.created, j.error, COUNT(r.doc_id), "
            "COALESCE(SUM(r.failed), 0) "
            "FROM jobs j LEFT JOIN results r ON r.job_id = j.id WHERE j.id = ? GROUP BY j.id",
            (job_id,),
        )
        if not rows:
            return None
        state, total, created, error, done, failed = rows[0]
        return Progress(job_id, JobState(state), total, done, failed, created, error)

    def results(self, job_id: str, after_seq: int, limit: int) -> list[tuple[int, str]]:
        """One page of finished lines as (seq, JSON), in submission order."""
        rows = self._read(
            "SELECT seq, line FROM results WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (job_id, after_seq, limit),
        )
        return [(seq, line) for seq, line in rows]


def _transaction(conn: sqlite3.Connection, statements: list[tuple[str, tuple[object, ...]]]) -> int:
    """All statements or none: a failed statement or COMMIT (SQLITE_FULL) is rolled back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        changed = sum(conn.execute(sql, args).rowcount for sql, args in statements)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return changed


def _open_checked(path: Path) -> sqlite3.Connection:
    """Opens, migrates and checks the database; any failure is one StoreUnusableError line."""
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        for pragma in _PRAGMAS:
            conn.execute(f"PRAGMA {pragma}")
        conn.executescript(_SCHEMA)
        _migrate(conn)
        problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(problems[:3]))
        _transaction(conn, [(_PROBE[0], (time.time(),))])
    except sqlite3.Error as exc:
        conn.close()
        raise StoreUnusableError(_unusable(path, exc)) from None
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    """Databases written before jobs had an `error` column gain it (NULL: no error)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(jobs)").fetchall()}
    if "error" not in columns:
        conn.execute("ALTER TABLE jobs ADD COLUMN error TEXT")


def _unusable(path: Path, exc: sqlite3.Error) -> str:
    cause = " ".join(str(exc).split()) or type(exc).__name__
    lowered = cause.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return f"database {path} is read-only ({cause}): the service must write its jobs there"
    if "full" in lowered:
        return f"database {path} cannot be written: {cause}; free some space and start again"
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return (
            f"database {path} is corrupt ({cause}): restore it from a backup, or move it "
            "aside to start with an empty one"
        )
    return f"database {path} cannot be used: {cause}"


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
