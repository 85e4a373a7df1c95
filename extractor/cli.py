"""The `extractor` command: schema, extract, eval, compare, serve, gold.

Flags override the configuration file, which overrides the defaults; the resulting RunConfig
is the single object every part of a run is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from extractor.config import CacheMode, RunConfig, load_config

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _schema(args: argparse.Namespace) -> int:
    from extractor_schemas import SCHEMA_VERSION, ArticleRecord

    schema = ArticleRecord.model_json_schema()
    schema["$comment"] = f"extractor schema version {SCHEMA_VERSION}"
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK


def _overrides(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Only the flags the user gave, as nested config sections."""
    sections: dict[str, dict[str, Any]] = {"provider": {}, "cache": {}, "extraction": {}}
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
    }.items():
        value = getattr(args, flag, None)
        if value is not None:
            sections[section][key] = value
    if getattr(args, "no_isolate", False):
        sections["extraction"]["isolate"] = False
    return sections


def build_config(args: argparse.Namespace) -> RunConfig:
    base = load_config(args.config).model_dump()
    for section, values in _overrides(args).items():
        base[section].update(values)
    if getattr(args, "concurrency", None) is not None:
        base["concurrency"] = args.concurrency
    return RunConfig.model_validate(base)


def _extract(args: argparse.Namespace) -> int:
    from extractor.batch import OutputExistsError, Summary, run_batch
    from extractor.documents import read_inputs
    from extractor.pipeline import Pipeline
    from extractor.providers.base import ProviderConfigError

    config = build_config(args)
    paths = args.paths or [Path("seeds")]

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
    except (ProviderConfigError, OutputExistsError, ValueError) as exc:
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
    parser.add_argument("--provider", choices=["embedded", "openai"])
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="extractor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("schema", help="print the JSON Schema of a record").set_defaults(func=_schema)

    extract = sub.add_parser("extract", help="extract records from files, folders or JSONL")
    extract.add_argument("paths", nargs="*", type=Path, help="inputs (default: seeds/)")
    extract.add_argument("--out", type=Path, default=Path("runs/latest"))
    extract.add_argument("--resume", action="store_true", help="keep finished documents")
    extract.add_argument("--overwrite", action="store_true", help="replace an existing run")
    extract.add_argument("--no-isolate", action="store_true", help="read the whole page")
    extract.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_run_options(extract)
    extract.set_defaults(func=_extract)

    gold = sub.add_parser("gold", help="validate and summarise gold annotations")
    gold.add_argument("--gold", type=Path, default=Path("gold"))
    gold.add_argument("--seeds", type=Path, default=Path("seeds"))
    gold.set_defaults(func=_gold)

    try:
        from extractor_eval.cli import add_subcommands
    except ImportError:
        pass
    else:
        add_subcommands(sub)
    try:
        from extractor.service.cli import add_serve
    except ImportError:  # the service lands separately
        pass
    else:
        add_serve(sub, _add_run_options)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        print("extractor: interrupted; finished documents are kept (use --resume)", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
