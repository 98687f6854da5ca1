"""Hotline JSON API: send requests to the counterpart unit, acknowledge, reply, read the inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from borderlink.directory.permissions import Permission
from borderlink.hotline import service
from borderlink.hotline.models import OBJECT_TYPE
from borderlink.hotline.pages import DEADLINES_PAGE, REQUEST_ACTIONS, Reader, Sender, Supervisor
from borderlink.hotline.schemas import (
    MAX_REQUEST_JSON_BYTES,
    InboxFilter,
    InboxOut,
    RequestCreate,
    RequestOut,
)
from borderlink.hotline.views import inbox, request_out
from borderlink.shared.body_limit import max_body
from borderlink.shared.replicated import require_use
from borderlink.web import streams
from borderlink.web.deps import DbSession, Now
from borderlink.web.duration_pages import add_duration_api
from borderlink.web.object_actions import add_api_routes

router = APIRouter(prefix="/hotline", tags=["hotline"])  # who may call each route: as on the pages


@router.post("/requests", response_model=RequestOut, status_code=201)
@max_body(MAX_REQUEST_JSON_BYTES)
def create_request(body: RequestCreate, now: Now, session: DbSession, principal: Sender) -> RequestOut:
    """Send a request to a counterpart unit. Text that may rest on political, religious, military or
    ethnic grounds is held for a supervisor of the sending unit (status `held`)."""
    created = service.create_request(session, principal, body, now)
    session.flush()
    return request_out(session, created, now)


@router.get("/requests/{request_id}", response_model=RequestOut)
def get_request(request_id: str, now: Now, session: DbSession, principal: Reader) -> RequestOut:
    return request_out(session, service.REQUEST_KIND.read(session, principal, request_id, now), now)


add_api_routes(router, REQUEST_ACTIONS)


@router.post("/requests/{request_id}/release", response_model=RequestOut)
def release(request_id: str, now: Now, session: DbSession, principal: Supervisor,
            note: Annotated[str, Query(min_length=1, max_length=500)]) -> RequestOut:
    """A supervisor of the sending unit lets a held request go."""
    return request_out(session, service.HELD_REVIEW.decide(session, principal, request_id, True, note, now), now)


@router.post("/requests/{request_id}/withdraw", response_model=RequestOut)
def withdraw(request_id: str, now: Now, session: DbSession, principal: Supervisor,
             note: Annotated[str, Query(min_length=1, max_length=500)]) -> RequestOut:
    return request_out(session, service.HELD_REVIEW.decide(session, principal, request_id, False, note, now), now)


@router.get("/requests/{request_id}/export", response_model=RequestOut)
def export(request_id: str, now: Now, session: DbSession, principal: Reader,
           purpose: Annotated[str, Query(pattern="^(prevention|investigation|court)$")]) -> RequestOut:
    """The full record for a stated purpose; a received request marked H1 or H3 is not for court."""
    found = service.REQUEST_KIND.read(session, principal, request_id, now)
    require_use(found, principal.party, purpose)
    return request_out(session, found, now)


@router.get("/inbox", response_model=InboxOut)
def get_inbox(now: Now, session: DbSession, principal: Reader, filters: Annotated[InboxFilter, Query()]) -> InboxOut:
    """Requests in your unit's inbox (addressed, sent, escalated or shared to it), newest first,
    `limit` at a time: pass the answer's `next_cursor` as `cursor` for the next page."""
    return inbox(session, principal, filters, now)


@router.get("/inbox/stream", response_class=StreamingResponse)
async def inbox_stream(request: Request, principal: Reader, include_below: bool = False) -> StreamingResponse:
    """Server-sent events: one `request` event each time a request in your unit's inbox changes
    (with `include_below`, also in the inboxes of the units below yours). The stream ends when the
    token or session it was opened with is revoked or ended, or its user deactivated."""
    return streams.feed_stream(request, principal, OBJECT_TYPE, "request", include_below=include_below)


streams.add_object_stream(router, "/requests/{request_id}/stream", OBJECT_TYPE, "request",
                          permission=Permission.HOTLINE_READ, visible=service.REQUEST_KIND.visible,
                          name="request_stream",
                          doc="Server-sent events: one `request` event each time this request changes, whichever "
                              "side changed it (404 for a request you may not see). It ends as the inbox stream does.")


add_duration_api(router, DEADLINES_PAGE, "/deadlines", reader=Permission.DIRECTORY_READ, name="deadlines",
                 model_name="DeadlinesUpdate", summary="Response deadlines per priority")
