"""Scoring a matrix run: every cell scored, costed and compared with the baseline cell, and the
run-to-run spread of each configuration over its repeats.

It reads the matrix folder only (`matrix.json`, each cell's `predictions.jsonl` and
`manifest.json`) and the gold, and reuses the eval's own pieces: `score_run` and `build_report`
for a cell, `compare_runs` for a cell against the baseline (paired intervals, permutation
p-values, gained and lost items by the gate's definition), and the gate for the matrix baseline.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from extractor_eval.baseline import baseline_of, gate
from extractor_eval.compare import CompareReport, compare_runs
from extractor_eval.config import ScoringConfig
from extractor_eval.loading import InputError, Run, describe_errors, load_run
from extractor_eval.matrix_model import (
    AXES,
    CELLS_DIR,
    MATRIX_BASELINE_FORMAT,
    PLAN_FILE,
    CellCost,
    CellDelta,
    CellScore,
    GroupSpread,
    MatrixBaseline,
    MatrixGate,
    MatrixPlan,
    MatrixReport,
    MetricInterval,
    PlannedCell,
    TypeF1,
)
from extractor_eval.report import ALL, build_report
from extractor_eval.report_model import Report, RunMeta
from extractor_eval.score import score_run
from extractor_schemas.prediction import PredictionLine

CELL_REPORT = "report.html"
_ABSENT = "absent"


def load_plan(out: Path) -> MatrixPlan:
    """The runner's plan of a matrix folder; a missing or invalid one is an input error."""
    path = out / PLAN_FILE
    try:
        return MatrixPlan.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"no matrix plan {path}: {exc.strerror or exc}") from None
    except ValidationError as exc:
        raise InputError(f"invalid matrix plan {path}: {describe_errors(exc)}") from None


def cell_dir(out: Path, cell_id: str) -> Path:
    return out / CELLS_DIR / cell_id


@dataclass(frozen=True)
class ScoredCell:
    """A cell's run and its full report, kept for the cell's own HTML page and the baseline."""

    planned: PlannedCell
    run: Run
    report: Report


def _type_f1(report: Report, record_type: str) -> TypeF1:
    if record_type == ALL:
        score, m = report.micro.score, report.micro
        ivs = (m.strict_f1_interval, m.partial_credit_f1_interval, m.lenient_f1_interval)
    else:
        score = next(t for t in report.per_type if t.record_type == record_type)
        found = next(i for i in report.per_type_intervals if i.record_type == record_type)
        ivs = (found.strict, found.partial_credit, found.lenient)
    return TypeF1(
        record_type=record_type,
        strict=MetricInterval(f1=score.strict.f1, interval=ivs[0]),
        partial_credit=MetricInterval(f1=score.partial_credit.f1, interval=ivs[1]),
        lenient=MetricInterval(f1=score.lenient.f1, interval=ivs[2]),
    )


