"""Service settings fixed at start-up; standard library only, so `extractor --help` stays fast.

A frozen dataclass built once by the CLI (or a test): no route reads the environment, and the
token is read from it in one place only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

TOKEN_ENV = "EXTRACTOR_API_TOKEN"
DEFAULT_MAX_REQUEST_BYTES = 12 * 1024 * 1024
DEFAULT_MAX_TEXT_CHARS = 200_000


def token_from_env() -> str | None:
    return os.environ.get(TOKEN_ENV) or None


@dataclass(frozen=True)
class ServiceSettings:
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    cors_origins: tuple[str, ...] = ()
    api_token: str | None = field(default=None, repr=False)  # never printed with the settings
    readiness_retry_s: float = 2.0
