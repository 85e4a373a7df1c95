"""The regression gate: today's scores against a committed baseline.

The baseline file holds only what is a function of predictions, gold and configuration (scores
rounded to 6 places, each gold item's category), written with sorted keys and indent 2: its git
diff shows exactly which items flipped. Timestamps, commit and versions live in the full JSON
report's `meta`, never here, so replaying the same predictions leaves the file byte-identical.

Scoring is deterministic, so `--tolerance 0` is right for exact replays (cached predictions). The
default, 0.005, forgives only float noise below half a point; any real item flip in a small gold
set moves F1 far more than that.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

from pydantic import ValidationError

from extractor_eval.config import ScoringConfig
from extractor_eval.flips import Flip, flips
from extractor_eval.report_model import Frozen, Macro, Report, Scores, TypeScore
from extractor_eval.schemes import LABEL, SCHEMES

BASELINE_FORMAT = 2
"""2: partial-credit scores (scorer 2.0.0). A baseline of another format is refused, never
half-compared: move it explicitly with --update-baseline and review its diff."""
DEFAULT_TOLERANCE = 0.005
_DIGITS = 6
_EPSILON = 1e-9


class Baseline(Frozen):
    baseline_format: int = BASELINE_FORMAT
    scorer_version: str
    config: ScoringConfig
    documents: list[str]
    micro: TypeScore
    macro: Macro
    per_type: list[TypeScore]
    items: dict[str, str]
    """Gold item key → category; spurious items are counted in `per_type`, not listed."""


class GateResult(Frozen):
    passed: bool
    tolerance: float
    regressions: list[str]
    warnings: list[str]
    lost: list[Flip]
    """Gold items whose category got worse (correct → partial, partial → missing, …), not
    accepted: each one fails the gate."""
    accepted: list[Flip]
    """Lost items the run named with --accept: reviewed, so they do not fail it."""
    gained: list[Flip]
    """Gold items whose category got better."""


def _round_scores(scores: Scores) -> Scores:
    return Scores(
        precision=round(scores.precision, _DIGITS),
        recall=round(scores.recall, _DIGITS),
        f1=round(scores.f1, _DIGITS),
    )


def _round_type(score: TypeScore) -> TypeScore:
    return score.model_copy(update={s: _round_scores(getattr(score, s)) for s in SCHEMES})


def baseline_of(report: Report) -> Baseline:
    """The stable part of a report."""
    return Baseline(
        scorer_version=report.meta.scorer_version,
        config=report.config,
        documents=[d.doc_id for d in report.documents],
        micro=_round_type(report.micro.score),
        macro=Macro(
            strict_f1=round(report.macro.strict_f1, _DIGITS),
            partial_credit_f1=round(report.macro.partial_credit_f1, _DIGITS),
            lenient_f1=round(report.macro.lenient_f1, _DIGITS),
            types=report.macro.types,
        ),
        per_type=[_round_type(t) for t in report.per_type],
        items={i.key: i.category for i in report.items if i.key},
    )


def dump_baseline(baseline: Baseline) -> str:
    data = baseline.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: Path, baseline: Baseline) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_baseline(baseline), encoding="utf-8")


def load_baseline(path: Path) -> Baseline:
    """A baseline file, or a full JSON report (its stable part is taken)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "meta" not in data:
        found = data.get("baseline_format")
        if found != BASELINE_FORMAT:
            raise ValueError(
                f"{path} has baseline format {found}, this scorer writes {BASELINE_FORMAT}: "
                "re-score the baseline predictions with --update-baseline and review the diff"
            )
    try:
        if isinstance(data, dict) and "meta" in data:
            return baseline_of(Report.model_validate(data))
        return Baseline.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{path} is neither a baseline nor a JSON report: {exc}") from None


def _drop(name: str, old: float, new: float, tolerance: float) -> list[str]:
    if old - new > tolerance + _EPSILON:
        return [f"{name} F1 {old:.4f} → {new:.4f} (−{old - new:.4f} > tolerance {tolerance})"]
    return []


def _drops(name: str, before: TypeScore, after: TypeScore, tolerance: float) -> list[str]:
    """Every reported scheme gates: a weak model's gains and losses are often partial."""
    found = []
    for scheme in SCHEMES:
        old, new = getattr(before, scheme).f1, getattr(after, scheme).f1
        found += _drop(f"{name}: {LABEL[scheme]}", old, new, tolerance)
    if after.counts.spurious > before.counts.spurious:
        found.append(f"{name}: spurious items {before.counts.spurious} → {after.counts.spurious}")
    return found


def _macro_drops(before: Macro, after: Macro, tolerance: float) -> list[str]:
    found = []
    for scheme in SCHEMES:
        old, new = getattr(before, f"{scheme}_f1"), getattr(after, f"{scheme}_f1")
        found += _drop(f"macro: {LABEL[scheme]}", old, new, tolerance)
    return found


def _warnings(current: Baseline, baseline: Baseline) -> list[str]:
    warnings = []
    if current.scorer_version != baseline.scorer_version:
        warnings.append(f"scorer version {baseline.scorer_version} → {current.scorer_version}")
    if current.config != baseline.config:
        warnings.append("scoring configuration differs from the baseline's")
    if current.documents != baseline.documents:
        warnings.append(
            f"gold documents differ: baseline {len(baseline.documents)}, now "
            f"{len(current.documents)}"
        )
    return warnings


def gate(
    current: Baseline, baseline: Baseline, tolerance: float, accept: Collection[str] = ()
) -> GateResult:
    """Fail on any gold item whose category got worse, unless `accept` names it, and on any
    drop beyond tolerance of micro, macro or per-type F1 in any scheme, or any new spurious
    item of a type.

    When every lost item is accepted, the score drops they cause are accepted with them (they
    are printed as warnings); a new spurious item has no key to accept and still fails.
    """
    drops = _drops("micro", baseline.micro, current.micro, tolerance)
    drops += _macro_drops(baseline.macro, current.macro, tolerance)
    now = {t.record_type: t for t in current.per_type}
    for t in baseline.per_type:
        if t.record_type in now:
            drops += _drops(t.record_type, t, now[t.record_type], tolerance)
    gained, lost = flips(baseline.items, current.items)
    accepted = [f for f in lost if f.key in accept]
    lost = [f for f in lost if f.key not in accept]
    warnings = _warnings(current, baseline)
    warnings += [f"--accept {k}: no such lost item" for k in sorted(set(accept) - _keys(accepted))]
    if accepted and not lost:
        warnings += [f"accepted: {d}" for d in drops if "spurious" not in d]
        drops = [d for d in drops if "spurious" in d]
    return GateResult(
        passed=not drops and not lost,
        tolerance=tolerance,
        regressions=drops,
        warnings=warnings,
        lost=lost,
        accepted=accepted,
        gained=gained,
    )


def _keys(found: list[Flip]) -> set[str]:
    return {f.key for f in found}
