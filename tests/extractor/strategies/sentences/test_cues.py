"""Cue rules around names: titles and organizations, found however the text is typed."""

from __future__ import annotations

import unicodedata

import pytest

from extractor.strategies.sentences.cues import person_title


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        (
            "Ajay Singhania, managing director of Hisense's local manufacturing partner "
            "Epack Durable, told analysts.",
            "Ajay Singhania",
            ("managing director", "Epack Durable"),
        ),
        (
            "Xiaomi India chairman Ajay Singhania said so.",
            "Ajay Singhania",
            ("chairman", "Xiaomi India"),
        ),
        (
            unicodedata.normalize("NFD", "Nestlé India chairman José Martínez said so."),
            "José Martínez",
            ("chairman", "Nestlé India"),
        ),
        ("Ajay Singhania said so.", "Ajay Singhania", (None, None)),
        ("Nobody said so.", "Ajay Singhania", (None, None)),
    ],
)
def test_person_title(sentence: str, name: str, expected: tuple[str | None, str | None]) -> None:
    title, organization = person_title(sentence, name)
    found = (title, organization and unicodedata.normalize("NFC", organization))
    assert found == expected


@pytest.mark.timeout(10)
def test_title_search_is_linear_on_a_run_of_capitalised_words() -> None:
    # 8,000 capitalised words before a name took 9.5 s, and the time grew with the square.
    sentence = "Aa " * 30_000 + "Ajay Singhania said so."
    assert person_title(sentence, "Ajay Singhania") == (None, None)
