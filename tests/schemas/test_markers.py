"""The markers: what `describe` reads off a schema, and the schemas it refuses at load time."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, Field

from extractor_schemas import ArticleRecord
from extractor_schemas.base import Grounded
from extractor_schemas.markers import (
    Compare,
    CompareAs,
    Dangling,
    DecidesType,
    Key,
    Ref,
    SchemaError,
    describe,
)
from extractor_schemas.vocab import PartnershipKind

SEED = describe(ArticleRecord)


@pytest.mark.parametrize(
    ("record_type", "keys"),
    [
        ("companies", ("name",)),
        ("organizations", ("name",)),
        ("people", ("name",)),
        ("partnerships", ("brand", "partner")),
        ("export_activities", ("exporter",)),
        ("figures", ("raw",)),
        ("programs", ("name",)),
        ("quotes", ("text",)),
    ],
)
def test_seed_keys(record_type: str, keys: tuple[str, ...]) -> None:
    assert tuple(f.name for f in SEED.type_of(record_type).keys) == keys


@pytest.mark.parametrize(
    ("record_type", "field", "compare", "decides"),
    [
        ("companies", "name", CompareAs.NAME, False),
        ("companies", "aliases", CompareAs.FORMS, False),
        ("companies", "country", CompareAs.EXACT, False),  # a code inside Optional
        ("companies", "roles", CompareAs.SET, False),
        ("companies", "parent", CompareAs.REF, False),
        ("organizations", "kind", CompareAs.EXACT, True),
        ("people", "title", CompareAs.TEXT, False),
        ("partnerships", "brand", CompareAs.REF, False),
        ("partnerships", "kind", CompareAs.EXACT, True),
        ("partnerships", "export_markets", CompareAs.PHRASES, False),
        ("figures", "value", CompareAs.NUMBER, False),
        ("figures", "currency", CompareAs.EXACT, True),
        ("figures", "raw", CompareAs.TEXT, False),
        (
            "figures",
            "equivalents",
            CompareAs.AMOUNTS,
            False,
        ),  # secondary: partial, not another fact
        ("quotes", "speaker", CompareAs.REF, True),
    ],
)
def test_seed_fields(record_type: str, field: str, compare: CompareAs, decides: bool) -> None:
    info = SEED.type_of(record_type).field(field)
    assert (info.compare, info.decides_type) == (compare, decides)


def test_seed_references_and_their_dangling_rule() -> None:
    refs = {
        (name, f.name): (f.ref.targets, f.ref.dangling)
        for name, rt in SEED.record_types.items()
        for f in rt.refs
        if f.ref is not None
    }
    assert refs[("partnerships", "brand")] == (("companies",), Dangling.DROP_ITEM)
    assert refs[("programs", "beneficiaries")] == (("companies",), Dangling.DROP_VALUE)
    assert refs[("quotes", "speaker")][1] is Dangling.KEEP
    assert SEED.type_of("figures").field("value").precision_from == "raw"
    assert SEED.type_of("companies").alias_field == "aliases"


def test_pipeline_fields_are_not_described() -> None:
    names = {f.name for f in SEED.type_of("companies").fields}
    assert not names & {"evidence", "span", "grounding"}


class _NoKey(Grounded):
    name: str


class _Round(Grounded):
    company: Annotated[str, Key(), Ref("startups")]
    stage: Annotated[PartnershipKind, DecidesType()]


class _Plain(BaseModel):
    name: Annotated[str, Key()]


class _Amount(Grounded):
    raw: Annotated[str, Key()]
    value: float


class _BadPrecision(Grounded):
    raw: Annotated[str, Key()]
    value: Annotated[float, Compare(CompareAs.NUMBER, precision_from="nope")]


class _Note(BaseModel):
    text: str


class _Noted(Grounded):
    raw: Annotated[str, Key()]
    notes: list[_Note] = Field(default_factory=list)


class _BadAmounts(Grounded):
    raw: Annotated[str, Key()]
    notes: Annotated[list[_Note], Compare(CompareAs.AMOUNTS)] = Field(default_factory=list)


def _root(**fields: object) -> type[BaseModel]:
    annotations = {name: list[model] for name, model in fields.items()}  # type: ignore[valid-type]
    namespace = {"__annotations__": annotations}
    namespace |= {name: Field(default_factory=list) for name in fields}
    return type("Root", (BaseModel,), namespace)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"things": _NoKey}, r"Root\.things \(_NoKey\): no field is marked Key"),
        ({"rounds": _Round}, r"rounds \(_Round\)\.company: Ref\('startups'\) names no record type"),
        ({"names": _Plain}, r"needs an `evidence` field"),
        ({"figures": _Amount}, r"_Amount\)\.value: a number needs Compare"),
        ({"figures": _BadPrecision}, r"value: precision_from names no field"),
        ({"figures": _Noted}, r"_Noted\)\.notes: a list of models needs a Compare marker"),
        (
            {"figures": _BadAmounts},
            r"notes: Compare\(CompareAs.AMOUNTS\) needs .*missing \['value'",
        ),
        ({}, r"no list field of item models"),
    ],
)
def test_unusable_schemas_are_refused_naming_model_and_field(
    fields: dict[str, type[BaseModel]], message: str
) -> None:
    with pytest.raises(SchemaError, match=message):
        describe(_root(**fields))


def test_a_well_formed_task_schema_is_described() -> None:
    class Startup(Grounded):
        name: Annotated[str, Key()]

    root = _root(startups=Startup, rounds=_Round)
    schema = describe(root)
    assert list(schema.record_types) == ["startups", "rounds"]
    assert schema.type_of("rounds").field("stage").decides_type
    with pytest.raises(KeyError, match="known: startups, rounds"):
        schema.type_of("recalls")
