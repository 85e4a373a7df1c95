"""The CLI (eval/cli.py): `python -m extractor_eval`, and inside another argparse program."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extractor_eval.cli import add_subcommands, main
from extractor_eval.config import SCORER_VERSION
from tests.eval.evalfixtures import corpus, prediction_line, rich_gold


def test_python_m_eval_scores_gold_against_itself(tmp_path: Path) -> None:
    gold, _, _ = corpus(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "extractor_eval", "eval", "--pred", str(gold), "--gold", str(gold)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "micro strict F1 1.000" in done.stdout
    assert "documents: 2 in gold · 2 valid · 0 invalid · 0 absent" in done.stdout


def test_registers_into_the_extractor_parser(tmp_path: Path) -> None:
    gold, _, pred = corpus(tmp_path)
    parser = argparse.ArgumentParser(prog="extractor")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("extract")
    add_subcommands(sub)
    args = parser.parse_args(["eval", "--pred", str(pred), "--gold", str(gold), "--quiet"])
    assert args.func(args) == 0
    args = parser.parse_args(["compare", str(pred), str(pred), "--gold", str(gold)])
    assert args.func(args) == 0


def test_all_outputs_and_report_metadata(tmp_path: Path) -> None:
    gold, seeds, pred = corpus(tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "eval",
            "--pred",
            str(pred),
            "--gold",
            str(gold),
            "--seeds",
            str(seeds),
            "--json",
            str(out / "r.json"),
            "--markdown",
            str(out / "r.md"),
            "--html",
            str(out / "r.html"),
            "--quiet",
        ]
    )
    assert code == 0
    report = json.loads((out / "r.json").read_text())
    assert report["meta"]["scorer_version"] == SCORER_VERSION
    assert {"created_at", "git_commit", "python", "packages"} <= set(report["meta"])
    assert {"numpy", "scipy", "rapidfuzz", "pydantic"} <= set(report["meta"]["packages"])
    assert report["config"]["figure_rel_tolerance"] == 0.01
    assert report["micro"]["score"]["strict"]["f1"] == 1.0
    markdown = (out / "r.md").read_text()
    assert "## Per record type" in markdown and "| partnerships |" in markdown
    assert (out / "r.html").read_text().startswith("<!DOCTYPE html>")


def test_thresholds_come_from_the_command_line(tmp_path: Path) -> None:
    gold, _, pred = corpus(tmp_path)
    out = tmp_path / "r.json"
    main(
        [
            "eval",
            "--pred",
            str(pred),
            "--gold",
            str(gold),
            "--quiet",
            "--json",
            str(out),
            "--figure-tolerance",
            "0.05",
            "--fuzzy-threshold",
            "0.9",
            "--resamples",
            "50",
            "--seed",
            "3",
        ]
    )
    config = json.loads(out.read_text())["config"]
    assert (config["figure_rel_tolerance"], config["fuzzy_threshold"]) == (0.05, 0.9)
    assert (config["bootstrap_resamples"], config["bootstrap_seed"]) == (50, 3)


def test_jsonl_run_with_an_invalid_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold, _, _ = corpus(tmp_path)
    pred = tmp_path / "predictions.jsonl"
    pred.write_text(
        prediction_line("d1", rich_gold("d1"), rejected=2)
        + "\n"
        + prediction_line("d2", None, error="context too long")
        + "\n"
    )
    assert main(["eval", "--pred", str(pred), "--gold", str(gold)]) == 0
    out = capsys.readouterr().out
    assert "1 valid · 1 invalid" in out
    assert "the 3 gold items of invalid/absent documents are counted as missing" in out
    assert re.search(r"^d2 +invalid +error: context too long$", out, re.MULTILINE)
    assert "rejected 2" in out


def test_unusable_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold, _, pred = corpus(tmp_path)
    assert main(["eval", "--pred", str(pred), "--gold", str(tmp_path / "none")]) == 2
    assert main(["eval", "--pred", str(tmp_path / "none.jsonl"), "--gold", str(gold)]) == 2
    assert "error:" in capsys.readouterr().err
