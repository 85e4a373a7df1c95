"""Engine benchmarks (a script, not a test), against the fake endpoint in its own process with
a fixed 200 ms latency, one call per document (the sentence reader on a one-sentence text):

  python bench/engines_bench.py workers [--runs 5] [--workers 1 2]
      200 documents at concurrency 20 (ideal 2.0 s) with the local engine's worker processes:
      the ratio to the ideal per run (target <= 1.25x). The engine is opened once and warmed
      with 20 documents, as a long run would be; its start-up is printed apart.
  python bench/engines_bench.py ray [--docs 2000] [--in-flight 40]
      the same documents, local engine (in process, then 2 workers) against Ray with 2 actors
      at the same in-flight count: wall time each, and the ratio Ray / local.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
sys.path.append(str(ROOT / "tests"))

from pipeline_bench import fake_server_process  # noqa: E402

from extractor.batch import run_batch  # noqa: E402
from extractor.config import RunConfig  # noqa: E402
from extractor.documents import Document  # noqa: E402
from extractor.engines import Engine  # noqa: E402
from extractor.engines.local import LocalEngine  # noqa: E402
from extractor.pipeline import Pipeline  # noqa: E402


def _docs(count: int, prefix: str) -> list[Document]:
    return [Document(f"{prefix}{i:05d}", f"Acme{i} shipped goods.", "bench") for i in range(count)]


def _config(url: str, tmp: str, in_flight: int, **engine: object) -> RunConfig:
    return RunConfig.model_validate(
        {
            "provider": {"kind": "openai", "model": "fake", "base_url": url},
            "cache": {"mode": "off", "dir": tmp},
            "concurrency": in_flight,
            "extraction": {"strategy": "sentences"},
            "engine": engine,
        }
    )


async def _timed(pipeline: Pipeline, engine: Engine, docs: list[Document], out: Path) -> float:
    started = time.perf_counter()
    summary = await run_batch(pipeline, docs, out, progress=False, overwrite=True, engine=engine)
    wall = time.perf_counter() - started
    assert summary.failed == 0 and summary.ok == len(docs), summary.text()
    return wall


def workers(runs: int, counts: list[int]) -> None:
    docs, warm = _docs(200, "d"), _docs(20, "w")
    with fake_server_process() as url, tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            pipeline = Pipeline.from_config(_config(url, tmp, 20))

            async def measure(pipeline: Pipeline = pipeline, count: int = count) -> list[float]:
                started = time.perf_counter()
                async with LocalEngine(pipeline, workers=count) as engine:
                    await _timed(pipeline, engine, warm, Path(tmp) / "warm")
                    ready = time.perf_counter() - started
                    print(f"workers {count}: start-up and warm-up {ready:.2f} s")
                    return [
                        await _timed(pipeline, engine, docs, Path(tmp) / "out") for _ in range(runs)
                    ]

            ratios = [wall / 2.0 for wall in asyncio.run(measure())]
            print(
                f"workers {count}: 200 documents, concurrency 20, 200 ms a call: "
                f"{', '.join(f'{r:.2f}x' for r in ratios)} the ideal 2.0 s "
                f"(median {statistics.median(ratios):.2f}x, min {min(ratios):.2f}x, "
                f"max {max(ratios):.2f}x; target <= 1.25x)"
            )


def ray_vs_local(count: int, in_flight: int) -> None:
    from extractor.engines.ray import RayEngine

    docs = _docs(count, "d")
    ideal = count / in_flight * 0.2
    with fake_server_process() as url, tempfile.TemporaryDirectory() as tmp:
        results: dict[str, float] = {}
        for label, engine_settings in (
            ("local, in process", {"workers": 1}),
            ("local, 2 workers", {"workers": 2}),
            ("ray, 2 actors", {"kind": "ray", "actors": 2, "local_cpus": 4}),
        ):
            pipeline = Pipeline.from_config(_config(url, tmp, in_flight, **engine_settings))

            async def measure(pipeline: Pipeline = pipeline, label: str = label) -> float:
                started = time.perf_counter()
                engine: Engine = (
                    RayEngine(pipeline)
                    if pipeline.config.engine.kind == "ray"
                    else LocalEngine(pipeline, documents=count)
                )
                async with engine:
                    await _timed(pipeline, engine, _docs(20, "w"), Path(tmp) / "warm")
                    print(f"{label}: start-up and warm-up {time.perf_counter() - started:.1f} s")
                    return await _timed(pipeline, engine, docs, Path(tmp) / "out")

            results[label] = asyncio.run(measure())
            print(
                f"{label}: {count} documents, {in_flight} in flight: {results[label]:.1f} s "
                f"({results[label] / ideal:.2f}x the ideal {ideal:.1f} s)"
            )
        base = results["local, in process"]
        for label, wall in results.items():
            print(f"{label}: {wall / base:.2f}x the in-process local engine's wall time")


if __name__ == "__main__":
    os.environ.setdefault("OPENAI_API_KEY", "not-needed-for-the-fake")
    os.environ.setdefault("RAY_DATA_EXECUTION_NO_PROGRESS_TIMEOUT_S", "120")
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="which", required=True)
    w = sub.add_parser("workers")
    w.add_argument("--runs", type=int, default=5)
    w.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    r = sub.add_parser("ray")
    r.add_argument("--docs", type=int, default=2000)
    r.add_argument("--in-flight", type=int, default=40)
    args = parser.parse_args()
    if args.which == "workers":
        workers(args.runs, args.workers)
    else:
        ray_vs_local(args.docs, args.in_flight)
