"""Terminal and Markdown rendering of reports, gate results and comparisons."""

from __future__ import annotations

from collections.abc import Sequence

from extractor_eval.baseline import GateResult
from extractor_eval.compare import CompareReport, TypeDelta
from extractor_eval.report_model import Report
from extractor_eval.schemes import LABEL
from extractor_eval.sections import Section, interval, num, report_sections

_MAX_CELL = 100


def _cell(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= _MAX_CELL else value[: _MAX_CELL - 1] + "…"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to width; numbers right-aligned so decimals line up."""
    cells = [[_cell(h) for h in headers], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(row, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _numeric(cell: str) -> bool:
    return cell.replace(".", "", 1).replace("—", "").isdigit() or cell == "—"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def esc(cell: str) -> str:
        return " ".join(cell.split()).replace("|", "\\|")

    lines = [
        "| " + " | ".join(map(esc, headers)) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(map(esc, row)) + " |" for row in rows]
    return "\n".join(lines)


def _render(sections: Sequence[Section], markdown: bool) -> str:
    out: list[str] = []
    for section in sections:
        out.append(f"## {section.title}" if markdown else f"== {section.title}")
        out += [f"- {n}" if markdown else n for n in section.notes]
        if section.headers and not section.rows:
            out.append("(none)")
        elif section.headers:
            table = markdown_table if markdown else text_table
            out.append(table(section.headers, section.rows))
        out.append("")
    return "\n".join(out)


def render_text(report: Report, failure_limit: int | None = 20) -> str:
    return _render(report_sections(report, failure_limit), markdown=False)


def render_markdown(report: Report) -> str:
    title = f"# Evaluation of `{report.inputs.predictions}` against `{report.inputs.gold}`\n\n"
    meta = (
        f"scorer {report.meta.scorer_version} · commit {report.meta.git_commit or 'unknown'}"
        f" · {report.meta.created_at}\n\n"
    )
    return title + meta + _render(report_sections(report, None), markdown=True)


def render_gate(result: GateResult) -> str:
    lines = [f"baseline gate: {'PASS' if result.passed else 'FAIL'} (tolerance {result.tolerance})"]
    lines += [f"  regression: {r}" for r in result.regressions]
    lines += [f"  warning: {w}" for w in result.warnings]
    lines += [f"  lost ({f.before} → {f.after}): {f.key}" for f in result.lost]
    lines += [f"  accepted ({f.before} → {f.after}): {f.key}" for f in result.accepted]
    lines += [f"  gained ({f.before} → {f.after}): {f.key}" for f in result.gained]
    if result.lost:
        lines.append(
            "  a lost item fails the gate whatever the totals do: fix it, name it with "
            "--accept KEY, or move the baseline with --update-baseline after review"
        )
    return "\n".join(lines)


def p_value(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _delta_row(d: TypeDelta) -> list[str]:
    return [
        d.record_type,
        num(d.f1_a),
        num(d.f1_b),
        f"{d.delta:+.3f}",
        interval(d.interval),
        p_value(d.p_value),
    ]


def compare_sections(report: CompareReport) -> list[Section]:
    method = report.schemes[0].micro.interval
    how = "paired " + (method.method.replace("_", " ") if method else "interval")
    return [
        Section(
            "Runs",
            [
                f"A: {report.run_a.predictions}",
                f"B: {report.run_b.predictions}",
                f"documents (by partial-credit F1): B wins {report.wins}, loses "
                f"{report.losses}, ties {report.ties}",
                f"gold items: {len(report.gained)} gained, {len(report.lost)} lost",
            ],
        ),
        *(
            Section(
                f"{LABEL[c.scheme].capitalize()} F1, B − A ({how}; p: paired permutation test)",
                headers=("type", "F1 A", "F1 B", "ΔF1", "interval", "p"),
                rows=[_delta_row(d) for d in [*c.per_type, c.micro]],
            )
            for c in report.schemes
        ),
        Section(
            "Per document",
            headers=("document", "A", "B", "F1 A", "F1 B", "F1½ A", "F1½ B", "+", "−", "outcome"),
            rows=[
                [
                    d.doc_id,
                    d.status_a,
                    d.status_b,
                    num(d.strict_a),
                    num(d.strict_b),
                    num(d.partial_credit_a),
                    num(d.partial_credit_b),
                    str(d.gained),
                    str(d.lost),
                    d.outcome,
                ]
                for d in report.documents
            ],
        ),
        Section(
            f"Gained in B ({len(report.gained)})",
            headers=("item", "A", "B"),
            rows=[[f.key, f.before, f.after] for f in report.gained],
        ),
        Section(
            f"Lost in B ({len(report.lost)})",
            headers=("item", "A", "B"),
            rows=[[f.key, f.before, f.after] for f in report.lost],
        ),
    ]


def render_compare(report: CompareReport, markdown: bool = False) -> str:
    return _render(compare_sections(report), markdown=markdown)
