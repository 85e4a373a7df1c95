"""The second task, built only from its folder: its gold checks, it scores, and its gate fails
when a gold-matched item is lost."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from extractor_eval.cli import main as eval_main
from extractor_eval.gold import main as gold_main
from extractor_eval.specs import spec_differences, specs_for
from extractor_schemas import ArticleRecord
from extractor_schemas.tasks import load_task

ROOT = Path(__file__).resolve().parents[2]
TASK = ROOT / "tasks" / "funding"


def _write_run(path: Path, drop: tuple[str, str, int] | None = None) -> Path:
    """A predictions.jsonl whose records are the gold, less one item when `drop` says so."""
    lines = []
    for gold in sorted((TASK / "gold").glob("*.json")):
        record = json.loads(gold.read_text(encoding="utf-8"))
        if drop is not None and drop[0] == gold.stem:
            del record[drop[1]][drop[2]]
        text = (TASK / "corpus" / f"{gold.stem}.txt").read_bytes()
        line = {"id": gold.stem, "source_sha256": hashlib.sha256(text).hexdigest()}
        lines.append(json.dumps({**line, "record": record}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_gold_checks_against_its_articles() -> None:
    assert gold_main(["--task", str(TASK)]) == 0


def test_the_gold_scores_perfectly_and_gates_against_the_baseline(tmp_path: Path) -> None:
    run = _write_run(tmp_path / "predictions.jsonl")
    report = tmp_path / "report.json"
    args = ["eval", "--task", str(TASK), "--pred", str(run), "--json", str(report), "--quiet"]
    assert eval_main([*args, "--baseline", str(TASK / "baseline" / "report.json")]) == 0
    micro = json.loads(report.read_text())["micro"]["score"]["strict"]["f1"]
    assert micro >= 0.98


@pytest.mark.parametrize(
    "drop", [("fund_002", "rounds", 1), ("fund_003", "investors", 2), ("fund_004", "startups", 0)]
)
def test_losing_one_gold_item_fails_the_gate(
    tmp_path: Path, drop: tuple[str, str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    run = _write_run(tmp_path / "predictions.jsonl", drop)
    baseline = str(TASK / "baseline" / "report.json")
    args = ["eval", "--task", str(TASK), "--pred", str(run), "--quiet", "--baseline", baseline]
    assert eval_main(args) == 1
    assert f"{drop[0]} | {drop[1]} |" in capsys.readouterr().out


def test_the_task_specs_come_from_its_markers() -> None:
    specs = specs_for(load_task(str(TASK)).root)
    rounds = {f.name: f.decides_type for f in specs["rounds"].fields}
    assert rounds["stage"] and not rounds["amount"]
    assert list(specs) == ["startups", "investors", "rounds"]


def test_the_seed_overrides_differ_from_the_derived_specs_only_in_similarity() -> None:
    assert spec_differences(ArticleRecord) == [
        "companies: similarity entity_similarity (derived key_similarity[name])",
        "organizations: similarity entity_similarity (derived key_similarity[name])",
        "people: similarity person_similarity (derived key_similarity[name])",
        "partnerships: similarity partnership_similarity (derived key_similarity[brand,partner])",
        "export_activities: similarity export_similarity (derived key_similarity[exporter])",
        "figures: similarity figure_similarity (derived key_similarity[raw])",
        "programs: similarity person_similarity (derived key_similarity[name])",
        "quotes: similarity quote_similarity (derived key_similarity[text])",
    ]
