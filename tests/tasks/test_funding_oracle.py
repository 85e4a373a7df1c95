"""The funding task end to end through the real CLI, as its README walkthrough runs it: a
perfect model (the oracle answering from the task's own gold) read by the document strategy
loses almost nothing, the eval scores it under the task's markers, and the gate passes against
the baseline recorded from this very run (tasks/funding/baseline)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.oracle_openai import OracleSettings, serve_oracle

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parents[2]
TASK = (
    "tasks/funding"  # relative, as the walkthrough types it: the task's name is in the fingerprint
)
BASELINE = ROOT / TASK / "baseline"


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": "", "NO_PROXY": "*"}
    return subprocess.run(
        [sys.executable, "-m", "extractor.cli", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _lines(path: Path) -> dict[str, dict[str, Any]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {row["id"]: row for row in rows}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("funding") / "run"
    with serve_oracle(OracleSettings(gold_dir=ROOT / TASK / "gold")) as (oracle, url):
        done = _cli(
            *("extract", f"{TASK}/corpus", "--task", TASK),
            *("--provider", "openai", "--base-url", url, "--model", "oracle"),
            *("--strategy", "document", "--cache", "off", "--out", str(out), "--quiet"),
        )
    assert done.returncode == 0, done.stderr
    assert oracle.counts["chat"] == 4  # one call per article
    return out


def test_every_article_comes_out_a_grounded_funding_record(run: Path) -> None:
    lines = _lines(run / "predictions.jsonl")
    assert sorted(lines) == ["fund_001", "fund_002", "fund_003", "fund_004"]
    for line in lines.values():
        assert line["error"] is None and line["rejected"] == []
        assert line["strategy"] == "document" and line["prompt_id"] == "document-v1"
        record = line["record"]
        assert set(record) == {"doc_id", "startups", "investors", "rounds"}
        items = [item for name in ("startups", "investors", "rounds") for item in record[name]]
        assert items and all(item["span"] and item["grounding"] == "exact" for item in items)


def test_the_task_prompts_are_read_not_the_seed_domain_ones(run: Path) -> None:
    manifest = json.loads((run / "manifest.json").read_text())
    system = (ROOT / TASK / "prompts" / "document-v1" / "system.txt").read_text()
    assert system.startswith("You extract funding rounds")
    packaged = ROOT / "extractor" / "strategies" / "document" / "prompts" / "document-v1"
    assert manifest["prompt"]["id"] == "document-v1"
    assert manifest["prompt"]["sha256"] != _prompt_sha(packaged)
    assert manifest["prompt"]["sha256"] == _prompt_sha(ROOT / TASK / "prompts" / "document-v1")


def _prompt_sha(folder: Path) -> str:
    from extractor.prompting import load_prompts

    return load_prompts(folder.name, folder.parent).sha256


def test_a_perfect_model_scores_at_least_098_and_passes_the_gate(run: Path) -> None:
    report = run / "report.json"
    done = _cli(
        *("eval", "--task", TASK, "--pred", str(run), "--json", str(report), "--quiet"),
        *("--baseline", str(BASELINE / "report.json")),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "baseline gate: PASS" in done.stdout
    assert json.loads(report.read_text())["micro"]["score"]["strict"]["f1"] >= 0.98


def test_the_baseline_predictions_are_this_run(run: Path) -> None:
    """tasks/funding/baseline/predictions.jsonl was recorded from the oracle run: same records,
    rejections and fingerprint, so re-recording it is this test's run copied over."""
    now, recorded = _lines(run / "predictions.jsonl"), _lines(BASELINE / "predictions.jsonl")
    assert sorted(now) == sorted(recorded)
    for doc_id, line in now.items():
        for key in ("record", "rejected", "config_sha256", "prompt_sha256"):
            assert line[key] == recorded[doc_id][key], (doc_id, key)
