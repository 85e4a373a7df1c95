"""Scoring a matrix folder and writing its pages: `python -m extractor_eval.matrix_cli OUT`, and
the second half of `extractor matrix` (which runs the cells first).

Writes OUT/matrix.html (the page), OUT/summary.md (the pull-request comment), OUT/matrix.json's
scored twin OUT/matrix-report.json, and each cell's own report.html and report.json. With
--baseline it gates every cell against the committed matrix baseline; exit codes: 0 success,
1 the gate failed or a cell has failed documents, 2 unusable inputs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from extractor_eval.baseline import DEFAULT_TOLERANCE
from extractor_eval.config import ScoringConfig
from extractor_eval.loading import InputError, load_gold_dir
from extractor_eval.matrix import (
    ScoredCell,
    cell_dir,
    dump_matrix_baseline,
    gate_matrix,
    load_matrix_baseline,
    matrix_baseline,
    score_matrix,
)
from extractor_eval.matrix_html import render_matrix_html
from extractor_eval.matrix_model import MatrixGate, MatrixReport
from extractor_eval.matrix_text import render_matrix
from extractor_eval.provenance import run_meta
from extractor_eval.report_html import render_html
from extractor_eval.runtime import bulk_allocation

PAGE, SUMMARY, REPORT = "matrix.html", "summary.md", "matrix-report.json"


@dataclass(frozen=True)
class MatrixEvalOptions:
    """Everything that decides how a matrix folder is scored, gated and shown."""

    out: Path
    gold: Path
    seeds: Path | None = None
    """Article texts <doc_id>.txt for the cells' HTML reports."""
    baseline: Path | None = None
    tolerance: float = DEFAULT_TOLERANCE
    accept: frozenset[str] = frozenset()
    update_baseline: bool = False
    quiet: bool = False
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    argv: Sequence[str] = ()


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def _cell_pages(
    options: MatrixEvalOptions, gold: Mapping[str, BaseModel], scored: Sequence[ScoredCell]
) -> None:
    for s in scored:
        folder = cell_dir(options.out, s.planned.id)
        _write(folder / "report.json", s.report.model_dump_json(indent=2) + "\n")
        _write(folder / "report.html", render_html(s.report, gold, s.run, options.seeds))


def _gate(options: MatrixEvalOptions, scored: Sequence[ScoredCell]) -> MatrixGate | None:
    if options.baseline is None or options.update_baseline:
        return None
    return gate_matrix(
        matrix_baseline(scored),
        load_matrix_baseline(options.baseline),
        options.tolerance,
        options.accept,
    )


def evaluate_matrix(options: MatrixEvalOptions) -> int:
    """Score, write every page, gate; the exit code (a message on stderr when 2)."""
    try:
        with bulk_allocation():
            gold = load_gold_dir(options.gold)
            meta = run_meta(list(options.argv or sys.argv))
            report, scored = score_matrix(options.out, gold, options.gold, options.scoring, meta)
        result = _gate(options, scored)
    except (InputError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _cell_pages(options, gold, scored)
    _write(options.out / REPORT, report.model_dump_json(indent=2) + "\n")
    _write(options.out / PAGE, render_matrix_html(report, result))
    _write(options.out / SUMMARY, render_matrix(report, result, markdown=True))
    if options.update_baseline and options.baseline is not None:
        _write(options.baseline, dump_matrix_baseline(matrix_baseline(scored)))
        print(f"matrix baseline written: {options.baseline}")
    if not options.quiet:
        print(render_matrix(report, result), end="")
    print(f"wrote {options.out / PAGE} and {options.out / SUMMARY}")
    return exit_code(report, result)


def exit_code(report: MatrixReport, result: MatrixGate | None) -> int:
    """1 when the gate failed or any cell failed or lost documents: never a quiet success."""
    failed = any(c.status == "failed" or c.cost.failed_documents for c in report.cells)
    return 1 if failed or (result is not None and not result.passed) else 0


def add_eval_options(parser: argparse.ArgumentParser) -> None:
    """Options shared with `extractor matrix`."""
    parser.add_argument("--seeds", type=Path, help="article texts for the cells' HTML reports")
    parser.add_argument("--baseline", type=Path, help="matrix baseline JSON to gate against")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument("--accept", action="append", default=[], metavar="ITEM_KEY")
    parser.add_argument(
        "--update-baseline", action="store_true", help="write this matrix as the --baseline"
    )
    parser.add_argument("--quiet", action="store_true", help="no terminal summary")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m extractor_eval.matrix_cli", description=__doc__
    )
    parser.add_argument("out", type=Path, help="matrix folder (holds matrix.json and cells/)")
    parser.add_argument("--gold", type=Path, default=Path("gold"))
    add_eval_options(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.update_baseline and args.baseline is None:
        print("error: --update-baseline needs --baseline FILE", file=sys.stderr)
        return 2
    return evaluate_matrix(
        MatrixEvalOptions(
            out=args.out,
            gold=args.gold,
            seeds=args.seeds,
            baseline=args.baseline,
            tolerance=args.tolerance,
            accept=frozenset(args.accept),
            update_baseline=args.update_baseline,
            quiet=args.quiet,
            argv=sys.argv if argv is None else argv,
        )
    )


if __name__ == "__main__":
    raise SystemExit(main())
