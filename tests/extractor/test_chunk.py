"""Sentences keep their offsets; chunks never cut a sentence and cover the article in order."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.chunk import chunk, split_sentences
from extractor.isolate import Paragraph


def _split(text: str) -> list[str]:
    return [s.text(text) for s in split_sentences(text, Paragraph(0, len(text)))]


def test_splits_glued_sentences_and_keeps_abbreviations() -> None:
    text = "Filings were made on May 12.The companies are yet to file. Xiaomi Corp. grew."
    assert _split(text) == [
        "Filings were made on May 12.",
        "The companies are yet to file.",
        "Xiaomi Corp. grew.",
    ]


def test_quotes_stay_with_their_sentence() -> None:
    text = "“India will hit $60 billion,” he said. Exports rose 55%."
    assert _split(text) == ["“India will hit $60 billion,” he said.", "Exports rose 55%."]


words = st.lists(
    st.sampled_from(["Xiaomi", "makes", "phones", "in", "India", "Dixon"]), min_size=1, max_size=8
)


@given(st.lists(words, min_size=1, max_size=12), st.integers(min_value=1, max_value=300))
def test_chunks_cover_all_sentences_in_order(sentences: list[list[str]], limit: int) -> None:
    text = " ".join(" ".join(w) + "." for w in sentences)
    spans = split_sentences(text, Paragraph(0, len(text)))
    chunks = chunk(spans, limit)
    assert chunks[0].focus.start == spans[0].start and chunks[-1].focus.end == spans[-1].end
    for a, b in pairwise(chunks):
        assert a.focus.end <= b.focus.start
        assert b.context is not None and b.context.end == a.focus.end
    starts = {s.start for s in spans}
    assert all(c.focus.start in starts for c in chunks)


@pytest.mark.timeout(10)
def test_splitting_is_linear_on_a_run_of_abbreviations() -> None:
    # 4,000 "Co. " took 1 s and the time grew with the square; 25,000 took far over 10 s.
    text = "Co. " * 25_000
    assert _split(text) == [text.strip()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xiaomi Co. Ltd. grew. Next one.", ["Xiaomi Co. Ltd. grew.", "Next one."]),
        ("It hit the U.S. Markets fell.", ["It hit the U.S. Markets fell."]),
        ("Ask Dr. Rao. He knows.", ["Ask Dr. Rao.", "He knows."]),
        ("It is in StCo. Then more.", ["It is in StCo.", "Then more."]),
        ("Buy No. 5 now. Then go.", ["Buy No. 5 now.", "Then go."]),
    ],
)
def test_abbreviations_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert _split(text) == expected
