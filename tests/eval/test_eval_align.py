"""Alignment and the category of each item, hand-computed (eval/align.py, eval/specs.py)."""

from __future__ import annotations

import pytest

from extractor_eval.config import ScoringConfig
from extractor_eval.outcomes import Category
from tests.eval.evalfixtures import (
    append,
    categories,
    company,
    drop,
    edit,
    figure,
    partnership,
    record,
    rich_gold,
    score,
)

C, P, INC, M, S = (
    Category.CORRECT,
    Category.PARTIAL,
    Category.INCORRECT,
    Category.MISSING,
    Category.SPURIOUS,
)


def test_gold_against_itself_is_all_correct() -> None:
    result = score(rich_gold(), rich_gold())
    assert {i.category for i in result.items} == {C}
    assert result.counts().correct == 17


def test_partial_when_a_secondary_field_differs() -> None:
    pred = edit(rich_gold(), "partnerships", 0, status="agreed")
    result = score(rich_gold(), pred)
    assert categories(result, "partnerships") == [C, C, P]
    (item,) = [i for i in result.items if i.category is P]
    assert [(d.field, d.gold, d.pred) for d in item.diffs] == [("status", "operational", "agreed")]


@pytest.mark.parametrize(
    ("record_type", "index", "changes", "field"),
    [
        ("figures", 0, {"currency": "USD"}, "currency"),
        ("figures", 0, {"metric": "revenue"}, "metric"),
        ("organizations", 0, {"kind": "media"}, "kind"),
        ("partnerships", 0, {"kind": "joint_venture"}, "kind"),
        ("export_activities", 0, {"origin_country": "CN"}, "origin_country"),
        ("quotes", 0, {"speaker": "Dixon"}, "speaker"),
    ],
)
def test_incorrect_when_a_type_deciding_field_is_wrong(
    record_type: str, index: int, changes: dict[str, str], field: str
) -> None:
    result = score(rich_gold(), edit(rich_gold(), record_type, index, **changes))
    (item,) = [i for i in result.items if i.category is not C]
    assert (item.record_type, item.category) == (record_type, INC)
    assert field in [d.field for d in item.diffs]


def test_missing_and_spurious() -> None:
    pred = drop(rich_gold(), "partnerships", 0)
    pred = append(pred, "companies", company("Kolkata Widgets"))
    result = score(rich_gold(), pred)
    assert categories(result, "partnerships") == [C, C, M]
    assert categories(result, "companies") == [C] * 7 + [S]


def test_invalid_or_absent_prediction_leaves_every_gold_item_missing() -> None:
    result = score(rich_gold(), None)
    assert result.status == "absent"
    assert {i.category for i in result.items} == {M}
    assert result.counts().missing == 17


@pytest.mark.parametrize(
    "name", ["XIAOMI CORP.", "Xiaomi Corporation", "Xiaomi Corp Ltd", "xiaomi corp"]
)
def test_names_match_after_normalisation(name: str) -> None:
    pred = edit(rich_gold(), "companies", 4, name=name, aliases=["Xiaomi Corp", "Xiaomi"])
    assert categories(score(rich_gold(), pred), "companies") == [C] * 7


def test_a_gold_alias_used_as_the_name_still_matches() -> None:
    gold = record(companies=[company("Dixon Technologies", "Dixon")])
    pred = record(companies=[company("Dixon")])
    (item,) = score(gold, pred).items
    assert item.category is P  # aligned; only the alias list differs
    assert [d.field for d in item.diffs] == ["aliases"]


def test_fuzzy_name_above_threshold_aligns_below_does_not() -> None:
    gold = record(companies=[company("Transsion Holdings")])
    near = record(companies=[company("Transion Holdings")])
    far = record(companies=[company("Tecno Mobile")])
    assert [i.category for i in score(gold, near).items] == [C]
    assert sorted(i.category for i in score(gold, far).items) == [M, S]


def test_partnership_matches_through_aliases_of_gold_companies() -> None:
    pred = edit(rich_gold(), "partnerships", 1, brand="Xiaomi")  # alias of Xiaomi Corp
    assert categories(score(rich_gold(), pred), "partnerships") == [C, C, C]


def test_partnership_with_roles_swapped_does_not_match() -> None:
    pred = edit(
        rich_gold(), "partnerships", 0, brand="Dixon Technologies", partner="Transsion Holdings"
    )
    assert categories(score(rich_gold(), pred), "partnerships") == [C, C, M, S]


@pytest.mark.parametrize(
    ("factor", "expected"),
    [
        (1.001, [C, C]),  # ₹272.27 crore still reads ₹272 crore
        (1.009, [C, P]),  # aligned (within 1 %), but not the stated ₹272 crore
        (0.991, [C, P]),
        (1.02, [C, M, S]),  # too far to be the same figure
    ],
)
def test_figure_value_aligns_within_tolerance_and_is_right_as_stated(
    factor: float, expected: list[Category]
) -> None:
    pred = edit(rich_gold(), "figures", 0, value=2_720_000_000 * factor)
    assert categories(score(rich_gold(), pred), "figures") == expected


def test_figure_tolerances_are_configurable() -> None:
    pred = edit(rich_gold(), "figures", 0, value=2_720_000_000 * 1.04)
    aligns = ScoringConfig(figure_rel_tolerance=0.05)
    assert categories(score(rich_gold(), pred, aligns), "figures") == [C, P]
    forgives = ScoringConfig(figure_rel_tolerance=0.05, figure_value_tolerance=0.05)
    assert categories(score(rich_gold(), pred, forgives), "figures") == [C, C]


def test_assignment_is_optimal_not_greedy() -> None:
    # p1 is most like g1, but only p1 can take g2: a greedy matcher would leave g2 and p2 alone.
    gold = record(
        figures=[
            figure(100.0, raw="100", subject="Oppo"),
            figure(101.5, raw="101.5", subject="Vivo"),
        ]
    )
    pred = record(
        figures=[
            figure(100.8, raw="100", subject="Oppo"),
            figure(99.5, raw="99.5", subject="Realme"),
        ]
    )
    result = score(gold, pred)
    assert M not in categories(result, "figures")
    assert {(i.pred_index, i.gold_index) for i in result.items} == {(0, 1), (1, 0)}


def test_ties_go_to_the_pair_that_agrees_on_more_fields() -> None:
    gold = record(
        companies=[company("Xiaomi Corp"), company("Dixon")],
        partnerships=[
            partnership("Xiaomi Corp", "Dixon", status="in_talks"),
            partnership("Xiaomi Corp", "Dixon", status="operational", kind="distribution"),
        ],
    )
    pred = record(
        companies=[company("Xiaomi Corp"), company("Dixon")],
        partnerships=[
            partnership("Xiaomi Corp", "Dixon", status="operational", kind="distribution"),
            partnership("Xiaomi Corp", "Dixon", status="in_talks"),
        ],
    )
    assert categories(score(gold, pred), "partnerships") == [C, C]


def test_quote_text_is_compared_after_normalisation() -> None:
    pred = edit(rich_gold(), "quotes", 0, text="we are growing fast!")
    assert categories(score(rich_gold(), pred), "quotes") == [C]


def test_field_tallies_cover_aligned_pairs_only() -> None:
    pred = drop(edit(rich_gold(), "partnerships", 0, status="agreed"), "partnerships", 2)
    result = score(rich_gold(), pred)
    assert result.fields[("partnerships", "status")] == (2, 1)
    assert result.fields[("partnerships", "brand")] == (2, 2)
