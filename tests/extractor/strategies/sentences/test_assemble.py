"""`assemble` from serialised findings: what the rules make of fixed model answers.

Each case is a small dict form of `ArticleFindings` (sentences with the companies and the deal
answer the model gave for them), run through `assemble` and checked field by field, so a rule
change shows exactly which record moved, without a live re-record. Names are invented.
"""

from __future__ import annotations

from typing import Any

import pytest

from extractor.chunk import Span
from extractor.isolate import MainArticle, Paragraph
from extractor.strategies.sentences.answers import DealAnswer
from extractor.strategies.sentences.assemble import assemble
from extractor.strategies.sentences.extract import ArticleFindings, SentenceFindings
from extractor.strategies.sentences.preextract import find_amounts
from extractor_schemas import ArticleRecord

Serialised = list[dict[str, Any]]


def findings_from(sentences: Serialised) -> tuple[str, ArticleFindings]:
    """The document (sentences joined by a space) and its findings, spans into it.

    A sentence's "deal" is the model's answer: [brand, partner, kind, status]. "across": true
    marks a deal asked over this sentence and the one before (its evidence spans both).
    """
    document, found = "", []
    for item in sentences:
        start = len(document) + (1 if document else 0)
        document = f"{document} {item['text']}" if document else item["text"]
        deal = item.get("deal")
        finding = SentenceFindings(
            Span(start, len(document)),
            item["text"],
            companies=list(item.get("companies", [])),
            deal=DealAnswer(brand=deal[0], partner=deal[1], kind=deal[2], status=deal[3])
            if deal
            else None,
        )
        if item.get("across"):
            finding.deal_evidence = document[found[-1].span.start : len(document)]
        found.append(finding)
    return document, ArticleFindings(found, [], [])


def run(sentences: Serialised) -> ArticleRecord:
    document, findings = findings_from(sentences)
    return assemble("doc", MainArticle((Paragraph(0, len(document)),)), findings)


def partnerships(record: ArticleRecord) -> list[tuple[str, str, str, str]]:
    return [(p.brand, p.partner, p.kind.value, p.status.value) for p in record.partnerships]


def parents(record: ArticleRecord) -> dict[str, str]:
    return {c.name: c.parent for c in record.companies if c.parent}


