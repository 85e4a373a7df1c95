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
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO

from pydantic import ValidationError
from tqdm import tqdm

from extractor.cache import atomic_write_text
from extractor.config import RunConfig
from extractor.documents import Document, InputError
from extractor.pipeline import Pipeline
from extractor_schemas.prediction import PredictionLine, Usage

PREDICTIONS = "predictions.jsonl"
MANIFEST = "manifest.json"


class OutputExistsError(FileExistsError):
    """Refusing to overwrite finished work without being told to."""


@dataclass
class Summary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    usage: Usage = field(default_factory=Usage)
    wall_s: float = 0.0
    failures: list[str] = field(default_factory=list)

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
        lines += [f"FAILED {f}" for f in self.failures]
        return "\n".join(lines)


def read_predictions(path: Path) -> list[PredictionLine]:
    """Valid lines of an existing run; a torn or corrupt line (a crash mid-write) is skipped."""
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(PredictionLine.model_validate_json(raw))
        except ValidationError:
            continue
    return lines


def _prepare_output(out: Path, config: RunConfig, resume: bool, overwrite: bool) -> set[str]:
    """Ids already done; rewrites the file to hold only those, so nothing is duplicated."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / PREDICTIONS
    if path.exists() and not (resume or overwrite):
        raise OutputExistsError(
            f"{path} exists: pass --resume to continue that run, or --overwrite to replace it"
        )
    if not resume:
        path.write_text("", encoding="utf-8")
        return set()
    fingerprint = config.fingerprint()
    kept = {
        line.id: line
        for line in read_predictions(path)
        if line.error is None and line.config_sha256 == fingerprint
    }
    atomic_write_text(path, "".join(line.model_dump_json() + "\n" for line in kept.values()))
    return set(kept)


def _append(handle: IO[str], line: PredictionLine) -> None:
    handle.write(line.model_dump_json() + "\n")
    handle.flush()
    os.fsync(handle.fileno())


def input_error_line(error: InputError) -> PredictionLine:
    return PredictionLine(
        id=error.id,
        source_sha256=error.sha256,
        error=f"bad input ({error.source}): {error.message}",
    )


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def _versions() -> dict[str, str]:
    names = ("extractor", "instructor", "openai", "pydantic", "llama_cpp_python", "tenacity")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found | {"python": platform.python_version()}


def write_manifest(out: Path, pipeline: Pipeline, started: datetime, summary: Summary) -> None:
    manifest = {
        "config": pipeline.config.model_dump(mode="json"),
        "config_sha256": pipeline.config.fingerprint(),
        "provider": pipeline.provider.identity(),
        "strategy": pipeline.strategy.name,
        "prompt": {"id": pipeline.prompts.id, "sha256": pipeline.prompts.sha256},
        "versions": _versions(),
        "git_commit": _git_commit(),
        "started": started.isoformat(),
        "ended": datetime.now(UTC).isoformat(),
        "summary": summary.counts(),
        "failures": summary.failures,
    }
    atomic_write_text(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")


async def run_batch(
    pipeline: Pipeline,
    inputs: Iterable[Document | InputError],
    out: Path,
    *,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = True,
) -> Summary:
    started, clock = datetime.now(UTC), time.perf_counter()
    done = _prepare_output(out, pipeline.config, resume, overwrite)
    summary = Summary()
    items = list(inputs)
    todo = [d for d in items if d.id not in done]
    summary.skipped = len(items) - len(todo)
    # An in-process model runs one call at a time anyway; interleaving documents over it would
    # only stretch each document's latency (and the recorded per-call timings).
    limit = 1 if pipeline.provider.serialised else pipeline.config.concurrency
    semaphore = asyncio.Semaphore(limit)
    bar = tqdm(total=len(todo), unit="doc", disable=not progress, file=sys.stderr)

    async def one(item: Document | InputError) -> PredictionLine:
        if isinstance(item, InputError):
            return input_error_line(item)
        async with semaphore:
            return await pipeline.extract(item)

    with (out / PREDICTIONS).open("a", encoding="utf-8") as handle:
        for finished in asyncio.as_completed([one(item) for item in todo]):
            line = await finished
            _append(handle, line)
            summary.add(line)
            bar.update(1)
    bar.close()
    summary.wall_s = time.perf_counter() - clock
    write_manifest(out, pipeline, started, summary)
    return summary
