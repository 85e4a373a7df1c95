"""Main-article isolation: find the story inside a scraped page before the model sees it.

Scraped pages carry menus, subscribe boxes, photo credits and teasers, and some end with
unrelated stories. Feeding those to the model costs tokens and produces spurious facts, so the
pipeline extracts only from the paragraphs kept here, while offsets still point into the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CHROME = re.compile(
    r"subscribe|photo credit|image source|^photo:|all rights reserved|click here|sign up|"
    r"log ?in|newsletter|follow us|^comments?$|^advertisement",
    re.IGNORECASE,
)
# Lines after which nothing belongs to the main story any more.
_END = re.compile(
    r"^(related (stories|articles|topics)|try our ai features|top news today|"
    r"if you notice an error|you may like|more from|read more|also read)\b",
    re.IGNORECASE,
)
# A standalone "ALSO READ" teaser pauses the story without ending it.
_TEASER = re.compile(r"^also read$", re.IGNORECASE)
# Wire-style kickers ("GROWING OWINGS: ...") open a different story.
_KICKER = re.compile(r"^[A-Z][A-Z'&-]+(?: [A-Z'&-]+)*: ")
_DATE_PREFIX = re.compile(r"^\s*date (\d{4}(?:-\d{2}(?:-\d{2})?)?)\s*")
_DATELINE = re.compile(r"^([A-Z][A-Za-z .]{1,30}):\s")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]?\s*$|[.!?][\"”’']?\s+[A-Z]")
MIN_PROSE_WORDS = 8
# Scraped ledes sometimes lose their final period; inside a story a long line is still prose.
MIN_UNPUNCTUATED_WORDS = 14
MAX_CHROME_RUN = 3


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int


@dataclass(frozen=True)
class MainArticle:
    """Where the story is: its paragraphs, and metadata read from the page around it."""

    paragraphs: tuple[Paragraph, ...]
    title: str | None = None
    published: str | None = None
    dateline: str | None = None
    chrome_chars: int = field(default=0)

    @property
    def span(self) -> tuple[int, int] | None:
        if not self.paragraphs:
            return None
        return self.paragraphs[0].start, self.paragraphs[-1].end


def _lines(text: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            start = pos + raw.index(stripped[0])
            out.append(Paragraph(start, start + len(stripped)))
        pos += len(raw)
    return out


def is_prose(line: str, in_story: bool = False) -> bool:
    """Story text: long enough, sentence-shaped, and not a known chrome phrase."""
    words = len(line.split())
    if _CHROME.search(line) or words < MIN_PROSE_WORDS:
        return False
    return bool(_SENTENCE_END.search(line)) or (in_story and words >= MIN_UNPUNCTUATED_WORDS)


def _strip_date_prefix(text: str, para: Paragraph) -> tuple[Paragraph, str | None]:
    match = _DATE_PREFIX.match(text[para.start : para.end])
    if match is None:
        return para, None
    return Paragraph(para.start + match.end(), para.end), match.group(1)


def _title(text: str, before: list[Paragraph]) -> str | None:
    for para in before:
        line = text[para.start : para.end]
        words = line.split()
        if len(words) >= 5 and not _CHROME.search(line) and not line.rstrip().endswith("."):
            return line
    return None


def _story_paragraphs(text: str, lines: list[Paragraph], first: int) -> list[Paragraph]:
    """Prose from the first story paragraph until the page moves on to something else."""
    kept: list[Paragraph] = []
    chrome_run = 0
    for para in lines[first:]:
        line = text[para.start : para.end]
        if _TEASER.match(line):
            chrome_run = 0
            continue
        if _END.match(line) or (kept and _KICKER.match(line)):
            break
        if is_prose(line, in_story=bool(kept)):
            kept.append(para)
            chrome_run = 0
        else:
            chrome_run += 1
            if chrome_run >= MAX_CHROME_RUN and kept:
                break
    return kept


def isolate(text: str) -> MainArticle:
    """The main article of a page; a page with no prose yields no paragraphs at all."""
    lines = _lines(text)
    published = None
    if lines:
        lines[0], published = _strip_date_prefix(text, lines[0])
    first = next((i for i, p in enumerate(lines) if is_prose(text[p.start : p.end])), None)
    if first is None:
        return MainArticle((), published=published)
    paragraphs = _story_paragraphs(text, lines, first)
    lead = text[paragraphs[0].start : paragraphs[0].end]
    dateline = _DATELINE.match(lead)
    kept_chars = sum(p.end - p.start for p in paragraphs)
    return MainArticle(
        paragraphs=tuple(paragraphs),
        title=_title(text, lines[:first]),
        published=published,
        dateline=dateline.group(1) if dateline else None,
        chrome_chars=len(text) - kept_chars,
    )