CM = "contract_manufacturing"
CASES: list[tuple[str, Serialised, list[tuple[str, str, str, str]], dict[str, str]]] = [
    (
        "a signed agreement outranks a proposal beside it",
        [
            {
                "text": "Brindle has signed an agreement with Qorvane for the proposed plant.",
                "companies": ["Brindle", "Qorvane"],
                "deal": ["Brindle", "Qorvane", CM, "in_talks"],
            }
        ],
        [("Brindle", "Qorvane", CM, "agreed")],
        {},
    ),
    (
        "extending a partnership is operational",
        [
            {
                "text": "Brindle is planning to extend its partnership with Qorvane.",
                "companies": ["Brindle", "Qorvane"],
                "deal": ["Brindle", "Qorvane", CM, "in_talks"],
            }
        ],
        [("Brindle", "Qorvane", CM, "operational")],
        {},
    ),
    (
        "no cue: the model's status stands",
        [
            {
                "text": "Brindle and Qorvane will work together on tablets.",
                "companies": ["Brindle", "Qorvane"],
                "deal": ["Brindle", "Qorvane", "other", "in_talks"],
            }
        ],
        [],
        {},
    ),
    (
        "a negated relation is no partnership",
        [
            {
                "text": "Qorvane said it has no plans to invest in Brindle.",
                "companies": ["Qorvane", "Brindle"],
                "deal": ["Brindle", "Qorvane", CM, "in_talks"],
            }
        ],
        [],
        {},
    ),
    (
        "two firms without a relation word are a mere mention",
        [
            {
                "text": "Brindle and Qorvane declined to comment.",
                "companies": ["Brindle", "Qorvane"],
                "deal": ["Brindle", "Qorvane", CM, "in_talks"],
            }
        ],
        [],
        {},
    ),
    (
        "two members of a list of peers are no partnership",
        [
            {
                "text": "Brands like Brindle, Qorvane, Tesk and Ulmo are partnering with locals.",
                "companies": ["Brindle", "Qorvane"],
                "deal": ["Brindle", "Qorvane", CM, "in_talks"],
            }
        ],
        [],
        {},
    ),
    (
        "the grammar decides direction over the model",
        [
            {
                "text": "Qorvane also manufactures smartphones for Chinese firm Brindle.",
                "companies": ["Qorvane", "Brindle"],
                "deal": ["Qorvane", "Brindle", CM, "in_talks"],
            }
        ],
        [("Brindle", "Qorvane", CM, "operational")],
        {},
    ),
    (
        "a unit and its parent are not partners; the unit gets its parent",
        [
            {
                "text": "Qorvane Tech, a wholly owned subsidiary of Brindle Group, makes phones.",
                "companies": ["Qorvane Tech", "Brindle Group"],
                "deal": ["Brindle Group", "Qorvane Tech", CM, "operational"],
            },
            {
                "text": "Qorvane Tech assembles phones for Ulmo.",
                "companies": ["Qorvane Tech", "Ulmo"],
                "deal": ["Qorvane Tech", "Ulmo", CM, "in_talks"],
            },
        ],
        [("Ulmo", "Qorvane Tech", CM, "operational")],
        {"Qorvane Tech": "Brindle Group"},
    ),
    (
        "work through a subsidiary named elsewhere has the subsidiary as partner",
        [
            {
                "text": "Brindle said it has entered into a partnership with Ulmo through its "
                "subsidiary Qorvane, which involves assembling smartphones.",
                "companies": ["Brindle", "Ulmo"],
                "deal": ["Ulmo", "Brindle", CM, "in_talks"],
            },
            {
                "text": "The deal with Qorvane comes months after Ulmo opened stores.",
                "companies": ["Qorvane", "Ulmo"],
            },
        ],
        [("Ulmo", "Qorvane", CM, "agreed")],
        {"Qorvane": "Brindle"},
    ),
    (
        "a deal with a unit named with its parent has the unit as partner",
        [
            {
                "text": "Ulmo has signed an agreement with Qorvane Ltd, a wholly owned "
                "subsidiary of Brindle, to make washing machines for the Ulmo brand.",
                "companies": ["Ulmo", "Qorvane Ltd", "Brindle"],
                "deal": ["Ulmo", "Brindle", CM, "in_talks"],
            },
        ],
        [("Ulmo", "Qorvane Ltd", CM, "agreed")],
        {"Qorvane Ltd": "Brindle"},
    ),
    (
        "a unit that only describes its parent leaves the parent the party",
        [
            {
                "text": "Brindle, which owns the Qorvane brand, and Ulmo have agreed to form "
                "a joint venture to make phones.",
                "companies": ["Brindle", "Qorvane", "Ulmo"],
                "deal": ["Brindle", "Ulmo", "joint_venture", "agreed"],
            },
        ],
        [("Brindle", "Ulmo", "joint_venture", "agreed")],
        {"Qorvane": "Brindle"},
    ),
    (
        "a sentence referring back takes its kind from the sentence it refers to",
        [
            {
                "text": "Brindle will own 60% of the venture and Qorvane the rest.",
                "companies": ["Brindle", "Qorvane"],
            },
            {
                "text": "The partners plan to invest $300 million in a plant.",
                "deal": ["Brindle", "Qorvane", CM, "in_talks"],
                "across": True,
            },
        ],
        [("Brindle", "Qorvane", "joint_venture", "in_talks")],
        {},
    ),
    (
        "a stake sold to investors is no partnership",
        [
            {
                "text": "Brindle has proposed to sell a 40 per cent stake to investors led by "
                "Qorvane Partners, in a deal that would value it at $4 billion.",
                "companies": ["Brindle", "Qorvane Partners"],
                "deal": ["Brindle", "Qorvane Partners", CM, "in_talks"],
            },
        ],
        [],
        {},
    ),
    (
        "a description and the name it describes are one firm",
        [
            {
                "text": "Investors include Tarwick-based family office Qorvane Capital and "
                "a firm with manufacturing operations in Tarwick.",
                "companies": ["Qorvane Capital", "Tarwick-based family office"],
                "deal": ["Qorvane Capital", "Tarwick-based family office", CM, "in_talks"],
            },
        ],
        [],
        {},
    ),
    (
        "a restatement with the parties the other way round is the same record",
        [
            {
                "text": "Brindle will hold 70% of the venture and Qorvane the rest.",
                "companies": ["Brindle", "Qorvane"],
                "deal": ["Brindle", "Qorvane", CM, "in_talks"],
            },
            {
                "text": "The venture will supply camera modules.",
                "deal": ["Qorvane", "Brindle", "joint_venture", "in_talks"],
                "across": True,
            },
        ],
        [("Brindle", "Qorvane", "joint_venture", "in_talks")],
        {},
    ),
    (
        "a run-back deal takes its stage from the stating sentence, its parties from both",
        [
            {
                "text": "Brindle is planning to extend its partnership with Qorvane.",
                "companies": ["Brindle", "Qorvane"],
                "deal": ["Brindle", "Qorvane", CM, "in_talks"],
            },
            {
                "text": "Both companies have plans to invest in component manufacturing.",
                "deal": ["Brindle", "Qorvane", "component_manufacturing", "in_talks"],
                "across": True,
            },
        ],
        [
            ("Brindle", "Qorvane", CM, "operational"),
            ("Brindle", "Qorvane", "component_manufacturing", "in_talks"),
        ],
        {},
    ),
    (
        "a coordination distributes: the work is done for each firm joined by 'and'",
        [
            {
                "text": "Qorvane assembles phones for Brindle and Tessaly at its plant.",
                "companies": ["Qorvane", "Brindle", "Tessaly"],
                "deal": ["Brindle", "Qorvane", CM, "operational"],
            }
        ],
        [("Brindle", "Qorvane", CM, "operational"), ("Tessaly", "Qorvane", CM, "operational")],
        {},
    ),
    (
        "two parties joined to each other are the one pair, not each with itself",
        [
            {
                "text": "Brindle and Qorvane signed an agreement to make phones.",
                "companies": ["Brindle", "Qorvane"],
                "deal": ["Brindle", "Qorvane", CM, "agreed"],
            }
        ],
        [("Brindle", "Qorvane", CM, "agreed")],
        {},
    ),
]


