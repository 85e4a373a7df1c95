"""The document strategy's parts: derived response model, chunks, snapping, checks, merge."""

from __future__ import annotations

import itertools

import pytest

from extractor.isolate import MainArticle, Paragraph
from extractor.strategies.document import response_model
from extractor.strategies.document.checks import check_answer, snap_name
from extractor.strategies.document.chunks import chunk_article
from extractor.strategies.document.merge import drop_unlisted, merge_answers
from extractor.strategies.document.model import FILLED_BY_PIPELINE, reading_model
from extractor_schemas.markers import describe
from extractor_schemas.records import RECORD_TYPES, ArticleRecord, Company, Partnership

TEXT = (
    "Kestrel Devices, the Chinese phone maker, has signed a deal with Arbor Assembly Ltd. to "
    "make its tablets. O’Neill Components said Zoë Labs will supply chips."
)


SEED = describe(ArticleRecord)


def _schema_keys(schema: dict[str, object]) -> set[str]:
    keys: set[str] = set()
    for definition in [schema, *dict(schema.get("$defs", {})).values()]:  # type: ignore[call-overload]
        keys.update(dict(definition.get("properties", {})))
    return keys


def test_the_response_model_is_the_schema_minus_what_the_pipeline_fills() -> None:
    schema = reading_model(ArticleRecord).model_json_schema()
    keys = _schema_keys(schema)
    assert not keys & FILLED_BY_PIPELINE
    assert set(RECORD_TYPES) <= keys
    figure = schema["$defs"]["FigureItem"]["properties"]
    assert (
        figure["value"]["description"] == RECORD_TYPES["figures"].model_fields["value"].description
    )


def test_a_dangling_reference_is_no_validation_failure_and_is_reported() -> None:
    answer = response_model(ArticleRecord).model_validate(
        {
            "companies": [
                {"evidence": "Kestrel Devices", "name": "Kestrel Devices", "roles": ["brand"]}
            ],
            "partnerships": [
                {
                    "evidence": TEXT.split(" to ")[0],
                    "brand": "Kestrel Devices",
                    "partner": "Arbor Assembly Ltd.",
                    "kind": "contract_manufacturing",
                    "status": "agreed",
                }
            ],
        },
        context={"text": TEXT},
    )
    items = merge_answers(SEED, [check_answer(answer, TEXT).items])
    rejected = drop_unlisted(SEED, items)
    assert items["partnerships"] == []
    assert [r.reason for r in rejected] == [
        "dangling reference: 'Arbor Assembly Ltd.' is not in companies"
    ]
    ArticleRecord(doc_id="d", **items)  # the rest is a valid record


def test_an_invented_name_fails_validation_naming_the_item() -> None:
    data = {
        "companies": [{"evidence": "Kestrel Devices", "name": "Zentrix Corp", "roles": ["brand"]}]
    }
    with pytest.raises(ValueError, match=r"companies\[0\] \('Zentrix Corp'\).*not in or next"):
        response_model(ArticleRecord).model_validate(data, context={"text": TEXT})


@pytest.mark.parametrize(
    ("slipped", "spelled"),
    [
        ("Kesstrel Devices", "Kestrel Devices"),  # a doubled letter
        ("O'Neill Components", "O’Neill Components"),  # a straight apostrophe for a curly one
        ("Zoe Labs", "Zoë Labs"),  # a dropped diacritic
        ("Arbor Asembly Ltd.", "Arbor Assembly Ltd."),  # one letter dropped
        ("Kestrel Devices", None),  # spelled right: nothing to snap
        ("Vendel Mobile", None),  # not in the text at all
    ],
)
def test_a_slipped_name_snaps_to_the_texts_spelling(slipped: str, spelled: str | None) -> None:
    assert snap_name(slipped, TEXT) == spelled


def test_an_ambiguous_slip_is_not_snapped() -> None:
    assert snap_name("Brandx", "Brands and Brandy both sell phones.") is None


def test_a_snapped_name_is_marked_fuzzy_and_references_follow_it() -> None:
    raw = reading_model(ArticleRecord).model_validate(
        {
            "companies": [
                {"evidence": "Kestrel Devices", "name": "Kesstrel Devices", "roles": ["brand"]},
                {
                    "evidence": "Arbor Assembly Ltd. to make its tablets",
                    "name": "Arbor Assembly Ltd.",
                    "roles": ["contract_manufacturer"],
                    "parent": "Kesstrel Devices",
                },
            ]
        }
    )
    checked = check_answer(raw, TEXT)
    assert not checked.problems
    first, second = checked.items["companies"]
    assert isinstance(first, Company) and isinstance(second, Company)
    assert first.name == "Kestrel Devices" and first.grounding == "fuzzy"
    assert second.parent == "Kestrel Devices" and second.grounding is None


def _article(paragraphs: list[str]) -> tuple[str, MainArticle]:
    text = "\n\n".join(paragraphs)
    spans, at = [], 0
    for p in paragraphs:
        spans.append(Paragraph(at, at + len(p)))
        at += len(p) + 2
    return text, MainArticle(tuple(spans))


def test_an_article_that_fits_is_one_chunk_and_a_long_one_overlaps() -> None:
    sentence = "Kestrel Devices makes tablets with Arbor Assembly in Noida every year. "
    text, main = _article([(sentence * 4).strip(), (sentence * 40).strip()])
    assert [c.text for c in chunk_article(text, main, 6000, 200)] == [
        "\n\n".join(text[p.start : p.end] for p in main.paragraphs)
    ]
    chunks = chunk_article(text, main, 200, 40)
    assert len(chunks) > 3
    assert all(len(c.text) <= 200 * 3.5 + 10 for c in chunks)
    assert all(b.start < a.end for a, b in itertools.pairwise(chunks))  # overlap
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_a_sentence_longer_than_a_chunk_is_cut_never_refused() -> None:
    text, main = _article([" ".join(["word"] * 2000) + "."])
    chunks = chunk_article(text, main, 200, 0)
    assert len(chunks) > 5 and chunks[-1].end == len(text)
    assert all(c.text.strip() for c in chunks)


def test_entities_merge_by_name_or_alias_and_relations_by_key() -> None:
    def company(name: str, aliases: list[str], evidence: str) -> Company:
        return Company(name=name, aliases=aliases, roles=["brand"], evidence=evidence)

    deal = Partnership(
        brand="Kestrel Devices",
        partner="Arbor Assembly Ltd.",
        kind="contract_manufacturing",
        status="agreed",
        evidence="first",
    )
    merged = merge_answers(
        SEED,
        [
            {"companies": [company("Arbor Assembly Ltd.", [], "one")], "partnerships": [deal]},
            {
                "companies": [company("Arbor", ["Arbor Assembly Ltd."], "two")],
                "partnerships": [deal.model_copy(update={"evidence": "second"})],
            },
        ],
    )
    (only,) = merged["companies"]
    assert only.name == "Arbor Assembly Ltd." and only.aliases == [] and only.evidence == "one"
    assert [p.evidence for p in merged["partnerships"]] == ["first"]
