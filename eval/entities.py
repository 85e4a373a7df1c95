"""Resolving the names used in references (brand, partner, exporter, speaker…) to gold entities.

Relations are only as right as the entities they connect, so a predicted partnership is judged by
which gold companies its names *mean*, not by how it spells them. A name resolves through, in
order: the gold names and aliases; the other forms of the predicted entity that uses it (so a
prediction that calls the firm "Xiaomi" everywhere still resolves when it listed "Xiaomi Corp" as
an alias); then a fuzzy match above the configured threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from extractor_eval.config import ScoringConfig
from extractor_eval.normalise import normalise_name
from extractor_schemas import ArticleRecord, Company, Grounded, Organization, Person

EntityId = tuple[str, int]
"""(record type, index in the gold record) of a company, organization or person."""

ENTITY_TYPES: tuple[str, ...] = ("companies", "organizations", "people")


def raw_forms(item: Grounded) -> list[str]:
    """The name first, then the aliases: every form the record says the entity goes by."""
    if isinstance(item, Company | Organization):
        return [item.name, *item.aliases]
    if isinstance(item, Person):
        return [item.name]
    return []


def name_key(value: str) -> str:
    """The normalised name, falling back to plain case folding for names of punctuation only."""
    return normalise_name(value) or value.casefold().strip()


def _forms_by_entity(record: ArticleRecord) -> list[tuple[EntityId, list[str]]]:
    return [
        ((record_type, i), [name_key(f) for f in raw_forms(item)])
        for record_type in ENTITY_TYPES
        for i, item in enumerate(record.items(record_type))
    ]


@dataclass
class Resolver:
    """Per-document name resolution, with memoised answers (references repeat a lot)."""

    gold: ArticleRecord
    pred: ArticleRecord | None
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
    """What every comparison within one document needs."""

    resolver: Resolver
    config: ScoringConfig

    @classmethod
    def build(
        cls, gold: ArticleRecord, pred: ArticleRecord | None, config: ScoringConfig
    ) -> DocContext:
        return cls(Resolver(gold, pred, config.fuzzy_threshold), config)
