"""Load on `extractor serve`: latency percentiles of POST /v1/extract under concurrency.

Run: .venv/bin/python bench/service_load.py [--docs 40] [--requests 300] [--levels 1,8,32]

Two phases, both against a real `extractor serve` subprocess:
1. record: the service calls the fake OpenAI-compatible endpoint (tests/support/fake_openai.py)
   with a fixed 200 ms latency per call and records cassettes; this is the live figure.
2. replay: the service restarts with `--cache replay` on those cassettes, so the load measures
   the service and pipeline alone (HTTP, validation, isolation, grounding, SQLite-free path),
   with no model in the loop. This is the figure the issue asks for.
A script, not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


# The project's packages first, then tests/ for `support` (tests/ mirrors package names, so it
# must come after the real ones), as in bench/pipeline_bench.py.
sys.path[:0] = [str(ROOT)]
sys.path.append(str(ROOT / "tests"))
from support.corpus import article, cli_run_args, write_retry_config  # noqa: E402
from support.fake_openai import FakeSettings, serve_fake  # noqa: E402
from support.procs import start_cli, stop, wait_ready  # noqa: E402
from support.servers import free_port  # noqa: E402


@dataclass
class Level:
    concurrency: int
    requests: int
    wall_s: float
    latencies: list[float]
    statuses: dict[int, int]

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "concurrency": self.concurrency,
            "requests": self.requests,
            "p50_ms": round(1000 * statistics.median(ordered), 1),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
            "p99_ms": round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 1),
            "throughput_rps": round(self.requests / self.wall_s, 1),
            "statuses": self.statuses,
        }


async def _load(base: str, texts: list[str], requests: int, concurrency: int) -> Level:
    """`requests` POSTs, at most `concurrency` in flight, texts taken in turn."""
    slots = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def one(n: int) -> None:
            async with slots:
                started = time.perf_counter()
                response = await client.post(
                    "/v1/extract", json={"text": texts[n % len(texts)], "id": f"d{n % len(texts)}"}
                )
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(requests)))
    return Level(concurrency, requests, time.perf_counter() - started, latencies, statuses)


def _serve(work: Path, url: str, cache: str, concurrency: int) -> tuple[Any, str]:
    port = free_port()
    args = [
        "serve",
        "--port",
        str(port),
        "--db",
        str(work / f"{cache}.sqlite3"),
        *cli_run_args(url, write_retry_config(work), cache),
        "--cache-dir",
        str(work / "cassettes"),
        "--concurrency",
        str(concurrency),
        "--log-level",
        "warning",
    ]
    process = start_cli(args, work / f"{cache}.log")
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, process)
    return process, base


def _phase(
    work: Path,
    url: str,
    cache: str,
    texts: list[str],
    plan: list[tuple[int, int]],
    server_concurrency: int,
) -> list[dict[str, Any]]:
    process, base = _serve(work, url, cache, server_concurrency)
    try:
        return [asyncio.run(_load(base, texts, n, c)).summary() for c, n in plan]
    finally:
        stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40, help="distinct articles")
    parser.add_argument("--requests", type=int, default=300, help="requests per level")
    parser.add_argument("--levels", default="1,8,32", help="client concurrency levels")
    parser.add_argument("--latency", type=float, default=0.2, help="fake model latency (s)")
    args = parser.parse_args(argv)
    texts = [article(n) for n in range(args.docs)]
    levels = [int(c) for c in args.levels.split(",")]
    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_fake(FakeSettings(latency_s=args.latency)) as (fake, url),
    ):
        work = Path(tmp)
        record = _phase(work, url, "record", texts, [(10, args.docs)], 10)
        calls = fake.chat_requests
        replay = _phase(work, url, "replay", texts, [(c, args.requests) for c in levels], 32)
        assert fake.chat_requests == calls, "replay must not call the model"
    report = {
        "fake_latency_s": args.latency,
        "docs": args.docs,
        "model_calls_recorded": calls,
        "record_live": record,
        "replay": replay,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
