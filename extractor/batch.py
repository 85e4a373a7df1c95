"""Batch runs: many documents, bounded concurrency, crash-safe output, resume, run manifest.

Each finished document is appended to `predictions.jsonl` and flushed to disk at once, so a
killed run loses at most the documents in flight. `--resume` keeps every successful line made
under the same configuration and re-does the rest; a torn last line from a crash is dropped.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from pydantic import ValidationError
from tqdm import tqdm

from extractor.cache import atomic_write_text
from extractor.documents import Document, InputError, iter_jsonl_lines
from extractor.engines import Engine, create_engine
from extractor.pipeline import Pipeline
from extractor_schemas.prediction import PredictionLine, Usage
from extractor_schemas.provenance import git_commit

PREDICTIONS = "predictions.jsonl"
MANIFEST = "manifest.json"


class OutputExistsError(FileExistsError):
    """Refusing to overwrite finished work without being told to."""


class ResumeMismatchError(OutputExistsError):
    """Finished lines were made under another fingerprint: resuming would mix two runs."""


class OutputWriteError(OSError):
    """The run's output cannot be written (disk full, read-only, gone); the message says which
    file, why, and what was kept."""


@dataclass
class Summary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    usage: Usage = field(default_factory=Usage)
    wall_s: float = 0.0
    failures: list[str] = field(default_factory=list)
    stopped: str | None = None  # why documents were left to do (a spent budget)
    not_started: int = 0

    def add(self, line: PredictionLine) -> None:
        if line.error:
            self.failed += 1
            self.failures.append(f"{line.id}: {line.error}")
        else:
            self.ok += 1
        self.usage = self.usage.plus(line.usage)

    def counts(self) -> dict[str, float]:
        """Documents, usage totals and wall time, flat, for the run manifest."""
        return {
            "ok": self.ok,
            "failed": self.failed,
            "skipped": self.skipped,
            "not_started": self.not_started,
            **self.usage.model_dump(),
            "wall_s": round(self.wall_s, 3),
        }

    def text(self) -> str:
        done, usage = self.ok + self.failed, self.usage
        rate = done / self.wall_s * 60 if self.wall_s > 0 else 0.0
        lines = [
            f"documents: {self.ok} ok, {self.failed} failed, {self.skipped} already done (resume)",
            f"model calls: {usage.calls} ({usage.cache_hits} replayed from cache, "
            f"{usage.retries} transport retries); tokens: {usage.prompt_tokens} prompt, "
            f"{usage.completion_tokens} completion",
            f"wall time: {self.wall_s:.1f} s ({rate:.1f} documents/minute)",
        ]
        if usage.cost_usd:
            per_doc = usage.cost_usd / done if done else 0.0
            lines.append(f"cost: ${usage.cost_usd:.4f} (${per_doc:.6f} a document)")
        if self.stopped:
            lines.append(
                f"STOPPED {self.stopped}: {self.not_started} document(s) not started "
                f"(run again with --resume to do them)"
            )
        lines += [f"FAILED {f}" for f in self.failures]
        return "\n".join(lines)


def read_predictions(path: Path) -> list[PredictionLine]:
    """Valid lines of an existing run; a torn or corrupt line (a crash mid-write) is skipped.

    Split on b"\\n" alone: pydantic writes U+2028 and other line separators raw inside JSON
    strings, and `splitlines` would break a finished line there and re-do its document.
    """
    if not path.exists():
        return []
    lines = []
    for _, raw in iter_jsonl_lines(path.read_bytes()):
        try:
            lines.append(PredictionLine.model_validate_json(raw))
        except ValidationError:
            continue
    return lines


def _mismatch(path: Path, fingerprint: str, others: dict[str, list[str]]) -> ResumeMismatchError:
    made = ", ".join(f"{sha} ({len(ids)} line(s), e.g. {ids[0]!r})" for sha, ids in others.items())
    return ResumeMismatchError(
        f"cannot resume {path}: finished lines were made under configuration {made}, this run's "
        f"is {fingerprint} (the model, prompts, sampling or extraction settings differ); resume "
        f"with the settings that made them, or pass --overwrite to redo every document"
    )


def _prepare_output(out: Path, fingerprint: str, resume: bool, overwrite: bool) -> set[str]:
    """Ids already done; rewrites the file to hold only those, so nothing is duplicated.

    A finished line made under another fingerprint is never silently kept or dropped: resume
    refuses and names both. Failed lines are re-done.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / PREDICTIONS
    if path.exists() and not (resume or overwrite):
        raise OutputExistsError(
            f"{path} exists: pass --resume to continue that run, or --overwrite to replace it"
        )
    if not resume:
        path.write_text("", encoding="utf-8")
        return set()
    kept: dict[str, PredictionLine] = {}
    others: dict[str, list[str]] = {}
    for line in read_predictions(path):
        if line.error is not None:
            continue
        if line.config_sha256 == fingerprint:
            kept[line.id] = line
        else:
            others.setdefault(line.config_sha256, []).append(line.id)
    if others:
        raise _mismatch(path, fingerprint, others)
    atomic_write_text(path, "".join(line.model_dump_json() + "\n" for line in kept.values()))
    return set(kept)


