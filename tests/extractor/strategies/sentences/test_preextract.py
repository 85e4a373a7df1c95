"""Amounts are parsed by the conventions in the annotation guidelines."""

import pytest

from extractor.strategies.sentences.preextract import (
    attribution,
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
        ("hit about [US]$60 billion", "about [US]$60 billion", 6e10, FigureUnit.CURRENCY, "USD"),
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


@pytest.mark.parametrize(
    ("sentence", "figures", "equivalents"),
    [
        (
            "exports to surpass 450 billion rupees (US$5.9 billion) this year",
            ["450 billion rupees"],
            [[("US$5.9 billion", 5.9e9, "USD")]],
        ),
        (  # a hedge inside the brackets stays in the equivalent's raw
            "an investment of ₹1,150 crore (about $134 million) over three years",
            ["₹1,150 crore"],  # a duration is no count (see the count tests)
            [[("about $134 million", 1.34e8, "USD")]],
        ),
        (
            "would value it at USD 4.5 billion (₹37,500 crore), people said",
            ["USD 4.5 billion"],
            [[("₹37,500 crore", 3.75e11, "INR")]],
        ),
        (  # "or" instead of brackets, after a compound scale
            "to reach Rs 2.4 lakh crore, or about $28 billion, this year",
            ["Rs 2.4 lakh crore"],
            [[("about $28 billion", 2.8e10, "USD")]],
        ),
        (  # a second conversion belongs to the same figure
            "a Rs 840 crore (about $100 million, or €92 million) plant",
            ["Rs 840 crore"],
            [[("about $100 million", 1e8, "USD"), ("€92 million", 9.2e7, "EUR")]],
        ),
        (  # the same currency in brackets is another fact, not a conversion
            "raised ₹500 crore (₹300 crore last year)",
            ["₹500 crore", "₹300 crore"],
            [[], []],
        ),
        (  # alternatives joined by "or" in one currency are two figures
            "a plant worth $40 million or $60 million",
            ["$40 million", "$60 million"],
            [[], []],
        ),
        (  # a percentage is never a conversion
            "revenue of ₹800 crore (18% more than last year)",
            ["₹800 crore", "18%"],
            [[], []],
        ),
        (  # words between the amounts: another figure
            "₹800 crore in FY24 and $94 million in FY25",
            ["₹800 crore", "$94 million"],
            [[], []],
        ),
    ],
)
def test_a_stated_conversion_is_an_equivalent_of_the_amount_before_it(
    sentence: str, figures: list[str], equivalents: list[list[tuple[str, float, str]]]
) -> None:
    found = find_amounts(sentence, 7)
    assert [a.raw for a in found] == figures
    assert [[(e.raw, e.value, e.currency) for e in a.equivalents] for a in found] == equivalents
    for amount in found:
        for e in amount.equivalents:
            assert sentence[e.start - 7 : e.end - 7] == e.raw


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("exports of Rs 1.08 lakh crore", 1.08e12),
        ("a Rs 5 thousand crore plan", 5e10),
        ("worth 2 lakh crore rupees", 2e12),
        ("₹59,350 crore", 5.935e11),
    ],
)
def test_compound_indian_scales_multiply(sentence: str, value: float) -> None:
    assert find_amounts(sentence)[0].value == pytest.approx(value)


def test_offsets_are_document_offsets() -> None:
    amount = find_amounts("rose 55%", offset=100)[0]
    assert (amount.start, amount.end) == (105, 108)


def test_years_are_not_counts() -> None:
    assert find_amounts("In 2014 things changed.") == []


