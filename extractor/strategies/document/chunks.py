"""Chunks of the isolated article by a token budget, so a long page never fails a document.

An article that fits the budget is one chunk: the whole isolated story, which is what a
capable model reads best. A longer one becomes runs of whole sentences, each repeating the end
of the previous run (the overlap) so a fact stated across the boundary is whole in one chunk.
A sentence longer than a chunk is cut at spaces, never refused. A chunk's text is the story's
paragraphs clipped to its range and joined by blank lines, so evidence the model copies from it
is verbatim text of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.chunk import Span, sentences
from extractor.isolate import MainArticle

# Characters per token of English news text with a BPE or SentencePiece vocabulary: the estimate
# only sizes chunks, so it errs towards smaller ones.
CHARS_PER_TOKEN = 3.5


def tokens_of(chars: int) -> int:
    return int(chars / CHARS_PER_TOKEN) + 1


@dataclass(frozen=True)
class ArticleChunk:
    """One range of the page to read, and the text the model is given for it."""

    start: int
    end: int
    text: str


def _pieces(text: str, span: Span, budget_chars: int) -> list[Span]:
    """A sentence as it is, or cut at the last space before each budget boundary."""
    out: list[Span] = []
    start = span.start
    while span.end - start > budget_chars:
        cut = text.rfind(" ", start + 1, start + budget_chars)
        cut = cut if cut > start else start + budget_chars
        out.append(Span(start, cut))
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    out.append(Span(start, span.end))
    return out


def _text(text: str, main: MainArticle, start: int, end: int) -> str:
    parts = [text[max(p.start, start) : min(p.end, end)] for p in main.paragraphs]
    return "\n\n".join(part for part in parts if part.strip())


def chunk_article(
    text: str, main: MainArticle, budget_tokens: int, overlap_tokens: int
) -> list[ArticleChunk]:
    """Chunks of whole sentences within the budget; the whole story when it fits in one."""
    budget = int(budget_tokens * CHARS_PER_TOKEN)
    overlap = int(overlap_tokens * CHARS_PER_TOKEN)
    spans = [p for s in sentences(text, main.paragraphs) for p in _pieces(text, s, budget)]
    if not spans:
        return []
    groups: list[list[Span]] = [[]]
    for span in spans:
        group = groups[-1]
        if group and span.end - group[0].start > budget:
            carried = [s for s in group if group[-1].end - s.start <= overlap]
            carried = [s for s in carried if span.end - s.start <= budget]
            groups.append([*carried, span])
        else:
            group.append(span)
    return [
        ArticleChunk(g[0].start, g[-1].end, _text(text, main, g[0].start, g[-1].end))
        for g in groups
    ]
