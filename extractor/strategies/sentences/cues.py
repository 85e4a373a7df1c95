"""Cue words: the few unambiguous words that decide a status, kind, role or product.

The 270M model answers "in_talks" for nearly every partnership and "planned" for nearly every
export (measured on the seeds), while the verbs that mark a stage are few and unambiguous.
A cue found here wins; with no cue the model's answer stands. Every table is a `CueTable`:
ordered rules, the first matching one decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Generic, TypeVar

from extractor.strategies.sentences.names import is_place
from extractor_schemas import (
    CompanyRole,
    ExportStatus,
    OrganizationKind,
    PartnershipKind,
    PartnershipStatus,
    ProductCategory,
)
from extractor_schemas.text import find

T = TypeVar("T")


class CueTable(Generic[T]):
    """Ordered (pattern, value) rules, matched case-insensitively."""

    def __init__(self, rules: Sequence[tuple[str, T]]) -> None:
        self._rules = [(re.compile(pattern, re.IGNORECASE), value) for pattern, value in rules]

    def first(self, text: str) -> T | None:
        return next((value for pattern, value in self._rules if pattern.search(text)), None)

    def all(self, text: str) -> list[T]:
        return [value for pattern, value in self._rules if pattern.search(text)]


PARTNERSHIP_STATUS = CueTable[PartnershipStatus](
    (
        (r"\b(ended|terminated|exited|pulled out)\b", PartnershipStatus.ENDED),
        (r"\b(talks|discussions?|negotiat\w+|courting|proposed)\b", PartnershipStatus.IN_TALKS),
        (r"\b(exploring|considering|looking to)\b", PartnershipStatus.EXPLORING),
        (r"\b(entered into|inked|signed|agreement|agreed|contract)\b", PartnershipStatus.AGREED),
        (
            r"\b(manufactures|manufactured by|assembles|makes|produces|has been associated|"
            r"already|serves as)\b",
            PartnershipStatus.OPERATIONAL,
        ),
    )
)
EXPORT_STATUS = CueTable[ExportStatus](
    (
        (
            r"\b(already exports?|continues? to export|exported|exporting \w+ worth|earned)\b",
            ExportStatus.ONGOING,
        ),
        (
            r"\b(started|has started|have started|began|begun|for the first time)\b",
            ExportStatus.STARTED,
        ),
        (
            r"\b(plans?|planning|will|lined up|aims?|aimed|to begin|expected)\b",
            ExportStatus.PLANNED,
        ),
    )
)


PARTNERSHIP_KIND = CueTable[PartnershipKind](
    (
        (r"\bjoint venture\b", PartnershipKind.JOINT_VENTURE),
        (r"\bcomponent", PartnershipKind.COMPONENT_MANUFACTURING),
        (r"\bdistribut", PartnershipKind.DISTRIBUTION),
        (
            r"\b(manufactur\w*|assembl\w*|makes?|produc\w+)\b",
            PartnershipKind.CONTRACT_MANUFACTURING,
        ),
        (r"\bstrategic partner", PartnershipKind.OTHER),
    )
)


ROLES = CueTable[CompanyRole](
    (
        (
            r"contract (manufactur|phonemak)|manufactures .* for|assembl|manufacturing partner|EMS",
            CompanyRole.CONTRACT_MANUFACTURER,
        ),
        (r"supplier", CompanyRole.SUPPLIER),
        (r"component", CompanyRole.COMPONENT_MAKER),
        (r"retail|stores", CompanyRole.RETAILER),
        (r"brand|smartphone maker|handset|phones?\b", CompanyRole.BRAND),
    )
)
ORGANIZATION_KINDS = CueTable[OrganizationKind](
    (
        (r"association|council|federation", OrganizationKind.INDUSTRY_ASSOCIATION),
        (r"exchange", OrganizationKind.STOCK_EXCHANGE),
        (r"registrar|RoC", OrganizationKind.REGISTRAR),
        (r"ministry|government|parliament", OrganizationKind.GOVERNMENT_BODY),
        (
            r"aayog|agency|authority|commission|department|bureau",
            OrganizationKind.GOVERNMENT_AGENCY,
        ),
        (r"research|counterpoint|idc|canalys", OrganizationKind.RESEARCH_FIRM),
        (r"bloomberg|reuters|times|news", OrganizationKind.MEDIA),
    )
)


PRODUCTS = CueTable[ProductCategory](
    (
        (
            r"\bsmartphones?\b|\bhandsets?\b|\bphones?\b|\bmobile manufacturing\b",
            ProductCategory.SMARTPHONES,
        ),
        (r"\bfeature phones?\b", ProductCategory.FEATURE_PHONES),
        (r"\bTVs?\b|\btelevisions?\b", ProductCategory.TELEVISIONS),
        (r"\baudio\b|\bheadphones?\b|\bearphones?\b|\bspeakers?\b", ProductCategory.AUDIO),
        (r"\blaptops?\b", ProductCategory.LAPTOPS),
        (r"\bservers?\b", ProductCategory.SERVERS),
        (
            r"\bappliances?\b|\brefrigerators?\b|\bwashing machines?\b|\bair conditioners?\b",
            ProductCategory.HOME_APPLIANCES,
        ),
        (r"\bcomponents?\b", ProductCategory.COMPONENTS),
    )
)


def product_categories(sentence: str) -> list[ProductCategory]:
    """Product words mapped to the closed set; "feature phones" alone is not smartphones."""
    found = PRODUCTS.all(sentence)
    if ProductCategory.FEATURE_PHONES in found and not re.search(
        r"\bsmartphones?\b", sentence, re.IGNORECASE
    ):
        found.remove(ProductCategory.SMARTPHONES)
    return found


_TO_PLACES = re.compile(
    r"\bto ((?:the )?[A-Z][\w]*(?: [A-Z][\w]*)*(?:(?:,| and| and even to)\s+(?:the )?"
    r"[A-Z][\w]*(?: [A-Z][\w]*)*)*)"
)


def destinations(sentence: str) -> list[str]:
    """Places named after "to", as written ("West Asia", "the US"); other names are not places."""
    places: list[str] = []
    for match in _TO_PLACES.finditer(sentence):
        for part in re.split(r",\s*|\s+and even to\s+|\s+and\s+", match.group(1)):
            if part and is_place(part) and part not in places:
                places.append(part)
    return places


_TITLE_AFTER = re.compile(
    r"^,\s*(?:an? |the )?(?P<title>[a-zA-Z][\w &.-]{2,60}?)\s+(?:of|at)\s+(?P<clause>[^,.;]+)"
)
_CAPITALISED_RUN = re.compile(r"[A-Z][\w&'’-]*(?: (?:&|[A-Z][\w&'’()-]*))*")
_TITLE_BEFORE = re.compile(
    r"(?:(?P<org>[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*)*) )?(?P<title>(?:[a-z-]+ )?"
    r"(?:chairman|chairperson|chief executive|CEO|MD|director|vice-chairman|analyst|minister|"
    r"president|founder))\s$"
)


# How far before a name "Xiaomi India chairman" is looked for. Searching the whole sentence before
# it tried every capitalised word as the start of the organization, each time to the name: a long
# run of capitalised words made that quadratic. No organization and title are this long.
_TITLE_REACH = 160


def person_title(sentence: str, name: str) -> tuple[str | None, str | None]:
    """Title and organization around a name: "X, managing director of Y" or "Y chairman X"."""
    found = find(sentence, name)
    if found is None:
        return None, None
    at, end = found
    # Composed, so an accented letter is one word character to the patterns ("Nestlé India").
    after = _TITLE_AFTER.match(unicodedata.normalize("NFC", sentence[end:]))
    if after:
        # The organization is the last capitalised run of the clause: "of Hisense's local
        # manufacturing partner Epack Durable" names Epack Durable.
        runs = [
            r
            for r in _CAPITALISED_RUN.findall(after.group("clause"))
            if not r.endswith(("'s", "’s"))
        ]
        return after.group("title"), runs[-1] if runs else None
    before = _TITLE_BEFORE.search(
        unicodedata.normalize("NFC", sentence[max(0, at - _TITLE_REACH) : at])
    )
    if before:
        return before.group("title"), before.group("org")
    return None, None
