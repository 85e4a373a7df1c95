"""`extractor serve`: the run options of `extractor extract`, plus where and how to listen.

The configuration is built by the CLI's own `build_config`, so the service and a batch run with
the same flags use the same provider, cache and prompts, and write the same config hash.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from extractor.service.settings import (
    DEFAULT_MAX_REQUEST_BYTES,
    DEFAULT_MAX_TEXT_CHARS,
    ServiceSettings,
    token_from_env,
)

EXIT_USAGE = 2
_LEVELS = ("critical", "error", "warning", "info", "debug")


def add_serve(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    add_run_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Registers `serve` on the main parser (called by extractor.cli.build_parser)."""
    serve = subparsers.add_parser("serve", help="serve extraction over HTTP (FastAPI)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--db",
        type=Path,
        default=Path("runs/service.sqlite3"),
        help="SQLite file of batch jobs and results (resumed on restart)",
    )
    serve.add_argument(
        "--max-request-bytes",
        type=int,
        default=DEFAULT_MAX_REQUEST_BYTES,
        help="larger request bodies get 413 (default 12 MB)",
    )
    serve.add_argument(
        "--max-text-chars",
        type=int,
        default=DEFAULT_MAX_TEXT_CHARS,
        help="longest document accepted (longer ones are refused)",
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        help="allow this browser origin (repeatable); none by default",
    )
    serve.add_argument("--log-level", choices=_LEVELS, default="info")
    add_run_options(serve)
    serve.set_defaults(func=serve_command)


def serve_command(args: argparse.Namespace) -> int:
    from extractor.cli import build_config, missing_dependency

    try:  # FastAPI and uvicorn load here, not when the parser is built
        import uvicorn

        from extractor.pipeline import Pipeline
        from extractor.providers.base import ProviderConfigError, redact_logs
        from extractor.service.app import create_app
        from extractor.service.server import server_config
        from extractor.service.store import Store, StoreLockedError, StoreUnusableError
        from extractor_schemas.markers import SchemaError
    except ModuleNotFoundError as exc:
        return missing_dependency("serve", exc)

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    redact_logs()  # endpoint URLs are logged by the HTTP clients, credentials included
    try:
        settings = ServiceSettings(  # refuses a token no request could match
            max_request_bytes=args.max_request_bytes,
            max_text_chars=args.max_text_chars,
            cors_origins=tuple(args.cors_origin),
            api_token=token_from_env(),
        )
        config = build_config(args)
        # Fail now, with one line, if another server holds the database or it is unusable
        # (corrupt, read-only, no space): not with a traceback, nor with a 500 per request.
        Store(args.db).close()
        app = create_app(config, args.db, Pipeline.from_config(config), settings=settings)
    except (
        ProviderConfigError,
        StoreLockedError,
        StoreUnusableError,
        ValueError,  # a TaskError too
        SchemaError,
    ) as exc:
        print(f"extractor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    server_settings = server_config(
        app, settings, host=args.host, port=args.port, log_level=args.log_level
    )
    uvicorn.Server(server_settings).run()
    return 0
