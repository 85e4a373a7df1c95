"""One record from the checked answers of every chunk and pass.

Entities are the same when a name or alias of one is a name or alias of the other (compared in
the aligner's folded form); relations and figures when their key fields agree. The first
occurrence keeps its evidence (it was checked in the chunk that holds it); later ones add what
it lacks: aliases, roles, products, destinations, an empty field filled. References that name
no listed company are dropped afterwards and reported, as a partnership without a party is no
partnership, while a company without its parent is still a company.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from extractor.grounding import normalise
from extractor_schemas.base import Grounded
from extractor_schemas.prediction import RejectedItem
from extractor_schemas.records import RECORD_TYPES

_ENTITIES = ("companies", "organizations", "people", "programs")
_RELATION_KEYS: dict[str, tuple[str, ...]] = {
    "partnerships": ("brand", "partner", "kind"),
    "export_activities": ("exporter", "origin_country"),
    "figures": ("metric", "raw", "subject", "period"),
    "quotes": ("text",),
}
# Fields whose lists are united when two items are one; scalar fields are filled when empty.
_UNITED = ("aliases", "roles", "products", "export_markets", "destinations", "beneficiaries")


def _forms(item: Grounded) -> set[str]:
    names = [getattr(item, "name", ""), *getattr(item, "aliases", [])]
    return {normalise(n) for n in names if n}


def _key(record_type: str, item: Grounded) -> tuple[str, ...]:
    return tuple(normalise(str(getattr(item, f))) for f in _RELATION_KEYS[record_type])


def _combined(first: Grounded, later: Grounded) -> Grounded:
    update: dict[str, Any] = {}
    for name in type(first).model_fields:
        mine, theirs = getattr(first, name), getattr(later, name)
        if name in _UNITED and isinstance(mine, list):
            united = list(dict.fromkeys([*mine, *theirs]))
            if name == "aliases":
                united = [a for a in united if a != getattr(first, "name", None)]
            update[name] = united
        elif mine is None and theirs is not None:
            update[name] = theirs
    return first.model_copy(update=update)


def _merge_list(record_type: str, items: Iterable[Grounded]) -> list[Grounded]:
    merged: list[Grounded] = []
    same: Callable[[Grounded, Grounded], bool]
    if record_type in _ENTITIES:
        same = lambda a, b: bool(_forms(a) & _forms(b))  # noqa: E731
    else:
        same = lambda a, b: _key(record_type, a) == _key(record_type, b)  # noqa: E731
    for item in items:
        at = next((i for i, kept in enumerate(merged) if same(kept, item)), None)
        if at is None:
            merged.append(item)
        else:
            merged[at] = _combined(merged[at], item)
    return merged


def merge_answers(answers: Sequence[dict[str, list[Grounded]]]) -> dict[str, list[Grounded]]:
    """Items of all answers, in reading order, each fact once."""
    return {
        record_type: _merge_list(record_type, (i for a in answers for i in a.get(record_type, [])))
        for record_type in RECORD_TYPES
    }


def drop_dangling(items: dict[str, list[Grounded]]) -> list[RejectedItem]:
    """Remove references to companies the record does not list; report each one removed."""
    known = {form.casefold() for c in items["companies"] for form in _names(c)}
    rejected: list[RejectedItem] = []

    def reject(record_type: str, item: Grounded, reason: str) -> None:
        rejected.append(
            RejectedItem(record_type=record_type, item=item.model_dump(), reason=reason)
        )

    kept = []
    for p in items["partnerships"]:
        parties = [getattr(p, "brand", ""), getattr(p, "partner", "")]
        missing = [n for n in parties if n.casefold() not in known]
        if missing:
            reject("partnerships", p, f"dangling reference: {missing[0]!r} is not in companies")
        else:
            kept.append(p)
    items["partnerships"] = kept
    for i, c in enumerate(items["companies"]):
        parent = getattr(c, "parent", None)
        if parent and parent.casefold() not in known:
            reject("companies", c, f"parent dropped, company kept: {parent!r} is not in companies")
            items["companies"][i] = c.model_copy(update={"parent": None})
    for i, g in enumerate(items["programs"]):
        names: list[str] = getattr(g, "beneficiaries", [])
        present = [b for b in names if b.casefold() in known]
        for name in (b for b in names if b.casefold() not in known):
            reject("programs", g, f"beneficiary dropped: {name!r} is not in companies")
        items["programs"][i] = g.model_copy(update={"beneficiaries": present})
    return rejected


def _names(company: Grounded) -> list[str]:
    return [getattr(company, "name", ""), *getattr(company, "aliases", [])]
