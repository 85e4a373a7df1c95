"""Grounding finds evidence itself: planted spans, a brute-force oracle, fuzzy bars, records."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.grounding import (
    AlignConfig,
    Alignment,
    align,
    ground_record,
    key_value_present,
    key_values,
    normalise,
    record_aliases,
)
from extractor_schemas.markers import describe
from extractor_schemas.records import RECORD_TYPES, ArticleRecord
from extractor_schemas.vocab import GroundingKind

SEED = describe(ArticleRecord)

EXACT, NORMALISED, FUZZY = GroundingKind.EXACT, GroundingKind.NORMALISED, GroundingKind.FUZZY
NO_FUZZY = AlignConfig(fuzzy=False)

# Filler shares no word with any planted evidence, so the planted copy is the only match.
_FILLER_TEXT = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
    "labore magna aliqua enim minim veniam quis nostrud exercitation ullamco laboris nisi aliquip "
    "commodo consequat duis aute irure reprehenderit voluptate velit esse cillum fugiat nulla"
)
FILLER_WORDS = _FILLER_TEXT.split()


def filler(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(FILLER_WORDS) for _ in range(words))


def plant(seed: int, snippet: str, before: int = 40, after: int = 40) -> tuple[str, int]:
    """Filler text with snippet inserted; returns the text and the snippet's offset."""
    rng = random.Random(seed)
    head = filler(rng, before) + " "
    return head + snippet + " " + filler(rng, after), len(head)


# ---------------------------------------------------------------------------------------------
# Planted spans: the exact and normalised tiers return the planted characters, no more, no less.

PLANTED = [
    ("Xiaomi has tied up with Dixon", "Xiaomi has tied up with Dixon", EXACT),
    ("Xiaomi has tied up with Dixon", "XIAOMI Has Tied UP with dixon", NORMALISED),
    ('the "Make in India" push', "the “Make in India” push", NORMALISED),
    ("the “Make in India” push", 'the "Make in India" push', NORMALISED),
    ("Xiaomi's India unit", "Xiaomi’s India unit", NORMALISED),
    (
        "Transsion Holdings - the maker of Itel",
        "Transsion Holdings — the maker of Itel",
        NORMALISED,
    ),
    ("exports in 2023-24 rose", "exports in 2023–24 rose", NORMALISED),
    ("a fall of −5%", "a fall of -5%", NORMALISED),
    ("earned ₹272 crore in FY24", "earned\n\n₹272\u00a0crore  \t in FY24", NORMALISED),
    ("earned  ₹272\ncrore in FY24", "earned ₹272 crore in FY24", NORMALISED),
    ("the STRASSE plant", "the Straße plant", NORMALISED),
    ("Dixon Technologies", "Dixon Tech\u00adnologies", NORMALISED),
    # The same words decomposed (NFD): the span covers each letter with its accent.
    (
        "Nestlé India and Café Coffee Day",
        "Nestle\u0301 India and Cafe\u0301 Coffee Day",
        NORMALISED,
    ),
    ("Nestle\u0301 India", "Nestlé India", NORMALISED),
    ("“Made in India” phones ring overseas", "‘MADE IN INDIA’ phones ring\u00a0overseas", None),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("evidence", "variant", "kind"), PLANTED)
def test_planted_span_is_found_exactly(
    seed: int, evidence: str, variant: str, kind: GroundingKind | None
) -> None:
    text, offset = plant(seed, variant, before=10 + 17 * seed)
    found = align(evidence, text)
    if kind is None:  # double vs single quotes differ in meaning: not a normalised match
        assert found is None or found.kind is FUZZY
        return
    assert found == Alignment(offset, offset + len(variant), kind, 1.0)
    assert normalise(text[found.start : found.end]) == normalise(evidence)


def test_planted_span_in_surrounding_whitespace_is_trimmed() -> None:
    text = "lorem ipsum\n\n  “Make in India”\u00a0\u00a0\n\ndolor sit"
    found = align('"make in india"', text)
    assert found is not None and found.kind is NORMALISED
    assert text[found.start : found.end] == "“Make in India”"


