"""Aggregates, hand-computed: strict / partial credit / lenient P/R/F1, micro, macro, fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor_eval.config import ScoringConfig
from extractor_eval.loading import PredictedDoc, Run
from extractor_eval.outcomes import Counts
from extractor_eval.provenance import run_meta
from extractor_eval.report import build_report
from extractor_eval.report_model import Report
from extractor_eval.score import prf, score_run
from tests.eval.evalfixtures import append, company, drop, edit, record, rich_gold


def test_strict_partial_credit_and_lenient_scores_by_hand() -> None:
    counts = Counts(correct=6, partial=2, incorrect=1, missing=1, spurious=2)
    assert (counts.gold, counts.predicted) == (10, 11)
    strict, lenient = prf(counts, "strict"), prf(counts, "lenient")
    half = prf(counts, "partial_credit")  # SemEval-2013 "partial": (COR + ½ PAR) / ACT, / POS
    assert half.precision == pytest.approx(7 / 11)
    assert half.recall == pytest.approx(7 / 10)
    assert half.f1 == pytest.approx(14 / 21)
    assert strict.precision == pytest.approx(6 / 11)
    assert strict.recall == pytest.approx(6 / 10)
    assert strict.f1 == pytest.approx(12 / 21)  # 2·COR / (POS + ACT)
    assert lenient.precision == pytest.approx(8 / 11)
    assert lenient.recall == pytest.approx(8 / 10)
    assert lenient.f1 == pytest.approx(16 / 21)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (Counts(), (1.0, 1.0, 1.0)),  # nothing to find, nothing claimed
        (Counts(missing=3), (0.0, 0.0, 0.0)),
        (Counts(spurious=2), (0.0, 0.0, 0.0)),
        (Counts(incorrect=2), (0.0, 0.0, 0.0)),
    ],
)
def test_empty_denominator_conventions(
    counts: Counts, expected: tuple[float, float, float]
) -> None:
    scores = prf(counts, "strict")
    assert (scores.precision, scores.recall, scores.f1) == expected


def two_document_report() -> Report:
    """d1: one partnership dropped, one with a wrong status; d2: one spurious company."""
    gold1 = rich_gold("d1")
    pred1 = drop(edit(gold1, "partnerships", 0, status="agreed"), "partnerships", 2)
    gold2 = record("d2", companies=[company("Vivo"), company("Lava International")])
    pred2 = append(gold2, "companies", company("Invented Ltd"))
    gold = {"d1": gold1, "d2": gold2}
    run = Run(
        Path("mem"), "folder", {"d1": PredictedDoc("d1", pred1), "d2": PredictedDoc("d2", pred2)}
    )
    config = ScoringConfig()
    return build_report(gold, run, score_run(gold, run, config), config, run_meta([]), Path("gold"))


def test_per_type_micro_and_macro_by_hand() -> None:
    report = two_document_report()
    by_type = {t.record_type: t for t in report.per_type}
    partnerships = by_type["partnerships"]
    assert (
        partnerships.counts.correct,
        partnerships.counts.partial,
        partnerships.counts.missing,
    ) == (1, 1, 1)
    assert partnerships.strict.precision == pytest.approx(1 / 2)
    assert partnerships.strict.recall == pytest.approx(1 / 3)
    assert partnerships.strict.f1 == pytest.approx(2 / 5)
    assert partnerships.lenient.f1 == pytest.approx(2 * 1 * (2 / 3) / (1 + 2 / 3))
    companies = by_type["companies"]
    assert (companies.counts.correct, companies.counts.spurious) == (9, 1)
    assert companies.strict.f1 == pytest.approx(18 / 19)
    micro = report.micro.score
    assert (micro.counts.gold, micro.counts.predicted, micro.counts.correct) == (19, 19, 17)
    assert micro.strict.f1 == pytest.approx(2 * 17 / 38)
    assert report.macro.types == list(by_type)  # all eight types occur in d1
    assert report.macro.strict_f1 == pytest.approx((2 / 5 + 18 / 19 + 6) / 8)


def test_per_field_accuracy_on_matched_pairs() -> None:
    fields = {(f.record_type, f.field): f for f in two_document_report().field_accuracy}
    status = fields[("partnerships", "status")]
    assert (status.compared, status.equal, status.accuracy) == (2, 1, 0.5)
    assert fields[("companies", "country")].accuracy == 1.0
    assert fields[("figures", "currency")].compared == 2


def test_failure_rows_name_document_field_values_and_category() -> None:
    rows = {(f.field_path, f.category): f for f in two_document_report().failures}
    status = rows[("partnerships[0].status", "partial")]
    assert (status.doc_id, status.gold_value, status.pred_value) == ("d1", "operational", "agreed")
    assert status.similarity is not None
    (missing,) = [f for f in rows.values() if f.record_type == "partnerships" and not f.pred_value]
    assert missing.gold_value == "Xiaomi Corp → Optiemus Electronics (contract_manufacturing)"
    assert missing.category == "missing" and missing.field_path.startswith("partnerships[")
    spurious = [f for f in rows.values() if f.category == "spurious"]
    assert [(f.field_path.startswith("companies[pred "), f.pred_value) for f in spurious] == [
        (True, "Invented Ltd")
    ]


def test_item_keys_are_stable_labels() -> None:
    keys = {i.key: i.category for i in two_document_report().items if i.key}
    key = "d1 | partnerships | Transsion Holdings → Dixon Technologies (contract_manufacturing)"
    assert keys[key] == "partial"
