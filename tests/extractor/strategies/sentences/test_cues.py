"""Cue rules around names: titles and organizations, found however the text is typed."""

from __future__ import annotations

import unicodedata

import pytest

from extractor.strategies.sentences.cues import (
    brand_first,
    coordinated,
    destinations,
    exporters,
    facility_location,
    its_unit,
    listed_as_peers,
    mentions,
    named_as_unit,
    negated_relation,
    one_phrase,
    parent_of,
    partnership_status,
    person_title,
    refers_back,
    stake_trade_only,
    states_relation,
    through,
)


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        (
            "Ajay Singhania, managing director of Hisense's local manufacturing partner "
            "Epack Durable, told analysts.",
            "Ajay Singhania",
            ("managing director", "Epack Durable"),
        ),
        (
            "Xiaomi India chairman Ajay Singhania said so.",
            "Ajay Singhania",
            ("chairman", "Xiaomi India"),
        ),
        (
            unicodedata.normalize("NFD", "Nestlé India chairman José Martínez said so."),
            "José Martínez",
            ("chairman", "Nestlé India"),
        ),
        ("Ajay Singhania said so.", "Ajay Singhania", (None, None)),
        ("Nobody said so.", "Ajay Singhania", (None, None)),
        # A title of several words, the words between titles, a nationality before them.
        (
            "Kestrin India chief financial officer Mira Talwen said.",
            "Mira Talwen",
            ("chief financial officer", "Kestrin India"),
        ),
        (
            "Kestrin vice-chairman and MD Arun P Dev said.",
            "Arun P Dev",
            ("vice-chairman and MD", "Kestrin"),
        ),
        (
            "The visit of Indian Prime Minister Arun Dev ended.",
            "Arun Dev",
            ("Indian Prime Minister", None),
        ),
        # In a list the title is the one before this name; a verb before it is not a title.
        (
            "Its leadership includes president Arun Dev and chief executive Mira Talwen.",
            "Mira Talwen",
            ("chief executive", None),
        ),
        ("Its leadership includes president Arun Dev.", "Arun Dev", ("president", None)),
    ],
)
def test_person_title(sentence: str, name: str, expected: tuple[str | None, str | None]) -> None:
    title, organization = person_title(sentence, name)
    found = (title, organization and unicodedata.normalize("NFC", organization))
    assert found == expected


@pytest.mark.timeout(10)
def test_title_search_is_linear_on_a_run_of_capitalised_words() -> None:
    # 8,000 capitalised words before a name took 9.5 s, and the time grew with the square.
    sentence = "Aa " * 30_000 + "Ajay Singhania said so."
    assert person_title(sentence, "Ajay Singhania") == (None, None)


# --- Relations (issue 10): a table of sentences for each rule, in invented names ----------------


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # A completed act outranks a proposal or hedge beside it.
        ("Qorvane has signed a term sheet with Brindle Mobile for the proposed venture.", "agreed"),
        ("The proposed sale is separate from the venture Brindle signed with Qorvane.", "agreed"),
        ("Brindle has inked a deal with Qorvane, people in talks said.", "agreed"),
        ("Brindle has entered into an agreement with Qorvane.", "agreed"),
        ("Brindle has already signed up Qorvane for a manufacturing venture.", "agreed"),
        ("Brindle added Qorvane, a Noida firm, as a second contract manufacturer.", "agreed"),
        # Production outranks a signature and a plan; extending a partnership presupposes one.
        ("Qorvane, which signed with Brindle last year, manufactures its phones.", "operational"),
        ("Brindle is planning to extend its partnership with Qorvane.", "operational"),
        ("Brindle is expanding its existing tie-up with Qorvane to tablets.", "operational"),
        ("Qorvane has been making panels with Brindle since 2021.", "operational"),
        ("Qorvane has started assembling phones for Brindle.", "operational"),
        ("Brindle phones are manufactured by Qorvane.", "operational"),
        ("Brindle has so far made its phones at a plant run by Qorvane.", "operational"),
        ("Brindle phones sold here are made at the plant of Qorvane.", "operational"),
        ("Brindle phones will be made at the plant of Qorvane.", None),
        ("Qorvane's customers already include Brindle.", "operational"),
        ("Priya Nair, head of Brindle's manufacturing partner Qorvane, said so.", "operational"),
        # Ended outranks everything.
        ("Brindle ended its contract with Qorvane, which manufactures for others.", "ended"),
        # Talks and looking around.
        ("Brindle is in talks with Qorvane.", "in_talks"),
        ("Brindle is courting Qorvane for a proposed venture.", "in_talks"),
        ("Brindle is exploring a tie-up with an Indian firm.", "exploring"),
        # A contract manufacturer named as a kind of firm states no stage.
        ("Brindle has been in the news, like contract manufacturers Qorvane and Tesk.", None),
        # A negated or unrealised act states nothing; the next stage decides.
        ("The venture was cleared, with definitive agreements still to be signed.", None),
        ("Brindle has not signed an agreement with Qorvane but is in talks.", "in_talks"),
        ("Brindle is yet to sign with Qorvane.", None),
        ("Qorvane not only makes phones for Brindle but also exports them.", "operational"),
        ("Brindle's results were good.", None),
    ],
)
def test_partnership_status_is_the_strongest_realised_stage(
    sentence: str, status: str | None
) -> None:
    found = partnership_status(sentence)
    assert (found.value if found else None) == status


