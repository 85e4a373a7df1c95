"""Benchmark: score 100, 1,000 and 10,000 synthetic seed-sized documents and print the times.

Not a test (timings depend on the machine). Files are written first, untimed, then every stage
the CLI runs is timed: loading and validating gold and predictions, scoring, building the report
(including both bootstrap intervals) and serialising it. Growth should be linear in documents.

    python -m extractor_eval.bench [--sizes 100 1000 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from extractor_eval.config import ScoringConfig
from extractor_eval.loading import load_gold_dir, load_run
from extractor_eval.provenance import run_meta
from extractor_eval.report import build_report
from extractor_eval.runtime import bulk_allocation
from extractor_eval.score import score_run
from extractor_eval.synthetic import gold_doc, predicted_doc, prediction_line

T = TypeVar("T")


def write_corpus(root: Path, n: int, seed: int) -> tuple[Path, Path]:
    """n gold files and one predictions.jsonl under root."""
    rng = random.Random(seed)
    gold_dir, pred = root / "gold", root / "predictions.jsonl"
    gold_dir.mkdir()
    with pred.open("w", encoding="utf-8") as lines:
        for k in range(n):
            doc_id = f"syn_{k:06d}"
            gold = gold_doc(rng, doc_id)
            (gold_dir / f"{doc_id}.json").write_text(json.dumps(gold), encoding="utf-8")
            line = prediction_line(rng, doc_id, predicted_doc(rng, gold))
            lines.write(json.dumps(line) + "\n")
    return gold_dir, pred


def timed(stages: dict[str, float], name: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    stages[name] = time.perf_counter() - start
    return result


def bench_one(n: int, seed: int) -> dict[str, float]:
    config = ScoringConfig()
    with tempfile.TemporaryDirectory() as tmp:
        gold_dir, pred = write_corpus(Path(tmp), n, seed)
        stages: dict[str, float] = {}
        with bulk_allocation():  # as the CLI does
            gold = timed(stages, "load gold", lambda: load_gold_dir(gold_dir))
            run = timed(stages, "load run", lambda: load_run(pred))
            results = timed(stages, "score", lambda: score_run(gold, run, config))
            report = timed(
                stages,
                "report+bootstrap",
                lambda: build_report(gold, run, results, config, run_meta([]), gold_dir),
            )
            timed(stages, "json", lambda: report.model_dump_json(indent=2))
    stages["total"] = sum(stages.values())
    stages["f1"] = report.micro.score.strict.f1
    return stages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor_eval.bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"cpus: {os.cpu_count()} (scoring runs in one process)")
    columns = ["load gold", "load run", "score", "report+bootstrap", "json", "total"]
    print(f"{'docs':>7}  " + "  ".join(f"{c:>16}" for c in columns) + f"  {'ms/doc':>7}  F1")
    for n in args.sizes:
        stages = bench_one(n, args.seed)
        cells = "  ".join(f"{stages[c]:>15.2f}s" for c in columns)
        print(
            f"{n:>7}  {cells}  {1000 * stages['total'] / n:>7.2f}  {stages['f1']:.3f}", flush=True
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
