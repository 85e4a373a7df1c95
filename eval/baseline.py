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
from pathlib import Path

from pydantic import ValidationError

from extractor_eval.config import ScoringConfig
from extractor_eval.report_model import Frozen, Macro, Report, Scores, TypeScore

BASELINE_FORMAT = 1
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


class Flip(Frozen):
    key: str
    before: str
    after: str


class GateResult(Frozen):
    passed: bool
    tolerance: float
    regressions: list[str]
    warnings: list[str]
    lost: list[Flip]
    """Gold items whose category got worse (correct → partial, partial → missing, …)."""
    gained: list[Flip]
    """Gold items whose category got better."""


def _round_scores(scores: Scores) -> Scores:
    return Scores(
        precision=round(scores.precision, _DIGITS),
        recall=round(scores.recall, _DIGITS),
        f1=round(scores.f1, _DIGITS),
    )


def _round_type(score: TypeScore) -> TypeScore:
    return score.model_copy(
        update={"strict": _round_scores(score.strict), "lenient": _round_scores(score.lenient)}
    )


def baseline_of(report: Report) -> Baseline:
    """The stable part of a report."""
    return Baseline(
        scorer_version=report.meta.scorer_version,
        config=report.config,
        documents=[d.doc_id for d in report.documents],
        micro=_round_type(report.micro.score),
        macro=Macro(
            strict_f1=round(report.macro.strict_f1, _DIGITS),
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
    try:
        if isinstance(data, dict) and "meta" in data:
            return baseline_of(Report.model_validate(data))
        return Baseline.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{path} is neither a baseline nor a JSON report: {exc}") from None


def _drops(name: str, before: TypeScore, after: TypeScore, tolerance: float) -> list[str]:
    """Strict and lenient F1 both gate: a weak model's gains and losses are often partial."""
    found = []
    for kind in ("strict", "lenient"):
        old, new = getattr(before, kind).f1, getattr(after, kind).f1
        if old - new > tolerance + _EPSILON:
            found.append(
                f"{name}: {kind} F1 {old:.4f} → {new:.4f} "
                f"(−{old - new:.4f} > tolerance {tolerance})"
            )
    return found


# Worse categories rank lower; a gold item whose category falls has flipped.
_RANK = {"correct": 3, "partial": 2, "incorrect": 1, "missing": 0, "absent": 0}


def _worse(before: str, after: str) -> bool:
    return _RANK.get(after, 0) < _RANK.get(before, 0)


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


def gate(current: Baseline, baseline: Baseline, tolerance: float) -> GateResult:
    """Fail when micro-F1 or any record type's F1 (strict or lenient) fell beyond tolerance."""
    found = _drops("micro", baseline.micro, current.micro, tolerance)
    now = {t.record_type: t for t in current.per_type}
    for t in baseline.per_type:
        if t.record_type in now:
            found += _drops(t.record_type, t, now[t.record_type], tolerance)
    return GateResult(
        passed=not found,
        tolerance=tolerance,
        regressions=found,
        warnings=_warnings(current, baseline),
        lost=[
            Flip(key=k, before=c, after=current.items.get(k, "absent"))
            for k, c in sorted(baseline.items.items())
            if _worse(c, current.items.get(k, "absent"))
        ],
        gained=[
            Flip(key=k, before=baseline.items.get(k, "absent"), after=c)
            for k, c in sorted(current.items.items())
            if _worse(c, baseline.items.get(k, "absent"))
        ],
    )
