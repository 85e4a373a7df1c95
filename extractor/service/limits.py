"""Guards in front of the routes: a request-body size limit and optional bearer-token auth.

The size limit is an ASGI middleware so an oversized body is refused before it is buffered: by
its Content-Length at once, or, for a chunked body, as soon as the bytes read pass the limit.
The token is compared with hmac.compare_digest so the time taken says nothing about it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

bearer = HTTPBearer(auto_error=False, description="Required when EXTRACTOR_API_TOKEN is set.")


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"request body is over the {limit}-byte limit")


class BodyLimit:
    """Answers 413 to any request whose body is larger than `limit` bytes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await _drain(receive, self.limit * DRAIN_FACTOR)
            await _reject(
                send, 413, f"request body is {declared} bytes, over the {self.limit}-byte limit"
            )
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        """A chunked body has no length up front: count it as it arrives."""
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                if message.get("more_body", False):
                    await _drain(receive, self.limit * DRAIN_FACTOR)
                raise too_large(self.limit)
            return message

        return wrapped


# How much of a refused body is read and discarded, so the client (still sending) gets to read
# the 413 instead of a reset connection; a body larger than this is cut off.
DRAIN_FACTOR = 4


async def _drain(receive: Receive, cap: int) -> None:
    read = 0
    while read <= cap:
        message = await receive()
        read += len(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _reject(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def token_checker(token: str | None) -> Callable[..., Awaitable[None]]:
    """A route dependency that accepts everything when no token is configured."""
    expected = token.encode() if token else None

    async def check(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if expected is None:
            return
        given = credentials.credentials.encode() if credentials else b""
        if not hmac.compare_digest(given, expected):
            raise HTTPException(
                401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
            )

    return check
