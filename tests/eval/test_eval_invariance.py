"""Order never matters, and the alignment is the best one: shuffle tests and an exhaustive
oracle on random small cases, with predictions built to tie."""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor_eval.align import SIMILARITY_UNITS, compare_fields, pair_up
from extractor_eval.config import ScoringConfig
from extractor_eval.entities import DocContext
from extractor_eval.loading import PredictedDoc, Run
from extractor_eval.report import build_report
from extractor_eval.report_html import render_html
from extractor_eval.report_model import RunMeta
from extractor_eval.report_text import render_text
from extractor_eval.score import TYPES, canonical, score_run
from extractor_eval.specs import SPECS
from extractor_schemas import ArticleRecord
from tests.eval.strategies import KINDS, STATUSES, gold_records

PROPERTY = settings(max_examples=int(os.environ.get("EVAL_EXAMPLES", "40")), deadline=None)
META = RunMeta(
    scorer_version="test", created_at="", git_commit=None, python="", packages={}, argv=[]
)


@st.composite
def tie_rich_predictions(draw: st.DrawFn, gold: ArticleRecord) -> ArticleRecord:
    """Copies of gold relations with one field changed each: equal similarity, different
    categories, the cases where a matcher's choice shows."""
    data = gold.model_dump()
    for p in list(data["partnerships"]):
        for _ in range(draw(st.integers(0, 2))):
            field, values = draw(st.sampled_from([("kind", KINDS), ("status", STATUSES)]))
            data["partnerships"].append({**p, field: draw(st.sampled_from(values))})
    for f in list(data["figures"]):
        for _ in range(draw(st.integers(0, 2))):
            if f["currency"] and draw(st.booleans()):
                data["figures"].append({**f, "currency": "USD"})
            else:
                data["figures"].append({**f, "period": draw(st.sampled_from([None, "FY25"]))})
    for o in list(data["organizations"]):
        if draw(st.booleans()):
            data["organizations"].append({**o, "kind": "media"})
        if draw(st.booleans()):
            data["organizations"].append({**o, "country": "CN"})
    return ArticleRecord.model_validate(data)


def shuffled(rec: ArticleRecord, rnd: random.Random) -> ArticleRecord:
    lists = {t: [i.model_dump() for i in rec.items(t)] for t in TYPES}
    for items in lists.values():
        rnd.shuffle(items)
    return ArticleRecord.model_validate({**rec.model_dump(), **lists})


def outputs(gold: ArticleRecord, pred: ArticleRecord) -> tuple[str, str, str]:
    """The JSON, text and HTML report of one document, with fixed provenance."""
    golds = {gold.doc_id: gold}
    run = Run(Path("run"), "folder", {gold.doc_id: PredictedDoc(gold.doc_id, pred)})
    config = ScoringConfig()
    report = build_report(golds, run, score_run(golds, run, config), config, META, Path("gold"))
    return (
        report.model_dump_json(),
        render_text(report, None),
        render_html(report, golds, run, None),
    )


@PROPERTY
@given(st.data())
def test_shuffling_predictions_and_gold_changes_no_report_byte(data: st.DataObject) -> None:
    gold = data.draw(gold_records())
    pred = data.draw(tie_rich_predictions(gold))
    rnd = data.draw(st.randoms(use_true_random=False))
    assert outputs(shuffled(gold, rnd), shuffled(pred, rnd)) == outputs(gold, pred)


Matching = tuple[tuple[int, int], ...]


def all_matchings(candidates: list[tuple[int, int]]) -> list[Matching]:
    """Every set of candidate pairs that uses each item at most once."""
    found: list[Matching] = []
    for size in range(len(candidates) + 1):
        for chosen in itertools.combinations(candidates, size):
            preds, golds = [i for i, _ in chosen], [j for _, j in chosen]
            if len(set(preds)) == size and len(set(golds)) == size:
                found.append(chosen)
    return found


def rank(matching: Matching, sim: Any, checks: dict[tuple[int, int], Any]) -> tuple[int, ...]:
    """What the matcher maximises: similarity, then −type mismatches, then −other mismatches."""
    total = sum(round(float(sim[i, j]) * SIMILARITY_UNITS) for i, j in matching)
    wrong = [f for pair in matching for f, ok in checks[pair] if not ok]
    return total, -sum(f.decides_type for f in wrong), -sum(not f.decides_type for f in wrong)


@settings(max_examples=int(os.environ.get("EVAL_EXAMPLES", "60")), deadline=None)
@given(st.data())
def test_the_matching_is_the_best_by_exhaustive_search(data: st.DataObject) -> None:
    gold = canonical(data.draw(gold_records()))
    pred = canonical(data.draw(tie_rich_predictions(gold)))
    ctx = DocContext.build(gold, pred, ScoringConfig())
    for record_type in ("partnerships", "figures", "organizations"):
        spec = SPECS[record_type]
        preds, golds = pred.items(record_type), gold.items(record_type)
        if not preds or not golds or len(preds) > 7:
            continue
        sim = spec.similarity(preds, golds, ctx)
        candidates = [
            (i, j)
            for i in range(len(preds))
            for j in range(len(golds))
            if sim[i, j] >= ctx.config.min_similarity and sim[i, j] > 0
        ]
        checks = {p: compare_fields(spec, preds[p[0]], golds[p[1]], ctx) for p in candidates}
        best = max(rank(m, sim, checks) for m in all_matchings(candidates))
        chosen = tuple((p.pred, p.gold) for p in pair_up(spec, preds, golds, ctx))
        assert rank(chosen, sim, checks) == best, record_type
