"""Field comparators: when two aligned records agree on one field.

A comparator sees both whole items and the document context because equality of a reference
("Dixon" vs "Dixon Technologies") depends on the entities, not on the strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from extractor_eval.amounts import equal_as_stated
from extractor_eval.entities import DocContext, EntityId, name_key
from extractor_eval.normalise import (
    normalise_phrase,
    normalise_text,
    ratio,
    text_equal,
    value_close,
)
from extractor_schemas import Grounded

Comparator = Callable[[Grounded, Grounded, DocContext], bool]


@dataclass(frozen=True)
class FieldSpec:
    """One compared field. `decides_type` marks fields whose error makes a match *incorrect*."""

    name: str
    equal: Comparator
    decides_type: bool = False


def value_of(item: Grounded, field: str) -> Any:
    """A field by name: the specs list fields as data, so access is by name."""
    return getattr(item, field)


def display(item: Grounded, field: str) -> str:
    """A field's value as a short string for failure rows and the HTML report."""
    return _show(getattr(item, field))


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, BaseModel):  # a stated amount shows as the article writes it
        return str(getattr(value, "raw", value))
    return str(value)


def same(field: str) -> Comparator:
    """Exact equality: enums, ISO codes, optional values."""

    def equal(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
        return bool(getattr(pred, field) == getattr(gold, field))

    return equal


def same_set(field: str) -> Comparator:
    """Equality of closed-vocabulary lists, ignoring order and repeats."""

    def equal(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
        return set(getattr(pred, field)) == set(getattr(gold, field))

    return equal


def same_text(field: str) -> Comparator:
    """Free text: both absent, or equal after normalisation / within the fuzzy threshold."""

    def equal(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
        p, g = getattr(pred, field), getattr(gold, field)
        if p is None or g is None:
            return p is None and g is None
        return text_equal(p, g, ctx.config.fuzzy_threshold)

    return equal


def same_phrases(field: str) -> Comparator:
    """Lists of free phrases (destinations, markets) as normalised sets."""

    def equal(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
        return _phrases(getattr(pred, field)) == _phrases(getattr(gold, field))

    return equal


def _phrases(values: Iterable[str]) -> set[str]:
    return {normalise_phrase(v) for v in values}


def same_ref(field: str) -> Comparator:
    """A reference to an entity: the same gold entity, or the same text when it names none."""

    def equal(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
        p, g = getattr(pred, field), getattr(gold, field)
        if p is None or g is None:
            return p is None and g is None
        p_key, g_key = _ref_key(p, ctx, True), _ref_key(g, ctx, False)
        if isinstance(p_key, tuple) and isinstance(g_key, tuple):
            return p_key == g_key
        return text_equal(p, g, ctx.config.fuzzy_threshold)

    return equal


def same_refs(field: str) -> Comparator:
    """A list of references (program beneficiaries) as a set of resolved entities."""

    def equal(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
        p = {_ref_key(v, ctx, True) for v in getattr(pred, field)}
        g = {_ref_key(v, ctx, False) for v in getattr(gold, field)}
        return p == g

    return equal


def _ref_key(name: str, ctx: DocContext, predicted: bool) -> EntityId | str:
    resolver = ctx.resolver
    entity = resolver.pred_ref(name) if predicted else resolver.gold_ref(name)
    return entity if entity is not None else normalise_text(name)


def same_name_of(field: str) -> Comparator:
    """The predicted name is one of the gold entity's forms, or a near spelling of its name."""

    def equal(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
        p, g = value_of(pred, field), value_of(gold, field)
        if p is None or g is None:
            return p is None and g is None
        p_name = name_key(p)
        if p_name in {name_key(f) for f in ctx.forms(gold) or [g]}:
            return True
        return ratio(p_name, name_key(g)) >= ctx.config.fuzzy_threshold

    return equal


same_name = same_name_of("name")


def same_forms(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
    """Aliases are right when the whole set of forms (name and aliases) agrees, up to typos:
    swapping which form is the name and which the alias is not an error."""
    p = {name_key(f) for f in ctx.forms(pred)}
    g = {name_key(f) for f in ctx.forms(gold)}
    return p == g or (_covers(p, g, ctx) and _covers(g, p, ctx))


def _covers(forms: set[str], others: set[str], ctx: DocContext) -> bool:
    threshold = ctx.config.fuzzy_threshold
    return all(f in others or any(ratio(f, o) >= threshold for o in others) for f in forms)


def same_amounts(field: str) -> Comparator:
    """Lists of stated amounts (a figure's equivalents in other currencies) as sets: each gold
    amount has a predicted one and each predicted amount a gold one of the same currency and
    value, at the precision gold's raw states; the raw wording itself is not compared."""

    def equal(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
        p, g = list(getattr(pred, field)), list(getattr(gold, field))
        return all(any(_same_amount(x, y) for x in p) for y in g) and all(
            any(_same_amount(x, y) for y in g) for x in p
        )

    return equal


def _same_amount(pred: Any, gold: Any) -> bool:
    return bool(pred.currency == gold.currency) and equal_as_stated(
        pred.value, gold.value, gold.raw
    )


def stated_value(field: str, raw_field: str) -> Comparator:
    """A number that equals gold at the precision gold's raw text (`raw_field`) states, or,
    when `figure_value_tolerance` is set, within that relative tolerance instead."""

    def equal(pred: Grounded, gold: Grounded, ctx: DocContext) -> bool:
        p, g = value_of(pred, field), value_of(gold, field)
        tolerance = ctx.config.figure_value_tolerance
        if tolerance is not None:
            return value_close(p, g, tolerance)
        return equal_as_stated(p, g, value_of(gold, raw_field))

    return equal
