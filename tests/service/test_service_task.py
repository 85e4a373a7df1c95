"""`serve --task`: the service answers for the configured task. /v1/schema is that task's record
schema, /v1/extract's answer and the OpenAPI document carry that task's record, and a batch
streams that task's lines: here the funding task against the oracle endpoint."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from support.oracle_openai import OracleSettings, serve_oracle
from support.service_app import results, serve_service, wait_done

from extractor.config import RunConfig
from extractor_schemas.prediction import line_type
from extractor_schemas.tasks import load_task

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parents[2]
TASK = ROOT / "tasks" / "funding"


def _config(url: str) -> RunConfig:
    return RunConfig.model_validate(
        {
            "provider": {"kind": "openai", "model": "oracle", "base_url": url},
            "cache": {"mode": "off"},
            "extraction": {"strategy": "document"},
            "task": str(TASK),
        }
    )


def test_the_service_serves_the_configured_task(tmp_path: Path) -> None:
    task = load_task(str(TASK))
    text = (TASK / "corpus" / "fund_002.txt").read_text(encoding="utf-8")
    oracle = serve_oracle(OracleSettings(gold_dir=TASK / "gold"))
    with oracle as (_, url), serve_service(_config(url), tmp_path / "s.sqlite3") as server:
        client = httpx.Client(base_url=server.url, timeout=60)
        schema = client.get("/v1/schema").json()
        answer = client.post("/v1/extract", json={"id": "fund_002", "text": text})
        openapi = client.get("/openapi.json").json()
        job = client.post("/v1/batches", json={"documents": [{"id": "fund_002", "text": text}]})
        wait_done(client, job.json()["id"])
        streamed = results(client, job.json()["id"])
    assert schema == task.json_schema()
    assert schema["title"] == "FundingRecord"
    assert answer.status_code == 200, answer.text
    line = line_type(task.root).model_validate(answer.json())
    assert line.error is None and line.record is not None
    assert [s.name for s in line.record.startups] == ["Kestrel Health Technologies Ltd"]
    assert len(line.record.rounds) == 2
    assert "FundingRecord" in openapi["components"]["schemas"]
    assert "ArticleRecord" not in openapi["components"]["schemas"]
    assert [row["record"] for row in streamed] == [answer.json()["record"]]
