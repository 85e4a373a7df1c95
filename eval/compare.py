"""Paired comparison of two runs over the same gold documents.

Both runs are scored on every gold document (an unusable document counts as all-missing in the
run that failed it), so the per-document counts are paired and the bootstrap can resample
documents jointly: differences in document difficulty cancel, and the interval of ΔF1 is much
tighter than comparing two unpaired intervals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from extractor_eval.bootstrap import f1_of, paired_delta_intervals
from extractor_eval.config import ScoringConfig
from extractor_eval.loading import Run
from extractor_eval.outcomes import Category, DocResult, DocStatus
from extractor_eval.report_model import Frozen, Inputs, Interval, RunMeta
from extractor_eval.score import TYPES, count_array, score_run
from extractor_schemas import ArticleRecord

Outcome = Literal["win", "loss", "tie"]


class TypeDelta(Frozen):
    """Strict F1 of each run and B − A, with its paired-bootstrap interval."""

    record_type: str
    f1_a: float
    f1_b: float
    delta: float
    interval: Interval | None


class DocDelta(Frozen):
    doc_id: str
    status_a: DocStatus
    status_b: DocStatus
    f1_a: float
    f1_b: float
    outcome: Outcome
    """From B's side: win when B scores higher on this document."""


class ItemFlip(Frozen):
    key: str
    category_a: str
    category_b: str


class CompareReport(Frozen):
    meta: RunMeta
    config: ScoringConfig
    run_a: Inputs
    run_b: Inputs
    micro: TypeDelta
    per_type: list[TypeDelta]
    wins: int
    losses: int
    ties: int
    documents: list[DocDelta]
    gained: list[ItemFlip]
    """Gold items correct in B but not in A."""
    lost: list[ItemFlip]
    """Gold items correct in A but not in B."""


def _categories(results: Sequence[DocResult]) -> dict[str, str]:
    return {i.key: i.category.value for r in results for i in r.items if i.key}


def _flips(a: dict[str, str], b: dict[str, str], gained: bool) -> list[ItemFlip]:
    correct = Category.CORRECT.value
    keys = sorted(
        k
        for k in a.keys() | b.keys()
        if (b.get(k) == correct) != (a.get(k) == correct) and (b.get(k) == correct) == gained
    )
    return [
        ItemFlip(key=k, category_a=a.get(k, "absent"), category_b=b.get(k, "absent")) for k in keys
    ]


def _outcome(f1_a: float, f1_b: float) -> Outcome:
    if abs(f1_a - f1_b) < 1e-12:
        return "tie"
    return "win" if f1_b > f1_a else "loss"


def compare_runs(
    gold: Mapping[str, ArticleRecord],
    run_a: Run,
    run_b: Run,
    config: ScoringConfig,
    meta: RunMeta,
    gold_path: Path,
) -> CompareReport:
    results_a, results_b = score_run(gold, run_a, config), score_run(gold, run_b, config)
    a, b = count_array(results_a), count_array(results_b)
    intervals = paired_delta_intervals(a, b, config)
    type_f1_a, type_f1_b = f1_of(a.sum(axis=0), lenient=False), f1_of(b.sum(axis=0), lenient=False)
    micro_a = float(f1_of(a.sum(axis=(0, 1)), lenient=False))
    micro_b = float(f1_of(b.sum(axis=(0, 1)), lenient=False))
    doc_a, doc_b = f1_of(a.sum(axis=1), lenient=False), f1_of(b.sum(axis=1), lenient=False)
    documents = [
        DocDelta(
            doc_id=ra.doc_id,
            status_a=ra.status,
            status_b=rb.status,
            f1_a=float(doc_a[i]),
            f1_b=float(doc_b[i]),
            outcome=_outcome(float(doc_a[i]), float(doc_b[i])),
        )
        for i, (ra, rb) in enumerate(zip(results_a, results_b, strict=True))
    ]
    cats_a, cats_b = _categories(results_a), _categories(results_b)
    return CompareReport(
        meta=meta,
        config=config,
        run_a=Inputs(predictions=str(run_a.source), run_kind=run_a.kind, gold=str(gold_path)),
        run_b=Inputs(predictions=str(run_b.source), run_kind=run_b.kind, gold=str(gold_path)),
        micro=TypeDelta(
            record_type="all",
            f1_a=micro_a,
            f1_b=micro_b,
            delta=micro_b - micro_a,
            interval=intervals[1] if intervals else None,
        ),
        per_type=[
            TypeDelta(
                record_type=t,
                f1_a=float(type_f1_a[k]),
                f1_b=float(type_f1_b[k]),
                delta=float(type_f1_b[k] - type_f1_a[k]),
                interval=intervals[0][k] if intervals else None,
            )
            for k, t in enumerate(TYPES)
        ],
        wins=sum(d.outcome == "win" for d in documents),
        losses=sum(d.outcome == "loss" for d in documents),
        ties=sum(d.outcome == "tie" for d in documents),
        documents=documents,
        gained=_flips(cats_a, cats_b, gained=True),
        lost=_flips(cats_a, cats_b, gained=False),
    )
