"""The web port's gate before any request body is read: who is asking must be known first.

FastAPI reads and parses a body (spooling uploads to disk) before a route's dependencies run,
so the login check of `require(...)` would come after an anonymous upload had been taken in.
This gate runs in the body-limit middleware instead, on the headers alone."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from borderlink.node import Node
from borderlink.shared.body_limit import Gate, send_json
from borderlink.web.deps import PUBLIC_PATHS, known_caller, verified_caller


def is_known_caller(node: Node, request: Request) -> bool:
    """Whether the request's token or session cookie still stands for an active user (a caller
    verified a moment ago is not looked up again; see `deps.known_caller`)."""
    return known_caller(node, request) is not None


async def caller_is_known(node: Node, request: Request) -> bool:
    """`is_known_caller` from the event loop: a caller verified a moment ago is answered there,
    any database work is done in a worker thread."""
    return verified_caller(node, request) is not None or await run_in_threadpool(is_known_caller, node, request)


def login_gate(node: Node) -> Gate:
    async def gate(scope: Scope, receive: Receive, send: Send) -> bool:
        path = scope["path"]
        if path in PUBLIC_PATHS:
            return False
        request = Request(scope)
        # Database work off the event loop, as in the routes' own dependencies.
        if await caller_is_known(node, request):
            return False
        if path.startswith("/api/"):
            # The API's one error shape (web/errors.py ErrorOut), here before any route runs.
            message = "Log in or give a valid API token first."
            problem = {"code": "unauthenticated", "detail": message, "field": None}
            await send_json(send, 401, {**problem, "errors": [problem]},
                            {"WWW-Authenticate": "Bearer", "Connection": "close"})
        else:
            await send({"type": "http.response.start", "status": 303, "headers": [
                (b"location", f"/login?next={quote(path)}".encode()), (b"content-length", b"0"),
                (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": b""})
        return True

    return gate
