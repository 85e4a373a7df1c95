"""Terminal and Markdown rendering of reports, gate results and comparisons."""

from __future__ import annotations

from collections.abc import Sequence

from extractor_eval.baseline import GateResult
from extractor_eval.compare import CompareReport, TypeDelta
from extractor_eval.report_model import Report
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
    lines += [f"  lost   (correct → {f.after}): {f.key}" for f in result.lost]
    lines += [f"  gained ({f.before} → correct): {f.key}" for f in result.gained]
    return "\n".join(lines)


def _delta_row(d: TypeDelta) -> list[str]:
    return [d.record_type, num(d.f1_a), num(d.f1_b), f"{d.delta:+.3f}", interval(d.interval)]


def compare_sections(report: CompareReport) -> list[Section]:
    return [
        Section(
            "Runs",
            [
                f"A: {report.run_a.predictions}",
                f"B: {report.run_b.predictions}",
                f"documents: B wins {report.wins}, loses {report.losses}, ties {report.ties}",
            ],
        ),
        Section(
            "Strict F1, B − A (paired bootstrap over documents)",
            headers=("type", "F1 A", "F1 B", "ΔF1", "interval"),
            rows=[_delta_row(d) for d in [*report.per_type, report.micro]],
        ),
        Section(
            "Per document",
            headers=("document", "A", "B", "F1 A", "F1 B", "outcome"),
            rows=[
                [d.doc_id, d.status_a, d.status_b, num(d.f1_a), num(d.f1_b), d.outcome]
                for d in report.documents
            ],
        ),
        Section(
            f"Gained in B ({len(report.gained)})",
            headers=("item", "A", "B"),
            rows=[[f.key, f.category_a, f.category_b] for f in report.gained],
        ),
        Section(
            f"Lost in B ({len(report.lost)})",
            headers=("item", "A", "B"),
            rows=[[f.key, f.category_a, f.category_b] for f in report.lost],
        ),
    ]


def render_compare(report: CompareReport, markdown: bool = False) -> str:
    return _render(compare_sections(report), markdown=markdown)
