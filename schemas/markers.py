"""What a field means to the rest of the code, said once, on the field, in the task's schema.

A task's root record is a Pydantic model whose list fields are its record types. Each item model
carries `evidence` (the pipeline fills `span` and `grounding`), and its fields carry `Annotated`
markers: which fields identify an item (`Key`), which name another record type's item (`Ref`),
which decide what kind of fact it is (`DecidesType`), and how a field is compared (`Compare`).
Grounding, the merge of chunk results, the dangling-reference cleanup and the eval read these
markers through `describe`, so a new record type or a new task needs its schema, prompts and
gold only.

    class Round(Grounded):
        company: Annotated[str, Key(), Ref("companies")]
        amount_raw: Annotated[str, Key()]
        amount: Annotated[float, Compare(CompareAs.NUMBER, precision_from="amount_raw")]
        stage: Annotated[Stage, DecidesType()]
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

PIPELINE_FIELDS = frozenset({"span", "grounding"})
"""Item fields the pipeline fills itself: never asked of the model, never compared."""


class SchemaError(TypeError):
    """A task schema lacks what the pipeline needs; the message names the model and field."""


class CompareAs(enum.StrEnum):
    """How the eval compares a field of an aligned pair."""

    NAME = "name"  # a name: case, punctuation and corporate suffixes ignored, aliases count
    FORMS = "forms"  # a list of other forms of the item's name (aliases)
    TEXT = "text"  # free text: case, spacing and punctuation ignored
    PHRASES = "phrases"  # a list of free-text phrases, compared as a set
    SET = "set"  # a list of closed values, compared as a set
    NUMBER = "number"  # a number, equal at the precision its raw text states
    EXACT = "exact"  # equal values (codes, enums, booleans)
    REF = "ref"  # a reference, compared by the referent it resolves to (through aliases)
    AMOUNTS = "amounts"  # a list of stated amounts (value, currency, raw), compared as a set


class Dangling(enum.StrEnum):
    """What happens to an item whose reference names no item of the target type."""

    DROP_ITEM = "drop_item"  # the item cannot stand without its referent (a partnership's party)
    DROP_VALUE = "drop_value"  # only the reference goes (a company's parent, one beneficiary)
    KEEP = "keep"  # the reference may name something outside the record (a speaker)


@dataclass(frozen=True)
class Key:
    """The field identifies the item: it aligns gold with predictions, merges chunk results, and
    its value must occur in (or next to) the item's evidence.

    `shortened`: articles often name it by a shorter form (the first word, an alias), which the
    evidence check accepts.
    """

    shortened: bool = False


@dataclass(frozen=True)
class Ref:
    """The field names an item of another record type (by that type's key or its aliases)."""

    targets: tuple[str, ...]
    dangling: Dangling = Dangling.DROP_VALUE

    def __init__(self, *targets: str, dangling: Dangling = Dangling.DROP_VALUE) -> None:
        if not targets:
            raise SchemaError("Ref() needs at least one target record type")
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "dangling", dangling)


@dataclass(frozen=True)
class DecidesType:
    """A wrong value makes an aligned item incorrect (another fact), not partially right."""


@dataclass(frozen=True)
class Compare:
    """How the eval compares this field; without it the kind follows from the field's type."""

    how: CompareAs
    precision_from: str | None = None  # NUMBER: the field holding the number as written


@dataclass(frozen=True)
class Aliases:
    """The field lists other forms of the item's key name (references may use any of them)."""


@dataclass(frozen=True)
class FieldInfoOf:
    """One field of a record type, as the markers and its annotation describe it."""

    name: str
    compare: CompareAs
    key: Key | None = None
    ref: Ref | None = None
    decides_type: bool = False
    aliases: bool = False
    precision_from: str | None = None
    is_list: bool = False


@dataclass(frozen=True)
class RecordType:
    """One list field of the root record: its item model and what its fields mean."""

    name: str
    model: type[BaseModel]
    fields: tuple[FieldInfoOf, ...]

    @property
    def keys(self) -> tuple[FieldInfoOf, ...]:
        return tuple(f for f in self.fields if f.key is not None)

    @property
    def refs(self) -> tuple[FieldInfoOf, ...]:
        return tuple(f for f in self.fields if f.ref is not None)

    @property
    def alias_field(self) -> str | None:
        return next((f.name for f in self.fields if f.aliases), None)

    def field(self, name: str) -> FieldInfoOf:
        for info in self.fields:
            if info.name == name:
                return info
        raise KeyError(f"{self.model.__name__} has no field {name!r}")


@dataclass(frozen=True)
class TaskSchema:
    """A root record model, described: its record types in declaration order."""

    root: type[BaseModel]
    record_types: dict[str, RecordType] = field(default_factory=dict)

    def type_of(self, name: str) -> RecordType:
        try:
            return self.record_types[name]
        except KeyError:
            known = ", ".join(self.record_types)
            raise KeyError(f"unknown record type {name!r} (known: {known})") from None