@pytest.mark.parametrize(
    ("sentence", "states", "negated"),
    [
        ("Neither Brindle nor Qorvane will invest in the other.", True, True),
        ("Brindle has no plans to invest in Qorvane India itself.", True, True),
        ("We are not in any discussion with Brindle on equity.", True, True),
        ("Qorvane, too, said it was not evaluating any investment in Brindle.", True, True),
        ("Brindle denied it was in talks with Qorvane.", True, True),
        ("Brindle has not signed any agreement with Qorvane.", True, True),
        ("The JV will not take over Brindle's sales and distribution.", True, True),
        # A relation stated outside the negation's clause stands.
        ("Brindle is not part of the consortium, but makes phones for Qorvane.", True, False),
        ("Brindle has signed up Qorvane for a venture, and Tesk is not part of it.", True, False),
        ("Brindle signed an agreement with Qorvane.", True, False),
        # A "not" before a focusing adverb, or "not least", denies no act: the act is stated.
        ("Brindle not only makes phones for Qorvane but also exports them.", True, False),
        ("Brindle doesn't just assemble phones for Qorvane; it designs them.", True, False),
        ("Brindle no longer only supplies Qorvane.", True, False),
        ("Brindle supplies several brands and not least Qorvane.", True, False),
        ("Brindle no longer makes phones for Qorvane.", True, True),
        # Two firms named without a relation word: a mere mention.
        ("Brindle and Qorvane declined to comment.", False, False),
        ("Brindle led the charge, with Qorvane accounting for the balance.", False, False),
    ],
)
def test_a_relation_is_stated_and_negated_by_its_clause(
    sentence: str, states: bool, negated: bool
) -> None:
    assert (states_relation(sentence), negated_relation(sentence)) == (states, negated)


@pytest.mark.parametrize(
    ("sentence", "first", "second", "first_is_brand"),
    [
        (
            "Qorvane also manufactures smartphones for Chinese firm Brindle.",
            "Brindle",
            "Qorvane",
            True,
        ),
        ("Qorvane will make phones for Brindle.", "Qorvane", "Brindle", False),
        (
            "Qorvane, which has been manufacturing for Brindle since 2019.",
            "Brindle",
            "Qorvane",
            True,
        ),
        ("Brindle phones are manufactured by Qorvane.", "Qorvane", "Brindle", False),
        (
            "Brindle, whose phones are assembled in India by Qorvane, grew.",
            "Brindle",
            "Qorvane",
            True,
        ),
        (
            "Brindle phones have been made at the plant of its sister firm Qorvane.",
            "Qorvane",
            "Brindle",
            False,
        ),
        (
            "Brindle, which makes its phones in India through Qorvane, grew.",
            "Qorvane",
            "Brindle",
            False,
        ),
        (
            "Brindle has so far made its phones for India at a plant run by Qorvane.",
            "Brindle",
            "Qorvane",
            True,
        ),
        ("Brindle's local manufacturing partner Qorvane said so.", "Qorvane", "Brindle", False),
        ("Brindle's contract manufacturer Qorvane grew.", "Brindle", "Qorvane", True),
        (
            "Brindle added Qorvane, a Noida firm, as a second contract manufacturer.",
            "Qorvane",
            "Brindle",
            False,
        ),
        ("Brindle has tied up with Qorvane to make tablets.", "Brindle", "Qorvane", True),
        ("Qorvane's customers in phones already include Brindle.", "Qorvane", "Brindle", False),
        # The grammar is silent: the model's answer stands.
        ("Brindle and Qorvane have agreed to form a venture.", "Brindle", "Qorvane", None),
        ("Brindle believes the partnership with Qorvane will help it.", "Qorvane", "Brindle", None),
    ],
)
def test_direction_from_grammar(
    sentence: str, first: str, second: str, first_is_brand: bool | None
) -> None:
    assert brand_first(sentence, first, second) is first_is_brand


