"""The endpoints over real HTTP: extraction, batches in three body formats, probes and guards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.corpus import article, cli_run_args, documents, run_config, write_retry_config
from support.fake_openai import FakeOpenAI, serve_fake
from support.procs import run_cli
from support.service_app import results, serve_service, wait_done

from extractor.cli import build_config, build_parser
from extractor.config import RunConfig
from extractor.service.settings import ServiceSettings
from extractor_schemas import ArticleRecord
from extractor_schemas.prediction import PredictionLine

pytestmark = pytest.mark.server
TOKEN = "test-token-123"


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[FakeOpenAI, str]]:
    with serve_fake() as served:
        yield served


@pytest.fixture(scope="module")
def config(fake: tuple[FakeOpenAI, str]) -> RunConfig:
    return run_config(fake[1], concurrency=4)


@pytest.fixture(scope="module")
def client(config: RunConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    db = tmp_path_factory.mktemp("api") / "service.sqlite3"
    with (
        serve_service(config, db) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        yield client


def test_extract_returns_the_cli_prediction_line(client: httpx.Client) -> None:
    response = client.post("/v1/extract", json={"text": article(0), "id": "a0"})
    assert response.status_code == 200
    line = PredictionLine.model_validate(response.json())
    assert line.id == "a0" and line.error is None and line.record is not None
    assert "Xiaomi" in [c.name for c in line.record.companies]
    assert line.provider == "openai" and line.model == "fake"
    assert line.prompt_id == "mentions-v1" and len(line.prompt_sha256) == 64
    assert line.usage.calls >= 1 and len(line.config_sha256) == 64


def test_service_and_cli_write_the_same_line(fake: tuple[FakeOpenAI, str], tmp_path: Path) -> None:
    """Same flags, same document: the same PredictionLine, bar the measured latency."""
    (tmp_path / "same.txt").write_text(article(7), encoding="utf-8")
    args = [
        "extract",
        str(tmp_path / "same.txt"),
        *cli_run_args(fake[1], write_retry_config(tmp_path)),
        "--out",
        str(tmp_path / "out"),
        "--quiet",
    ]
    assert run_cli(args).returncode == 0
    by_cli = json.loads((tmp_path / "out" / "predictions.jsonl").read_text(encoding="utf-8"))
    config = build_config(build_parser().parse_args(args))
    with serve_service(config, tmp_path / "db.sqlite3") as server:
        by_service = httpx.post(
            f"{server.url}/v1/extract", json={"text": article(7), "id": "same"}
        ).json()
    assert by_service.pop("latency_s") >= 0 and by_cli.pop("latency_s") >= 0
    # The CLI's first call is retried once: its provider check ran in another event loop,
    # and the pooled connection left from it fails on reuse. Everything else must match.
    assert by_cli["usage"].pop("retries") <= 1 and by_service["usage"].pop("retries") == 0
    assert by_service == by_cli


def test_extract_without_id_names_the_document_by_its_text(client: httpx.Client) -> None:
    first = client.post("/v1/extract", json={"text": article(1)}).json()
    again = client.post("/v1/extract", json={"text": article(1)}).json()
    assert first["id"].startswith("doc-") and first["id"] == again["id"]


@pytest.mark.parametrize("kind", ["json", "ndjson", "multipart"])
def test_batch_in_each_body_format(client: httpx.Client, kind: str) -> None:
    docs = documents(6, prefix=kind)
    jsonl = "".join(json.dumps(d) + "\n" for d in docs).encode()
    if kind == "json":
        response = client.post("/v1/batches", json={"documents": docs})
    elif kind == "ndjson":
        response = client.post(
            "/v1/batches", content=jsonl, headers={"content-type": "application/x-ndjson"}
        )
    else:
        response = client.post("/v1/batches", files={"file": ("docs.jsonl", jsonl)})
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/v1/batches/{job['id']}" and job["total"] == 6
    status = wait_done(client, job["id"])
    assert (status["done"], status["failed"]) == (6, 0)
    lines = results(client, job["id"])
    assert [line["id"] for line in lines] == [d["id"] for d in docs]
    assert all(PredictionLine.model_validate(line).record for line in lines)


def test_unknown_batch_is_404(client: httpx.Client) -> None:
    assert client.get("/v1/batches/nope").status_code == 404
    assert client.get("/v1/batches/nope/results").status_code == 404


def test_schema_probes_and_openapi(client: httpx.Client) -> None:
    assert client.get("/v1/schema").json()["title"] == ArticleRecord.model_json_schema()["title"]
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"ready": True, "reason": None}
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/extract",
        "/v1/batches",
        "/v1/batches/{job_id}",
        "/v1/batches/{job_id}/results",
        "/v1/schema",
        "/healthz",
        "/readyz",
    } <= set(paths)


def test_cors_is_closed_by_default(client: httpx.Client) -> None:
    preflight = client.options(
        "/v1/extract",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    plain = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers


def test_cors_origin_when_configured(config: RunConfig, tmp_path: Path) -> None:
    settings = ServiceSettings(cors_origins=("https://app.example",))
    with serve_service(config, tmp_path / "db.sqlite3", settings) as server:
        allowed = httpx.get(f"{server.url}/healthz", headers={"Origin": "https://app.example"})
        other = httpx.get(f"{server.url}/healthz", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert "access-control-allow-origin" not in other.headers


def test_bearer_token_guards_v1_but_not_probes(config: RunConfig, tmp_path: Path) -> None:
    settings = ServiceSettings(api_token=TOKEN)
    with serve_service(config, tmp_path / "db.sqlite3", settings) as server:
        url = server.url
        body = {"text": article(2)}
        missing = httpx.post(f"{url}/v1/extract", json=body)
        wrong = httpx.post(
            f"{url}/v1/extract", json=body, headers={"Authorization": "Bearer test-token-124"}
        )
        basic = httpx.get(f"{url}/v1/schema", headers={"Authorization": f"Basic {TOKEN}"})
        right = httpx.post(
            f"{url}/v1/extract", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        probes = [httpx.get(f"{url}{p}").status_code for p in ("/healthz", "/readyz")]
    assert [r.status_code for r in (missing, wrong, basic)] == [401, 401, 401]
    assert missing.headers["www-authenticate"] == "Bearer"
    assert TOKEN not in missing.text + wrong.text
    assert right.status_code == 200 and probes == [200, 200]


def test_readyz_is_503_until_the_provider_answers(tmp_path: Path) -> None:
    unreachable = run_config("http://127.0.0.1:9/v1")
    settings = ServiceSettings(readiness_retry_s=0.1)
    with serve_service(unreachable, tmp_path / "db.sqlite3", settings, wait_ready=False) as srv:
        response = httpx.get(f"{srv.url}/readyz")
    assert response.status_code == 503
    assert response.json()["ready"] is False


def test_readyz_is_200_at_once_in_replay_mode(tmp_path: Path) -> None:
    replay = run_config("http://127.0.0.1:9/v1", cache_mode="replay", cache_dir=tmp_path / "c")
    with serve_service(replay, tmp_path / "db.sqlite3", wait_ready=False) as server:
        assert httpx.get(f"{server.url}/readyz").status_code == 200
        miss = httpx.post(f"{server.url}/v1/extract", json={"text": article(3)})
    assert miss.status_code == 502
    assert miss.json()["error"].startswith("CacheMissError: replay miss")


def test_a_second_server_on_the_same_database_is_refused(config: RunConfig, tmp_path: Path) -> None:
    from extractor.service.store import Store, StoreLockedError

    db = tmp_path / "db.sqlite3"
    with serve_service(config, db), pytest.raises(StoreLockedError):
        Store(db)
