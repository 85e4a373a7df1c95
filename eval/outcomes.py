"""The result of scoring one document: a category for every gold and every predicted item.

Categories (after MUC and SemEval-2013 task 9), for one record type within one document:

* correct   — aligned with a gold item and every compared field agrees;
* partial   — aligned, no type-deciding field wrong, but some other field differs
              (a partnership's status, a figure's period, a company's roles…);
* incorrect — aligned on the key, but a field that decides what the fact *is* is wrong
              (organization kind, partnership kind, figure metric / unit / currency,
              export origin country, quote speaker);
* missing   — a gold item with no aligned prediction (every gold item of an invalid or absent
              document is missing);
* spurious  — a predicted item with no aligned gold item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, NamedTuple

DocStatus = Literal["valid", "invalid", "absent"]
"""valid: parsed and schema-valid; invalid: present but unusable; absent: no prediction at all."""


class Category(StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    MISSING = "missing"
    SPURIOUS = "spurious"


CATEGORIES: tuple[Category, ...] = tuple(Category)


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One field on which an aligned pair disagrees."""

    field: str
    gold: str
    pred: str
    decides_type: bool


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The fate of one item: gold_index set unless spurious, pred_index set unless missing."""

    record_type: str
    category: Category
    label: str
    gold_index: int | None = None
    pred_index: int | None = None
    similarity: float | None = None
    diffs: tuple[FieldDiff, ...] = ()
    key: str = ""


@dataclass(frozen=True, slots=True)
class Counts:
    """Category counts; the unit every aggregate and every bootstrap resample is built from."""

    correct: int = 0
    partial: int = 0
    incorrect: int = 0
    missing: int = 0
    spurious: int = 0

    @property
    def gold(self) -> int:
        """POS in MUC terms: gold items, whatever happened to them."""
        return self.correct + self.partial + self.incorrect + self.missing

    @property
    def predicted(self) -> int:
        """ACT in MUC terms: predicted items, whatever happened to them."""
        return self.correct + self.partial + self.incorrect + self.spurious

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return (self.correct, self.partial, self.incorrect, self.missing, self.spurious)

    def get(self, category: Category) -> int:
        value: int = getattr(self, category.value)
        return value

    @classmethod
    def of(cls, categories: list[Category]) -> Counts:
        tally = dict.fromkeys(CATEGORIES, 0)
        for category in categories:
            tally[category] += 1
        return cls(*(tally[c] for c in CATEGORIES))


class FieldTally(NamedTuple):
    """How often a field agreed on aligned pairs."""

    compared: int = 0
    equal: int = 0


@dataclass(frozen=True)
class DocResult:
    doc_id: str
    status: DocStatus
    problem: str | None
    items: tuple[ItemResult, ...]
    fields: dict[tuple[str, str], FieldTally] = field(default_factory=dict)
    record_types: tuple[str, ...] = ()
    """The task's record types in schema order (the columns of every count array)."""

    def counts(self, record_type: str | None = None) -> Counts:
        """Counts for one type, or for all types together."""
        return Counts.of([i.category for i in self.items if record_type in (None, i.record_type)])