def describe(root: type[BaseModel]) -> TaskSchema:
    """The root model's record types and markers, checked: a schema the pipeline cannot use is
    refused here, naming the model and the field, rather than deep inside a document."""
    cached = _DESCRIBED.get(root)
    if cached is not None:
        return cached
    types_ = {
        name: _record_type(root, name, info)
        for name, info in root.model_fields.items()
        if _list_item_model(info.annotation) is not None
    }
    if not types_:
        raise SchemaError(f"{root.__name__} has no list field of item models (no record types)")
    _check_metadata(root)
    schema = TaskSchema(root, types_)
    _check_refs(schema)
    _DESCRIBED[root] = schema
    return schema


_DESCRIBED: dict[type[BaseModel], TaskSchema] = {}


def _check_metadata(root: type[BaseModel]) -> None:
    """A metadata model (a root field that is a model, not a list) is what the article says
    about itself; the model may state none of it, so it and each of its fields need a default."""
    for name, info in root.model_fields.items():
        model = _unwrap(info.annotation)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        where = f"{root.__name__}.{name} ({model.__name__})"
        if info.is_required():
            raise SchemaError(
                f"{where}: a metadata model needs a default, e.g. Field(default_factory="
                f"{model.__name__}): the model may state none of it"
            )
        for fname, finfo in model.model_fields.items():
            if finfo.is_required():
                raise SchemaError(
                    f"{where}.{fname}: a metadata field needs a default (e.g. None): the "
                    "model may not state it"
                )


def _record_type(root: type[BaseModel], name: str, info: FieldInfo) -> RecordType:
    model = _list_item_model(info.annotation)
    assert model is not None
    where = f"{root.__name__}.{name} ({model.__name__})"
    if "evidence" not in model.model_fields:
        raise SchemaError(f"{where}: an item model needs an `evidence` field (see Grounded)")
    missing = PIPELINE_FIELDS - set(model.model_fields)
    if missing:
        raise SchemaError(f"{where}: an item model needs the fields {sorted(missing)}")
    from extractor_schemas.base import Grounded  # base imports this module

    if not issubclass(model, Grounded):
        raise SchemaError(
            f"{where}: an item model must subclass extractor_schemas.base.Grounded (its span "
            "check and the evidence rules grounding relies on)"
        )
    fields = tuple(
        _field_info(where, fname, finfo)
        for fname, finfo in model.model_fields.items()
        if fname not in PIPELINE_FIELDS and fname != "evidence"
    )
    record_type = RecordType(name, model, fields)
    if not record_type.keys:
        raise SchemaError(f"{where}: no field is marked Key(); say which fields identify an item")
    for f in fields:
        if f.precision_from is not None and f.precision_from not in model.model_fields:
            raise SchemaError(f"{where}.{f.name}: precision_from names no field")
    return record_type


def _field_info(where: str, name: str, info: FieldInfo) -> FieldInfoOf:
    markers = [*info.metadata, *_inner_metadata(info.annotation)]
    key = next((m for m in markers if isinstance(m, Key)), None)
    ref = next((m for m in markers if isinstance(m, Ref)), None)
    compare = next((m for m in markers if isinstance(m, Compare)), None)
    aliases = any(isinstance(m, Aliases) for m in markers)
    is_list = _is_list(info.annotation)
    how = compare.how if compare else _default_compare(info.annotation, key, ref, aliases)
    if is_list and compare is None and _list_item_model(info.annotation) is not None:
        raise SchemaError(
            f"{where}.{name}: a list of models needs a Compare marker saying how two lists "
            "agree (e.g. Compare(CompareAs.AMOUNTS))"
        )
    if how is CompareAs.AMOUNTS:
        _check_amounts(where, name, info.annotation)
    if how is CompareAs.NUMBER and compare is None:
        raise SchemaError(
            f"{where}.{name}: a number needs Compare(CompareAs.NUMBER, precision_from=...) "
            "or an explicit Compare(CompareAs.EXACT)"
        )
    return FieldInfoOf(
        name=name,
        compare=how,
        key=key,
        ref=ref,
        decides_type=any(isinstance(m, DecidesType) for m in markers),
        aliases=aliases,
        precision_from=compare.precision_from if compare else None,
        is_list=is_list,
    )


_AMOUNT_FIELDS = ("value", "currency", "raw")


def _check_amounts(where: str, name: str, annotation: Any) -> None:
    """AMOUNTS compares items by currency and by value at the precision raw states."""
    model = _list_item_model(annotation)
    missing = [f for f in _AMOUNT_FIELDS if model is None or f not in model.model_fields]
    if missing:
        raise SchemaError(
            f"{where}.{name}: Compare(CompareAs.AMOUNTS) needs a list of models with the fields "
            f"{list(_AMOUNT_FIELDS)} (missing {missing})"
        )


