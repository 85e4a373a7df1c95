"""Service inputs read like the CLI's: one JSONL parser, one id rule, per-line failures (issue 13).

The unit tests need no server; the served ones show a lone surrogate (a legal JSON escape that is
not Unicode text) answered as JSON, a 422 for one document and a failed line in a batch, where it
used to be a plain-text 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from support.corpus import article, run_config
from support.fake_openai import serve_fake
from support.service_app import serve_service, wait_done

from extractor.config import RunConfig
from extractor.documents import Document, InputError, sha256_text
from extractor.service.inputs import BatchDocument, ExtractRequest, parse_jsonl, to_document
from extractor.service.settings import ServiceSettings

SURROGATE_LINE = b'{"id": "lone", "text": "Xiaomi \\ud800 opened a plant."}'


def sentence_reader(url: str, cache_dir: Path) -> RunConfig:
    """The sentence reader over the fake endpoint, whose answers it grounds (whatever `auto`
    would choose for an OpenAI-compatible endpoint)."""
    config = run_config(url, cache_dir=cache_dir)
    extraction = config.extraction.model_copy(update={"strategy": "sentences"})
    return config.model_copy(update={"extraction": extraction})


def _line(obj: object) -> bytes:
    return json.dumps(obj).encode()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (SURROGATE_LINE, "line 1: 'text' has a lone surrogate U+D800 at character 7"),
        (b'{"id": "b", "text": "Caf\xe9"}', "line 1 is not valid UTF-8 at byte 24"),
        (_line({"id": True, "text": "x"}), "line 1: 'id' must be a string, got boolean"),
        (_line({"id": 12, "text": "x"}), "line 1: 'id' must be a string, got number"),
        (_line({"id": "y" * 257, "text": "x"}), "line 1: 'id' is 257 characters, over the limit"),
        (_line({"id": "a\tb", "text": "x"}), "line 1: 'id' has an invisible character U+0009"),
        (_line({"id": "t"}), "line 1: 'text' is missing"),
        (_line({"id": "t", "text": "z" * 101}), "line 1: text is 101 characters, over the 100"),
        (b"[1, 2]", "line 1 is not a JSON object (got array)"),
    ],
)
def test_a_bad_line_fails_with_its_cause(raw: bytes, message: str) -> None:
    (item,) = parse_jsonl(raw, max_chars=100)
    assert isinstance(item, InputError) and item.message.startswith(message), item


def test_only_newline_ends_a_line() -> None:
    raw_u2028 = '{"id": "a", "text": "One\u2028two\u0085three"}'.encode()
    items = parse_jsonl(raw_u2028 + b"\r\n\n" + _line({"id": "b", "text": "B."}), max_chars=100)
    assert [(i.id, type(i).__name__) for i in items] == [("a", "Document"), ("b", "Document")]
    assert isinstance(items[0], Document) and items[0].text == "One\u2028two\u0085three"


def test_a_repeated_id_fails_the_later_line_by_its_number() -> None:
    data = b"\n".join(_line({"id": "x", "text": t}) for t in ("One.", "Two.", "Three."))
    items = parse_jsonl(data, max_chars=100)
    assert [i.id for i in items] == ["x", "line-2", "line-3"]
    assert [type(i).__name__ for i in items] == ["Document", "InputError", "InputError"]
    assert "duplicate document id 'x' (first on line 1)" in items[2].message  # type: ignore[union-attr]


@pytest.mark.parametrize("doc_id", ["", "  ", "a\nb", "\u200b", "x" * 257])
def test_json_bodies_follow_the_same_id_rule(doc_id: str) -> None:
    with pytest.raises(ValidationError):
        ExtractRequest(text="Some text.", id=doc_id)
    with pytest.raises(ValidationError):
        BatchDocument(text="Some text.", id=doc_id)


def test_surrogate_text_is_an_input_error_not_a_document() -> None:
    item = to_document("d", "request", "Xiaomi \ud800", max_chars=100)
    assert isinstance(item, InputError) and "lone surrogate U+D800" in item.message


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    db = tmp_path_factory.mktemp("inputs") / "service.sqlite3"
    with (
        serve_fake() as (_, url),
        serve_service(sentence_reader(url, db.parent / "cassettes"), db, ServiceSettings()) as srv,
        httpx.Client(base_url=srv.url, timeout=60) as http,
    ):
        yield http


def _lines(response: httpx.Response) -> list[dict[str, Any]]:
    """Result lines split on \\n alone: a record may hold a raw U+2028."""
    return [json.loads(raw) for raw in response.content.split(b"\n") if raw.strip()]


@pytest.mark.server
def test_surrogate_text_is_a_json_422_naming_the_field(client: httpx.Client) -> None:
    """pydantic already refuses such a str here; the guard is that it stays a JSON 422."""
    response = client.post(
        "/v1/extract",
        content=b'{"id": "s", "text": "Xiaomi \\ud800 opened a plant."}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "text"] and "unicode" in error["msg"]


def _submit(client: httpx.Client, upload: bytes) -> dict[str, dict[str, Any]]:
    """Results of an NDJSON batch by id, once it is done."""
    response = client.post(
        "/v1/batches", content=upload, headers={"content-type": "application/x-ndjson"}
    )
    assert response.status_code == 202, response.text
    status = wait_done(client, response.json()["id"])
    lines = _lines(client.get(f"/v1/batches/{status['id']}/results"))
    assert status["total"] == len(lines)
    return {line["id"]: line for line in lines}


@pytest.mark.server
def test_surrogate_line_of_a_batch_fails_alone(client: httpx.Client) -> None:
    sep = f'{{"id": "sep", "text": "{article(3)}\u2028{article(4)}"}}'.encode()
    lines = _submit(
        client, b"\n".join([_line({"id": "good", "text": article(2)}), SURROGATE_LINE, sep])
    )
    assert sorted(lines) == ["good", "lone", "sep"]
    assert lines["good"]["error"] is None and lines["sep"]["error"] is None
    assert "line 2: 'text' has a lone surrogate U+D800" in lines["lone"]["error"]


@pytest.mark.server
def test_repeated_id_in_an_upload_is_a_failed_line_as_in_the_cli(client: httpx.Client) -> None:
    first, again = _line({"id": "twice", "text": article(5)}), _line({"id": "twice", "text": "x"})
    lines = _submit(client, first + b"\n" + again)
    assert lines["twice"]["error"] is None
    assert "line 2: duplicate document id 'twice' (first on line 1)" in lines["line-2"]["error"]


PAGE = f"<!doctype html><html><body><p>{article(7)}</p><script>x()</script></body></html>"


@pytest.mark.server
@pytest.mark.parametrize("route", ["extract", "batch"])
def test_html_results_carry_the_text_their_spans_index(client: httpx.Client, route: str) -> None:
    """The same through /v1/extract and through a stored batch (which rebuilds documents)."""
    if route == "extract":
        response = client.post("/v1/extract", json={"id": "page", "text": PAGE})
        assert response.status_code == 200, response.text
        line = response.json()
    else:
        line = _submit(client, _line({"id": "page", "text": PAGE}))["page"]
    assert line["error"] is None and line["source_sha256"] == sha256_text(PAGE)
    text = line["text"]
    assert text == article(7) and line["text_sha256"] == sha256_text(text)
    exact = [c for c in line["record"]["companies"] if c["grounding"] == "exact"]
    assert exact and all(text[slice(*c["span"])] == c["evidence"] for c in exact)


@pytest.mark.server
def test_binary_upload_is_one_failed_line(client: httpx.Client) -> None:
    lines = _submit(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\n" * 20)
    assert list(lines) == ["upload"]
    assert "binary file (contains NUL bytes), not JSONL" in lines["upload"]["error"]


@pytest.mark.server
def test_surrogate_in_a_json_batch_is_a_json_422(client: httpx.Client) -> None:
    body = b'{"documents": [{"id": "s", "text": "Xiaomi \\ud800 opened."}]}'
    response = client.post(
        "/v1/batches", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and response.json()["detail"], response.text
