"""The audit's defects as regression tests: ties, the gate, compare and figure precision."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor_eval.cli import main
from extractor_eval.compare import compare_runs
from extractor_eval.config import ScoringConfig
from extractor_eval.loading import load_gold_dir, load_run
from extractor_eval.outcomes import Category
from extractor_eval.provenance import run_meta
from extractor_schemas import ArticleRecord
from tests.eval.evalfixtures import (
    company,
    corpus,
    drop,
    edit,
    figure,
    org,
    partnership,
    record,
    rich_gold,
    score,
    write_folder,
)

FIGURE_0 = "d1 | figures | export_earnings ₹272 crore (Oppo)"
FIGURE_1 = "d1 | figures | growth_rate 55% (exports)"


def gold_category(gold: ArticleRecord, pred: ArticleRecord, record_type: str) -> Category:
    (item,) = [
        i
        for i in score(gold, pred).items
        if i.record_type == record_type and i.gold_index is not None
    ]
    return item.category


FIRMS = [company("Xiaomi Corp", "Xiaomi", country="CN"), company("Dixon Technologies")]

TIES = [
    pytest.param(
        record(companies=FIRMS, partnerships=[partnership("Xiaomi Corp", "Dixon Technologies")]),
        "partnerships",
        [
            partnership("Xiaomi Corp", "Dixon Technologies", kind="distribution"),
            partnership("Xiaomi Corp", "Dixon Technologies", status="in_talks"),
        ],
        id="partnership kind vs status",
    ),
    pytest.param(
        record(figures=[figure(2_720_000_000)]),
        "figures",
        [figure(2_720_000_000, currency="USD"), figure(2_720_000_000, period="FY23")],
        id="figure currency vs period",
    ),
    pytest.param(
        record(organizations=[org("Counterpoint")]),
        "organizations",
        [
            org("Counterpoint", kind="media"),
            {**org("Counterpoint").model_dump(), "country": "IN"},
        ],
        id="organization kind vs country",
    ),
]


@pytest.mark.parametrize(("gold", "record_type", "preds"), TIES)
def test_equal_similarity_prefers_the_pairing_without_a_type_error_in_any_order(
    gold: ArticleRecord, record_type: str, preds: list[object]
) -> None:
    """Two predictions tie on similarity; one is wrong on a type-deciding field. In either
    order the gold item is partial (paired with the other), never incorrect."""
    data = gold.model_dump()
    forward = ArticleRecord.model_validate(
        {**data, record_type: [p if isinstance(p, dict) else p.model_dump() for p in preds]}
    )
    backward = ArticleRecord.model_validate(
        {**data, record_type: [p if isinstance(p, dict) else p.model_dump() for p in preds[::-1]]}
    )
    assert gold_category(gold, forward, record_type) is Category.PARTIAL
    assert gold_category(gold, backward, record_type) is Category.PARTIAL


def run(*args: str | Path) -> int:
    return main(["eval", "--quiet", *map(str, args)])


def test_gate_fails_when_one_item_is_lost_and_another_gained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Aggregates are unchanged (one partial → correct, one correct → partial), yet a fact got
    worse: the gate fails, and both flips are printed with their true categories."""
    gold, _, _ = corpus(tmp_path)
    second = load_gold_dir(gold)["d2"]
    before = write_folder(
        tmp_path / "before", [edit(rich_gold(), "figures", 1, period="FY25"), second]
    )
    after = write_folder(
        tmp_path / "after", [edit(rich_gold(), "figures", 0, period="FY25"), second]
    )
    baseline = tmp_path / "baseline.json"
    assert run("--pred", before, "--gold", gold, "--baseline", baseline, "--update-baseline") == 0
    capsys.readouterr()
    assert run("--pred", after, "--gold", gold, "--baseline", baseline) == 1
    out = capsys.readouterr().out
    assert f"lost (correct → partial): {FIGURE_0}" in out
    assert f"gained (partial → correct): {FIGURE_1}" in out
    assert "baseline gate: FAIL" in out


