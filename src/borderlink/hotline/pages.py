"""Hotline pages: the unit inbox (live), a request's thread, the new-request form, held items."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from borderlink.directory import service as directory
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import BorderLinkError
from borderlink.hotline import service
from borderlink.hotline.models import Priority, Status
from borderlink.hotline.schemas import MAX_REQUEST_FORM_BYTES, AttachmentIn, RequestCreate
from borderlink.hotline.views import InboxFilter, inbox, request_out
from borderlink.safeguards.offences import allowed_offences
from borderlink.shared.body_limit import max_body
from borderlink.web.deps import DbSession, get_node, require
from borderlink.web.templating import render

router = APIRouter(prefix="/hotline", include_in_schema=False)
Reader = Annotated[Principal, Depends(require(Permission.HOTLINE_READ))]
Sender = Annotated[Principal, Depends(require(Permission.HOTLINE_SEND))]
Answerer = Annotated[Principal, Depends(require(Permission.HOTLINE_ANSWER))]
Supervisor = Annotated[Principal, Depends(require(Permission.HOTLINE_SUPERVISE))]


def page_filters(status: str | None = None, priority: str | None = None, overdue: str | None = None,
                 offence: str | None = None, counterpart: str | None = None, q: str | None = None,
                 below: str | None = None) -> InboxFilter:
    """The inbox filters from the page's query string; unknown values are ignored."""
    return InboxFilter(
        status=status if status in {s.value for s in Status} else None,
        priority=priority if priority in {p.value for p in Priority} else None,
        overdue=True if overdue == "1" else None, offence=offence or None,
        counterpart=counterpart or None, q=q or None, include_below=below == "1",
    )


PageFilters = Annotated[InboxFilter, Depends(page_filters)]


def _inbox_context(
    request: Request, session: DbSession, principal: Principal, filters: InboxFilter
) -> dict[str, object]:
    now = get_node(request).clock.now()
    pairs = directory.counterpart_map(session)
    codes = {u.id: u.code for u in directory.list_units(session)}
    return {"inbox": inbox(session, principal, filters, now), "filters": filters,
            "offences": allowed_offences(), "statuses": [s.value for s in Status],
            "priorities": [p.value for p in Priority],
            "counterparts": sorted({codes[c] for u in principal.scope_unit_ids for c in pairs.get(u, [])})}


@router.get("")
def inbox_page(request: Request, session: DbSession, principal: Reader, filters: PageFilters) -> Response:
    return render(request, "hotline/inbox.html", _inbox_context(request, session, principal, filters))


@router.get("/inbox-list")
def inbox_list(request: Request, session: DbSession, principal: Reader, filters: PageFilters) -> Response:
    """The inbox table alone, re-fetched by the page when the live stream says something changed."""
    return render(request, "hotline/inbox_list.html", _inbox_context(request, session, principal, filters))


@router.get("/new")
def new_request_form(request: Request, session: DbSession, principal: Sender) -> Response:
    return _form(request, session, principal, None)


def _form(request: Request, session: DbSession, principal: Principal, error: str | None,
          status_code: int = 200) -> Response:
    return render(request, "hotline/new.html", {
        "error": error, "counterparts": directory.counterparts_of(session, principal.unit_id),
    }, status_code=status_code)


@router.post("/new")
@max_body(MAX_REQUEST_FORM_BYTES)
def create_from_form(
    request: Request, session: DbSession, principal: Sender,
    kind: Annotated[str, Form()], subject: Annotated[str, Form()], body: Annotated[str, Form()],
    priority: Annotated[str, Form()], offence_code: Annotated[str, Form()], handling_code: Annotated[str, Form()],
    recipient_unit_code: Annotated[str, Form()] = "", assistance_type: Annotated[str, Form()] = "",
    handling_note: Annotated[str, Form()] = "", person_name: Annotated[str, Form()] = "",
    person_birth_date: Annotated[str, Form()] = "", document_number: Annotated[str, Form()] = "",
    vehicle_plate: Annotated[str, Form()] = "", attachment: UploadFile | None = None,
) -> Response:
    references: list[dict[str, str]] = []
    if person_name.strip():
        references.append({"type": "person", "name": person_name.strip(),
                           **({"birth_date": person_birth_date.strip()} if person_birth_date.strip() else {})})
    if document_number.strip():
        references.append({"type": "document", "document_number": document_number.strip()})
    if vehicle_plate.strip():
        references.append({"type": "vehicle", "plate": vehicle_plate.strip()})
    files = []
    if attachment is not None and attachment.filename:
        content = attachment.file.read()
        files.append(AttachmentIn(filename=attachment.filename, content_type=attachment.content_type or
                                  "application/octet-stream", content_base64=base64.b64encode(content).decode()))
    try:
        data = RequestCreate.model_validate({
            "kind": kind, "assistance_type": assistance_type or None, "subject": subject, "body": body,
            "priority": priority, "offence_code": offence_code, "handling_code": handling_code,
            "handling_note": handling_note or None, "recipient_unit_code": recipient_unit_code or None,
            "references": references, "attachments": files,
        })
        with session.begin_nested():
            created = service.create_request(session, principal, data, get_node(request).clock.now())
    except ValidationError as exc:
        message = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        return _form(request, session, principal, message, status_code=422)
    except BorderLinkError as exc:
        return _form(request, session, principal, str(exc), status_code=422)
    return RedirectResponse(f"/hotline/requests/{created.id}", status_code=303)


