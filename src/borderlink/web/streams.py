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
from collections.abc import AsyncIterator

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from borderlink.directory.permissions import Principal
from borderlink.shared import live
from borderlink.shared.workfeed import ObjectRef
from borderlink.web.body_gate import is_known_caller
from borderlink.web.deps import get_node

HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def caller_check(request: Request) -> live.StillAllowed:
    """Whether the caller of `request` (its token or web session) may still read."""
    node = get_node(request)

    async def still_allowed() -> bool:
        return await run_in_threadpool(is_known_caller, node, request)

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


def object_events(object_type: str, object_id: str, event: str, *, keepalive: float = 15.0,
                  still_allowed: live.StillAllowed | None = None) -> AsyncIterator[str]:
    """One `event` each time this object changes."""
    return live.sse_events([live.object_topic(object_type, object_id)], _frames(object_type, event),
                           keepalive=keepalive, still_allowed=still_allowed)


def feed_stream(request: Request, principal: Principal, object_type: str, event: str, *,
                include_below: bool = False) -> StreamingResponse:
    """The response of a feed stream route; the caller's right is checked as it runs."""
    return StreamingResponse(feed_events(principal, object_type, event, include_below=include_below,
                                         still_allowed=caller_check(request)),
                             media_type="text/event-stream", headers=HEADERS)


def object_stream(request: Request, object_type: str, object_id: str, event: str) -> StreamingResponse:
    """The response of an object's stream route; check that the caller may see the object first."""
    return StreamingResponse(object_events(object_type, object_id, event, still_allowed=caller_check(request)),
                             media_type="text/event-stream", headers=HEADERS)
