"""The service app on loopback in a thread: fast to start, and its pipeline is real.

It is served with the uvicorn configuration `extractor serve` uses (`server_config`), so the
connection limits and timeouts under test are the production ones. `SqliteFaults` makes the
disk under the real store fail as a full or read-only disk does.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from extractor.config import RunConfig
from extractor.service.app import create_app
from extractor.service.server import server_config
from extractor.service.settings import ServiceSettings
from support.servers import ServerThread


class ServiceThread(ServerThread):
    """A ServerThread whose uvicorn is configured by the service's own `server_config`."""

    def __init__(self, app: Any, settings: ServiceSettings) -> None:
        super().__init__(app)
        config = server_config(app, settings, log_level="warning")
        config.access_log, config.timeout_graceful_shutdown = False, 1
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )


@contextmanager
def serve_service(
    config: RunConfig, db: Path, settings: ServiceSettings | None = None, wait_ready: bool = True
) -> Iterator[ServerThread]:
    settings = settings or ServiceSettings()
    app = create_app(config, db, settings=settings)
    with ServiceThread(app, settings) as server:
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


# Statements that change the database: the ones a full or read-only disk refuses.
_CHANGES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
DISK_FULL = "database or disk is full"
READ_ONLY = "attempt to write a readonly database"


class SqliteFaults:
    """While `error` is set, every statement that changes a database raises SQLite's own error.

    Installed over `sqlite3.connect`, so every connection opened meanwhile (the real store's
    included) is a real sqlite3 connection whose writes fail as SQLite fails them on a full or
    read-only disk; reads keep working, as they do there. Nothing of the store is replaced.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.error: str | None = None
        self.refused = 0
        real = sqlite3.connect
        faults = self

        class Connection(sqlite3.Connection):
            def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
                faults.check(sql)
                return super().execute(sql, parameters)

        def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            return real(*args, factory=Connection, **kwargs)

        monkeypatch.setattr(sqlite3, "connect", connect)

    def check(self, sql: str) -> None:
        if self.error is not None and _CHANGES.match(sql):
            self.refused += 1
            raise sqlite3.OperationalError(self.error)
