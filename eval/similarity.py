"""Similarity of every predicted item to every gold item of one record type, in [0, 1].

Each builder first applies the *key* of its type as a gate (a pair that fails it scores 0 and can
never be aligned), then adds small terms from other fields only to break ties between several
candidates, e.g. two partnerships between the same firms with different kinds. Matrices are
built a whole list at a time (rapidfuzz `cdist`, numpy) because scoring 10,000 documents calls
these 80,000 times.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from extractor_eval.entities import DocContext, EntityId, name_key, raw_forms
from extractor_eval.normalise import normalise_phrase, normalise_text, value_close

Matrix = npt.NDArray[np.float64]
SimilarityFn = Callable[[Sequence[Any], Sequence[Any], DocContext], Matrix]

ALIAS_WEIGHT = 0.95
"""A match through a predicted alias is a little weaker than through the predicted name."""
SUBSET_WEIGHT = 0.9
"""Score of a name whose words are a subset of the other's ("Kant" in "Amitabh Kant")."""


def _fuzzy(a: list[str], b: list[str], threshold: float, subset: bool) -> Matrix:
    """Pairwise 0-1 similarity, zeroed below the threshold."""
    sim = process.cdist(a, b, scorer=fuzz.ratio, dtype=np.float64) / 100.0
    if subset:
        tokens = process.cdist(a, b, scorer=fuzz.token_set_ratio, dtype=np.float64) / 100.0
        sim = np.maximum(sim, SUBSET_WEIGHT * tokens)
    sim[sim < threshold] = 0.0
    return np.asarray(sim, dtype=np.float64)


def _group_max(sim: Matrix, rows: list[int], cols: list[int]) -> Matrix:
    """Reduce a form-by-form matrix to entity-by-entity by taking the best pair of forms."""
    reduced = np.maximum.reduceat(sim, rows, axis=0)
    return np.asarray(np.maximum.reduceat(reduced, cols, axis=1), dtype=np.float64)


def _starts(groups: list[list[str]]) -> list[int]:
    starts, total = [], 0
    for group in groups:
        starts.append(total)
        total += len(group)
    return starts


def _names_matrix(
    pred_groups: list[list[str]], gold_groups: list[list[str]], ctx: DocContext, subset: bool
) -> Matrix:
    """Best form-to-form similarity per entity pair; the first form of a group is its name."""
    pred_flat = [f for group in pred_groups for f in group]
    gold_flat = [f for group in gold_groups for f in group]
    sim = _fuzzy(pred_flat, gold_flat, ctx.config.fuzzy_threshold, subset)
    weights = np.array(
        [1.0 if k == 0 else ALIAS_WEIGHT for group in pred_groups for k in range(len(group))]
    )
    sim *= weights[:, None]
    return _group_max(sim, _starts(pred_groups), _starts(gold_groups))


def _empty(preds: Sequence[Any], golds: Sequence[Any]) -> Matrix | None:
    if not preds or not golds:
        return np.zeros((len(preds), len(golds)), dtype=np.float64)
    return None


def entity_similarity(preds: Sequence[Any], golds: Sequence[Any], ctx: DocContext) -> Matrix:
    """Companies and organizations: name or any alias against any gold form."""
    empty = _empty(preds, golds)
    if empty is not None:
        return empty
    return _names_matrix(
        [[name_key(f) for f in raw_forms(p)] for p in preds],
        [[name_key(f) for f in raw_forms(g)] for g in golds],
        ctx,
        subset=False,
    )


def person_similarity(preds: Sequence[Any], golds: Sequence[Any], ctx: DocContext) -> Matrix:
    """People (and programs): the name, allowing a surname-only or shortened form."""
    empty = _empty(preds, golds)
    if empty is not None:
        return empty
    return _names_matrix(
        [[normalise_phrase(p.name)] for p in preds],
        [[normalise_phrase(g.name)] for g in golds],
        ctx,
        subset=True,
    )


program_similarity = person_similarity


