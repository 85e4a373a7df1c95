"""What every task's schema shares: the grounded item and the few text types it is built of.

A task's item models subclass `Grounded`: the model quotes `evidence`, and the pipeline fills
`span` and `grounding` (see `extractor_schemas.markers` for what the other fields mean).
"""

from __future__ import annotations

import re
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from extractor_schemas.markers import dangling_references
from extractor_schemas.vocab import GroundingKind

_SPACE = re.compile(r"\s+")


def collapse_space(value: str) -> str:
    """Collapse whitespace runs: the one normalisation of free text that never changes meaning."""
    return _SPACE.sub(" ", value).strip()


def _text(value: str) -> str:
    cleaned = collapse_space(value)
    if not cleaned:
        raise ValueError("must not be empty or whitespace only")
    return cleaned


def _verbatim(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or whitespace only")
    return value


Text = Annotated[str, AfterValidator(_text)]
# Verbatim text keeps its inner spacing: grounding must find it character for character.
Verbatim = Annotated[str, AfterValidator(_verbatim)]


def span_ok(span: tuple[int, int] | None, field: str) -> None:
    if span is not None and not 0 <= span[0] <= span[1]:
        raise ValueError(f"{field} {list(span)!r} must satisfy 0 <= start <= end")


class StrictModel(BaseModel):
    """Unknown fields are refused and strings stripped: a typo in gold or an answer is an error."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Grounded(StrictModel):
    """Base of every fact: the evidence the model quotes, and where grounding found it."""

    evidence: Verbatim = Field(
        description=(
            "Copy, character for character, the shortest stretch of the article that states "
            "this fact. Do not paraphrase, translate or join separate sentences."
        )
    )
    span: tuple[int, int] | None = Field(
        default=None,
        description="Leave empty: filled by the grounding step with [start, end) offsets.",
    )
    grounding: GroundingKind | None = Field(
        default=None, description="Leave empty: filled by the grounding step."
    )

    @model_validator(mode="after")
    def _check_span(self) -> Self:
        span_ok(self.span, "span")
        return self


class TaskRecord(StrictModel):
    """Base of a task's root record: its list fields are its record types (see `markers`).

    A reference that must resolve (`Ref` with `Dangling.DROP_ITEM` or `DROP_VALUE`) and names no
    listed item makes the record invalid, so gold and outputs never carry one.
    """

    def dangling_references(self) -> list[str]:
        """References to items the record does not list, described for a reviewer."""
        return dangling_references(self)

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        dangling = self.dangling_references()
        if dangling:
            raise ValueError("references naming no listed item: " + ", ".join(dangling))
        return self

    def items(self, record_type: str) -> list[Grounded]:
        """The list of one record type by its field name, for code that walks all types."""
        value: list[Grounded] = getattr(self, record_type)
        return list(value)
