"""What makes two records of each type "the same fact", and which fields decide its type.

Per record type: a similarity (whose gate is the key), the compared fields (a field marked
`decides_type` makes an aligned pair *incorrect* when wrong; any other wrong field makes it
*partial*), and a label that names a gold item stably across runs for flip lists and baselines.
Evidence, span and grounding are not compared: evidence length is a matter of taste within the
guidelines, and grounding is reported on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from extractor_eval.fields import (
    FieldSpec,
    same,
    same_forms,
    same_name,
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
    partnership_similarity,
    person_similarity,
    program_similarity,
    quote_similarity,
)
from extractor_schemas import RECORD_TYPES


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


SPECS: dict[str, TypeSpec] = {
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

if tuple(SPECS) != tuple(RECORD_TYPES):  # a new schema type must not go silently unscored
    raise RuntimeError(f"scoring specs {list(SPECS)} != schema record types {list(RECORD_TYPES)}")
