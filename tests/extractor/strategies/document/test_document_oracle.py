"""The document strategy's own loss, measured through the real CLI against oracle endpoints.

A perfect model (the oracle answers from the gold) must survive isolation, chunking, merging,
grounding and assembly: strict micro-F1 of at least 0.98 on the five seeds. A noisy one must not
get an invented name into the output, and its misspellings come out as the text spells them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.oracle_openai import (
    INVENTED_COMPANIES,
    INVENTED_EVIDENCE,
    OracleSettings,
    misspell,
    serve_oracle,
)

from extractor_schemas import RECORD_TYPES
from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parents[4]


def _extract(url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        *(sys.executable, "-m", "extractor.cli", "extract", "seeds"),
        *("--provider", "openai", "--base-url", url, "--model", "oracle"),
        *("--cache", "off", "--out", str(out), "--quiet", *extra),
    ]
    env = {**os.environ, "OPENAI_API_KEY": "", "NO_PROXY": "*"}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _lines(out: Path) -> list[PredictionLine]:
    raw = (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    return [PredictionLine.model_validate_json(line) for line in raw]


def _strict_micro_f1(out: Path) -> float:
    """Scored by the eval's own command, as a user would score the run."""
    report = out / "report.json"
    command = [sys.executable, "-m", "extractor_eval", "eval", "--pred", str(out), "--gold"]
    command += [str(ROOT / "gold"), "--json", str(report), "--quiet"]
    subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300, check=True)
    f1: float = json.loads(report.read_text())["micro"]["score"]["strict"]["f1"]
    return f1


@pytest.mark.parametrize(
    ("extra", "floor"),
    [
        ((), 0.98),  # the whole isolated article in one chunk
        (("--mode", "json_schema"), 0.98),  # the schema as response_format, not a tool
    ],
)
def test_a_perfect_model_loses_almost_nothing(
    tmp_path: Path, extra: tuple[str, ...], floor: float
) -> None:
    with serve_oracle(OracleSettings(gold_dir=ROOT / "gold")) as (oracle, url):
        done = _extract(url, tmp_path, "--strategy", "document", *extra)
    assert done.returncode == 0, done.stderr
    lines = _lines(tmp_path)
    assert len(lines) == 5 and all(line.error is None for line in lines)
    assert {(line.strategy, line.prompt_id) for line in lines} == {("document", "document-v1")}
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["strategy"] == "document" and manifest["prompt"]["id"] == "document-v1"
    assert _strict_micro_f1(tmp_path) >= floor
    # the target: at most a tenth of the sentence strategy's 190 calls for the seeds
    assert oracle.counts["chat"] <= 19
    for line in lines:
        assert line.record is not None
        kept = [item for t in RECORD_TYPES for item in line.record.items(t)]
        assert all(item.span is not None and item.grounding is not None for item in kept)


def test_small_chunks_are_merged_back_into_one_record(tmp_path: Path) -> None:
    """Chunks of ~300 tokens with overlap: more calls, one record per article, little lost."""
    config = tmp_path / "run.toml"
    config.write_text("[extraction]\nchunk_tokens = 300\nchunk_overlap_tokens = 60\n")
    with serve_oracle(OracleSettings(gold_dir=ROOT / "gold")) as (oracle, url):
        done = _extract(url, tmp_path / "out", "--strategy", "document", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert oracle.counts["first"] > 5  # more than one chunk per article
    f1 = _strict_micro_f1(tmp_path / "out")
    assert f1 >= 0.9, f1


def test_a_noisy_model_gets_no_invented_name_into_the_output(tmp_path: Path) -> None:
    gold = {p.stem: json.loads(p.read_text()) for p in (ROOT / "gold").glob("*.json")}
    with serve_oracle(OracleSettings(gold_dir=ROOT / "gold", noisy=True)) as (oracle, url):
        done = _extract(url, tmp_path, "--strategy", "document")
    assert done.returncode == 0, done.stderr
    assert oracle.counts["truncated"] == 5  # every article's first answer was cut off
    dangling = 0
    for line in _lines(tmp_path):
        assert line.record is not None and line.error is None
        output = line.record.model_dump_json()
        for invented in (*INVENTED_COMPANIES, INVENTED_EVIDENCE):
            assert invented not in output, (line.id, invented)
        reasons = " ".join(r.reason for r in line.rejected)
        rejected = json.dumps([r.item for r in line.rejected], ensure_ascii=False)
        assert all(name in rejected for name in INVENTED_COMPANIES), line.id
        assert INVENTED_EVIDENCE in rejected and "evidence not found" in reasons
        names = {c.name for c in line.record.companies}
        for company in gold[line.id]["companies"][:2]:
            slipped = misspell(company["name"])
            assert slipped not in names, (line.id, slipped)
            snapped = [c for c in line.record.companies if c.name == company["name"]]
            assert snapped or slipped in rejected, (line.id, company["name"])
            assert all(c.grounding == "fuzzy" for c in snapped)
        assert line.usage.reasks >= 1 and line.usage.calls == 1 + line.usage.reasks
        dangling += reasons.count("dangling reference")
    assert dangling >= 3  # partnerships whose partner the noisy answer left out of companies
