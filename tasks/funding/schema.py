"""Funding rounds of start-ups: who raised how much, at which stage, led by whom.

A second task, built only from this folder: the markers say what the pipeline and the eval need
(keys, references and what a dangling one does, the type-deciding stage, the amount's precision).
"""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import Field

from extractor_schemas.base import Grounded, StrictModel, Text
from extractor_schemas.markers import Aliases, Compare, CompareAs, Dangling, DecidesType, Key, Ref


class Stage(enum.StrEnum):
    PRE_SEED = "pre_seed"
    SEED = "seed"
    SERIES_A = "series_a"
    SERIES_B = "series_b"
    SERIES_C = "series_c"
    GROWTH = "growth"
    DEBT = "debt"


class InvestorKind(enum.StrEnum):
    VC = "vc"
    ANGEL = "angel"
    CORPORATE = "corporate"
    GOVERNMENT = "government"
    BANK = "bank"
    OTHER = "other"


Code = Annotated[str, Compare(CompareAs.EXACT)]


class Startup(Grounded):
    name: Annotated[Text, Key()] = Field(description="The fullest form of the start-up's name.")
    aliases: Annotated[list[Text], Aliases()] = Field(
        default_factory=list, description="Other forms of the name the article uses, verbatim."
    )
    country: Code | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code of its home country, where stated."
    )


class Investor(Grounded):
    name: Annotated[Text, Key()] = Field(description="The investor's name as written.")
    aliases: Annotated[list[Text], Aliases()] = Field(default_factory=list)
    kind: InvestorKind = Field(description="What sort of investor it is.")


class Round(Grounded):
    company: Annotated[Text, Key(), Ref("startups", dangling=Dangling.DROP_ITEM)] = Field(
        description="The start-up that raised the money (as in startups)."
    )
    stage: Annotated[Stage, DecidesType()] = Field(description="The round's stage.")
    amount: Annotated[float, Compare(CompareAs.NUMBER, precision_from="amount_raw")] = Field(
        description="The amount in base units: '€18 million' is 18000000."
    )
    amount_raw: Annotated[Text, Key(), Compare(CompareAs.TEXT)] = Field(
        description="The amount exactly as written, e.g. '€18 million'."
    )
    currency: Code = Field(description="ISO 4217 code of the amount's currency.")
    lead_investors: Annotated[list[Text], Ref("investors")] = Field(
        default_factory=list,
        description="Names of the investors leading the round (as in investors).",
    )
    date: Text | None = Field(
        default=None, description="When the round closed or was announced, ISO YYYY[-MM[-DD]]."
    )


class FundingRecord(StrictModel):
    """One record per article: its start-ups, investors and funding rounds."""

    doc_id: Text = Field(description="The document id.")
    startups: list[Startup] = Field(default_factory=list)
    investors: list[Investor] = Field(default_factory=list)
    rounds: list[Round] = Field(default_factory=list)
