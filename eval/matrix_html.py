"""The single-file HTML page of a matrix run: a heat map of cells × record types per scheme (each
cell linking to its own report), a cost-vs-F1 scatter plot, cost, the paired comparison with the
baseline cell, flakiness over repeats, the gate, and the gold items that moved.

Values sit in elements with data attributes (data-cell, data-type, data-scheme, data-metric,
data-count) so the browser test can read them back and check them against the JSON report.
The plot is inline SVG drawn here, so the page needs no script to be read; matrix.js only adds
sorting and reports how many points the browser laid out.
"""

from __future__ import annotations

from collections.abc import Sequence

from extractor_eval.compare import TypeDelta
from extractor_eval.flips import Flip
from extractor_eval.html import asset, el, table, text
from extractor_eval.matrix_model import CellScore, MatrixGate, MatrixReport, TypeF1
from extractor_eval.matrix_text import gate_lines, money
from extractor_eval.report_text import p_value
from extractor_eval.schemes import LABEL, SCHEMES, Scheme
from extractor_eval.sections import interval, num

_W, _H, _PAD = 560, 320, 48


def _heat(value: float) -> str:
    """Red (0) through yellow to green (1), light enough for dark text."""
    return f"background:hsl({round(120 * max(0.0, min(1.0, value)))},70%,80%)"


def _link(c: CellScore) -> str:
    return el("a", text(c.id), {"href": c.report, "data-cell-link": c.id})


def _heat_cell(c: CellScore, t: TypeF1, scheme: Scheme) -> str:
    metric = getattr(t, scheme)
    return el(
        "td",
        text(num(metric.f1)),
        {
            "class": "n heat",
            "style": _heat(metric.f1),
            "title": f"{c.id} · {t.record_type} · {LABEL[scheme]} F1 {interval(metric.interval)}",
            "data-cell": c.id,
            "data-type": t.record_type,
            "data-scheme": scheme,
            "data-value": f"{metric.f1:.6f}",
        },
    )


def heat_map(report: MatrixReport, scheme: Scheme) -> str:
    types = [t.record_type for t in report.cells[0].per_type] if report.cells else []
    rows = [
        el(
            "tr",
            el("th", _link(c), {"scope": "row"})
            + "".join(_heat_cell(c, t, scheme) for t in [c.micro, *c.per_type]),
            {"data-row": c.id},
        )
        for c in report.cells
    ]
    return el("h2", text(f"{LABEL[scheme].capitalize()} F1: cells × record types")) + table(
        ["cell", "micro", *types], rows, {"id": f"heat-{scheme}", "class": "heat-map sortable"}
    )


def _metric(value: str, cell: str, metric: str, raw: object = None) -> str:
    attributes = {"class": "n", "data-cell": cell, "data-metric": metric, "data-value": raw}
    return el("td", text(value), attributes)


def cost_table(report: MatrixReport) -> str:
    rows = []
    for c in report.cells:
        k = c.cost
        cells = [
            el("th", _link(c), {"scope": "row"}),
            el("td", text(c.status), {"data-cell": c.id, "data-metric": "status"}),
            _metric(str(k.documents), c.id, "documents", k.documents),
            _metric(str(k.failed_documents), c.id, "failed_documents", k.failed_documents),
            _metric(str(k.calls), c.id, "calls", k.calls),
            _metric(str(k.live_calls), c.id, "live_calls", k.live_calls),
            _metric(str(k.prompt_tokens), c.id, "prompt_tokens", k.prompt_tokens),
            _metric(str(k.completion_tokens), c.id, "completion_tokens", k.completion_tokens),
            _metric(money(k.cost), c.id, "cost", k.cost),
            _metric("—" if k.wall_s is None else f"{k.wall_s:.1f}", c.id, "wall_s", k.wall_s),
        ]
        rows.append(el("tr", "".join(cells), {"data-row": c.id}))
    headers = ["cell", "status", "docs", "failed", "calls", "live calls", "prompt tokens"]
    headers += ["completion tokens", "cost", "wall s"]
    return el("h2", "Calls, tokens, cost and time") + table(
        headers, rows, {"id": "costs", "class": "sortable"}
    )


