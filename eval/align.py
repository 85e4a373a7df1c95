"""Optimal one-to-one alignment of predicted to gold items, and the category of each item.

Greedy matching lets an early, mediocre pair steal a later item's best partner; the Hungarian
algorithm (scipy's `linear_sum_assignment`) finds the best matching instead. "Best" is
lexicographic, so no weight can trade one criterion against another:

1. the largest total similarity (similarities rounded to 1e-6, so float noise is no preference);
2. among those, the fewest type-deciding mismatches (pairs that would be *incorrect*);
3. then the fewest mismatches of other compared fields;
4. then the solver's first choice over items in canonical content order (`score.canonical`),
   which depends on what the items say, never on where they stand in their lists.

The three criteria are packed exactly into one integer-valued objective per pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from extractor_eval.entities import DocContext
from extractor_eval.fields import FieldSpec, display
from extractor_eval.outcomes import Category, FieldDiff, FieldTally, ItemResult
from extractor_eval.similarity import Matrix
from extractor_eval.specs import TypeSpec
from extractor_schemas import Grounded

SIMILARITY_UNITS = 1_000_000
"""Similarities are compared in millionths: closer than that counts as a tie."""
_EXACT_LIMIT = 2**52
"""Objective totals stay below this, so float64 adds them without rounding."""


@dataclass(frozen=True)
class Pair:
    pred: int
    gold: int
    similarity: float
    checks: tuple[tuple[FieldSpec, bool], ...]


def item_keys(doc_id: str, record_type: str, labels: Sequence[str]) -> list[str]:
    """Stable names for gold items: the label, numbered only when a label repeats."""
    seen: Counter[str] = Counter()
    keys = []
    for label in labels:
        seen[label] += 1
        suffix = f" #{seen[label]}" if seen[label] > 1 else ""
        keys.append(f"{doc_id} | {record_type} | {label}{suffix}")
    return keys


def compare_fields(
    spec: TypeSpec, pred: Grounded, gold: Grounded, ctx: DocContext
) -> tuple[tuple[FieldSpec, bool], ...]:
    return tuple((f, f.equal(pred, gold, ctx)) for f in spec.fields)


def mismatch_cost(checks: tuple[tuple[FieldSpec, bool], ...], weight: int) -> int:
    """Wrong type-deciding fields weigh `weight` each, other wrong fields one."""
    return sum(weight if f.decides_type else 1 for f, ok in checks if not ok)


def objective(
    sim: Matrix, checks: dict[tuple[int, int], tuple[tuple[FieldSpec, bool], ...]], fields: int
) -> Matrix:
    """Per-pair weights whose matching totals order matchings lexicographically by similarity,
    then type-deciding mismatches, then other mismatches (see the module docstring).

    With k = the most pairs a matching can hold, a type mismatch weighs more than every other
    mismatch a matching can have, and one similarity unit more than every mismatch cost.
    """
    k = min(sim.shape)
    type_weight = fields * k + 1
    unit = (fields * type_weight) * k + 1
    if SIMILARITY_UNITS * unit * k >= _EXACT_LIMIT:
        raise ValueError(f"too many items of one type in one document to align exactly: {k}")
    weights = np.zeros_like(sim)
    for (i, j), found in checks.items():
        units = max(1, round(float(sim[i, j]) * SIMILARITY_UNITS))
        weights[i, j] = units * unit - mismatch_cost(found, type_weight)
    return weights


def assign(weights: Matrix) -> list[tuple[int, int]]:
    """Pairs (pred, gold) maximising the total weight; zero-weight pairs are not aligned."""
    if weights.size == 0:
        return []
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if weights[r, c] > 0]


def pair_up(
    spec: TypeSpec, preds: Sequence[Grounded], golds: Sequence[Grounded], ctx: DocContext
) -> list[Pair]:
    sim = spec.similarity(preds, golds, ctx)
    eligible = (sim >= ctx.config.min_similarity) & (sim > 0)
    candidates: list[tuple[int, int]] = [(i, j) for i, j in np.argwhere(eligible).tolist()]
    checks = {(i, j): compare_fields(spec, preds[i], golds[j], ctx) for i, j in candidates}
    if eligible.sum(axis=0).max() <= 1 and eligible.sum(axis=1).max() <= 1:
        chosen = candidates  # no item has two candidates: nothing to optimise
    else:
        chosen = assign(objective(sim, checks, len(spec.fields)))
    return [Pair(i, j, float(sim[i, j]), checks[(i, j)]) for i, j in sorted(chosen)]


def categorise(checks: tuple[tuple[FieldSpec, bool], ...]) -> Category:
    wrong = [f for f, ok in checks if not ok]
    if any(f.decides_type for f in wrong):
        return Category.INCORRECT
    return Category.PARTIAL if wrong else Category.CORRECT


def _aligned(spec: TypeSpec, pair: Pair, pred: Grounded, gold: Grounded, key: str) -> ItemResult:
    diffs = tuple(
        FieldDiff(f.name, display(gold, f.name), display(pred, f.name), f.decides_type)
        for f, ok in pair.checks
        if not ok
    )
    return ItemResult(
        spec.record_type,
        categorise(pair.checks),
        spec.label(gold),
        pair.gold,
        pair.pred,
        round(pair.similarity, 4),
        diffs,
        key,
    )


def align_type(
    spec: TypeSpec,
    preds: Sequence[Grounded],
    golds: Sequence[Grounded],
    ctx: DocContext,
    keys: Sequence[str],
) -> tuple[list[ItemResult], dict[str, FieldTally]]:
    """Every gold and predicted item of one type categorised, plus per-field agreement."""
    pairs = pair_up(spec, preds, golds, ctx) if preds and golds else []
    results = [_aligned(spec, p, preds[p.pred], golds[p.gold], keys[p.gold]) for p in pairs]
    matched_gold = {p.gold for p in pairs}
    matched_pred = {p.pred for p in pairs}
    results += [
        ItemResult(spec.record_type, Category.MISSING, spec.label(g), gold_index=j, key=keys[j])
        for j, g in enumerate(golds)
        if j not in matched_gold
    ]
    results += [
        ItemResult(spec.record_type, Category.SPURIOUS, spec.label(p), pred_index=i)
        for i, p in enumerate(preds)
        if i not in matched_pred
    ]
    return results, _tally(spec, pairs)


def _tally(spec: TypeSpec, pairs: list[Pair]) -> dict[str, FieldTally]:
    tally = {f.name: [0, 0] for f in spec.fields}
    for pair in pairs:
        for f, ok in pair.checks:
            tally[f.name][0] += 1
            tally[f.name][1] += ok
    return {name: FieldTally(c, e) for name, (c, e) in tally.items()}