def test_gate_accepts_a_loss_that_is_named(tmp_path: Path) -> None:
    gold, _, _ = corpus(tmp_path)
    second = load_gold_dir(gold)["d2"]
    before = write_folder(tmp_path / "before", [edit(rich_gold(), "figures", 1, period="FY25")])
    after = write_folder(tmp_path / "after", [edit(rich_gold(), "figures", 0, period="FY25")])
    for folder in (before, after):
        write_folder(folder, [second])
    baseline = tmp_path / "baseline.json"
    run("--pred", before, "--gold", gold, "--baseline", baseline, "--update-baseline")
    assert run("--pred", after, "--gold", gold, "--baseline", baseline, "--accept", FIGURE_0) == 0
    assert run("--pred", after, "--gold", gold, "--baseline", baseline, "--accept", "x") == 1


def test_gate_labels_a_partial_item_that_went_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold, _, _ = corpus(tmp_path)
    second = load_gold_dir(gold)["d2"]
    partial = edit(rich_gold(), "figures", 1, period="FY25")
    before = write_folder(tmp_path / "before", [partial, second])
    after = write_folder(tmp_path / "after", [drop(partial, "figures", 1), second])
    baseline = tmp_path / "baseline.json"
    run("--pred", before, "--gold", gold, "--baseline", baseline, "--update-baseline")
    capsys.readouterr()
    assert run("--pred", after, "--gold", gold, "--baseline", baseline) == 1
    assert f"lost (partial → missing): {FIGURE_1}" in capsys.readouterr().out
    capsys.readouterr()
    run("--pred", after, "--gold", gold, "--baseline", baseline, "--update-baseline")
    capsys.readouterr()
    # a partial item is a false positive under strict scoring: strict F1 falls, the gate fails
    assert run("--pred", before, "--gold", gold, "--baseline", baseline) == 1
    out = capsys.readouterr().out
    assert f"gained (missing → partial): {FIGURE_1}" in out
    assert "regression: figures: strict F1 0.6667 → 0.5000" in out


def test_compare_lists_a_partial_item_that_went_missing(tmp_path: Path) -> None:
    """compare and the gate share one definition: any category that got worse is lost."""
    gold_dir, _, _ = corpus(tmp_path)
    gold = load_gold_dir(gold_dir)
    partial = edit(rich_gold(), "figures", 1, period="FY25")
    a = write_folder(tmp_path / "a", [partial, gold["d2"]])
    b = write_folder(tmp_path / "b", [drop(partial, "figures", 1), gold["d2"]])
    report = compare_runs(gold, load_run(a), load_run(b), ScoringConfig(), run_meta([]), gold_dir)
    assert [(f.key, f.before, f.after) for f in report.lost] == [(FIGURE_1, "partial", "missing")]
    assert report.gained == []


STORES = "18,000 stores"


@pytest.mark.parametrize(
    ("gold_value", "raw", "pred_value", "expected"),
    [
        (18_000, STORES, 18_090, Category.PARTIAL),  # within 1 %, but not the stated number
        (18_000, STORES, 18_000, Category.CORRECT),
        (2_720_000_000, "₹272 crore", 2_720_000_000, Category.CORRECT),
        (2_720_000_000, "₹272 crore", 2_730_000_000, Category.PARTIAL),  # ₹273 crore
        (2_720_000_000, "₹272 crore", 2_722_000_000, Category.CORRECT),  # rounds to ₹272 crore
        (5_900_000_000, "US$5.9 billion", 5_940_000_000, Category.CORRECT),
        (5_900_000_000, "US$5.9 billion", 5_955_000_000, Category.PARTIAL),
    ],
)
def test_a_figure_value_is_correct_at_the_precision_the_article_states(
    gold_value: float, raw: str, pred_value: float, expected: Category
) -> None:
    unit = "count" if raw == STORES else "currency"
    currency = None if raw == STORES else ("USD" if "$" in raw else "INR")
    metric = "count" if raw == STORES else "revenue"
    gold = record(figures=[figure(gold_value, metric, unit, currency, raw)])
    pred = record(figures=[figure(pred_value, metric, unit, currency, raw)])
    assert gold_category(gold, pred, "figures") is expected


def test_the_headline_leads_with_strict_and_partial_credit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold, _, pred = corpus(tmp_path)
    assert main(["eval", "--pred", str(pred), "--gold", str(gold)]) == 0
    headline = capsys.readouterr().out.splitlines()[1]
    assert headline.startswith("micro strict F1 1.000")
    assert "partial credit F1 1.000" in headline