def test_exact_tier_returns_first_occurrence_even_if_a_normalised_one_comes_earlier() -> None:
    text = "XIAOMI SAID so. Later, Xiaomi said so."
    assert align("Xiaomi said", text) == Alignment(23, 34, EXACT, 1.0)


@pytest.mark.parametrize(
    ("value", "window"),
    [
        ("Nestlé", "Nestle\u0301 signed a deal"),
        ("Dixon Technologies", "with Dixon Tech\u00adnologies, the Noida firm"),
        ("Xiaomi's unit", "Xiaomi’s unit"),
    ],
)
def test_key_value_is_found_however_the_text_is_typed(value: str, window: str) -> None:
    assert key_value_present(value, window, {})


def test_a_name_does_not_match_a_letter_without_its_accent() -> None:
    assert align("Cafe Coffee", "Cafe\u0301 Coffee Day", NO_FUZZY) is None


@pytest.mark.parametrize("evidence", ["", "   ", "\u200b", "\n\t"])
def test_blank_evidence_grounds_nothing(evidence: str) -> None:
    assert align(evidence, "some text \u200b here") is None


# ---------------------------------------------------------------------------------------------
# Brute-force oracle for the exact and normalised tiers.

ALPHABET = "abAB sß-–—'’\"“”\t\n\u00a0\u200b."


def oracle(evidence: str, text: str) -> tuple[int, int] | None:
    """Earliest (start, shortest end) substring whose normalised form equals the evidence's.

    Only substrings that start and end on a visible character count: leading spaces or zero-width
    characters are not part of any match, which is what makes the earliest one unique.
    """
    wanted = normalise(evidence)
    if not wanted:
        return None
    for i in range(len(text)):
        if not normalise(text[i]):
            continue
        for j in range(i + 1, len(text) + 1):
            if normalise(text[j - 1]) and normalise(text[i:j]) == wanted:
                return i, j
    return None


@st.composite
def evidence_and_text(draw: st.DrawFn) -> tuple[str, str]:
    text = draw(st.text(alphabet=ALPHABET, max_size=24))
    if text and draw(st.booleans()):
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i + 1, len(text)))
        piece = text[i:j]
        variants = [piece, piece.upper(), piece.replace("—", "-"), piece.replace("’", "'")]
        return draw(st.sampled_from(variants)), text
    return draw(st.text(alphabet=ALPHABET, min_size=1, max_size=6)), text


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evidence_and_text())
def test_exact_and_normalised_tiers_agree_with_brute_force(case: tuple[str, str]) -> None:
    evidence, text = case
    expected = oracle(evidence, text)
    found = align(evidence, text, NO_FUZZY)
    assert (found is None) == (expected is None)
    if found is None:
        return
    assert 0 <= found.start < found.end <= len(text)
    assert normalise(text[found.start : found.end]) == normalise(evidence)
    if found.kind is EXACT:
        assert found.start == text.find(evidence)
        assert text[found.start : found.end] == evidence
    else:
        assert found.kind is NORMALISED
        assert (found.start, found.end) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(min_size=1, max_size=12))
def test_any_alignment_is_a_valid_span(text: str, evidence: str) -> None:
    found = align(evidence, text)
    if found is not None:
        assert 0 <= found.start < found.end <= len(text)
        assert 0.0 <= found.score <= 1.0


# ---------------------------------------------------------------------------------------------
# Fuzzy tier: accepted only with enough coverage and density.

SENTENCE = "Oppo Mobiles India earned foreign exchange of 272 crore from exports in FY24"


def test_one_word_typo_is_found_as_fuzzy_on_token_boundaries() -> None:
    text, offset = plant(3, SENTENCE + ".")
    found = align(SENTENCE.replace("exchange", "exchnage"), text)
    assert found is not None and found.kind is FUZZY
    assert (found.start, found.end) == (offset, offset + len(SENTENCE))
    assert 0.9 < found.score < 1.0


def test_fuzzy_span_maps_back_through_normalisation() -> None:
    planted = "Xiaomi’s  partner —\n Dixon Technologies said"
    text, offset = plant(4, "(" + planted + ")")
    found = align("Xiaomis partner - Dixon Technologies said", text)
    assert found is not None and found.kind is FUZZY
    assert text[found.start : found.end] == planted
    assert found.start == offset + 1


