"""Candidate names: the spans of a sentence the model may choose from, each verbatim."""

from __future__ import annotations

import unicodedata

import pytest

from extractor.strategies.sentences.candidates import (
    candidates,
    common_words,
    institutions,
    model_text,
    person_shaped,
    program_names,
    title_before,
    titled_people,
)

SHY, ZWSP = "\u00ad", "\u200b"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # capitalised runs; a sentence-initial function word is not part of a name
        ("The Norvale Devices plant opened.", ["Norvale Devices"]),
        ("However, Kestrin Systems grew.", ["Kestrin Systems"]),
        # a run ending in a legal form keeps it, with its period
        ("It went to Tavrel Electronics Pvt Ltd. on time.", ["Tavrel Electronics Pvt Ltd."]),
        ("It bought Norvale Corp.", ["Norvale Corp."]),
        # possessives and descriptive hyphen tails end the name
        ("Kestrin’s plant and Norvale's unit grew.", ["Kestrin", "Norvale"]),
        (
            "The Pune-based Norvale Devices and the Lina Morrow-led Kestrin met.",
            ["Pune", "Norvale Devices", "Lina Morrow", "Kestrin"],
        ),
        # parenthesised short forms: the name with them, and the short form alone
        (
            "Velt Electronics Ltd (VEL) filed.",
            ["Velt Electronics Ltd", "Velt Electronics Ltd (VEL)", "VEL"],
        ),
        # connectors inside one name; "and" also splits two names
        (
            "The Ministry of Ports and Inland Waterways met.",
            ["Ministry of Ports and Inland Waterways", "Ministry of Ports", "Inland Waterways"],
        ),
        ("Norvale and Kestrin met, with Hale & Rusk.", ["Norvale", "Kestrin", "Hale & Rusk"]),
        ("the Registrar of Firms", ["Registrar of Firms"]),
        (
            "Mira Talwen of Kestrin Systems said so.",
            ["Mira Talwen of Kestrin Systems", "Mira Talwen", "Kestrin Systems"],
        ),
        # commas and clause starts separate names in a list
        ("Norvale, Kestrin and Tavrel grew.", ["Norvale", "Kestrin", "Tavrel"]),
        # titles before, after and between names are not part of them
        (
            "Kestrin Systems Vice Chairman & MD Oren B Vask and CFO Lina Morrow spoke.",
            ["Kestrin Systems", "Oren B Vask", "Lina Morrow"],
        ),
        ("Mira Talwen, Chief Executive Officer, spoke.", ["Mira Talwen"]),
        # dates, numbers and nationalities alone are not names; a longer run stays
        ("On Monday, Two Chinese firms joined Indian Railways in May.", ["Indian Railways"]),
        # mixed case and abbreviations with periods
        ("iQOO sold phones in the U.S. market.", ["iQOO", "U.S."]),
        # a sentence's first word may be a name ("Xiaomi grew") or not: it stays a candidate,
        # and the model (with the name checks) decides
        ("Xiaomi grew 12% in the quarter.", ["Xiaomi"]),
        ("Shipments rose 12% in the quarter.", ["Shipments"]),
        # square brackets are editorial insertions, and a legal form alone is no name
        ("Apple [Inc] grew.", ["Apple"]),
        # a nationality is no name, alone or after a place word
        ("The South Korean firm and Indian Railways met.", ["Indian Railways"]),
        # a page's glued sentences, and a function word left at a run's end
        ("It grew.However Kestrin fell.", ["Kestrin"]),
        ("Held in Pune The event grew.", ["Held", "Pune"]),
        # nothing name-shaped
        ("it rose 12% in the quarter.", []),
        ("", []),
    ],
)
def test_candidates(sentence: str, expected: list[str]) -> None:
    found = candidates(sentence)
    assert found == expected
    assert all(c in sentence for c in found)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Norvale\nDevices   grew.", "Norvale Devices grew."),
        (f"Kestrin Sys{SHY}tems and Nor{ZWSP}vale", "Kestrin Systems and Norvale"),
        (unicodedata.normalize("NFD", "Nestlé grew"), "Nestlé grew"),
    ],
)
def test_model_text_normalises_typing_and_whitespace(sentence: str, expected: str) -> None:
    assert model_text(sentence) == expected


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Mira Talwen", True),
        ("Oren B Vask", True),
        ("Kestrin", False),
        ("Norvale Devices Ltd", False),
        ("Velt Electronics (India)", False),
        ("Mira talwen", False),
    ],
)
def test_person_shaped(name: str, ok: bool) -> None:
    assert person_shaped(name) is ok


@pytest.mark.parametrize(
    ("sentence", "document", "expected"),
    [
        # a start's capital on a word the document writes in lowercase is the start's
        ("Smartphones made by Kestrin grew.", "Sales of smartphones rose.", ["Kestrin"]),
        ("Analysts at Norvale said so.", "The analysts agreed.", ["Norvale"]),
        # a name never written in lowercase stays
        ("Kestrin grew.", "Kestrin grew; sales rose.", ["Kestrin"]),
        # inside a run, a capital is the name's whatever the document writes
        ("It met Kestrin Systems.", "Our systems failed.", ["Kestrin Systems"]),
    ],
)
def test_common_words_mark_a_starts_capital(
    sentence: str, document: str, expected: list[str]
) -> None:
    assert candidates(sentence, common_words(document)) == expected


