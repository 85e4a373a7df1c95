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

from extractor_eval.entities import DocContext, EntityId, name_key
from extractor_eval.normalise import normalise_phrase, normalise_text, value_close
from extractor_schemas.markers import CompareAs, FieldInfoOf, RecordType

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
        [[name_key(f) for f in ctx.forms(p)] for p in preds],
        [[name_key(f) for f in ctx.forms(g)] for g in golds],
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


def _ref_keys(values: Sequence[str], ctx: DocContext, predicted: bool) -> list[EntityId | str]:
    resolve = ctx.resolver.pred_ref if predicted else ctx.resolver.gold_ref
    return [_exporter_key(v, resolve(v)) for v in values]


def _ref_matrix(p_vals: list[str], g_vals: list[str], ctx: DocContext) -> Matrix:
    """1 for references that resolve to the same gold entity; names that resolve to none are
    compared as text (a group named alike)."""
    p_keys, g_keys = _ref_keys(p_vals, ctx, True), _ref_keys(g_vals, ctx, False)
    texts = _fuzzy(
        [k if isinstance(k, str) else "" for k in p_keys],
        [k if isinstance(k, str) else "" for k in g_keys],
        ctx.config.fuzzy_threshold,
        subset=True,
    )
    sim = np.zeros((len(p_vals), len(g_vals)), dtype=np.float64)
    for i, pk in enumerate(p_keys):
        for j, gk in enumerate(g_keys):
            both_text = isinstance(pk, str) and isinstance(gk, str)
            sim[i, j] = texts[i, j] if both_text else float(pk == gk)
    return sim


def _equal_matrix(p_vals: list[Any], g_vals: list[Any]) -> Matrix:
    return np.array([[float(p == g) for g in g_vals] for p in p_vals], dtype=np.float64)


def _number_matrix(p_vals: list[Any], g_vals: list[Any], ctx: DocContext) -> Matrix:
    tol = ctx.config.figure_rel_tolerance
    return np.array(
        [
            [float(p is not None and g is not None and value_close(p, g, tol)) for g in g_vals]
            for p in p_vals
        ],
        dtype=np.float64,
    )


def _text(value: Any) -> str:
    return "" if value is None else normalise_text(str(value))


def _key_matrix(
    key: FieldInfoOf, preds: Sequence[Any], golds: Sequence[Any], ctx: DocContext
) -> Matrix:
    """Similarity on one key field, zero below the gate."""
    p_vals = [getattr(p, key.name) for p in preds]
    g_vals = [getattr(g, key.name) for g in golds]
    threshold = ctx.config.fuzzy_threshold
    shortened = key.key is not None and key.key.shortened
    if key.is_list:
        return _equal_matrix([_as_set(v) for v in p_vals], [_as_set(v) for v in g_vals])
    if key.compare is CompareAs.REF:
        return _ref_matrix([str(v or "") for v in p_vals], [str(v or "") for v in g_vals], ctx)
    if key.compare is CompareAs.NAME:
        return _names_matrix(
            [
                [name_key(f) for f in (ctx.forms(p) or [str(v or "")])]
                for p, v in zip(preds, p_vals, strict=True)
            ],
            [
                [name_key(f) for f in (ctx.forms(g) or [str(v or "")])]
                for g, v in zip(golds, g_vals, strict=True)
            ],
            ctx,
            subset=shortened,
        )
    if key.compare in (CompareAs.TEXT, CompareAs.PHRASES, CompareAs.FORMS):
        return _fuzzy([_text(v) for v in p_vals], [_text(v) for v in g_vals], threshold, shortened)
    if key.compare is CompareAs.NUMBER:
        return _number_matrix(p_vals, g_vals, ctx)
    return _equal_matrix(p_vals, g_vals)


def _as_set(value: Any) -> frozenset[Any]:
    return frozenset(value or ())


def key_similarity(record_type: RecordType) -> SimilarityFn:
    """The similarity a schema implies: the mean of its key fields' similarities, gated so a
    pair any key field rejects scores 0 (ties are left to the alignment's mismatch counts)."""
    keys = record_type.keys

    def similarity(preds: Sequence[Any], golds: Sequence[Any], ctx: DocContext) -> Matrix:
        empty = _empty(preds, golds)
        if empty is not None:
            return empty
        matrices = [_key_matrix(k, preds, golds, ctx) for k in keys]
        gate = np.logical_and.reduce([m > 0 for m in matrices])
        return np.asarray(np.where(gate, np.mean(matrices, axis=0), 0.0), dtype=np.float64)

    similarity.__qualname__ = f"key_similarity[{','.join(k.name for k in keys)}]"
    return similarity