@pytest.mark.parametrize(
    ("sentences", "expected", "expected_parents"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_assemble_relations(
    sentences: Serialised,
    expected: list[tuple[str, str, str, str]],
    expected_parents: dict[str, str],
) -> None:
    record = run(sentences)
    assert partnerships(record) == expected
    assert parents(record) == expected_parents


def test_a_partnership_keeps_its_fields_and_evidence() -> None:
    """Field by field: stage and products from the stating sentence, evidence over both."""
    record = run(
        [
            {
                "text": "Brindle is courting Qorvane.",
                "companies": ["Brindle", "Qorvane"],
            },
            {
                "text": "The two firms are in talks over a plant for smartphones and TVs.",
                "deal": ["Brindle", "Qorvane", CM, "agreed"],
                "across": True,
            },
        ]
    )
    [found] = record.partnerships
    assert found.model_dump(mode="json", exclude={"span", "grounding"}) == {
        "brand": "Brindle",
        "partner": "Qorvane",
        "kind": CM,
        "status": "in_talks",
        "products": ["smartphones", "televisions"],
        "facility_location": None,
        "export_markets": [],
        "evidence": "Brindle is courting Qorvane. The two firms are in talks over a plant for "
        "smartphones and TVs.",
    }


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (
            [
                {
                    "text": "Qorvane makes phones for Brindle at its plant in Ostley, Marland.",
                    "companies": ["Brindle", "Qorvane"],
                    "deal": ["Brindle", "Qorvane", CM, "operational"],
                },
            ],
            "Ostley",
        ),
        # The first statement says nothing of the site; its restatement does.
        (
            [
                {
                    "text": "Qorvane makes phones for Brindle.",
                    "companies": ["Brindle", "Qorvane"],
                    "deal": ["Brindle", "Qorvane", CM, "operational"],
                },
                {
                    "text": "Brindle phones are made at the Tarwick plant of Qorvane.",
                    "companies": ["Brindle", "Qorvane"],
                    "deal": ["Brindle", "Qorvane", CM, "operational"],
                },
            ],
            "Tarwick",
        ),
        # The firm's base is not where the work is done.
        (
            [
                {
                    "text": "Tarwick-based Qorvane makes phones for Brindle.",
                    "companies": ["Brindle", "Qorvane"],
                    "deal": ["Brindle", "Qorvane", CM, "operational"],
                },
            ],
            None,
        ),
    ],
)
def test_a_partnership_takes_its_facility_from_a_statement(
    sentences: Serialised, expected: str | None
) -> None:
    [found] = run(sentences).partnerships
    assert (found.facility_location, found.evidence) == (expected, sentences[0]["text"])


# ---------------------------------------------------------------------------------------------
# Figures: a restatement of a figure in a later sentence is recorded once (guidelines §8).


def figures_of(sentences: Serialised) -> list[tuple[str, float, str, str]]:
    """(metric, value, raw, evidence) of each figure, the amounts found by the rules."""
    document, findings = findings_from(sentences)
    for s in findings.sentences:
        s.amounts = find_amounts(s.text, s.span.start)
    record = assemble("doc", MainArticle((Paragraph(0, len(document)),)), findings)
    return [(f.metric.value, f.value, f.raw, f.evidence) for f in record.figures]