def test_an_inserted_clause_keeps_the_match_dense_enough() -> None:
    text, offset = plant(5, "Oppo Mobiles India, a unit of Oppo, earned foreign exchange")
    found = align("Oppo Mobiles India earned foreign exchange", text)
    assert found is not None and found.kind is FUZZY and found.start == offset


def test_words_scattered_far_apart_are_rejected_by_density() -> None:
    words = SENTENCE.split()
    rng = random.Random(6)
    text = " ".join(word + " " + filler(rng, 6) for word in words)
    assert align(SENTENCE, text) is None
    denser = " ".join(word + " " + filler(rng, 1) for word in words[:4]) + " " + " ".join(words[4:])
    assert align(SENTENCE, denser) is not None  # control: the same words closer together


def test_half_absent_evidence_is_rejected_by_coverage() -> None:
    words = SENTENCE.split()
    half = len(words) // 2
    text, _ = plant(7, " ".join(words[:half]))
    assert align(SENTENCE, text) is None
    most = len(words) - 2  # 11 of 13 present: coverage 0.85
    text, offset = plant(7, " ".join(words[:most]))
    found = align(SENTENCE, text)
    assert found is not None and found.kind is FUZZY and found.start == offset


def test_short_evidence_is_never_fuzzy() -> None:
    text, offset = plant(8, "Oppo Mobiles")
    assert align("Opo  Mobiles", text) is None  # 11 characters once normalised: too short
    found = align("Oppo Mobilse", text)  # 12 characters, a swap in a 7-letter word
    assert found is not None and (found.start, found.end, found.kind) == (
        offset,
        offset + 12,
        FUZZY,
    )
    assert found.score == pytest.approx(13 / 14)  # 2 x (1 + 6/7) / (2 + 2)


def test_a_later_repeat_does_not_replace_a_missing_earlier_word() -> None:
    text, _ = plant(11, "India exports rose, Oppo Mobiles said, and Oppo shipped more phones")
    found = align("Oppo Mobiles said Oppo shipped phones", text)
    assert found is not None and found.kind is FUZZY
    assert text[found.start : found.end] == "Oppo Mobiles said, and Oppo shipped more phones"


def test_reordered_words_are_not_a_quote() -> None:
    text, _ = plant(12, "exports to West Asia rose sharply this year")
    assert align("rose sharply this year exports to West Asia", text) is None


def test_fuzzy_tier_can_be_switched_off() -> None:
    text, _ = plant(9, SENTENCE)
    typo = SENTENCE.replace("exchange", "exchnage")
    assert align(typo, text, NO_FUZZY) is None
    assert align(typo, text) is not None


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10**6), st.integers(8, 14), st.data())
def test_fuzzy_spans_fall_on_token_boundaries(seed: int, size: int, data: st.DataObject) -> None:
    rng = random.Random(seed)
    words = [rng.choice(FILLER_WORDS) for _ in range(60)]
    text = " — ".join(" ".join(words[k : k + 5]) for k in range(0, 60, 5))
    first = data.draw(st.integers(0, 60 - size))
    chosen = words[first : first + size]
    del chosen[data.draw(st.integers(1, size - 2))]  # the model skipped a word
    found = align(" ".join(chosen), text)
    assert found is not None and found.kind is FUZZY
    assert found.start == 0 or not text[found.start - 1].isalnum()
    assert found.end == len(text) or not text[found.end].isalnum()
    assert text[found.start].isalnum() and text[found.end - 1].isalnum()
    assert 0.0 < found.score <= 1.0  # 1.0 when the skipped word sat at a ' — ' break


def test_repeated_common_words_do_not_count_beyond_the_evidence() -> None:
    text = " ".join(["the"] * 30) + " and of the in " * 10
    assert align("the company said the plan is in the works", text) is None


# ---------------------------------------------------------------------------------------------
# Key values


