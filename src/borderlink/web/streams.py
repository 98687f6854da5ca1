"""Live streams (server-sent events) of a domain's objects, for its API and its pages.

A unit's feed stream sends one event each time an object of the domain's type changes in the
feeds it follows; an object's stream sends one each time that object changes, whichever side
changed it. The event is named after the object (`request`) and carries its id
(`{"request_id": ...}`). A stream ends once the token or session it was opened with may no
longer read (revoked, ended, user deactivated).

    @router.get("/inbox/stream", response_class=StreamingResponse)
    async def inbox_stream(request: Request, principal: Reader) -> StreamingResponse:
        return streams.feed_stream(request, principal, OBJECT_TYPE, "alert")
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Collection

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from borderlink.directory.permissions import Principal
from borderlink.shared import live
from borderlink.shared.workfeed import ObjectRef
from borderlink.web.body_gate import caller_is_known
from borderlink.web.deps import DbSession, get_node, require

HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def caller_check(request: Request) -> live.StillAllowed:
    """Whether the caller of `request` (its token or web session) may still read."""
    node = get_node(request)

    async def still_allowed() -> bool:
        return await caller_is_known(node, request)

    return still_allowed


def _frames(object_type: str, event: str) -> live.Render:
    def render(message: str) -> str | None:
        changed = ObjectRef.parse(message)
        if changed.object_type != object_type:
            return None  # another domain's item in the same unit's feed
        return live.sse_frame(event, json.dumps({f"{event}_id": changed.object_id}))

    return render


def feed_events(principal: Principal, object_type: str, event: str, *, include_below: bool = False,
                keepalive: float = 15.0, still_allowed: live.StillAllowed | None = None) -> AsyncIterator[str]:
    """One `event` each time an object of the type changes in the principal's unit's feed (with
    `include_below`, also in the feeds of the units below it)."""
    units = principal.scope_unit_ids if include_below else {principal.unit_id}
    return live.sse_events([live.unit_topic(u) for u in units], _frames(object_type, event), keepalive=keepalive,
                           still_allowed=still_allowed)


def _object_frames(object_type: str, object_id: str, event: str, related_types: Collection[str]) -> live.Render:
    data = json.dumps({f"{event}_id": object_id})

    def render(message: str) -> str | None:
        changed = ObjectRef.parse(message)
        if changed.object_type == object_type and changed.object_id != object_id:
            return None  # another object of the type in a followed unit's feed
        if changed.object_type != object_type and changed.object_type not in related_types:
            return None
        return live.sse_frame(event, data)

    return render


def object_events(object_type: str, object_id: str, event: str, *, keepalive: float = 15.0,
                  still_allowed: live.StillAllowed | None = None, related_units: Collection[str] = (),
                  related_types: Collection[str] = ()) -> AsyncIterator[str]:
    """One `event` each time this object changes. With `related_units` and `related_types`, also
    each time an object of a related type changes in those units' feeds: another domain's objects
    that hang on this one (a gate's hit on an alert) are born after the page opened, so their ids
    cannot be followed; the page reads itself again and shows whatever concerns it."""
    topics = [live.object_topic(object_type, object_id)] + [live.unit_topic(u) for u in related_units]
    return live.sse_events(topics, _object_frames(object_type, object_id, event, related_types),
                           keepalive=keepalive, still_allowed=still_allowed)


def feed_stream(request: Request, principal: Principal, object_type: str, event: str, *,
                include_below: bool = False) -> StreamingResponse:
    """The response of a feed stream route; the caller's right is checked as it runs."""
    return StreamingResponse(feed_events(principal, object_type, event, include_below=include_below,
                                         still_allowed=caller_check(request)),
                             media_type="text/event-stream", headers=HEADERS)


def object_stream(request: Request, object_type: str, object_id: str, event: str, *,
                  related_units: Collection[str] = (), related_types: Collection[str] = ()) -> StreamingResponse:
    """The response of an object's stream route; check that the caller may see the object first."""
    return StreamingResponse(object_events(object_type, object_id, event, still_allowed=caller_check(request),
                                           related_units=related_units, related_types=related_types),
                             media_type="text/event-stream", headers=HEADERS)


def add_object_stream(router: APIRouter, path: str, object_type: str, event: str, *, permission: str,
                      visible: Callable[[Session, Principal, str], object], doc: str, name: str = "") -> None:
    """Add to a router (of pages, or of the API) the live stream of an object at `path`, whose last
    parameter names the object: an `event` at each change of it, whichever side made it, for a
    reader with `permission` who may see it (`visible` raises NotFound otherwise). The route is
    named `name`, or after the event on a page."""
    id_param = path.rsplit("{", 1)[1].split("}", 1)[0]
    may_read = require(permission)

    def object_stream_route(request: Request, session: DbSession,
                            principal: Principal = Depends(may_read)) -> StreamingResponse:
        object_id = request.path_params[id_param]
        visible(session, principal, object_id)
        return object_stream(request, object_type, object_id, event)

    router.add_api_route(path, object_stream_route, methods=["GET"], name=name or f"{event}_page_stream",
                         description=doc, response_class=StreamingResponse)
