"""The node's web application: HTML pages, the JSON API, health and background work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from borderlink import domains
from borderlink.node import BackgroundTask, Node
from borderlink.shared import health as node_health
from borderlink.shared.body_limit import BodyLimitMiddleware
from borderlink.shared.retry import RetryLostTransactions
from borderlink.web import errors as web_errors
from borderlink.web import pages as web_pages
from borderlink.web.body_gate import login_gate
from borderlink.web.deps import LoginRequired
from borderlink.web.security import SecurityHeadersMiddleware

log = logging.getLogger("borderlink.app")


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
        docs_url=None,  # its page loads scripts from elsewhere, which the node's CSP refuses
        redoc_url=None,
    )
    app.state.node = node
    # Inside the security headers, so a refusal of a body carries them too.
    app.add_middleware(web_errors.NulRefusal)
    app.add_middleware(BodyLimitMiddleware, gate=login_gate(node))
    app.add_middleware(SecurityHeadersMiddleware, https=node.settings.secure_cookies)
    app.add_middleware(RetryLostTransactions, factory=node.session_factory)
    if node.settings.trusted_proxies:  # outermost: the scheme is known before anything else runs
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=node.settings.trusted_proxies)
    static_dir = resources.files("borderlink.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    @app.exception_handler(LoginRequired)
    async def _login_redirect(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)

    web_errors.install(app)

    node_health.install(app, node)
    app.include_router(web_pages.router)
    for domain in domains.DOMAINS:
        for router in domain.page_routers:
            app.include_router(router)
        for router in domain.api_routers:
            app.include_router(router, prefix="/api/v1")
        if domain.install_app is not None:
            domain.install_app(app, node)
    web_errors.document_errors(app)
    return app


async def _run(task: BackgroundTask, node: Node) -> None:
    await task(node)

