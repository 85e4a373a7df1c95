"""The response model, derived from the schema's root record rather than written a second time.

The model sees the same record types, fields and field descriptions as `ArticleRecord` (the
descriptions are written as instructions), minus what the pipeline fills itself: `span`,
`grounding`, `doc_id` and `main_span`. Item types are lenient about extra keys, and references
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
from extractor_schemas.records import RECORD_TYPES, Article, ArticleRecord

# What the pipeline fills, so the model is never asked for it.
FILLED_BY_PIPELINE = frozenset({"span", "grounding", "doc_id", "main_span", "schema_version"})


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
def item_models() -> dict[str, type[BaseModel]]:
    """Per record type (field name of the root record), the model the answer's items take."""
    return {
        record_type: _derived(cls, cls.__name__ + "Item")
        for record_type, cls in RECORD_TYPES.items()
    }


@functools.cache
def article_model() -> type[BaseModel]:
    """The article's metadata as the model may give it (the span is the pipeline's)."""
    return _derived(Article, "ArticleMetadata")


def _root_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {"article": (article_model() | None, None)}
    items = item_models()
    for record_type in RECORD_TYPES:
        info = ArticleRecord.model_fields[record_type]
        described = FieldInfo(default_factory=list, description=info.description)
        fields[record_type] = (list[items[record_type]], described)  # type: ignore[valid-type]
    return fields


@functools.cache
def reading_model() -> type[BaseModel]:
    """The root: every record type as a list, the article's metadata, nothing pipeline-filled."""
    return create_model(
        "ArticleFacts",
        __base__=_Lenient,
        __doc__=(
            "Every fact the main article states, each with its evidence copied verbatim from "
            "the article. Leave a list empty when the article states nothing of that kind."
        ),
        **_root_fields(),
    )


def to_record_item(record_type: str, item: BaseModel) -> Grounded:
    """The schema's own record type, with all its validators; raises ValidationError."""
    return RECORD_TYPES[record_type].model_validate(item.model_dump(exclude_none=False))
