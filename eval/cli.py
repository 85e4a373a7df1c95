"""`eval` and `compare` subcommands, for the `extractor` CLI and for `python -m extractor_eval`.

Exit codes: 0 success; 1 the baseline gate failed; 2 unusable inputs (no gold, missing files).
Scoring only reads files, so re-scoring a run never needs a model.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from extractor_eval.baseline import (
    DEFAULT_TOLERANCE,
    baseline_of,
    gate,
    load_baseline,
    write_baseline,
)
from extractor_eval.compare import compare_runs
from extractor_eval.config import ScoringConfig
from extractor_eval.loading import InputError, load_gold_dir, load_run
from extractor_eval.provenance import run_meta
from extractor_eval.report import build_report
from extractor_eval.report_compare_html import render_compare_html
from extractor_eval.report_html import render_html
from extractor_eval.report_text import render_compare, render_gate, render_markdown, render_text
from extractor_eval.runtime import bulk_allocation
from extractor_eval.score import score_run
from extractor_schemas.markers import SchemaError
from extractor_schemas.tasks import Task, TaskError, load_task

Handler = Callable[[argparse.Namespace], int]


def add_subcommands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `eval` and `compare`; each sets `func`, a handler returning the exit code."""
    _add_eval(
        subparsers.add_parser(
            "eval",
            help="score predictions against gold",
            description=(
                "Score a predictions.jsonl or a folder of <doc_id>.json records against gold."
            ),
        )
    )
    _add_compare(
        subparsers.add_parser(
            "compare",
            help="paired comparison of two runs on the same gold",
            description=(
                "Compare run B against run A: per-type ΔF1 in every scheme with paired "
                "intervals and permutation p-values, and the gold items gained and lost."
            ),
        )
    )


def _scoring_options(parser: argparse.ArgumentParser) -> None:
    defaults = ScoringConfig()
    group = parser.add_argument_group("scoring")
    group.add_argument(
        "--task",
        help="task name or folder whose schema reads the records (default: the seed task); "
        "its gold and corpus are the defaults of --gold and --seeds",
    )
    group.add_argument("--gold", type=Path, help="gold folder (the task's: gold/ for the seeds)")
    group.add_argument(
        "--derived-specs",
        action="store_true",
        help="score with the specs derived from the schema's markers only, ignoring the "
        "hand-tuned ones a schema registers (the seed schema's)",
    )
    group.add_argument("--min-similarity", type=float, default=defaults.min_similarity)
    group.add_argument(
        "--fuzzy-threshold",
        type=float,
        default=defaults.fuzzy_threshold,
        help="name/text equality threshold, 0-1 (%(default)s)",
    )
    group.add_argument(
        "--figure-tolerance",
        type=float,
        default=defaults.figure_rel_tolerance,
        help="relative distance of a figure's value from gold within which it can be aligned "
        "(%(default)s)",
    )
    group.add_argument(
        "--figure-value-tolerance",
        type=float,
        default=defaults.figure_value_tolerance,
        help="relative tolerance for an aligned figure's value to be right; by default it must "
        "equal gold at the precision gold's raw text states",
    )
    group.add_argument(
        "--interval",
        choices=("auto", "jackknife_t", "percentile_bootstrap"),
        default=defaults.interval_method,
        help="interval method (%(default)s: jackknife-t below "
        f"{defaults.small_sample_documents} documents, percentile bootstrap above)",
    )
    group.add_argument("--permutations", type=int, default=defaults.permutations)
    group.add_argument("--resamples", type=int, default=defaults.bootstrap_resamples)
    group.add_argument("--seed", type=int, default=defaults.bootstrap_seed)


def _add_eval(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pred",
        type=Path,
        required=True,
        help="predictions.jsonl, a run folder holding one, or a folder of <doc_id>.json records",
    )
    _scoring_options(parser)
    out = parser.add_argument_group("outputs")
    out.add_argument(
        "--seeds",
        type=Path,
        help="article texts <doc_id>.txt for the HTML report (the task's corpus: seeds/)",
    )
    out.add_argument("--json", type=Path, help="write the machine-readable report here")
    out.add_argument("--markdown", type=Path, help="write a Markdown report here")
    out.add_argument("--html", type=Path, help="write a self-contained HTML report here")
    out.add_argument(
        "--max-failures",
        type=int,
        default=20,
        help="failure rows shown in the terminal (%(default)s; all in files)",
    )
    out.add_argument("--quiet", action="store_true", help="no terminal report")
    gate_group = parser.add_argument_group("baseline gate")
    gate_group.add_argument("--baseline", type=Path, help="baseline JSON to gate against")
    gate_group.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="allowed F1 drop before failing (%(default)s; use 0 for exact replays)",
    )
    gate_group.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="ITEM_KEY",
        help="a lost gold item ('doc | type | label', as the gate prints it) that was reviewed "
        "and may be lost; repeatable",
    )
    gate_group.add_argument(
        "--update-baseline",
        action="store_true",
        help="write this run as the new --baseline instead of gating",
    )
    parser.set_defaults(func=run_eval)


