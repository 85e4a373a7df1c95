"""What a matrix output folder holds, and the typed matrix report every renderer reads.

The plan (`OUT/matrix.json`) is written by `extractor matrix` and read here: it is the one
contract between the runner and the scorer, so the eval can score a matrix from files alone
(it never imports the extractor). Each cell is an ordinary run under `OUT/cells/<cell id>/`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from extractor_eval.baseline import Baseline, GateResult
from extractor_eval.compare import TypeDelta
from extractor_eval.config import ScoringConfig
from extractor_eval.flips import Flip
from extractor_eval.report_model import Frozen, Interval, RunMeta

PLAN_FILE = "matrix.json"
CELLS_DIR = "cells"
PLAN_FORMAT = 1
MATRIX_BASELINE_FORMAT = 1
AXES: tuple[str, ...] = ("prompt", "provider", "strategy", "sampling")
"""Axis order: the order of a cell id's parts and of the columns naming a cell."""

CellStatus = Literal["ran", "resumed", "kept", "failed"]


class Price(Frozen):
    """What a provider charges, in a currency of the user's choice, per million tokens."""

    prompt_per_mtok: float = Field(default=0.0, ge=0.0)
    completion_per_mtok: float = Field(default=0.0, ge=0.0)

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (
            prompt_tokens * self.prompt_per_mtok + completion_tokens * self.completion_per_mtok
        ) / 1e6


class PlannedCell(Frozen):
    """One cell as the runner left it: which axis entries made it, and how this run treated it."""

    id: str
    group: str
    """The cell id without its repeat: the cells of a group differ only by sampling seed."""
    axes: dict[str, str]
    """Axis name → entry name, for every axis of the matrix."""
    repeat: int = Field(ge=1)
    price: Price = Field(default_factory=Price)
    config_sha256: str
    status: CellStatus
    """ran: extracted from scratch; resumed: finished documents kept, the rest done; kept: a
    finished cell with the same fingerprint, untouched; failed: the cell could not run."""
    wall_s: float = 0.0
    """Time this invocation spent on the cell (0 for a kept one)."""
    error: str | None = None


class MatrixPlan(Frozen):
    plan_format: int = PLAN_FORMAT
    name: str
    documents: list[str]
    gold: str
    baseline_cell: str | None
    cells: list[PlannedCell]


class MetricInterval(Frozen):
    f1: float
    interval: Interval | None


class TypeF1(Frozen):
    """One record type's F1 in a cell (record_type "all" is the micro average)."""

    record_type: str
    strict: MetricInterval
    partial_credit: MetricInterval
    lenient: MetricInterval


class CellCost(Frozen):
    """Calls, tokens and money of a cell, from its predictions' usage; live calls are the ones
    the cache did not answer, i.e. what the run that produced the file paid for."""

    documents: int
    failed_documents: int
    calls: int
    cache_hits: int
    live_calls: int
    prompt_tokens: int
    completion_tokens: int
    cost: float
    """(prompt tokens × prompt price + completion tokens × completion price) / 1e6: what the
    cell costs live, whether or not this run replayed it."""
    wall_s: float | None
    """The producing run's wall time from its manifest; None without one."""


class CellDelta(Frozen):
    """A cell against the baseline cell: paired ΔF1 and the gold items gained and lost (the
    definition of `eval/flips.py`, shared with the gate and `compare`)."""

    baseline: str
    strict: TypeDelta
    partial_credit: TypeDelta
    lenient: TypeDelta
    wins: int
    losses: int
    ties: int
    gained: list[Flip]
    lost: list[Flip]


class CellScore(Frozen):
    id: str
    group: str
    axes: dict[str, str]
    repeat: int
    status: CellStatus
    error: str | None
    micro: TypeF1
    per_type: list[TypeF1]
    cost: CellCost
    report: str
    """The cell's HTML report, relative to the matrix folder."""
    versus_baseline: CellDelta | None


class GroupSpread(Frozen):
    """Run-to-run variation of one configuration over its repeats."""

    group: str
    repeats: int
    strict_min: float
    strict_max: float
    partial_credit_min: float
    partial_credit_max: float
    partial_credit_sd: float
    gold_items: int
    flaky_items: list[str]
    """Gold item keys whose category was not the same in every repeat."""
    flaky_share: float


class MatrixReport(Frozen):
    meta: RunMeta
    name: str
    gold: str
    config: ScoringConfig
    axes: list[str]
    """The axes the matrix varies, in AXES order."""
    baseline_cell: str | None
    cells: list[CellScore]
    groups: list[GroupSpread]
    """Only configurations with two repeats or more."""

    def cell(self, cell_id: str) -> CellScore:
        return next(c for c in self.cells if c.id == cell_id)


class MatrixBaseline(Frozen):
    """Each cell's stable baseline (`eval/baseline.py`), keyed by cell id: its diff shows which
    cell's which gold items flipped."""

    matrix_baseline_format: int = MATRIX_BASELINE_FORMAT
    cells: dict[str, Baseline]


class MatrixGate(Frozen):
    passed: bool
    cells: dict[str, GateResult]
    missing: list[str]
    """Baseline cells this matrix did not produce: each one fails the gate."""
    new: list[str]
    """Cells without a baseline: reported, not gated."""
