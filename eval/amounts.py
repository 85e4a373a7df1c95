"""The precision an amount is stated at, read from its raw text.

A figure is right when it equals the article's number at the precision the article gives it:
"18,000 stores" is 18,000 ± 0.5, so 18,090 is wrong although it is within 1 %; "₹272 crore" is
2,720,000,000 ± half a crore, so a conversion that rounds back to ₹272 crore is right and
₹273 crore is not. Amounts written in words ("three", "a couple of hundred") have no digits to
round, and must be exact.
"""

from __future__ import annotations

import re
from functools import lru_cache

SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "lakh": 1e5,
    "lakhs": 1e5,
    "lac": 1e5,
    "million": 1e6,
    "millions": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "crore": 1e7,
    "crores": 1e7,
    "cr": 1e7,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
"""Scale words after a number; consecutive ones multiply ("2 lakh crore" is 2 × 10¹²)."""

_AMOUNT = re.compile(r"(\d[\d,]*(?:\.(\d+))?)((?:[\s-]*[a-z]+)*)", re.IGNORECASE)
_RELATIVE_SLACK = 1e-9
"""Float noise allowed on top of the stated precision (2.72e9 is not exactly 272 × 1e7)."""


@lru_cache(maxsize=1 << 14)
def stated_half_unit(raw: str, value: float) -> float:
    """Half a unit of the last digit `raw` writes, in the units of `value`; 0.0 (exact) when
    raw has no digits or its number does not describe value (then nothing says how it was
    rounded)."""
    match = _AMOUNT.search(raw)
    if match is None:
        return 0.0
    number = float(match.group(1).replace(",", ""))
    decimals = len(match.group(2) or "")
    scale = 1.0
    for word in re.split(r"[\s-]+", match.group(3).strip(" -").lower()):
        if word not in SCALES:
            break
        scale *= SCALES[word]
    half = 0.5 * 10.0**-decimals * scale
    if abs(abs(value) - number * scale) > half + _RELATIVE_SLACK * abs(value):
        return 0.0
    return half


def equal_as_stated(pred: float, gold: float, gold_raw: str) -> bool:
    """pred equals gold at the precision gold's raw text states."""
    allowed = stated_half_unit(gold_raw, gold) + _RELATIVE_SLACK * max(abs(gold), 1.0)
    return abs(pred - gold) <= allowed
