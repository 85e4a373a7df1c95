"""A figure's stated equivalents in other currencies: a secondary field compared as a set."""

from __future__ import annotations

from typing import Any

import pytest

from extractor_eval.outcomes import Category
from extractor_eval.specs import SPECS, derive_specs
from extractor_schemas import ArticleRecord
from tests.eval.evalfixtures import categories, figure, record, score

RUPEES = {"value": 4.5e11, "raw": "450 billion rupees", "currency": "INR"}
STATED = {"value": 5.9e9, "currency": "USD", "raw": "US$5.9 billion"}


def _record(equivalents: list[dict[str, Any]]) -> ArticleRecord:
    item = figure(RUPEES["value"], metric="export_value", raw=RUPEES["raw"]).model_dump()
    item["equivalents"] = equivalents
    return record(figures=[item])


@pytest.mark.parametrize(
    ("gold", "pred", "category"),
    [
        ([STATED], [STATED], Category.CORRECT),
        ([STATED], [{**STATED, "raw": "about US$5.9 bn"}], Category.CORRECT),  # wording ignored
        ([STATED], [{**STATED, "value": 5.94e9}], Category.CORRECT),  # within the stated 0.05 bn
        ([STATED], [{**STATED, "value": 6.0e9}], Category.PARTIAL),  # beyond it
        ([STATED], [{**STATED, "currency": "EUR"}], Category.PARTIAL),
        ([STATED], [], Category.PARTIAL),  # the stated conversion missed
        ([], [STATED], Category.PARTIAL),  # a conversion the article does not state
        ([STATED], [STATED, {**STATED, "currency": "EUR"}], Category.PARTIAL),
        ([], [], Category.CORRECT),
    ],
)
def test_equivalents_decide_partial_never_incorrect(
    gold: list[dict[str, Any]], pred: list[dict[str, Any]], category: Category
) -> None:
    result = score(_record(gold), _record(pred))
    assert categories(result, "figures") == [category]


def test_the_seed_override_and_the_derived_spec_compare_equivalents_alike() -> None:
    seed = {f.name: f for f in SPECS["figures"].fields}["equivalents"]
    derived = {f.name: f for f in derive_specs(ArticleRecord)["figures"].fields}["equivalents"]
    assert seed.equal.__qualname__ == derived.equal.__qualname__
    assert not seed.decides_type and not derived.decides_type
