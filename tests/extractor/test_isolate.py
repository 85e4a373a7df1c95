"""Main-article isolation: the gold main spans on the seeds and the development pages, and one
small hand-made page per rule (what a real page looks like, reduced to the structure the rule
reads)."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from extractor.chunk import sentences
from extractor.isolate import Paragraph, is_headline, is_prose, isolate
from extractor_eval.gold import load_gold

DEV = Path(__file__).resolve().parents[2] / "corpus" / "dev"

BODY_1 = "Acme Devices said on Monday it will build a phone factory in Pune with Zeta Corp."
BODY_2 = "The plant will make ten million phones a year and start production in March."
BODY_3 = "Zeta Corp will supply the displays and cameras from its own plant in Chennai."
BODY_4 = "Shares of Acme Devices rose 3% on the NSE after the announcement on Monday."
OTHER = "Gold prices rose by Rs 450 to Rs 99,320 per 10 grams in the national capital today."
QUOTE = '"We are ready to start production in Pune by March next year."'
HEAD = "Home\nMarkets\nLogin\nAcme Devices to build phone factory in Pune with Zeta Corp\n"


def _page(*lines: str) -> str:
    return HEAD + "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Case:
    rule: str
    page: str
    kept: tuple[str, ...]


CASES = [
    Case(
        "an inline link line is chrome, and the story goes on after it",
        _page(BODY_1, BODY_2, "Also Read: Zeta Corp picks Acme as partner for India", BODY_3),
        (BODY_1, BODY_2, BODY_3),
    ),
    Case(
        "an upper-case inline link line is not a wire kicker opening another story",
        _page(BODY_1, BODY_2, "ALSO READ: Exports jump 58% in April-September", BODY_3),
        (BODY_1, BODY_2, BODY_3),
    ),
    Case(
        "Related: and Read more: lines are link lines too",
        _page(BODY_1, "Related: Zeta Corp opens store", BODY_2, "Read more: Acme results", BODY_3),
        (BODY_1, BODY_2, BODY_3),
    ),
    Case(
        "a standalone related-stories header with headlines ends the story",
        _page(BODY_1, BODY_2, "Related Stories", "Zeta posts record profit", OTHER),
        (BODY_1, BODY_2),
    ),
    Case(
        "a standalone teaser header with one headline pauses the story",
        _page(BODY_1, "ALSO READ", "Zeta posts record profit", BODY_2),
        (BODY_1, BODY_2),
    ),
    Case(
        "short lines continuing one sentence are one paragraph",
        _page(
            "Phone maker",
            "Acme Devices",
            "and display maker",
            "Zeta Corp",
            "have signed a deal to build a factory in Pune, the companies said.",
            BODY_2,
        ),
        (
            "Phone maker\nAcme Devices\nand display maker\nZeta Corp\n"
            "have signed a deal to build a factory in Pune, the companies said.",
            BODY_2,
        ),
    ),
    Case(
        "a long line ending in a function word continues over a list of names",
        _page(
            "New Delhi: The ministry has paid incentives of Rs 590 crore for 2024-25 to",
            "Acme Devices,",
            "Zeta Corp",
            "and Beta Phones,",
            "among nine companies, officials said on Tuesday.",
            BODY_2,
        ),
        (
            "New Delhi: The ministry has paid incentives of Rs 590 crore for 2024-25 to\n"
            "Acme Devices,\nZeta Corp\nand Beta Phones,\n"
            "among nine companies, officials said on Tuesday.",
            BODY_2,
        ),
    ),
    Case(
        "short menu lines that never reach a sentence end are not joined",
        _page("Read Later", "Print", "Share", BODY_1, BODY_2),
        (BODY_1, BODY_2),
    ),
    Case(
        "a bullet summary box is outside the story, bullets with or without a period",
        _page(
            "Key Takeaways",
            "• Acme and Zeta have agreed to build a phone factory in Pune together",
            "• The plant will make ten million phones a year from next March.",
            BODY_1,
            BODY_2,
        ),
        (BODY_1, BODY_2),
    ),
    Case(
        "summary items without bullets or periods are outside the story",
        _page(
            "In Short",
            "Acme and Zeta have agreed to build a phone factory in Pune together",
            "Production starts in March",
            BODY_1,
            BODY_2,
        ),
        (BODY_1, BODY_2),
    ),
    Case(
        "a synopsis paragraph right before the story is outside it",
        _page(
            "Synopsis", "Acme will make phones for Zeta. The plant opens in March.", BODY_1, BODY_2
        ),
        (BODY_1, BODY_2),
    ),
    Case(
        "a newsletter box inside the story is chrome and the story goes on",
        _page(
            BODY_1,
            BODY_2,
            "Get the latest",
            "Business News, Industry updates",
            "in your inbox",
            "Sign Up",
            "By signing up, you agree to our Terms and Privacy Policy",
            BODY_3,
            BODY_4,
        ),
        (BODY_1, BODY_2, BODY_3, BODY_4),
    ),
    Case(
        "one sentence after a sign-up box is the box's promotion, not more story",
        _page(
            BODY_1,
            BODY_2,
            "Join the community of 2M+ industry professionals.",
            "Subscribe to our newsletter to get latest insights in your inbox.",
            "Subscribe",
            "All about the phone industry right on your smartphone, every single day!",
            "Get the App",
        ),
        (BODY_1, BODY_2),
    ),
    Case(
        "a newsletter box after the story is chrome, and so is its sentence-shaped blurb",
        _page(
            BODY_1,
            BODY_2,
            "Subscribe to our newsletter",
            "Get the top tech stories of the day, reviews and guides in your inbox every morning.",
            "Enter your email",
            "Share this article",
            "More from Tech",
            "Zeta posts record profit",
            OTHER,
        ),
        (BODY_1, BODY_2),
    ),
    Case(
        "a box without a sign-up or share line does not bridge to later prose",
        _page(BODY_1, BODY_2, "Tags", "Acme", "Zeta", "Trending", OTHER),
        (BODY_1, BODY_2),
    ),
    Case(
        "site promotion lines after the story are chrome",
        _page(
            BODY_1,
            BODY_2,
            "Catch all the Corporate news on Live Mint. Download The Mint News App to get updates.",
            "Follow Acme News for latest business news and live stock market updates.",
        ),
        (BODY_1, BODY_2),
    ),
    Case(
        "a one-paragraph standfirst above the byline is not the story",
        _page(
            "The Pune plant will supply phones for Zeta's clients from the September quarter.",
            "Rohan Mehra",
            "Updated On Apr 22, 2025 at 09:15 AM IST",
            "Read by: 100 Industry Professionals",
            BODY_1,
            BODY_2,
        ),
        (BODY_1, BODY_2),
    ),
    Case(
        "an updated/published stamp ending in a period is not the story",
        _page("Updated - February 18, 2025 at 08:14 PM.", "By Kiran Joshi", BODY_1, BODY_2),
        (BODY_1, BODY_2),
    ),
    Case(
        "the author's bio after the story is chrome",
        _page(
            "By Rohan Mehra",
            BODY_1,
            BODY_2,
            "Rohan Mehra is a senior correspondent at Acme News, covering consumer technology.",
        ),
        (BODY_1, BODY_2),
    ),
    Case(
        "a line introducing a quotation with a colon is story",
        _page(BODY_1, "In a statement, Ravi Rao, director at Zeta Corp, said:", QUOTE, BODY_2),
        (BODY_1, "In a statement, Ravi Rao, director at Zeta Corp, said:", QUOTE, BODY_2),
    ),
    Case(
        "an unrelated wire story after the main one ends it",
        _page(BODY_1, BODY_2, "GOLD RUSH: " + OTHER),
        (BODY_1, BODY_2),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_isolation_rule(case: Case) -> None:
    main = isolate(case.page)
    assert tuple(case.page[p.start : p.end] for p in main.paragraphs) == case.kept


def test_joined_lines_are_one_sentence_with_offsets_into_the_page() -> None:
    page = _page("Phone maker", "Acme Devices", "has signed a deal with Zeta Corp today.", BODY_2)
    main = isolate(page)
    spans = sentences(page, main.paragraphs)
    assert (
        spans[0].text(page) == "Phone maker\nAcme Devices\nhas signed a deal with Zeta Corp today."
    )
    assert main.span == (page.index("Phone maker"), page.index(BODY_2) + len(BODY_2))


def test_isolated_span_equals_gold_main_span(seeds_dir: Path, gold_dir: Path) -> None:
    for doc_id, record in load_gold(gold_dir).items():
        text = (seeds_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert isolate(text).span == record.article.main_span, doc_id


def _dev_pages() -> list[str]:
    return sorted(p.stem for p in (DEV / "gold").glob("dev_*.json"))


@pytest.mark.parametrize("doc_id", _dev_pages())
def test_dev_page_span_and_evidence(doc_id: str) -> None:
    """Every dev page: the gold main span, and every gold evidence inside a kept paragraph."""
    text = (DEV / f"{doc_id}.txt").read_text(encoding="utf-8")
    gold = json.loads((DEV / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))
    main = isolate(text)
    assert main.span == tuple(gold["article"]["main_span"])
    for key, items in gold.items():
        for item in items if isinstance(items, list) else []:
            assert _inside_kept(text, main.paragraphs, item["evidence"]), (key, item["evidence"])


def _inside_kept(text: str, paragraphs: tuple[Paragraph, ...], evidence: str) -> bool:
    """Some occurrence of `evidence` has every non-space character in a kept paragraph (evidence
    may run over two adjacent kept paragraphs, never over a dropped line)."""
    covered = set[int]().union(*(range(p.start, p.end) for p in paragraphs))
    at = text.find(evidence)
    while at >= 0:
        if all(i in covered or text[i].isspace() for i in range(at, at + len(evidence))):
            return True
        at = text.find(evidence, at + 1)
    return False


def test_dev_pages_are_there() -> None:
    assert len(_dev_pages()) == 16


def test_trailing_unrelated_stories_are_cut(seeds_dir: Path) -> None:
    text = (seeds_dir / "001_8e2eaa6efa4d6eff.txt").read_text(encoding="utf-8")
    main = isolate(text)
    kept = "".join(text[p.start : p.end] for p in main.paragraphs)
    assert "Niti Aayog" in kept
    assert "GROWING OWINGS" not in kept and "Groq" not in kept


def test_chrome_inside_the_story_is_skipped(seeds_dir: Path) -> None:
    text = (seeds_dir / "003_518f6c78553bdf27.txt").read_text(encoding="utf-8")
    main = isolate(text)
    kept = [text[p.start : p.end] for p in main.paragraphs]
    assert not any("subscribe" in k or "Photo Credit" in k for k in kept)
    assert any(k.startswith("On May 29") for k in kept)  # after the ALSO READ teaser
    assert main.published == "2023-05-31"


def test_metadata_from_the_page(seeds_dir: Path) -> None:
    text = (seeds_dir / "000_4cc455d3f4a844ea.txt").read_text(encoding="utf-8")
    main = isolate(text)
    assert main.dateline == "Kolkata"
    assert main.title == "'Made in India' Chinese phones ring overseas"
    assert main.chrome_chars > 9000


def test_page_without_prose_has_no_article() -> None:
    assert isolate("Home\nNews\nLogin\n").span is None
    assert not is_prose("Subscribe to our newsletter for the latest stories today, it is free.")


@pytest.mark.parametrize(
    ("line", "headline"),
    [
        ("Acme Devices to open second plant near Pune; exports next", True),
        ("Norvale Electronics Signs 60:40 Venture With Kestrin", True),  # title case, a digit
        ("Why the Component Scheme Matters, Explained", True),  # a comma
        ("Home Markets Companies Opinion Economy Tech Specials", False),  # a menu
        ("Home/ Companies/ News/ Acme Devices to open second plant", False),  # a breadcrumb
        ("Home / Technology / News / Acme Devices to open a plant", False),
        ("Business News › Industry › Acme Devices opens a plant", False),
        ("Markets » Acme Devices to open a second plant near Pune", False),
        ("Live Prices | Holiday Calendar | Rate Today | Markets", False),
        ("Acme Devices opened its second plant near Pune on Monday.", False),  # a sentence
        ("Subscribe to our newsletter for the latest updates", False),  # chrome
        ("Acme opens plant", False),  # too short
    ],
)
def test_a_headline_is_neither_navigation_nor_a_menu(line: str, headline: bool) -> None:
    assert is_headline(line) is headline


def test_the_title_is_the_headline_after_the_navigation() -> None:
    page = (
        "Home Markets Companies Opinion Economy Tech Specials\n"
        "Home/ Companies/ Acme Devices to open second plant near Pune\n"
        "Acme Devices to open second plant near Pune\n"
        "Priya Raman\n"
        + "Acme Devices said on Monday it would open a second plant near Pune to make phones"
        " for export, adding 4,000 jobs over the next two years, the company said.\n" * 3
    )
    assert isolate(page).title == "Acme Devices to open second plant near Pune"