@pytest.mark.parametrize(
    ("sentence", "values"),
    [
        ("shipments drop by more than 20% last year", [-20]),
        ("OnePlus shipments in India fell about 12% in 2024", [-12]),
        ("Dixon's shares ended 0.9% lower at ₹14,920 on Tuesday", [-0.9, 14920]),
        ("The maker cut prices by 10% this month", [-10]),
        # the drop is another clause's: a rise stays a rise
        (
            "Shares of Dixon closed 2.8% higher on the NSE, while the benchmark Nifty ended lower",
            [2.8],
        ),
        # a stake, a share or a level is never signed, even in a sentence about a drop
        ("The founders cut their stake to 40% last year", [40]),
        ("The promoters' shareholding fell to 40% after the issue", [40]),
        ("Its market share fell from 12% to 9% in the June quarter", [12, 9]),
        ("Oppo's share of the market dropped to 9%", [9]),
    ],
)
def test_only_a_change_downwards_is_negative(sentence: str, values: list[float]) -> None:
    assert [a.value for a in find_amounts(sentence, 4)] == values


@pytest.mark.parametrize(
    ("sentence", "metrics"),
    [
        # a part of a whole is `other`
        ("Oppo had a 12% share of India's smartphone shipments", ["other"]),
        ("Vivo was the largest brand, with a share of about 20 per cent", ["other"]),
        ("the BBK group's brands accounted for nearly 40% of the market", ["other"]),
        ("The US was the largest destination, taking 44% of the total", ["other"]),
        ("Feature phones made up less than 2% of the value in April-September", ["other"]),
        ("We want more than 90% of what we sell here to be made here", ["other"]),
        # the ends of a movement are levels
        ("If we want value addition to go from 18% to 35%, we need them", ["other", "other"]),
        # changes stay changes, also of a share price or of shares
        ("Shares of Dixon rose 1.6% to ₹16,890 on the BSE", ["growth_rate", "other"]),
        ("Dixon's share price rose 2% on Monday", ["growth_rate"]),
        ("Display modules cost close to 15% more this year", ["growth_rate"]),
        ("exports grew up to 20% in the quarter", ["growth_rate"]),
        ("revenue rose 20% from a year earlier", ["growth_rate"]),
        # a stake stays a stake
        ("Dixon will own 60% of the venture", ["stake"]),
    ],
)
def test_shares_of_a_whole_and_levels_are_other(sentence: str, metrics: list[str]) -> None:
    found = find_amounts(sentence, 5)
    assert [metric_for(a, sentence, found, 5).value for a in found] == metrics


@pytest.mark.parametrize(
    ("sentence", "metrics"),
    [
        # what a buyer takes, hedged or not, is a stake of the firm on sale
        (
            "Nilgiri Electronics, which is expected to take about 10 per cent, the people said",
            ["stake"],
        ),
        ("the fund will take 15% and the founders keep the rest", ["stake"]),
        # a sale named by its size
        ("Executives said a 40 per cent sale would go further than any before", ["stake"]),
        # "take" with a whole of its own is a share of that whole
        ("The US took 44% of the total by value", ["other"]),
    ],
)
def test_what_is_taken_or_sold_is_a_stake(sentence: str, metrics: list[str]) -> None:
    found = find_amounts(sentence, 5)
    assert [metric_for(a, sentence, found, 5).value for a in found] == metrics


def test_metric_and_modality_cues() -> None:
    amount = find_amounts("earned foreign exchange of ₹272 crore")[0]
    assert (
        metric_for(amount, "earned foreign exchange of ₹272 crore") is FigureMetric.EXPORT_EARNINGS
    )
    assert modality_of("Exports are expected to surpass") is Modality.EXPECTED
    assert modality_of("A couple of hundred factories") is Modality.HEDGED