def test_key_values_per_record_type() -> None:
    record = _record()
    expected = {
        "companies": ["Xiaomi Corp"],
        "organizations": ["Ministry of Electronics and IT"],
        "people": ["Muralikrishnan B"],
        "partnerships": ["Xiaomi Corp", "Dixon Technologies India Ltd"],
        "export_activities": ["Xiaomi Corp"],
        "figures": ["₹272 crore"],
        "programs": ["production-linked incentive"],
        "quotes": ["We are proud of Made in India phones"],
    }
    assert set(expected) == set(RECORD_TYPES)
    for record_type, values in expected.items():
        assert key_values(SEED.type_of(record_type), record.items(record_type)[0]) == values
    with pytest.raises(KeyError, match="unknown record type 'widgets'"):
        key_values(SEED.type_of("widgets"), record.companies[0])


def test_key_value_matches_normalised_whole_words() -> None:
    assert key_value_present("Make-in-India", "the MAKE–IN–INDIA drive", {})
    assert not key_value_present("LG", "prices are bulging", {})
    assert key_value_present("₹272 crore", "earned US₹272\u00a0crore.", {})


def test_key_value_accepts_aliases_case_folded() -> None:
    aliases = {"xiaomi corp": ["Xiaomi Corp", "Xiaomi", "小米"]}
    assert key_value_present("Xiaomi CORP", "小米 said", aliases)
    assert not key_value_present("Oppo Mobiles India", "小米 said", aliases)


def test_first_token_rule_only_when_allowed() -> None:
    window = "Xiaomi has tied up with Dixon for phones"
    assert not key_value_present("Xiaomi Corp", window, {})
    assert key_value_present("Xiaomi Corp", window, {}, first_token=True)
    assert key_value_present("The Dixon Group", window, {}, first_token=True)
    assert not key_value_present("Foxconn", "Fox said", {}, first_token=True)


def test_record_aliases_cover_every_form() -> None:
    aliases = record_aliases(_record())
    assert "Xiaomi" in aliases["xiaomi corp"]
    assert "Xiaomi Corp" in aliases["xiaomi"]
    assert "MeitY" in aliases["ministry of electronics and it"]


# ---------------------------------------------------------------------------------------------
# Records

_ARTICLE = (
    "Kolkata: Chinese smartphone maker Xiaomi Corp has started exporting phones made in India "
    "to West Asia. Xiaomi has tied up with Dixon Technologies India Ltd, the Noida firm, for "
    "assembly.\n\nThe Ministry of Electronics and IT (MeitY) said the production‑linked "
    "incentive scheme helped. Xiaomi earned ₹272\u00a0crore in FY24 from exports.  "
    "Padget Electronics, a Dixon subsidiary, makes the phones. "
    "“We are proud of Made in India phones,” said Muralikrishnan B, president of Xiaomi India."
)


def _item(evidence: str, **fields: Any) -> dict[str, Any]:
    return {"evidence": evidence, **fields}


def _record(**extra: list[dict[str, Any]]) -> ArticleRecord:
    """A record of _ARTICLE mixing exact, normalised and fuzzy evidence, plus extra items."""
    data: dict[str, Any] = {
        "doc_id": "t1",
        "companies": [
            _item(
                "Chinese smartphone maker Xiaomi Corp",
                name="Xiaomi Corp",
                aliases=["Xiaomi", "Xiaomi India"],
                country="CN",
                roles=["brand"],
            ),
            _item(
                "Dixon Technologies India Ltd, the Noida firm",
                name="Dixon Technologies India Ltd",
                aliases=["Dixon"],
                roles=["contract_manufacturer"],
            ),
            _item(
                "Padget Electronics, a Dixon subsidiary",
                name="Padget Electronics",
                roles=["contract_manufacturer"],
                parent="Dixon Technologies India Ltd",
            ),
        ],
        "organizations": [
            _item(
                "The Ministry of Electronics and IT (MeitY)",
                name="Ministry of Electronics and IT",
                aliases=["MeitY"],
                kind="government_body",
                country="IN",
            ),
        ],
        "people": [
            _item(
                "said Muralikrishnan B, president of Xiaomi India",
                name="Muralikrishnan B",
                title="president",
                organization="Xiaomi India",
            ),
        ],
        "partnerships": [
            _item(
                "Xiaomi has tied up with Dixon Technologies India Ltd for assembly",
                brand="Xiaomi Corp",
                partner="Dixon Technologies India Ltd",
                kind="contract_manufacturing",
                status="operational",
            ),
        ],
        "export_activities": [
            _item(
                "Xiaomi Corp has started exporting phones made in India to West Asia",
                exporter="Xiaomi Corp",
                origin_country="IN",
                destinations=["West Asia"],
                status="started",
            ),
        ],
        "figures": [
            _item(
                "Xiaomi earned ₹272 crore in FY24 from exports",
                metric="export_earnings",
                subject="Xiaomi",
                value=2.72e9,
                unit="currency",
                currency="INR",
                raw="₹272 crore",
                period="FY24",
            ),
        ],
        "programs": [
            _item(
                "the production-linked incentive scheme helped",
                name="production-linked incentive",
                country="IN",
                beneficiaries=["Dixon Technologies India Ltd"],
            ),
        ],
        "quotes": [
            _item(
                '"We are proud of Made in India phones," said Muralikrishnan B',
                speaker="Muralikrishnan B",
                text="We are proud of Made in India phones",
            ),
        ],
    }
    for record_type, items in extra.items():
        data[record_type] = data[record_type] + items
    return ArticleRecord.model_validate(data)


