"""No key or token ever leaves the process: not in logs, cassettes, the database or any answer.

Recognisable fake secrets are set in the environment of a real `serve` and a real `extract`
(debug logging, recording cache, failures on purpose), then every byte those runs produced is
scanned. The fake endpoint confirms the key was really sent upstream, so its absence
everywhere else is meaningful.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from support.corpus import article, cli_run_args, documents, write_jsonl, write_retry_config
from support.fake_openai import FakeSettings, Fault, serve_fake
from support.procs import child_env, run_cli, start_cli, stop, wait_ready
from support.servers import free_port
from support.service_app import wait_done

pytestmark = pytest.mark.server
KEY = "sk-LEAKCANARY-7f3e9a1b2c4d5e6f"
TOKEN = "tok-LEAKCANARY-0a9b8c7d6e5f"
SECRETS = (KEY, TOKEN, KEY[3:], TOKEN[4:])


def _exercise(base: str) -> list[str]:
    """Successful, refused and failing requests; returns everything the server answered."""
    seen = []
    good = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=base, timeout=30) as client:
        for response in (
            client.post("/v1/extract", json={"text": article(1)}),
            client.post(
                "/v1/extract",
                json={"text": article(1)},
                headers={"Authorization": f"Bearer {TOKEN}x"},
            ),
            client.post("/v1/extract", json={"text": article(1)}, headers=good),
            client.post(
                "/v1/extract", json={"text": "Zorblax opened a plant in Pune today."}, headers=good
            ),
            client.post("/v1/extract", json={"text": {"token": TOKEN}}, headers=good),
            client.get("/readyz"),
            client.get("/openapi.json"),
        ):
            seen.append(str(response.status_code) + str(response.headers) + response.text)
        job = client.post("/v1/batches", json={"documents": documents(4)}, headers=good).json()
        client.headers.update(good)
        wait_done(client, job["id"])
        seen.append(client.get(f"/v1/batches/{job['id']}/results").text)
    assert [s[:3] for s in seen[:5]] == ["401", "401", "200", "502", "422"]
    return seen


def _scan(texts: list[str], folders: list[Path], secrets: tuple[str, ...] = SECRETS) -> None:
    blobs = [t.encode() for t in texts]
    blobs += [p.read_bytes() for folder in folders for p in folder.rglob("*") if p.is_file()]
    assert blobs
    for secret in secrets:
        assert not any(secret.encode() in blob for blob in blobs), f"{secret} leaked"


def test_no_secret_in_service_logs_cache_db_or_answers(tmp_path: Path) -> None:
    port, state = free_port(), tmp_path / "state"
    env = child_env(OPENAI_API_KEY=KEY, EXTRACTOR_API_TOKEN=TOKEN)
    settings = FakeSettings(poison={"Zorblax": Fault.SERVER_ERROR})
    with serve_fake(settings) as (fake, url):
        args = [
            "serve",
            "--port",
            str(port),
            "--db",
            str(state / "service.sqlite3"),
            *cli_run_args(url, write_retry_config(tmp_path), "record"),
            "--cache-dir",
            str(state / "cassettes"),
            "--log-level",
            "debug",
        ]
        server = start_cli(args, tmp_path / "serve.log", env)
        try:
            wait_ready(f"http://127.0.0.1:{port}", server)
            answers = _exercise(f"http://127.0.0.1:{port}")
        finally:
            stop(server)
    assert f"Bearer {KEY}" in fake.authorizations  # the key was in use upstream
    assert (tmp_path / "serve.log").stat().st_size > 0
    _scan(answers, [state, tmp_path])


def test_no_secret_in_cli_output_manifest_or_cache(tmp_path: Path) -> None:
    inputs = write_jsonl(
        tmp_path / "docs.jsonl",
        [*documents(3), {"id": "bad", "text": "Zorblax opened a plant in Pune today."}],
    )
    env = child_env(OPENAI_API_KEY=KEY, EXTRACTOR_API_TOKEN=TOKEN)
    with serve_fake(FakeSettings(poison={"Zorblax": Fault.SERVER_ERROR})) as (fake, url):
        done = run_cli(
            [
                "extract",
                str(inputs),
                *cli_run_args(url, write_retry_config(tmp_path), "record"),
                "--cache-dir",
                str(tmp_path / "cassettes"),
                "--out",
                str(tmp_path / "out"),
            ],
            env=env,
        )
    assert done.returncode == 1 and f"Bearer {KEY}" in fake.authorizations
    _scan([done.stdout, done.stderr], [tmp_path])


URL_PASSWORD = "pw-URLCANARY-51d2"
URL_TOKEN = "qt-URLCANARY-93aa"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"http://svc:{URL_PASSWORD}@10.0.0.5:8080/v1", "http://***@10.0.0.5:8080/v1"),
        (f"https://{URL_PASSWORD}@api.example/v1", "https://***@api.example/v1"),
        (f"http://h/v1?api_key={URL_TOKEN}&x=1", "http://h/v1?api_key=***&x=1"),
        (f"http://h/v1?x=1&access_token={URL_TOKEN}", "http://h/v1?x=1&access_token=***"),
        (f"endpoint http://u:{URL_PASSWORD}@h/v1 unusable", "endpoint http://***@h/v1 unusable"),
        ("http://127.0.0.1:9/v1 or a@example.com", "http://127.0.0.1:9/v1 or a@example.com"),
    ],
)
def test_urls_are_shown_without_their_credentials(url: str, shown: str) -> None:
    from extractor.providers.base import redact

    assert redact(url) == shown


def test_readyz_and_warnings_never_show_url_credentials(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The unauthenticated probe says why it is not ready, without the endpoint's password."""
    from support.corpus import run_config
    from support.procs import wait_until
    from support.service_app import serve_service

    from extractor.service.settings import ServiceSettings

    secret_url = f"http://svc:{URL_PASSWORD}@127.0.0.1:9/v1?api_key={URL_TOKEN}"
    settings = ServiceSettings(readiness_retry_s=0.05)
    caplog.set_level("WARNING")
    with serve_service(run_config(secret_url), tmp_path / "db.sqlite3", settings, False) as srv:

        def reason() -> str:
            return str(httpx.get(f"{srv.url}/readyz").json()["reason"])

        wait_until(lambda: reason().startswith("provider check failed"), timeout=10)
        shown = reason()
    assert "127.0.0.1:9" in shown
    _scan([shown, caplog.text], [tmp_path], (URL_PASSWORD, URL_TOKEN))


def test_debug_logs_of_serve_never_show_url_credentials(tmp_path: Path) -> None:
    """Every library's log line that prints the request URL (openai, httpx) is redacted."""
    port = free_port()
    with serve_fake() as (fake, url):
        secret_url = url.replace("http://", f"http://svc:{URL_PASSWORD}@")
        args = [
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "service.sqlite3"),
            *cli_run_args(secret_url, write_retry_config(tmp_path)),
            "--log-level",
            "debug",
        ]
        server = start_cli(args, tmp_path / "serve.log")
        try:
            wait_ready(f"http://127.0.0.1:{port}", server)
            answer = httpx.post(f"http://127.0.0.1:{port}/v1/extract", json={"text": article(1)})
        finally:
            stop(server)
    assert answer.status_code == 200 and fake.counts["models"] >= 1
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "***@127.0.0.1" in log  # the URL is still shown, without its password
    _scan([answer.text], [tmp_path], (URL_PASSWORD,))