@pytest.mark.parametrize(
    ("sentence", "metrics"),
    [
        ("Dixon will hold a 51 per cent stake in the venture", ["stake"]),
        ("Hisense Group will acquire a 26% stake in Epack Prime", ["stake"]),
        ("Oppo is in talks to sell a stake of up to 20%", ["stake"]),
        ("the venture in which the Indian company holds 51%", ["stake"]),
        ("Dixon will own 60% of the venture", ["stake"]),
        ("the parent would retain the remaining 60 per cent", ["stake"]),
        ("the promoters' shareholding is now 45%", ["stake"]),
        # what is bought or sold is a share of the firm
        ("while Oppo India is in talks to sell up to 20%", ["stake"]),
        ("the fund bought another 5% last week", ["stake"]),
        ("the firm sells 30% more phones than last year", ["growth_rate"]),
        # the rest of a stake, with or without a cue of its own
        ("Dixon will own 60% of the venture and HKC the remaining 40%", ["stake", "stake"]),
        ("A will hold a 55 per cent stake in the venture and B 45%", ["stake", "stake"]),
        # a cue beside another number belongs to that number
        ("Dixon, which holds 51% of the JV, saw revenue rise 20%", ["stake", "growth_rate"]),
        ("sales rose 20% and the remaining 30% came from exports", ["growth_rate"] * 2),
        # "wholly owned" describes a firm, not the number near it
        ("Padget, a wholly owned subsidiary of Dixon, grew revenue 40%", ["growth_rate"]),
        ("is now expanding its capacity by 50%", ["capacity_change"]),
        # a stake's price is money, not a stake
        ("Oppo plans to sell a stake for $2.5 billion", ["other"]),
    ],
)
def test_stakes_are_their_own_metric(sentence: str, metrics: list[str]) -> None:
    found = find_amounts(sentence, 5)
    assert [metric_for(a, sentence, found, 5).value for a in found] == metrics


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
    # Changed on purpose since: a range is one figure at its lower bound (see the range tests).
    (
        "between 10 and 20 per cent",
        [("between 10 and 20 per cent", 10.0, FigureUnit.PERCENT, None, 3)],
    ),
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


@pytest.mark.parametrize("mark", ["“", '"'])
def test_a_quotation_over_several_paragraphs_is_one_quote_per_paragraph(mark: str) -> None:
    """Each paragraph opens with a quote mark and only the last closes: every paragraph is a
    quote, and each after the first carries on the one before it."""
    close = "”" if mark == "“" else '"'
    text = (
        f"She said:\n{mark}Our plant will double its output over the next two years.\n\n"
        f"{mark}Exports will follow once the second line is running.\n"
        f"{mark}We will hire locally,{close} she added.\n"
        f"Later, {mark}a plain quote here{close} ends the story."
    )
    found = [(q.text, q.continued) for q in find_quotes(text, 0, len(text))]
    assert found == [
        ("Our plant will double its output over the next two years.", False),
        ("Exports will follow once the second line is running.", True),
        ("We will hire locally", True),
        ("a plain quote here", False),
    ]


def test_an_unclosed_quote_before_a_plain_paragraph_is_read_as_before() -> None:
    text = "He said “we will double output\nnext year” at the launch.\nRevenue rose."
    assert [(q.text, q.continued) for q in find_quotes(text, 0, len(text))] == [
        ("we will double output\nnext year", False)
    ]


# ---------------------------------------------------------------------------------------------
# Ranges (figures2). Guidelines: a range is one figure, `value` the lower bound, `raw` the whole
# range as written.


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("the JV could add ₹18,000-20,000 crore to revenue", [("₹18,000-20,000 crore", 1.8e11)]),
        ("a Rs 100-150 crore plant", [("Rs 100-150 crore", 1e9)]),
        ("$2-3 billion in orders", [("$2-3 billion", 2e9)]),
        ("a minority stake of 10-20% will not", [("10-20%", 10)]),
        ("a cost disadvantage of 6–8 per cent", [("6–8 per cent", 6)]),
        ("tariffs could rise 10%-12% this year", [("10%-12%", 10)]),
        ("between 10 and 20 per cent of the firm", [("between 10 and 20 per cent", 10)]),
        ("between 10% and 20% of the firm", [("between 10% and 20%", 10)]),
        ("between ₹100 crore and ₹150 crore", [("between ₹100 crore and ₹150 crore", 1e9)]),
        ("between ₹100 and ₹150 crore", [("between ₹100 and ₹150 crore", 1e9)]),
        ("incentives of 4 to 6 per cent on sales", [("4 to 6 per cent", 4)]),
        # not ranges: a movement's two ends, a year before "to", a dash that runs downwards
        ("to go from 18% to 35%", [("18%", 18), ("35%", 35)]),
        ("revenue rose 5% to 20% of sales", [("5%", 5), ("20%", 20)]),
        ("grew in 2019 to 20%", [("20%", 20)]),
        ("the 2024-10% rule", [("10%", 10)]),
        ("a Rs 100-crore plant", [("Rs 100-crore", 1e9)]),
    ],
)
def test_a_range_is_one_figure_at_its_lower_bound(
    sentence: str, expected: list[tuple[str, float]]
) -> None:
    found = find_amounts(sentence, 3)
    assert [(a.raw, a.value) for a in found] == expected
    assert all(sentence[a.start - 3 : a.end - 3] == a.raw for a in found)


