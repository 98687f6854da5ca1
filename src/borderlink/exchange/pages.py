"""The operations view (`/exchange`) and the Prometheus endpoint (`/metrics`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response

from borderlink.directory.permissions import Permission, Principal
from borderlink.exchange import keys, metrics, registry, service
from borderlink.exchange.context import bind
from borderlink.node import Node
from borderlink.web.deps import DbSession, get_node, require
from borderlink.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/exchange")
def exchange_page(
    request: Request, session: DbSession,
    _: Annotated[Principal, Depends(require(Permission.EXCHANGE_READ))],
) -> Response:
    node = get_node(request)
    data = service.overview(session, node.clock.now())
    peer = keys.load_peer(node.settings)
    return render(request, "exchange/exchange.html",
                  {"data": data, "peer": peer, "kinds": registry.registered_kinds()})


@router.get("/metrics")
def metrics_endpoint(
    request: Request, session: DbSession,
    _: Annotated[Principal, Depends(require(Permission.EXCHANGE_READ))],
) -> Response:
    node = get_node(request)
    text = metrics.render(session, node.clock.now(), node.party)
    return Response(text, media_type=metrics.CONTENT_TYPE)


def install(app: FastAPI, node: Node) -> None:
    """Bind the node's sessions to the exchange and add the exchange's routes."""
    bind(node)
    app.include_router(router)
