"""Properties of the scorer that must hold for any records (hypothesis)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor_eval.config import ScoringConfig
from extractor_eval.outcomes import Category, DocResult
from extractor_eval.schemes import SCHEMES
from extractor_eval.score import TYPES, prf
from extractor_schemas import ArticleRecord
from tests.eval.evalfixtures import score
from tests.eval.strategies import gold_records, predictions_of

# EVAL_EXAMPLES=1000 for a deeper search than the default quick run.
PROPERTY = settings(max_examples=int(os.environ.get("EVAL_EXAMPLES", "60")), deadline=None)


def per_type(result: DocResult) -> dict[str, Any]:
    return {t: result.counts(t) for t in TYPES}


def with_lists(rec: ArticleRecord, change: dict[str, list[Any]]) -> ArticleRecord:
    data = rec.model_dump()
    data.update(change)
    return ArticleRecord.model_validate(data)


@PROPERTY
@given(gold_records())
def test_gold_against_itself_scores_one_for_every_type_and_field(gold: ArticleRecord) -> None:
    result = score(gold, gold)
    for record_type in TYPES:
        assert prf(result.counts(record_type), "strict").f1 == 1.0
    assert all(t.compared == t.equal for t in result.fields.values())


@PROPERTY
@given(gold_records())
def test_empty_prediction_has_recall_zero(gold: ArticleRecord) -> None:
    result = score(gold, ArticleRecord(doc_id=gold.doc_id))
    for record_type in TYPES:
        counts = result.counts(record_type)
        if counts.gold:
            assert prf(counts, "lenient").recall == 0.0
    assert prf(result.counts(), "lenient").recall == 0.0


@PROPERTY
@given(st.data())
def test_list_order_changes_nothing(data: st.DataObject) -> None:
    gold = data.draw(gold_records())
    pred = data.draw(predictions_of(gold))
    rnd = data.draw(st.randoms(use_true_random=False))

    def shuffled(rec: ArticleRecord) -> ArticleRecord:
        lists = {t: [i.model_dump() for i in rec.items(t)] for t in TYPES}
        for items in lists.values():
            rnd.shuffle(items)
        return with_lists(rec, lists)

    before = score(gold, pred)
    after = score(shuffled(gold), shuffled(pred))
    assert per_type(before) == per_type(after)
    assert before.fields == after.fields


@PROPERTY
@given(st.data())
def test_a_gold_alias_instead_of_the_name_keeps_the_match(data: st.DataObject) -> None:
    gold = data.draw(gold_records())
    with_alias = [i for i, c in enumerate(gold.companies) if c.aliases]
    if not with_alias:
        return
    index = data.draw(st.sampled_from(with_alias))
    companies = [c.model_dump() for c in gold.companies]
    firm = companies[index]
    firm["name"], firm["aliases"] = firm["aliases"][0], [firm["name"], *firm["aliases"][1:]]
    result = score(gold, with_lists(gold, {"companies": companies}))
    assert {i.category for i in result.items} == {Category.CORRECT}


def spurious_items(k: int) -> Iterable[tuple[str, dict[str, Any]]]:
    yield "companies", {"name": f"Invented Firm {k}", "roles": ["other"], "evidence": "x"}
    yield (
        "figures",
        {
            "metric": "count",
            "subject": "s",
            "value": 7.0e9 + k,
            "unit": "count",
            "raw": "many",
            "evidence": "x",
        },
    )
    yield "quotes", {"speaker": "Nobody", "text": f"Something nobody said {k}", "evidence": "x"}


@PROPERTY
@given(st.data())
def test_adding_a_spurious_item_never_raises_precision(data: st.DataObject) -> None:
    gold = data.draw(gold_records())
    pred = data.draw(predictions_of(gold))
    record_type, item = data.draw(
        st.sampled_from(list(spurious_items(data.draw(st.integers(0, 99)))))
    )
    more = with_lists(
        pred, {record_type: [*(i.model_dump() for i in pred.items(record_type)), item]}
    )
    config = ScoringConfig()
    before, after = score(gold, pred, config), score(gold, more, config)
    for scheme in SCHEMES:
        assert prf(after.counts(), scheme).precision <= prf(before.counts(), scheme).precision
        assert (
            prf(after.counts(record_type), scheme).precision
            <= prf(before.counts(record_type), scheme).precision
        )
    assert after.counts(record_type).spurious == before.counts(record_type).spurious + 1
