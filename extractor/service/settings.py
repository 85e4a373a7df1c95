"""Service settings fixed at start-up; standard library only, so `extractor --help` stays fast.

A frozen dataclass built once by the CLI (or a test): no route reads the environment, and the
token is read from it in one place only. A token that no request could ever present (non-ASCII,
whitespace, a control character such as the newline `$(cat token.txt)` leaves) is refused here,
so `serve` stops at start instead of answering 401 to everyone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

TOKEN_ENV = "EXTRACTOR_API_TOKEN"
DEFAULT_MAX_REQUEST_BYTES = 12 * 1024 * 1024
DEFAULT_MAX_TEXT_CHARS = 200_000


def token_from_env() -> str | None:
    return os.environ.get(TOKEN_ENV) or None


def token_problem(token: str) -> str | None:
    """Why a token can never match a bearer header, or None. Never quotes the token."""
    for position, char in enumerate(token, start=1):
        code = ord(char)
        if code > 0x7F:
            return f"has a non-ASCII character at position {position}"
        if char == "\n" or char == "\r":
            return f"has a newline at position {position} (strip the file it came from)"
        if char == " ":
            return f"has a space at position {position}"
        if char == "\t":
            return f"has a tab at position {position}"
        if code < 0x21 or code == 0x7F:
            return f"has a control character at position {position}"
    return None


@dataclass(frozen=True)
class ServiceSettings:
    """Limits of the HTTP side. Timeouts are seconds.

    `body_idle_timeout_s` is the longest wait for the next piece of a request body and
    `body_timeout_s` the longest for all of it (a client sending a byte now and then is cut
    off too): either answers 408. `max_connections` open at once (uvicorn's
    limit_concurrency; more get 503) and `keep_alive_s` (an idle connection is closed) bound
    what idle or stuck clients can hold. `store_retry_s` is how often a job stalled by a
    failing database write probes it again.
    """

    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    cors_origins: tuple[str, ...] = ()
    api_token: str | None = field(default=None, repr=False)  # never printed with the settings
    readiness_retry_s: float = 2.0
    body_idle_timeout_s: float = 15.0
    body_timeout_s: float = 120.0
    max_connections: int = 100
    keep_alive_s: int = 5
    store_retry_s: float = 2.0

    def __post_init__(self) -> None:
        problem = token_problem(self.api_token) if self.api_token is not None else None
        if problem is not None:
            raise ValueError(
                f"{TOKEN_ENV} {problem}: a bearer token must be printable ASCII without "
                "spaces, or no request could ever match it"
            )
