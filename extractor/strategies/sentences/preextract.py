"""Deterministic pre-extraction of amounts and quotations: rules beat a 270M model at these.

An amount's value, currency and scale follow fixed conventions (crore = 10^7, "$" is USD), so
parsing them is exact and cheap; the model is kept for what needs reading. Every item found here
is a verbatim span of the document, so it grounds exactly.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from extractor.strategies.sentences.cues import CueTable
from extractor_schemas import FigureMetric, FigureUnit, Modality

_SCALE = {
    "thousand": 1e3,  # only in "thousand crore" (see _SCALE_WORDS)
    "crore": 1e7,
    "lakh": 1e5,
    "billion": 1e9,
    "bn": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "trillion": 1e12,
}
_CURRENCY_SIGNS = {
    "₹": "INR",
    "rs": "INR",
    "inr": "INR",
    "rupees": "INR",
    "us$": "USD",
    "[us]$": "USD",
    "$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "€": "EUR",
    "yuan": "CNY",
    "rmb": "CNY",
}
_NUM = r"(?P<num{}>\d[\d,]*(?:\.\d+)?)"
# "lakh crore" and "thousand crore" are one scale (10^12, 10^10): the words multiply.
_SCALE_WORDS = r"(?:lakh|thousand)\s+crore|crore|lakh|billion|bn|million|mn|trillion"
_SCALE_RE = rf"(?:[\s-]?(?P<scale>{_SCALE_WORDS})\b)?"
_WORD_SCALES = r"(?:lakh|thousand)\s+crore|crore|lakh|billion|million|trillion"  # "… rupees"
# Up to three words may describe the things a number counts ("30 million smartphone display
# modules", "about 40,000 India-made phones"); a function word ends the phrase of the number.
_FUNCTION_WORDS = (
    r"the|a|an|of|in|on|at|to|for|and|or|but|by|with|from|as|than|is|was|are|were|be|been|"
    r"this|that|these|those|its|their|his|her|our|it|they|we|per|each|every"
)
# A count's number ends in a digit ("2020, which requires" is no count), and a number joined to a
# word before it by a dash is part of a name ("COVID-19 travel restrictions").
_COUNT_NUM = r"(?P<num5>\d(?:[\d,]*\d)?(?:\.\d+)?)"
_BESIDE = rf"(?:\s+(?!(?:{_FUNCTION_WORDS})\b)[a-z][\w-]*){{0,3}}?"
# The lower end of a range written with a dash ("₹18,000-20,000 crore", "10-20%", "10%-20%"): the
# upper end carries the scale or the per cent both ends share.
_LOW = r"(?:(?P<low{}>\d[\d,]*(?:\.\d+)?){}\s?[-–]\s?)?"
_LOW_MONEY, _LOW_PCT = _LOW.format(1, ""), _LOW.format(3, r"(?:\s?%|\s?per ?cent)?")
_AMOUNT = re.compile(
    r"(?P<more>more than )?(?:"
    rf"(?P<sign>₹|Rs\.?|INR|US\$|\[US\]\$|\$|USD|€)\s?{_LOW_MONEY}{_NUM.format(1)}"
    rf"{_SCALE_RE}"
    rf"|{_NUM.format(2)}[\s-]?(?P<scale2>{_WORD_SCALES})\s"
    r"(?P<word>rupees|dollars|yuan)"
    rf"|{_LOW_PCT}{_NUM.format(3)}\s?(?P<pct>%|per ?cent\b)"
    rf"|{_NUM.format(4)}-fold"
    rf"|(?<![-–]){_COUNT_NUM}(?:[\s-]?(?P<scale5>{_SCALE_WORDS})\b)?{_BESIDE}\s(?P<things>[a-z][a-z-]*s)\b)",
    re.IGNORECASE,
)
# Where an amount may start: a sign or "more than" (looked at, not consumed), or a whole run of
# digits and commas. A match can never start inside such a run unless one starting at the run's
# first digit would have matched too, so trying each run once finds what a scan of every position
# finds, in linear time; `_AMOUNT.finditer` retried every digit of a run, each time to its end.
_AMOUNT_START = re.compile(
    r"(?=more than |₹|Rs|INR|US\$|\[US\]\$|\$|USD|€)|\d[\d,]*", re.IGNORECASE
)
_YEAR = re.compile(r"^(19|20)\d\d$")
_PERIOD = re.compile(r"\b(FY ?\d{2,4}|by 20\d\d|in 20\d\d|Q[1-4] 20\d\d)\b")
_EXPECTED = re.compile(
    r"\b(expected|will|foresee|forecast|plans?|target|envision\w*|aims?)\b", re.IGNORECASE
)
_HEDGED = re.compile(r"\b(about|around|approximately|roughly|nearly|couple of)\b", re.IGNORECASE)
METRICS = CueTable[FigureMetric](
    (
        (r"foreign exchange|earn", FigureMetric.EXPORT_EARNINGS),
        (r"capacity", FigureMetric.CAPACITY_CHANGE),
        (r"plant|invest|setting up", FigureMetric.INVESTMENT),
        (r"production", FigureMetric.PRODUCTION_VALUE),
        (r"export|shipment", FigureMetric.EXPORT_VALUE),
        (r"revenue|sales|turnover", FigureMetric.REVENUE),
    )
)


@dataclass(frozen=True)
class Amount:
    start: int
    end: int
    raw: str
    value: float
    unit: FigureUnit
    currency: str | None
    # The article's own conversion of this amount into other currencies ("(US$5.9 billion)").
    equivalents: tuple[Amount, ...] = ()


def _scale(words: str) -> float:
    """The multiplier of a scale ("crore" 10^7, "lakh crore" 10^12); 1 with no scale word."""
    scale = 1.0
    for word in words.lower().split():
        scale *= _SCALE[word]
    return scale


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _amount(match: re.Match[str], offset: int) -> Amount | None:
    g = match.groupdict()
    g["num"] = next(g[f"num{i}"] for i in range(1, 6) if g[f"num{i}"] is not None)
    # Guidelines: a range is one figure whose value is its lower bound.
    g["num"] = g["low1"] or g["low3"] or g["num"]
    g["scale"] = g["scale"] or g["scale2"] or g["scale5"]
    raw = match.group(0)
    if g["sign"] or g["word"]:
        scale = _scale(g["scale"] or "")
        sign = (g["sign"] or g["word"] or "").lower().rstrip(".")
        currency = _CURRENCY_SIGNS.get(sign, "USD")
        return Amount(
            offset + match.start(),
            offset + match.end(),
            raw,
            _number(g["num"]) * scale,
            FigureUnit.CURRENCY,
            currency,
        )
    if g["pct"]:
        return Amount(
            offset + match.start(),
            offset + match.end(),
            raw,
            _number(g["num"]),
            FigureUnit.PERCENT,
            None,
        )
    if raw.endswith("-fold"):
        return Amount(
            offset + match.start(),
            offset + match.end(),
            raw,
            _number(g["num"]),
            FigureUnit.MULTIPLE,
            None,
        )
    if g["things"] and not _YEAR.match(g["num"]) and not _NOT_THINGS.fullmatch(g["things"]):
        return Amount(
            offset + match.start(),
            offset + match.end(),
            raw,
            _number(g["num"]) * _scale(g["scale"] or ""),
            FigureUnit.COUNT,
            None,
        )
    return None


_WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a dozen": 12,
    "a couple of hundred": 200,
}
_WORDS = r"two|three|four|five|six|seven|eight|nine|ten|a dozen|a couple of hundred"
# A number word counts things when "of" or a plural noun follows ("five … providers", "three or
# four such deals": a range, one figure at its lower end); "at least" bounds it and stays in raw.
# "one" is left out: "one of the largest" is idiom, not a count.
_WORD_COUNT = re.compile(
    rf"(?:\bat least\s+)?\b(?P<w>{_WORDS})"
    rf"(?:\s+(?P<scale>{_SCALE_WORDS})|\s+(?:or|to)\s+(?:{_WORDS}))?\b"
    r"(?= of\b|(?:\s+[a-z-]+){0,3}?\s+(?P<noun>[a-z]+s)\b)",
    re.IGNORECASE,
)
# What a number word before them measures is time or a fraction, not things: "over three years",
# "within four to six months", "three quarters of".
_NOT_THINGS = re.compile(
    r"(?:second|minute|hour|day|week|month|quarter|year|decade|centur(?:y|ie)|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|halve)s",
    re.IGNORECASE,
)
# A number word that points back or ranks: "the two companies said" (things already counted),
# "among the top five brands", "our three most important markets".
_POINTS_BACK = re.compile(r"\b(?:the|these|those|top)\s+$", re.IGNORECASE)
_BACK_REACH = 12
_RANKS = re.compile(r"\s+(?:most|least|[a-z]{2,}est)\b", re.IGNORECASE)


# A movement downwards near a change makes it negative ("fell 12%", "ended 0.9% lower").
_DECLINE = re.compile(
    r"\b(drop|fall|fell|decline|decreas|down|shrink|slump|slid|slip|lower|cut)\w*\b", re.IGNORECASE
)


# What may stand between an amount and the article's own conversion of it: an opening bracket or
# "or", then at most a hedge ("(about $134 million)", ", or about $1.6 billion").
_CONVERSION_GAP = re.compile(
    r"\s*(?:[(\[]|,?\s*or)\s*(?P<hedge>(?:about|around|roughly|nearly|approximately|almost|"
    r"some|over|close to|an estimated)\s+)?",
    re.IGNORECASE,
)


def _conversion_of(
    sentence: str, offset: int, previous: Amount | None, amount: Amount
) -> Amount | None:
    """The equivalent `amount` is of `previous`, or None when it is a fact of its own.

    `450 billion rupees (US$5.9 billion)`: an amount in another currency right after a currency
    amount, behind a bracket or "or", restates it. Its raw keeps a hedge before the number.
    """
    if previous is None or previous.unit is not FigureUnit.CURRENCY:
        return None
    if amount.unit is not FigureUnit.CURRENCY or amount.currency == previous.currency:
        return None
    gap = _CONVERSION_GAP.fullmatch(sentence, previous.end - offset, amount.start - offset)
    if gap is None:
        return None
    start = offset + (gap.start("hedge") if gap.group("hedge") else gap.end())
    raw = sentence[start - offset : amount.end - offset]
    return Amount(start, amount.end, raw, amount.value, amount.unit, amount.currency)


def _amount_matches(sentence: str) -> Iterator[re.Match[str]]:
    """The matches `_AMOUNT.finditer(sentence)` gives, left to right, without overlaps.

    Only the positions `_AMOUNT_START` finds are tried; after a match the search for starts
    resumes at its end, as finditer's does.
    """
    pos = 0
    while True:
        match = None
        for start in _AMOUNT_START.finditer(sentence, pos):
            match = _AMOUNT.match(sentence, start.start())
            if match is not None:
                break
        if match is None:
            return
        if not _is_range(match):
            # "2024-10%" is no range: the number after the dash is the amount.
            match = _AMOUNT.match(sentence, _upper_start(match)) or match
        yield match
        pos = match.end()


def _is_range(match: re.Match[str]) -> bool:
    """Whether a dash between two numbers joins a range, which runs upwards ("10-20%")."""
    for i in (1, 3):
        if match.group(f"low{i}") is not None:
            return _number(match.group(f"low{i}")) < _number(match.group(f"num{i}"))
    return True


def _upper_start(match: re.Match[str]) -> int:
    return next(match.start(f"num{i}") for i in (1, 3) if match.group(f"low{i}") is not None)


def find_amounts(sentence: str, offset: int = 0) -> list[Amount]:
    """Amounts in a sentence, with offsets into the document (sentence starts at `offset`).

    A change whose clause speaks of a drop is negative, so a decline never reads as growth.
    A stated conversion right after an amount is not a figure of its own: it becomes one of that
    amount's `equivalents`.
    """
    amounts: list[Amount] = []
    previous: Amount | None = None  # the last amount read, a figure or a conversion
    for match in _amount_matches(sentence):
        amount = _amount(match, offset)
        if amount is None:
            continue
        conversion = _conversion_of(sentence, offset, previous, amount)
        if conversion is not None and conversion.currency != amounts[-1].currency:
            # A conversion follows a figure or that figure's conversion: it is the figure's.
            owner = amounts[-1]
            amounts[-1] = replace(owner, equivalents=(*owner.equivalents, conversion))
        else:
            amounts.append(amount)
        previous = amount
    amounts = _with_worded_ranges(sentence, offset, amounts)
    found = sorted(amounts + _word_counts(sentence, offset, amounts), key=lambda a: a.start)
    found = [_with_hedge(a, sentence, offset) for a in found]
    return [_signed(a, sentence, found, offset) for a in found]


_SIGN = r"₹|Rs\.?|INR|US\$|\[US\]\$|\$|USD|€"
# The lower end of a range in words, right before its upper end: "between 10 and 20 per cent",
# "between ₹100 crore and ₹150 crore", "4 to 6 per cent". With "to" the lower end is a bare
# number, not a year, and no "from" comes before it: "from 18% to 35%" is a movement, two levels.
_WORDED_LOW = re.compile(
    rf"(?:\bbetween\s+(?P<sign>{_SIGN})?\s?(?P<low>\d[\d,]*(?:\.\d+)?)"
    rf"(?:\s?%|\s?per ?cent|[\s-]?(?P<scale>{_SCALE_WORDS})\b)?\s+and"
    r"|(?<!\bfrom\s)(?<![\d,.])\b(?P<bare>\d[\d,]*(?:\.\d+)?)\s+to)\s+$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_WORDED_REACH = 60  # how far before its upper end a worded range may start


def _with_worded_ranges(sentence: str, offset: int, amounts: list[Amount]) -> list[Amount]:
    """The amounts, each range in words made one figure from its lower end (value) to its upper.

    Guidelines: a range is one figure, `value` the lower bound, `raw` the whole range. A lower
    end the scan read as an amount of its own ("between 10% and 20%") is part of the range.
    """
    ranged: list[Amount] = []
    for amount in amounts:
        widened = _worded_range(sentence, offset, amount)
        if widened is not None:
            while ranged and ranged[-1].start >= widened.start:
                ranged.pop()
            amount = widened
        ranged.append(amount)
    return ranged


def _worded_range(sentence: str, offset: int, amount: Amount) -> Amount | None:
    if amount.unit not in (FigureUnit.PERCENT, FigureUnit.CURRENCY):
        return None
    end = amount.start - offset
    low = _WORDED_LOW.search(sentence, max(0, end - _WORDED_REACH), end)
    if low is None:
        return None
    if low.group("bare") is not None:
        if amount.unit is not FigureUnit.PERCENT or _YEAR.match(low.group("bare")):
            return None
        value = _number(low.group("bare"))
    elif (low.group("sign") is not None) != (amount.unit is FigureUnit.CURRENCY):
        return None
    else:
        upper = _NUMBER.search(amount.raw)
        if upper is None:
            return None
        shared = amount.value / _number(upper.group())  # the upper end's scale, if only it has one
        scale = _scale(low.group("scale")) if low.group("scale") else shared
        value = _number(low.group("low")) * scale
    if value >= amount.value:
        return None
    raw = sentence[low.start() : amount.end - offset]
    return replace(amount, start=offset + low.start(), raw=raw, value=value)


# A word that qualifies the amount right before it: the guidelines keep it in raw ("about 20
# million units", "about Rs 600 crore", "nearly 40%", "up to 20%", "less than 2%"). "up to"
# after an inflected verb is the verb's particle ("scaled up to 60 million units"), no bound.
_QUALIFIER = re.compile(
    r"(?<![\w-])(?:about|around|nearly|roughly|approximately|almost|some|close to|an estimated|"
    r"less than|(?<!\w(?:ed|ng|es) )(?<!\ws )up to)\s+$",
    re.IGNORECASE,
)
_HEDGE_REACH = 20


def _with_hedge(amount: Amount, sentence: str, offset: int) -> Amount:
    """The amount with the qualifier written before it, if any, in its raw and span."""
    end = amount.start - offset
    hedge = _QUALIFIER.search(sentence, max(0, end - _HEDGE_REACH), end)
    if hedge is None:
        return amount
    raw = sentence[hedge.start() : amount.end - offset]
    return replace(amount, start=offset + hedge.start(), raw=raw)


def _signed(amount: Amount, sentence: str, others: Sequence[Amount], offset: int) -> Amount:
    """The amount, negative when it is a change downwards.

    Only a change has a sign: a stake cut to 40%, a market share that fell, or the level a
    thing fell to is still a positive level. The drop must be said in the amount's own clause,
    so "closed 2.8% higher …, while the index ended lower" stays a rise.
    """
    if amount.unit is not FigureUnit.PERCENT:
        return amount
    if metric_for(amount, sentence, others, offset) not in _CHANGES:
        return amount
    if not _DECLINE.search(_clause_around(amount, sentence, offset, others)):
        return amount
    return replace(amount, value=-amount.value)


def _word_counts(sentence: str, offset: int, found: list[Amount]) -> list[Amount]:
    # `found` is in order and without overlaps, so one bisection tells whether a start is taken.
    starts = [a.start - offset for a in found]
    ends = [a.end - offset for a in found]
    counts = []
    for match in _WORD_COUNT.finditer(sentence):
        at = bisect.bisect_right(starts, match.start()) - 1
        if at >= 0 and match.start() < ends[at]:
            continue
        if not _counts_things(match, sentence):
            continue
        value = _WORD_NUMBERS[match.group("w").casefold()] * _scale(match.group("scale") or "")
        # A scaled count ("three lakh units") is a level in units: its raw runs to the noun.
        end = match.end("noun") if match.group("scale") and match.group("noun") else match.end()
        counts.append(
            Amount(
                offset + match.start(),
                offset + end,
                sentence[match.start() : end],
                float(value),
                FigureUnit.COUNT,
                None,
            )
        )
    return counts


def _counts_things(match: re.Match[str], sentence: str) -> bool:
    """Whether a number word counts things, as guidelines want of a count ("five … providers"):
    a duration, a fraction, a reference back or a rank is no count of its own."""
    noun = match.group("noun")
    if noun is not None and _NOT_THINGS.fullmatch(noun):
        return False
    if _POINTS_BACK.search(sentence, max(0, match.start() - _BACK_REACH), match.start()):
        return False
    return _RANKS.match(sentence, match.end()) is None


# Words that make a percentage an ownership share: the stake itself, holding or owning it, keeping
# it. "owned" is left out: "a wholly owned subsidiary" describes a firm, not the number near it.
_STAKE = re.compile(
    r"\b(stakes?|shareholding|holdings?|holds?|held|(?:will|to|would|shall) own|owns|"
    r"ownership|equity|retains?|retained)\b",
    re.IGNORECASE,
)
_STAKE_BEFORE, _STAKE_AFTER = 50, 30


def _clause_around(amount: Amount, sentence: str, offset: int, others: Sequence[Amount]) -> str:
    """The words near an amount, up to the neighbouring amounts: a cue beside another number
    ("holds 51% …, revenue rose 20%") belongs to that number."""
    lo = max((a.end for a in others if a.end <= amount.start), default=offset)
    hi = min((a.start for a in others if a.start >= amount.end), default=offset + len(sentence))
    lo, hi = max(lo, amount.start - _STAKE_BEFORE), min(hi, amount.end + _STAKE_AFTER)
    return (
        sentence[lo - offset : amount.start - offset] + sentence[amount.end - offset : hi - offset]
    )


# A percentage that is what is bought or sold ("in talks to sell up to 20%") is a share of the
# firm; one compared ("sells 30% more phones") is a change.
_TRADED = re.compile(
    r"\b(sell|sells|selling|sold|buy|buys|buying|bought|acquire[sd]?|acquiring|divest\w*)\s+"
    r"(?:(?:up to|about|around|nearly|almost|another|a further|an additional)\s+)?$",
    re.IGNORECASE,
)
_COMPARED = re.compile(r"\s*(more|less|fewer|higher|lower|than)\b", re.IGNORECASE)
# "take" is bought only when it has no whole of its own: "expected to take about 10 per cent"
# (of the firm on sale) is a stake, "taking 44% of the total" a share of that total.
_TAKEN = re.compile(
    r"\b(take|takes|taking|took|taken)\s+"
    r"(?:(?:up to|about|around|nearly|almost|another|a further|an additional)\s+)?$",
    re.IGNORECASE,
)
# A percentage naming a sale or purchase ("a 40 per cent sale") is the part of the firm traded.
_TRADE_NOUN = re.compile(r"\s+(sale|purchase|acquisition|divestment)\b", re.IGNORECASE)
# "… a 51 per cent stake and Vivo India the remaining 49%": the rest of a stake is a stake.
_REST = re.compile(r"\b(remaining|rest|balance)\b[^%\d]{0,12}$", re.IGNORECASE)


def _is_stake(amount: Amount, sentence: str, others: Sequence[Amount], offset: int) -> bool:
    """A percentage owned or traded: a stake word in its clause, the object of a sale or
    purchase, or the rest ("the remaining 49%") of a stake the sentence gave before."""
    if amount.unit is not FigureUnit.PERCENT:
        return False
    if _STAKE.search(_clause_around(amount, sentence, offset, others)):
        return True
    before = sentence[max(0, amount.start - offset - 30) : amount.start - offset]
    after = sentence[amount.end - offset :]
    if _TRADED.search(before) and not _COMPARED.match(after):
        return True
    if _TAKEN.search(before) and not _COMPARED.match(after) and not _PART_OF.match(after):
        return True
    if _TRADE_NOUN.match(after):
        return True
    earlier = [a for a in others if a.end <= amount.start and a.unit is FigureUnit.PERCENT]
    return _REST.search(before) is not None and any(
        _STAKE.search(_clause_around(a, sentence, offset, others)) for a in earlier
    )


# A part of a whole ("a 12% share of the market", "accounts for 40% of sales", "44% of the
# total"): the singular noun "share" (not "shares" of stock, nor a "share price"), or "of" and a
# whole right after the number.
_SHARE = re.compile(r"\bshare\b(?!\s+prices?\b)", re.IGNORECASE)
_PART_OF = re.compile(r"\s+of\s+(?!\d)", re.IGNORECASE)
# The ends of a movement ("to go from 18% to 35%") are levels, not the change; "up to" and
# "close to" are bounds and hedges of a number, not its end point.
_LEVEL = re.compile(
    r"(?<!\bup )(?<!\bclose )\b(?:from|to)\s+"
    r"(?:(?:about|around|nearly|almost|roughly)\s+)?$",
    re.IGNORECASE,
)
_CHANGES = (FigureMetric.GROWTH_RATE, FigureMetric.CAPACITY_CHANGE)


def _is_part_or_level(amount: Amount, sentence: str, others: Sequence[Amount], offset: int) -> bool:
    """A percentage that is a proportion or a level (metric `other`), not a change of anything.

    Guidelines: market shares are `other`, and only percent changes are `growth_rate`.
    """
    if amount.unit is not FigureUnit.PERCENT:
        return False
    before = sentence[max(0, amount.start - offset - 30) : amount.start - offset]
    after = sentence[amount.end - offset :]
    if _PART_OF.match(after) or _LEVEL.search(before):
        return True
    return _SHARE.search(_clause_around(amount, sentence, offset, others)) is not None


OTHER = FigureMetric.OTHER
# The nouns (and verbs) that say what a sum of money measures. Guidelines: what applications or
# proposals are "worth" is the investment they propose; a profit, a loss, a valuation, a grant,
# incentive or payout and a scheme's outlay are `other`.
_MONEY_NOUNS: tuple[tuple[re.Pattern[str], FigureMetric], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), metric)
    for pattern, metric in (
        (r"\bforeign exchange\b|\bearn\w*", FigureMetric.EXPORT_EARNINGS),
        (r"\bcapacity\b", FigureMetric.CAPACITY_CHANGE),
        (
            r"\b(?:plants?|invest\w*|setting up|capex|applications?|proposals?)\b",
            FigureMetric.INVESTMENT,
        ),
        (r"\bproduc(?:e|es|ed|ing|tion)\b", FigureMetric.PRODUCTION_VALUE),
        (r"\b(?:export\w*|shipments?)\b", FigureMetric.EXPORT_VALUE),
        (r"\b(?:revenues?|sales|turnover)\b", FigureMetric.REVENUE),
        (
            r"\b(?:profits?|loss(?:es)?|valu(?:ed|ing|ations?)|values?\s+(?:the|it|its|a|an)|"
            r"outlay|schemes?|programmes?|programs?|incentives?|grants?|subsid(?:y|ies)|"
            r"disburs\w*|payouts?)\b",
            OTHER,
        ),
    )
)
# Where a clause ends: a comma or semicolon before a space (not the comma inside "₹18,000").
_CLAUSE_END = re.compile(r"[,;]\s")


def _money_metric(
    amount: Amount, sentence: str, others: Sequence[Amount], offset: int
) -> FigureMetric | None:
    """The metric of the money noun nearest the amount in its own clause, None with none.

    "revenue of ₹32,415 crore and a net profit of ₹1,380 crore": each sum takes the noun beside
    it, so a sentence's other nouns ("… in a facility with an annual capacity of …") never
    decide what a sum measures. The clause runs to the neighbouring amounts and to the nearest
    comma or semicolon.
    """
    start, end = amount.start - offset, amount.end - offset
    # A count's noun may be what the sum measures ("70 applications worth ₹59,350 crore").
    sums = [a for a in others if a.unit is not FigureUnit.COUNT]
    lo = max((a.end - offset for a in sums if a.end <= amount.start), default=0)
    hi = min((a.start - offset for a in sums if a.start >= amount.end), default=len(sentence))
    lo = max([lo] + [m.end() for m in _CLAUSE_END.finditer(sentence, lo, start)])
    stop = _CLAUSE_END.search(sentence, end, hi)
    hi = stop.start() if stop else hi
    best: tuple[int, FigureMetric] | None = None
    for pattern, metric in _MONEY_NOUNS:
        for cue in pattern.finditer(sentence, lo, hi):
            if start <= cue.start() < end:
                continue  # inside the amount itself
            distance = start - cue.end() if cue.end() <= start else cue.start() - end
            if best is None or distance < best[0]:
                best = (distance, metric)
    return best[1] if best else None


def metric_for(
    amount: Amount, sentence: str, others: Sequence[Amount] = (), offset: int = 0
) -> FigureMetric:
    """The metric an amount's sentence states; `others` are the sentence's other amounts and
    `offset` where the sentence starts in the document (amounts carry document offsets)."""
    if amount.unit is FigureUnit.COUNT:
        return FigureMetric.COUNT
    if amount.unit is not FigureUnit.CURRENCY:
        if _is_stake(amount, sentence, others, offset):
            return FigureMetric.STAKE
        if _is_part_or_level(amount, sentence, others, offset):
            return FigureMetric.OTHER
        if re.search("capacity", sentence, re.IGNORECASE):
            return FigureMetric.CAPACITY_CHANGE
        return FigureMetric.GROWTH_RATE
    return _money_metric(amount, sentence, others, offset) or METRICS.first(sentence) or OTHER


def modality_of(sentence: str) -> Modality:
    if _EXPECTED.search(sentence):
        return Modality.EXPECTED
    if _HEDGED.search(sentence):
        return Modality.HEDGED
    return Modality.ASSERTED


def period_of(sentence: str) -> str | None:
    match = _PERIOD.search(sentence)
    return match.group(1) if match else None


@dataclass(frozen=True)
class QuoteSpan:
    """A quoted stretch; `continued` when it opens a paragraph that carries on a quotation whose
    previous paragraph ended without a closing mark (one speaker, several paragraphs)."""

    start: int
    end: int
    text: str
    continued: bool = False


# An opening quote: curly, straight double, or a straight single one not ending a word (an
# apostrophe). Each closes at the next closing mark; a single quote must not open a word after it.
_OPENING = re.compile(r"“|(?<![A-Za-z])'|\"")
_CLOSING = {"“": "”", "'": "'", '"': '"'}
_LETTER_AFTER = re.compile(r"[A-Za-z]")
MIN_QUOTE_WORDS = 3


def _paragraph_carries_on(text: str, inner: int, close: int, mark: str, end: int) -> int | None:
    """Where the paragraph of an opening ends, when the quotation runs on into the next one.

    The convention of quoting several paragraphs: each opens with a quote mark and only the last
    closes. So a paragraph whose quotation is still open at its end, followed by a paragraph that
    opens with the same mark, is one whole quoted paragraph; otherwise (a closing mark on the same
    line, or a plain next paragraph) the quotation is read as before.
    """
    line_end = text.find("\n", inner, close)  # bounded by the close: linear over the text
    if line_end < 0:
        return None
    return line_end if text.startswith(mark, _next_opening_at(text, line_end, end)) else None


def _quoted(text: str, start: int, end: int) -> Iterator[tuple[int, int, bool]]:
    """Spans (inner start, inner end, continued) of quoted stretches in `text[start:end]`.

    A scanner, not a regular expression: `“[^”]+”` searched from every opening of an unclosed
    quote ran to the end of the text each time (quadratic). Here each closing mark is looked for
    once per opening, and a curly opening with no closing mark after it rules out every later one.
    `continued` marks a paragraph that carries on the quotation of the paragraph before it.
    """
    pos, unclosed_curly = start, False
    # Where a quotation carried on from the paragraph before would open, if one is carried on.
    carried_to = -1
    while (opening := _OPENING.search(text, pos, end)) is not None:
        mark = opening.group()
        inner = opening.end()
        continued, carried_to = opening.start() == carried_to, -1
        if mark == "“" and unclosed_curly:
            pos = inner
            continue
        close = text.find(_CLOSING[mark], inner, end)
        paragraph_end = _paragraph_carries_on(text, inner, close if close >= 0 else end, mark, end)
        if paragraph_end is not None:
            yield inner, paragraph_end, continued
            pos, carried_to = paragraph_end, _next_opening_at(text, paragraph_end, end)
            continue
        if close < 0:
            unclosed_curly = unclosed_curly or mark == "“"
            pos = inner
            continue
        letter_after = mark == "'" and _LETTER_AFTER.match(text, close + 1, end) is not None
        if close == inner or letter_after:
            pos = inner
            continue
        yield inner, close, continued
        pos = close + 1


def _next_opening_at(text: str, pos: int, end: int) -> int:
    """The position of the first character after the blank space that follows `pos`."""
    while pos < end and text[pos] in " \t\r\n":
        pos += 1
    return pos


def find_quotes(text: str, start: int, end: int) -> list[QuoteSpan]:
    """Quoted stretches of the article (curly, straight double, or straight single quotes)."""
    quotes = []
    for inner_start, inner_end, continued in _quoted(text, start, end):
        inner = text[inner_start:inner_end].rstrip(",").strip()
        if len(inner.split()) >= MIN_QUOTE_WORDS:
            pos = text.index(inner, inner_start)
            quotes.append(QuoteSpan(pos, pos + len(inner), inner, continued))
    return quotes


# How a news story attributes a quotation: "…,” said WHO." / "…,” WHO said" after it, or
# "WHO said: “…" before it. WHO is what the attribution names, read as far as its clause goes.
_SPEECH = r"(?:said|says|added|adds|told|tells|stated|noted|explained|wrote)"
_AFTER_CLOSE = r"^[,.]?\s*[”\"']\s*,?\s*"
# WHO ends at the clause's end: a semicolon, a colon, a quote mark, or a period that does not
# close an initial ("Atul B. Lall").
_WHO = r"(?P<who>[^;:“”\"\n]{2,160}?)"
_WHO_END = r"(?:(?<!\b[A-Z])\.|[;:“\"\n]|$)"
_SAID_WHO = re.compile(rf"{_AFTER_CLOSE}{_SPEECH},?\s+{_WHO}\s*{_WHO_END}")
_WHO_SAID = re.compile(rf"{_AFTER_CLOSE}(?P<who>[^.;:“”\"\n]{{1,120}}?)\s+{_SPEECH}\b")
_WHO_SAID_BEFORE = re.compile(rf"(?P<who>[^.;:“”\"\n]{{2,160}}?),?\s+{_SPEECH}\s*[:,]\s*[“\"]$")
_ATTRIBUTION_REACH = 200


def attribution(text: str, quote: QuoteSpan) -> str | None:
    """What the attribution of a quotation names ("Rajeev Nanda, chief financial officer of
    Dixon", "an industry executive", "Bhardwaj"), or None where the text gives none beside it."""
    after = text[quote.end : quote.end + _ATTRIBUTION_REACH]
    for pattern in (_SAID_WHO, _WHO_SAID):
        found = pattern.match(after)
        if found:
            return found.group("who").strip(" ,")
    before = _WHO_SAID_BEFORE.search(text[max(0, quote.start - _ATTRIBUTION_REACH) : quote.start])
    return before.group("who").strip(" ,") if before else None
