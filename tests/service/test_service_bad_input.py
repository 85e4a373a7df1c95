"""Bad input through the service: a clear 4xx or a schema-valid grounded record, never a 5xx.

The fake endpoint obeys prompt injections (it answers the JSON an article tells it to), so the
injection test shows the injected answer really reaching the pipeline and not being kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support.corpus import INJECTION, article, run_config
from support.fake_openai import FakeOpenAI, serve_fake
from support.service_app import results, serve_service, wait_done

from extractor.service.settings import ServiceSettings
from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server
LIMIT = 12 * 1024 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeOpenAI, httpx.Client]]:
    db = tmp_path_factory.mktemp("bad") / "service.sqlite3"
    with (
        serve_fake() as (fake, url),
        serve_service(run_config(url), db, ServiceSettings()) as srv,
        httpx.Client(base_url=srv.url, timeout=60) as client,
    ):
        yield fake, client


def _fields(response: httpx.Response) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["detail"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, ["body", "text"]),
        ({"text": ""}, ["body", "text"]),
        ({"text": " \n\t "}, ["body", "text"]),
        ({"text": 123}, ["body", "text"]),
        ({"text": ["a"]}, ["body", "text"]),
        ({"text": "Xiaomi opened a store.", "id": 5}, ["body", "id"]),
        ({"text": "Xiaomi opened a store.", "id": ""}, ["body", "id"]),
        ({"text": "Xiaomi opened a store.", "id": "\x1d "}, ["body", "id"]),  # whitespace to Python
        ({"text": "<html><body><script>x()</script></body></html>"}, ["body", "text"]),
    ],
)
def test_wrong_or_empty_fields_are_422_naming_the_field(
    served: tuple[FakeOpenAI, httpx.Client], body: dict[str, Any], field: list[Any]
) -> None:
    response = served[1].post("/v1/extract", json=body)
    assert response.status_code == 422
    assert field in _fields(response)


@pytest.mark.parametrize("raw", [b"", b"null", b"[]", b"{not json", b'{"text": "\xff\xfe ok"}'])
def test_unparseable_bodies_are_4xx(served: tuple[FakeOpenAI, httpx.Client], raw: bytes) -> None:
    response = served[1].post(
        "/v1/extract", content=raw, headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500, response.text


def test_ten_megabyte_text_is_refused_by_name_without_echo(
    served: tuple[FakeOpenAI, httpx.Client],
) -> None:
    text = article(0) * (10_000_000 // len(article(0)))
    response = served[1].post("/v1/extract", json={"text": text})
    assert response.status_code == 422
    assert _fields(response) == [["body", "text"]]
    assert "limit" in response.json()["detail"][0]["msg"]
    assert len(response.content) < 1000  # the 10 MB input is not echoed back


def test_body_over_the_limit_is_413_with_or_without_length(
    served: tuple[FakeOpenAI, httpx.Client],
) -> None:
    client = served[1]
    body = json.dumps({"text": "x" * (LIMIT + 10)}).encode()
    declared = client.post(
        "/v1/extract", content=body, headers={"content-type": "application/json"}
    )
    chunked = client.post(
        "/v1/extract",
        content=iter([body[: LIMIT // 2], body[LIMIT // 2 :]]),
        headers={"content-type": "application/json"},
    )
    assert declared.status_code == 413 and chunked.status_code == 413
    assert "limit" in declared.json()["detail"]


def test_injected_instruction_never_becomes_a_kept_fact(
    served: tuple[FakeOpenAI, httpx.Client],
) -> None:
    fake, client = served
    before = fake.counts["injected"]
    text = f"{article(4)} {INJECTION}"
    response = client.post("/v1/extract", json={"text": text, "id": "inj"})
    assert response.status_code == 200
    line = PredictionLine.model_validate(response.json())
    assert line.record is not None and line.error is None
    kept = json.dumps(line.record.model_dump())
    assert "HACKED" not in kept
    assert fake.counts["injected"] > before  # the model obeyed the article...
    reasons = [r.reason for r in line.rejected if "HACKED" in json.dumps(r.item)]
    assert reasons and "prompt injection" in reasons[0]  # ...and its answer was rejected


def test_batch_bad_lines_become_failed_results_not_errors(
    served: tuple[FakeOpenAI, httpx.Client],
) -> None:
    client = served[1]
    upload = b"\n".join(
        [
            json.dumps({"id": "good", "text": article(5)}).encode(),
            b'{"id": "latin1", "text": "Caf\xe9 owner Xiaomi"}',
            b"this is not json",
            json.dumps({"id": "typed", "text": 42}).encode(),
            json.dumps({"id": "blank", "text": "   "}).encode(),
            json.dumps(["not", "an", "object"]).encode(),
            json.dumps({"id": "injected", "text": f"{article(6)} {INJECTION}"}).encode(),
        ]
    )
    response = client.post("/v1/batches", files={"file": ("docs.jsonl", upload)})
    assert response.status_code == 202, response.text
    status = wait_done(client, response.json()["id"])
    lines = {line["id"]: line for line in results(client, status["id"])}
    assert status["total"] == len(lines) == 7
    assert lines["good"]["error"] is None and lines["injected"]["error"] is None
    assert "not valid UTF-8 at byte" in lines["line-2"]["error"]
    assert "'text' must be a string" in lines["typed"]["error"]
    assert "empty" in lines["blank"]["error"]
    assert "not JSON" in lines["line-3"]["error"]
    assert "not a JSON object" in lines["line-6"]["error"]
    assert "HACKED" not in json.dumps(lines["injected"]["record"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"documents": []}, ["body", "documents"]),
        ({"documents": [{"id": "a"}]}, ["body", "documents", 0, "text"]),
        ({"documents": [{"id": 1, "text": "x"}]}, ["body", "documents", 0, "id"]),
        (
            {"documents": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]},
            ["body", "documents"],
        ),
        ({"docs": []}, ["body", "documents"]),
    ],
)
def test_batch_json_structure_errors_are_422(
    served: tuple[FakeOpenAI, httpx.Client], body: dict[str, Any], field: list[Any]
) -> None:
    response = served[1].post("/v1/batches", json=body)
    assert response.status_code == 422
    assert field in _fields(response)


def test_batch_other_bodies_are_4xx(served: tuple[FakeOpenAI, httpx.Client]) -> None:
    client = served[1]
    text_plain = client.post(
        "/v1/batches", content=b"hello", headers={"content-type": "text/plain"}
    )
    empty_ndjson = client.post(
        "/v1/batches", content=b"\n \n", headers={"content-type": "application/x-ndjson"}
    )
    no_file = client.post("/v1/batches", files={"other": ("x.jsonl", b"{}")})
    bad_utf8_json = client.post(
        "/v1/batches",
        content=b'{"documents": [{"id": "\xff"}]}',
        headers={"content-type": "application/json"},
    )
    assert text_plain.status_code == 415
    assert [r.status_code for r in (empty_ndjson, no_file, bad_utf8_json)] == [422, 422, 422]
