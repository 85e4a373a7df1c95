"""Checks of one answer against the chunk it was read from, before anything is kept.

An item fails when it does not fit its record type, when its evidence is not in the chunk, or
when its key value (a name, an amount's raw text, the quoted words) is not in or next to that
evidence: the same aligner and key-value rule as the grounding step, so what passes here is what
grounding keeps. Failures become one validation error naming each item and what was not found,
which instructor sends back to the model as a re-ask; whatever still fails after the last re-ask
is dropped and reported.

A name copied with a small slip (a doubled letter, a straight apostrophe for a curly one, a
dropped diacritic) is snapped to the text's own spelling when exactly one such spelling is next
to the evidence; the item's grounding then says `fuzzy`, so the repair is visible in the record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from rapidfuzz.distance import Levenshtein

from extractor.grounding import (
    AlignConfig,
    aliases_of,
    align,
    key_value_present,
    key_values,
    normalise,
)
from extractor.strategies.document.merge import is_entity
from extractor.strategies.document.model import metadata_models, root_of, to_record_item
from extractor_schemas.base import Grounded
from extractor_schemas.markers import CompareAs, RecordType, TaskSchema, describe
from extractor_schemas.vocab import GroundingKind


def name_fields(record_type: RecordType) -> tuple[str, ...]:
    """Key fields holding a name the text spells (a name or a reference), which a slip may be
    snapped back to."""
    return tuple(f.name for f in record_type.keys if f.compare in (CompareAs.NAME, CompareAs.REF))


def reference_fields(record_type: RecordType) -> tuple[str, ...]:
    """Fields that refer to an item by name (`Ref`): they follow a snapped name."""
    return tuple(f.name for f in record_type.refs)


_EDGE = ',;:!?()[]"“”«»'
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Problem:
    """One item the model must fix or lose, and what was wrong with it."""

    record_type: str
    index: int
    item: dict[str, Any]
    reason: str

    def describe(self) -> str:
        label = next((str(self.item[k]) for k in ("name", "raw", "brand") if k in self.item), "")
        named = f" ({label!r})" if label else ""
        return f"{self.record_type}[{self.index}]{named}: {self.reason}"


@dataclass
class Checked:
    """What an answer yields once checked: items of the schema's types, and the problems."""

    items: dict[str, list[Grounded]] = field(default_factory=dict)
    metadata: dict[str, BaseModel] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def error_message(self) -> str:
        """The re-ask: every failing item, what was not found, and how to fix it."""
        lines = "\n".join(f"- {p.describe()}" for p in self.problems)
        return (
            "These items are not supported by the article text. Copy evidence character for "
            "character from the article and use names exactly as the article spells them, or "
            f"leave the item out:\n{lines}"
        )


