"""Running a matrix: each cell an ordinary batch run through the shared cache, a few at a time.

A cell is `run_batch` of its own `Pipeline.from_config(cell.config)`, writing
`OUT/cells/<cell>/predictions.jsonl` and `manifest.json`. Calls go through the record/replay
cache, keyed by the request, so a cell whose prompts did not change replays every call and a
changed prompt pays only for the requests it changed. Re-running a matrix is resumable:

* a finished cell (manifest and every document under the same fingerprint, none failed) is kept
  untouched;
* a cell cut short keeps its finished documents and does the rest (`run_batch(resume=True)`);
* a cell whose configuration changed (another fingerprint) is redone from scratch.

Cells sharing a provider configuration share one provider (one embedded model in memory; the
embedded provider serialises its calls itself). A cell that cannot start (a provider refusing its
configuration, an unwritable folder) is recorded as failed with its reason; the others go on.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from extractor.batch import (
    MANIFEST,
    PREDICTIONS,
    OutputExistsError,
    OutputWriteError,
    ResumeMismatchError,
    Summary,
    read_predictions,
    run_batch,
)
from extractor.cache import atomic_write_text
from extractor.config import CacheMode, ProviderConfig, RunConfig
from extractor.documents import Document, InputError, read_inputs
from extractor.matrix.config import CellPlan, Matrix
from extractor.pipeline import Pipeline
from extractor.providers.base import Provider, ProviderConfigError, create_provider
from extractor_eval.matrix_model import CELLS_DIR, PLAN_FILE, CellStatus, MatrixPlan, PlannedCell


@dataclass(frozen=True)
class RunOptions:
    """What the command line adds to a matrix file."""

    out: Path
    cache_mode: CacheMode | None = None
    cache_dir: Path | None = None
    concurrency: int | None = None
    """Cells at once; the matrix file's `concurrency` when unset."""
    fresh: bool = False
    """Redo every cell, keeping nothing (the cache still answers unchanged calls)."""
    progress: bool = True


def with_overrides(config: RunConfig, options: RunOptions) -> RunConfig:
    """The command line's cache mode and folder, over every cell's own."""
    cache = config.cache.model_copy(
        update={
            k: v
            for k, v in (("mode", options.cache_mode), ("dir", options.cache_dir))
            if v is not None
        }
    )
    return config.model_copy(update={"cache": cache})


class _Providers:
    """One provider per distinct provider configuration, checked once before its first cell."""

    def __init__(self) -> None:
        self._made: dict[ProviderConfig, Provider] = {}
        self._checked: dict[ProviderConfig, asyncio.Task[None]] = {}

    async def get(self, config: RunConfig) -> Provider:
        key = config.provider
        if key not in self._made:
            self._made[key] = create_provider(config)
        provider = self._made[key]
        if config.cache.mode is not CacheMode.REPLAY:
            if key not in self._checked:
                self._checked[key] = asyncio.ensure_future(provider.check())
            await self._checked[key]
        return provider


def _expected_ids(items: Sequence[Document | InputError]) -> set[str]:
    return {i.id for i in items}


def _finished(folder: Path, fingerprint: str, ids: set[str]) -> bool:
    """Every document done without error under this fingerprint, and the manifest says so."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or manifest.get("config_sha256") != fingerprint:
        return False
    lines = read_predictions(folder / PREDICTIONS)
    done = {x.id for x in lines if x.error is None and x.config_sha256 == fingerprint}
    return done == ids and len(lines) == len(ids)


async def _batch(pipeline: Pipeline, items: list[Document | InputError], folder: Path) -> Summary:
    try:
        return await run_batch(pipeline, items, folder, resume=True, progress=False)
    except ResumeMismatchError:  # made under another configuration: this cell changed
        return await run_batch(pipeline, items, folder, overwrite=True, progress=False)


async def run_cell(
    cell: CellPlan, options: RunOptions, providers: _Providers, documents: list[Path]
) -> PlannedCell:
    """One cell, start to finish; a failure to start is the cell's recorded error."""
    folder = options.out / CELLS_DIR / cell.id
    config = with_overrides(cell.config, options)
    started = time.perf_counter()
    fingerprint, error = "", None
    status: CellStatus = "failed"
    try:
        pipeline = Pipeline.from_config(config, provider=await providers.get(config))
        fingerprint = pipeline.fingerprint()
        items = list(read_inputs(documents))
        if not options.fresh and _finished(folder, fingerprint, _expected_ids(items)):
            status = "kept"
        else:
            if options.fresh:
                summary = await run_batch(pipeline, items, folder, overwrite=True, progress=False)
            else:
                summary = await _batch(pipeline, items, folder)
            status = "resumed" if summary.skipped else "ran"
    except (ProviderConfigError, OutputExistsError, OutputWriteError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    return PlannedCell(
        id=cell.id,
        group=cell.group,
        axes=cell.axes,
        repeat=cell.repeat,
        price=cell.price,
        config_sha256=fingerprint,
        status=status,
        wall_s=0.0 if status == "kept" else round(time.perf_counter() - started, 3),
        error=error,
    )


def _line(done: int, total: int, cell: PlannedCell, folder: Path) -> str:
    if cell.error is not None:
        return f"[{done}/{total}] {cell.id}: FAILED {cell.error}"
    lines = read_predictions(folder / PREDICTIONS)
    calls = sum(x.usage.calls for x in lines)
    live = calls - sum(x.usage.cache_hits for x in lines)
    failed = sum(x.error is not None for x in lines)
    return (
        f"[{done}/{total}] {cell.id}: {cell.status}, {len(lines)} documents ({failed} failed), "
        f"{calls} calls ({live} live), {cell.wall_s:.1f} s"
    )


async def run_matrix(
    matrix: Matrix, options: RunOptions, say: Callable[[str], None] | None = None
) -> MatrixPlan:
    """Every cell, `concurrency` at a time; writes and returns the plan the eval reads."""
    report = say or (lambda text: print(text, file=sys.stderr))
    at_once = options.concurrency or matrix.concurrency
    limit = asyncio.Semaphore(at_once)
    providers = _Providers()
    total, done = len(matrix.cells), 0
    if options.progress:
        report(f"matrix {matrix.name}: {total} cells, {at_once} at a time")

    async def one(cell: CellPlan) -> PlannedCell:
        nonlocal done
        async with limit:
            planned = await run_cell(cell, options, providers, matrix.documents)
        done += 1
        if options.progress:
            report(_line(done, total, planned, options.out / CELLS_DIR / cell.id))
        return planned

    planned = await asyncio.gather(*(one(c) for c in matrix.cells))
    plan = MatrixPlan(
        name=matrix.name,
        documents=[str(p) for p in matrix.documents],
        gold=str(matrix.gold),
        baseline_cell=matrix.baseline_cell,
        cells=list(planned),
    )
    options.out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(options.out / PLAN_FILE, plan.model_dump_json(indent=2) + "\n")
    return plan
