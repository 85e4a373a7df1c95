"""`extractor matrix CONFIG.toml`: run every cell, then score, compare, gate and summarise.

The parser uses the standard library only; the runner (instructor, openai) and the scorer
(scipy) are imported when the command runs, like every other subcommand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_USAGE = 2


def add_matrix(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Registers `matrix` on the main parser (called by extractor.cli.build_parser)."""
    matrix = subparsers.add_parser(
        "matrix",
        help="run a matrix of prompt sets × providers × strategies × sampling × repeats",
        description=__doc__,
    )
    matrix.add_argument("config", type=Path, help="matrix file (TOML), e.g. matrices/seeds.toml")
    matrix.add_argument(
        "--out", type=Path, help="matrix folder (default runs/matrix/<matrix name>)"
    )
    matrix.add_argument(
        "--cache",
        choices=["auto", "replay", "record", "off"],
        help="cache mode of every cell (default: each cell's own, auto)",
    )
    matrix.add_argument("--cache-dir", type=Path, help="cassette folder of every cell")
    matrix.add_argument("--concurrency", type=int, help="cells at once (default: the file's)")
    matrix.add_argument(
        "--fresh", action="store_true", help="redo every cell (unchanged calls still replay)"
    )
    matrix.add_argument("--seeds", type=Path, help="article texts for the cells' HTML reports")
    matrix.add_argument("--baseline", type=Path, help="matrix baseline JSON to gate against")
    matrix.add_argument("--tolerance", type=float, default=0.005, help="allowed F1 drop")
    matrix.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="ITEM_KEY",
        help="a lost gold item that was reviewed and may be lost; repeatable",
    )
    matrix.add_argument(
        "--update-baseline", action="store_true", help="write this matrix as the --baseline"
    )
    matrix.add_argument("--quiet", action="store_true", help="no progress and no summary")
    matrix.set_defaults(func=matrix_command)


def _seeds(given: Path | None, documents: list[Path]) -> Path | None:
    """Texts for the cells' reports: the flag, else the first document folder."""
    if given is not None:
        return given
    return next((p for p in documents if p.is_dir()), None)


def matrix_command(args: argparse.Namespace) -> int:
    try:
        import asyncio

        from extractor.config import CacheMode
        from extractor.matrix.config import MatrixConfigError, load_matrix
        from extractor.matrix.runner import RunOptions, run_matrix
        from extractor.providers.base import redact_logs
        from extractor_eval.matrix_cli import MatrixEvalOptions, evaluate_matrix
    except ModuleNotFoundError as exc:
        from extractor.cli import missing_dependency

        return missing_dependency("matrix", exc)
    redact_logs()  # the HTTP clients' warnings name endpoint URLs, credentials included
    if args.update_baseline and args.baseline is None:
        print("extractor matrix: error: --update-baseline needs --baseline FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        matrix = load_matrix(args.config)
    except MatrixConfigError as exc:
        print(f"extractor matrix: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out = args.out or Path("runs/matrix") / matrix.name
    options = RunOptions(
        out=out,
        cache_mode=CacheMode(args.cache) if args.cache else None,
        cache_dir=args.cache_dir,
        concurrency=args.concurrency,
        fresh=args.fresh,
        progress=not args.quiet,
    )
    plan = asyncio.run(run_matrix(matrix, options))
    for cell in plan.cells:
        if cell.error is not None:
            print(f"extractor matrix: cell {cell.id} failed: {cell.error}", file=sys.stderr)
    return evaluate_matrix(
        MatrixEvalOptions(
            out=out,
            gold=matrix.gold,
            seeds=_seeds(args.seeds, matrix.documents),
            baseline=args.baseline,
            tolerance=args.tolerance,
            accept=frozenset(args.accept),
            update_baseline=args.update_baseline,
            quiet=args.quiet,
            argv=sys.argv,
        )
    )
