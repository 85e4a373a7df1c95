"""The single-file HTML view of a paired comparison of two runs."""

from __future__ import annotations

from extractor_eval.compare import CompareReport, ItemFlip, TypeDelta
from extractor_eval.html import el, page, table, text
from extractor_eval.sections import interval, num


def _delta_row(d: TypeDelta) -> str:
    scope = {"data-type": d.record_type}
    cells = [
        el("td", text(d.record_type)),
        el("td", text(num(d.f1_a)), {"class": "n", **scope, "data-metric": "f1-a"}),
        el("td", text(num(d.f1_b)), {"class": "n", **scope, "data-metric": "f1-b"}),
        el(
            "td",
            text(f"{d.delta:+.3f}"),
            {"class": "n", **scope, "data-metric": "delta", "data-value": d.delta},
        ),
        el("td", text(interval(d.interval))),
    ]
    return el("tr", "".join(cells), scope)


def _flips(title: str, flips: list[ItemFlip], ident: str) -> str:
    rows = [
        el(
            "tr",
            el("td", text(f.key)) + el("td", text(f.category_a)) + el("td", text(f.category_b)),
        )
        for f in flips
    ]
    return el(
        "h2", text(title) + " " + el("span", text(len(flips)), {"data-count": ident})
    ) + table(["item", "A", "B"], rows, {"id": ident})


def render_compare_html(report: CompareReport) -> str:
    header = el("h1", text("Comparison")) + el(
        "p",
        text(
            f"A = {report.run_a.predictions} · B = {report.run_b.predictions} · gold "
            f"{report.run_a.gold} · scorer {report.meta.scorer_version}"
        ),
        {"class": "meta"},
    )
    outcome = el(
        "p",
        " · ".join(
            f"B {label} " + el("span", text(n), {"id": f"docs-{key}", "data-count": key})
            for label, key, n in (
                ("wins", "win", report.wins),
                ("loses", "loss", report.losses),
                ("ties", "tie", report.ties),
            )
        ),
        {"class": "headline"},
    )
    deltas = table(
        ["type", "F1 A", "F1 B", "ΔF1 (B − A)", "paired bootstrap"],
        [_delta_row(d) for d in [*report.per_type, report.micro]],
        {"id": "deltas"},
    )
    docs = table(
        ["document", "A", "B", "F1 A", "F1 B", "outcome"],
        [
            el(
                "tr",
                "".join(
                    el("td", text(v))
                    for v in (d.doc_id, d.status_a, d.status_b, num(d.f1_a), num(d.f1_b), d.outcome)
                ),
                {"data-doc": d.doc_id, "data-outcome": d.outcome},
            )
            for d in report.documents
        ],
        {"id": "documents"},
    )
    body = (
        header
        + outcome
        + el("h2", "Strict F1 per record type")
        + deltas
        + el("h2", "Per document")
        + docs
        + _flips("Gained in B (correct in B, not in A)", report.gained, "gained")
        + _flips("Lost in B (correct in A, not in B)", report.lost, "lost")
    )
    return page("Run comparison", body)
