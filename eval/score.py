"""Scoring documents and aggregating categories into precision, recall and F1.

Three schemes (`eval/schemes.py`): strict counts only `correct` as a hit, partial credit counts a
`partial` item as half a hit (SemEval-2013 "partial"), lenient counts it as a whole one
("secondary fields forgiven"). `incorrect` is never a hit.

Conventions for empty denominators: a type with no gold and no prediction scores 1.0 (nothing to
find, nothing wrongly claimed); precision with no predictions but some gold is 0, recall with no
gold but some predictions is 0, so F1 is 0 either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from extractor_eval.align import align_type, item_keys
from extractor_eval.config import ScoringConfig
from extractor_eval.entities import DocContext, items_of
from extractor_eval.loading import PredictedDoc, Run
from extractor_eval.outcomes import CATEGORIES, Counts, DocResult, FieldTally, ItemResult
from extractor_eval.report_model import CountsModel, FieldAccuracy, Macro, Scores, TypeScore
from extractor_eval.schemes import PARTIAL_WEIGHT, Scheme
from extractor_eval.specs import SPECS, TypeSpec, specs_for
from extractor_schemas import Grounded

TYPES: tuple[str, ...] = tuple(SPECS)
"""The seed schema's record types; a task's are `DocResult.record_types` / `types_of`."""
R = TypeVar("R", bound=BaseModel)
CountArray = npt.NDArray[np.int64]
"""Category counts shaped (documents, record types, categories), in TYPES × CATEGORIES order."""


def _content_key(spec: TypeSpec, item: Grounded) -> tuple[str, str]:
    """Compared fields first, then everything (pydantic's JSON, in field order: fast)."""
    return item.model_dump_json(include=spec.field_names), item.model_dump_json()


def types_of(results: Sequence[DocResult]) -> tuple[str, ...]:
    """The record types of the task the results were scored under (the seed's when none)."""
    return results[0].record_types if results and results[0].record_types else TYPES


def doc_id_of(record: BaseModel) -> str:
    """A root record's document id (every task's root carries `doc_id`)."""
    doc_id = getattr(record, "doc_id", None)
    if not isinstance(doc_id, str):
        raise TypeError(f"{type(record).__name__} has no string doc_id field")
    return doc_id


def canonical(record: R) -> R:
    """The record with every list sorted by what its items say (compared fields first, then
    evidence and the rest), so no score, key or index depends on the order a model or an
    annotator listed things in. Item indices in reports refer to this order."""
    update = {
        record_type: sorted(items_of(record, record_type), key=lambda i: _content_key(spec, i))
        for record_type, spec in specs_for(type(record)).items()
    }
    return record.model_copy(update=update)


def score_document(gold: BaseModel, doc: PredictedDoc | None, config: ScoringConfig) -> DocResult:
    """Every item of one document categorised; an unusable prediction leaves all gold missing.

    Both records are put in canonical order first (see `canonical`).
    """
    gold = canonical(gold)
    doc_id = doc_id_of(gold)
    pred = canonical(doc.record) if doc is not None and doc.record is not None else None
    ctx = DocContext.build(gold, pred, config)
    items: list[ItemResult] = []
    tallies: dict[tuple[str, str], FieldTally] = {}
    specs = specs_for(type(gold), config.spec_overrides)
    for record_type, spec in specs.items():
        golds = items_of(gold, record_type)
        keys = item_keys(doc_id, record_type, [spec.label(g) for g in golds])
        preds = items_of(pred, record_type) if pred is not None else []
        found, tally = align_type(spec, preds, golds, ctx, keys)
        items += found
        tallies.update({(record_type, name): t for name, t in tally.items()})
    status = "absent" if doc is None else doc.status
    problem = "no prediction for this document" if doc is None else doc.problem
    return DocResult(doc_id, status, problem, tuple(items), tallies, tuple(specs))


def score_run(gold: Mapping[str, BaseModel], run: Run, config: ScoringConfig) -> list[DocResult]:
    """One result per gold document, in doc id order; predictions without gold are ignored.

    Single process on purpose: forking workers was measured slower on two cores, because
    sending the results back costs a third of the scoring itself.
    """
    return [score_document(gold[d], run.docs.get(d), config) for d in sorted(gold)]


def _rate(hits: float, total: int, other_empty: bool) -> float:
    if total:
        return hits / total
    return 1.0 if other_empty else 0.0


def prf(counts: Counts, scheme: Scheme = "strict") -> Scores:
    hits = counts.correct + PARTIAL_WEIGHT[scheme] * counts.partial
    precision = _rate(hits, counts.predicted, counts.gold == 0)
    recall = _rate(hits, counts.gold, counts.predicted == 0)
    total = precision + recall
    return Scores(
        precision=precision,
        recall=recall,
        f1=2 * precision * recall / total if total else 0.0,
    )


def type_score(record_type: str, counts: Counts) -> TypeScore:
    return TypeScore(
        record_type=record_type,
        counts=CountsModel.of(counts),
        strict=prf(counts, "strict"),
        partial_credit=prf(counts, "partial_credit"),
        lenient=prf(counts, "lenient"),
    )


def count_array(results: Sequence[DocResult]) -> CountArray:
    """All category counts in one array, the input of every aggregate and of the bootstrap."""
    types = types_of(results)
    array = np.zeros((len(results), len(types), len(CATEGORIES)), dtype=np.int64)
    type_index = {t: i for i, t in enumerate(types)}
    category_index = {c: i for i, c in enumerate(CATEGORIES)}
    for d, result in enumerate(results):
        for item in result.items:
            array[d, type_index[item.record_type], category_index[item.category]] += 1
    return array


def to_counts(row: npt.NDArray[np.int64]) -> Counts:
    return Counts(*(int(v) for v in row))


def per_type_counts(array: CountArray, types: Sequence[str] = TYPES) -> dict[str, Counts]:
    totals = array.sum(axis=0)
    return {t: to_counts(totals[i]) for i, t in enumerate(types)}


def macro(per_type: Mapping[str, Counts]) -> Macro:
    """Mean per-type F1 over types present in gold or predictions (1.0 if none are)."""
    present = [t for t, c in per_type.items() if c.gold or c.predicted]

    def mean(scheme: Scheme) -> float:
        return float(np.mean([prf(per_type[t], scheme).f1 for t in present])) if present else 1.0

    return Macro(
        strict_f1=mean("strict"),
        partial_credit_f1=mean("partial_credit"),
        lenient_f1=mean("lenient"),
        types=present,
    )


def field_accuracy(results: Sequence[DocResult]) -> list[FieldAccuracy]:
    """Agreement of each field over all aligned pairs (correct, partial and incorrect)."""
    totals: dict[tuple[str, str], list[int]] = {}
    for result in results:
        for key in result.fields:
            totals.setdefault(key, [0, 0])
    for result in results:
        for key, tally in result.fields.items():
            totals[key][0] += tally.compared
            totals[key][1] += tally.equal
    return [
        FieldAccuracy(record_type=t, field=f, compared=c, equal=e, accuracy=e / c if c else None)
        for (t, f), (c, e) in totals.items()
    ]
