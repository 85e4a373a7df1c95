"""Main-article isolation agrees with the gold annotators' main spans on every seed."""

from pathlib import Path

from extractor.isolate import is_prose, isolate
from extractor_eval.gold import load_gold


def test_isolated_span_equals_gold_main_span(seeds_dir: Path, gold_dir: Path) -> None:
    for doc_id, record in load_gold(gold_dir).items():
        text = (seeds_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert isolate(text).span == record.article.main_span, doc_id


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
