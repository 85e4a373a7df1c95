"""Agreement with a peer implementation, nervaluate, on entity-style cases.

An organization is a span: its name is the span's text, its kind the span's label. nervaluate's
"strict" scheme (exact boundary and label) must give our strict P/R/F1, and its "partial" scheme
(an overlapping boundary earns half) our partial credit, with an overlap modelled as an aligned
organization whose secondary field (country) is wrong. nervaluate's partial scheme ignores
labels, so the partial comparison draws cases without label errors.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest
from nervaluate import Evaluator

from extractor_eval.schemes import Scheme
from extractor_eval.score import prf
from extractor_schemas import Organization
from tests.eval.evalfixtures import record, score

KINDS = ["research_firm", "media"]
Span = dict[str, object]


@dataclass
class Case:
    gold_spans: list[Span] = field(default_factory=list)
    pred_spans: list[Span] = field(default_factory=list)
    gold_orgs: list[Organization] = field(default_factory=list)
    pred_orgs: list[Organization] = field(default_factory=list)


def organization(name: str, kind: str, country: str | None = "IN") -> Organization:
    return Organization.model_validate(
        {"name": name, "kind": kind, "country": country, "evidence": name}
    )


def draw_case(rng: random.Random, label_errors: bool) -> Case:
    """Entities at distinct places: exact, mislabelled, overlapping, missed and invented."""
    case = Case()
    outcomes = ["exact", "overlap", "missed"] + (["mislabelled"] if label_errors else [])
    for i in range(rng.randint(1, 8)):
        name, kind, start = f"Firm{i} Research", rng.choice(KINDS), 10 * i
        outcome = rng.choice(outcomes)
        case.gold_spans.append({"label": kind, "start": start, "end": start + 1})
        case.gold_orgs.append(organization(name, kind))
        if outcome == "missed":
            continue
        pred_kind = next(k for k in KINDS if k != kind) if outcome == "mislabelled" else kind
        end = start if outcome == "overlap" else start + 1
        case.pred_spans.append({"label": pred_kind, "start": start, "end": end})
        country = "CN" if outcome == "overlap" else "IN"
        case.pred_orgs.append(organization(name, pred_kind, country))
    for k in range(rng.randint(0 if case.pred_orgs else 1, 3)):
        kind, start = rng.choice(KINDS), 1000 + 10 * k
        case.pred_spans.append({"label": kind, "start": start, "end": start + 1})
        case.pred_orgs.append(organization(f"Invented{k} Media", kind))
    return case


def ours(case: Case, scheme: Scheme) -> tuple[float, float, float]:
    counts = score(
        record(organizations=case.gold_orgs), record(organizations=case.pred_orgs)
    ).counts("organizations")
    found = prf(counts, scheme)
    return found.precision, found.recall, found.f1


def theirs(case: Case, scheme: str) -> tuple[float, float, float]:
    evaluator = Evaluator([case.gold_spans], [case.pred_spans], tags=KINDS, loader="dict")
    found = evaluator.evaluate()["overall"][scheme]
    return float(found.precision), float(found.recall), float(found.f1)


@pytest.mark.parametrize("seed", range(40))
def test_strict_agrees_with_nervaluate_strict(seed: int) -> None:
    case = draw_case(random.Random(seed), label_errors=True)
    assert ours(case, "strict") == pytest.approx(theirs(case, "strict"))


@pytest.mark.parametrize("seed", range(40))
def test_partial_credit_agrees_with_nervaluate_partial(seed: int) -> None:
    case = draw_case(random.Random(seed), label_errors=False)
    assert ours(case, "partial_credit") == pytest.approx(theirs(case, "partial"))
