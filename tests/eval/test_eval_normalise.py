"""Name and text normalisation (eval/normalise.py)."""

from __future__ import annotations

import pytest

from extractor_eval.normalise import (
    normalise_name,
    normalise_phrase,
    normalise_text,
    text_equal,
    value_close,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Xiaomi Corp", "xiaomi"),
        ("XIAOMI CORP.", "xiaomi"),
        ("Optiemus Electronics Ltd.", "optiemus electronics"),
        ("Dixon Technologies India Pvt. Ltd", "dixon technologies india"),
        ("Lenovo Group Holdings Inc", "lenovo"),
        ("Vivo Communication Technology Co", "vivo communication technology"),
        ("Apple [Inc]", "apple"),
        ("The Hindu", "hindu"),
        ("Group", "group"),  # never normalised to nothing
        ("Realme Mobile Telecommunications (India)", "realme mobile telecommunications india"),
        ("小米", "小米"),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_normalise_text_ignores_case_punctuation_and_spacing() -> None:
    assert normalise_text("  Hon-Hai’s   PLANT ") == normalise_text("hon hai s plant")


def test_phrase_drops_leading_article_only() -> None:
    assert normalise_phrase("the US") == normalise_phrase("US") == "us"
    assert normalise_phrase("theatre") == "theatre"


def test_text_equal_is_fuzzy_above_threshold() -> None:
    assert text_equal("managing director", "Managing Director.", 0.85)
    assert text_equal("managing directr", "managing director", 0.85)
    assert not text_equal("chairman", "managing director", 0.85)


@pytest.mark.parametrize(
    ("pred", "gold", "tolerance", "close"),
    [
        (101, 100, 0.01, True),
        (101.5, 100, 0.01, False),
        (99, 100, 0.01, True),
        (0.0, 0.0, 0.01, True),
        (0.02, 0.0, 0.01, False),
        (-20.1, -20, 0.01, True),
    ],
)
def test_value_close_is_relative_to_gold(
    pred: float, gold: float, tolerance: float, close: bool
) -> None:
    assert value_close(pred, gold, tolerance) is close
