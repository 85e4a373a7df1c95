"""Amounts are parsed by the conventions in the annotation guidelines."""

import pytest

from extractor.preextract import find_amounts, find_quotes, metric_for, modality_of
from extractor_schemas import FigureMetric, FigureUnit, Modality


@pytest.mark.parametrize(
    ("sentence", "raw", "value", "unit", "currency"),
    [
        ("Oppo earned ₹272 crore in FY24.", "₹272 crore", 2.72e9, FigureUnit.CURRENCY, "INR"),
        ("a Rs 100-crore plant", "Rs 100-crore", 1e9, FigureUnit.CURRENCY, "INR"),
        ("rising 55% to $24.14 billion", "55%", 55, FigureUnit.PERCENT, None),
        (
            "worth more than $17.4 billion",
            "more than $17.4 billion",
            1.74e10,
            FigureUnit.CURRENCY,
            "USD",
        ),
        ("hit about [US]$60 billion", "[US]$60 billion", 6e10, FigureUnit.CURRENCY, "USD"),
        ("a 30-fold jump", "30-fold", 30, FigureUnit.MULTIPLE, None),
        ("It has 18,000 stores.", "18,000 stores", 18000, FigureUnit.COUNT, None),
    ],
)
def test_amounts(
    sentence: str, raw: str, value: float, unit: FigureUnit, currency: str | None
) -> None:
    amount = find_amounts(sentence)[0]
    assert (amount.raw, amount.value, amount.unit, amount.currency) == (raw, value, unit, currency)
    assert sentence[amount.start : amount.end] == raw


def test_bracketed_conversion_is_not_a_second_figure() -> None:
    amounts = find_amounts("exports to surpass 450 billion rupees (US$5.9 billion) this year")
    assert [a.raw for a in amounts] == ["450 billion rupees"]
    assert amounts[0].value == 4.5e11 and amounts[0].currency == "INR"


def test_offsets_are_document_offsets() -> None:
    amount = find_amounts("rose 55%", offset=100)[0]
    assert (amount.start, amount.end) == (105, 108)


def test_years_are_not_counts_and_declines_are_negative() -> None:
    assert find_amounts("In 2014 things changed.") == []
    assert find_amounts("shipments drop by more than 20% last year")[0].value == -20


def test_metric_and_modality_cues() -> None:
    amount = find_amounts("earned foreign exchange of ₹272 crore")[0]
    assert (
        metric_for(amount, "earned foreign exchange of ₹272 crore") is FigureMetric.EXPORT_EARNINGS
    )
    assert modality_of("Exports are expected to surpass") is Modality.EXPECTED
    assert modality_of("A couple of hundred factories") is Modality.HEDGED


def test_quotes_curly_and_straight_but_not_apostrophes() -> None:
    text = (
        "Hisense's plant will copy the 'designs and everything done' there. "
        "“We foresee growth,” he said."
    )
    assert [q.text for q in find_quotes(text, 0, len(text))] == [
        "designs and everything done",
        "We foresee growth",
    ]