# ---------------------------------------------------------------------------------------------
# Counts (figures2). Guidelines: a count counts things ("18,000 stores", "five … providers");
# durations, ranks and ordinals are no figures.


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # things counted
        ("Two other Chinese brands are in early talks", [("Two", 2)]),
        ("Oppo is one of five contract manufacturing service providers", [("five", 5)]),
        ("Three of China's largest smartphone brands", [("Three", 3)]),
        ("at its two Noida units since 2021", [("two", 2)]),
        ("It currently has 18,000 stores in the country", [("18,000 stores", 18000)]),
        # a bound stays in raw; a range of counts is one figure at its lower end
        ("Approvals for at least two other proposals", [("at least two", 2)]),
        ("you will see three or four such deals by next year", [("three or four", 3)]),
        # durations are time, not things
        ("The partners plan to invest ₹2,400 crore over five years", [("₹2,400 crore", 2.4e10)]),
        ("in the first three months", []),
        ("expect to receive it within four to six months", []),
        ("a listing in three to four years", []),
        ("which until two years ago made phones", []),
        ("a lock-in of 5 years", []),
        ("three quarters of the market", []),
        # a reference back or a rank counts nothing new
        ("the two companies said on Tuesday", []),
        ("The nine projects together involve", []),
        ("once among the top five phone brands in India", []),
        ("India is among our three most important markets", []),
    ],
)
def test_a_count_counts_things(sentence: str, expected: list[tuple[str, float]]) -> None:
    found = find_amounts(sentence, 3)
    assert [(a.raw, a.value) for a in found] == expected
    assert all(sentence[a.start - 3 : a.end - 3] == a.raw for a in found)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a level in units: scaled, described by up to three words, a hedge kept in raw
        (
            "an annual capacity of about 20 million units a year",
            [("about 20 million units", 2e7)],
        ),
        (
            "30 million smartphone display modules and 5 million television modules",
            [("30 million smartphone display modules", 3e7), ("5 million television modules", 5e6)],
        ),
        ("1.5 million room air-conditioners", [("1.5 million room air-conditioners", 1.5e6)]),
        ("making about 1.2 lakh units a month", [("about 1.2 lakh units", 1.2e5)]),
        ("By June, we should be at three lakh units", [("three lakh units", 3e5)]),
        (
            "its first batch of about 40,000 India-made phones",
            [("about 40,000 India-made phones", 4e4)],
        ),
        ("expected to produce about 6,800 direct jobs", [("about 6,800 direct jobs", 6800)]),
        # a function word ends the number's phrase; a year, a name's number are no counts
        ("exported 5 million in the first years", []),
        ("Press Note 3 of 2020, which requires approval", []),
        ("2020 investment proposals from China", []),
        ("as soon as COVID-19 travel restrictions ease", []),
    ],
)
def test_a_level_in_units_is_a_count(sentence: str, expected: list[tuple[str, float]]) -> None:
    found = find_amounts(sentence, 3)
    assert [(a.raw, a.value) for a in found] == expected
    assert all(sentence[a.start - 3 : a.end - 3] == a.raw for a in found)
    assert all(a.unit is FigureUnit.COUNT for a in found)