def _add_compare(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_a", type=Path, help="run A (predictions.jsonl or folder)")
    parser.add_argument("run_b", type=Path, help="run B (predictions.jsonl or folder)")
    _scoring_options(parser)
    parser.add_argument("--json", type=Path, help="write the comparison as JSON here")
    parser.add_argument("--html", type=Path, help="write a self-contained HTML comparison here")
    parser.add_argument("--markdown", type=Path, help="write a Markdown comparison here")
    parser.set_defaults(func=run_compare)


def _task(args: argparse.Namespace) -> Task:
    """The task --task names (the seed task by default), with --gold and --seeds defaulted to
    its folders; an unusable task is an input error naming the file, model and field."""
    try:
        task = load_task(args.task)
    except (TaskError, SchemaError) as exc:
        raise InputError(str(exc)) from None
    if args.gold is None:
        args.gold = task.gold_dir
    if getattr(args, "seeds", False) is None:
        args.seeds = task.corpus_dir
    return task


def _config(args: argparse.Namespace) -> ScoringConfig:
    return ScoringConfig(
        spec_overrides=not args.derived_specs,
        min_similarity=args.min_similarity,
        fuzzy_threshold=args.fuzzy_threshold,
        figure_rel_tolerance=args.figure_tolerance,
        figure_value_tolerance=args.figure_value_tolerance,
        interval_method=args.interval,
        permutations=args.permutations,
        bootstrap_resamples=args.resamples,
        bootstrap_seed=args.seed,
    )


def _write(path: Path | None, content: str) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def run_eval(args: argparse.Namespace) -> int:
    if args.update_baseline and args.baseline is None:
        return _error("--update-baseline needs --baseline FILE")
    with bulk_allocation():
        try:
            root = _task(args).root
            gold, run = load_gold_dir(args.gold, root), load_run(args.pred, root)
        except InputError as exc:
            return _error(str(exc))
        config = _config(args)
        report = build_report(
            gold, run, score_run(gold, run, config), config, run_meta(sys.argv), args.gold
        )
    if not args.quiet:
        print(render_text(report, args.max_failures))
    _write(args.json, report.model_dump_json(indent=2) + "\n")
    _write(args.markdown, render_markdown(report))
    seeds = args.seeds if args.seeds.is_dir() else None
    _write(args.html, render_html(report, gold, run, seeds) if args.html else "")
    current = baseline_of(report)
    if args.update_baseline:
        write_baseline(args.baseline, current)
        print(f"baseline written: {args.baseline}")
        return 0
    if args.baseline is None:
        return 0
    try:
        result = gate(current, load_baseline(args.baseline), args.tolerance, set(args.accept))
    except (OSError, ValueError) as exc:
        return _error(f"cannot read baseline {args.baseline}: {exc}")
    print(render_gate(result))
    return 0 if result.passed else 1


def run_compare(args: argparse.Namespace) -> int:
    with bulk_allocation():
        try:
            root = _task(args).root
            gold = load_gold_dir(args.gold, root)
            run_a, run_b = load_run(args.run_a, root), load_run(args.run_b, root)
        except InputError as exc:
            return _error(str(exc))
        report = compare_runs(gold, run_a, run_b, _config(args), run_meta(sys.argv), args.gold)
    print(render_compare(report))
    _write(args.json, report.model_dump_json(indent=2) + "\n")
    _write(args.markdown, render_compare(report, markdown=True))
    _write(args.html, render_compare_html(report) if args.html else "")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m extractor_eval", description=__doc__)
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.func
    try:
        return handler(args)
    except (
        BrokenPipeError
    ):  # `python -m extractor_eval … | head`: the reader left, which is no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