def _delta_cells(c: CellScore, d: TypeDelta, scheme: str) -> str:
    scope = {"data-cell": c.id, "data-scheme": scheme}
    return el(
        "td",
        text(f"{d.delta:+.3f}"),
        {"class": "n", **scope, "data-metric": "delta", "data-value": f"{d.delta:.6f}"},
    ) + el("td", text(f"{interval(d.interval)} p {p_value(d.p_value)}"), scope)


def comparison_table(report: MatrixReport) -> str:
    if report.baseline_cell is None:
        return el("p", "No baseline cell configured: no comparison.", {"class": "note"})
    rows = []
    for c in report.cells:
        v = c.versus_baseline
        if v is None:
            continue
        counts = "".join(
            el("td", text(n), {"class": "n", "data-cell": c.id, "data-count": key})
            for key, n in (("gained", len(v.gained)), ("lost", len(v.lost)))
        )
        deltas = "".join(_delta_cells(c, getattr(v, s), s) for s in SCHEMES)
        docs = el("td", text(f"{v.wins}/{v.losses}/{v.ties}"))
        rows.append(el("tr", el("th", _link(c), {"scope": "row"}) + deltas + docs + counts))
    headers = ["cell", "ΔF1", "paired interval", "ΔF1½", "paired interval", "ΔF1~"]
    headers += ["paired interval", "docs won/lost/tied", "gained", "lost"]
    title = f"Against the baseline cell {report.baseline_cell}"
    return el("h2", text(title)) + table(headers, rows, {"id": "versus", "class": "sortable"})


def _ticks(high: float, axis: str) -> str:
    """Five labels from 0 to high along one axis."""
    out = []
    for i in range(5):
        value = high * i / 4
        if axis == "x":
            x = _PAD + (_W - 2 * _PAD) * i / 4
            out.append(el("text", text(f"{value:.3g}"), {"x": x, "y": _H - _PAD + 16}))
        else:
            y = _H - _PAD - (_H - 2 * _PAD) * i / 4
            out.append(el("text", text(f"{value:.2f}"), {"x": 6, "y": y + 4}))
    return "".join(out)


def scatter(report: MatrixReport) -> str:
    """Cost (x) against partial-credit F1 (y); tokens on x when no cell has a price."""
    cells = report.cells
    priced = any(c.cost.cost > 0 for c in cells)
    xs = [c.cost.cost if priced else c.cost.prompt_tokens + c.cost.completion_tokens for c in cells]
    x_label = "cost" if priced else "tokens (no prices configured)"
    x_max = max(xs, default=0) or 1.0
    span_x, span_y = _W - 2 * _PAD, _H - 2 * _PAD
    points = []
    for c, x in zip(cells, xs, strict=True):
        f1 = c.micro.partial_credit.f1
        px, py = _PAD + span_x * x / x_max, _H - _PAD - span_y * f1
        tip = el("title", text(f"{c.id}: F1½ {f1:.3f}, {x_label} {x:g}"))
        dot = el(
            "circle",
            tip,
            {"cx": f"{px:.1f}", "cy": f"{py:.1f}", "r": 6, "data-point": c.id, "data-x": x},
        )
        # labels go left of points in the right half, so none runs off the plot
        left = px > _W / 2
        at = {"x": f"{px - 8 if left else px + 8:.1f}", "y": f"{py - 8:.1f}"}
        label = el("text", text(c.id), {**at, "text-anchor": "end" if left else "start"})
        points.append(el("a", dot + label, {"href": c.report}))
    axes = el(
        "path",
        "",
        {"d": f"M{_PAD},{_PAD} V{_H - _PAD} H{_W - _PAD}", "class": "axis"},
    )
    labels = el("text", text(x_label), {"x": _W / 2, "y": _H - 8, "class": "axis-label"})
    labels += el("text", "partial-credit F1", {"x": 6, "y": 16, "class": "axis-label"})
    svg = el(
        "svg",
        axes + _ticks(x_max, "x") + _ticks(1.0, "y") + labels + "".join(points),
        {"id": "scatter", "viewBox": f"0 0 {_W} {_H}", "width": _W, "height": _H},
    )
    drawn = el(
        "p",
        "points laid out: " + el("span", "?", {"id": "points-drawn"}),
        {"class": "note"},
    )
    return el("h2", text(f"Partial-credit F1 against {x_label}")) + svg + drawn