class _LineAppender:
    """predictions.jsonl opened for whole lines: each is one write, then fsync, so a crash
    loses at most the line in flight; a failed write (disk full) is cut back to the last
    whole line and raised, never left torn."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        self.size = os.fstat(self.fd).st_size
        self.lines = 0

    def append(self, line: PredictionLine) -> None:
        data = (line.model_dump_json() + "\n").encode("utf-8")
        try:
            written = os.write(self.fd, data)
            while written < len(data):  # a short write: the rest, or the error that stopped it
                written += os.write(self.fd, data[written:])
            os.fsync(self.fd)
        except OSError as exc:
            raise OutputWriteError(self._cut_back(exc)) from exc
        self.size += len(data)
        self.lines += 1

    def _cut_back(self, exc: OSError) -> str:
        cause = f"cannot write {self.path}: {exc.strerror or exc}"
        try:
            os.ftruncate(self.fd, self.size)
        except OSError as again:
            return f"{cause}; cutting back the torn line also failed ({again.strerror or again})"
        return (
            f"{cause}; the file ends at its last whole line ({self.lines} written by this run); "
            f"make room, then run again with --resume"
        )

    def close(self) -> None:
        os.close(self.fd)


def input_error_line(error: InputError) -> PredictionLine:
    return PredictionLine(
        id=error.id,
        source_sha256=error.sha256,
        error=f"bad input ({error.source}): {error.message}",
    )


def _versions() -> dict[str, str]:
    names = ("extractor", "instructor", "openai", "pydantic", "llama_cpp_python", "tenacity")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found | {"python": platform.python_version()}


def write_manifest(
    out: Path,
    pipeline: Pipeline,
    started: datetime,
    summary: Summary,
    engine: Mapping[str, object] | None = None,
) -> None:
    manifest = {
        "config": pipeline.config.model_dump(mode="json"),
        "config_sha256": pipeline.fingerprint(),
        "provider": pipeline.provider.identity(),
        "strategy": pipeline.strategy.name,
        "engine": dict(engine or {"kind": "local", "workers": 1}),
        "prompt": {"id": pipeline.prompts.id, "sha256": pipeline.prompts.sha256},
        "versions": _versions(),
        "git_commit": git_commit(),
        "started": started.isoformat(),
        "ended": datetime.now(UTC).isoformat(),
        "summary": summary.counts(),
        "stopped": summary.stopped,
        "failures": summary.failures,
    }
    try:
        atomic_write_text(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    except OSError as exc:
        raise OutputWriteError(f"cannot write {out / MANIFEST}: {exc.strerror or exc}") from exc


def _prepare(out: Path, fingerprint: str, resume: bool, overwrite: bool) -> set[str]:
    try:
        return _prepare_output(out, fingerprint, resume, overwrite)
    except OutputExistsError:
        raise
    except OSError as exc:
        raise OutputWriteError(
            f"cannot prepare {out / PREDICTIONS}: {exc.strerror or exc}"
        ) from exc


class _Writer:
    """The driver's side of every engine: each line appended crash-safely as it arrives,
    counted, and the budget checked; on a write failure the engine is closed (its documents
    in flight are cancelled or left to the cache) and the error raised."""

    def __init__(self, path: Path, summary: Summary, budget_usd: float | None) -> None:
        self.appender = _LineAppender(path)
        self.summary = summary
        self.budget_usd = budget_usd
        self.stop = asyncio.Event()

    async def write(self, line: PredictionLine) -> None:
        # fsync waits for the disk, milliseconds a line: in a worker thread, so the event
        # loop goes on serving the documents in flight meanwhile
        await asyncio.to_thread(self.appender.append, line)
        self.summary.add(line)
        spent = self.summary.usage.cost_usd
        if self.budget_usd is not None and spent >= self.budget_usd and not self.stop.is_set():
            self.summary.stopped = f"budget of ${self.budget_usd:.4f} reached (${spent:.4f} spent)"
            self.stop.set()

    def close(self) -> None:
        self.appender.close()


async def _write_lines(
    engine: Engine,
    documents: list[Document],
    errors: list[InputError],
    writer: _Writer,
    tick: Callable[[], object],
) -> int:
    """Input errors first, then each document's line as the engine hands it over; returns
    how many documents were written."""
    for error in errors:
        await writer.write(input_error_line(error))
        tick()
    written = 0
    async with aclosing(engine.lines(documents, writer.stop)) as lines:
        async for line in lines:
            await writer.write(line)
            written += 1
            tick()
    return written


async def run_batch(
    pipeline: Pipeline,
    inputs: Iterable[Document | InputError],
    out: Path,
    *,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = True,
    engine: Engine | None = None,
) -> Summary:
    """Runs the documents not already done on `engine` (default: the one the configuration
    names, opened and closed here) and writes every line here, whichever engine ran it."""
    started, clock = datetime.now(UTC), time.perf_counter()
    done = _prepare(out, pipeline.fingerprint(), resume, overwrite)
    summary = Summary()
    items = list(inputs)
    todo = [d for d in items if d.id not in done]
    summary.skipped = len(items) - len(todo)
    documents = [d for d in todo if isinstance(d, Document)]
    errors = [d for d in todo if isinstance(d, InputError)]
    chosen = engine or create_engine(pipeline, len(documents))
    writer = _Writer(out / PREDICTIONS, summary, pipeline.config.cost.budget_usd)
    with tqdm(total=len(todo), unit="doc", disable=not progress, file=sys.stderr) as bar:
        try:
            if engine is None:
                async with chosen:
                    written = await _write_lines(chosen, documents, errors, writer, bar.update)
            else:
                written = await _write_lines(chosen, documents, errors, writer, bar.update)
        finally:
            writer.close()
    summary.not_started = len(documents) - written
    summary.wall_s = time.perf_counter() - clock
    write_manifest(out, pipeline, started, summary, chosen.describe())
    return summary
