"""Replaying recorded answers through the service: a corrupt cassette is a server error that
names its cause, never a 200 with facts missing; a replay miss stays a 502 beside it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from support.corpus import article, run_config
from support.fake_openai import serve_fake
from support.service_app import serve_service

pytestmark = pytest.mark.server


def test_corrupt_cassette_is_500_and_a_miss_beside_it_is_502(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    with serve_fake() as (_, url):
        record = run_config(url, cache_mode="record", cache_dir=cassettes)
        with serve_service(record, tmp_path / "record.sqlite3") as server:
            recorded = httpx.post(f"{server.url}/v1/extract", json={"text": article(0)})
    assert recorded.status_code == 200
    entries = sorted(cassettes.rglob("*.json"))
    assert entries
    for entry in entries:  # torn, as by a disk that filled up mid-write
        entry.write_bytes(entry.read_bytes()[:40])
    replay = run_config("http://127.0.0.1:9/v1", cache_mode="replay", cache_dir=cassettes)
    with serve_service(replay, tmp_path / "replay.sqlite3") as server:
        corrupt = httpx.post(f"{server.url}/v1/extract", json={"text": article(0)})
        missed = httpx.post(f"{server.url}/v1/extract", json={"text": article(1)})
    assert corrupt.status_code == 500, corrupt.text
    error = corrupt.json()["error"]
    assert error.startswith("CacheError")
    assert any(entry.stem in error for entry in entries)  # names the file
    assert missed.status_code == 502, missed.text
    assert missed.json()["error"].startswith("CacheMissError: replay miss")
