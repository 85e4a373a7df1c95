"""Contract tests: schemathesis generates requests from the served OpenAPI document.

Whatever it sends (valid bodies, wrong types, odd unicode, missing fields, bad paths), the
service must answer as documented and never with a 5xx. The pipeline behind it is real,
backed by the fake endpoint, and the bearer token is on, so auth is part of the contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from support.corpus import run_config
from support.fake_openai import serve_fake
from support.service_app import serve_service

from extractor.service.settings import ServiceSettings

pytestmark = pytest.mark.server
TOKEN = "contract-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db: Path = tmp_path_factory.mktemp("contract") / "service.sqlite3"
    with (
        serve_fake() as (_, url),
        serve_service(
            run_config(url, concurrency=4), db, ServiceSettings(api_token=TOKEN)
        ) as server,
    ):
        yield server.url


OPERATIONS = [
    ("POST", "/v1/extract"),
    ("POST", "/v1/batches"),
    ("GET", "/v1/batches/{job_id}"),
    ("GET", "/v1/batches/{job_id}/results"),
    ("GET", "/v1/schema"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
]
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# Probes take no input at all, so no negative request exists for them.
CASES = [
    (m, p, mode)
    for m, p in OPERATIONS
    for mode in (POSITIVE, NEGATIVE)
    if mode is POSITIVE or p not in ("/healthz", "/readyz")
]
# Schema-valid bodies the service refuses on purpose (422): whitespace-only or HTML-only text,
# text over the size cap, repeated document ids. JSON Schema cannot say these, so the
# positive-data-acceptance check is off; every other built-in check, 5xx first, applies.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@pytest.fixture(scope="module")
def api_schema(live_url: str) -> Any:
    return schemathesis.openapi.from_url(f"{live_url}/openapi.json")


def test_every_operation_is_covered(api_schema: Any) -> None:
    served = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert served == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_generated_request_gets_a_5xx(
    api_schema: Any, method: str, path: str, mode: GenerationMode
) -> None:
    """25 positive and 25 negative examples per operation, every built-in check applied."""
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=AUTH, excluded_checks=EXCLUDED)

    run()
