"""The job database under stress: a full disk, a damaged or read-only file, a second server
through a symlink, and a restart under another configuration.

Faults are real SQLite errors on a real store: the disk is simulated (SqliteFaults), the store
never is.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.corpus import cli_run_args, documents, run_config, write_retry_config
from support.fake_openai import FakeOpenAI, FakeSettings, serve_fake
from support.procs import run_cli, wait_until
from support.servers import free_port
from support.service_app import (
    DISK_FULL,
    READ_ONLY,
    SqliteFaults,
    results,
    serve_service,
    wait_done,
)

from extractor.config import RunConfig
from extractor.documents import Document
from extractor.service.settings import ServiceSettings
from extractor.service.store import Store, StoreLockedError, StoreUnusableError

pytestmark = pytest.mark.server
FAST_RETRY = ServiceSettings(store_retry_s=0.05)


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> SqliteFaults:
    return SqliteFaults(monkeypatch)


@pytest.fixture
def slow_fake() -> Iterator[tuple[FakeOpenAI, str]]:
    with serve_fake(FakeSettings(latency_s=0.05)) as served:
        yield served


def _status(client: httpx.Client, job_id: str) -> dict[str, Any]:
    status: dict[str, Any] = client.get(f"/v1/batches/{job_id}").json()
    return status


def test_full_disk_fails_visibly_then_recovers(
    slow_fake: tuple[FakeOpenAI, str], faults: SqliteFaults, tmp_path: Path
) -> None:
    """Writes fail: the job says why, new batches get a JSON 507, /readyz is 503. Space
    returns: the job finishes with every document once, and the service is ready again."""
    config = run_config(slow_fake[1], concurrency=2)
    docs = documents(16)
    with (
        serve_service(config, tmp_path / "db.sqlite3", FAST_RETRY) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        job_id = client.post("/v1/batches", json={"documents": docs}).json()["id"]
        wait_until(lambda: _status(client, job_id)["done"] >= 2, timeout=20)
        faults.error = DISK_FULL
        wait_until(lambda: _status(client, job_id)["state"] == "stalled", timeout=10)
        stalled = _status(client, job_id)
        refused = client.post("/v1/batches", json={"documents": documents(2, prefix="new")})
        unready = client.get("/readyz")
        faults.error = None
        wait_done(client, job_id, timeout=30)
        ready = client.get("/readyz")
        accepted = client.post("/v1/batches", json={"documents": documents(2, prefix="after")})
        lines = results(client, job_id)
    assert DISK_FULL in stalled["error"] and stalled["done"] < len(docs)
    assert refused.status_code == 507 and DISK_FULL in refused.json()["detail"]
    assert unready.status_code == 503 and DISK_FULL in unready.json()["reason"]
    assert ready.status_code == 200 and accepted.status_code == 202
    assert [line["id"] for line in lines] == [d["id"] for d in docs]
    assert all(line["error"] is None for line in lines)


def test_full_disk_before_any_job_is_a_json_507(
    slow_fake: tuple[FakeOpenAI, str], faults: SqliteFaults, tmp_path: Path
) -> None:
    config = run_config(slow_fake[1])
    with serve_service(config, tmp_path / "db.sqlite3", FAST_RETRY) as server:
        faults.error = DISK_FULL
        refused = httpx.post(f"{server.url}/v1/batches", json={"documents": documents(1)})
        faults.error = None
        after = httpx.post(f"{server.url}/v1/batches", json={"documents": documents(1)})
    assert refused.status_code == 507, refused.text
    assert refused.headers["content-type"] == "application/json"
    assert after.status_code == 202


def _damaged(path: Path) -> Path:
    """A real database with one page overwritten in the middle of the documents table."""
    store = Store(path)
    text = "Xiaomi signed a supply agreement with Foxconn in Noida. " * 20
    store.create_job("j", [Document(f"d{n}", text, "test") for n in range(200)], "sha")
    store.close()
    with path.open("r+b") as raw:
        raw.seek(4096 * 5)
        raw.write(b"\xa5" * 4096)
    return path


def _garbage(path: Path) -> Path:
    path.write_bytes(b"this is not an SQLite database\n" * 200)
    return path


@pytest.mark.parametrize(
    ("make", "fault", "expected"),
    [
        (_garbage, None, "corrupt"),
        (_damaged, None, "corrupt"),
        (lambda path: path, READ_ONLY, "read-only"),
        (lambda path: path, DISK_FULL, "disk is full"),
    ],
    ids=["garbage", "damaged-page", "read-only", "disk-full"],
)
def test_an_unusable_database_is_refused_at_open(
    faults: SqliteFaults, tmp_path: Path, make: Any, fault: str | None, expected: str
) -> None:
    db = make(tmp_path / "db.sqlite3")
    faults.error = fault
    with pytest.raises(StoreUnusableError) as refused:
        Store(db)
    assert expected in str(refused.value) and str(db) in str(refused.value)
    assert "\n" not in str(refused.value)
    faults.error = None
    db.unlink()
    Store(db).close()  # the refused open released its lock


def test_serve_on_a_corrupt_database_exits_2_with_one_line(tmp_path: Path) -> None:
    db = _garbage(tmp_path / "db.sqlite3")
    args = ["serve", "--port", str(free_port()), "--db", str(db)]
    args += cli_run_args("http://127.0.0.1:9/v1", write_retry_config(tmp_path))
    done = run_cli(args, timeout=30)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("extractor: error:")]
    assert len(errors) == 1 and "corrupt" in errors[0] and str(db) in errors[0]


@pytest.mark.parametrize("link", ["file", "folder"])
def test_a_second_server_through_a_symlink_is_refused(
    slow_fake: tuple[FakeOpenAI, str], tmp_path: Path, link: str
) -> None:
    real = tmp_path / "real" / "db.sqlite3"
    real.parent.mkdir()
    if link == "file":
        alias = tmp_path / "alias.sqlite3"
        alias.symlink_to(real)
    else:
        (tmp_path / "alias").symlink_to(real.parent, target_is_directory=True)
        alias = tmp_path / "alias" / "db.sqlite3"
    with serve_service(run_config(slow_fake[1]), real), pytest.raises(StoreLockedError):
        Store(alias)


def _changed(config: RunConfig) -> RunConfig:
    sampling = config.sampling.model_copy(update={"max_tokens": config.sampling.max_tokens + 7})
    return config.model_copy(update={"sampling": sampling})


def test_a_job_left_under_another_configuration_fails_instead_of_mixing(
    slow_fake: tuple[FakeOpenAI, str], tmp_path: Path
) -> None:
    """Restarted with other settings, the service must not finish an old job under them."""
    fake, url = slow_fake
    db, docs = tmp_path / "db.sqlite3", documents(30)
    first = run_config(url, concurrency=2)
    with (
        serve_service(first, db) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        job_id = client.post("/v1/batches", json={"documents": docs}).json()["id"]
        wait_until(lambda: _status(client, job_id)["done"] >= 3, timeout=20)
    with (
        serve_service(_changed(first), db) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        asked = fake.chat_requests
        status = _status(client, job_id)
        time.sleep(0.5)
        idle = fake.chat_requests == asked
        kept = results(client, job_id)
        now = client.post("/v1/extract", json={"text": docs[0]["text"]}).json()
    old_sha, new_sha = kept[0]["config_sha256"], now["config_sha256"]
    assert old_sha != new_sha
    assert status["state"] == "failed", status
    assert old_sha in status["error"] and new_sha in status["error"]
    assert idle  # nothing of the old job was extracted under the new settings
    assert 3 <= len(kept) == status["done"] < len(docs)
    assert {line["config_sha256"] for line in kept} == {old_sha}


def test_a_job_left_under_the_same_configuration_resumes(
    slow_fake: tuple[FakeOpenAI, str], tmp_path: Path
) -> None:
    db, docs = tmp_path / "db.sqlite3", documents(20)
    config = run_config(slow_fake[1], concurrency=2)
    with (
        serve_service(config, db) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        job_id = client.post("/v1/batches", json={"documents": docs}).json()["id"]
        wait_until(lambda: _status(client, job_id)["done"] >= 2, timeout=20)
    with (
        serve_service(config, db) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        status = wait_done(client, job_id)
        lines = results(client, job_id)
    assert status["error"] is None and status["failed"] == 0
    assert [line["id"] for line in lines] == [d["id"] for d in docs]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM results").fetchone() == (len(docs),)


def test_a_database_from_before_job_errors_opens_and_resumes(tmp_path: Path) -> None:
    """Jobs tables written without the `error` column gain it; their jobs stay unfinished."""
    db = tmp_path / "db.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE jobs (id TEXT PRIMARY KEY, created REAL NOT NULL, state TEXT NOT NULL,"
            " total INTEGER NOT NULL, config_sha256 TEXT NOT NULL)"
        )
        conn.execute("INSERT INTO jobs VALUES ('old', 1.0, 'running', 0, 'sha')")
    store = Store(db)
    try:
        progress = store.progress("old")
        unfinished = [job.id for job in store.unfinished_jobs()]
    finally:
        store.close()
    assert progress is not None and progress.error is None and unfinished == ["old"]
