"""The single-file HTML report: scores, failures, and each article with its evidence highlighted.

Counts are written into elements with stable data attributes (data-scope / data-type / data-doc
with data-count) so tests and scripts can read them back and check them against the JSON report.
Evidence spans: predicted items use their grounded `span` when present, else the first
occurrence of their evidence; gold items use the first occurrence of their evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from pydantic import BaseModel

from extractor_eval.entities import items_of
from extractor_eval.html import el, page, table, text, void
from extractor_eval.loading import Run
from extractor_eval.outcomes import CATEGORIES, Category
from extractor_eval.report_model import CountsModel, ItemOutcome, Report, TypeScore
from extractor_eval.schemes import LABEL, SCHEMES
from extractor_eval.score import canonical
from extractor_eval.sections import interval, interval_method, num
from extractor_schemas import Grounded

# Where highlights overlap, the worse category colours the overlap.
_PRIORITY = {
    c.value: i
    for i, c in enumerate(
        (
            Category.MISSING,
            Category.SPURIOUS,
            Category.INCORRECT,
            Category.PARTIAL,
            Category.CORRECT,
        )
    )
}
_GOLD_SIDE = ("correct", "partial", "incorrect", "missing")
_PRED_SIDE = ("correct", "partial", "incorrect", "spurious")


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    category: str
    item_id: str
    label: str


def _num_cell(value: str, attributes: Mapping[str, object] | None = None) -> str:
    return el("td", text(value), {"class": "n", **(attributes or {})})


def _count_cells(counts: CountsModel, scope: Mapping[str, object]) -> str:
    values = {
        "gold": counts.gold,
        "predicted": counts.predicted,
        **{c.value: counts.model_dump()[c.value] for c in CATEGORIES},
    }
    return "".join(_num_cell(str(v), {**scope, "data-count": k}) for k, v in values.items())


def _type_row(score: TypeScore) -> str:
    scope = {"data-type": score.record_type}
    metrics = [
        x
        for scores in (score.strict, score.partial_credit, score.lenient)
        for x in (scores.precision, scores.recall, scores.f1)
    ]
    return el(
        "tr",
        el("td", text(score.record_type))
        + _count_cells(score.counts, scope)
        + "".join(_num_cell(num(m)) for m in metrics),
        scope,
    )


def _headline(report: Report) -> str:
    micro, v = report.micro, report.validity
    f1 = el(
        "strong",
        text(num(micro.score.strict.f1)),
        {"id": "micro-strict-f1", "data-value": micro.score.strict.f1},
    )
    counts = " · ".join(
        f"{c.value} "
        + el(
            "span",
            text(micro.score.counts.model_dump()[c.value]),
            {"id": f"count-{c.value}", "data-scope": "micro", "data-count": c.value},
        )
        for c in CATEGORIES
    )
    partial = el(
        "strong",
        text(num(micro.score.partial_credit.f1)),
        {"id": "micro-partial-credit-f1", "data-value": micro.score.partial_credit.f1},
    )
    lines = [
        f"Micro strict F1 {f1} {text(interval(micro.strict_f1_interval))} · partial credit F1 "
        f"{partial} {text(interval(micro.partial_credit_f1_interval))}",
        text(
            f"{LABEL['lenient']} F1 {num(micro.score.lenient.f1)} "
            f"{interval(micro.lenient_f1_interval)} · {interval_method(report)}"
        ),
        f"Macro F1 over {len(report.macro.types)} types: strict {num(report.macro.strict_f1)}, "
        f"partial credit {num(report.macro.partial_credit_f1)}, "
        f"lenient {num(report.macro.lenient_f1)}",
        counts,
        f"Documents: {v.gold_documents} in gold · "
        + el("span", text(v.valid), {"id": "docs-valid", "data-count": "valid"})
        + " valid · "
        + el("span", text(v.invalid), {"id": "docs-invalid", "data-count": "invalid"})
        + " invalid · "
        + el("span", text(v.absent), {"id": "docs-absent", "data-count": "absent"})
        + " absent",
    ]
    if v.invalid or v.absent:
        lines.append(
            el(
                "span",
                text(
                    f"The {v.gold_items_in_unusable_documents} gold items of invalid or absent"
                    f" documents are counted as missing. Valid documents only: strict F1 "
                    f"{num(report.micro_valid_only.strict.f1)}."
                ),
                {"class": "bad"},
            )
        )
    return el("div", "".join(el("p", line) for line in lines), {"class": "headline"})


def _per_type(report: Report) -> str:
    headers = [
        "type",
        "gold",
        "pred",
        *(c.value for c in CATEGORIES),
        *(f"{m} {LABEL[scheme]}".strip() for scheme in SCHEMES for m in ("P", "R", "F1")),
    ]
    rows = [_type_row(t) for t in report.per_type] + [_type_row(report.micro.score)]
    return el("h2", "Per record type") + table(headers, rows, {"id": "per-type"})


def _documents(report: Report) -> str:
    rows = []
    for d in report.documents:
        scope = {"data-doc": d.doc_id}
        rows.append(
            el(
                "tr",
                el("td", el("a", text(d.doc_id), {"href": f"#doc-{d.doc_id}"}))
                + el("td", text(d.status), {"data-status": d.status})
                + _count_cells(d.counts, scope)
                + "".join(
                    _num_cell(num(x)) for x in (d.strict.f1, d.partial_credit.f1, d.lenient.f1)
                )
                + el("td", text(d.problem or "")),
                {**scope, "class": "" if d.status == "valid" else "bad"},
            )
        )
    headers = [
        "document",
        "status",
        "gold",
        "pred",
        *(c.value for c in CATEGORIES),
        *(f"F1 {LABEL[scheme]}" for scheme in SCHEMES),
        "problem",
    ]
    return el("h2", "Per document") + table(headers, rows, {"id": "documents"})


def _fields(report: Report) -> str:
    rows = [
        el(
            "tr",
            el("td", text(f.record_type))
            + el("td", text(f.field))
            + _num_cell(str(f.compared))
            + _num_cell(str(f.equal))
            + _num_cell(num(f.accuracy)),
        )
        for f in report.field_accuracy
        if f.compared
    ]
    return el("h2", "Field accuracy on aligned pairs") + table(
        ["type", "field", "pairs", "equal", "accuracy"], rows, {"id": "fields"}
    )


def _grounding(report: Report) -> str:
    g = report.grounding
    if g is None:
        return el("h2", "Grounding") + el("p", "Not available: predictions are a folder.")
    parts = [f"{k} {v}" for k, v in g.model_dump().items() if not k.startswith("share")]
    return el("h2", "Grounding") + el("p", text(", ".join(parts)), {"id": "grounding"})


def _failures(report: Report) -> str:
    rows = [
        el(
            "tr",
            "".join(
                el("td", text(v))
                for v in (
                    f.doc_id,
                    f.record_type,
                    f.field_path,
                    f.gold_value or "",
                    f.pred_value or "",
                    f.category,
                    num(f.similarity),
                )
            ),
            {"class": f"cat-{f.category}"},
        )
        for f in report.failures
    ]
    search = void(
        "input", {"id": "failure-filter", "type": "search", "placeholder": "filter failures…"}
    )
    return (
        el("h2", f"Failures ({len(report.failures)})")
        + search
        + table(
            ["document", "type", "field", "gold", "predicted", "category", "similarity"],
            rows,
            {"id": "failures"},
        )
    )


def _locate(item: Grounded, text_: str, use_span: bool) -> tuple[int, int] | None:
    if use_span and item.span is not None and item.span[1] <= len(text_):
        return item.span
    start = text_.find(item.evidence)
    return None if start < 0 else (start, start + len(item.evidence))


def highlights(
    outcomes: Sequence[ItemOutcome], record: BaseModel | None, text_: str, gold: bool
) -> tuple[list[Highlight], list[str]]:
    found, unlocated = [], []
    for o in outcomes:
        index = o.gold_index if gold else o.pred_index
        if index is None or record is None:
            continue
        item = items_of(record, o.record_type)[index]
        where = _locate(item, text_, use_span=not gold)
        item_id = f"{o.category}/{o.record_type}/{index}"
        if where is None:
            unlocated.append(f"{o.category}: {o.record_type} {o.label}")
        else:
            found.append(Highlight(*where, o.category, item_id, f"{o.record_type}: {o.label}"))
    return found, unlocated


def marked_text(text_: str, highlights: Sequence[Highlight]) -> str:
    """The text with every highlight drawn; overlaps take the worse category's colour."""
    bounds = sorted({0, len(text_), *(h.start for h in highlights), *(h.end for h in highlights)})
    out = []
    for a, b in pairwise(bounds):
        chunk = text(text_[a:b])
        over = [h for h in highlights if h.start <= a and b <= h.end and h.start < h.end]
        if not over:
            out.append(chunk)
            continue
        worst = min(over, key=lambda h: _PRIORITY[h.category]).category
        out.append(
            el(
                "mark",
                chunk,
                {
                    "class": f"cat-{worst}",
                    "data-item": " ".join(h.item_id for h in over),
                    "title": "; ".join(f"{h.category}: {h.label}" for h in over),
                },
            )
        )
    return "".join(out)


