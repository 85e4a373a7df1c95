"""Start-up cost of the real `extractor` command (a script, not a test):

    python bench/startup_bench.py [--runs N] [help] [replay]

Each command runs N times as a child process; CPU-seconds are the child's user + system time from
`resource.getrusage(RUSAGE_CHILDREN)` (so imports, model-file hashing and the run itself all
count, as they do in CI), wall time is measured around the process. Targets: `extractor --help`
under 0.3 CPU-seconds; a replay of the five seeds under 1.5 s for the whole process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRACTOR = str(Path(sys.executable).parent / "extractor")


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    target_cpu_s: float | None
    target_wall_s: float | None


def cases(out: Path) -> dict[str, Case]:
    replay = ("extract", "--cache", "replay", "--out", str(out), "--overwrite", "--quiet")
    return {
        "help": Case("extractor --help", ("--help",), 0.3, None),
        "replay": Case("replay of the five seeds", replay, None, 1.5),
    }


@dataclass(frozen=True)
class Sample:
    cpu_s: float
    wall_s: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: tuple[str, ...]) -> Sample:
    """One run of the real command; a failing command stops the benchmark (no silent zeros)."""
    cpu, wall = _children_cpu(), time.perf_counter()
    done = subprocess.run([EXTRACTOR, *argv], cwd=ROOT, capture_output=True, check=False)
    sample = Sample(_children_cpu() - cpu, time.perf_counter() - wall)
    if done.returncode != 0:
        raise SystemExit(f"{EXTRACTOR} {' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return sample


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} (min {min(values):.3f}, max {max(values):.3f})"


def report(case: Case, samples: list[Sample]) -> str:
    cpu = [s.cpu_s for s in samples]
    wall = [s.wall_s for s in samples]
    lines = [
        f"{case.name} ({len(samples)} runs): extractor {' '.join(case.argv)}",
        f"  CPU-seconds  {_spread(cpu)}",
        f"  wall seconds {_spread(wall)}",
    ]
    if case.target_cpu_s is not None:
        met = statistics.median(cpu) < case.target_cpu_s
        lines.append(
            f"  target: under {case.target_cpu_s} CPU-seconds: {'met' if met else 'MISSED'}"
        )
    if case.target_wall_s is not None:
        met = statistics.median(wall) < case.target_wall_s
        lines.append(f"  target: under {case.target_wall_s} s wall: {'met' if met else 'MISSED'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="*", help="help, replay (default: both)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        table = cases(Path(tmp) / "replay")
        unknown = set(args.which) - set(table)
        if unknown:
            parser.error(f"unknown case(s) {sorted(unknown)} (known: {sorted(table)})")
        for name in args.which or list(table):
            case = table[name]
            run_once(case.argv)  # warm the page cache; not counted
            print(report(case, [run_once(case.argv) for _ in range(args.runs)]))


if __name__ == "__main__":
    main()
