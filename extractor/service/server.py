"""How uvicorn serves the app, and what its logs may show; used by `serve` and by the tests.

uvicorn by default accepts any number of connections and waits forever for a declared body;
the body deadlines are the app's (limits.BodyDeadline), the connection limit and the keep-alive
timeout are uvicorn's, set here from the same ServiceSettings.
"""

from __future__ import annotations

import logging
from typing import Any

import uvicorn

from extractor.providers.base import redact
from extractor.service.settings import ServiceSettings


def server_config(
    app: Any,
    settings: ServiceSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "info",
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_s,
        timeout_graceful_shutdown=5,
    )


def _redacted(value: object) -> object:
    """A log argument with URL credentials masked; numbers stay numbers for %d."""
    if isinstance(value, int | float):
        return value
    text = str(value)
    masked = redact(text)
    return masked if masked != text else value


def redact_logs() -> None:
    """Masks URL credentials in every log record of the process, as each one is made.

    The openai client logs the request URL at debug and httpx at info, userinfo included; a
    record factory reaches them all, uvicorn's access log too, whatever handlers are set up.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return record

    factory.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
