"""Schema v1: what one news article about Chinese electronics brands in India yields.

Field descriptions are written as instructions to the model, because the JSON schema carries
them into the prompt. Validators normalise only what is unambiguous (whitespace, case of codes)
and reject the rest with a message naming the field and the value.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Self

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from extractor_schemas.base import Grounded, StrictModel, TaskRecord, Text, Verbatim, span_ok
from extractor_schemas.codes import ISO_COUNTRIES, ISO_CURRENCIES
from extractor_schemas.markers import Aliases, Compare, CompareAs, Dangling, DecidesType, Key, Ref
from extractor_schemas.vocab import (
    CompanyRole,
    ExportStatus,
    FigureMetric,
    FigureUnit,
    Modality,
    OrganizationKind,
    PartnershipKind,
    PartnershipStatus,
    ProductCategory,
)

SCHEMA_VERSION = "1.1.0"

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in ISO_COUNTRIES:
        raise ValueError(f"unknown ISO 3166-1 alpha-2 country code {value!r}")
    return code


def _currency(value: str) -> str:
    code = value.strip().upper()
    if code not in ISO_CURRENCIES:
        raise ValueError(f"unknown ISO 4217 currency code {value!r}")
    return code


def _partial_date(value: str) -> str:
    text = value.strip()
    match = _PARTIAL_DATE.match(text)
    if match is None:
        raise ValueError(f"date {value!r} is not ISO YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"impossible date {value!r}: {exc}") from None
    return text


Country = Annotated[str, AfterValidator(_country), Compare(CompareAs.EXACT)]
Currency = Annotated[str, AfterValidator(_currency), Compare(CompareAs.EXACT)]
PartialDate = Annotated[str, AfterValidator(_partial_date)]


class Article(StrictModel):
    """Metadata of the page's main article (not a fact, so it carries no evidence)."""

    title: Text | None = Field(
        default=None, description="The headline as printed, if the page shows one."
    )
    outlet: Text | None = Field(default=None, description="The publication, if the page names it.")
    published: PartialDate | None = Field(
        default=None,
        description="Publication date as ISO YYYY-MM-DD, or YYYY-MM / YYYY if partial.",
    )
    dateline: Text | None = Field(
        default=None, description="The place in the dateline that opens the story, e.g. 'Kolkata'."
    )
    main_span: tuple[int, int] | None = Field(
        default=None, description="[start, end) character offsets of the main article in the page."
    )

    @model_validator(mode="after")
    def _check_span(self) -> Self:
        span_ok(self.main_span, "main_span")
        return self


# Who a fact's speaker, source or exporter may be: any named entity of the article.
_ANYONE = ("people", "companies", "organizations")


class Company(Grounded):
    name: Annotated[Text, Key()] = Field(
        description="The fullest form of the company's name used in the article."
    )
    aliases: Annotated[list[Text], Aliases()] = Field(
        default_factory=list, description="Other forms of the name the article uses, verbatim."
    )
    country: Country | None = Field(
        default=None,
        description=(
            "Headquarters country as an ISO 3166-1 alpha-2 code, only where the article states "
            "or marks it ('Chinese' is CN, 'Indian' is IN); otherwise leave empty."
        ),
    )
    roles: list[CompanyRole] = Field(
        min_length=1, description="What the company does in this story."
    )
    parent: Annotated[Text | None, Ref("companies")] = Field(
        default=None,
        description="Name of the parent company, only where the article says so.",
    )


class Organization(Grounded):
    name: Annotated[Text, Key()] = Field(
        description="The fullest form of the organization's name in the article."
    )
    aliases: Annotated[list[Text], Aliases()] = Field(
        default_factory=list, description="Other forms used, verbatim."
    )
    kind: Annotated[OrganizationKind, DecidesType()] = Field(
        description="What sort of body it is (not a company)."
    )
    country: Country | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code where stated or marked."
    )


class Person(Grounded):
    name: Annotated[Text, Key()] = Field(description="The person's name as written.")
    title: Text | None = Field(default=None, description="Job title as written, if given.")
    organization: Annotated[
        Text | None, Ref("companies", "organizations", dangling=Dangling.KEEP)
    ] = Field(
        default=None, description="Name of the company or organization the person speaks for."
    )


class Partnership(Grounded):
    brand: Annotated[Text, Key(shortened=True), Ref("companies", dangling=Dangling.DROP_ITEM)] = (
        Field(description="Name of the brand owner (as in companies) whose goods are made.")
    )
    partner: Annotated[Text, Key(shortened=True), Ref("companies", dangling=Dangling.DROP_ITEM)] = (
        Field(description="Name of the partner company (as in companies) doing the work.")
    )
    kind: Annotated[PartnershipKind, DecidesType()]
    status: PartnershipStatus = Field(description="Status as of the article's date.")
    products: list[ProductCategory] = Field(
        default_factory=list, description="Product categories the partnership covers, if stated."
    )
    facility_location: Text | None = Field(
        default=None, description="Where the work is done, as written, if stated."
    )
    export_markets: list[Text] = Field(
        default_factory=list, description="Export destinations of this partnership, as written."
    )


