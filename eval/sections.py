"""The report laid out as titled tables, shared by the terminal and Markdown renderers.

Keeping the layout in one place means the two formats can never disagree about what is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from extractor_eval.report_model import Interval, Report, Scores, TypeScore
from extractor_eval.schemes import LABEL, SCHEMES, SHORT

COUNT_HEADERS = ("gold", "pred", "COR", "PAR", "INC", "MIS", "SPU")
SCORE_HEADERS = tuple(f"{m}{SHORT[s]}" for s in SCHEMES for m in ("P", "R", "F1"))
METHOD = {"jackknife_t": "jackknife-t", "percentile_bootstrap": "percentile bootstrap"}


@dataclass(frozen=True)
class Section:
    title: str
    notes: list[str] = field(default_factory=list)
    headers: Sequence[str] = ()
    rows: list[list[str]] = field(default_factory=list)


def num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def interval(iv: Interval | None) -> str:
    if iv is None:
        return "[no interval: under 2 documents]"
    return f"[{iv.confidence:.0%} CI {iv.low:.3f}, {iv.high:.3f}]"


def _scores(s: Scores) -> list[str]:
    return [num(s.precision), num(s.recall), num(s.f1)]


def type_row(score: TypeScore) -> list[str]:
    c = score.counts
    counts = [c.gold, c.predicted, c.correct, c.partial, c.incorrect, c.missing, c.spurious]
    return [
        score.record_type,
        *map(str, counts),
        *_scores(score.strict),
        *_scores(score.partial_credit),
        *_scores(score.lenient),
    ]


def interval_method(report: Report) -> str:
    """How the intervals were made, e.g. 'jackknife-t over 5 documents'."""
    iv = report.micro.strict_f1_interval
    if iv is None:
        return "no interval: fewer than two gold documents"
    how = METHOD[iv.method]
    if iv.resamples is not None:
        how += f", {iv.resamples} resamples, seed {iv.seed}"
    return f"{iv.confidence:.0%} intervals: {how}, over {report.validity.gold_documents} documents"


def headline(report: Report) -> Section:
    micro, v, m = report.micro, report.validity, report.macro
    notes = [
        f"micro strict F1 {num(micro.score.strict.f1)} {interval(micro.strict_f1_interval)}"
        f"   partial credit F1 {num(micro.score.partial_credit.f1)} "
        f"{interval(micro.partial_credit_f1_interval)}",
        f"{LABEL['lenient']} F1 {num(micro.score.lenient.f1)} "
        f"{interval(micro.lenient_f1_interval)}",
        f"macro F1 over {len(m.types)} types: strict {num(m.strict_f1)}   partial credit "
        f"{num(m.partial_credit_f1)}   lenient {num(m.lenient_f1)}",
        interval_method(report),
        f"documents: {v.gold_documents} in gold · {v.valid} valid · {v.invalid} invalid · "
        f"{v.absent} absent",
    ]
    if v.invalid or v.absent:
        notes.append(
            f"the {v.gold_items_in_unusable_documents} gold items of invalid/absent documents "
            f"are counted as missing; valid documents only: strict F1 "
            f"{num(report.micro_valid_only.strict.f1)}"
        )
    if v.extra_documents:
        notes.append(f"ignored (no gold): {', '.join(v.extra_documents)}")
    notes += [f"run problem: {p}" for p in v.run_problems]
    return Section("Headline", notes)


def per_type(report: Report) -> Section:
    rows = [type_row(t) for t in report.per_type] + [type_row(report.micro.score)]
    return Section(
        "Per record type (plain: strict; ½: partial credit, a partial item counts one half; "
        "~: lenient, secondary fields forgiven)",
        headers=("type", *COUNT_HEADERS, *SCORE_HEADERS),
        rows=rows,
    )


def type_intervals(report: Report) -> Section:
    rows = [
        [t.record_type, interval(t.strict), interval(t.partial_credit), interval(t.lenient)]
        for t in report.per_type_intervals
    ]
    return Section(
        "Per-type F1 intervals over documents",
        [interval_method(report)],
        headers=("type", "strict", "partial credit", "lenient"),
        rows=rows,
    )


def validity(report: Report) -> Section:
    rows = [[d.doc_id, d.status, d.problem or ""] for d in report.documents if d.status != "valid"]
    return Section("Unusable documents", headers=("document", "status", "reason"), rows=rows)


def documents(report: Report) -> Section:
    rows = [
        [
            d.doc_id,
            d.status,
            str(d.counts.gold),
            str(d.counts.predicted),
            str(d.counts.correct),
            str(d.counts.partial),
            num(d.strict.f1),
            num(d.partial_credit.f1),
            num(d.lenient.f1),
        ]
        for d in report.documents
    ]
    return Section(
        "Per document",
        headers=("document", "status", "gold", "pred", "COR", "PAR", "F1", "F1½", "F1~"),
        rows=rows,
    )


def fields(report: Report) -> Section:
    rows = [
        [f.record_type, f.field, str(f.compared), str(f.equal), num(f.accuracy)]
        for f in report.field_accuracy
        if f.compared
    ]
    return Section(
        "Field accuracy on aligned pairs",
        headers=("type", "field", "pairs", "equal", "accuracy"),
        rows=rows,
    )


def grounding(report: Report) -> Section:
    g = report.grounding
    if g is None:
        return Section("Grounding", ["not available: predictions are a folder of records"])
    return Section(
        "Grounding",
        [
            f"kept {g.kept}: exact {g.exact} ({num(g.share_exact)}), normalised {g.normalised} "
            f"({num(g.share_normalised)}), fuzzy {g.fuzzy} ({num(g.share_fuzzy)}), "
            f"ungrounded {g.ungrounded}; rejected {g.rejected}"
        ],
    )


def failures(report: Report, limit: int | None) -> Section:
    shown = report.failures if limit is None else report.failures[:limit]
    rows = [
        [
            f.doc_id,
            f.field_path,
            f.gold_value or "",
            f.pred_value or "",
            f.category,
            num(f.similarity),
        ]
        for f in shown
    ]
    title = f"Failures ({len(shown)} of {len(report.failures)})"
    return Section(
        title, headers=("document", "field", "gold", "predicted", "category", "sim"), rows=rows
    )


def report_sections(report: Report, failure_limit: int | None) -> list[Section]:
    return [
        headline(report),
        per_type(report),
        type_intervals(report),
        validity(report),
        fields(report),
        grounding(report),
        documents(report),
        failures(report, failure_limit),
    ]
