"""Amounts are parsed by the conventions in the annotation guidelines."""

import pytest

from extractor.strategies.sentences.preextract import (
    find_amounts,
    find_quotes,
    metric_for,
    modality_of,
)
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


# ---------------------------------------------------------------------------------------------
# Linear time on hostile input. Each input is sized so that the old quadratic scan took well over
# 10 s on it (2,000 digits took 0.5 s, 4,000 took 2 s); linear code takes milliseconds, and the
# timeout only guards against the quadratic scan coming back.


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "sentence",
    [
        "1" * 30_000,
        "1," * 15_000,
        "more than " + "9" * 30_000,
        "1.1." * 10_000,
        "x,," + "1,," * 10_000,
    ],
    ids=["digits", "digit-commas", "more-than-digits", "dotted", "double-commas"],
)
def test_amounts_are_linear_on_runs_of_digits(sentence: str) -> None:
    assert find_amounts(sentence) == []


@pytest.mark.timeout(10)
def test_an_amount_after_a_long_run_of_digits_is_still_found() -> None:
    sentence = "1" * 30_000 + " and 55% more"
    assert [a.raw for a in find_amounts(sentence)] == ["55%"]


# What the regular-expression scan returned on odd but possible text, recorded before the scan
# was made linear: the scanner must give the same amounts.
EDGE_AMOUNTS = [
    ("1.5.3% rise", [("5.3%", 5.3, FigureUnit.PERCENT, None, 5)]),
    ("a,5 stores", [("5 stores", 5.0, FigureUnit.COUNT, None, 5)]),
    ("rose,5%", [("5%", 5.0, FigureUnit.PERCENT, None, 8)]),
    ("In 2020,50 stores opened", [("2020,50 stores", 202050.0, FigureUnit.COUNT, None, 6)]),
    ("sold 1,000, 3 stores", [("3 stores", 3.0, FigureUnit.COUNT, None, 15)]),
    ("12,34,567 phones", [("12,34,567 phones", 1234567.0, FigureUnit.COUNT, None, 3)]),
    ("$5, and more", [("$5,", 5.0, FigureUnit.CURRENCY, "USD", 3)]),
    ("₹1,00,000 crore", [("₹1,00,000 crore", 1e12, FigureUnit.CURRENCY, "INR", 3)]),
    (
        "more than 1,200 factories",
        [("more than 1,200 factories", 1200.0, FigureUnit.COUNT, None, 3)],
    ),
    ("x,,5 stores", [("5 stores", 5.0, FigureUnit.COUNT, None, 6)]),
    ("1,,5 stores", [("1,,5 stores", 15.0, FigureUnit.COUNT, None, 3)]),
    ("v2.5 phones", [("2.5 phones", 2.5, FigureUnit.COUNT, None, 4)]),
    ("from 2019 to 2024 units", []),
    ("between 10 and 20 per cent", [("20 per cent", 20.0, FigureUnit.PERCENT, None, 18)]),
    ("₹272crore", [("₹272crore", 2.72e9, FigureUnit.CURRENCY, "INR", 3)]),
    ("5.5.5.5-fold", [("5.5-fold", 5.5, FigureUnit.MULTIPLE, None, 7)]),
    (
        "$1.5,000 stores",
        [
            ("$1.5", 1.5, FigureUnit.CURRENCY, "USD", 3),
            ("000 stores", 0.0, FigureUnit.COUNT, None, 8),
        ],
    ),
    (
        "0.5% of 1.2 billion dollars",
        [
            ("0.5%", 0.5, FigureUnit.PERCENT, None, 3),
            ("1.2 billion dollars", 1.2e9, FigureUnit.CURRENCY, "USD", 11),
        ],
    ),
    # A known oddity kept as it was: "rs" ends "hours", and "Rs" is a rupee sign.
    ("for hours 5 times", [("rs 5", 5.0, FigureUnit.CURRENCY, "INR", 10)]),
    (
        "USD5 and US$ 3",
        [
            ("USD5", 5.0, FigureUnit.CURRENCY, "USD", 3),
            ("US$ 3", 3.0, FigureUnit.CURRENCY, "USD", 12),
        ],
    ),
    ("MORE THAN ₹5 CRORE", [("MORE THAN ₹5 CRORE", 5e7, FigureUnit.CURRENCY, "INR", 3)]),
]


@pytest.mark.parametrize(("sentence", "expected"), EDGE_AMOUNTS)
def test_amount_scan_on_odd_text_is_unchanged(
    sentence: str, expected: list[tuple[str, float, FigureUnit, str | None, int]]
) -> None:
    found = find_amounts(sentence, 3)
    assert [(a.raw, a.value, a.unit, a.currency, a.start) for a in found] == expected


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "text",
    ["“" * 100_000, "“a" * 50_000, "“ a b c ” “" + "x " * 50_000, '"' * 100_000, "'a " * 40_000],
    ids=["curly-openings", "curly-words", "closed-then-open", "straight-double", "single"],
)
def test_quotes_are_linear_on_unclosed_quotes(text: str) -> None:
    found = find_quotes(text, 0, len(text))
    assert [q.text for q in found] == (["a b c"] if text.startswith("“ a b c ”") else [])


EDGE_QUOTES = [
    ("“a b c” and “d e f", 0, None, ["a b c"]),
    ("'x y z' it's 'a b c'", 0, None, ["x y z", "a b c"]),
    ('"one two three" “four five six”', 0, None, ["one two three", "four five six"]),
    ("“He said “yes” to it”", 0, None, ["He said “yes"]),
    ("''a b c'", 0, None, ["a b c"]),
    ("'a b c'd e f g' h", 0, None, []),
    ("“”a b c”", 0, None, []),
    ("x“a b c”y", 1, 8, ["a b c"]),
    ("x“a b c”y", 2, 9, []),
    ("s'a b c'", 1, None, []),
    ("'a b c'x", 0, 7, ["a b c"]),
    ("“a b c,” he said", 0, None, ["a b c"]),
]


@pytest.mark.parametrize(("text", "start", "end", "expected"), EDGE_QUOTES)
def test_quote_scan_is_unchanged(
    text: str, start: int, end: int | None, expected: list[str]
) -> None:
    found = find_quotes(text, start, len(text) if end is None else end)
    assert [q.text for q in found] == expected
    assert all(text[q.start : q.end] == q.text for q in found)
