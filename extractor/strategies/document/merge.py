"""One record from the checked answers of every chunk and pass, by the schema's markers.

Entities (a record type identified by one name: a single `Key` compared as a name) are the same
when a name or alias of one is a name or alias of the other (compared in the aligner's folded
form); other items when their key fields and type-deciding fields agree. The first occurrence
keeps its evidence (it was checked in the chunk that holds it); later ones add what it lacks:
list fields united (aliases, roles, products...), an empty field filled. References that name no
listed item are dropped afterwards and reported, as each `Ref` marker's `dangling` says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from extractor.grounding import DanglingReasons, drop_dangling, normalise
from extractor_schemas.base import Grounded
from extractor_schemas.markers import CompareAs, RecordType, TaskSchema, item_forms
from extractor_schemas.prediction import RejectedItem

_MERGE_REASONS = DanglingReasons(
    item="dangling reference: {value!r} is not in {targets}",
    value="{field} dropped, {owner} kept: {value!r} is not in {targets}",
)


def is_entity(record_type: RecordType) -> bool:
    """A type identified by one name (companies, people): merged by any shared form."""
    keys = record_type.keys
    return len(keys) == 1 and keys[0].compare is CompareAs.NAME


def _forms(record_type: RecordType, item: BaseModel) -> set[str]:
    return {normalise(n) for n in item_forms(record_type, item)}


def _key(record_type: RecordType, item: BaseModel) -> tuple[str, ...]:
    fields = [f.name for f in record_type.fields if f.key is not None or f.decides_type]
    return tuple(normalise(str(getattr(item, f))) for f in fields)


def _combined(record_type: RecordType, first: Grounded, later: Grounded) -> Grounded:
    update: dict[str, Any] = {}
    keys = {getattr(first, f.name, None) for f in record_type.keys}
    for info in record_type.fields:
        name = info.name
        mine, theirs = getattr(first, name), getattr(later, name)
        if info.is_list and isinstance(mine, list):
            united = list(dict.fromkeys([*mine, *theirs]))
            if info.aliases:
                united = [a for a in united if a not in keys]
            update[name] = united
        elif mine is None and theirs is not None:
            update[name] = theirs
    return first.model_copy(update=update)


def _merge_list(record_type: RecordType, items: Iterable[Grounded]) -> list[Grounded]:
    merged: list[Grounded] = []
    same: Callable[[Grounded, Grounded], bool]
    if is_entity(record_type):
        same = lambda a, b: bool(_forms(record_type, a) & _forms(record_type, b))  # noqa: E731
    else:
        same = lambda a, b: _key(record_type, a) == _key(record_type, b)  # noqa: E731
    for item in items:
        at = next((i for i, kept in enumerate(merged) if same(kept, item)), None)
        if at is None:
            merged.append(item)
        else:
            merged[at] = _combined(record_type, merged[at], item)
    return merged


def merge_answers(
    schema: TaskSchema, answers: Sequence[dict[str, list[Grounded]]]
) -> dict[str, list[Grounded]]:
    """Items of all answers, in reading order, each fact once."""
    return {
        name: _merge_list(rt, (i for a in answers for i in a.get(name, [])))
        for name, rt in schema.record_types.items()
    }


def drop_unlisted(schema: TaskSchema, items: dict[str, list[Grounded]]) -> list[RejectedItem]:
    """Remove references to items the record does not list; report each one removed."""
    lists: dict[str, list[BaseModel]] = {name: list(found) for name, found in items.items()}
    rejected = drop_dangling(schema, lists, _MERGE_REASONS)
    for name, found in lists.items():
        items[name] = [i for i in found if isinstance(i, Grounded)]
    return rejected
