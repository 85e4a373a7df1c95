"""Resolving the names used in references (brand, partner, exporter, speaker…) to gold entities.

Relations are only as right as the entities they connect, so a predicted partnership is judged by
which gold companies its names *mean*, not by how it spells them. Which record types are
entities, and which fields name them, the task schema says: every record type some `Ref` targets
is an entity type, its single name-like `Key` is its name and its `Aliases` field its other
forms. A name resolves through, in order: the gold names and aliases; the other forms of the
predicted entity that uses it (so a prediction that calls the firm "Xiaomi" everywhere still
resolves when it listed "Xiaomi Corp" as an alias); then a fuzzy match above the configured
threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from extractor_eval.config import ScoringConfig
from extractor_eval.normalise import normalise_name
from extractor_schemas.markers import CompareAs, RecordType, TaskSchema, describe

EntityId = tuple[str, int]
"""(record type, index in the gold record) of an entity (an item some reference may name)."""


def items_of(record: BaseModel, record_type: str) -> list[Any]:
    """The items of one record type, by its field name on the root record."""
    return list(getattr(record, record_type))


@dataclass(frozen=True)
class FormFields:
    """Which fields of an item model hold its name and its other forms."""

    name: str
    aliases: str | None


def _form_fields(record_type: RecordType) -> FormFields | None:
    """The single name-like key (and the aliases field) of an entity type; None when the type is
    identified by several fields or by a non-name (a partnership, a figure)."""
    keys = record_type.keys
    if len(keys) != 1 or keys[0].compare is not CompareAs.NAME or keys[0].is_list:
        return None
    return FormFields(keys[0].name, record_type.alias_field)


@lru_cache(maxsize=64)
def entity_types(root: type[BaseModel]) -> tuple[str, ...]:
    """Record types some reference targets, in schema order."""
    schema = describe(root)
    targets = {t for rt in schema.record_types.values() for f in rt.refs for t in f.ref.targets}  # type: ignore[union-attr]
    return tuple(name for name in schema.record_types if name in targets)


@lru_cache(maxsize=64)
def _forms_by_model(root: type[BaseModel]) -> dict[type[BaseModel], FormFields]:
    schema: TaskSchema = describe(root)
    found: dict[type[BaseModel], FormFields] = {}
    for record_type in schema.record_types.values():
        fields = _form_fields(record_type)
        if fields is not None:
            found.setdefault(record_type.model, fields)
    return found


def raw_forms(item: BaseModel, root: type[BaseModel]) -> list[str]:
    """The name first, then the aliases: every form the record says the entity goes by ([] for
    an item whose type has no single name key)."""
    fields = _forms_by_model(root).get(type(item))
    if fields is None:
        return []
    aliases: list[str] = list(getattr(item, fields.aliases)) if fields.aliases else []
    name = getattr(item, fields.name)
    return [name, *aliases] if isinstance(name, str) else aliases


def name_key(value: str) -> str:
    """The normalised name, falling back to plain case folding for names of punctuation only."""
    return normalise_name(value) or value.casefold().strip()


def _forms_by_entity(record: BaseModel) -> list[tuple[EntityId, list[str]]]:
    root = type(record)
    return [
        ((record_type, i), [name_key(f) for f in raw_forms(item, root)])
        for record_type in entity_types(root)
        for i, item in enumerate(items_of(record, record_type))
    ]


@dataclass
class Resolver:
    """Per-document name resolution, with memoised answers (references repeat a lot)."""

    gold: BaseModel
    pred: BaseModel | None
    fuzzy_threshold: float
    _gold_forms: dict[str, EntityId] = field(default_factory=dict, init=False)
    _pred_siblings: dict[str, list[str]] = field(default_factory=dict, init=False)
    _choices: list[str] = field(default_factory=list, init=False)
    _choice_ids: list[EntityId] = field(default_factory=list, init=False)
    _memo: dict[tuple[bool, str], EntityId | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for entity, forms in _forms_by_entity(self.gold):
            for form in forms:
                self._gold_forms.setdefault(form, entity)
                self._choices.append(form)
                self._choice_ids.append(entity)
        if self.pred is not None:
            for _, forms in _forms_by_entity(self.pred):
                for form in forms:
                    self._pred_siblings.setdefault(form, forms)

    def gold_ref(self, name: str) -> EntityId | None:
        """The gold entity a gold reference means (normally an exact name, per the guidelines)."""
        return self._resolve(name, predicted=False)

    def pred_ref(self, name: str) -> EntityId | None:
        """The gold entity a predicted reference means, if any."""
        return self._resolve(name, predicted=True)

    def _resolve(self, name: str, *, predicted: bool) -> EntityId | None:
        memo_key = (predicted, name)
        if memo_key not in self._memo:
            self._memo[memo_key] = self._lookup(name_key(name), predicted)
        return self._memo[memo_key]

    def _lookup(self, key: str, predicted: bool) -> EntityId | None:
        if key in self._gold_forms:
            return self._gold_forms[key]
        if predicted:
            for sibling in self._pred_siblings.get(key, ()):
                if sibling in self._gold_forms:
                    return self._gold_forms[sibling]
        best = process.extractOne(
            key, self._choices, scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold * 100
        )
        return None if best is None else self._choice_ids[best[2]]


@dataclass
class DocContext:
    """What every comparison within one document needs; `root` is the task's root model."""

    resolver: Resolver
    config: ScoringConfig
    root: type[BaseModel]

    def forms(self, item: BaseModel) -> list[str]:
        return raw_forms(item, self.root)

    @classmethod
    def build(cls, gold: BaseModel, pred: BaseModel | None, config: ScoringConfig) -> DocContext:
        return cls(Resolver(gold, pred, config.fuzzy_threshold), config, type(gold))
