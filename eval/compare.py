"""Paired comparison of two runs over the same gold documents.

Both runs are scored on every gold document (an unusable document counts as all-missing in the
run that failed it), so the per-document counts are paired: intervals resample (or leave out)
the same documents for both runs, so differences in document difficulty cancel, and a paired
permutation test gives the p-value of each ΔF1. Every scheme the eval reports is compared, and
gained and lost items follow the gate's definition (`eval/flips.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from extractor_eval.bootstrap import IntArray, f1_of, paired_delta_intervals, paired_p_values
from extractor_eval.config import ScoringConfig
from extractor_eval.flips import Flip, flips
from extractor_eval.loading import Run
from extractor_eval.outcomes import DocResult, DocStatus
from extractor_eval.report_model import Frozen, Inputs, Interval, RunMeta
from extractor_eval.schemes import SCHEMES, Scheme
from extractor_eval.score import TYPES, count_array, score_run, types_of

Outcome = Literal["win", "loss", "tie"]


class TypeDelta(Frozen):
    """F1 of each run in one scheme and B − A, with its paired interval and p-value."""

    record_type: str
    f1_a: float
    f1_b: float
    delta: float
    interval: Interval | None
    p_value: float | None
    """Two-sided paired permutation test of "A and B score alike"."""


class SchemeComparison(Frozen):
    scheme: Scheme
    micro: TypeDelta
    per_type: list[TypeDelta]


class DocDelta(Frozen):
    doc_id: str
    status_a: DocStatus
    status_b: DocStatus
    strict_a: float
    strict_b: float
    partial_credit_a: float
    partial_credit_b: float
    gained: int
    lost: int
    outcome: Outcome
    """From B's side, by partial-credit F1 (it sees correct and partial items alike)."""


class CompareReport(Frozen):
    meta: RunMeta
    config: ScoringConfig
    run_a: Inputs
    run_b: Inputs
    schemes: list[SchemeComparison]
    """strict, partial credit and lenient, in that order."""
    wins: int
    losses: int
    ties: int
    documents: list[DocDelta]
    gained: list[Flip]
    """Gold items whose category is better in B than in A."""
    lost: list[Flip]
    """Gold items whose category is worse in B than in A (correct → partial, …)."""

    def scheme(self, name: Scheme) -> SchemeComparison:
        return next(c for c in self.schemes if c.scheme == name)


def _categories(results: Sequence[DocResult]) -> dict[str, str]:
    return {i.key: i.category.value for r in results for i in r.items if i.key}


def _outcome(f1_a: float, f1_b: float) -> Outcome:
    if abs(f1_a - f1_b) < 1e-12:
        return "tie"
    return "win" if f1_b > f1_a else "loss"


def _delta(
    record_type: str,
    f1_a: float,
    f1_b: float,
    interval: Interval | None,
    p_value: float | None,
) -> TypeDelta:
    return TypeDelta(
        record_type=record_type,
        f1_a=f1_a,
        f1_b=f1_b,
        delta=f1_b - f1_a,
        interval=interval,
        p_value=p_value,
    )


def compare_scheme(
    a: IntArray,
    b: IntArray,
    config: ScoringConfig,
    scheme: Scheme,
    types: Sequence[str] = TYPES,
) -> SchemeComparison:
    """ΔF1 per type and micro for one scheme; a and b are (documents, types, 5)."""
    intervals = paired_delta_intervals(a, b, config, scheme)
    p_values = paired_p_values(a, b, config, scheme)
    type_a, type_b = f1_of(a.sum(axis=0), scheme), f1_of(b.sum(axis=0), scheme)
    return SchemeComparison(
        scheme=scheme,
        micro=_delta(
            "all",
            float(f1_of(a.sum(axis=(0, 1)), scheme)),
            float(f1_of(b.sum(axis=(0, 1)), scheme)),
            intervals[1] if intervals else None,
            p_values[1] if p_values else None,
        ),
        per_type=[
            _delta(
                t,
                float(type_a[k]),
                float(type_b[k]),
                intervals[0][k] if intervals else None,
                p_values[0][k] if p_values else None,
            )
            for k, t in enumerate(types)
        ],
    )


def _documents(
    results_a: Sequence[DocResult], results_b: Sequence[DocResult], a: IntArray, b: IntArray
) -> list[DocDelta]:
    per_doc = {s: (f1_of(a.sum(axis=1), s), f1_of(b.sum(axis=1), s)) for s in SCHEMES}
    found = []
    for i, (ra, rb) in enumerate(zip(results_a, results_b, strict=True)):
        gained, lost = flips(_categories([ra]), _categories([rb]))
        pc_a, pc_b = (float(x[i]) for x in per_doc["partial_credit"])
        found.append(
            DocDelta(
                doc_id=ra.doc_id,
                status_a=ra.status,
                status_b=rb.status,
                strict_a=float(per_doc["strict"][0][i]),
                strict_b=float(per_doc["strict"][1][i]),
                partial_credit_a=pc_a,
                partial_credit_b=pc_b,
                gained=len(gained),
                lost=len(lost),
                outcome=_outcome(pc_a, pc_b),
            )
        )
    return found


def compare_runs(
    gold: Mapping[str, BaseModel],
    run_a: Run,
    run_b: Run,
    config: ScoringConfig,
    meta: RunMeta,
    gold_path: Path,
) -> CompareReport:
    results_a, results_b = score_run(gold, run_a, config), score_run(gold, run_b, config)
    a, b = count_array(results_a), count_array(results_b)
    documents = _documents(results_a, results_b, a, b)
    gained, lost = flips(_categories(results_a), _categories(results_b))
    return CompareReport(
        meta=meta,
        config=config,
        run_a=Inputs(predictions=str(run_a.source), run_kind=run_a.kind, gold=str(gold_path)),
        run_b=Inputs(predictions=str(run_b.source), run_kind=run_b.kind, gold=str(gold_path)),
        schemes=[compare_scheme(a, b, config, s, types_of(results_a)) for s in SCHEMES],
        wins=sum(d.outcome == "win" for d in documents),
        losses=sum(d.outcome == "loss" for d in documents),
        ties=sum(d.outcome == "tie" for d in documents),
        documents=documents,
        gained=gained,
        lost=lost,
    )