def _check_kept(record: ArticleRecord, text: str) -> None:
    """Every kept item carries a span whose text is its evidence, up to its tier's tolerance."""
    for record_type in RECORD_TYPES:
        for item in record.items(record_type):
            assert item.span is not None and item.grounding is not None
            covered = text[item.span[0] : item.span[1]]
            if item.grounding is EXACT:
                assert covered == item.evidence
            if item.grounding in (EXACT, NORMALISED):
                assert normalise(covered) == normalise(item.evidence)


def test_ground_record_keeps_grounded_items_with_spans() -> None:
    result = ground_record(_record(), _ARTICLE)
    assert result.rejected == []
    record = result.record
    assert [len(record.items(t)) for t in RECORD_TYPES] == [3, 1, 1, 1, 1, 1, 1, 1]
    _check_kept(record, _ARTICLE)
    kinds = {t: record.items(t)[0].grounding for t in RECORD_TYPES}
    assert kinds["companies"] is EXACT
    assert kinds["figures"] is NORMALISED  # NBSP in the article
    assert kinds["programs"] is NORMALISED  # non-breaking hyphen in the article
    assert kinds["quotes"] is NORMALISED  # curly quotes in the article
    assert kinds["partnerships"] is FUZZY  # the article inserts ", the Noida firm,"


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        (None, EXACT),
        (EXACT, EXACT),
        # A strategy marks a name it repaired (snapped to the text's spelling) as fuzzy before
        # grounding; the aligner's exact find must not hide that repair.
        (FUZZY, FUZZY),
    ],
)
def test_spans_are_always_recomputed_and_a_repair_stays_fuzzy(
    preset: GroundingKind | None, expected: GroundingKind
) -> None:
    record = _record()
    wrong = record.companies[0].model_copy(update={"span": (0, 3), "grounding": preset})
    record = record.model_copy(update={"companies": [wrong, *record.companies[1:]]})
    kept = ground_record(record, _ARTICLE).record.companies[0]
    assert kept.span == (_ARTICLE.index("Chinese smartphone"), _ARTICLE.index(" has started"))
    assert kept.grounding is expected


def test_ground_record_rejects_missing_evidence_and_absent_key_values() -> None:
    extra = {
        "companies": [
            _item(
                "Foxconn builds phones in Chennai", name="Foxconn", roles=["contract_manufacturer"]
            ),
            _item("has started exporting phones made in India", name="Vivo India", roles=["brand"]),
        ],
        "figures": [
            _item(
                "Xiaomi earned ₹272 crore in FY24",
                metric="export_earnings",
                subject="Xiaomi",
                value=5e9,
                unit="currency",
                currency="INR",
                raw="₹500 crore",
            ),
        ],
    }
    result = ground_record(_record(**extra), _ARTICLE)
    reasons = {
        (r.record_type, r.item.get("name") or r.item.get("raw"), r.reason) for r in result.rejected
    }
    assert reasons == {
        ("companies", "Foxconn", "evidence not found in document"),
        ("companies", "Vivo India", "key value 'Vivo India' not in or next to evidence"),
        ("figures", "₹500 crore", "key value '₹500 crore' not in or next to evidence"),
    }
    assert [c.name for c in result.record.companies] == [
        "Xiaomi Corp",
        "Dixon Technologies India Ltd",
        "Padget Electronics",
    ]
    _check_kept(result.record, _ARTICLE)


