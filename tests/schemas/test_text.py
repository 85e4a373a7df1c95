"""One comparison form for names and text: NFC, invisible characters, quote/dash forms, case."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor_schemas.text import (
    CORPORATE_SUFFIXES,
    contains,
    find,
    fold,
    fold_mapped,
    is_corporate_suffix,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nestlé", nfd("Nestlé")),
        ("Dixon Technologies", "Dixon Tech\u00adnologies"),
        ("Dixon Technologies", "Dixon\u200b Technologies"),
        ("Xiaomi's unit", "Xiaomi’s unit"),
        ('"Make in India"', "“Make in India”"),
        ("2023-24", "2023–24"),
        ("XIAOMI  Corp", "xiaomi\u00a0corp"),
        ("Straße", "STRASSE"),
        ("한국", nfd("한국")),
    ],
)
def test_equal_forms_fold_alike(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Nestle", "Nestlé"), ("'quoted'", '"quoted"'), ("Oppo", "Vivo"), ("co-op", "coop")],
)
def test_different_texts_stay_different(a: str, b: str) -> None:
    assert fold(a) != fold(b)


@pytest.mark.parametrize(
    ("haystack", "needle", "span"),
    [
        (nfd("Nestlé India grew"), "Nestlé", (0, 7)),
        ("Nestlé India grew", nfd("nestlé"), (0, 6)),
        ("The Dixon Tech\u00adnologies plant", "Dixon Technologies", (4, 23)),
        ("the ‘Make in India’ drive", "'Make in India'", (4, 19)),
        ("XIAOMI said. Xiaomi said.", "Xiaomi", (0, 6)),
        ("no name here", "Xiaomi", None),
        ("anything", "\u00ad", None),
    ],
)
def test_find_returns_the_source_span(
    haystack: str, needle: str, span: tuple[int, int] | None
) -> None:
    assert find(haystack, needle) == span
    assert contains(haystack, needle) is (span is not None)


def test_a_name_never_matches_half_of_an_accented_letter() -> None:
    text = nfd("Café Coffee Day")
    assert find(text, "Cafe") is None
    assert find(text, "Café") == (0, 5)


@given(st.text(max_size=30))
def test_the_map_points_at_whole_source_characters(text: str) -> None:
    folded = fold_mapped(text)
    assert len(folded.starts) == len(folded.ends) == len(folded.text)
    for i in range(len(folded.text)):
        start, end = folded.source_span(i, i + 1)
        assert 0 <= start < end <= len(text)


def test_one_suffix_list_for_extractor_and_eval() -> None:
    from extractor.strategies.sentences import names
    from extractor_eval import normalise

    assert names.CORPORATE_SUFFIXES is CORPORATE_SUFFIXES
    assert normalise.CORPORATE_SUFFIXES is CORPORATE_SUFFIXES


@pytest.mark.parametrize(
    ("word", "suffix"),
    [
        ("Ltd", True),
        ("Ltd.", True),
        ("CORP.", True),
        ("Pvt", True),
        ("Private", True),
        ("GmbH", True),
        ("Holdings", True),
        ("India", False),
        ("Technologies", False),
        ("L\u00adtd", True),
    ],
)
def test_corporate_suffix(word: str, suffix: bool) -> None:
    assert is_corporate_suffix(word) is suffix