def _default_compare(annotation: Any, key: Key | None, ref: Ref | None, aliases: bool) -> CompareAs:
    if ref is not None:
        return CompareAs.REF
    if aliases:
        return CompareAs.FORMS
    base = _unwrap(annotation)
    if _is_list(annotation):
        inner = _unwrap(get_args(base)[0]) if get_args(base) else str
        return CompareAs.SET if _is_closed(inner) else CompareAs.PHRASES
    if _is_closed(base):
        return CompareAs.EXACT
    if base in (int, float):
        return CompareAs.NUMBER
    return CompareAs.NAME if key is not None else CompareAs.TEXT


def _inner_metadata(annotation: Any) -> list[Any]:
    """Markers of a type alias inside `Optional` (`Country | None`), which pydantic leaves on the
    union's member rather than on the field."""
    found: list[Any] = []
    for arg in get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else ():
        if get_origin(arg) is typing.Annotated:
            found.extend(get_args(arg)[1:])
    return found


def _is_closed(tp: Any) -> bool:
    return (
        (isinstance(tp, type) and issubclass(tp, enum.Enum))
        or tp is bool
        or (get_origin(tp) is typing.Literal)
    )


def _unwrap(annotation: Any) -> Any:
    """The type without `Optional` and `Annotated` wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _is_list(annotation: Any) -> bool:
    return get_origin(_unwrap(annotation)) in (list, tuple, set, frozenset)


def _list_item_model(annotation: Any) -> type[BaseModel] | None:
    base = _unwrap(annotation)
    if get_origin(base) is not list:
        return None
    (inner,) = get_args(base) or (None,)
    inner = _unwrap(inner)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _check_refs(schema: TaskSchema) -> None:
    for record_type in schema.record_types.values():
        for f in record_type.refs:
            assert f.ref is not None
            for target in f.ref.targets:
                if target not in schema.record_types:
                    raise SchemaError(
                        f"{schema.root.__name__}.{record_type.name} "
                        f"({record_type.model.__name__}).{f.name}: Ref({target!r}) names no "
                        f"record type (known: {', '.join(schema.record_types)})"
                    )


# ---------------------------------------------------------------------------------------------
# References between items, read off the `Ref` markers

PIPELINE_ROOT_FIELDS = frozenset({"schema_version", "doc_id", "main_span"})
"""Root (and root metadata) fields the pipeline fills: the schema version, the document id (set to
the document's id when the root has it) and the main article's span. Never asked of the model."""


def item_forms(record_type: RecordType, item: BaseModel) -> list[str]:
    """The forms a reference may name an item by: its key values and its aliases."""
    forms = [getattr(item, f.name, None) for f in record_type.keys]
    if record_type.alias_field is not None:
        forms.extend(getattr(item, record_type.alias_field, None) or [])
    return [form for form in forms if isinstance(form, str) and form]


def known_forms(
    schema: TaskSchema, lists: Mapping[str, Sequence[BaseModel]], targets: Sequence[str]
) -> set[str]:
    """Every form (case-folded) by which the listed items of the target types may be named."""
    return {
        form.casefold()
        for target in targets
        for item in lists.get(target, ())
        for form in item_forms(schema.type_of(target), item)
    }


@dataclass(frozen=True)
class DanglingRef:
    """One reference value naming no listed item of its target types."""

    record_type: str
    index: int
    field: FieldInfoOf
    value: str

    @property
    def ref(self) -> Ref:
        assert self.field.ref is not None
        return self.field.ref

    def target_label(self, schema: TaskSchema) -> str:
        """The targets as a reader says them: 'company', 'company or organization'."""
        return " or ".join(schema.type_of(t).model.__name__.lower() for t in self.ref.targets)


def dangling_refs(
    schema: TaskSchema, lists: Mapping[str, Sequence[BaseModel]]
) -> list[DanglingRef]:
    """References (other than `Dangling.KEEP` ones) that name no listed item, in record order."""
    found: list[DanglingRef] = []
    for name, record_type in schema.record_types.items():
        checked = [f for f in record_type.refs if f.ref and f.ref.dangling is not Dangling.KEEP]
        if not checked:
            continue
        for index, item in enumerate(lists.get(name, ())):
            for f in checked:
                assert f.ref is not None
                known = known_forms(schema, lists, f.ref.targets)
                value = getattr(item, f.name, None)
                values = value if isinstance(value, list) else [value]
                found += [
                    DanglingRef(name, index, f, v)
                    for v in values
                    if isinstance(v, str) and v and v.casefold() not in known
                ]
    return found


def record_lists(record: BaseModel, schema: TaskSchema) -> dict[str, list[BaseModel]]:
    """The record's items per record type."""
    return {name: list(getattr(record, name)) for name in schema.record_types}


def dangling_references(record: BaseModel) -> list[str]:
    """A record's references to items it does not list, described for a reviewer."""
    schema = describe(type(record))
    return [
        f"{d.record_type}[{d.index}].{d.field.name}={d.value!r}"
        for d in dangling_refs(schema, record_lists(record, schema))
    ]
