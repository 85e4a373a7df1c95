"""The HTML report (eval/report_html.py): self-contained, and its counts equal the JSON report's.

The browser test renders it in real headless Chromium, so the counts are read from the DOM
after the page's script ran (it fills each article's "drawn" highlight counts).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from extractor_eval.cli import main
from tests.eval.evalfixtures import corpus, drop, edit, rich_gold, write_folder
from tests.support.browser import rendered_dom


class Collector(HTMLParser):
    """Every element's attributes, and the text directly inside elements with a data-* count."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element: dict[str, Any] = {"tag": tag, **dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("input", "meta", "br"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1]["text"] += data


def parse(html: str) -> list[dict[str, Any]]:
    collector = Collector()
    collector.feed(html)
    return collector.elements


def make_report(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    gold, seeds, pred = corpus(tmp_path)
    worse = drop(edit(rich_gold("d1"), "partnerships", 1, status="agreed"), "partnerships", 0)
    worse = edit(worse, "figures", 0, currency="USD")
    pred_d2 = pred / "d2.json"
    pred = write_folder(tmp_path / "worse", [worse])
    (pred / "d2.json").write_bytes(pred_d2.read_bytes())
    out = tmp_path / "out"
    assert (
        main(
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
                "--html",
                str(out / "r.html"),
                "--quiet",
            ]
        )
        == 0
    )
    return out / "r.html", json.loads((out / "r.json").read_text())


def check_counts(elements: list[dict[str, Any]], report: dict[str, Any]) -> int:
    """Assert every count the page shows equals the JSON report's; return how many were seen."""
    per_type = {t["record_type"]: t["counts"] for t in report["per_type"]}
    per_type["all"] = report["micro"]["score"]["counts"]
    per_doc = {d["doc_id"]: d["counts"] for d in report["documents"]}
    seen = 0
    for e in elements:
        count = e.get("data-count")
        if count is None:
            continue
        if e.get("data-scope") == "micro":
            expected = report["micro"]["score"]["counts"][count]
        elif "data-type" in e:
            expected = per_type[e["data-type"]][count]
        elif "data-doc" in e and "data-side" not in e:
            expected = per_doc[e["data-doc"]][count]
        elif count in ("valid", "invalid", "absent"):
            expected = report["validity"][count]
        else:
            continue
        assert int(e["text"]) == expected, (e, expected)
        seen += 1
    return seen


def test_html_is_self_contained(tmp_path: Path) -> None:
    html, _ = make_report(tmp_path)
    text = html.read_text()
    for external in ("<link", "<script src", 'src="http', 'href="http', "@import", "url("):
        assert external not in text


def test_static_counts_equal_the_json_report(tmp_path: Path) -> None:
    html, report = make_report(tmp_path)
    assert report["micro"]["score"]["counts"]["missing"] == 1
    assert report["micro"]["score"]["counts"]["incorrect"] == 1
    assert check_counts(parse(html.read_text()), report) > 50


def test_articles_highlight_gold_and_predicted_evidence(tmp_path: Path) -> None:
    html, _ = make_report(tmp_path)
    elements = parse(html.read_text())
    marks = [e for e in elements if e["tag"] == "mark" and e.get("data-doc") is None]
    classes = {e["class"] for e in marks}
    assert {"cat-correct", "cat-partial", "cat-incorrect", "cat-missing"} <= classes
    missing = [e for e in marks if e["class"] == "cat-missing"]
    assert any("Dixon Technologies makes phones" in e["text"] for e in missing)


@pytest.mark.browser
def test_counts_in_a_real_browser_equal_the_json_report(tmp_path: Path) -> None:
    html, report = make_report(tmp_path)
    dom = rendered_dom(html, tmp_path / "profile")
    elements = parse(dom)
    (body,) = [e for e in elements if e["tag"] == "body"]
    assert body.get("data-js") == "ready"  # the page's script ran
    assert check_counts(elements, report) > 50
    drawn = [e for e in elements if "data-drawn" in e]
    assert drawn and all(e["text"] == e["data-located"] for e in drawn)
    # every gold item is highlighted somewhere: drawn gold counts add up to the gold total
    gold_drawn = sum(int(e["text"]) for e in drawn if e["data-side"] == "gold")
    assert gold_drawn == report["micro"]["score"]["counts"]["gold"]
