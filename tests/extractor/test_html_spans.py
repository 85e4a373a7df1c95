"""Spans of an HTML document index the text the output line names (issue 13, R11).

An HTML page is read as its visible text, so spans cannot index the page. The line then carries
that text (`text`, with `text_sha256`), while `source_sha256` still identifies the submitted
page; a plain-text line carries no `text`, and its spans index the submitted text.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from support.corpus import article, run_config
from support.fake_openai import serve_fake

from extractor.config import RunConfig
from extractor.documents import Document, read_inputs
from extractor.grounding import normalise
from extractor.pipeline import Pipeline
from extractor_schemas import RECORD_TYPES
from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server

PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Plant news</title>"
    "<script>var Foxconn = 1;</script></head><body>"
    f"<h1>Deals</h1><p>{article(3)}</p><p>Also: <b>{article(4)}</b> &amp; more.</p>"
    "</body></html>"
)


def sentence_reader(url: str, cache_dir: Path) -> RunConfig:
    """The sentence reader over the fake endpoint, whose answers it grounds (whatever `auto`
    would choose for an OpenAI-compatible endpoint)."""
    config = run_config(url, cache_dir=cache_dir)
    extraction = config.extraction.model_copy(update={"strategy": "sentences"})
    return config.model_copy(update={"extraction": extraction})


def _extract(tmp_path: Path, name: str, content: str) -> PredictionLine:
    (tmp_path / name).write_text(content, encoding="utf-8")
    (doc,) = read_inputs([tmp_path / name])
    assert isinstance(doc, Document)
    with serve_fake() as (_, url):
        pipeline = Pipeline.from_config(sentence_reader(url, tmp_path / "cassettes"))
        line = asyncio.run(pipeline.extract(doc))
    assert line.error is None and line.record is not None, line.error
    return line


def _spans_index_evidence(line: PredictionLine, text: str) -> int:
    """How many spans were checked; each must cover its evidence in `text`."""
    assert line.record is not None
    checked = 0
    for record_type in RECORD_TYPES:
        for item in line.record.items(record_type):
            assert item.span is not None and item.grounding is not None
            found = text[item.span[0] : item.span[1]]
            if item.grounding.value == "exact":
                assert found == item.evidence
            elif item.grounding.value == "normalised":
                assert normalise(found) == normalise(item.evidence)
            else:  # fuzzy: a window that holds most evidence words
                assert set(found.split()) & set(item.evidence.split()), (found, item.evidence)
            checked += 1
    return checked


def test_html_line_carries_the_text_its_spans_index(tmp_path: Path) -> None:
    line = _extract(tmp_path, "page.html", PAGE)
    assert line.source_sha256 == hashlib.sha256(PAGE.encode()).hexdigest()
    assert line.text is not None and "<p>" not in line.text and "var Foxconn" not in line.text
    assert line.text_sha256 == hashlib.sha256(line.text.encode()).hexdigest()
    assert _spans_index_evidence(line, line.text) > 0


def test_plain_text_line_names_no_other_text(tmp_path: Path) -> None:
    text = f"Note: <body> is quoted here. {article(5)}"
    line = _extract(tmp_path, "story.txt", text)
    assert line.text is None and line.text_sha256 is None
    assert line.source_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert _spans_index_evidence(line, text) > 0
