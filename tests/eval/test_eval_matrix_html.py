"""The matrix page (eval/matrix_html.py): self-contained, its heat-map values, counts and plot
points equal the JSON matrix report, every cell links to its own report; and in real headless
Chromium the script runs and lays out one point per cell inside the plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor_eval.matrix_cli import main
from tests.eval.test_eval_matrix import build_matrix
from tests.eval.test_eval_report_html import parse
from tests.support.browser import rendered_dom


def make_page(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    gold, seeds, out = build_matrix(tmp_path)
    assert main([str(out), "--gold", str(gold), "--seeds", str(seeds), "--quiet"]) == 0
    return out / "matrix.html", json.loads((out / "matrix-report.json").read_text())


def check_page(elements: list[dict[str, Any]], report: dict[str, Any]) -> int:
    """Assert every value the page shows equals the report's; return how many were checked."""
    cells = {c["id"]: c for c in report["cells"]}
    seen = 0
    for e in elements:
        cell = cells.get(e.get("data-cell", ""))
        if cell is None:
            continue
        if "data-scheme" in e and "data-type" in e:
            types = {t["record_type"]: t for t in [cell["micro"], *cell["per_type"]]}
            expected = types[e["data-type"]][e["data-scheme"]]["f1"]
            assert float(e["data-value"]) == pytest.approx(expected, abs=1e-6)
            assert e["text"] == f"{expected:.3f}"
        elif e.get("data-metric") == "delta":
            expected = cell["versus_baseline"][e["data-scheme"]]["delta"]
            assert float(e["data-value"]) == pytest.approx(expected, abs=1e-6)
        elif e.get("data-metric") in cell["cost"] and e.get("data-metric") != "wall_s":
            value = cell["cost"][e["data-metric"]]
            assert e["text"] == (f"{value:.4f}" if e["data-metric"] == "cost" else str(value))
        elif "data-count" in e:
            assert int(e["text"]) == len(cell["versus_baseline"][e["data-count"]])
        else:
            continue
        seen += 1
    return seen


def test_page_is_self_contained(tmp_path: Path) -> None:
    html, _ = make_page(tmp_path)
    text = html.read_text()
    for external in ("<link", "<script src", 'src="http', 'href="http', "@import", "url("):
        assert external not in text


def test_values_links_and_points_equal_the_json_report(tmp_path: Path) -> None:
    html, report = make_page(tmp_path)
    elements = parse(html.read_text())
    types = len(report["cells"][0]["per_type"]) + 1
    # two heat maps of cells × (micro + types), and cost and comparison values besides
    assert check_page(elements, report) > 2 * len(report["cells"]) * types
    links = {e["href"] for e in elements if e["tag"] == "a" and "data-cell-link" in e}
    assert links == {c["report"] for c in report["cells"]}
    assert all((html.parent / link).is_file() for link in links)
    points = [e["data-point"] for e in elements if e["tag"] == "circle"]
    assert points == [c["id"] for c in report["cells"]]


def test_worse_cells_are_coloured_towards_red(tmp_path: Path) -> None:
    html, _ = make_page(tmp_path)
    heat = [e for e in parse(html.read_text()) if e.get("data-scheme") == "strict"]
    hue = {
        (e["data-cell"], e["data-type"]): int(e["style"].split("(")[1].split(",")[0])
        for e in heat
        if "style" in e
    }
    assert hue[("base.r1", "all")] == 120
    assert hue[("worse.r1", "figures")] < 120


@pytest.mark.browser
def test_the_page_in_a_real_browser(tmp_path: Path) -> None:
    html, report = make_page(tmp_path)
    dom = rendered_dom(html, tmp_path / "profile", "--window-size=1280,2000")
    elements = parse(dom)
    (body,) = [e for e in elements if e["tag"] == "body"]
    assert body.get("data-js") == "ready"  # the page's script ran
    (drawn,) = [e for e in elements if e.get("id") == "points-drawn"]
    assert int(drawn["text"]) == len(report["cells"])  # every point laid out inside the plot
    assert check_page(elements, report) > 2 * len(report["cells"])