def flakiness_table(report: MatrixReport) -> str:
    if not report.groups:
        return ""
    rows = [
        el(
            "tr",
            "".join(
                el("td", text(v), {"class": "n"} if i else None)
                for i, v in enumerate(
                    (
                        g.group,
                        g.repeats,
                        f"{g.strict_min:.3f}–{g.strict_max:.3f}",
                        f"{g.partial_credit_min:.3f}–{g.partial_credit_max:.3f}",
                        f"{g.partial_credit_sd:.3f}",
                        f"{len(g.flaky_items)} / {g.gold_items}",
                        f"{g.flaky_share:.1%}",
                    )
                )
            ),
            {"data-group": g.group, "data-flaky": len(g.flaky_items)},
        )
        for g in report.groups
    ]
    headers = ["configuration", "repeats", "F1 range", "F1½ range", "F1½ sd", "flaky items"]
    headers += ["flaky share"]
    details = "".join(
        el(
            "details",
            el("summary", text(f"{g.group}: {len(g.flaky_items)} flaky gold items"))
            + el("ul", "".join(el("li", text(k)) for k in g.flaky_items)),
        )
        for g in report.groups
        if g.flaky_items
    )
    return (
        el("h2", "Flakiness over repeats (gold items whose category changed)")
        + table(headers, rows, {"id": "flakiness"})
        + details
    )


def _flip_list(title: str, flips: Sequence[Flip], cell: str) -> str:
    items = "".join(
        el("li", text(f"{f.key}: {f.before} → {f.after}"), {"data-flip": title}) for f in flips
    )
    return el("h4", text(f"{title} ({len(flips)})")) + el("ul", items, {"data-cell": cell})


def movements(report: MatrixReport) -> str:
    blocks = []
    for c in report.cells:
        v = c.versus_baseline
        if v is None or not (v.gained or v.lost):
            continue
        summary = el("summary", text(f"{c.id}: {len(v.gained)} gained, {len(v.lost)} lost"))
        lists = _flip_list("lost", v.lost, c.id) + _flip_list("gained", v.gained, c.id)
        blocks.append(el("details", summary + lists, {"open": "open"}))
    if not blocks:
        return ""
    return el("h2", "Gold items that moved against the baseline") + "".join(blocks)


def _gate(result: MatrixGate | None) -> str:
    if result is None:
        return ""
    verdict = "PASS" if result.passed else "FAIL"
    return el("h2", text(f"Gate: {verdict}")) + el(
        "pre", text("\n".join(gate_lines(result))), {"id": "gate", "data-passed": result.passed}
    )


def render_matrix_html(report: MatrixReport, gate_result: MatrixGate | None = None) -> str:
    header = el("h1", text(f"Matrix {report.name}")) + el(
        "p",
        text(
            f"{len(report.cells)} cells · axes {', '.join(report.axes) or 'none'} · gold "
            f"{report.gold} · scorer {report.meta.scorer_version} · commit "
            f"{report.meta.git_commit or 'unknown'} · {report.meta.created_at}"
        ),
        {"class": "meta"},
    )
    body = (
        header
        + heat_map(report, "strict")
        + heat_map(report, "partial_credit")
        + scatter(report)
        + comparison_table(report)
        + cost_table(report)
        + flakiness_table(report)
        + _gate(gate_result)
        + movements(report)
    )
    style = asset("report.css") + asset("matrix.css")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{text(f'Matrix {report.name}')}</title><style>{style}</style></head>"
        f'<body data-cells="{len(report.cells)}">{body}'
        f"<script>{asset('matrix.js')}</script></body></html>\n"
    )
