"""The sentence reader: which questions it asks the model, with a fake caller answering.

The fake answers as a model would (fixed names per sentence, a deal among the names it may
choose); the reader under test decides which questions are asked and over which text.
"""

from __future__ import annotations

import asyncio
from typing import TypeVar

import pytest
from pydantic import BaseModel

from extractor.chunk import chunk
from extractor.chunk import sentences as sentences_of
from extractor.config import RunConfig
from extractor.isolate import MainArticle, Paragraph
from extractor.strategies.sentences.extract import ArticleFindings, SentenceReader, read_article

T = TypeVar("T", bound=BaseModel)


# --- The relation question across two sentences (issue 10, helper C) ----------------------------


class _RelationPrompts:
    """Each prompt is its task and the text asked about, so the fake can answer by them."""

    id = "relations"

    def render(self, task: str, sentence: str) -> str:
        return f"{task}\n{sentence}"


class _RelationCaller:
    """A fake model: the companies a sentence names (fixed per sentence), and a deal between the
    first two names it may choose from. The code under test decides what is asked."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names
        self.config = RunConfig()
        self.asked: list[tuple[str, str]] = []

    async def ask(self, response_model: type[T], prompt: str) -> T:
        task, text = prompt.split("\n", 1)
        self.asked.append((task, text))
        if task == "companies":
            # A sentence naming no firm gets an invented name, which the reader drops.
            return response_model.model_validate({"names": self.names.get(text, ["Nobody"])})
        if "names" in response_model.model_fields:  # people, organizations, programs
            return response_model.model_validate({"names": ["Nobody"]})
        choices = response_model.model_json_schema()["properties"]["brand"]["enum"]
        return response_model.model_validate(
            {
                "brand": choices[0],
                "partner": choices[1],
                "kind": "contract_manufacturing",
                "status": "in_talks",
            }
        )


def _read(caller: _RelationCaller, text: str) -> ArticleFindings:
    """The whole text read as one article, each of its lines a paragraph."""
    reader = SentenceReader(caller, _RelationPrompts())  # type: ignore[arg-type]
    main = MainArticle(tuple(Paragraph(start, end) for start, end in _lines(text)))
    chunks = chunk(sentences_of(text, main.paragraphs), 0)
    return asyncio.run(read_article(reader, text, chunks, (0, len(text))))


def _lines(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for line in text.split("\n"):
        spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


def _partnership_questions(sentences: list[str], names: dict[str, list[str]]) -> list[str]:
    caller = _RelationCaller(names)
    _read(caller, " ".join(sentences))
    return [asked for task, asked in caller.asked if task == "partnership"]


_FIRST = "Brindle has signed a manufacturing deal with Qorvane."
_NAMES = {
    _FIRST: ["Brindle", "Qorvane"],
    "Brindle and Qorvane met officials.": ["Brindle", "Qorvane"],
}


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        # The later sentence refers back to the parties: asked over both sentences.
        (
            [_FIRST, "Both companies will invest in component manufacturing."],
            [_FIRST, f"{_FIRST} Both companies will invest in component manufacturing."],
        ),
        (
            ["Brindle and Qorvane met officials.", "The venture will invest ₹100 crore."],
            ["Brindle and Qorvane met officials. The venture will invest ₹100 crore."],
        ),
        # Merely adjacent: a relation word, but no reference back to the parties.
        ([_FIRST, "Exports of manufactured phones rose."], [_FIRST]),
        # Two firms named without a relation word: not asked at all.
        (["Brindle and Qorvane met officials.", "Revenue rose."], []),
    ],
)
def test_a_relation_is_asked_across_two_sentences_only_when_the_second_refers_back(
    sentences: list[str], expected: list[str]
) -> None:
    assert _partnership_questions(sentences, _NAMES) == expected


# --- Names the model copied slightly wrong ------------------------------------------------------


def _companies_kept(sentence: str, answer: list[str]) -> tuple[list[str], list[str]]:
    only = _read(_RelationCaller({sentence: answer}), sentence).sentences[0]
    return only.companies, [name for _, name, _ in only.dropped]


@pytest.mark.parametrize(
    ("answer", "kept", "dropped"),
    [
        (["Brindlle Systems", "Qorvane"], ["Brindle Systems", "Qorvane"], []),
        (["Brindle Systems Corp"], ["Brindle Systems"], []),
        (["Brindle Systems", "Samsung"], ["Brindle Systems"], ["Samsung"]),
    ],
)
def test_a_slightly_wrong_copy_is_kept_as_the_text_writes_it(
    answer: list[str], kept: list[str], dropped: list[str]
) -> None:
    """What is kept is always the sentence's own span; a name it does not hold is dropped."""
    sentence = "Brindle Systems makes phones for Qorvane in Pune."
    assert _companies_kept(sentence, answer) == (kept, dropped)


class _SpeakerCaller(_RelationCaller):
    """Names "Kiran Talwen" as a person in every sentence and answers every speaker question
    with the first name offered, counting the questions."""

    async def ask(self, response_model: type[T], prompt: str) -> T:
        task, text = prompt.split("\n", 1)
        self.asked.append((task, text))
        if "names" in response_model.model_fields:
            names = ["Kiran Talwen"] if task == "people" else ["Brindle"]
            return response_model.model_validate({"names": names})
        offered = response_model.model_json_schema()["properties"]["speaker"]
        choices = offered.get("enum") or [offered["const"]]  # one name is a const
        return response_model.model_validate({"speaker": choices[0]})


