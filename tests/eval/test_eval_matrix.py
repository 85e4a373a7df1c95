"""Scoring a matrix folder: each cell as `eval` scores it, against the baseline cell as
`compare` does (the same gained and lost items), cost from usage and prices, flakiness over
repeats, the matrix gate, and a summary short enough for a pull-request comment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor_eval.cli import main as eval_main
from extractor_eval.matrix_cli import main
from extractor_eval.matrix_model import MatrixPlan, PlannedCell, Price
from extractor_schemas import ArticleRecord
from extractor_schemas.prediction import PredictionLine, Usage
from tests.eval.evalfixtures import corpus, drop, edit, rich_gold

USAGE = Usage(calls=4, cache_hits=1, prompt_tokens=1000, completion_tokens=100)
PRICE = Price(prompt_per_mtok=2.0, completion_per_mtok=10.0)


def _gold_records(gold: Path) -> dict[str, ArticleRecord]:
    return {p.stem: ArticleRecord.model_validate_json(p.read_bytes()) for p in gold.glob("*.json")}


def _worse(gold: dict[str, ArticleRecord]) -> dict[str, ArticleRecord]:
    d1 = drop(edit(rich_gold("d1"), "partnerships", 1, status="agreed"), "partnerships", 0)
    return {**gold, "d1": edit(d1, "figures", 0, currency="USD")}


def _write_cell(out: Path, cell: str, records: dict[str, ArticleRecord], error: str = "") -> None:
    folder = out / "cells" / cell
    folder.mkdir(parents=True)
    lines = [
        PredictionLine(
            id=doc,
            source_sha256="0" * 64,
            record=None if error and doc == "d2" else rec,
            usage=USAGE,
            error=error if error and doc == "d2" else None,
            config_sha256=cell,
        ).model_dump_json()
        for doc, rec in sorted(records.items())
    ]
    (folder / "predictions.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "manifest.json").write_text(json.dumps({"summary": {"wall_s": 1.5}}))


def _planned(cell: str, axes: dict[str, str], repeat: int, price: Price) -> PlannedCell:
    group = cell.rsplit(".r", 1)[0]
    return PlannedCell(
        id=cell,
        group=group,
        axes=axes,
        repeat=repeat,
        price=price,
        config_sha256=cell,
        status="ran",
    )


def build_matrix(tmp_path: Path) -> tuple[Path, Path, Path]:
    """gold/, seeds/ and a matrix folder of four cells: the baseline (gold itself), a worse
    prompt with a price, and a configuration run twice whose second repeat lost a quote."""
    gold, seeds, _ = corpus(tmp_path)
    records = _gold_records(gold)
    out = tmp_path / "matrix"
    d1 = records["d1"]
    flaky = {**records, "d1": drop(d1, "quotes", 0)}
    cells = {
        "base.r1": (records, {"prompt": "base"}, 1, Price()),
        "worse.r1": (_worse(records), {"prompt": "worse"}, 1, PRICE),
        "hot.r1": (records, {"prompt": "hot"}, 1, Price()),
        "hot.r2": (flaky, {"prompt": "hot"}, 2, Price()),
    }
    for cell, (recs, _, _, _) in cells.items():
        _write_cell(out, cell, recs)
    plan = MatrixPlan(
        name="test",
        documents=[str(seeds)],
        gold=str(gold),
        baseline_cell="base.r1",
        cells=[_planned(c, axes, r, p) for c, (_, axes, r, p) in cells.items()],
    )
    (out / "matrix.json").write_text(plan.model_dump_json(indent=2))
    return gold, seeds, out


def _score(gold: Path, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = main([str(out), "--gold", str(gold), "--quiet", *extra])
    report = out / "matrix-report.json"
    return code, json.loads(report.read_text()) if report.exists() else {}


def _cells(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in report["cells"]}


def test_each_cell_is_scored_as_eval_scores_its_run(tmp_path: Path) -> None:
    gold, _, out = build_matrix(tmp_path)
    code, report = _score(gold, out)
    assert code == 0
    for cell_id, cell in _cells(report).items():
        own = tmp_path / f"{cell_id}.json"
        pred = str(out / "cells" / cell_id)
        eval_main(["eval", "--pred", pred, "--gold", str(gold), "--json", str(own), "--quiet"])
        expected = json.loads(own.read_text())
        for scheme in ("strict", "partial_credit", "lenient"):
            assert cell["micro"][scheme]["f1"] == expected["micro"]["score"][scheme]["f1"]
            assert cell["micro"][scheme]["interval"] == expected["micro"][f"{scheme}_f1_interval"]
        per_type = {t["record_type"]: t["strict"]["f1"] for t in expected["per_type"]}
        assert {t["record_type"]: t["strict"]["f1"] for t in cell["per_type"]} == per_type
        assert (out / cell["report"]).is_file()  # the heat map's link target
    assert _cells(report)["base.r1"]["micro"]["strict"]["f1"] == 1.0
    assert _cells(report)["worse.r1"]["micro"]["strict"]["f1"] < 1.0


def test_against_the_baseline_cell_as_compare_says(tmp_path: Path) -> None:
    gold, _, out = build_matrix(tmp_path)
    _, report = _score(gold, out)
    cells = _cells(report)
    assert cells["base.r1"]["versus_baseline"] is None
    for cell_id in ("worse.r1", "hot.r2"):
        compared = tmp_path / f"compare-{cell_id}.json"
        base, cell = out / "cells" / "base.r1", out / "cells" / cell_id
        eval_main(["compare", str(base), str(cell), "--gold", str(gold), "--json", str(compared)])
        expected = json.loads(compared.read_text())
        versus = cells[cell_id]["versus_baseline"]
        assert versus["gained"] == expected["gained"] and versus["lost"] == expected["lost"]
        assert versus["lost"]  # both lose something against the baseline
        micro = {s["scheme"]: s["micro"] for s in expected["schemes"]}
        for scheme in ("strict", "partial_credit", "lenient"):
            assert versus[scheme] == micro[scheme]


def test_cost_is_tokens_times_price_and_live_calls_are_the_cache_misses(tmp_path: Path) -> None:
    gold, _, out = build_matrix(tmp_path)
    _, report = _score(gold, out)
    cost = _cells(report)["worse.r1"]["cost"]
    assert cost["documents"] == 2 and cost["calls"] == 8 and cost["live_calls"] == 6
    assert cost["prompt_tokens"] == 2000 and cost["completion_tokens"] == 200
    assert cost["cost"] == pytest.approx((2000 * 2.0 + 200 * 10.0) / 1e6)
    assert cost["wall_s"] == 1.5
    assert _cells(report)["base.r1"]["cost"]["cost"] == 0.0


def test_flakiness_is_the_share_of_gold_items_whose_category_changed(tmp_path: Path) -> None:
    gold, _, out = build_matrix(tmp_path)
    _, report = _score(gold, out)
    (group,) = report["groups"]  # only the configuration with repeats
    assert group["group"] == "hot" and group["repeats"] == 2
    lost = _cells(report)["hot.r2"]["versus_baseline"]["lost"]
    assert group["flaky_items"] == [f["key"] for f in lost]  # r1 equals the baseline
    assert len(group["flaky_items"]) == 1
    assert group["flaky_share"] == pytest.approx(1 / group["gold_items"])
    assert group["partial_credit_min"] < group["partial_credit_max"] == 1.0


def test_the_gate_fails_a_cell_that_lost_an_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold, _, out = build_matrix(tmp_path)
    baseline = tmp_path / "baseline.json"
    assert _score(gold, out, "--baseline", str(baseline), "--update-baseline")[0] == 0
    assert _score(gold, out, "--baseline", str(baseline))[0] == 0
    # the hot configuration's first repeat now loses what its second lost
    hot = out / "cells" / "hot.r1" / "predictions.jsonl"
    hot.write_bytes((out / "cells" / "hot.r2" / "predictions.jsonl").read_bytes())
    capsys.readouterr()
    code, report = _score(gold, out, "--baseline", str(baseline))
    assert code == 1
    summary = (out / "summary.md").read_text()
    (lost,) = _cells(report)["hot.r2"]["versus_baseline"]["lost"]
    assert "matrix gate: FAIL" in summary and "cell hot.r1:" in summary
    assert lost["key"] in summary
    assert "cell hot.r2:" not in summary.split("**Gold items moved")[0]  # unchanged: passes


def test_a_baseline_cell_the_matrix_lost_fails_the_gate(tmp_path: Path) -> None:
    gold, _, out = build_matrix(tmp_path)
    baseline = tmp_path / "baseline.json"
    _score(gold, out, "--baseline", str(baseline), "--update-baseline")
    plan = MatrixPlan.model_validate_json((out / "matrix.json").read_text())
    kept = plan.model_copy(update={"cells": [c for c in plan.cells if c.id != "worse.r1"]})
    (out / "matrix.json").write_text(kept.model_dump_json())
    code, _ = _score(gold, out, "--baseline", str(baseline))
    assert code == 1
    assert (
        "cell missing from this matrix (in the baseline): worse.r1"
        in (out / "summary.md").read_text()
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda out, base: (out / "matrix.json").unlink(), "no matrix plan"),
        (lambda out, base: (out / "matrix.json").write_text("{}"), "invalid matrix plan"),
        (lambda out, base: base.write_text('{"cells": {}}'), "matrix baseline format None"),
        (lambda out, base: base.write_text("not json"), "cannot read matrix baseline"),
    ],
)
def test_unusable_inputs_exit_2_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Any, message: str
) -> None:
    gold, _, out = build_matrix(tmp_path)
    baseline = tmp_path / "baseline.json"
    _score(gold, out, "--baseline", str(baseline), "--update-baseline")
    damage(out, baseline)
    capsys.readouterr()
    assert main([str(out), "--gold", str(gold), "--baseline", str(baseline)]) == 2
    assert message in capsys.readouterr().err


def test_a_cell_with_failed_documents_is_no_success(tmp_path: Path) -> None:
    gold, _, out = build_matrix(tmp_path)
    folder = out / "cells" / "hot.r1"
    records = _gold_records(gold)
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    _write_cell(out, "hot.r1", records, error="CacheMissError: no recorded answer")
    code, report = _score(gold, out)
    assert code == 1
    assert _cells(report)["hot.r1"]["cost"]["failed_documents"] == 1
    assert "FAILED hot.r1: 1 document(s) failed" in (out / "summary.md").read_text()


def test_the_summary_is_short_enough_for_a_pull_request_comment(tmp_path: Path) -> None:
    gold, _, out = build_matrix(tmp_path)
    _score(gold, out)
    summary = (out / "summary.md").read_text()
    assert len(summary.splitlines()) < 40
    for cell in ("base.r1", "worse.r1", "hot.r1", "hot.r2"):
        assert f"| {cell} |" in summary
    assert "| base.r1 | 1.000 [" in summary and "| baseline |" in summary
    assert "hot: 1 of" in summary  # flakiness line