SELL = "Brindle is in talks to sell a 49% stake in Brindle India."
QUOTED = "“A 49% stake with a local investor is a structure the government likes.”"
VALUED = "The deal could value Brindle India at about $2 billion."
FIGURE_CASES: list[tuple[str, Serialised, list[tuple[str, float, str, str]]]] = [
    (
        "a stake restated in a quotation naming no firm is the first statement's",
        [{"text": SELL, "companies": ["Brindle"]}, {"text": QUOTED}],
        [("stake", 49.0, "49%", SELL)],
    ),
    (
        "the same money about the same firm, said again, is one figure",
        [
            {"text": VALUED, "companies": ["Brindle India"]},
            {
                "text": "At $2 billion, Brindle India would be the largest such deal.",
                "companies": ["Brindle India"],
            },
        ],
        [("other", 2e9, "about $2 billion", VALUED)],
    ),
    (
        "the same number about two named firms is two figures",
        [
            {"text": "Brindle reported revenue of ₹800 crore.", "companies": ["Brindle"]},
            {"text": "Qorvane reported revenue of ₹800 crore.", "companies": ["Qorvane"]},
        ],
        [
            ("revenue", 8e9, "₹800 crore", "Brindle reported revenue of ₹800 crore."),
            ("revenue", 8e9, "₹800 crore", "Qorvane reported revenue of ₹800 crore."),
        ],
    ),
    (
        "two equal numbers of one sentence are two facts",
        [
            {
                "text": "Brindle will hold 50% of the venture and Qorvane the remaining 50%.",
                "companies": ["Brindle", "Qorvane"],
            }
        ],
        [
            (
                "stake",
                50.0,
                "50%",
                "Brindle will hold 50% of the venture and Qorvane the remaining 50%.",
            ),
            (
                "stake",
                50.0,
                "50%",
                "Brindle will hold 50% of the venture and Qorvane the remaining 50%.",
            ),
        ],
    ),
    (
        "a bare count naming no firm may count other things",
        [
            {"text": "Brindle is in talks with three investors.", "companies": ["Brindle"]},
            {"text": "“You will see three such deals by next year.”"},
        ],
        [
            ("count", 3.0, "three", "Brindle is in talks with three investors."),
            ("count", 3.0, "three", "“You will see three such deals by next year.”"),
        ],
    ),
    (
        "another measure of the same number is another figure",
        [
            {"text": SELL, "companies": ["Brindle"]},
            {"text": "Brindle's revenue rose 49% last year.", "companies": ["Brindle"]},
        ],
        [
            ("stake", 49.0, "49%", SELL),
            ("growth_rate", 49.0, "49%", "Brindle's revenue rose 49% last year."),
        ],
    ),
]


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [case[1:] for case in FIGURE_CASES],
    ids=[case[0] for case in FIGURE_CASES],
)
def test_a_restated_figure_is_recorded_once(
    sentences: Serialised, expected: list[tuple[str, float, str, str]]
) -> None:
    assert figures_of(sentences) == expected


# --- People: a title marks a person; one person however often named ------------------------------


def _people_run(sentences: list[tuple[str, list[str], list[str], list[str]]]) -> ArticleRecord:
    """Sentences as (text, companies, people, titled names), joined by a space."""
    document, found = "", []
    for text, companies, people, titled in sentences:
        start = len(document) + (1 if document else 0)
        document = f"{document} {text}" if document else text
        found.append(
            SentenceFindings(
                Span(start, len(document)), text, companies, people=people, titled=titled
            )
        )
    main = MainArticle((Paragraph(0, len(document)),))
    return assemble("doc", main, ArticleFindings(found, [], []))


