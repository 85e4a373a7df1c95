"""The service app on loopback in a thread: fast to start, and its pipeline is real."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from extractor.config import RunConfig
from extractor.service.app import create_app
from extractor.service.settings import ServiceSettings
from support.servers import ServerThread


@contextmanager
def serve_service(
    config: RunConfig, db: Path, settings: ServiceSettings | None = None, wait_ready: bool = True
) -> Iterator[ServerThread]:
    app = create_app(config, db, settings=settings or ServiceSettings())
    with ServerThread(app) as server:
        if wait_ready:
            _wait_ready(server.url)
        yield server


def _wait_ready(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while httpx.get(f"{url}/readyz").status_code != 200:
        if time.monotonic() > deadline:
            raise TimeoutError("service not ready")
        time.sleep(0.02)


def wait_done(client: httpx.Client, job_id: str, timeout: float = 60) -> dict[str, Any]:
    """Polls a batch until its state is 'done'; returns the last status."""
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(f"/v1/batches/{job_id}").json()
        if status["state"] == "done":
            return status
        if time.monotonic() > deadline:
            raise TimeoutError(f"batch {job_id} not done: {status}")
        time.sleep(0.05)


def results(client: httpx.Client, job_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/batches/{job_id}/results")
    response.raise_for_status()
    return [json.loads(line) for line in response.text.splitlines()]
