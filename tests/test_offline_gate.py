"""The CI gate end to end: replay the committed answers, score them, compare with the baseline.

A regression in extraction, grounding or scoring changes these numbers and fails the gate; an
edited recorded answer that loses a partnership fails it too, naming the lost item.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from extractor_schemas.prediction import PredictionLine

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": ""}
    return subprocess.run(
        [sys.executable, "-m", "extractor.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_replay_then_eval_reproduces_the_baseline_numbers(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert _cli("extract", "--cache", "replay", "--out", str(out), "--quiet").returncode == 0
    report = tmp_path / "report.json"
    result = _cli(
        "eval",
        "--pred",
        str(out),
        "--gold",
        "gold",
        "--json",
        str(report),
        "--baseline",
        "baseline/report.json",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    baseline = json.loads((ROOT / "baseline" / "report.json").read_text())
    now = json.loads(report.read_text())["micro"]["score"]
    assert now["counts"] == baseline["micro"]["counts"]
    for kind in ("strict", "partial_credit", "lenient"):
        assert round(now[kind]["f1"], 6) == baseline["micro"][kind]["f1"]


def _partnership_sentences(predictions: Path) -> list[tuple[str, str, list[str]]]:
    """(doc id, evidence sentence, [brand, partner]) of every kept partnership."""
    found = []
    for raw in predictions.read_text().splitlines():
        line = PredictionLine.model_validate_json(raw)
        assert line.record is not None
        for p in line.record.partnerships:
            found.append((line.id, p.evidence, [p.brand, p.partner]))
    return found


def _drop_partner_from_answer(cassettes: Path, sentence: str) -> bool:
    """Edits the recorded company answer for `sentence` to name one company only."""
    for path in cassettes.rglob("*.json"):
        entry = json.loads(path.read_text())
        prompt = entry["request"]["messages"][0]["content"]
        if not prompt.startswith("Copy the names of companies") or sentence not in prompt:
            continue
        call = entry["response"]["choices"][0]["message"]["tool_calls"][0]["function"]
        names = json.loads(call["arguments"])["names"]
        if len(names) < 2:
            return False
        call["arguments"] = json.dumps({"names": names[:1]})
        path.write_text(json.dumps(entry, indent=1))
        return True
    return False


def _matches_gold(doc_id: str, names: list[str]) -> bool:
    """Whether gold has this brand → partner pair (by the first word of each name)."""
    gold = json.loads((ROOT / "gold" / f"{doc_id}.json").read_text())
    pairs = [(p["brand"], p["partner"]) for p in gold["partnerships"]]
    brand, partner = (n.split()[0] for n in names)
    return any((b.split()[0], q.split()[0]) == (brand, partner) for b, q in pairs)


def test_gate_fails_when_a_recorded_answer_loses_a_partnership(tmp_path: Path) -> None:
    """Dropping a partnership that matched gold must fail the gate (dropping a spurious one
    raises precision and rightly passes, so candidates that match gold are tried first)."""
    work = tmp_path / "repo"
    for name in ("seeds", "gold", "baseline", "cassettes"):
        shutil.copytree(ROOT / name, work / name)
    candidates = _partnership_sentences(work / "baseline" / "predictions.jsonl")
    candidates.sort(key=lambda c: not _matches_gold(c[0], c[2]))
    for doc_id, sentence, names in candidates:
        if not _matches_gold(doc_id, names):
            break
        scratch = tmp_path / doc_id
        shutil.copytree(work / "cassettes", scratch)
        if not _drop_partner_from_answer(scratch, sentence):
            continue
        out = tmp_path / f"run-{doc_id}"
        _cli(
            "extract",
            "--cache",
            "replay",
            "--cache-dir",
            str(scratch),
            "--out",
            str(out),
            "--quiet",
            cwd=work,
        )
        result = _cli(
            "eval",
            "--pred",
            str(out),
            "--gold",
            "gold",
            "--baseline",
            "baseline/report.json",
            cwd=work,
        )
        assert result.returncode == 1, result.stdout[-3000:]
        assert "partnerships" in result.stdout
        return
    raise AssertionError("no recorded partnership answer could be edited")
