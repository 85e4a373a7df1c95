"""What makes two records of each type "the same fact", and which fields decide its type.

Per record type: a similarity (whose gate is the key), the compared fields (a field marked
`decides_type` makes an aligned pair *incorrect* when wrong; any other wrong field makes it
*partial*), and a label that names a gold item stably across runs for flip lists and baselines.
Evidence, span and grounding are not compared: evidence length is a matter of taste within the
guidelines, and grounding is reported on its own.

Every task's specs are derived from its schema's markers (`derive_specs`): the similarity gates
on the `Key` fields, each field is compared as its `Compare` / type says, `DecidesType` fields
decide the type, and the label is made of the key fields. A root model may register hand-tuned
specs for some of its record types (`register_overrides`); the seed schema does, so its scores
stay those its baseline records (`spec_differences` lists where the derived specs differ).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from extractor_eval.fields import (
    Comparator,
    FieldSpec,
    display,
    same,
    same_amounts,
    same_forms,
    same_name,
    same_name_of,
    same_phrases,
    same_ref,
    same_refs,
    same_set,
    same_text,
    stated_value,
)
from extractor_eval.similarity import (
    SimilarityFn,
    entity_similarity,
    export_similarity,
    figure_similarity,
    key_similarity,
    partnership_similarity,
    person_similarity,
    program_similarity,
    quote_similarity,
)
from extractor_schemas import ArticleRecord
from extractor_schemas.markers import CompareAs, FieldInfoOf, RecordType, describe


@dataclass(frozen=True)
class TypeSpec:
    record_type: str
    similarity: SimilarityFn
    fields: tuple[FieldSpec, ...]
    label: Callable[[Any], str]

    @property
    def field_names(self) -> set[str]:
        return {f.name for f in self.fields}


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


SEED_OVERRIDES: dict[str, TypeSpec] = {
    spec.record_type: spec
    for spec in (
        TypeSpec(
            "companies",
            entity_similarity,
            (
                FieldSpec("name", same_name),
                FieldSpec("aliases", same_forms),
                FieldSpec("country", same("country")),
                FieldSpec("roles", same_set("roles")),
                FieldSpec("parent", same_ref("parent")),
            ),
            lambda c: c.name,
        ),
        TypeSpec(
            "organizations",
            entity_similarity,
            (
                FieldSpec("name", same_name),
                FieldSpec("aliases", same_forms),
                FieldSpec("kind", same("kind"), decides_type=True),
                FieldSpec("country", same("country")),
            ),
            lambda o: o.name,
        ),
        TypeSpec(
            "people",
            person_similarity,
            (
                FieldSpec("name", same_name),
                FieldSpec("title", same_text("title")),
                FieldSpec("organization", same_ref("organization")),
            ),
            lambda p: p.name,
        ),
        TypeSpec(
            "partnerships",
            partnership_similarity,
            (
                FieldSpec("brand", same_ref("brand")),
                FieldSpec("partner", same_ref("partner")),
                FieldSpec("kind", same("kind"), decides_type=True),
                FieldSpec("status", same("status")),
                FieldSpec("products", same_set("products")),
                FieldSpec("facility_location", same_text("facility_location")),
                FieldSpec("export_markets", same_phrases("export_markets")),
            ),
            lambda p: f"{p.brand} → {p.partner} ({p.kind.value})",
        ),
        TypeSpec(
            "export_activities",
            export_similarity,
            (
                FieldSpec("exporter", same_ref("exporter")),
                FieldSpec("origin_country", same("origin_country"), decides_type=True),
                FieldSpec("destinations", same_phrases("destinations")),
                FieldSpec("products", same_set("products")),
                FieldSpec("status", same("status")),
            ),
            lambda e: f"{e.exporter} from {e.origin_country}",
        ),
        TypeSpec(
            "figures",
            figure_similarity,
            (
                FieldSpec("value", stated_value("value", raw_field="raw")),
                FieldSpec("metric", same("metric"), decides_type=True),
                FieldSpec("unit", same("unit"), decides_type=True),
                FieldSpec("currency", same("currency"), decides_type=True),
                FieldSpec("subject", same_text("subject")),
                FieldSpec("raw", same_text("raw")),
                FieldSpec("period", same_text("period")),
                FieldSpec("modality", same("modality")),
                FieldSpec("source", same_ref("source")),
                FieldSpec("equivalents", same_amounts("equivalents")),
            ),
            lambda f: f"{f.metric.value} {f.raw} ({_short(f.subject, 40)})",
        ),
        TypeSpec(
            "programs",
            program_similarity,
            (
                FieldSpec("name", same_name),
                FieldSpec("country", same("country")),
                FieldSpec("beneficiaries", same_refs("beneficiaries")),
            ),
            lambda p: p.name,
        ),
        TypeSpec(
            "quotes",
            quote_similarity,
            (
                FieldSpec("text", same_text("text")),
                FieldSpec("speaker", same_ref("speaker"), decides_type=True),
            ),
            lambda q: f"{q.speaker}: “{_short(q.text)}”",
        ),
    )
}


def _comparator(info: FieldInfoOf) -> Comparator:
    """The comparator a field's marker (or type) asks for."""
    name, how = info.name, info.compare
    if how is CompareAs.REF:
        return same_refs(name) if info.is_list else same_ref(name)
    if how is CompareAs.NUMBER and info.precision_from is not None:
        return stated_value(name, raw_field=info.precision_from)
    by_kind: dict[CompareAs, Callable[[str], Comparator]] = {
        CompareAs.NAME: same_name_of,
        CompareAs.TEXT: same_text,
        CompareAs.PHRASES: same_phrases,
        CompareAs.SET: same_set,
        CompareAs.EXACT: same,
        CompareAs.NUMBER: same,
        CompareAs.AMOUNTS: same_amounts,
    }
    if how is CompareAs.FORMS:
        return same_forms
    return by_kind[how](name)


