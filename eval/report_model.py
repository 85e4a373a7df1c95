"""Typed report models: the JSON report, and the data every renderer (text, Markdown, HTML) reads.

Only `meta` changes from run to run on identical inputs; everything else is a function of the
inputs and the configuration, which is what lets a baseline be diffed and gated.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from extractor_eval.config import ScoringConfig
from extractor_eval.outcomes import Counts, DocStatus


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Scores(Frozen):
    precision: float
    recall: float
    f1: float


class CountsModel(Frozen):
    correct: int
    partial: int
    incorrect: int
    missing: int
    spurious: int
    gold: int
    predicted: int

    @classmethod
    def of(cls, counts: Counts) -> CountsModel:
        return cls(
            correct=counts.correct,
            partial=counts.partial,
            incorrect=counts.incorrect,
            missing=counts.missing,
            spurious=counts.spurious,
            gold=counts.gold,
            predicted=counts.predicted,
        )

    def to_counts(self) -> Counts:
        return Counts(self.correct, self.partial, self.incorrect, self.missing, self.spurious)


class TypeScore(Frozen):
    """Scores of one record type (or of all types, for the micro average)."""

    record_type: str
    counts: CountsModel
    strict: Scores
    partial_credit: Scores
    """A partial item counts one half (SemEval-2013 "partial")."""
    lenient: Scores
    """A partial item counts fully: secondary fields forgiven."""


IntervalMethod = Literal["jackknife_t", "percentile_bootstrap"]


class Interval(Frozen):
    low: float
    high: float
    confidence: float
    method: IntervalMethod
    resamples: int | None
    """Bootstrap resamples; None for the jackknife, which has none."""
    seed: int | None


class SchemeIntervals(Frozen):
    """F1 intervals over documents of one record type (or "all"), one per scheme."""

    record_type: str
    strict: Interval | None
    partial_credit: Interval | None
    lenient: Interval | None


class Headline(Frozen):
    """Micro average over all items of all documents, with intervals over documents."""

    score: TypeScore
    strict_f1_interval: Interval | None
    partial_credit_f1_interval: Interval | None
    lenient_f1_interval: Interval | None


class Macro(Frozen):
    """Unweighted mean of per-type F1 over the types that occur in gold or predictions."""

    strict_f1: float
    partial_credit_f1: float
    lenient_f1: float
    types: list[str]


class FieldAccuracy(Frozen):
    record_type: str
    field: str
    compared: int
    equal: int
    accuracy: float | None


class Validity(Frozen):
    gold_documents: int
    valid: int
    invalid: int
    absent: int
    gold_items_in_unusable_documents: int
    extra_documents: list[str]
    run_problems: list[str]


class Grounding(Frozen):
    """Grounding tiers of the items a run kept, and how many it rejected (jsonl runs only)."""

    kept: int
    exact: int
    normalised: int
    fuzzy: int
    ungrounded: int
    rejected: int
    share_exact: float | None
    share_normalised: float | None
    share_fuzzy: float | None


class DocumentScore(Frozen):
    doc_id: str
    status: DocStatus
    problem: str | None
    counts: CountsModel
    strict: Scores
    partial_credit: Scores
    lenient: Scores


class ItemOutcome(Frozen):
    """A gold item's category (spurious items have key '' and no gold_index)."""

    key: str
    doc_id: str
    record_type: str
    label: str
    category: str
    gold_index: int | None
    pred_index: int | None
    similarity: float | None


class FailureRow(Frozen):
    doc_id: str
    record_type: str
    field_path: str
    gold_value: str | None
    pred_value: str | None
    category: str
    similarity: float | None


class RunMeta(Frozen):
    """Volatile provenance: excluded from baselines so their diffs show only score changes."""

    scorer_version: str
    created_at: str
    git_commit: str | None
    python: str
    packages: dict[str, str]
    argv: list[str]


class Inputs(Frozen):
    predictions: str
    run_kind: str
    gold: str


class Report(Frozen):
    meta: RunMeta
    inputs: Inputs
    config: ScoringConfig
    validity: Validity
    micro: Headline
    micro_valid_only: TypeScore
    macro: Macro
    per_type: list[TypeScore]
    per_type_intervals: list[SchemeIntervals]
    field_accuracy: list[FieldAccuracy]
    grounding: Grounding | None
    documents: list[DocumentScore]
    items: list[ItemOutcome]
    failures: list[FailureRow]