def partnership_similarity(preds: Sequence[Any], golds: Sequence[Any], ctx: DocContext) -> Matrix:
    """Gate: brand and partner resolve to the same two gold companies; ties by kind, status."""
    sim = np.zeros((len(preds), len(golds)), dtype=np.float64)
    resolver = ctx.resolver
    gold_keys = [(resolver.gold_ref(g.brand), resolver.gold_ref(g.partner)) for g in golds]
    for i, p in enumerate(preds):
        key = (resolver.pred_ref(p.brand), resolver.pred_ref(p.partner))
        if None in key:
            continue
        for j, g in enumerate(golds):
            if key == gold_keys[j]:
                sim[i, j] = 0.8 + 0.1 * (p.kind == g.kind) + 0.1 * (p.status == g.status)
    return sim


def _exporter_key(name: str, entity: EntityId | None) -> EntityId | str:
    return entity if entity is not None else normalise_phrase(name)


def export_similarity(preds: Sequence[Any], golds: Sequence[Any], ctx: DocContext) -> Matrix:
    """Gate: the same exporter (a resolved entity, or a group named alike); ties by status."""
    empty = _empty(preds, golds)
    if empty is not None:
        return empty
    resolver = ctx.resolver
    p_keys = [_exporter_key(p.exporter, resolver.pred_ref(p.exporter)) for p in preds]
    g_keys = [_exporter_key(g.exporter, resolver.gold_ref(g.exporter)) for g in golds]
    texts = _fuzzy(
        [k if isinstance(k, str) else "" for k in p_keys],
        [k if isinstance(k, str) else "" for k in g_keys],
        ctx.config.fuzzy_threshold,
        subset=True,
    )
    sim = np.zeros((len(preds), len(golds)), dtype=np.float64)
    for i, (p, pk) in enumerate(zip(preds, p_keys, strict=True)):
        for j, (g, gk) in enumerate(zip(golds, g_keys, strict=True)):
            both_text = isinstance(pk, str) and isinstance(gk, str)
            key = texts[i, j] if both_text else float(pk == gk)
            if key:
                sim[i, j] = 0.85 * key + 0.15 * (p.status == g.status)
    return sim


def figure_similarity(preds: Sequence[Any], golds: Sequence[Any], ctx: DocContext) -> Matrix:
    """Gate: the value within tolerance; ties by subject, metric and the raw amount."""
    empty = _empty(preds, golds)
    if empty is not None:
        return empty
    tol = ctx.config.figure_rel_tolerance
    subject = _fuzzy(
        [normalise_text(p.subject) for p in preds],
        [normalise_text(g.subject) for g in golds],
        0.0,
        subset=False,
    )
    raw = _fuzzy(
        [normalise_text(p.raw) for p in preds],
        [normalise_text(g.raw) for g in golds],
        0.0,
        subset=False,
    )
    sim = np.zeros((len(preds), len(golds)), dtype=np.float64)
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            if value_close(p.value, g.value, tol):
                sim[i, j] = (
                    0.6 + 0.2 * subject[i, j] + 0.1 * (p.metric == g.metric) + 0.1 * raw[i, j]
                )
    return sim


def quote_similarity(preds: Sequence[Any], golds: Sequence[Any], ctx: DocContext) -> Matrix:
    """Gate: the quoted words alike; the speaker only adds weight (a wrong one is 'incorrect')."""
    empty = _empty(preds, golds)
    if empty is not None:
        return empty
    texts = _fuzzy(
        [normalise_text(p.text) for p in preds],
        [normalise_text(g.text) for g in golds],
        ctx.config.fuzzy_threshold,
        subset=False,
    )
    resolver = ctx.resolver
    g_speakers = [_exporter_key(g.speaker, resolver.gold_ref(g.speaker)) for g in golds]
    sim = np.zeros((len(preds), len(golds)), dtype=np.float64)
    for i, p in enumerate(preds):
        speaker = _exporter_key(p.speaker, resolver.pred_ref(p.speaker))
        for j in range(len(golds)):
            if texts[i, j]:
                sim[i, j] = 0.8 * texts[i, j] + 0.2 * (speaker == g_speakers[j])
    return sim