class ExportActivity(Grounded):
    exporter: Annotated[Text, Key(), Ref(*_ANYONE, dangling=Dangling.KEEP)] = Field(
        description="Who exports: a company name, or the group as written."
    )
    origin_country: Annotated[Country, DecidesType()] = Field(
        description="ISO 3166-1 alpha-2 code of where goods ship from."
    )
    destinations: list[Text] = Field(
        default_factory=list, description="Destinations as written, e.g. 'West Asia', 'the US'."
    )
    products: list[ProductCategory] = Field(default_factory=list)
    status: ExportStatus = Field(description="planned, started (new), or ongoing.")


class Equivalent(StrictModel):
    """The same amount as the article itself states it in another currency."""

    # Frozen, so equal equivalents are one when the answers of several chunks are united.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    value: float = Field(
        ge=0, description="The stated amount in base units: 'US$5.9 billion' is 5900000000."
    )
    currency: Currency = Field(description="ISO 4217 code of this amount, e.g. 'USD'.")
    raw: Text = Field(description="The amount exactly as written, e.g. 'USD 11 million'.")


class Figure(Grounded):
    metric: Annotated[FigureMetric, DecidesType()]
    subject: Text = Field(description="Who or what the number is about, e.g. 'Oppo Mobiles India'.")
    value: Annotated[float, Compare(CompareAs.NUMBER, precision_from="raw")] = Field(
        description=(
            "The number in base units: '₹272 crore' is 2720000000; 'US$5.9 billion' is "
            "5900000000; '55%' is 55; '18,000 stores' is 18000."
        )
    )
    unit: Annotated[FigureUnit, DecidesType()]
    currency: Annotated[Currency | None, DecidesType()] = Field(
        default=None, description="ISO 4217 code when unit is currency (₹/Rs/rupees is INR)."
    )
    raw: Annotated[Text, Key(), Compare(CompareAs.TEXT)] = Field(
        description="The amount exactly as written, e.g. '₹272 crore'."
    )
    period: Text | None = Field(default=None, description="Period as written, e.g. 'FY24', '2026'.")
    modality: Modality = Field(
        default=Modality.ASSERTED,
        description="asserted (a result), expected (forecast or plan), hedged (estimate, 'about').",
    )
    source: Annotated[Text | None, Ref(*_ANYONE, dangling=Dangling.KEEP)] = Field(
        default=None, description="Whom the article credits for the number, if anyone."
    )
    equivalents: Annotated[list[Equivalent], Compare(CompareAs.AMOUNTS)] = Field(
        default_factory=list,
        description=(
            "The article's own conversion of this amount into another currency, e.g. "
            "'(US$5.9 billion)' after '450 billion rupees': kept here so the figure is recorded "
            "once, in the amount stated first, without losing the stated conversion. Never "
            "convert yourself; leave empty when the article gives none."
        ),
    )

    @model_validator(mode="after")
    def _check_amount(self) -> Self:
        if self.value < 0 and self.unit in (FigureUnit.CURRENCY, FigureUnit.COUNT):
            raise ValueError(
                f"value {self.value!r} must not be negative for unit {self.unit.value!r}"
                f" (raw {self.raw!r}); only a percent or multiple change may fall below zero"
            )
        if self.unit is FigureUnit.CURRENCY and self.currency is None:
            raise ValueError(f"currency is required when unit is currency (raw {self.raw!r})")
        if self.unit is not FigureUnit.CURRENCY and self.currency is not None:
            raise ValueError(f"currency {self.currency!r} given but unit is {self.unit.value!r}")
        if self.equivalents and self.unit is not FigureUnit.CURRENCY:
            raise ValueError(
                f"equivalents given but unit is {self.unit.value!r} (raw {self.raw!r})"
            )
        for equivalent in self.equivalents:
            if equivalent.currency == self.currency:
                raise ValueError(
                    f"equivalent {equivalent.raw!r} is in the figure's own currency "
                    f"{self.currency!r} (raw {self.raw!r}); an equivalent is another currency"
                )
        return self


class Program(Grounded):
    name: Annotated[Text, Key()] = Field(description="The program or policy's name as written.")
    country: Country | None = Field(default=None, description="ISO code of the country running it.")
    beneficiaries: Annotated[list[Text], Ref("companies")] = Field(
        default_factory=list, description="Companies the article names as beneficiaries."
    )


class Quote(Grounded):
    speaker: Annotated[Text, Ref(*_ANYONE, dangling=Dangling.KEEP), DecidesType()] = Field(
        description="Who is quoted, by name as written."
    )
    text: Annotated[Verbatim, Key(), Compare(CompareAs.TEXT)] = Field(
        description="The quoted words, verbatim, without the quote marks."
    )


RECORD_TYPES: dict[str, type[Grounded]] = {
    "companies": Company,
    "organizations": Organization,
    "people": Person,
    "partnerships": Partnership,
    "export_activities": ExportActivity,
    "figures": Figure,
    "programs": Program,
    "quotes": Quote,
}


class ArticleRecord(TaskRecord):
    """One root record per article: everything its main story states, each fact grounded."""

    schema_version: str = Field(default=SCHEMA_VERSION, description="Leave as given.")
    doc_id: Text = Field(description="The document id (the seed file's stem).")
    article: Article = Field(default_factory=Article)
    companies: list[Company] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    partnerships: list[Partnership] = Field(default_factory=list)
    export_activities: list[ExportActivity] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    programs: list[Program] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)

    def company_names(self) -> set[str]:
        """Every form (name and alias) a reference may use, case-folded."""
        names = {c.name.casefold() for c in self.companies}
        names.update(a.casefold() for c in self.companies for a in c.aliases)
        return names
