"""The audit's mutations of the gold, each with the exact movement it must cause.

The prediction starts as the gold itself (every item correct); one mutation is applied and the
categories of the affected type must move exactly as listed, every other type staying correct.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor_eval.cli import main
from extractor_eval.outcomes import Counts
from extractor_eval.score import TYPES
from extractor_schemas import ArticleRecord
from tests.eval.evalfixtures import (
    append,
    corpus,
    drop,
    edit,
    partnership,
    prediction_line,
    rich_gold,
    score,
)

Mutation = Callable[[ArticleRecord], ArticleRecord]
GOLD = rich_gold()


def full(record_type: str) -> Counts:
    return Counts(correct=len(GOLD.items(record_type)))


def moved(record_type: str, **change: int) -> Counts:
    base = full(record_type)
    return Counts(
        *(
            getattr(base, c) + change.get(c, 0)
            for c in ("correct", "partial", "incorrect", "missing", "spurious")
        )
    )


def reversed_lists(rec: ArticleRecord) -> ArticleRecord:
    data = rec.model_dump()
    for value in data.values():
        if isinstance(value, list):
            value.reverse()
    return ArticleRecord.model_validate(data)


def renamed(name: str) -> Mutation:
    """Dixon Technologies renamed everywhere it is named (so references stay valid)."""

    def mutate(rec: ArticleRecord) -> ArticleRecord:
        text = rec.model_dump_json().replace('"Dixon Technologies"', f'"{name}"')
        return ArticleRecord.model_validate_json(text)

    return mutate


def to_alias(rec: ArticleRecord) -> ArticleRecord:
    """The alias becomes the name and the name an alias."""
    changed = renamed("Dixon")(rec)
    return edit(changed, "companies", 1, aliases=["Dixon Technologies"])


MUTATIONS: list[tuple[str, Mutation, str, Counts]] = [
    (
        "delete",
        lambda r: drop(r, "partnerships", 0),
        "partnerships",
        moved("partnerships", correct=-1, missing=1),
    ),
    (
        "add",
        lambda r: append(r, "partnerships", partnership("Lenovo Group", "Dixon Technologies")),
        "partnerships",
        moved("partnerships", spurious=1),
    ),
    (
        "swap brand and partner",
        lambda r: edit(
            r, "partnerships", 0, brand="Dixon Technologies", partner="Transsion Holdings"
        ),
        "partnerships",
        moved("partnerships", correct=-1, missing=1, spurious=1),
    ),
    (
        "value +0.5 %",
        lambda r: edit(r, "figures", 0, value=2_720_000_000 * 1.005),
        "figures",
        moved("figures", correct=-1, partial=1),
    ),
    (
        "value +5 %",
        lambda r: edit(r, "figures", 0, value=2_720_000_000 * 1.05),
        "figures",
        moved("figures", correct=-1, missing=1, spurious=1),
    ),
    (
        "currency",
        lambda r: edit(r, "figures", 0, currency="USD"),
        "figures",
        moved("figures", correct=-1, incorrect=1),
    ),
    ("rename to an alias", to_alias, "companies", full("companies")),
    ("upper case", renamed("DIXON TECHNOLOGIES"), "companies", full("companies")),
    ("punctuation", renamed("Dixon Technologies."), "companies", full("companies")),
    ("legal suffix", renamed("Dixon Technologies Ltd"), "companies", full("companies")),
    ("reorder", reversed_lists, "partnerships", full("partnerships")),
    (
        "evidence only",
        lambda r: edit(r, "partnerships", 0, evidence="Dixon makes phones"),
        "partnerships",
        full("partnerships"),
    ),
]


@pytest.mark.parametrize(
    ("mutation", "record_type", "expected"),
    [pytest.param(m, t, e, id=name) for name, m, t, e in MUTATIONS],
)
def test_a_mutation_moves_exactly_what_it_should(
    mutation: Mutation, record_type: str, expected: Counts
) -> None:
    result = score(GOLD, mutation(GOLD))
    assert result.counts(record_type) == expected
    for other in TYPES:
        if other != record_type:
            assert result.counts(other) == full(other), other


INVALID_RECORD = '{"id": "d1", "source_sha256": "%s", "record": {"doc_id": "d1", "figures": [{}]}}'


@pytest.mark.parametrize(
    ("line", "status", "problems"),
    [
        (None, "absent", 0),  # the document dropped from the run
        ('{"id": "d1", "record": {not json', "absent", 1),  # cannot be tied to a document
        (INVALID_RECORD % ("0" * 64), "invalid", 0),  # parsed, fails the schema
    ],
)
def test_a_dropped_or_unusable_document_counts_all_its_gold_missing(
    tmp_path: Path, line: str | None, status: str, problems: int
) -> None:
    gold, _, _ = corpus(tmp_path)
    d2 = ArticleRecord.model_validate_json((gold / "d2.json").read_text())
    run = tmp_path / "predictions.jsonl"
    run.write_text("\n".join([prediction_line("d2", d2), *([line] if line else [])]) + "\n")
    out = tmp_path / "r.json"
    assert (
        main(["eval", "--quiet", "--pred", str(run), "--gold", str(gold), "--json", str(out)]) == 0
    )
    data = json.loads(out.read_text())
    d1 = next(d for d in data["documents"] if d["doc_id"] == "d1")
    gold_items = sum(len(GOLD.items(t)) for t in TYPES)
    assert (d1["status"], d1["counts"]["missing"], d1["counts"]["predicted"]) == (
        status,
        gold_items,
        0,
    )
    assert data["validity"]["gold_items_in_unusable_documents"] == gold_items
    assert len(data["validity"]["run_problems"]) == problems