# --- People a job title stands beside ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "people"),
    [
        # before the name: one title word, several, hyphenated, in a list
        ("Kestrin CEO Mira Talwen said demand was strong.", ["Mira Talwen"]),
        ("Its chief financial officer Arun P Dev left.", ["Arun P Dev"]),
        ("Kestrin vice-chairman Arun B Dev spoke.", ["Arun B Dev"]),
        (
            "The board includes president Mira Talwen, chief financial officer Arun Dev and "
            "head Li Wei.",
            ["Mira Talwen", "Arun Dev", "Li Wei"],
        ),
        ("The talks were led by Prime Minister Arun Dev.", ["Arun Dev"]),
        # after the name, as an appositive closed by punctuation or a preposition
        ("Mira Talwen, managing director of Kestrin Systems, said so.", ["Mira Talwen"]),
        ("Mira Talwen, chief executive officer of Kestrin, said so.", ["Mira Talwen"]),
        ("Mira Talwen, partner at a law firm, said so.", ["Mira Talwen"]),
        ("Mira Talwen, an analyst who tracks the sector, said so.", ["Mira Talwen"]),
        ('"It works," said Arun Dev, Vice Chairman & MD, Kestrin Systems (India).', ["Arun Dev"]),
        # not a person: a firm after a partner or a closed title, a verb phrase, a plural title
        ("Its manufacturing partner Kestrin Systems grew.", []),
        ("Arun Dev, Vice Chairman & MD, Kestrin Systems (India) said.", ["Arun Dev"]),
        ("Kestrin Systems, told analysts earlier this month that sales grew.", []),
        ("Kestrin Systems, whose chairman resigned, grew.", []),
        ("Mira Talwen said demand was strong.", []),
        ("Kestrin Systems, analysts said, grew.", []),
    ],
)
def test_titled_people(sentence: str, people: list[str]) -> None:
    assert titled_people(sentence) == people


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Kestrin CEO ", "CEO"),
        ("the chief financial officer ", "chief financial officer"),
        ("Kestrin vice-chairman and MD ", "vice-chairman and MD"),
        ("talks with Indian Prime Minister ", "Indian Prime Minister"),
        ("its leadership includes president ", "president"),
        ("its partner ", None),  # "partner" before a name stands for a firm
        ("Vice Chairman & MD, ", None),  # a comma closes the title: a firm follows
        ("he said ", None),
    ],
)
def test_title_before(text: str, title: str | None) -> None:
    span = title_before(text, len(text))
    assert (text[span[0] : span[1]] if span else None) == title


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        (
            "The Ministry of Electronics and Information Technology (MeitY) approved it.",
            [("Ministry of Electronics and Information Technology", "MeitY")],
        ),
        ("Filings with the Registrar of Companies show it.", [("Registrar of Companies", None)]),
        (
            "The Tarvin Cellular & Electronics Association (TCEA) said so.",
            [("Tarvin Cellular & Electronics Association", "TCEA")],
        ),
        ("The Enforcement Directorate raided it.", [("Enforcement Directorate", None)]),
        ("Data from Kestrin Research show it.", [("Kestrin Research", None)]),
        (
            "The Department for Promotion of Industry and Internal Trade (DPIIT) cleared it.",
            [("Department for Promotion of Industry and Internal Trade", "DPIIT")],
        ),
        ("Kestrin Systems makes phones.", []),  # a firm: no institution noun heads it
        ("Kestrin Board Games grew.", []),  # "Board" does not head this name
    ],
)
def test_institutions(sentence: str, found: list[tuple[str, str | None]]) -> None:
    assert institutions(sentence) == found


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        (
            "It is a beneficiary of the production-linked incentive (PLI) scheme for mobile "
            "phones, the filing said.",
            ["production-linked incentive (PLI) scheme for mobile phones"],
        ),
        (
            "It applied under the TLI scheme for IT hardware last year.",
            ["TLI scheme for IT hardware"],
        ),
        ("It joined the TLI scheme for phones and the ECMS.", ["TLI scheme for phones"]),
        (
            "The ₹9-crore Tarvin Component Manufacturing Scheme (TCMS) opened.",
            ["Tarvin Component Manufacturing Scheme (TCMS)"],
        ),
        (
            "Kestrin introduced the Tarvin-Linked Incentive program in 2020.",
            ["Tarvin-Linked Incentive program"],
        ),
        ("The scheme ended.", []),  # a program noun alone names no program
        ("The government’s Tarvin Mission grew.", ["Tarvin Mission"]),
    ],
)
def test_program_names(sentence: str, found: list[str]) -> None:
    assert program_names(sentence) == found