@pytest.mark.parametrize(
    ("sentence", "first", "second", "first_is_unit"),
    [
        (
            "Qorvane Tech, a wholly owned subsidiary of Brindle Group, grew.",
            "Qorvane Tech",
            "Brindle Group",
            True,
        ),
        (
            "Qorvane Tech, the Indian unit of Taiwan's Brindle, grew.",
            "Qorvane Tech",
            "Brindle",
            True,
        ),
        (
            "Qorvane Tech Ltd, the manufacturing arm of Brindle, grew.",
            "Qorvane Tech",
            "Brindle",
            True,
        ),
        (
            "Qorvane, the Brindle Group subsidiary that assembles phones, grew.",
            "Brindle Group",
            "Qorvane",
            False,
        ),
        ("Qorvane, owned by Brindle, grew.", "Qorvane", "Brindle", True),
        ("Qorvane's Chinese parent, Brindle Co, said so.", "Qorvane", "Brindle Co", True),
        ("Brindle's Indian unit Qorvane Tech grew.", "Brindle", "Qorvane Tech", False),
        ("Brindle Group, which owns the Qorvane brand, said so.", "Qorvane", "Brindle Group", True),
        # A sister firm, a partner, a customer: neither is the other's parent.
        (
            "Qorvane phones are made at the plant of its sister company Brindle.",
            "Qorvane",
            "Brindle",
            None,
        ),
        ("Qorvane, a manufacturing partner of Brindle, grew.", "Qorvane", "Brindle", None),
        ("Qorvane makes phones for Brindle.", "Qorvane", "Brindle", None),
    ],
)
def test_parent_from_the_words_between_two_names(
    sentence: str, first: str, second: str, first_is_unit: bool | None
) -> None:
    assert parent_of(sentence, first, second) is first_is_unit


@pytest.mark.parametrize(
    ("sentence", "names", "expected"),
    [
        (
            "Brindle said it entered a partnership with Tesk through its subsidiary Qorvane.",
            ["Brindle", "Tesk", "Qorvane"],
            ("Brindle", "Qorvane"),
        ),
        (
            "Brindle Group has lined up exports, even as its smartphone arm Qorvane grew.",
            ["Qorvane", "Brindle Group"],
            ("Brindle Group", "Qorvane"),
        ),
        ("Brindle said its partner Qorvane grew.", ["Brindle", "Qorvane"], None),
    ],
)
def test_its_unit_belongs_to_the_first_named_firm(
    sentence: str, names: list[str], expected: tuple[str, str] | None
) -> None:
    assert its_unit(sentence, names) == expected


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        ("Brindle works with Tesk through its subsidiary Qorvane.", "Qorvane", True),
        ("Brindle makes its phones through Qorvane.", "Qorvane", True),
        ("Brindle works with Qorvane through a unit.", "Qorvane", False),
    ],
)
def test_through(sentence: str, name: str, expected: bool) -> None:
    assert through(sentence, name) is expected


