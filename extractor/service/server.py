"""How uvicorn serves the app; used by `serve` and by the tests.

uvicorn by default accepts any number of connections and waits forever for a declared body;
the body deadlines are the app's (limits.BodyDeadline), the connection limit and the keep-alive
timeout are uvicorn's, set here from the same ServiceSettings.
"""

from __future__ import annotations

from typing import Any

import uvicorn

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
