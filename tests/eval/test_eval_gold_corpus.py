"""The scorer over the real gold/ annotations (skipped while gold/ is empty)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor_eval.cli import main
from extractor_eval.config import ScoringConfig
from extractor_eval.loading import PredictedDoc
from extractor_eval.report_html import highlights
from extractor_eval.report_model import ItemOutcome
from extractor_eval.score import TYPES, prf, score_document
from extractor_schemas import ArticleRecord


def valid_gold(gold_dir: Path) -> dict[str, ArticleRecord]:
    """Gold files that validate; checking the rest is the gold checker's job, not the scorer's."""
    records = {}
    for path in sorted(gold_dir.glob("*.json")):
        try:
            records[path.stem] = ArticleRecord.model_validate_json(path.read_bytes())
        except ValidationError:
            continue
    if not records:
        pytest.skip(f"no valid gold files in {gold_dir} yet")
    return records


def test_every_gold_file_scores_one_against_itself(gold_dir: Path) -> None:
    for doc_id, gold in valid_gold(gold_dir).items():
        result = score_document(gold, PredictedDoc(doc_id, gold), ScoringConfig())
        for record_type in TYPES:
            assert prf(result.counts(record_type), "strict").f1 == 1.0, (doc_id, record_type)
        assert all(t.compared == t.equal for t in result.fields.values()), doc_id


def test_cli_gold_against_gold_is_one_everywhere(gold_dir: Path, tmp_path: Path) -> None:
    records = valid_gold(gold_dir)
    if len(records) != len(list(gold_dir.glob("*.json"))):
        pytest.skip("some gold files do not validate yet")
    out = tmp_path / "r.json"
    assert (
        main(
            [
                "eval",
                "--pred",
                str(gold_dir),
                "--gold",
                str(gold_dir),
                "--quiet",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    report = json.loads(out.read_text())
    assert report["micro"]["score"]["strict"]["f1"] == 1.0
    assert report["macro"]["strict_f1"] == 1.0
    assert all(t["strict"]["f1"] == 1.0 for t in report["per_type"])
    assert all(f["accuracy"] in (None, 1.0) for f in report["field_accuracy"])
    assert report["micro"]["strict_f1_interval"]["low"] == 1.0


def test_gold_evidence_is_located_in_the_seed_texts(gold_dir: Path, seeds_dir: Path) -> None:
    for doc_id, gold in valid_gold(gold_dir).items():
        seed = seeds_dir / f"{doc_id}.txt"
        if not seed.exists():
            continue
        outcomes = [
            ItemOutcome(
                key="",
                doc_id=doc_id,
                record_type=t,
                label="",
                category="correct",
                gold_index=i,
                pred_index=None,
                similarity=None,
            )
            for t in TYPES
            for i in range(len(gold.items(t)))
        ]
        found, unlocated = highlights(outcomes, gold, seed.read_text(encoding="utf-8"), True)
        assert unlocated == [], doc_id
        assert len(found) == len(outcomes)