@pytest.mark.parametrize(
    ("sentence", "a", "b", "expected"),
    [
        (
            "Brands like Brindle, Qorvane, Tesk and Ulmo are partnering with local firms.",
            "Brindle",
            "Qorvane",
            True,
        ),
        (
            "Projects proposed by Brindle Tech, Qorvane Co (量子), Tesk and Ulmo were cleared.",
            "Qorvane Co (量子)",
            "Ulmo",
            True,
        ),
        # The brand before a list of its makers is not one of the list.
        (
            "Brindle, whose phones are made by Qorvane, Tesk and Ulmo, grew.",
            "Brindle",
            "Qorvane",
            False,
        ),
        # Two named side by side are not a list of peers.
        ("Brindle and Qorvane have begun discussions with Tesk.", "Brindle", "Qorvane", False),
    ],
)
def test_listed_as_peers(sentence: str, a: str, b: str, expected: bool) -> None:
    assert listed_as_peers(sentence, a, b) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Both companies have plans to invest in component manufacturing.", True),
        ("The two firms will share the plant.", True),
        ("The partnership comes months after the launch.", True),
        ("The venture will invest ₹1,900 crore.", True),
        ("On May 29, the Chinese smartphone maker inked a manufacturing contract with Tesk.", True),
        # Adjacent, but not about the parties of the sentence before.
        ("That has helped the country emerge as the second-largest manufacturer.", False),
        ("Revenue rose 20%, the company said.", False),
        ("Qorvane also assembles laptops there.", False),
    ],
)
def test_refers_back(sentence: str, expected: bool) -> None:
    assert refers_back(sentence) is expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Qorvane Electroappliances, a unit of Appliances Co.", "Appliances", [(37, 47)]),
        ("Brindle and Brindle’s unit", "Brindle", [(0, 7), (12, 19)]),
        ("Brindletech grew.", "Brindle", []),
    ],
)
def test_mentions_are_whole_words(text: str, name: str, expected: list[tuple[int, int]]) -> None:
    assert mentions(text, name) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A site, then "in"/"at" a town: the town as named, without the state after it.
        ("Qorvane will assemble earbuds for Brindle at its facility in Tarwick.", "Tarwick"),
        ("Qorvane makes phones for Brindle at its plant in Ostley, Marland, he said.", "Ostley"),
        ("The venture will invest in a new facility at Ostley in Marland.", "Ostley"),
        ("Qorvane is setting up a plant in Port Delm for Brindle.", "Port Delm"),
        ("The partners will build a line on Qorvane's campus in Tarwick.", "Tarwick"),
        # A town before a site names it; a determiner is not part of it.
        ("Brindle phones are made at the Upper Tarwick plant of Qorvane.", "Upper Tarwick"),
        ("The Ostley factory makes phones for Brindle.", "Ostley"),
        ("Qorvane has made TVs for Brindle at its Tarwick unit since 2021.", "Tarwick"),
        # A firm's name before a site says whose, not where; a subsidiary "unit" is no site.
        ("Brindle exports phones made at Qorvane plants.", None),
        ("Brindle and Qorvane's Indian unit agreed to form a venture.", None),
        ("Brindle valued its Indian unit at USD 4.5 billion in a deal with Qorvane.", None),
        # The firm's base, a country, a month: not where the work is done.
        ("The Tarwick-based Qorvane makes phones for Brindle.", None),
        ("Qorvane will make phones for Brindle at a plant in India.", None),
        ("Qorvane will open a plant in March to make phones for Brindle.", None),
    ],
)
def test_facility_location_is_the_town_of_a_site(sentence: str, expected: str | None) -> None:
    assert facility_location(sentence, ["Brindle", "Qorvane"]) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A stake sold or bought with only a deal's words: no work between firms.
        (
            "Brindle has proposed to sell a 40 per cent stake to investors led by Qorvane "
            "Partners, in a deal that would value it at $4 billion.",
            True,
        ),
        ("Brindle is in talks with Qorvane over the stake sale.", True),
        # Work or a venture stated beside the stake: a partnership.
        (
            "Brindle will acquire a 26% stake in Qorvane as part of a manufacturing "
            "partnership under which Qorvane will make ACs.",
            False,
        ),
        ("Brindle will hold a 51 per cent stake in the venture with Qorvane.", False),
        ("Brindle has signed a deal with Qorvane Partners.", False),
    ],
)
def test_stake_trade_only(sentence: str, expected: bool) -> None:
    assert stake_trade_only(sentence, ["Brindle", "Qorvane", "Qorvane Partners"]) is expected


