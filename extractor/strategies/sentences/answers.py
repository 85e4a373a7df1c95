"""What the model is asked to answer: small response models, one question per call.

A 270M base model answers one narrow question about one sentence far better than it fills the
whole schema. List-length caps keep it from looping; where the answer must be one of the names
already found, the choice is a Literal, so the grammar makes any other answer impossible.
Validators here trigger instructor's re-ask.
"""

from __future__ import annotations

import functools
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, create_model, model_validator

from extractor_schemas import ExportStatus, PartnershipKind, PartnershipStatus

MAX_NAME_CHARS = 80
# The default of `ExtractionConfig.max_items`. The cap is part of each response model's JSON
# schema, so of every request and its cache key: the recorded answers were asked with these caps.
DEFAULT_MAX_ITEMS = 4
# Destinations the model may list: never more than this, and never more than max_items. Three
# keeps the recorded requests; a sentence naming more places is read by the cue rules
# (`cues.destinations`), which win over the model's list anyway.
MAX_DESTINATIONS = 3


class Names(BaseModel):
    """Names copied from a sentence (companies, people, organizations or programs)."""

    names: list[str] = Field(min_length=1, max_length=DEFAULT_MAX_ITEMS)

    @model_validator(mode="after")
    def _no_blank(self) -> Self:
        self.names = [n.strip() for n in self.names if n.strip()]
        if any(len(n) > MAX_NAME_CHARS for n in self.names):
            raise ValueError(f"a name is longer than {MAX_NAME_CHARS} characters: copy names only")
        return self


@functools.lru_cache(maxsize=16)
def names_model(max_items: int = DEFAULT_MAX_ITEMS) -> type[Names]:
    """`Names` with its list capped at max_items (`ExtractionConfig.max_items`).

    The default cap gives `Names` itself, so the requests, and the cache keys, stay as recorded.
    """
    if max_items < 1:
        raise ValueError(f"max_items must be at least 1, not {max_items}")
    if max_items == DEFAULT_MAX_ITEMS:
        return Names
    model: type[Names] = create_model(
        "Names",
        __base__=Names,
        __doc__=Names.__doc__,
        names=(list[str], Field(min_length=1, max_length=max_items)),
    )
    return model


class DealAnswer(BaseModel):
    brand: str
    partner: str
    kind: PartnershipKind
    status: PartnershipStatus

    @model_validator(mode="after")
    def _two_parties(self) -> Self:
        if self.brand == self.partner:
            raise ValueError(f"brand and partner are both {self.brand!r}: they must differ")
        return self


class ExportAnswer(BaseModel):
    exporter: str
    destinations: list[str] = Field(max_length=MAX_DESTINATIONS)
    status: ExportStatus


class SpeakerAnswer(BaseModel):
    speaker: str


def choice_of(names: list[str]) -> Any:
    """A Literal over the given names, so constrained decoding can only pick one of them."""
    return Literal[tuple(names)]


def deal_model(names: list[str]) -> type[DealAnswer]:
    choice = choice_of(names)
    model: type[DealAnswer] = create_model(
        "DealAnswer", __base__=DealAnswer, brand=(choice, ...), partner=(choice, ...)
    )
    return model


def export_model(names: list[str], max_items: int = DEFAULT_MAX_ITEMS) -> type[ExportAnswer]:
    """The exporter is one of names; destinations are capped at min(max_items, 3)."""
    if max_items < 1:
        raise ValueError(f"max_items must be at least 1, not {max_items}")
    fields: dict[str, Any] = {"exporter": (choice_of(names), ...)}
    if max_items < MAX_DESTINATIONS:
        fields["destinations"] = (list[str], Field(max_length=max_items))
    model: type[ExportAnswer] = create_model("ExportAnswer", __base__=ExportAnswer, **fields)
    return model


def speaker_model(names: list[str]) -> type[SpeakerAnswer]:
    model: type[SpeakerAnswer] = create_model(
        "SpeakerAnswer", __base__=SpeakerAnswer, speaker=(choice_of(names), ...)
    )
    return model
