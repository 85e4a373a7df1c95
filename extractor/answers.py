"""What the model is asked to answer: small response models, one question per call.

A 270M base model answers one narrow question about one sentence far better than it fills the
whole schema. List-length caps keep it from looping; where the answer must be one of the names
already found, the choice is a Literal, so the grammar makes any other answer impossible.
Validators here trigger instructor's re-ask.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, Field, create_model, model_validator

from extractor_schemas import ExportStatus, PartnershipKind, PartnershipStatus

MAX_NAME_CHARS = 80


class Names(BaseModel):
    """Names copied from a sentence (companies, people, organizations or programs)."""

    names: list[str] = Field(min_length=1, max_length=4)

    @model_validator(mode="after")
    def _no_blank(self) -> Self:
        self.names = [n.strip() for n in self.names if n.strip()][:4]
        if any(len(n) > MAX_NAME_CHARS for n in self.names):
            raise ValueError(f"a name is longer than {MAX_NAME_CHARS} characters: copy names only")
        return self


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
    destinations: list[str] = Field(max_length=3)
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


def export_model(names: list[str]) -> type[ExportAnswer]:
    model: type[ExportAnswer] = create_model(
        "ExportAnswer", __base__=ExportAnswer, exporter=(choice_of(names), ...)
    )
    return model


def speaker_model(names: list[str]) -> type[SpeakerAnswer]:
    model: type[SpeakerAnswer] = create_model(
        "SpeakerAnswer", __base__=SpeakerAnswer, speaker=(choice_of(names), ...)
    )
    return model
