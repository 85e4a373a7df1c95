"""Normalisation of names, phrases and amounts before they are compared.

Gold and predictions name the same firm in many ways ("Xiaomi Corp", "XIAOMI", "Xiaomi Corp.");
scoring those as different would measure typography, not extraction. Normalisation is cached
because the same names recur across thousands of documents.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from extractor_schemas.text import CORPORATE_SUFFIXES as SHARED_CORPORATE_SUFFIXES

# Legal-form words that never distinguish two firms: one list, shared with the extractor.
# "India" is deliberately not in it: guidelines make "Xiaomi India" an alias, so the gold aliases
# carry that equivalence.
CORPORATE_SUFFIXES = SHARED_CORPORATE_SUFFIXES

_BRACKETED = re.compile(r"\[[^\]]*\]")
_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=1 << 16)
def normalise_text(value: str) -> str:
    """Case, compatibility forms, punctuation and spacing removed: what a reader would ignore."""
    text = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


@lru_cache(maxsize=1 << 16)
def normalise_phrase(value: str) -> str:
    """A normalised phrase without a leading article, so 'the US' and 'US' agree."""
    text = normalise_text(value)
    return text[4:] if text.startswith("the ") else text


@lru_cache(maxsize=1 << 16)
def normalise_name(value: str) -> str:
    """An organisation name without editorial brackets, leading 'the' or trailing legal forms.

    At least one word is always kept, so a firm literally called "Group" does not become "".
    """
    words = normalise_phrase(_BRACKETED.sub(" ", value)).split()
    while len(words) > 1 and words[-1] in CORPORATE_SUFFIXES:
        words.pop()
    return " ".join(words)


def ratio(a: str, b: str) -> float:
    """rapidfuzz's normalised Indel similarity on a 0-1 scale."""
    return float(fuzz.ratio(a, b)) / 100.0


def text_equal(a: str, b: str, threshold: float) -> bool:
    """Equal after normalisation, or close enough that the difference is a typo."""
    na, nb = normalise_text(a), normalise_text(b)
    return na == nb or ratio(na, nb) >= threshold


def value_close(pred: float, gold: float, rel_tolerance: float) -> bool:
    """Within a tolerance relative to the gold value (absolute when gold is zero)."""
    return abs(pred - gold) <= rel_tolerance * (abs(gold) if gold else 1.0)