@router.get("/requests/{request_id}")
def request_page(request_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    now = get_node(request).clock.now()
    found = service.read_request(session, principal, request_id, now)
    return render(request, "hotline/request.html", {
        "item": request_out(session, found, now), "is_owner": found.owner_party == principal.party,
        "local_units": directory.list_units(session, principal.party),
        "error": request.query_params.get("error"),
    })


def _back(request_id: str, error: str | None = None) -> Response:
    from urllib.parse import quote

    suffix = f"?error={quote(error)}" if error else ""
    return RedirectResponse(f"/hotline/requests/{request_id}{suffix}", status_code=303)


@router.post("/requests/{request_id}/acknowledge")
def acknowledge_form(request_id: str, request: Request, session: DbSession, principal: Answerer) -> Response:
    service.acknowledge(session, principal, request_id, get_node(request).clock.now())
    return _back(request_id)


def _act_then_back(session: DbSession, request_id: str, action: Callable[[], object]) -> Response:
    """Run one action on a request; a refusal is shown on the request's page, not as an error page."""
    try:
        with session.begin_nested():
            action()
    except BorderLinkError as exc:
        return _back(request_id, str(exc))
    return _back(request_id)


@router.post("/requests/{request_id}/reply")
def reply_form(request_id: str, request: Request, session: DbSession, principal: Answerer,
               body: Annotated[str, Form()]) -> Response:
    now = get_node(request).clock.now()
    return _act_then_back(session, request_id, lambda: service.reply(session, principal, request_id, body, now))


@router.post("/requests/{request_id}/close")
def close_form(request_id: str, request: Request, session: DbSession, principal: Answerer) -> Response:
    service.close(session, principal, request_id, get_node(request).clock.now())
    return _back(request_id)


@router.post("/requests/{request_id}/forward")
def forward_form(request_id: str, request: Request, session: DbSession, principal: Answerer,
                 unit_code: Annotated[str, Form()]) -> Response:
    now = get_node(request).clock.now()
    return _act_then_back(session, request_id,
                          lambda: service.forward(session, principal, request_id, unit_code, now))


@router.get("/held")
def held_page(request: Request, session: DbSession, principal: Supervisor) -> Response:
    return render(request, "hotline/held.html", {"held": service.held_requests(session, principal)})


@router.post("/requests/{request_id}/review")
def review_form(request_id: str, request: Request, session: DbSession, principal: Supervisor,
                decision: Annotated[str, Form()], note: Annotated[str, Form()]) -> Response:
    service.review_held(session, principal, request_id, decision == "release", note, get_node(request).clock.now())
    return RedirectResponse("/hotline/held", status_code=303)


@router.get("/deadlines")
def deadlines_page(request: Request, session: DbSession,
                   principal: Annotated[Principal, Depends(require(Permission.HOTLINE_CONFIGURE))]) -> Response:
    return render(request, "hotline/deadlines.html", {"deadlines": service.deadlines(session)})


@router.post("/deadlines")
def deadlines_save(request: Request, session: DbSession,
                   principal: Annotated[Principal, Depends(require(Permission.HOTLINE_CONFIGURE))],
                   urgent: Annotated[int, Form(ge=1)], high: Annotated[int, Form(ge=1)],
                   normal: Annotated[int, Form(ge=1)], low: Annotated[int, Form(ge=1)]) -> Response:
    """Deadlines are entered in minutes on the page."""
    service.set_deadlines(session, principal, {"urgent": urgent * 60, "high": high * 60,
                                               "normal": normal * 60, "low": low * 60})
    return RedirectResponse("/hotline/deadlines", status_code=303)


@router.get("/stream")
async def page_stream(request: Request, principal: Reader, below: str | None = None) -> Response:
    """The live stream for the inbox page (same events as the API stream)."""
    from fastapi.responses import StreamingResponse

    from borderlink.hotline.api import caller_check, event_stream

    return StreamingResponse(event_stream(principal, below == "1", still_allowed=caller_check(request)),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-store"})
