"""Smoke test of the benchmark and its synthetic corpus (timings are not asserted)."""

from __future__ import annotations

import random
from pathlib import Path

from extractor_eval.bench import bench_one, write_corpus
from extractor_eval.loading import load_gold_dir, load_run
from extractor_eval.synthetic import article_text, gold_doc


def test_synthetic_corpus_is_schema_valid(tmp_path: Path) -> None:
    gold_dir, pred = write_corpus(tmp_path, 40, seed=1)
    assert len(load_gold_dir(gold_dir)) == 40
    run = load_run(pred)
    valid = [d for d in run.docs.values() if d.status == "valid"]
    assert len(valid) >= 35 and run.problems == []


def test_synthetic_text_is_seed_sized_and_holds_the_evidence() -> None:
    doc = gold_doc(random.Random(3), "x")
    text = article_text(doc)
    assert 5000 <= len(text) <= 12000
    assert all(item["evidence"] in text for key in ("companies", "figures") for item in doc[key])


def test_bench_runs_and_scores_plausibly() -> None:
    stages = bench_one(30, seed=2)
    assert 0.5 < stages["f1"] < 1.0
    assert stages["total"] > 0
