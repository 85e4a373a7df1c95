"""Main-article isolation: find the story inside a scraped page before the model sees it.

Scraped pages carry menus, subscribe boxes, photo credits and teasers, and some end with
unrelated stories. Feeding those to the model costs tokens and produces spurious facts, so the
pipeline extracts only from the paragraphs kept here, while offsets still point into the page.

The rules read page structure, not the words of one site: a story is a run of sentence-shaped
lines; a link line ("Also read: <headline>") inside it is skipped, not taken for its end; short
lines that continue one sentence are one paragraph (which may then span several lines); a summary
box above the story, a standfirst above the byline and a sign-up or share box inside the story
are not story. Where a word list cannot be avoided, it is a short list of generic site phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Generic site phrases: lines carrying one are never story.
_CHROME = re.compile(
    r"subscrib|photo credit|image source|^photo:|all rights reserved|copyright|click here|"
    r"sign ?up|log ?in|newsletter|follow us|^comments?$|^advertisement|"
    # site promotion: "(Catch all the … News …)", "Get live … updates", "Download the … App",
    # "Follow <outlet> for latest news"
    r"^\(?(catch all the|get (the )?latest|get live)\b|\bdownload\b.{0,40}\bapp\b|"
    r"^follow\b.{0,40}\b(for|on)\b|"
    # date stamps: "Updated - February 18, 2025 at 08:14 PM.", "Published on …"
    r"^(last |first )?(updated|published|posted)(?![a-z])",
    re.IGNORECASE,
)
# A sign-up or share box: a short run of lines with one of these may sit inside the story.
_BOX = re.compile(
    r"subscrib|sign ?up|\bby signing up\b|newsletter|\binbox\b|enter your email|"
    r"share this (article|story)",
    re.IGNORECASE,
)
# Standalone block headers after which nothing belongs to the main story any more.
_END = re.compile(
    r"^(related (stories|articles|topics|news|posts)|try our ai features|top news today|"
    r"if you notice an error|you may (also )?like|you might (also )?like|stories you might|"
    r"more from|read more|next (article|story))\b",
    re.IGNORECASE,
)
# A link line: a teaser label, a separator and a headline on the same line. It sits inside the
# story ("Also Read: …", "ALSO READ: …", "Related: …", "Read more: …") and the story goes on.
_LINK_LINE = re.compile(
    r"^(also read|read also|read more|related|see also|must read)\s*[:|–—-]\s*\S+\s+\S+",
    re.IGNORECASE,
)
# A standalone "ALSO READ" teaser header pauses the story without ending it.
_TEASER = re.compile(r"^also read$", re.IGNORECASE)
# A summary box header above the story ("Key Takeaways", "Synopsis", "In Short", …): the box is
# outside main_span (gold/GUIDELINES.md §1).
_SUMMARY = re.compile(
    r"^(summary|synopsis|key (takeaways|highlights|points)|highlights|story highlights|"
    r"in short|at a glance)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[•·▪*–-]\s")
# Wire-style kickers ("GROWING OWINGS: ...") open a different story.
_KICKER = re.compile(r"^[A-Z][A-Z'&-]+(?: [A-Z'&-]+)*: ")
_DATE_PREFIX = re.compile(r"^\s*date (\d{4}(?:-\d{2}(?:-\d{2})?)?)\s*")
_DATELINE = re.compile(r"^([A-Z][A-Za-z .]{1,30}):\s")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]?\s*$|[.!?][\"”’']?\s+[A-Z]")
_ENDS_SENTENCE = re.compile(r"[.!?][\"”’')\]]?$")
_OPENS_QUOTE = re.compile(r"^[\"“‘']")
# Words a sentence does not end on: a line ending in one continues on the next line.
_FUNCTION_WORDS = frozenset(
    "a an the by and or of to for with in on at from as that which who including between into "
    "than under".split()
)
_BYLINE_PREFIX = re.compile(r"^(?:written\s+)?by:?\s+", re.IGNORECASE)
_NAME = re.compile(r"^([A-Z][\w'’-]+ [A-Z][\w'’-]+)(?=$|[ ,])")
MIN_PROSE_WORDS = 8
# Scraped ledes sometimes lose their final period; inside a story a long line is still prose.
MIN_UNPUNCTUATED_WORDS = 14
MAX_CHROME_RUN = 3
# A sign-up box inside the story: at most this many lines, each short or a box phrase.
MAX_BOX_LINES = 8
# A line of at most this many words is a fragment (a name, "and display maker") when joining.
FRAGMENT_WORDS = 5


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
    if _CHROME.search(line) or _BOX.search(line) or words < MIN_PROSE_WORDS:
        return False
    return bool(_SENTENCE_END.search(line)) or (in_story and words >= MIN_UNPUNCTUATED_WORDS)


def _is_marker(line: str) -> bool:
    """Lines that are structure, never part of a sentence: chrome, headers, teasers, bullets."""
    return bool(
        _CHROME.search(line)
        or _BOX.search(line)
        or _END.match(line)
        or _TEASER.match(line)
        or _LINK_LINE.match(line)
        or _SUMMARY.match(line)
        or _BULLET.match(line)
    )


def _continues(line: str, following: str) -> bool:
    """Whether `following` carries on the sentence `line` leaves open."""
    if _ENDS_SENTENCE.search(line) or line.endswith(":") or _is_marker(line):
        return False
    if _is_marker(following):
        return False
    last = line.split()[-1]
    return (
        line.endswith(",")
        or last in _FUNCTION_WORDS
        or following[0].islower()
        or (len(line.split()) <= FRAGMENT_WORDS and len(following.split()) <= FRAGMENT_WORDS)
    )


def _join_continuations(text: str, lines: list[Paragraph]) -> list[Paragraph]:
    """Short lines that together make one sentence (a lead split one name per line) become one
    paragraph from the first line's start to the last line's end; a run that never reaches a
    sentence end (a menu) stays as it was."""
    out: list[Paragraph] = []
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and _continues(
            text[lines[j].start : lines[j].end], text[lines[j + 1].start : lines[j + 1].end]
        ):
            j += 1
        joined = Paragraph(lines[i].start, lines[j].end)
        if j > i and _ENDS_SENTENCE.search(text[joined.start : joined.end]):
            out.append(joined)
            i = j + 1
        else:
            out.append(lines[i])
            i += 1
    return out


def _summary_box(text: str, paras: list[Paragraph]) -> set[int]:
    """Indexes of summary-box lines: the header(s), then either one synopsis paragraph or the
    items (bullet-marked, or not sentence-shaped, e.g. bullets without a final period)."""
    box: set[int] = set()
    for i, para in enumerate(paras):
        if i in box or not _SUMMARY.match(text[para.start : para.end]):
            continue
        k = i
        while k < len(paras) and _SUMMARY.match(text[paras[k].start : paras[k].end]):
            box.add(k)
            k += 1
        if k < len(paras) and is_prose(text[paras[k].start : paras[k].end]):
            box.add(k)
            continue
        while k < len(paras):
            line = text[paras[k].start : paras[k].end]
            if not (_BULLET.match(line) or not is_prose(line)) or _END.match(line):
                break
            box.add(k)
            k += 1
    return box


def _bylines(text: str, before: list[Paragraph]) -> tuple[str, ...]:
    """Author names from byline lines above the story ("By Kiran Joshi", "Rohan Mehra")."""
    names = []
    for para in before:
        line = _BYLINE_PREFIX.sub("", text[para.start : para.end])
        match = _NAME.match(line)
        if match and len(line.split()) <= 6:
            names.append(match.group(1))
    return tuple(names)


def _is_bio(line: str, bylines: tuple[str, ...]) -> bool:
    """An author bio: "<byline name> is a senior correspondent at …"."""
    return any(re.match(re.escape(name) + r" (is|was) (a|an|the)\b", line) for name in bylines)


def _strip_date_prefix(text: str, para: Paragraph) -> tuple[Paragraph, str | None]:
    match = _DATE_PREFIX.match(text[para.start : para.end])
    if match is None:
        return para, None
    return Paragraph(para.start + match.end(), para.end), match.group(1)


# Navigation above a headline: items split by "|", "»", "›", ">", "→", "·" or "/ " (a breadcrumb
# ends with the headline, which the page then prints again on its own line).
_NAV_SEPARATOR = re.compile(r"\s[»›>→·]\s|\||\w/\s|\s/\s")
# What a headline has and a menu of section names has not: a lowercase word, a digit, or a mark
# of a sentence (comma, colon, quote, per cent).
_HEADLINE_MARK = re.compile(r"(?:^|\s)[a-z]|\d|[,;:'‘’\"“”%?!]")


def is_headline(line: str) -> bool:
    """A line that can be the story's headline: five words or more, not a sentence ending in a
    period, not page chrome, not a navigation line or a menu of capitalised section names."""
    return (
        len(line.split()) >= 5
        and not line.rstrip().endswith(".")
        and not _CHROME.search(line)
        and not _NAV_SEPARATOR.search(line)
        and _HEADLINE_MARK.search(line) is not None
    )


def _title(text: str, before: list[Paragraph]) -> str | None:
    return next((line for p in before if is_headline(line := text[p.start : p.end].strip())), None)


@dataclass(frozen=True)
class _Page:
    """The page read once: its paragraphs, the summary-box lines and the byline names."""

    text: str
    paras: list[Paragraph]
    summary: set[int]

    def line(self, i: int) -> str:
        return self.text[self.paras[i].start : self.paras[i].end]

    def is_story_line(self, i: int, in_story: bool) -> bool:
        """Prose, or (inside the story) a line introducing the quotation on the next line."""
        if i in self.summary:
            return False
        line = self.line(i)
        if is_prose(line, in_story):
            return True
        return (
            in_story
            and line.endswith(":")
            and len(line.split()) >= MIN_PROSE_WORDS
            and i + 1 < len(self.paras)
            and bool(_OPENS_QUOTE.match(self.line(i + 1)))
        )


def _bridges(page: _Page, gap: list[int]) -> bool:
    """Whether non-story lines between two story paragraphs still leave one story: a short gap,
    or a sign-up/share box (short lines, at least one with a box phrase)."""
    if len(gap) < MAX_CHROME_RUN:
        return True
    lines = [page.line(i) for i in gap]
    return (
        len(gap) <= MAX_BOX_LINES
        and any(_BOX.search(line) for line in lines)
        and all(_BOX.search(line) or len(line.split()) < MIN_PROSE_WORDS for line in lines)
    )


def _block(page: _Page, first: int, bylines: tuple[str, ...]) -> tuple[list[Paragraph], int]:
    """Story paragraphs from `first` until the page moves on; and where it moved on.

    Prose after a sign-up or share box counts only once two paragraphs follow the box: a lone
    sentence after it ("All about … on your smartphone!") is the box's own promotion.
    """
    kept: list[Paragraph] = []
    gap: list[int] = []
    resumed_at: int | None = None
    stop = len(page.paras)
    for i in range(first, len(page.paras)):
        line = page.line(i)
        if _TEASER.match(line) or _LINK_LINE.match(line):
            gap = []
            continue
        if _END.match(line) or (kept and _KICKER.match(line)):
            stop = i
            break
        if not _is_bio(line, bylines) and page.is_story_line(i, in_story=bool(kept)):
            if not _bridges(page, gap):
                stop = i
                break
            if len(gap) >= MAX_CHROME_RUN:
                resumed_at = len(kept)
            elif resumed_at is not None and len(kept) - resumed_at >= 1:
                resumed_at = None
            kept.append(page.paras[i])
            gap = []
        elif kept:
            gap.append(i)
            if len(gap) > MAX_BOX_LINES:
                stop = i
                break
    if resumed_at is not None and len(kept) - resumed_at < 2:
        kept = kept[:resumed_at]
    return kept, stop


def _story(page: _Page) -> tuple[list[Paragraph], int | None]:
    """The first block of two or more story paragraphs (a one-paragraph block before it is a
    standfirst or deck), else the first block; with the index it starts at."""
    fallback: tuple[list[Paragraph], int | None] = ([], None)
    start = 0
    while True:
        first = next(
            (i for i in range(start, len(page.paras)) if page.is_story_line(i, in_story=False)),
            None,
        )
        if first is None:
            return fallback
        bylines = _bylines(page.text, page.paras[:first])
        kept, stop = _block(page, first, bylines)
        if len(kept) >= 2:
            return kept, first
        if fallback[1] is None:
            fallback = (kept, first)
        start = max(stop, first + 1)


def isolate(text: str) -> MainArticle:
    """The main article of a page; a page with no prose yields no paragraphs at all."""
    lines = _lines(text)
    published = None
    if lines:
        lines[0], published = _strip_date_prefix(text, lines[0])
    paras = _join_continuations(text, lines)
    page = _Page(text, paras, _summary_box(text, paras))
    paragraphs, first = _story(page)
    if first is None or not paragraphs:
        return MainArticle((), published=published)
    lead = text[paragraphs[0].start : paragraphs[0].end]
    dateline = _DATELINE.match(lead)
    kept_chars = sum(p.end - p.start for p in paragraphs)
    return MainArticle(
        paragraphs=tuple(paragraphs),
        title=_title(text, paras[:first]),
        published=published,
        dateline=dateline.group(1) if dateline else None,
        chrome_chars=len(text) - kept_chars,
    )
