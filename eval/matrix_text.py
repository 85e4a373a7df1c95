"""The matrix summary for a terminal and for a pull-request comment (Markdown).

One row per cell, the flakiness of each repeated configuration, the gate, and the gold items
that moved against the baseline (capped, so the comment stays short; the HTML page has all).
"""

from __future__ import annotations

from extractor_eval.compare import TypeDelta
from extractor_eval.flips import Flip
from extractor_eval.matrix_model import CellScore, MatrixGate, MatrixReport, MetricInterval
from extractor_eval.report_text import markdown_table, p_value, render_gate, text_table
from extractor_eval.sections import num

MOVED_SHOWN = 8
"""Gained or lost items listed per cell in the summary."""
HEADERS = (
    "cell",
    "F1 [CI]",
    "F1½ [CI]",
    "ΔF1½ vs base (p)",
    "gained",
    "lost",
    "calls (live)",
    "tokens",
    "cost",
    "wall s",
)


def with_interval(m: MetricInterval) -> str:
    iv = m.interval
    return num(m.f1) if iv is None else f"{m.f1:.3f} [{iv.low:.3f}, {iv.high:.3f}]"


def delta(d: TypeDelta | None) -> str:
    return "baseline" if d is None else f"{d.delta:+.3f} ({p_value(d.p_value)})"


def money(value: float) -> str:
    return f"{value:.4f}"


def _row(c: CellScore, baseline: str | None) -> list[str]:
    v = c.versus_baseline
    cost = c.cost
    is_base = c.id == baseline
    return [
        c.id + (" (failed)" if c.status == "failed" else ""),
        with_interval(c.micro.strict),
        with_interval(c.micro.partial_credit),
        delta(v.partial_credit if v else None) if (v or is_base) else "—",
        str(len(v.gained)) if v else "—",
        str(len(v.lost)) if v else "—",
        f"{cost.calls} ({cost.live_calls})",
        f"{cost.prompt_tokens + cost.completion_tokens}",
        money(cost.cost),
        "—" if cost.wall_s is None else f"{cost.wall_s:.1f}",
    ]


def _moved(title: str, flips: list[Flip]) -> list[str]:
    shown = [f"  {title} ({f.before} → {f.after}): {f.key}" for f in flips[:MOVED_SHOWN]]
    if len(flips) > MOVED_SHOWN:
        shown.append(f"  … {len(flips) - MOVED_SHOWN} more {title} (see the HTML page)")
    return shown


def _flakiness(report: MatrixReport) -> list[str]:
    return [
        f"{g.group}: {len(g.flaky_items)} of {g.gold_items} gold items "
        f"({g.flaky_share:.1%}) changed category over {g.repeats} repeats; "
        f"F1 {g.strict_min:.3f}–{g.strict_max:.3f}, F1½ {g.partial_credit_min:.3f}–"
        f"{g.partial_credit_max:.3f} (sd {g.partial_credit_sd:.3f})"
        for g in report.groups
    ]


def _movements(report: MatrixReport) -> list[str]:
    lines: list[str] = []
    for c in report.cells:
        v = c.versus_baseline
        if v is None or not (v.gained or v.lost):
            continue
        lines.append(f"{c.id} vs {v.baseline}: {len(v.gained)} gained, {len(v.lost)} lost")
        lines += _moved("lost", v.lost) + _moved("gained", v.gained)
    return lines


def gate_lines(result: MatrixGate) -> list[str]:
    lines = [f"matrix gate: {'PASS' if result.passed else 'FAIL'}"]
    lines += [f"  cell missing from this matrix (in the baseline): {m}" for m in result.missing]
    lines += [f"  cell without a baseline (not gated): {n}" for n in result.new]
    for cell, r in result.cells.items():
        if not r.passed or r.gained or r.warnings:
            lines.append(f"cell {cell}:")
            lines.append("  " + render_gate(r).replace("\n", "\n  "))
    return lines


def _notes(report: MatrixReport) -> list[str]:
    cells = report.cells
    failed = [c for c in cells if c.status == "failed" or c.cost.failed_documents]
    notes = [
        f"{len(cells)} cells over {', '.join(report.axes) or 'no axes'}; baseline cell "
        f"{report.baseline_cell or '(none)'}; scorer {report.meta.scorer_version}",
        f"{sum(c.cost.calls for c in cells)} model calls, "
        f"{sum(c.cost.live_calls for c in cells)} live (the rest replayed from the cache); "
        f"cost {money(sum(c.cost.cost for c in cells))}",
    ]
    notes += [
        f"FAILED {c.id}: {c.error or f'{c.cost.failed_documents} document(s) failed'}"
        for c in failed
    ]
    return notes


def render_matrix(
    report: MatrixReport, gate_result: MatrixGate | None = None, markdown: bool = False
) -> str:
    """F1 is strict, F1½ partial credit; Δ and p are paired against the baseline cell."""
    rows = [_row(c, report.baseline_cell) for c in report.cells]
    table = (markdown_table if markdown else text_table)(HEADERS, rows)
    flaky, moved = _flakiness(report), _movements(report)
    gate = gate_lines(gate_result) if gate_result is not None else []
    if markdown:
        out = [f"## Matrix `{report.name}`", "", *(f"- {n}" for n in _notes(report)), "", table]
        if flaky:
            out += ["", "**Flakiness over repeats**", "", *(f"- {f}" for f in flaky)]
        if gate:
            out += ["", "**Gate**", "", "```", *gate, "```"]
        if moved:
            out += ["", "**Gold items moved against the baseline**", "", "```", *moved, "```"]
        return "\n".join(out) + "\n"
    out = [f"== matrix {report.name}", *_notes(report), table]
    if flaky:
        out += ["== flakiness over repeats", *flaky]
    if moved:
        out += ["== gold items moved against the baseline", *moved]
    return "\n".join(out + gate) + "\n"
