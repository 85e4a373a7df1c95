"""The response model, derived from the task's root record rather than written a second time.

The model sees the same record types, fields and field descriptions as the root (the
descriptions are written as instructions), minus what the pipeline fills itself: the items'
`span` and `grounding` (`PIPELINE_FIELDS`) and the root's `schema_version`, `doc_id` and
`main_span` (`PIPELINE_ROOT_FIELDS`). A root field that is a model but no record type (the seed's
`article`) is asked as optional metadata. Item types are lenient about extra keys, and references
between records are not checked here: a partnership naming an unlisted company is dropped and
reported after merging, never a validation failure of the whole answer. Each item's own rules
(codes, dates, a currency for a currency amount) are the schema's: `to_record_item` applies them.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model
from pydantic.fields import FieldInfo

from extractor_schemas.base import Grounded
from extractor_schemas.markers import PIPELINE_FIELDS, PIPELINE_ROOT_FIELDS, describe

# What the pipeline fills, so the model is never asked for it.
FILLED_BY_PIPELINE = PIPELINE_FIELDS | PIPELINE_ROOT_FIELDS

_ROOT_OF: dict[type[BaseModel], type[BaseModel]] = {}


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


def _fields(source: type[BaseModel]) -> dict[str, Any]:
    """Field definitions of `source` minus the pipeline's own, descriptions and types intact."""
    kept: dict[str, Any] = {}
    for name, info in source.model_fields.items():
        if name in FILLED_BY_PIPELINE:
            continue
        copied = FieldInfo.merge_field_infos(info)
        kept[name] = (info.rebuild_annotation(), copied)
    return kept


def _derived(source: type[BaseModel], name: str) -> type[BaseModel]:
    return create_model(name, __base__=_Lenient, __doc__=source.__doc__, **_fields(source))


@functools.cache
def item_models(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Per record type (field name of the root record), the model the answer's items take."""
    return {
        name: _derived(rt.model, rt.model.__name__ + "Item")
        for name, rt in describe(root).record_types.items()
    }


def _model_type(annotation: Any) -> type[BaseModel] | None:
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


@functools.cache
def metadata_models(root: type[BaseModel]) -> dict[str, tuple[type[BaseModel], type[BaseModel]]]:
    """Root fields that are models but no record type: (the schema's model, as asked)."""
    schema = describe(root)
    found: dict[str, tuple[type[BaseModel], type[BaseModel]]] = {}
    for name, info in root.model_fields.items():
        model = _model_type(info.annotation)
        if name not in schema.record_types and name not in FILLED_BY_PIPELINE and model:
            found[name] = (model, _derived(model, model.__name__ + "Metadata"))
    return found


def _root_fields(root: type[BaseModel]) -> dict[str, Any]:
    schema = describe(root)
    items, metadata = item_models(root), metadata_models(root)
    fields: dict[str, Any] = {}
    for name, info in root.model_fields.items():
        if name in FILLED_BY_PIPELINE:
            continue
        if name in metadata:
            fields[name] = (metadata[name][1] | None, None)
        elif name in schema.record_types:
            described = FieldInfo(default_factory=list, description=info.description)
            fields[name] = (list[items[name]], described)  # type: ignore[valid-type]
        else:
            optional = FieldInfo(default=None, description=info.description)
            fields[name] = (info.rebuild_annotation() | None, optional)
    return fields


@functools.cache
def reading_model(root: type[BaseModel]) -> type[BaseModel]:
    """The root: every record type as a list, its metadata, nothing pipeline-filled."""
    model = create_model(
        root.__name__.removesuffix("Record") + "Facts",
        __base__=_Lenient,
        __doc__=(
            "Every fact the main article states, each with its evidence copied verbatim from "
            "the article. Leave a list empty when the article states nothing of that kind."
        ),
        **_root_fields(root),
    )
    register_root(model, root)
    return model


def register_root(model: type[BaseModel], root: type[BaseModel]) -> None:
    """Remember which task root a derived answer model reads, for `root_of`."""
    _ROOT_OF[model] = root


def root_of(model: type[BaseModel]) -> type[BaseModel]:
    """The task root an answer model (or a subclass of one) was derived from."""
    for cls in model.__mro__:
        if cls in _ROOT_OF:
            return _ROOT_OF[cls]
    raise TypeError(f"{model.__name__} is not an answer model derived by reading_model()")


def to_record_item(root: type[BaseModel], record_type: str, item: BaseModel) -> Grounded:
    """The schema's own record type, with all its validators; raises ValidationError."""
    model = describe(root).type_of(record_type).model
    validated = model.model_validate(item.model_dump(exclude_none=False))
    assert isinstance(validated, Grounded)
    return validated