@pytest.mark.parametrize(
    ("sentence", "a", "b", "expected"),
    [
        (
            "Investors include Tarwick-based family office Qorvane Capital.",
            "Qorvane Capital",
            "Tarwick-based family office",
            True,
        ),
        ("Brindle makes phones for Qorvane.", "Brindle", "Qorvane", False),
        ("Brindle and Qorvane signed a deal.", "Qorvane", "Brindle", False),
    ],
)
def test_one_phrase(sentence: str, a: str, b: str, expected: bool) -> None:
    assert one_phrase(sentence, a, b) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ulmo signed with Qorvane, a wholly owned subsidiary of Brindle, to make ACs.", True),
        ("Ulmo signed with Brindle's unit Qorvane to make ACs.", True),
        ("Ulmo signed with Qorvane, owned by Brindle, to make ACs.", True),
        # The parent heads the phrase; the unit only describes it.
        ("Brindle, which owns the Qorvane brand, and Ulmo will form a venture.", False),
        ("Qorvane's parent, Brindle, signed with Ulmo.", False),
    ],
)
def test_named_as_unit_heads_its_phrase(sentence: str, expected: bool) -> None:
    assert named_as_unit(sentence, "Qorvane", "Brindle") is expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Qorvane assembles phones for Brindle and Tessaly.", "Brindle", ["Brindle", "Tessaly"]),
        (
            "Qorvane makes phones for Brindle, Tessaly and Vexa.",
            "Tessaly",
            ["Brindle", "Tessaly", "Vexa"],
        ),
        (
            "Qorvane makes phones for Brindle, Tessaly, and Vexa.",
            "Vexa",
            ["Brindle", "Tessaly", "Vexa"],
        ),
        ("Qorvane assembles phones for Brindle and Tessaly.", "Qorvane", ["Qorvane"]),
        ("Brindle India and Tessaly signed.", "Brindle India", ["Brindle India", "Tessaly"]),
        # a word other than a separator between them is no coordination
        ("Brindle makes phones and Tessaly sells them.", "Brindle", ["Brindle"]),
        ("Brindle with Tessaly signed.", "Brindle", ["Brindle"]),
    ],
)
def test_coordinated(text: str, name: str, expected: list[str]) -> None:
    names = ["Qorvane", "Brindle", "Brindle India", "Tessaly", "Vexa"]
    assert coordinated(text, name, names) == expected


@pytest.mark.parametrize(
    ("sentence", "places"),
    [
        (
            "It will export phones to Nepal, Bangladesh and Sri Lanka.",
            ["Nepal", "Bangladesh", "Sri Lanka"],
        ),
        (
            "It ships mainly to Thailand, Malaysia and the Philippines.",
            ["Thailand", "Malaysia", "the Philippines"],
        ),
        ("It sells to West Asia and even to Africa.", ["West Asia", "Africa"]),
        ("It supplies phones to Kestrin and Brindle.", []),  # no known place: firms, not places
    ],
)
def test_destinations(sentence: str, places: list[str]) -> None:
    assert destinations(sentence) == places


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Brindle exported handsets worth Rs 10 crore.", ["Brindle"]),
        (
            "Brindle, which makes its phones at a Tarvin plant, started exporting to Nepal.",
            ["Brindle"],
        ),
        ("Brindle will also start exporting televisions.", ["Brindle"]),
        ("Brindle shipped its first batch to Nepal.", ["Brindle"]),
        ("The rise came from exports by Brindle, which grew.", ["Brindle"]),
        ("Brindle makes phones that Tessaly exports.", ["Tessaly"]),  # the verb's own subject
        ("Brindle said exports grew.", []),  # no firm is the subject of the export verb
    ],
)
def test_exporters(sentence: str, found: list[str]) -> None:
    assert exporters(sentence, ["Brindle", "Tessaly"]) == found
