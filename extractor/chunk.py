"""Sentence splitting and chunking of the isolated article, keeping offsets into the page.

A 270M model follows instructions only over short inputs, and long documents exceed any context
window, so extraction works on chunks of whole sentences. Offsets are kept so every chunk can be
traced back to the characters it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extractor.isolate import Paragraph

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space or, as scraped
# pages often glue sentences ("May 12.The companies"), directly by a capital letter.
_BOUNDARY = re.compile(
    r"(?<=[a-z0-9%)][.!?])[\"”’']?(?=\s+[\"“‘'(A-Z0-9]|[A-Z][a-z])|"
    r"(?<=[.!?][\"”’'])(?=\s+[\"“‘'(A-Z])"
)
_ABBREVIATIONS = re.compile(r"\b(?:Co|Corp|Ltd|Inc|Mr|Ms|Dr|St|No|vs|U\.S|Rs)\.$")
# How far back from a boundary an abbreviation can reach: the longest ("Corp.") plus the character
# before it, which decides the word boundary. Looking at that tail only, not at the whole sentence
# so far, keeps a run of "Co. Co. Co." linear.
_ABBREVIATION_REACH = 8


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def text(self, document: str) -> str:
        return document[self.start : self.end]


@dataclass(frozen=True)
class Chunk:
    """Sentences to extract from (`focus`) and the sentence before them (`context`)."""

    focus: Span
    context: Span | None


def split_sentences(text: str, para: Paragraph) -> list[Span]:
    """Sentences of one paragraph as spans of `text`, leading/trailing space excluded."""
    spans: list[Span] = []
    start = para.start
    body = text[para.start : para.end]
    for match in _BOUNDARY.finditer(body):
        end = para.start + match.end()
        if _ABBREVIATIONS.search(text[max(start, end - _ABBREVIATION_REACH) : end]):
            continue
        spans.append(Span(start, end))
        start = end
    spans.append(Span(start, para.end))
    return [s for s in (_trim(text, s) for s in spans) if s.end > s.start]


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def sentences(text: str, paragraphs: Iterable[Paragraph]) -> list[Span]:
    return [s for para in paragraphs for s in split_sentences(text, para)]


def chunk(spans: list[Span], max_chars: int) -> list[Chunk]:
    """Greedy runs of whole sentences up to `max_chars`, each with the previous sentence.

    A sentence longer than `max_chars` becomes a chunk of its own rather than being cut,
    because cutting inside a sentence separates names from what is said about them.
    """
    chunks: list[Chunk] = []
    group: list[Span] = []
    previous: Span | None = None
    for span in spans:
        if group and span.end - group[0].start > max_chars:
            chunks.append(Chunk(Span(group[0].start, group[-1].end), previous))
            previous = group[-1]
            group = []
        group.append(span)
    if group:
        chunks.append(Chunk(Span(group[0].start, group[-1].end), previous))
    return chunks
