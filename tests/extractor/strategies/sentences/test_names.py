"""Name checks: what a name can be, and whether it is in its sentence however the text is typed.

The article may be decomposed (NFD), carry soft hyphens or zero-width spaces inside words, or use
curly quotes where the model writes straight ones; none of that changes which names it holds.
"""

from __future__ import annotations

import asyncio
import unicodedata
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel, ValidationError

from extractor.chunk import chunk, sentences
from extractor.config import ExtractionConfig, RunConfig
from extractor.grounding import ground_record
from extractor.isolate import MainArticle, Paragraph
from extractor.strategies.sentences.assemble import assemble
from extractor.strategies.sentences.candidates import candidates, common_words
from extractor.strategies.sentences.extract import SentenceReader, read_article
from extractor.strategies.sentences.names import (
    company_problem,
    core_name,
    full_program_name,
    is_corporate,
    is_place,
    occurs,
    organization_problem,
    person_problem,
    program_problem,
    program_tail,
    snap,
    speaker_in,
    split_conjunction,
    without_determiner,
    without_title,
)
from extractor_schemas.records import ArticleRecord

T = TypeVar("T", bound=BaseModel)
SHY, ZWSP = "\u00ad", "\u200b"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("Xiaomi", "Xiaomi makes phones", True),
        ("xiaomi", "XIAOMI makes phones", True),
        ("Nestlé", nfd("Nestlé makes coffee"), True),
        (nfd("Nestlé"), "Nestlé makes coffee", True),
        ("Dixon Technologies", f"Dixon Tech{SHY}nologies makes phones", True),
        ("Dixon Technologies", f"Dixon{ZWSP} Technologies makes phones", True),
        ("Xiaomi's India unit", "Xiaomi’s India unit grew", True),
        ("Make in India", "the ‘Make in India’ push", True),
        ("Dixon  Technologies", "Dixon\nTechnologies", True),
        ("Nestle", "Nestlé makes coffee", False),
        ("Nestlé", "Nestle makes coffee", False),
        ("Foxconn", "Dixon makes phones", False),
        (SHY, "Dixon makes phones", False),
    ],
)
def test_occurs(name: str, text: str, expected: bool) -> None:
    assert occurs(name, text) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("India", True),
        ("West Asia", True),
        ("the US", True),
        ("Southeast Asia", True),
        ("(India)", True),
        ("INDIA", True),
        (f"In{SHY}dia", True),
        ("Xiaomi India", False),
        ("Indian Railways", False),
        ("", False),
    ],
)
def test_is_place(name: str, expected: bool) -> None:
    assert is_place(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dixon Technologies India Ltd", True),
        ("Xiaomi Corp.", True),
        ("Lenovo Group", True),
        ("Xiaomi Technology India Private Limited", True),
        ("Padget Electronics Pvt.", True),
        ("Siemens AG", True),
        (f"Foxconn L{SHY}td", True),
        ("Dixon Technologies", False),
        ("Ajay Singhania", False),
        ("", False),
    ],
)
def test_is_corporate(name: str, expected: bool) -> None:
    assert is_corporate(name) is expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Xiaomi Corp", "Xiaomi"),
        ("Xiaomi Corp.", "XIAOMI"),
        ("Xiaomi India", "Xiaomi"),
        ("Realme Mobile Telecommunications (India)", "Realme Mobile Telecommunications"),
        ("Xiaomi Technology India Private Limited", "Xiaomi Technology"),
        ("Nestlé India Ltd", nfd("Nestlé")),
        (f"Dixon Tech{SHY}nologies Ltd", "Dixon Technologies"),
    ],
)
def test_core_name_is_the_same_for_forms_of_one_firm(a: str, b: str) -> None:
    assert core_name(a) == core_name(b)


@pytest.mark.parametrize(
    ("a", "b"), [("Xiaomi", "Oppo"), ("Dixon Technologies", "Dixon"), ("Group", "Holdings")]
)
def test_core_name_keeps_firms_apart(a: str, b: str) -> None:
    assert core_name(a) != core_name(b)


def test_core_name_keeps_at_least_one_word() -> None:
    assert core_name("Group") == "group"


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Dixon and Foxconn", ["Dixon", "Foxconn"]),
        ("Oppo, Vivo and Realme", ["Oppo", "Vivo", "Realme"]),
        ("Research and development", ["Research and development"]),
        ("Xiaomi", ["Xiaomi"]),
    ],
)
def test_split_conjunction(name: str, parts: list[str]) -> None:
    assert split_conjunction(name) == parts


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Xiaomi", None),
        ("Nestlé", None),
        ("India", "is a place"),
        ("FY24", "contains digits"),
        ("the company", "not a proper name"),
        ("Beijing-based", "describes a location"),
    ],
)
def test_company_problem(name: str, problem: str | None) -> None:
    found = company_problem(name)
    assert found is None if problem is None else found is not None and problem in found


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Ajay Singhania", True),
        ("José Martínez", True),
        ("Muralikrishnan B", True),
        ("Singhania", False),
        ("Dixon Technologies Ltd", False),
        ("West Asia", False),
        ("Ajay singhania", False),
    ],
)
def test_person_problem(name: str, ok: bool) -> None:
    assert (person_problem(name) is None) is ok


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Ministry of Electronics and IT", True),
        ("India", False),
        ("Dixon Technologies Ltd", False),
        ("Lenovo Group", False),
    ],
)
def test_organization_problem(name: str, ok: bool) -> None:
    assert (organization_problem(name) is None) is ok


