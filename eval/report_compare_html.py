"""The single-file HTML view of a paired comparison of two runs."""

from __future__ import annotations

from extractor_eval.compare import CompareReport, SchemeComparison, TypeDelta
from extractor_eval.flips import Flip
from extractor_eval.html import el, page, table, text
from extractor_eval.report_text import p_value
from extractor_eval.schemes import LABEL
from extractor_eval.sections import interval, num


def _delta_row(d: TypeDelta, scheme: str) -> str:
    scope = {"data-type": d.record_type, "data-scheme": scheme}
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
        el("td", text(p_value(d.p_value)), {"class": "n", **scope, "data-metric": "p"}),
    ]
    return el("tr", "".join(cells), scope)


def _scheme(c: SchemeComparison) -> str:
    return el("h2", text(f"{LABEL[c.scheme].capitalize()} F1 per record type")) + table(
        ["type", "F1 A", "F1 B", "ΔF1 (B − A)", "paired interval", "p (permutation)"],
        [_delta_row(d, c.scheme) for d in [*c.per_type, c.micro]],
        {"id": f"deltas-{c.scheme}"},
    )


def _flips(title: str, flips: list[Flip], ident: str) -> str:
    rows = [
        el("tr", el("td", text(f.key)) + el("td", text(f.before)) + el("td", text(f.after)))
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
    docs = table(
        ["document", "A", "B", "F1 A", "F1 B", "F1½ A", "F1½ B", "gained", "lost", "outcome"],
        [
            el(
                "tr",
                "".join(
                    el("td", text(v))
                    for v in (
                        d.doc_id,
                        d.status_a,
                        d.status_b,
                        num(d.strict_a),
                        num(d.strict_b),
                        num(d.partial_credit_a),
                        num(d.partial_credit_b),
                        d.gained,
                        d.lost,
                        d.outcome,
                    )
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
        + "".join(_scheme(c) for c in report.schemes)
        + el("h2", "Per document")
        + docs
        + _flips("Gained in B (category better than in A)", report.gained, "gained")
        + _flips("Lost in B (category worse than in A)", report.lost, "lost")
    )
    return page("Run comparison", body)