def test_a_quotation_carried_on_over_paragraphs_keeps_its_speaker_without_asking_again() -> None:
    text = (
        "Kiran Talwen, chairman of Brindle, said in a statement:\n"
        "“Our plant will double its output over the next two years.\n"
        "“Exports will follow once the second line is running.\n"
        "“We will hire locally,” the chairman said."
    )
    caller = _SpeakerCaller({})
    found = _read(caller, text)
    assert [speaker for _, speaker in found.quotes] == ["Kiran Talwen"] * 3
    assert [task for task, _ in caller.asked].count("speaker") == 1


# --- No names question for a sentence that names no one ------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "asked"),
    [
        ("Exports rose 40% in the quarter to March.", False),  # "exports" is lowercase below
        ("The company said demand was strong.", False),  # "The" starts the sentence only
        ("Shipments of phones fell, the ministry said.", False),
        ("Kestrin Systems will make phones in India.", True),
        ("Phones made by Kestrin rose 40%.", True),
        ("Its partner, iQOO, said demand was strong.", True),  # mixed case is a name
        ("小米 will make phones in India.", True),  # a caseless script is always asked
    ],
)
def test_the_names_question_is_asked_only_where_a_name_can_stand(
    sentence: str, asked: bool
) -> None:
    # The second line writes the words lowercase, as an article does, so that a capital at the
    # sentence's start reads as the start's (`candidates.common_words`).
    caller = _RelationCaller({})
    _read(caller, f"{sentence}\nexports, shipments and phones are sold.")
    assert (("companies", sentence) in caller.asked) is asked


def test_a_titled_name_is_a_person_even_where_the_model_named_it_a_company() -> None:
    sentence = "The panel included secretary Arun Dev and additional secretary Mira Talwen."
    caller = _RelationCaller({sentence: ["Mira Talwen"]})
    found = _read(caller, sentence).sentences[0]
    assert (found.people, found.companies) == (["Arun Dev", "Mira Talwen"], [])
    assert ("people", sentence) not in caller.asked  # no cue word: found by the title alone


def test_a_body_named_by_its_head_noun_is_an_organization_not_a_company() -> None:
    sentence = "The Tarvin Cellular & Electronics Association (TCEA) and Kestrin Systems met."
    caller = _RelationCaller({sentence: ["TCEA", "Kestrin Systems"]})
    found = _read(caller, sentence).sentences[0]
    assert found.companies == ["Kestrin Systems"]
    assert found.organizations == ["Tarvin Cellular & Electronics Association"]
    assert found.institutions == [("Tarvin Cellular & Electronics Association", "TCEA")]


def test_an_attributed_quotation_is_not_asked_and_its_resumption_keeps_the_speaker() -> None:
    text = (
        "Kestrin CEO Mira Talwen spoke on Monday.\n"
        '"We will make phones here," said Mira Talwen, chief executive of Kestrin. "We will '
        'export them too."\n'
        '"The plan is a good one for the state," an industry executive said.'
    )
    caller = _RelationCaller({})
    found = _read(caller, text)
    assert [speaker for _, speaker in found.quotes] == [
        "Mira Talwen",
        "Mira Talwen",
        "an industry executive",
    ]
    assert not any(task == "speaker" for task, _ in caller.asked)


@pytest.mark.parametrize(
    ("sentence", "asked"),
    [
        ("The Tarvin Commission fined Kestrin Systems.", True),  # a body's head noun
        ("Kestrin Systems told the Tarvin government so.", True),
        ("Kestrin Systems told Brindle so.", False),  # no body's noun: a name alone is no cue
    ],
)
def test_the_organizations_question_is_asked_where_a_bodys_noun_stands(
    sentence: str, asked: bool
) -> None:
    caller = _RelationCaller({sentence: ["Kestrin Systems"]})
    _read(caller, sentence)
    assert (("organizations", sentence) in caller.asked) is asked


@pytest.mark.parametrize(
    ("sentence", "answer", "companies"),
    [
        (
            "Qorvane assembles phones for Brindle and Tessaly.",
            ["Qorvane", "Brindle"],
            ["Qorvane", "Brindle", "Tessaly"],
        ),
        (
            "Qorvane makes phones for Brindle, Tessaly and Vexa Mobile.",
            ["Qorvane", "Tessaly"],
            ["Qorvane", "Tessaly", "Brindle", "Vexa Mobile"],
        ),
        ("Separately, Brindle and Tessaly met.", ["Tessaly"], ["Tessaly", "Brindle"]),
        ("Brindle ships phones to Nepal and Bangladesh.", ["Brindle"], ["Brindle"]),  # places
    ],
)
def test_a_list_joined_to_a_firm_is_of_firms(
    sentence: str, answer: list[str], companies: list[str]
) -> None:
    caller = _RelationCaller({sentence: answer})
    assert _read(caller, sentence).sentences[0].companies == companies