def _loose(text: str) -> str:
    """A name's form with the slips the snap forgives removed: accents, case, doubled letters."""
    decomposed = unicodedata.normalize("NFKD", normalise(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"(\w)\1+", r"\1", plain)


def _slip(candidate: str, value: str) -> int | None:
    """How far candidate is from value once slips are forgiven (0: only slips), None if too far.

    One edit is forgiven beyond the slips, in names of five letters or more.
    """
    if candidate == value:
        return None
    a, b = _loose(candidate), _loose(value)
    if a == b:
        return 0
    if min(len(a), len(b)) >= 5 and Levenshtein.distance(a, b) <= 1:
        return 1
    return None


def _candidates(window: str, words: int) -> set[str]:
    tokens = list(re.finditer(r"\S+", window))
    found: set[str] = set()
    for i in range(len(tokens) - words + 1):
        raw = window[tokens[i].start() : tokens[i + words - 1].end()]
        for form in (raw, raw.strip(_EDGE)):
            found.update({form, form.rstrip("."), _POSSESSIVE.sub("", form.rstrip(".,"))})
    return found


def snap_name(value: str, window: str) -> str | None:
    """The text's own spelling of a slightly misspelled name, if exactly one is closest."""
    if value in window:
        return None
    scored: dict[str, int] = {}
    for candidate in _candidates(window, len(value.split())):
        distance = _slip(candidate, value)
        if distance is not None:
            scored[candidate] = distance
    if not scored:
        return None
    best = min(scored.values())
    closest = [c for c, d in scored.items() if d == best]
    return closest[0] if len(closest) == 1 else None


def _renamed(record_type: RecordType, data: dict[str, Any], renames: Mapping[str, str]) -> None:
    """Point references at the snapped spelling of the entity they name."""
    for name in reference_fields(record_type):
        value = data.get(name)
        if isinstance(value, str):
            data[name] = renames.get(value.casefold(), value)
        elif isinstance(value, list):
            data[name] = [renames.get(v.casefold(), v) if isinstance(v, str) else v for v in value]


def _schema_error(error: ValidationError) -> str:
    parts = [f"{'.'.join(map(str, e['loc'])) or 'item'}: {e['msg']}" for e in error.errors()]
    return "does not fit the schema (" + "; ".join(parts) + ")"


@dataclass
class _Checker:
    root: type[BaseModel]
    schema: TaskSchema
    text: str
    config: AlignConfig
    checked: Checked = field(default_factory=Checked)
    renames: dict[str, str] = field(default_factory=dict)
    aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def item(self, record_type: str, index: int, raw: BaseModel) -> None:
        data = raw.model_dump()
        _renamed(self.schema.type_of(record_type), data, self.renames)
        try:
            item = to_record_item(self.root, record_type, type(raw).model_validate(data))
        except ValidationError as exc:
            self._problem(record_type, index, data, _schema_error(exc))
            return
        found = align(item.evidence, self.text, self.config)
        if found is None:
            self._problem(record_type, index, data, "evidence not found in the article")
            return
        width = self.config.key_window
        window = self.text[max(0, found.start - width) : found.end + width]
        kept = self._key_values(record_type, item, window)
        if isinstance(kept, str):
            self._problem(record_type, index, data, kept)
        else:
            self.checked.items.setdefault(record_type, []).append(kept)

    def _key_values(self, record_type: str, item: Grounded, window: str) -> Grounded | str:
        """The item with slipped names snapped, or what key value the window lacks."""
        described = self.schema.type_of(record_type)
        snappable = name_fields(described)
        update: dict[str, Any] = {}
        for key, value in zip(described.keys, key_values(described, item), strict=True):
            # a key marked Key(shortened=True) may be a company's short form
            shortened = key.key is not None and key.key.shortened
            present = key_value_present(value, window, self.aliases, first_token=shortened)
            names = [n for n in snappable if getattr(item, n) == value]
            snapped = self._snap(value, window) if names else None
            # the snapped spelling names the same entity, so the value's aliases still count
            if snapped is not None and (
                present or key_value_present(snapped, window, self.aliases)
            ):
                update.update(dict.fromkeys(names, snapped), grounding=GroundingKind.FUZZY)
                if is_entity(described):
                    self.renames[value.casefold()] = snapped
            elif not present:
                return f"{value!r} is not in or next to its evidence"
        return item.model_copy(update=update) if update else item

    def _snap(self, value: str, window: str) -> str | None:
        """The spelling next to the evidence; failing that, the chunk's, if the name is not in it.

        A name found only through an alias ("Oppo" for "Oppo Mobiles India") must still be
        spelled as the article spells it somewhere, so a slip in it is looked for chunk-wide.
        """
        if value in window:
            return None
        nearby = snap_name(value, window)
        if nearby is None and value not in self.text:
            return snap_name(value, self.text)
        return nearby

    def _problem(self, record_type: str, index: int, data: dict[str, Any], reason: str) -> None:
        self.checked.problems.append(Problem(record_type, index, data, reason))


def check_answer(answer: BaseModel, text: str, config: AlignConfig | None = None) -> Checked:
    """Every item of an answer checked against the chunk text, in the schema's order (entities
    first in the seed schema, then relations)."""
    root = root_of(type(answer))
    schema = describe(root)
    # Only key and alias fields are read, so the answer's items stand in for the schema's.
    aliases = aliases_of(schema, {t: getattr(answer, t) for t in schema.record_types})
    checker = _Checker(root, schema, text, config or AlignConfig(), aliases=aliases)
    for record_type in schema.record_types:
        for index, raw in enumerate(getattr(answer, record_type)):
            checker.item(record_type, index, raw)
    for name, (model, _) in metadata_models(root).items():
        found = _metadata(model, getattr(answer, name, None))
        if found is not None:
            checker.checked.metadata[name] = found
    return checker.checked


def _metadata(model: type[BaseModel], raw: BaseModel | None) -> BaseModel | None:
    if raw is None:
        return None
    try:
        return model.model_validate(raw.model_dump())
    except ValidationError:
        return None  # metadata the model got wrong is left to isolation, never a failure
