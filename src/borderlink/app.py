"""The node's web application: HTML pages, the JSON API, health and background work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from borderlink import domains, errors
from borderlink.node import BackgroundTask, Node
from borderlink.shared import health as node_health
from borderlink.shared.body_limit import BodyLimitMiddleware
from borderlink.shared.retry import RetryLostTransactions
from borderlink.web import pages as web_pages
from borderlink.web.body_gate import login_gate
from borderlink.web.deps import LoginRequired
from borderlink.web.security import SecurityHeadersMiddleware
from borderlink.web.templating import render

log = logging.getLogger("borderlink.app")

_STATUS = {
    errors.NotFound: 404,
    errors.Forbidden: 403,
    errors.Conflict: 409,
    errors.InvalidInput: 422,
    errors.AuthenticationFailed: 401,
}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def create_app(node: Node, *, run_background: bool = True) -> FastAPI:
    domains.register_message_handlers()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        tasks: list[asyncio.Task[None]] = (
            [asyncio.create_task(_run(task, node)) for task in node.background_tasks] if run_background else []
        )
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    app = FastAPI(
        title=f"BorderLink node {node.party}",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.node = node
    # Inside the security headers, so a refusal of a body carries them too.
    app.add_middleware(BodyLimitMiddleware, gate=login_gate(node))
    app.add_middleware(SecurityHeadersMiddleware, https=node.settings.secure_cookies)
    app.add_middleware(RetryLostTransactions, factory=node.session_factory)
    static_dir = resources.files("borderlink.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    @app.exception_handler(LoginRequired)
    async def _login_redirect(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(errors.BorderLinkError)
    async def _domain_error(request: Request, exc: errors.BorderLinkError) -> Response:
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
        if _wants_html(request):
            return render(request, "web/error.html", {"status": status, "message": str(exc)}, status_code=status)
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_html(request) and exc.status_code in (403, 404):
            return render(request, "web/error.html", {"status": exc.status_code, "message": str(exc.detail)},
                          status_code=exc.status_code)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": jsonable_errors(exc)}, status_code=422)

    node_health.install(app, node)
    app.include_router(web_pages.router)
    for domain in domains.DOMAINS:
        for router in domain.page_routers:
            app.include_router(router)
        for router in domain.api_routers:
            app.include_router(router, prefix="/api/v1")
        if domain.install_app is not None:
            domain.install_app(app, node)
    return app


async def _run(task: BackgroundTask, node: Node) -> None:
    await task(node)


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    return [
        {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))}
        for err in exc.errors()
    ]
