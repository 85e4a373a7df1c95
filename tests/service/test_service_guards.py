"""Connection-level guards over raw loopback sockets: body timeouts, the connection limit,
keep-alive, authentication before the body is read, the token rules, and an event loop that
keeps answering while a large batch is parsed.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.corpus import cli_run_args, run_config, write_retry_config
from support.procs import child_env, run_cli
from support.servers import ServerThread, free_port
from support.service_app import serve_service

from extractor.config import RunConfig
from extractor.service.settings import ServiceSettings

pytestmark = pytest.mark.server
TOKEN = "guard-token-42+/=~"
UNREACHABLE = "http://127.0.0.1:9/v1"


@pytest.fixture(scope="module")
def config() -> RunConfig:
    """Never ready (nothing listens on port 9), so no batch ever calls a model here."""
    return run_config(UNREACHABLE)


def _serve(
    config: RunConfig, tmp_path: Path, **settings: Any
) -> AbstractContextManager[ServerThread]:
    chosen = ServiceSettings(readiness_retry_s=30, **settings)
    return serve_service(config, tmp_path / "db.sqlite3", chosen, wait_ready=False)


def _connect(server: ServerThread) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return b"".join(chunks) + b"<no close>"
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _head(path: str, length: int, extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode()


@pytest.mark.parametrize("path", ["/v1/extract", "/v1/batches"])
def test_a_declared_body_that_never_arrives_gets_408(
    config: RunConfig, tmp_path: Path, path: str
) -> None:
    with _serve(config, tmp_path, body_idle_timeout_s=0.3) as server, _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(_head(path, 1000) + b'{"text": "Xia')
        answer = _read_all(sock)
        took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"<no close>" not in answer and took < 4
    assert b"body" in answer.split(b"\r\n\r\n", 1)[1]


def test_a_body_trickled_past_the_deadline_gets_408(config: RunConfig, tmp_path: Path) -> None:
    """Each byte arrives in time, but the whole body does not: slowloris is cut off too."""
    settings = {"body_idle_timeout_s": 1.0, "body_timeout_s": 0.6}
    with _serve(config, tmp_path, **settings) as server, _connect(server) as sock:
        sock.sendall(_head("/v1/extract", 100))
        answer = b""
        for _ in range(30):
            try:
                sock.sendall(b" ")
            except OSError:
                break
            time.sleep(0.1)
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


def test_connections_over_the_limit_get_503(config: RunConfig, tmp_path: Path) -> None:
    with _serve(config, tmp_path, max_connections=3) as server:
        idle = [_connect(server) for _ in range(3)]
        time.sleep(0.2)
        refused = httpx.get(f"{server.url}/healthz", timeout=5)
        for sock in idle:
            sock.close()
        time.sleep(0.2)
        served = httpx.get(f"{server.url}/healthz", timeout=5)
    assert refused.status_code == 503 and served.status_code == 200


def test_an_idle_keep_alive_connection_is_closed(config: RunConfig, tmp_path: Path) -> None:
    with _serve(config, tmp_path, keep_alive_s=1) as server, _connect(server) as sock:
        sock.settimeout(4)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        started = time.monotonic()
        answer = _read_all(sock)
        took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 200") and b"<no close>" not in answer
    assert 0.8 < took < 3


@pytest.mark.parametrize(
    ("path", "body", "kind"),
    [
        ("/v1/extract", b"{not json", "application/json"),
        ("/v1/extract", b'{"text": 5}', "application/json"),
        ("/v1/batches", b"{not json", "application/json"),
        ("/v1/batches", b"not a line\n", "application/x-ndjson"),
    ],
)
def test_without_the_token_any_body_gets_401_not_422(
    config: RunConfig, tmp_path: Path, path: str, body: bytes, kind: str
) -> None:
    with _serve(config, tmp_path, api_token=TOKEN) as server:
        response = httpx.post(
            f"{server.url}{path}", content=body, headers={"content-type": kind}, timeout=5
        )
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "missing or wrong bearer token"}


def test_token_is_compared_on_the_bytes_sent(config: RunConfig, tmp_path: Path) -> None:
    """Punctuation in a token works; a UTF-8 header is a plain 401, not a server error."""
    with _serve(config, tmp_path, api_token=TOKEN) as server:
        url = f"{server.url}/v1/schema"
        right = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
        lower = httpx.get(url, headers={"Authorization": f"bearer {TOKEN}"})
        utf8 = httpx.get(url, headers={"Authorization": "Bearer gu\u00e4rd".encode()})
        other = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN[:-1]}"})
    assert (right.status_code, lower.status_code) == (200, 200)
    assert (utf8.status_code, other.status_code) == (401, 401)


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("t\u00f6ken-123", "non-ASCII"),
        ("token-123\n", "newline"),
        ("token 123", "space"),
        (" token-123", "space"),
        ("token\t123", "tab"),
        ("token\x7f123", "control"),
    ],
)
def test_a_token_that_could_never_match_is_refused(token: str, why: str) -> None:
    with pytest.raises(ValueError, match="EXTRACTOR_API_TOKEN") as refused:
        ServiceSettings(api_token=token)
    assert why in str(refused.value) and token not in str(refused.value)


@pytest.mark.parametrize("token", ["token-123\n", "t\u00f6ken-123"])
def test_serve_refuses_such_a_token_with_exit_2(tmp_path: Path, token: str) -> None:
    args = ["serve", "--port", str(free_port()), "--db", str(tmp_path / "db.sqlite3")]
    args += cli_run_args(UNREACHABLE, write_retry_config(tmp_path))
    done = run_cli(args, env=child_env(EXTRACTOR_API_TOKEN=token), timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith("extractor: error: EXTRACTOR_API_TOKEN")
    assert token.strip() not in done.stderr


def _html_batch(megabytes: float) -> bytes:
    paragraph = (
        "<p>Xiaomi signed a supply agreement with <b>Dixon Technologies</b> in Noida during "
        "March, and <a href='/x'>Foxconn</a> will assemble handsets near Chennai.</p>\n"
    )
    page = "<!DOCTYPE html><html><body><article>" + paragraph * 600 + "</article></body></html>"
    count = int(megabytes * 1024 * 1024 / len(page))
    lines = [json.dumps({"id": f"page-{n}", "text": page}) for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


def test_health_answers_while_a_large_html_batch_is_parsed(
    config: RunConfig, tmp_path: Path
) -> None:
    body = _html_batch(11.7)
    with _serve(config, tmp_path) as server:
        posted: list[httpx.Response] = []
        upload = threading.Thread(
            target=lambda: posted.append(
                httpx.post(
                    f"{server.url}/v1/batches",
                    content=body,
                    headers={"content-type": "application/x-ndjson"},
                    timeout=120,
                )
            )
        )
        upload.start()
        waits = list(_health_latencies(server.url, upload))
        upload.join()
    assert posted[0].status_code == 202, posted[0].text[:300]
    assert len(waits) > 5
    assert max(waits) < 0.5, f"slowest /healthz {max(waits):.2f} s"


def _health_latencies(url: str, busy: threading.Thread) -> Iterator[float]:
    with httpx.Client(base_url=url, timeout=30) as client:
        while busy.is_alive():
            started = time.monotonic()
            client.get("/healthz").raise_for_status()
            yield time.monotonic() - started
            time.sleep(0.02)
