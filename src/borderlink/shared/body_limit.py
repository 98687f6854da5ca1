"""Request bodies bounded before and while they are read, per route.

A route declares its ceiling with `@max_body(bytes)`; others get the application's default. A
declared `Content-Length` over the ceiling is refused with 413 before a byte of the body is
read; a body sent without one (chunked) is counted as it streams and cut off with 413 at the
ceiling, so neither memory nor a spool file ever holds more than the route allows. An optional
gate runs before the body is passed on: the web port uses it to turn away callers who are not
logged in without reading what they send.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
MIB = 1024 * KIB
DEFAULT_MAX_BODY_BYTES = 256 * KIB
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

F = TypeVar("F", bound=Callable[..., Any])
# Answers the request itself (and returns True), or lets it through (False). Runs before the body.
Gate = Callable[[Scope, Receive, Send], Awaitable[bool]]


def max_body(limit: int) -> Callable[[F], F]:
    """Declare a route's own body ceiling (bytes as sent, before any decoding)."""

    def mark(endpoint: F) -> F:
        endpoint.max_body_bytes = limit  # type: ignore[attr-defined]
        return endpoint

    return mark


class BodyTooLarge(HTTPException):
    """413; an HTTPException, so the framework's body parsing passes it on instead of a 400."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        said = f"of {size} bytes " if size is not None else ""
        super().__init__(413, f"the request body {said}is larger than this route accepts ({limit} bytes)",
                         headers={"Connection": "close"})
        self.limit = limit


def route_limit(scope: Scope, default: int) -> int:
    """The ceiling of the route the request was routed to. Routing has put the endpoint into the
    scope by the time anything reads the body, which is when this is asked."""
    return int(getattr(scope.get("endpoint"), "max_body_bytes", default))


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def has_body(scope: Scope) -> bool:
    headers = dict(scope.get("headers", ()))
    return b"transfer-encoding" in headers or (declared_length(scope) or 0) > 0


async def send_json(send: Send, status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None) -> None:
    payload = json.dumps(body).encode()
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                   *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items())]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, default: int = DEFAULT_MAX_BODY_BYTES, gate: Gate | None = None) -> None:
        self.app = app
        self.default = default
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        if self.gate is not None and has_body(scope) and await self.gate(scope, receive, send):
            return
        limit: int | None = None
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal limit, received
            if limit is None:
                limit = route_limit(scope, self.default)
                declared = declared_length(scope)
                if declared is not None and declared > limit:
                    raise BodyTooLarge(limit, declared)  # before a byte of the body is read
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as too_large:
            if started:
                raise
            await send_json(send, 413, {"detail": too_large.detail}, too_large.headers)


async def read_capped(request: Request, limit: int) -> bytes:
    """The whole body of `request`, or BodyTooLarge as soon as more than `limit` bytes came."""
    declared = declared_length(request.scope)
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit, declared)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
