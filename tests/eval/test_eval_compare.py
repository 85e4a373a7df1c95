"""Paired comparison of two runs (eval/compare.py) and the `compare` subcommand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor_eval.cli import main
from extractor_eval.compare import compare_runs
from extractor_eval.config import ScoringConfig
from extractor_eval.loading import load_gold_dir, load_run
from extractor_eval.provenance import run_meta
from tests.eval.evalfixtures import corpus, drop, edit, rich_gold, write_folder

DROPPED = "d1 | partnerships | Transsion Holdings → Dixon Technologies (contract_manufacturing)"


def runs(tmp_path: Path) -> tuple[Path, Path, Path]:
    gold, _, a = corpus(tmp_path)
    b = write_folder(tmp_path / "b", [drop(rich_gold("d1"), "partnerships", 0)])
    (b / "d2.json").write_bytes((a / "d2.json").read_bytes())
    return gold, a, b


def test_items_gained_and_lost_with_paired_deltas(tmp_path: Path) -> None:
    gold_dir, a, b = runs(tmp_path)
    report = compare_runs(
        load_gold_dir(gold_dir), load_run(a), load_run(b), ScoringConfig(), run_meta([]), gold_dir
    )
    assert [f.key for f in report.lost] == [DROPPED]
    assert (report.lost[0].before, report.lost[0].after) == ("correct", "missing")
    assert report.gained == []
    assert (report.wins, report.losses, report.ties) == (0, 1, 1)
    assert [c.scheme for c in report.schemes] == ["strict", "partial_credit", "lenient"]
    for comparison in report.schemes:
        deltas = {d.record_type: d for d in comparison.per_type}
        # partnerships: 4 in gold; B finds 3 of them, so F1 = 2·3 / (4 + 3)
        assert deltas["partnerships"].delta == pytest.approx(6 / 7 - 1)
        assert deltas["companies"].delta == 0
        assert deltas["companies"].p_value == 1.0
        interval = deltas["partnerships"].interval
        assert interval is not None
        assert interval.low <= deltas["partnerships"].delta <= interval.high
        micro = comparison.micro
        assert micro.interval is not None
        assert micro.interval.low <= micro.delta <= micro.interval.high
        # exact test over 2² swaps; only one document differs, so every swap is as extreme:
        # one document can never show a difference beyond chance
        assert micro.p_value == 1.0


def test_swapping_runs_swaps_gained_and_lost(tmp_path: Path) -> None:
    gold_dir, a, b = runs(tmp_path)
    gold = load_gold_dir(gold_dir)
    report = compare_runs(gold, load_run(b), load_run(a), ScoringConfig(), run_meta([]), gold_dir)
    assert [f.key for f in report.gained] == [DROPPED]
    assert report.lost == []
    assert report.wins == 1


def test_partial_to_correct_counts_as_gained(tmp_path: Path) -> None:
    gold_dir, a, _ = runs(tmp_path)
    worse = write_folder(tmp_path / "w", [edit(rich_gold("d1"), "figures", 1, period="FY25")])
    (worse / "d2.json").write_bytes((a / "d2.json").read_bytes())
    report = compare_runs(
        load_gold_dir(gold_dir),
        load_run(worse),
        load_run(a),
        ScoringConfig(),
        run_meta([]),
        gold_dir,
    )
    (flip,) = report.gained
    assert (flip.key, flip.before, flip.after) == (
        "d1 | figures | growth_rate 55% (exports)",
        "partial",
        "correct",
    )
    assert report.wins == 1 and report.ties == 1


def test_compare_subcommand_writes_json_and_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold, a, b = runs(tmp_path)
    out_json, out_html = tmp_path / "cmp.json", tmp_path / "cmp.html"
    code = main(
        [
            "compare",
            str(a),
            str(b),
            "--gold",
            str(gold),
            "--json",
            str(out_json),
            "--html",
            str(out_html),
        ]
    )
    assert code == 0
    assert "Lost in B (1)" in capsys.readouterr().out
    data = json.loads(out_json.read_text())
    assert data["lost"][0]["key"] == DROPPED
    html = out_html.read_text()
    assert 'data-count="lost">1<' in html and "<script src" not in html
