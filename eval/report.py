"""Turning scored documents into the typed report every output format is rendered from."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel

from extractor_eval.bootstrap import IntArray, f1_interval, type_intervals
from extractor_eval.config import ScoringConfig
from extractor_eval.loading import Run, grounding_counts
from extractor_eval.outcomes import Category, Counts, DocResult, ItemResult
from extractor_eval.report_model import (
    CountsModel,
    DocumentScore,
    FailureRow,
    Grounding,
    Headline,
    Inputs,
    ItemOutcome,
    Report,
    RunMeta,
    SchemeIntervals,
    Validity,
)
from extractor_eval.schemes import SCHEMES
from extractor_eval.score import (
    count_array,
    field_accuracy,
    macro,
    per_type_counts,
    prf,
    to_counts,
    type_score,
    types_of,
)

ALL = "all"
"""record_type of the micro average over all types."""


def build_report(
    gold: Mapping[str, BaseModel],
    run: Run,
    results: Sequence[DocResult],
    config: ScoringConfig,
    meta: RunMeta,
    gold_path: Path,
) -> Report:
    array = count_array(results)
    types = types_of(results)
    valid = [i for i, r in enumerate(results) if r.status == "valid"]
    per_type = per_type_counts(array, types)
    return Report(
        meta=meta,
        inputs=Inputs(predictions=str(run.source), run_kind=run.kind, gold=str(gold_path)),
        config=config,
        validity=_validity(gold, run, results),
        micro=Headline(
            score=type_score(ALL, to_counts(array.sum(axis=(0, 1)))),
            strict_f1_interval=f1_interval(array, config, "strict"),
            partial_credit_f1_interval=f1_interval(array, config, "partial_credit"),
            lenient_f1_interval=f1_interval(array, config, "lenient"),
        ),
        micro_valid_only=type_score(ALL, to_counts(array[valid].sum(axis=(0, 1)))),
        macro=macro(per_type),
        per_type=[type_score(t, c) for t, c in per_type.items()],
        per_type_intervals=_type_intervals(array, config, types),
        field_accuracy=field_accuracy(results),
        grounding=_grounding(run, gold.keys()),
        documents=[_document(r, to_counts(array[i].sum(axis=0))) for i, r in enumerate(results)],
        items=[_outcome(r.doc_id, item) for r in results for item in _ordered(r.items, types)],
        failures=[
            row for r in results for item in _ordered(r.items, types) for row in _rows(r, item)
        ],
    )


def _type_intervals(
    array: IntArray, config: ScoringConfig, types: Sequence[str]
) -> list[SchemeIntervals]:
    """Per-type F1 intervals over documents, by the same method as the headline's."""
    by_scheme = {s: type_intervals(array, config, s) for s in SCHEMES}
    return [
        SchemeIntervals(
            record_type=t,
            strict=by_scheme["strict"][k],
            partial_credit=by_scheme["partial_credit"][k],
            lenient=by_scheme["lenient"][k],
        )
        for k, t in enumerate(types)
    ]


def _validity(gold: Mapping[str, BaseModel], run: Run, results: Sequence[DocResult]) -> Validity:
    unusable = [r for r in results if r.status != "valid"]
    return Validity(
        gold_documents=len(results),
        valid=len(results) - len(unusable),
        invalid=sum(r.status == "invalid" for r in unusable),
        absent=sum(r.status == "absent" for r in unusable),
        gold_items_in_unusable_documents=sum(r.counts().gold for r in unusable),
        extra_documents=sorted(set(run.docs) - set(gold)),
        run_problems=list(run.problems),
    )


def _grounding(run: Run, doc_ids: Collection[str]) -> Grounding | None:
    """Over gold documents only, like every other number in the report."""
    counts = grounding_counts(run, doc_ids)
    if counts is None:
        return None
    kept = counts["exact"] + counts["normalised"] + counts["fuzzy"] + counts["ungrounded"]

    def share(tier: str) -> float | None:
        return counts[tier] / kept if kept else None

    return Grounding(
        kept=kept,
        exact=counts["exact"],
        normalised=counts["normalised"],
        fuzzy=counts["fuzzy"],
        ungrounded=counts["ungrounded"],
        rejected=counts["rejected"],
        share_exact=share("exact"),
        share_normalised=share("normalised"),
        share_fuzzy=share("fuzzy"),
    )


def _document(result: DocResult, c: Counts) -> DocumentScore:
    return DocumentScore(
        doc_id=result.doc_id,
        status=result.status,
        problem=result.problem,
        counts=CountsModel.of(c),
        strict=prf(c, "strict"),
        partial_credit=prf(c, "partial_credit"),
        lenient=prf(c, "lenient"),
    )


def _ordered(items: Sequence[ItemResult], types: Sequence[str]) -> list[ItemResult]:
    """Type order, then gold order, spurious items last: stable whatever the prediction order."""
    order = {t: i for i, t in enumerate(types)}
    return sorted(
        items,
        key=lambda i: (
            order[i.record_type],
            i.gold_index if i.gold_index is not None else 1 << 30,
            i.pred_index if i.pred_index is not None else -1,
        ),
    )


def _outcome(doc_id: str, item: ItemResult) -> ItemOutcome:
    return ItemOutcome(
        key=item.key,
        doc_id=doc_id,
        record_type=item.record_type,
        label=item.label,
        category=item.category.value,
        gold_index=item.gold_index,
        pred_index=item.pred_index,
        similarity=item.similarity,
    )


def _rows(result: DocResult, item: ItemResult) -> list[FailureRow]:
    """Failure rows: one per wrong field of an aligned pair, one per missing/spurious item."""
    if item.category is Category.CORRECT:
        return []
    if item.category is Category.MISSING:
        return [_row(result, item, f"{item.record_type}[{item.gold_index}]", item.label, None)]
    if item.category is Category.SPURIOUS:
        path = f"{item.record_type}[pred {item.pred_index}]"
        return [_row(result, item, path, None, item.label)]
    return [
        _row(result, item, f"{item.record_type}[{item.gold_index}].{d.field}", d.gold, d.pred)
        for d in item.diffs
    ]


def _row(
    result: DocResult, item: ItemResult, path: str, gold: str | None, pred: str | None
) -> FailureRow:
    return FailureRow(
        doc_id=result.doc_id,
        record_type=item.record_type,
        field_path=path,
        gold_value=gold,
        pred_value=pred,
        category=item.category.value,
        similarity=item.similarity,
    )