# ---------------------------------------------------------------------------------------------
# Money metrics (figures2). A sum takes the metric of the noun nearest it in its own clause;
# guidelines: profits, losses, valuations, grants and payouts, scheme outlays are `other`.


@pytest.mark.parametrize(
    ("sentence", "metrics"),
    [
        (
            "It reported revenue of ₹32,415 crore and a net profit of ₹1,380 crore for FY24",
            ["revenue", "other"],
        ),
        ("a deal that would value the firm's Indian unit at USD 4.5 billion", ["other"]),
        ("the scheme, launched in 2020 with an outlay of Rs 40,951 crore", ["other"]),
        ("MeitY has released incentives of Rs 5,940 crore for 2024-25", ["other"]),
        ("the government's ₹22,919-crore Electronics Component Manufacturing Scheme", ["other"]),
        ("the JV could add ₹18,000-20,000 crore to Dixon's annual revenue by FY27", ["revenue"]),
        # another clause's capacity does not make an investment a capacity change
        (
            "The partners plan to invest ₹2,400 crore in a facility with an annual capacity of "
            "30 million modules",
            ["investment", "count"],
        ),
        # what applications are worth is the investment they propose
        ("MeitY received 70 applications worth about ₹59,350 crore", ["count", "investment"]),
        (
            "The projects involve an investment of ₹6,180 crore and are expected to produce "
            "components worth ₹41,700 crore",
            ["investment", "production_value"],
        ),
        # no noun in the clause: the sentence's cue, as before
        ("Exports, officials said, reached ₹1,900 crore", ["export_value"]),
    ],
)
def test_a_sum_takes_the_noun_of_its_own_clause(sentence: str, metrics: list[str]) -> None:
    found = find_amounts(sentence, 5)
    assert [metric_for(a, sentence, found, 5).value for a in found] == metrics


@pytest.mark.parametrize(
    ("sentence", "raw"),
    [
        ("Exports were about Rs 600 crore.", "about Rs 600 crore"),
        ("It holds a share of nearly 40%.", "nearly 40%"),
        ("It is in talks to sell up to 20% of the unit.", "up to 20%"),
        ("Less than 2% of sales came from there.", "Less than 2%"),
        ("It could be scaled up to 60 million units.", "60 million units"),  # a verb's particle
        ("Revenue rose to Rs 600 crore.", "Rs 600 crore"),
    ],
)
def test_the_qualifier_before_an_amount_stays_in_raw(sentence: str, raw: str) -> None:
    assert [a.raw for a in find_amounts(sentence)] == [raw]


@pytest.mark.parametrize(
    ("text", "who"),
    [
        (
            '"It works well," said Mira Talwen, chief executive of Kestrin. More text.',
            "Mira Talwen, chief executive of Kestrin",
        ),
        ('"It works well," Talwen said. More text.', "Talwen"),
        (
            '"It works well," an industry executive said, requesting anonymity.',
            "an industry executive",
        ),
        (
            '"It works well," said a senior executive at a Noida-based firm. More.',
            "a senior executive at a Noida-based firm",
        ),
        (
            '"It works well," said, Arun B. Dev, Vice Chairman & MD, Kestrin (India).',
            "Arun B. Dev, Vice Chairman & MD, Kestrin (India)",
        ),
        (
            'In a statement, Mira Talwen, director at Kestrin, said:\n\n"It works well for us."',
            "In a statement, Mira Talwen, director at Kestrin",
        ),
        ('Kestrin grew. "It works well for us." Shares rose.', None),  # no attribution beside it
    ],
)
def test_attribution(text: str, who: str | None) -> None:
    (quote,) = find_quotes(text, 0, len(text))
    assert attribution(text, quote) == who
