"""HTTPS with mutual TLS between the two nodes, each pinning the other's certificate.

The federation listener trusts exactly one client certificate (the peer's, as imported) and the
client trusts exactly one server certificate (the same file on the other side). Nothing else can
open a connection in either direction.
"""

from __future__ import annotations

import json
import logging
import ssl
from typing import Protocol

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from borderlink.exchange import inbox, keys
from borderlink.exchange import service as _service  # noqa: F401 - registers the built-in handlers
from borderlink.exchange.context import bind, node_context
from borderlink.node import Node
from borderlink.server import GRACEFUL_SHUTDOWN_SECONDS, QuietServer
from borderlink.shared.body_limit import BodyTooLarge, read_capped

log = logging.getLogger("borderlink.exchange.transport")

ENVELOPES_PATH = "/federation/v1/envelopes"


class TransportError(Exception):
    """The batch may or may not have arrived; nothing came back that can be trusted."""


class Transport(Protocol):
    def post(self, payload: bytes) -> tuple[int, bytes]: ...

    def close(self) -> None: ...


def client_ssl_context(local: keys.LocalIdentity, peer: keys.PeerIdentity) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(peer.tls_cert_path))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(local.tls_cert_path), str(local.tls_key_path))
    return context


class HttpsTransport:
    """A keep-alive HTTPS client to the peer's federation listener."""

    def __init__(self, local: keys.LocalIdentity, peer: keys.PeerIdentity, timeout: float) -> None:
        self.peer = peer
        self._client = httpx.Client(
            base_url=peer.federation_url, verify=client_ssl_context(local, peer), timeout=timeout,
            headers={"content-type": "application/json"},
        )

    def post(self, payload: bytes) -> tuple[int, bytes]:
        try:
            response = self._client.post(ENVELOPES_PATH, content=payload)
        except httpx.HTTPError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        return response.status_code, response.content

    def close(self) -> None:
        self._client.close()


class InProcessTransport:
    """Delivers straight into another node object in this process (tests and benchmarks of the
    inbox logic without sockets)."""

    def __init__(self, receiver: Node) -> None:
        self.receiver = receiver

    def post(self, payload: bytes) -> tuple[int, bytes]:
        try:
            result = inbox.handle_request(self.receiver, payload)
        except inbox.RequestRefused as refused:
            return refused.status_code, json.dumps({"refused": refused.reason, "detail": refused.detail}).encode()
        return 200, json.dumps(result).encode()

    def close(self) -> None:
        return None


def federation_app(node: Node) -> FastAPI:
    bind(node)
    app = FastAPI(title=f"BorderLink federation {node.party}", docs_url=None, redoc_url=None, openapi_url=None)
    limit = node_context(node).limits.max_request_bytes

    @app.post(ENVELOPES_PATH)
    async def receive(request: Request) -> Response:
        try:
            # Counted while it streams: a chunked body has no Content-Length to refuse up front.
            raw = await read_capped(request, limit)
        except BodyTooLarge as too_large:
            refused = inbox.RequestRefused(413, "oversized", str(too_large.detail))
            await run_in_threadpool(inbox.record_request_refusal, node, refused)
            return JSONResponse({"refused": refused.reason, "detail": refused.detail}, status_code=413,
                                headers={"Connection": "close"})
        try:
            result = await run_in_threadpool(inbox.handle_request, node, raw)
        except inbox.RequestRefused as refused:
            return JSONResponse({"refused": refused.reason, "detail": refused.detail},
                                status_code=refused.status_code)
        return Response(json.dumps(result, separators=(",", ":")), media_type="application/json")

    @app.get("/federation/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "node": node.party}

    return app


def federation_listener(node: Node, port: int | None = None) -> uvicorn.Server | None:
    """The mutual-TLS listener (on the configured port unless `port` is given), or None (with a
    warning) before keys and peer are set up."""
    settings = node.settings
    if not keys.keys_exist(settings.node_dir):
        log.warning("no keys yet: the federation listener is off (run 'borderlink keys init')")
        return None
    peer = keys.load_peer(settings)
    if peer is None:
        log.warning("no peer imported yet: the federation listener is off (run 'borderlink peer import')")
        return None
    local = keys.load_local(settings)
    config = uvicorn.Config(
        federation_app(node),
        host=settings.federation_host,
        port=settings.federation_port if port is None else port,
        log_level="warning",
        lifespan="off",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        ssl_certfile=str(local.tls_cert_path),
        ssl_keyfile=str(local.tls_key_path),
        ssl_cert_reqs=ssl.CERT_REQUIRED,
        ssl_ca_certs=str(peer.tls_cert_path),
    )
    log.info("federation listener for peer %s on https://%s:%d", peer.party, settings.federation_host,
             config.port)
    return QuietServer(config)