def _label(record_type: RecordType) -> Callable[[Any], str]:
    """Key fields, then type-deciding fields in brackets: stable, readable item names."""
    keys = [f.name for f in record_type.keys]
    deciding = [f.name for f in record_type.fields if f.decides_type and f.key is None]

    def label(item: Any) -> str:
        text = " · ".join(_short(display(item, k)) for k in keys)
        kinds = ", ".join(display(item, d) for d in deciding)
        return f"{text} ({kinds})" if kinds else text

    return label


def derive_spec(record_type: RecordType) -> TypeSpec:
    """A record type's spec from its schema markers alone."""
    fields = tuple(
        FieldSpec(f.name, _comparator(f), decides_type=f.decides_type) for f in record_type.fields
    )
    return TypeSpec(record_type.name, key_similarity(record_type), fields, _label(record_type))


def derive_specs(root: type[BaseModel]) -> dict[str, TypeSpec]:
    """Every record type's derived spec, in schema order."""
    return {name: derive_spec(rt) for name, rt in describe(root).record_types.items()}


_OVERRIDES: dict[type[BaseModel], dict[str, TypeSpec]] = {}


def register_overrides(root: type[BaseModel], overrides: Mapping[str, TypeSpec]) -> None:
    """Hand-tuned specs for some of a root model's record types, used instead of the derived
    ones; an override for a type the schema does not have is refused."""
    known = describe(root).record_types
    unknown = [t for t in overrides if t not in known]
    if unknown:
        raise ValueError(f"overrides for {root.__name__} name unknown record types {unknown}")
    _OVERRIDES[root] = dict(overrides)
    specs_for.cache_clear()


@lru_cache(maxsize=64)
def specs_for(root: type[BaseModel], overrides: bool = True) -> dict[str, TypeSpec]:
    """The specs scoring uses for a root model: derived, with registered overrides on top
    (`overrides=False`: derived only, to see how far the markers alone get)."""
    derived = derive_specs(root)
    if overrides:
        derived.update(_OVERRIDES.get(root, {}))
    return derived


def _describe_field(f: FieldSpec) -> str:
    comparator = f.equal.__qualname__.split(".")[0]
    return f"{f.name}: {comparator}{' (decides type)' if f.decides_type else ''}"


def spec_differences(root: type[BaseModel]) -> list[str]:
    """Where the derived specs differ from the registered overrides, one line per difference."""
    derived = derive_specs(root)
    lines: list[str] = []
    for name, override in _OVERRIDES.get(root, {}).items():
        mine = derived[name]
        if mine.similarity.__qualname__ != override.similarity.__qualname__:
            lines.append(
                f"{name}: similarity {override.similarity.__qualname__} "
                f"(derived {mine.similarity.__qualname__})"
            )
        ours = {_describe_field(f) for f in override.fields}
        theirs = {_describe_field(f) for f in mine.fields}
        lines += [f"{name}: override {d}" for d in sorted(ours - theirs)]
        lines += [f"{name}: derived {d}" for d in sorted(theirs - ours)]
    return lines


register_overrides(ArticleRecord, SEED_OVERRIDES)
SPECS: dict[str, TypeSpec] = specs_for(ArticleRecord)
"""The seed schema's specs (what scoring uses for it)."""