def _legend(
    doc_id: str,
    side: str,
    outcomes: Sequence[ItemOutcome],
    drawn: Sequence[Highlight],
    categories: Sequence[str],
) -> str:
    cells = []
    for c in categories:
        total = sum(o.category == c for o in outcomes)
        located = len({h.item_id for h in drawn if h.category == c})
        cells.append(
            el(
                "td",
                el("span", text(c), {"class": f"cat-{c}"})
                + " "
                + el("span", text(total), {"data-doc": doc_id, "data-side": side, "data-count": c})
                + " (drawn "
                + el("span", "?", {"data-side": side, "data-drawn": c, "data-located": located})
                + ")",
            )
        )
    return el("tr", el("th", text(side)) + "".join(cells))


def _pane(title: str, side: str, body: str, unlocated: Sequence[str]) -> str:
    missing = el("ul", "".join(el("li", text(u)) for u in unlocated), {"class": "unlocated"})
    return el(
        "div",
        el("h3", text(title))
        + el("pre", body)
        + (el("p", "Evidence not found in the text:") + missing if unlocated else ""),
        {"class": f"pane {side}"},
    )


def _article(
    doc_id: str,
    outcomes: Sequence[ItemOutcome],
    gold: BaseModel,
    pred: BaseModel | None,
    seed: str | None,
) -> str:
    head = el("h2", text(doc_id))
    if seed is None:
        return el(
            "section",
            head + el("p", "Seed text not found; no highlights."),
            {"class": "article", "id": f"doc-{doc_id}", "data-doc": doc_id},
        )
    gold_hl, gold_lost = highlights(
        [o for o in outcomes if o.gold_index is not None], gold, seed, gold=True
    )
    pred_items = [o for o in outcomes if o.pred_index is not None]
    pred_hl, pred_lost = highlights(pred_items, pred, seed, gold=False)
    legend = el(
        "table",
        _legend(
            doc_id, "gold", [o for o in outcomes if o.gold_index is not None], gold_hl, _GOLD_SIDE
        )
        + _legend(doc_id, "pred", pred_items, pred_hl, _PRED_SIDE),
        {"class": "legend"},
    )
    panes = el(
        "div",
        _pane("Gold evidence", "gold", marked_text(seed, gold_hl), gold_lost)
        + _pane(
            "Predicted evidence" if pred else "Predicted (no valid record)",
            "pred",
            marked_text(seed, pred_hl),
            pred_lost,
        ),
        {"class": "panes"},
    )
    return el(
        "section",
        head + legend + panes,
        {"class": "article", "id": f"doc-{doc_id}", "data-doc": doc_id},
    )