def _manifest_wall(folder: Path) -> float | None:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return float(manifest["summary"]["wall_s"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def cell_cost(folder: Path, planned: PlannedCell) -> CellCost:
    """Usage summed over the cell's lines (a resumed cell's lines carry their own usage)."""
    lines: list[PredictionLine] = []
    path = folder / "predictions.jsonl"
    if path.is_file():
        for raw in path.read_bytes().split(b"\n"):
            if raw.strip():
                try:
                    lines.append(PredictionLine.model_validate_json(raw))
                except ValidationError:
                    continue
    calls = sum(x.usage.calls for x in lines)
    hits = sum(x.usage.cache_hits for x in lines)
    prompt = sum(x.usage.prompt_tokens for x in lines)
    completion = sum(x.usage.completion_tokens for x in lines)
    return CellCost(
        documents=len(lines),
        failed_documents=sum(x.error is not None for x in lines),
        calls=calls,
        cache_hits=hits,
        live_calls=calls - hits,
        prompt_tokens=prompt,
        completion_tokens=completion,
        cost=planned.price.cost(prompt, completion),
        wall_s=_manifest_wall(folder),
    )


def _micro_delta(report: CompareReport, baseline: str) -> CellDelta:
    return CellDelta(
        baseline=baseline,
        strict=report.scheme("strict").micro,
        partial_credit=report.scheme("partial_credit").micro,
        lenient=report.scheme("lenient").micro,
        wins=report.wins,
        losses=report.losses,
        ties=report.ties,
        gained=report.gained,
        lost=report.lost,
    )


def _categories(report: Report) -> dict[str, str]:
    return {i.key: i.category for i in report.items if i.key}


def spread(group: str, reports: Sequence[Report]) -> GroupSpread:
    """Min, max and spread of F1 over repeats, and the gold items whose category changed."""
    strict = [r.micro.score.strict.f1 for r in reports]
    partial = [r.micro.score.partial_credit.f1 for r in reports]
    categories = [_categories(r) for r in reports]
    keys = sorted(set().union(*categories))
    flaky = [k for k in keys if len({c.get(k, _ABSENT) for c in categories}) > 1]
    return GroupSpread(
        group=group,
        repeats=len(reports),
        strict_min=min(strict),
        strict_max=max(strict),
        partial_credit_min=min(partial),
        partial_credit_max=max(partial),
        partial_credit_sd=statistics.stdev(partial) if len(partial) > 1 else 0.0,
        gold_items=len(keys),
        flaky_items=flaky,
        flaky_share=len(flaky) / len(keys) if keys else 0.0,
    )


def _score_cell(
    out: Path,
    planned: PlannedCell,
    gold: Mapping[str, BaseModel],
    gold_path: Path,
    config: ScoringConfig,
    meta: RunMeta,
) -> ScoredCell:
    folder = cell_dir(out, planned.id)
    try:
        run = load_run(folder)
    except InputError:  # a cell that never ran: every gold item missing, never skipped
        run = Run(folder, "jsonl", {}, [f"cell {planned.id} has no predictions"])
    report = build_report(gold, run, score_run(gold, run, config), config, meta, gold_path)
    return ScoredCell(planned, run, report)


def score_matrix(
    out: Path,
    gold: Mapping[str, BaseModel],
    gold_path: Path,
    config: ScoringConfig,
    meta: RunMeta,
) -> tuple[MatrixReport, list[ScoredCell]]:
    """The matrix report, and each cell's full report (for its page and the baseline)."""
    plan = load_plan(out)
    if plan.baseline_cell is not None and plan.baseline_cell not in {c.id for c in plan.cells}:
        raise InputError(f"baseline cell {plan.baseline_cell!r} is not a cell of {out}")
    scored = [_score_cell(out, c, gold, gold_path, config, meta) for c in plan.cells]
    base = next((s for s in scored if s.planned.id == plan.baseline_cell), None)
    cells = [_cell_score(out, s, base, gold, gold_path, config, meta) for s in scored]
    by_group: dict[str, list[Report]] = {}
    for s in scored:
        by_group.setdefault(s.planned.group, []).append(s.report)
    axes = [a for a in AXES if any(a in c.axes for c in plan.cells)]
    report = MatrixReport(
        meta=meta,
        name=plan.name,
        gold=str(gold_path),
        config=config,
        axes=axes,
        baseline_cell=plan.baseline_cell,
        cells=cells,
        groups=[spread(g, rs) for g, rs in by_group.items() if len(rs) > 1],
    )
    return report, scored


def _cell_score(
    out: Path,
    s: ScoredCell,
    base: ScoredCell | None,
    gold: Mapping[str, BaseModel],
    gold_path: Path,
    config: ScoringConfig,
    meta: RunMeta,
) -> CellScore:
    versus = None
    if base is not None and base.planned.id != s.planned.id:
        compared = compare_runs(gold, base.run, s.run, config, meta, gold_path)
        versus = _micro_delta(compared, base.planned.id)
    types = [t.record_type for t in s.report.per_type]
    return CellScore(
        id=s.planned.id,
        group=s.planned.group,
        axes=s.planned.axes,
        repeat=s.planned.repeat,
        status=s.planned.status,
        error=s.planned.error,
        micro=_type_f1(s.report, ALL),
        per_type=[_type_f1(s.report, t) for t in types],
        cost=cell_cost(cell_dir(out, s.planned.id), s.planned),
        report=f"{CELLS_DIR}/{s.planned.id}/{CELL_REPORT}",
        versus_baseline=versus,
    )


def matrix_baseline(scored: Sequence[ScoredCell]) -> MatrixBaseline:
    return MatrixBaseline(cells={s.planned.id: baseline_of(s.report) for s in scored})


def dump_matrix_baseline(baseline: MatrixBaseline) -> str:
    data = baseline.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def load_matrix_baseline(path: Path) -> MatrixBaseline:
    """A committed matrix baseline; another format is refused, never half-compared."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read matrix baseline {path}: {exc}") from None
    found = data.get("matrix_baseline_format") if isinstance(data, dict) else None
    if found != MATRIX_BASELINE_FORMAT:
        raise ValueError(
            f"{path} has matrix baseline format {found}, this scorer writes "
            f"{MATRIX_BASELINE_FORMAT}: move it with --update-baseline and review the diff"
        )
    try:
        return MatrixBaseline.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{path} is no matrix baseline: {describe_errors(exc)}") from None


def gate_matrix(
    current: MatrixBaseline,
    baseline: MatrixBaseline,
    tolerance: float,
    accept: Collection[str] = (),
) -> MatrixGate:
    """Each cell through the ordinary gate against its own baseline; a baseline cell that the
    matrix no longer produces fails (a renamed or dropped cell is a decision to record)."""
    results = {
        cell: gate(now, baseline.cells[cell], tolerance, accept)
        for cell, now in current.cells.items()
        if cell in baseline.cells
    }
    missing = sorted(set(baseline.cells) - set(current.cells))
    return MatrixGate(
        passed=not missing and all(r.passed for r in results.values()),
        cells=results,
        missing=missing,
        new=sorted(set(current.cells) - set(baseline.cells)),
    )
