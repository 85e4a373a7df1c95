"""How two texts are compared: one normalisation and one list of corporate suffixes for all.

The extractor checks that a name occurs in its sentence, grounding checks that a key value occurs
next to its evidence, and the eval compares names with gold. Each used its own rules, so the same
article in NFD, or with a soft hyphen inside a name, lost facts in one place and not another.
These rules live here because both the extractor and the eval import this package and eval may not
import the extractor.

`fold` keeps what a text says and drops how it was typed: Unicode composition (NFC), invisible
characters (soft hyphen, zero-width), quote and dash forms, case, and runs of whitespace.
`FoldedText` keeps, for every character of the folded form, the source characters it came from, so
a match found in the folded text maps back to whole characters of the original.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CORPORATE_SUFFIXES",
    "FoldedText",
    "contains",
    "find",
    "fold",
    "fold_mapped",
    "is_corporate_suffix",
]

# Legal-form words that never distinguish two firms: "Xiaomi Corp" and "Xiaomi Corp." are Xiaomi.
# "India" is deliberately not here: the guidelines make "Xiaomi India" an alias, a separate rule.
CORPORATE_SUFFIXES: frozenset[str] = frozenset(
    {
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "pvt",
        "private",
        "inc",
        "incorporated",
        "group",
        "holdings",
        "holding",
        "plc",
        "llc",
        "llp",
        "gmbh",
        "ag",
        "sa",
        "bv",
        "nv",
        "pte",
        "sdn",
        "bhd",
    }
)

_DASHES = "‐‑‒–—―−⁃﹘﹣－"
_CHAR_MAP: dict[str, str] = {
    **{ch: "'" for ch in "‘’‚‛′‵ʼ`´"},
    **{ch: '"' for ch in "“”„‟″‶«»"},
    **{ch: "-" for ch in _DASHES},
    "…": "...",
}
# Invisible characters scraped pages carry inside words; they never change what a text says.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


def is_corporate_suffix(word: str) -> bool:
    """Whether a word is a legal form ("Ltd", "Corp.", "PVT"), whatever its case or final dot."""
    return fold(word).rstrip(".") in CORPORATE_SUFFIXES


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """Fold one composed character; folding per character keeps every output char traceable."""
    if ch.isspace():
        return " "
    if ch in _INVISIBLE:
        return ""
    return _CHAR_MAP.get(ch, ch).casefold()


@dataclass(frozen=True)
class FoldedText:
    """A folded text and, per folded character, the source span `[starts[i], ends[i])` it came from.

    A source character and the combining marks after it are one unit: NFC may compose them into
    one character, so a folded character maps to the whole unit, never to part of it.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source characters a non-empty folded span `[start, end)` came from."""
        return self.starts[start], self.ends[end - 1]

    def whole_units(self, start: int, end: int) -> bool:
        """Whether a folded span neither starts nor ends inside one source unit's expansion."""
        starts = self.starts
        opens = start == 0 or starts[start - 1] != starts[start]
        closes = end == len(starts) or starts[end] != starts[end - 1]
        return opens and closes


def _continues_unit(ch: str) -> bool:
    """A mark (accent, vowel sign) or a Hangul vowel or final jamo: NFC may join it to the last."""
    return unicodedata.category(ch).startswith("M") or "\u1160" <= ch <= "\u11ff"


def _unit_end(text: str, start: int) -> int:
    """End of the unit starting at `start`: a character with the marks that follow it."""
    end = start + 1
    while end < len(text) and text[end] > "\u02ff" and _continues_unit(text[end]):
        end += 1
    return end


def fold_mapped(text: str) -> FoldedText:
    """The folded text, untrimmed, with its map back to the source (see `FoldedText`)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    after_space = False
    start = 0
    while start < len(text):
        end = _unit_end(text, start)
        unit = text[start] if end == start + 1 else unicodedata.normalize("NFC", text[start:end])
        for ch in unit:
            folded = _fold_char(ch)
            if not folded or (folded == " " and after_space):
                continue
            after_space = folded == " "
            out.append(folded)
            starts.extend((start,) * len(folded))
            ends.extend((end,) * len(folded))
        start = end
    return FoldedText("".join(out), tuple(starts), tuple(ends))


@functools.lru_cache(maxsize=1 << 14)
def fold(text: str) -> str:
    """The comparison form of a text: what a reader would not tell apart, edges trimmed."""
    return fold_mapped(text).text.strip()


def find(haystack: str, needle: str) -> tuple[int, int] | None:
    """Source span of the first occurrence of needle in haystack, both compared folded.

    The span covers whole source characters (a name never matches half of an accented letter);
    None when needle does not occur, or folds to nothing.
    """
    wanted = fold(needle)
    if not wanted:
        return None
    folded = _fold_cached(haystack)
    at = folded.text.find(wanted)
    while at >= 0:
        end = at + len(wanted)
        if folded.whole_units(at, end):
            return folded.source_span(at, end)
        at = folded.text.find(wanted, at + 1)
    return None


def contains(haystack: str, needle: str) -> bool:
    """Whether needle occurs in haystack once both are folded (see `find`)."""
    return find(haystack, needle) is not None


@functools.lru_cache(maxsize=64)
def _fold_cached(text: str) -> FoldedText:
    """Sentences are searched for every name the model gave, so each is folded once."""
    return fold_mapped(text)
