"""Reading runs and deciding validity (eval/loading.py), and how invalid documents are scored."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor_eval.config import ScoringConfig
from extractor_eval.loading import InputError, grounding_counts, load_gold_dir, load_run
from extractor_eval.provenance import run_meta
from extractor_eval.report import build_report
from extractor_eval.score import score_run
from tests.eval.evalfixtures import prediction_line, rich_gold, write_folder


def grounded(doc_id: str) -> dict[str, object]:
    data = rich_gold(doc_id).model_dump(mode="json")
    for item in data["companies"]:
        item["grounding"] = "exact"
    data["figures"][0]["grounding"] = "fuzzy"
    return data


def test_jsonl_validity_per_document(tmp_path: Path) -> None:
    bad_record = rich_gold("d4").model_dump(mode="json")
    bad_record["companies"][0]["roles"] = []
    lines = [
        prediction_line("d1", grounded("d1"), rejected=2),
        prediction_line("d2", None, error="provider timed out", rejected=1),
        prediction_line("d3", None),
        prediction_line("d4", bad_record),
        "{not json",
        '{"record": null}',
        prediction_line("d5", rich_gold("d5")),
        prediction_line("d5", rich_gold("d5")),
    ]
    path = tmp_path / "predictions.jsonl"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    run = load_run(path)
    status = {d: (doc.status, doc.problem) for d, doc in run.docs.items()}
    assert status["d1"] == ("valid", None)
    assert status["d2"] == ("invalid", "error: provider timed out")
    assert status["d3"] == ("invalid", "record is null")
    assert status["d4"][0] == "invalid"
    assert "companies.0.roles" in (status["d4"][1] or "")
    assert status["d5"][0] == "valid"
    assert len(run.problems) == 3  # not JSON, no id, duplicate id
    assert any("duplicate id 'd5'" in p for p in run.problems)
    counts = grounding_counts(run)
    assert counts is not None
    assert (counts["exact"], counts["fuzzy"], counts["rejected"]) == (7, 1, 3)
    assert counts["ungrounded"] == 2 * 17 - 8  # d5's items and d1's other items


def test_a_run_folder_means_its_predictions_jsonl(tmp_path: Path) -> None:
    run_dir = tmp_path / "runs" / "latest"
    run_dir.mkdir(parents=True)
    (run_dir / "predictions.jsonl").write_text(prediction_line("d1", rich_gold("d1")) + "\n")
    (run_dir / "manifest.json").write_text('{"not": "a record"}')
    run = load_run(run_dir)
    assert run.kind == "jsonl" and list(run.docs) == ["d1"]


def test_folder_of_records_with_one_invalid_file(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "pred", [rich_gold("d1")])
    (folder / "d2.json").write_text('{"doc_id": "d2", "companies": [{"name": "X"}]}')
    run = load_run(folder)
    assert run.docs["d1"].status == "valid"
    assert run.docs["d2"].status == "invalid"
    assert grounding_counts(run) is None


def test_invalid_document_counts_its_gold_as_missing_and_says_so(tmp_path: Path) -> None:
    gold_dir = write_folder(tmp_path / "gold", [rich_gold("d1"), rich_gold("d2")])
    pred = tmp_path / "p.jsonl"
    pred.write_text(
        prediction_line("d1", rich_gold("d1"))
        + "\n"
        + prediction_line("d2", None, error="boom")
        + "\n"
        + prediction_line("extra", rich_gold("extra"))
        + "\n"
    )
    gold, run, config = load_gold_dir(gold_dir), load_run(pred), ScoringConfig()
    report = build_report(gold, run, score_run(gold, run, config), config, run_meta([]), gold_dir)
    assert (report.validity.valid, report.validity.invalid) == (1, 1)
    assert report.validity.gold_items_in_unusable_documents == 17
    assert report.validity.extra_documents == ["extra"]
    assert report.micro.score.counts.missing == 17
    assert report.micro.score.strict.recall == pytest.approx(0.5)
    assert report.micro_valid_only.strict.f1 == 1.0
    assert report.grounding is not None and report.grounding.kept == 17


def test_absent_document_is_reported_absent(tmp_path: Path) -> None:
    gold_dir = write_folder(tmp_path / "gold", [rich_gold("d1"), rich_gold("d2")])
    run = load_run(write_folder(tmp_path / "pred", [rich_gold("d1")]))
    results = score_run(load_gold_dir(gold_dir), run, ScoringConfig())
    assert [r.status for r in results] == ["valid", "absent"]


def test_gold_must_exist_and_be_non_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_gold_dir(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no gold files"):
        load_gold_dir(tmp_path / "empty")
    with pytest.raises(InputError, match="not found"):
        load_run(tmp_path / "missing.jsonl")