PROGRAM_SENTENCES = [
    # (name, sentence, program word found, full name as the article writes it)
    ("PLI scheme", "the PLI scheme helped", True, "PLI scheme"),
    ("Make in India", "the ‘Make in India’ initiative grew", True, "‘Make in India’ initiative"),
    ("Make in India", 'the "Make in India" initiative grew', True, '"Make in India" initiative'),
    (
        "Make in India",
        f"the ‘Make in In{SHY}dia’ initiative grew",
        True,
        f"‘Make in In{SHY}dia’ initiative",
    ),
    ("MAKE IN INDIA", "the Make in India initiative", True, "Make in India initiative"),
    ("Make in India", nfd("the Make in India policy of Modi’s"), True, "Make in India policy"),
    ("Make in India", "Make in India grew", False, "Make in India"),
    ("Digital India", "nothing of it here", False, "Digital India"),
]


@pytest.mark.parametrize(("name", "sentence", "ok", "full"), PROGRAM_SENTENCES)
def test_program_names(name: str, sentence: str, ok: bool, full: str) -> None:
    assert (program_problem(name, sentence) is None) is ok
    assert full_program_name(name, sentence) == full


def test_program_tail_follows_the_name_as_written() -> None:
    sentence = f"the Make in In{SHY}dia’ initiative grew"
    assert program_tail("Make in India", sentence) == "’ initiative g"


# ---------------------------------------------------------------------------------------------
# A sentence read with scripted model answers: the name checks, assembly and grounding together.


class TaskPrompts:
    """A prompt that names its task on its first line, so the script knows what is asked."""

    id = "scripted"

    def render(self, task: str, sentence: str) -> str:
        return f"{task}\n{sentence}"


class ScriptedCaller:
    """Answers each task as scripted, as the model would, validated by the response model."""

    def __init__(self, answers: dict[str, dict[str, Any]], max_items: int = 4) -> None:
        self.answers = answers
        self.config = RunConfig(extraction=ExtractionConfig(max_items=max_items))
        self.asked: list[tuple[str, type[BaseModel]]] = []

    async def ask(self, response_model: type[T], prompt: str) -> T:
        task = prompt.split("\n", 1)[0]
        self.asked.append((task, response_model))
        return response_model.model_validate(self.answers[task])


def extract_with(caller: ScriptedCaller, text: str) -> ArticleRecord:
    reader = SentenceReader(caller, TaskPrompts())  # type: ignore[arg-type]
    main = MainArticle((Paragraph(0, len(text)),))
    chunks = chunk(sentences(text, main.paragraphs), 0)
    findings = asyncio.run(read_article(reader, text, chunks, (0, len(text))))
    return ground_record(assemble("doc", main, findings), text).record


ARTICLE = "Nestlé signed a contract manufacturing agreement with Dixon Technologies."
ANSWERS: dict[str, dict[str, Any]] = {
    # What a model writes: composed letters, no soft hyphen.
    "companies": {"names": ["Nestlé", "Dixon Technologies"]},
    "partnership": {
        "brand": "Nestlé",
        "partner": "Dixon Technologies",
        "kind": "contract_manufacturing",
        "status": "agreed",
    },
}


@pytest.mark.parametrize(
    "text",
    [
        ARTICLE,
        nfd(ARTICLE),
        ARTICLE.replace("Technologies", f"Tech{SHY}nologies"),
        nfd(ARTICLE).replace("Dixon", f"Di{ZWSP}xon"),
    ],
    ids=["as-typed", "nfd", "soft-hyphen", "nfd-and-zero-width"],
)
def test_an_article_however_typed_keeps_its_companies_and_partnership(text: str) -> None:
    record = extract_with(ScriptedCaller(ANSWERS), text)
    assert sorted(c.name for c in record.companies) == ["Dixon Technologies", "Nestlé"]
    assert [(p.brand, p.partner) for p in record.partnerships] == [("Nestlé", "Dixon Technologies")]
    assert all(record.partnerships[0].span == c.span for c in record.companies)


@pytest.mark.parametrize("cap", [1, 2, 4, 7])
def test_the_reader_asks_with_the_configured_list_cap(cap: int) -> None:
    """`extraction.max_items` reaches every list answer the reader asks for."""
    text = "Nestlé exports phones to the US, with Dixon Technologies."
    answers = {
        "companies": {"names": ["Nestlé"]},
        "export": {"exporter": "Nestlé", "destinations": ["the US"], "status": "ongoing"},
    }
    caller = ScriptedCaller(answers, max_items=cap)
    extract_with(caller, text)
    caps = {
        task: model.model_json_schema()["properties"][field]["maxItems"]
        for task, model in caller.asked
        for field in ("names", "destinations")
        if field in model.model_fields
    }
    assert caps == {"companies": cap, "export": min(cap, 3)}


