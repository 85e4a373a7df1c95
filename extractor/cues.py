"""Stage words that decide a status when the sentence has one, before the model's guess.

The 270M model answers "in_talks" for nearly every partnership and "planned" for nearly every
export (measured on the seeds), while the verbs that mark a stage are few and unambiguous.
A cue found here wins; with no cue the model's answer stands.
"""

from __future__ import annotations

import re

from schemas import ExportStatus, PartnershipKind, PartnershipStatus

_PARTNERSHIP: tuple[tuple[str, PartnershipStatus], ...] = (
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
_EXPORT: tuple[tuple[str, ExportStatus], ...] = (
    (
        r"\b(already exports?|continues? to export|exported|exporting \w+ worth|earned)\b",
        ExportStatus.ONGOING,
    ),
    (
        r"\b(started|has started|have started|began|begun|for the first time)\b",
        ExportStatus.STARTED,
    ),
    (r"\b(plans?|planning|will|lined up|aims?|aimed|to begin|expected)\b", ExportStatus.PLANNED),
)


_KIND: tuple[tuple[str, PartnershipKind], ...] = (
    (r"\bjoint venture\b", PartnershipKind.JOINT_VENTURE),
    (r"\bcomponent", PartnershipKind.COMPONENT_MANUFACTURING),
    (r"\bdistribut", PartnershipKind.DISTRIBUTION),
    (r"\b(manufactur\w*|assembl\w*|makes?|produc\w+)\b", PartnershipKind.CONTRACT_MANUFACTURING),
    (r"\bstrategic partner", PartnershipKind.OTHER),
)


def partnership_kind(sentence: str) -> PartnershipKind | None:
    for pattern, kind in _KIND:
        if re.search(pattern, sentence, re.IGNORECASE):
            return kind
    return None


def partnership_status(sentence: str) -> PartnershipStatus | None:
    for pattern, status in _PARTNERSHIP:
        if re.search(pattern, sentence, re.IGNORECASE):
            return status
    return None


def export_status(sentence: str) -> ExportStatus | None:
    for pattern, status in _EXPORT:
        if re.search(pattern, sentence, re.IGNORECASE):
            return status
    return None
