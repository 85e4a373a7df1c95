"""The regression gate (eval/baseline.py) through the CLI, as CI runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor_eval.cli import main
from extractor_eval.loading import load_gold_dir
from tests.eval.evalfixtures import corpus, drop, rich_gold, write_folder

DROPPED = "d1 | partnerships | Transsion Holdings → Dixon Technologies (contract_manufacturing)"


def run(*args: str | Path) -> int:
    return main(["eval", "--quiet", *map(str, args)])


def test_update_writes_a_stable_reviewable_baseline(tmp_path: Path) -> None:
    gold, _, pred = corpus(tmp_path)
    baseline = tmp_path / "baseline.json"
    assert run("--pred", pred, "--gold", gold, "--baseline", baseline, "--update-baseline") == 0
    first = baseline.read_bytes()
    assert run("--pred", pred, "--gold", gold, "--baseline", baseline, "--update-baseline") == 0
    assert baseline.read_bytes() == first  # no timestamps, commit or versions
    text = first.decode()
    assert "created_at" not in text and "git_commit" not in text
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["items"][DROPPED] == "correct"
    assert text.startswith('{\n  "baseline_format": 2,')


def test_gate_passes_on_identical_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold, _, pred = corpus(tmp_path)
    baseline = tmp_path / "baseline.json"
    run("--pred", pred, "--gold", gold, "--baseline", baseline, "--update-baseline")
    assert run("--pred", pred, "--gold", gold, "--baseline", baseline, "--tolerance", "0") == 0
    assert "baseline gate: PASS" in capsys.readouterr().out


def test_gate_fails_when_a_partnership_is_dropped_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold, _, pred = corpus(tmp_path)
    baseline = tmp_path / "baseline.json"
    run("--pred", pred, "--gold", gold, "--baseline", baseline, "--update-baseline")
    worse = write_folder(tmp_path / "worse", [drop(rich_gold("d1"), "partnerships", 0)])
    (worse / "d2.json").write_bytes((pred / "d2.json").read_bytes())
    capsys.readouterr()
    assert run("--pred", worse, "--gold", gold, "--baseline", baseline) == 1
    out = capsys.readouterr().out
    assert "baseline gate: FAIL" in out
    assert "regression: micro" in out and "regression: partnerships" in out
    assert f"lost (correct → missing): {DROPPED}" in out


def test_gate_reports_gained_items_and_passes_on_improvement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold, _, pred = corpus(tmp_path)
    worse = write_folder(tmp_path / "worse", [drop(rich_gold("d1"), "partnerships", 0)])
    baseline = tmp_path / "baseline.json"
    run("--pred", worse, "--gold", gold, "--baseline", baseline, "--update-baseline")
    capsys.readouterr()
    assert run("--pred", pred, "--gold", gold, "--baseline", baseline) == 0
    assert f"gained (missing → correct): {DROPPED}" in capsys.readouterr().out


def test_a_baseline_of_the_old_format_is_refused_with_the_way_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold, _, pred = corpus(tmp_path)
    baseline = tmp_path / "baseline.json"
    run("--pred", pred, "--gold", gold, "--baseline", baseline, "--update-baseline")
    data = json.loads(baseline.read_text())
    baseline.write_text(json.dumps({**data, "baseline_format": 1}))
    assert run("--pred", pred, "--gold", gold, "--baseline", baseline) == 2
    assert "--update-baseline" in capsys.readouterr().err


def test_tolerance_absorbs_score_drops_but_never_a_lost_item(tmp_path: Path) -> None:
    gold, _, pred = corpus(tmp_path)
    baseline = tmp_path / "baseline.json"
    run("--pred", pred, "--gold", gold, "--baseline", baseline, "--update-baseline")
    worse = write_folder(tmp_path / "worse", [drop(rich_gold("d1"), "partnerships", 0)])
    write_folder(worse, [load_gold_dir(gold)["d2"]])
    loose = ("--pred", worse, "--gold", gold, "--baseline", baseline, "--tolerance", "0.5")
    assert run(*loose) == 1
    assert run(*loose, "--accept", DROPPED) == 0


def test_a_full_json_report_can_serve_as_baseline(tmp_path: Path) -> None:
    gold, _, pred = corpus(tmp_path)
    report = tmp_path / "report.json"
    run("--pred", pred, "--gold", gold, "--json", report)
    assert run("--pred", pred, "--gold", gold, "--baseline", report, "--tolerance", "0") == 0


def test_update_baseline_needs_a_path(tmp_path: Path) -> None:
    gold, _, pred = corpus(tmp_path)
    assert run("--pred", pred, "--gold", gold, "--update-baseline") == 2