def test_a_model_listing_more_names_than_the_cap_is_refused() -> None:
    answers = {"companies": {"names": ["Nestlé", "Dixon Technologies", "Oppo"]}}
    caller = ScriptedCaller(answers, max_items=2)
    with pytest.raises(ValidationError):
        extract_with(caller, "Nestlé and Dixon Technologies and Oppo met.")


_SNAP_SENTENCE = (
    "Norvale Devices said its MD Kiran P Talwen met Kestrin’s India head and Tavrel Electronics "
    "at the Vexa Components plant on Monday."
)


@pytest.mark.parametrize(
    ("answer", "snapped"),
    [
        ("Norvalle Devices", "Norvale Devices"),  # a doubled letter
        ("Norvael Devices", "Norvale Devices"),  # two letters swapped
        ("Kestrinn", "Kestrin"),
        ("Tavrel Electronics Inc", "Tavrel Electronics"),  # a legal form the text does not write
        ("Tavrel Electronic Ltd", "Tavrel Electronics"),  # and a slip
        ("K.Talwen", "Kiran P Talwen"),  # an initial run into the surname
        ("K. P. Talwen", "Kiran P Talwen"),
        ("Kiran Talwen", "Kiran P Talwen"),  # the middle initial left out
        ("Samsung", None),  # a name the sentence does not hold at all
        ("Nerva Dynamics", None),  # too far from every span
        ("Vexa", None),  # a part of a span is not a slip of it
        ("A.Talwen", None),  # another first initial
        ("Kiran Mehta", None),  # another surname
    ],
)
def test_a_slightly_wrong_copy_snaps_to_the_sentences_own_span(
    answer: str, snapped: str | None
) -> None:
    assert snap(answer, candidates(_SNAP_SENTENCE)) == snapped


def test_two_equally_close_spans_snap_to_neither() -> None:
    assert snap("Vexa Parts", ["Vexa Carts", "Vexa Darts"]) is None


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        ("Norvale MD Kiran Talwen", "Kiran Talwen"),  # organization and title copied with it
        ("Chief Executive Kiran P Talwen", "Kiran P Talwen"),
        ("Vice Chairman & MD Kiran Talwen", "Kiran Talwen"),
        ("Dr. Mira Talwen", "Mira Talwen"),
        ("Norvale Vice-Chairman Kiran B Talwen", "Kiran B Talwen"),  # a hyphenated title
        ("Kiran P Talwen", "Kiran P Talwen"),  # no title: as given
        ("Deputy Governor Talwen", "Deputy Governor Talwen"),  # a surname alone is no name
    ],
)
def test_a_persons_name_drops_the_title_copied_with_it(answer: str, name: str) -> None:
    assert without_title(answer) == name


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Norvale Electronics", False),  # the article writes "electronics": a common noun
        ("Kiran Talwen", True),
        ("Kiran Joy Talwen", True),  # "joy" is not written lowercase in this article
    ],
)
def test_a_personal_name_holds_no_word_the_article_writes_lowercase(name: str, ok: bool) -> None:
    common = common_words("Shipments of electronics rose sharply. The firm grew.")
    assert (person_problem(name, common) is None) is ok


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Norvale Systems", None),
        ("Norvale group", None),  # a legal form may be lowercase
        ("Ministry of Electronics and Information Technology", None),  # connectors
        ("Mumbai-based family office", "holds a common noun"),
        ("Total disbursals", "holds a common noun"),
        ("Appliances", "writes lowercase"),  # the article writes "appliances"
        ("We", "writes lowercase"),
        ("Kestrin", None),
    ],
)
def test_a_firms_name_is_a_proper_name(name: str, problem: str | None) -> None:
    common = common_words("We make appliances, and we grew.")
    found = company_problem(name, common)
    assert (found is None) if problem is None else (found is not None and problem in found)


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("All Norvale", "Norvale"),
        ("its Norvale unit", "Norvale unit"),
        ("The Norvale Times", "The Norvale Times"),  # "the" can begin a name
        ("All", "All"),
        ("Norvale", "Norvale"),
    ],
)
def test_without_determiner(name: str, bare: str) -> None:
    assert without_determiner(name) == bare


@pytest.mark.parametrize(
    ("who", "speaker"),
    [
        ("Mira Talwen, chief executive of Kestrin", "Mira Talwen"),
        ("Kestrin vice-chairman Arun B Dev in a statement, which named Mira Talwen", "Arun B Dev"),
        ("Talwen", "Mira Talwen"),  # a surname alone, one person of the article bears it
        ("Dev", "Arun B Dev"),  # "Arun Dev" and "Arun B Dev" are one person
        ("Rao", None),  # nobody of the article
        ("an industry executive", "an industry executive"),  # a source described, as written
        ("A Kestrin spokesperson", "A Kestrin spokesperson"),
        ("he", None),
        ("the filing", None),
    ],
)
def test_speaker_in(who: str, speaker: str | None) -> None:
    assert speaker_in(who, ["Mira Talwen", "Arun B Dev", "Arun Dev"]) == speaker