def test_rejected_company_cascades_to_references() -> None:
    record = _record()
    dixon = record.companies[1].model_copy(update={"evidence": "Dixon, the Gurugram firm"})
    record = record.model_copy(
        update={"companies": [record.companies[0], dixon, record.companies[2]]}
    )
    result = ground_record(record, _ARTICLE)
    grounded = ArticleRecord.model_validate(result.record.model_dump())  # no dangling references
    assert [c.name for c in grounded.companies] == ["Xiaomi Corp", "Padget Electronics"]
    assert grounded.companies[1].parent is None
    assert grounded.partnerships == []
    assert grounded.programs[0].beneficiaries == []
    name = "'Dixon Technologies India Ltd'"
    assert [(r.record_type, r.reason) for r in result.rejected] == [
        ("companies", "evidence not found in document"),
        ("companies", f"parent dropped, company kept: references rejected company {name}"),
        ("partnerships", f"references rejected company {name}"),
        ("programs", f"beneficiary dropped, program kept: references rejected company {name}"),
    ]
    assert result.rejected[0].item["evidence"] == "Dixon, the Gurugram firm"
    _check_kept(grounded, _ARTICLE)


def test_partnership_accepts_shortened_company_names() -> None:
    rng = random.Random(13)
    text = (
        "Xiaomi Corp is a Chinese brand. " + filler(rng, 30) + ". Dixon Technologies India Ltd "
        "assembles phones. " + filler(rng, 30) + ". Xiaomi has tied up with Dixon for phones."
    )
    companies = [
        _item("Xiaomi Corp is a Chinese brand", name="Xiaomi Corp", roles=["brand"]),
        _item(
            "Dixon Technologies India Ltd assembles phones",
            name="Dixon Technologies India Ltd",
            roles=["contract_manufacturer"],
        ),
    ]
    partnership = _item(
        "Xiaomi has tied up with Dixon",
        brand="Xiaomi Corp",
        partner="Dixon Technologies India Ltd",
        kind="contract_manufacturing",
        status="agreed",
    )
    # Exporters get no such leniency: "Xiaomi" alone does not ground "Xiaomi Corp" there.
    export = _item(
        "Xiaomi has tied up with Dixon",
        exporter="Xiaomi Corp",
        origin_country="IN",
        status="ongoing",
    )
    record = ArticleRecord.model_validate(
        {
            "doc_id": "t2",
            "companies": companies,
            "partnerships": [partnership],
            "export_activities": [export],
        }
    )
    result = ground_record(record, text)
    assert result.record.partnerships[0].span == (text.index("Xiaomi has"), len(text) - 12)
    assert [(r.record_type, r.reason) for r in result.rejected] == [
        ("export_activities", "key value 'Xiaomi Corp' not in or next to evidence")
    ]


def test_grounding_is_fast_on_a_long_document() -> None:
    rng = random.Random(10)
    sentences = [
        f"Company{i} Holdings said it exported {i} lakh units to market{i} in FY24."
        for i in range(50)
    ]
    text = " ".join(filler(rng, 35) + ". " + s for s in sentences)
    assert len(text) > 15_000
    companies = [
        {
            "evidence": s if i % 3 else s.upper().replace(" it ", "  it\n"),
            "name": f"Company{i} Holdings",
            "roles": ["brand"],
        }
        for i, s in enumerate(sentences)
    ]
    companies[7]["evidence"] = sentences[7].replace("exported", "exportd")
    companies[9]["evidence"] = "Ghost Holdings said it imported nothing at all this year."
    record = ArticleRecord.model_validate({"doc_id": "long", "companies": companies})
    start = time.perf_counter()
    result = ground_record(record, text)
    elapsed = time.perf_counter() - start
    assert len(result.record.companies) == 49 and len(result.rejected) == 1
    assert elapsed < 0.5, f"grounding took {elapsed * 1000:.0f} ms"