def _toggles() -> str:
    boxes = "".join(
        el(
            "label",
            void("input", {"type": "checkbox", "checked": "checked", "data-toggle": c.value})
            + el("span", text(c.value), {"class": f"cat-{c.value}"})
            + " ",
        )
        for c in CATEGORIES
    )
    return el("p", "Highlight: " + boxes, {"class": "legend"})


def read_seed(seeds_dir: Path | None, doc_id: str) -> str | None:
    if seeds_dir is None:
        return None
    path = seeds_dir / f"{doc_id}.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _canonical_pred(run: Run, doc_id: str) -> BaseModel | None:
    """The prediction in the order its report indices refer to."""
    doc = run.docs.get(doc_id)
    return canonical(doc.record) if doc is not None and doc.record is not None else None


def render_html(
    report: Report, gold: Mapping[str, BaseModel], run: Run, seeds_dir: Path | None
) -> str:
    by_doc: dict[str, list[ItemOutcome]] = defaultdict(list)
    for outcome in report.items:
        by_doc[outcome.doc_id].append(outcome)
    articles = "".join(
        _article(
            d.doc_id,
            by_doc[d.doc_id],
            canonical(gold[d.doc_id]),
            _canonical_pred(run, d.doc_id),
            read_seed(seeds_dir, d.doc_id),
        )
        for d in report.documents
    )
    meta = report.meta
    header = el("h1", text(f"Evaluation: {report.inputs.predictions} vs {report.inputs.gold}"))
    header += el(
        "p",
        text(
            f"scorer {meta.scorer_version} · commit {meta.git_commit or 'unknown'}"
            f" · {meta.created_at}"
        ),
        {"class": "meta"},
    )
    body = (
        header
        + _headline(report)
        + _per_type(report)
        + _documents(report)
        + _fields(report)
        + _grounding(report)
        + _failures(report)
        + el("h2", "Articles")
        + _toggles()
        + articles
    )
    return page("Evaluation report", body)