@pytest.mark.parametrize(
    ("sentences", "people", "companies"),
    [
        (
            [
                ("Kestrin MD Arun B Dev spoke.", ["Kestrin"], ["Arun B Dev"], ["Arun B Dev"]),
                ("Arun Dev said so.", [], ["Arun Dev"], []),
            ],
            ["Arun B Dev"],
            ["Kestrin"],
        ),
        (
            [  # the model named her a firm where no title stands; a title elsewhere decides
                ("Mira Talwen approved it.", ["Mira Talwen"], [], []),
                ("Kestrin CEO Mira Talwen spoke.", ["Kestrin"], ["Mira Talwen"], ["Mira Talwen"]),
            ],
            ["Mira Talwen"],
            ["Kestrin"],
        ),
        (
            [  # a word of a full personal name is the person named again, not a firm
                ("Kestrin MD Arun Dev spoke.", ["Kestrin"], ["Arun Dev"], ["Arun Dev"]),
                ("Dev said Kestrin grew.", ["Dev", "Kestrin"], [], []),
            ],
            ["Arun Dev"],
            ["Kestrin"],
        ),
        (
            [  # a town where the article says work is done is a place, not a firm
                ("Kestrin makes phones at its facility in Tarvin.", ["Kestrin", "Tarvin"], [], []),
                ("Tarvin grew.", ["Tarvin"], [], []),
            ],
            [],
            ["Kestrin"],
        ),
        (
            [("Arun Dev and Arun Tal spoke.", [], ["Arun Dev", "Arun Tal"], [])],
            ["Arun Dev", "Arun Tal"],
            [],
        ),
    ],
)
def test_people_are_one_record_each_and_a_titled_name_is_no_company(
    sentences: list[tuple[str, list[str], list[str], list[str]]],
    people: list[str],
    companies: list[str],
) -> None:
    record = _people_run(sentences)
    assert [p.name for p in record.people] == people
    assert [c.name for c in record.companies] == companies


def test_a_bodys_short_form_is_its_alias_and_no_firm() -> None:
    long_form = "Ministry of Tarvin Affairs"
    first = SentenceFindings(
        Span(0, 10),
        f"The {long_form} (MTA) met.",
        organizations=[long_form],
        institutions=[(long_form, "MTA")],
    )
    later = SentenceFindings(Span(11, 20), "MTA and Kestrin met.", ["MTA", "Kestrin"])
    later.organizations = ["MTA"]
    document = f"{first.text} {later.text}"
    record = assemble(
        "doc", MainArticle((Paragraph(0, len(document)),)), ArticleFindings([first, later], [], [])
    )
    assert [(o.name, o.aliases) for o in record.organizations] == [(long_form, ["MTA"])]
    assert [c.name for c in record.companies] == ["Kestrin"]


@pytest.mark.parametrize(
    ("names", "kept"),
    [
        (["TLI scheme", "TLI scheme for IT hardware"], ["TLI scheme for IT hardware"]),
        (
            ["tarvin-linked incentive (TLI) scheme for phones", "TLI scheme for phones"],
            ["tarvin-linked incentive (TLI) scheme for phones"],
        ),
        (
            ["TLI scheme for phones", "TLI scheme for IT hardware"],
            ["TLI scheme for phones", "TLI scheme for IT hardware"],
        ),
    ],
)
def test_a_shorter_mention_of_a_program_is_the_same_program(
    names: list[str], kept: list[str]
) -> None:
    sentences, at = [], 0
    for name in names:
        text = f"It joined the {name}."
        sentences.append(SentenceFindings(Span(at, at + len(text)), text, programs=[name]))
        at += len(text) + 1
    document = " ".join(s.text for s in sentences)
    main = MainArticle((Paragraph(0, len(document)),))
    record = assemble("doc", main, ArticleFindings(sentences, [], []))
    assert [p.name for p in record.programs] == kept


def test_an_organization_answer_that_is_a_firm_a_surname_or_a_title_is_dropped() -> None:
    text = "Kestrin Systems MD Arun Dev met the Tarvin Board."
    found = SentenceFindings(
        Span(0, len(text)),
        text,
        ["Kestrin Systems"],
        people=["Arun Dev"],
        organizations=["Kestrin Systems", "Dev", "Kestrin MD", "Tarvin Board"],
    )
    main = MainArticle((Paragraph(0, len(text)),))
    record = assemble("doc", main, ArticleFindings([found], [], []))
    assert [o.name for o in record.organizations] == ["Tarvin Board"]


@pytest.mark.parametrize(
    ("text", "exporters"),
    [
        ("Brindle exported phones to Nepal and Bangladesh.", ["Brindle"]),
        ("Brindle shipped phones to Nepal and Bangladesh.", ["Brindle"]),
        ("Brindle shipped phones to its stores.", []),  # no destination abroad, no export
    ],
)
def test_the_subject_of_an_export_verb_is_an_exporter(text: str, exporters: list[str]) -> None:
    found = SentenceFindings(Span(0, len(text)), text, ["Brindle"])
    main = MainArticle((Paragraph(0, len(text)),))
    record = assemble("doc", main, ArticleFindings([found], [], []))
    assert [e.exporter for e in record.export_activities] == exporters
