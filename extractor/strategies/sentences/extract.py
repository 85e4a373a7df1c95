"""Reading one article sentence by sentence: narrow questions to the model, rules for amounts.

Strategy (measured with the eval, see README): one call per sentence and record type for names,
a constrained-choice call for relations between names already found in that sentence, and
deterministic pre-extraction of amounts and quotations. A question is asked only when the
sentence carries a cue for it, which saves calls and removes a source of invented answers.
Each finding keeps the sentence it came from as its evidence; grounding checks it afterwards.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel

from extractor.chunk import Chunk, Span
from extractor.model_call import ModelCaller, ValidationExhausted
from extractor.prompting import PromptSet
from extractor.strategies.sentences.answers import (
    DealAnswer,
    ExportAnswer,
    deal_model,
    export_model,
    names_model,
    speaker_model,
)
from extractor.strategies.sentences.candidates import (
    INSTITUTION_NOUNS,
    candidates,
    common_words,
    institutions,
    model_text,
    program_names,
    titled_people,
)
from extractor.strategies.sentences.cues import coordinated, refers_back, states_relation
from extractor.strategies.sentences.names import (
    company_problem,
    full_program_name,
    occurs,
    organization_problem,
    person_problem,
    program_problem,
    snap,
    speaker_in,
    split_conjunction,
    without_determiner,
    without_title,
)
from extractor.strategies.sentences.preextract import (
    Amount,
    QuoteSpan,
    attribution,
    find_amounts,
    find_quotes,
)
from extractor_schemas.text import fold

B = TypeVar("B", bound=BaseModel)

_CUES = {
    "people": re.compile(
        r"\b(said|says|told|chairman|director|minister|officer|analyst|CEO|MD|"
        r"founder|chief|president|head|Prime)\b"
    ),
    # A body's head noun: never the name of one body, which would only find the bodies of the
    # articles it was read from. (Asking also where a source is cited, "according to", "data
    # from", asked 41 more questions and cost dev organizations 0.553 -> 0.441 partial credit.)
    "organizations": re.compile(
        rf"\b(?:{'|'.join(sorted(INSTITUTION_NOUNS))}|research\w*|government|agenc\w+)\b",
        re.IGNORECASE,
    ),
    "programs": re.compile(
        r"\b(scheme|program|programme|initiative|incentives?|policy)\b", re.IGNORECASE
    ),
    "export": re.compile(r"\bexport", re.IGNORECASE),
}
# The most text between two quotations of one speaker's: the first one's attribution.
_ATTRIBUTION_GAP = 160
# Text addressed to the model, not the reader: an "ignore the instructions" clause or an embedded
# JSON object. A name found only there is what a prompt injection asked for; grounding cannot
# refuse it, because the injection spells the name out in the article itself.
_INSTRUCTION = re.compile(
    r"\{[^{}]*\}|\b(?:ignore|disregard|forget)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?)\b"
    r"[^.!?\n]*",
    re.IGNORECASE,
)


@dataclass
class SentenceFindings:
    """What one sentence yielded; names are only those that occur in the sentence."""

    span: Span
    text: str
    companies: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    deal: DealAnswer | None = None
    deal_evidence: str | None = None
    export: ExportAnswer | None = None
    amounts: list[Amount] = field(default_factory=list)
    dropped: list[tuple[str, str, str]] = field(default_factory=list)
    # People a job title stands beside: a person, whatever the names questions answered.
    titled: list[str] = field(default_factory=list)
    # Bodies named by their head noun, each with its bracketed short form: not firms.
    institutions: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass
class ArticleFindings:
    sentences: list[SentenceFindings]
    quotes: list[tuple[QuoteSpan, str]]
    unanswered: list[str]


class SentenceReader:
    """Asks the model about one sentence at a time, through `ModelCaller`."""

    def __init__(self, caller: ModelCaller, prompts: PromptSet) -> None:
        self.caller = caller
        self.prompts = prompts
        # The list cap of every answer (`extraction.max_items`); it is part of each request.
        self.max_items = caller.config.extraction.max_items
        self.unanswered: list[str] = []
        self._common_words: tuple[str, frozenset[str]] | None = None

    def _common(self, document: str) -> frozenset[str]:
        """`candidates.common_words` of the document being read, computed once per document."""
        if self._common_words is None or self._common_words[0] is not document:
            self._common_words = (document, common_words(document))
        return self._common_words[1]

    async def _names(self, task: str, found: SentenceFindings, common: frozenset[str]) -> list[str]:
        try:
            answer = await self.caller.ask(
                names_model(self.max_items), self.prompts.render(task, found.text)
            )
        except ValidationExhausted as exc:
            self.unanswered.append(f"{task} at {found.span.start}: {exc}")
            return []
        kept = []
        taken = {fold(n) for n in found.companies + found.people}
        names = answer.names
        if task == "companies":
            names = [without_determiner(part) for n in names for part in split_conjunction(n)]
        if task == "people":
            names = [without_title(n) for n in names]
        for name in dict.fromkeys(self._as_written(n, found.text) for n in names):
            problem = self._problem(task, name, found.text, taken, common)
            if problem:
                found.dropped.append((task, name, problem))
            else:
                kept.append(full_program_name(name, found.text) if task == "programs" else name)
        return kept

    @staticmethod
    def _as_written(name: str, sentence: str) -> str:
        """The sentence's own span for a name the model copied slightly wrong (`names.snap`);
        a name it copied right, or one matching no span, is left for `_problem` to judge."""
        if occurs(name, sentence):
            return name
        return snap(name, candidates(sentence)) or name

    @staticmethod
    def _problem(
        task: str, name: str, sentence: str, taken: set[str], common: frozenset[str]
    ) -> str | None:
        """Why a name the model gave cannot be kept for this task, if it cannot."""
        if not occurs(name, sentence):
            return f"name {name!r} does not occur in its sentence"
        if not occurs(name, _INSTRUCTION.sub(" ", sentence)):
            return f"name {name!r} occurs only in text addressed to the model (prompt injection)"
        if task != "companies" and fold(name) in taken:
            return f"{name!r} was already named as a company or person"
        if task == "people":
            return person_problem(name, common)
        if task == "companies":
            return company_problem(name, common)
        if task == "organizations":
            return organization_problem(name)
        return program_problem(name, sentence)

    async def _choice(self, task: str, model: type[B], found: SentenceFindings) -> B | None:
        try:
            answer = await self.caller.ask(model, self.prompts.render(task, found.text))
        except ValidationExhausted as exc:
            self.unanswered.append(f"{task} at {found.span.start}: {exc}")
            return None
        return answer

    async def read(
        self, document: str, span: Span, context: SentenceFindings | None = None
    ) -> SentenceFindings:
        """One sentence; `context` (the sentence before) lets a relation span the two."""
        found = SentenceFindings(span, span.text(document))
        common = self._common(document)
        named = may_name_anyone(found.text, common)
        if named:
            found.companies = await self._names("companies", found, common)
            add_coordinated_firms(found, common)
        for task in ("people", "organizations", "programs"):
            if _CUES[task].search(found.text) and (named or task == "programs"):
                setattr(found, task, await self._names(task, found, common))
            if task == "people" and named:
                add_titled_people(found, common)
        if named:
            add_institutions(found, common)
        add_program_names(found)
        if len(set(found.companies)) >= 2:
            # Two firms named without a relation word are a mere mention (guidelines §6).
            if states_relation(found.text):
                found.deal = await self._choice("partnership", deal_model(found.companies), found)
        elif context is not None:
            await self._deal_across(document, found, context)
        if found.companies and _CUES["export"].search(found.text):
            model = export_model(found.companies, self.max_items)
            found.export = await self._choice("export", model, found)
        found.amounts = find_amounts(found.text, span.start)
        return found

    async def _deal_across(
        self, document: str, found: SentenceFindings, context: SentenceFindings
    ) -> None:
        """ "Both companies have plans to invest…": the parties are named in the sentence before.

        Asked only when this sentence speaks of a deal, refers back to its parties ("both
        companies", "the venture") and the two sentences together name two companies; the
        question and the evidence then cover both sentences. A sentence that merely follows one
        naming two firms is not about them: asking it gave a relation to any adjacent pair.
        """
        names = list(dict.fromkeys(context.companies + found.companies))
        if len(names) < 2 or not states_relation(found.text) or not refers_back(found.text):
            return
        joined = SentenceFindings(
            Span(context.span.start, found.span.end), document[context.span.start : found.span.end]
        )
        found.deal = await self._choice("partnership", deal_model(names), joined)
        if found.deal is not None:
            found.deal_evidence = joined.text

    async def speaker(self, document: str, quote: QuoteSpan, names: list[str]) -> str | None:
        """Who said a quote, chosen among names found around it; None when there is no one."""
        if not names:
            return None
        window = document[max(0, quote.start - 200) : quote.end + 200]
        found = SentenceFindings(Span(quote.start, quote.end), window)
        answer = await self._choice("speaker", speaker_model(names), found)
        return answer.speaker if answer else None


def _speaker_candidates(nearby: list[SentenceFindings]) -> list[str]:
    """People quoted nearby if there are any; firms and bodies only when no person is named
    (a company can speak through a statement, but a named person beside a quote is its voice)."""
    people = list(dict.fromkeys(n for s in nearby for n in s.people))
    if people:
        return people
    return list(dict.fromkeys(n for s in nearby for n in s.companies + s.organizations))


async def read_article(
    reader: SentenceReader, document: str, chunks: list[Chunk], main: tuple[int, int]
) -> ArticleFindings:
    sentences: list[SentenceFindings] = []
    for chunk in chunks:
        # The chunk's context is the previous chunk's last sentence, already read.
        context = sentences[-1] if sentences and chunk.context is not None else None
        sentences.append(await reader.read(document, chunk.focus, context))
    quotes: list[tuple[QuoteSpan, str]] = []
    speaker: str | None = None
    people = list(dict.fromkeys(n for s in sentences for n in s.people))
    previous: QuoteSpan | None = None
    for quote in find_quotes(document, *main):
        # A carried-on paragraph is the same speaker's, and so is a quotation that resumes right
        # after the previous one's attribution ("“…,” said X. “…”"): neither is asked again.
        if not quote.continued and not _resumes(document, previous, quote, speaker):
            said = attribution(document, quote)
            speaker = speaker_in(said, people) if said else None
            if speaker is None:
                nearby = [
                    s
                    for s in sentences
                    if s.span.end >= quote.start - 200 and s.span.start <= quote.end + 200
                ]
                speaker = await reader.speaker(document, quote, _speaker_candidates(nearby))
        if speaker:
            quotes.append((quote, speaker))
        previous = quote
    return ArticleFindings(sentences, quotes, reader.unanswered)


def _resumes(
    document: str, previous: QuoteSpan | None, quote: QuoteSpan, speaker: str | None
) -> bool:
    """Whether a quotation resumes the one before within its paragraph, with nothing between
    them but that one's attribution, and no attribution of its own."""
    if previous is None or speaker is None or attribution(document, quote) is not None:
        return False
    between = document[previous.end : quote.start]
    return (
        "\n" not in between
        and len(between) <= _ATTRIBUTION_GAP
        and attribution(document, previous) is not None
    )


def may_name_anyone(sentence: str, common: frozenset[str]) -> bool:
    """Whether a sentence can name a firm, a person or a body at all.

    A sentence with no name-shaped span ("Exports rose 40% in the quarter.") names no one, so the
    names question is not asked: the answer must hold a name, and the 270M model then invents
    one. Letters of a script without case (Chinese, Devanagari) cannot be judged by capitals, so
    such a sentence is always asked.
    """
    if candidates(model_text(sentence), common):
        return True
    return any(unicodedata.category(ch) == "Lo" for ch in sentence)


def add_titled_people(found: SentenceFindings, common: frozenset[str]) -> None:
    """Adds every name a job title stands beside (`titled_people`) to the sentence's people.

    The 270M model misses names in lists of titles ("president A, chief financial officer B"),
    lists a titled person as a company, and is asked for people only where a cue word stands; a
    title in apposition is English grammar's own mark of a person, so it decides. A titled name
    the model gave shorter ("Ravi Kumar" of "Ravi Kumar Gupta") is replaced by it.
    """
    for name in titled_people(model_text(found.text), common):
        if person_problem(name, common) is not None:
            continue
        found.titled.append(name)
        found.companies = [c for c in found.companies if fold(c) != fold(name)]
        found.people = [p for p in found.people if not _shorter_form(p, name)]
        found.people.append(name)


def _shorter_form(name: str, longer: str) -> bool:
    return fold(longer) == fold(name) or fold(longer).startswith(fold(name) + " ")


def add_institutions(found: SentenceFindings, common: frozenset[str]) -> None:
    """Adds the bodies the sentence names by their head noun (`candidates.institutions`) to its
    organizations, and takes them and their short forms out of its companies.

    The 270M model lists "MeitY" and "India Cellular & Electronics Association (ICEA)" as
    companies and is asked for organizations only where a cue word stands; a ministry, a
    registrar or an association is an organization by the noun that heads its name.
    """
    for name, short in institutions(model_text(found.text), common):
        if organization_problem(name) is not None:
            continue
        found.institutions.append((name, short))
        forms = {fold(name)} | ({fold(short)} if short else set())
        found.companies = [
            c
            for c in found.companies
            if fold(c) not in forms and not fold(c).startswith(fold(name))
        ]
        found.organizations = [o for o in found.organizations if fold(o) not in forms]
        found.organizations.append(name)


def add_program_names(found: SentenceFindings) -> None:
    """Adds the programs the sentence names by a program noun (`candidates.program_names`),
    each replacing a shorter form the model gave of it ("PLI scheme" of "PLI scheme for IT
    hardware"): the model copies the head of a long lowercase name and drops what it is for."""
    for name in program_names(model_text(found.text)):
        if not occurs(name, found.text):
            continue
        found.programs = [p for p in found.programs if fold(p) not in fold(name)]
        found.programs.append(name)


def add_coordinated_firms(found: SentenceFindings, common: frozenset[str]) -> None:
    """Adds the names a list joins to a firm the model named: a list is of one sort, so in
    "Padget assembles phones for Xiaomi and Motorola" Motorola is a firm too. The 270M model
    often copies the first one or two members of a list and stops.
    """
    spans = candidates(model_text(found.text), common)
    taken = {fold(c) for c in found.companies}
    for firm in list(found.companies):
        for member in coordinated(model_text(found.text), firm, spans):
            if (
                fold(member) not in taken
                and occurs(member, found.text)
                and company_problem(member, common) is None
                and not _opens_with(found.text, member)
            ):
                found.companies.append(member)
                taken.add(fold(member))


def _opens_with(sentence: str, word: str) -> bool:
    """ "Separately, Xiaomi and …": a sentence adverb before a comma, not a list member."""
    return re.match(rf"\s*{re.escape(word)}\s*,", sentence) is not None and " " not in word
