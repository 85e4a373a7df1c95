"""Guards in front of the routes: body deadlines, a body size limit and bearer-token auth.

All three are ASGI middlewares, so they act before FastAPI reads or validates a body:
- the size limit refuses an oversized body before it is buffered: by its Content-Length at
  once, or, for a chunked body, as soon as the bytes read pass the limit (413);
- the deadlines answer 408 to a body that stops arriving or takes too long in all, so a client
  that declares a body and never sends it cannot hold a connection forever;
- authentication comes before the body is read, so without the token every request is a 401,
  never a 422 that tells an anonymous client how its body was wrong.
The token is compared on the raw header bytes with hmac.compare_digest, so the time taken says
nothing about it. The route dependency repeats the check and declares the scheme in OpenAPI.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

bearer = HTTPBearer(auto_error=False, description="Required when EXTRACTOR_API_TOKEN is set.")


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"request body is over the {limit}-byte limit")


class BodyTimeout(HTTPException):
    """Raised from `receive`: FastAPI passes an HTTPException from body reading through as is."""

    def __init__(self, detail: str) -> None:
        super().__init__(408, detail, headers={"Connection": "close"})


class BodyDeadline:
    """Answers 408 when the next body chunk takes over `idle_s`, or the whole body over `total_s`.

    The timed `receive` raises BodyTimeout; inside the routes it becomes FastAPI's JSON 408.
    Raised where no route handles it (a guard draining a refused body), it is answered here.
    """

    def __init__(self, app: ASGIApp, idle_s: float, total_s: float) -> None:
        self.app = app
        self.idle_s = idle_s
        self.total_s = total_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._timed(receive), tracking)
        except BodyTimeout as exc:
            if not started:
                await _reject(send, 408, exc.detail)

    def _timed(self, receive: Receive) -> Receive:
        """Only the body is timed: after its last part, `receive` waits for a disconnect, as
        long as a streamed response lasts."""
        deadline: float | None = None
        complete = False

        async def timed() -> Message:
            nonlocal deadline, complete
            if complete:
                return await receive()
            now = time.monotonic()
            deadline = deadline or now + self.total_s
            try:
                async with asyncio.timeout(max(min(self.idle_s, deadline - now), 0.0)):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout(
                    f"request body not received in time (at most {self.idle_s:g} s between "
                    f"parts, {self.total_s:g} s in all)"
                ) from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        return timed


class BearerAuth:
    """401 for any request outside `open_paths` without the right bearer token (if one is set).

    Everything else is guarded, unknown paths included, so nothing unauthenticated reaches a
    route, a body parser or a 404 that would confirm which paths exist.
    """

    def __init__(
        self, app: ASGIApp, token: str | None, open_paths: frozenset[str], drain_limit: int
    ) -> None:
        self.app = app
        self.expected = token.encode("ascii") if token else None
        self.open_paths = open_paths
        self.drain_limit = drain_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.expected is None
            or scope["type"] != "http"
            or scope["method"] == "OPTIONS"  # CORS preflights carry no credentials
            or scope["path"] in self.open_paths
            or token_matches(_header(scope, b"authorization"), self.expected)
        ):
            await self.app(scope, receive, send)
            return
        await _drain(receive, self.drain_limit)  # so the client, still sending, reads the 401
        await _reject(send, 401, UNAUTHORIZED, [(b"www-authenticate", b"Bearer")])


UNAUTHORIZED = "missing or wrong bearer token"


def token_matches(header: bytes | None, expected: bytes) -> bool:
    """`Bearer <token>`, scheme in any case, compared in constant time on the bytes sent."""
    if header is None:
        return False
    scheme, _, given = header.partition(b" ")
    return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(b" "), expected)


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


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            found: bytes = value
            return found
    return None


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


async def _reject(
    send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def token_checker(token: str | None) -> Callable[..., Awaitable[None]]:
    """A route dependency that accepts everything when no token is configured.

    BearerAuth has already refused a wrong token before the body was read; this declares the
    scheme in the OpenAPI document and checks again, on the header's own bytes.
    """
    expected = token.encode("ascii") if token else None

    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if expected is None:
            return
        header = _header(request.scope, b"authorization")
        if credentials is None or not token_matches(header, expected):
            raise HTTPException(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})

    return check
