"""Hotline pages: the unit inbox (live), a request's thread, the new-request form, held items."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from borderlink.directory import service as directory
from borderlink.directory.permissions import Permission, Principal
from borderlink.hotline import codes, service
from borderlink.hotline.contracts import Reference
from borderlink.hotline.models import OBJECT_TYPE, HotlineRequest, Priority, Status
from borderlink.hotline.schemas import (
    MAX_REQUEST_FORM_BYTES,
    ForwardCreate,
    InboxFilter,
    ReplyCreate,
    ReplyOut,
    RequestCreate,
    RequestOut,
)
from borderlink.hotline.views import inbox, request_out
from borderlink.matching.render import display_renderings
from borderlink.safeguards.offences import allowed_offences
from borderlink.shared import attachments, printing
from borderlink.shared.body_limit import max_body
from borderlink.shared.forms import N_, input_limits
from borderlink.shared.shapes import shaped
from borderlink.web import ask_first as ask
from borderlink.web import duration_pages, streams
from borderlink.web import form_pages as forms
from borderlink.web.deps import DbSession, Now, node_now, require
from borderlink.web.i18n import request_language
from borderlink.web.object_actions import Acting, ObjectAction, add_page_routes
from borderlink.web.outcomes import Outcomes
from borderlink.web.templating import render

router = APIRouter(prefix="/hotline", include_in_schema=False)
Reader = Annotated[Principal, Depends(require(Permission.HOTLINE_READ))]
Sender = Annotated[Principal, Depends(require(Permission.HOTLINE_SEND))]
Answerer = Annotated[Principal, Depends(require(Permission.HOTLINE_ANSWER))]
Supervisor = Annotated[Principal, Depends(require(Permission.HOTLINE_SUPERVISE))]


PAGE_SIZE = 50
PageFilters = Annotated[InboxFilter, Depends(forms.page_query(InboxFilter))]
DONE = Outcomes({
    "sent": N_("The request was sent to the other side."),
    "held": N_("The request is held for a supervisor's review before it leaves the node."),
    "acknowledged": N_("You acknowledged the request; the other side sees it."),
    "replied": N_("Your reply was sent to the other side."),
    "closed": N_("The request was closed on both sides."),
    "shared": N_("The request was shared with the unit."),
    "released": N_("The request was released and sent to the other side."),
    "withdrawn": N_("The request was withdrawn; it never leaves this node."),
})


def _inbox_context(
    request: Request, session: DbSession, principal: Principal, filters: InboxFilter
) -> dict[str, object]:
    listed = inbox(session, principal, filters.model_copy(update={"limit": PAGE_SIZE}), node_now(request))
    return {"inbox": listed, "filters": filters,
            "offences": allowed_offences(), "statuses": [s.value for s in Status],
            "priorities": [p.value for p in Priority],
            "counterparts": directory.counterpart_codes(session, principal.scope_unit_ids),
            "units": printing.units_by_code(session),
            **forms.pager(request, "/hotline", listed.next_cursor, listed.prev_cursor)}


@router.get("")
def inbox_page(request: Request, session: DbSession, principal: Reader, filters: PageFilters) -> Response:
    return render(request, "hotline/inbox.html", _inbox_context(request, session, principal, filters))


@router.get("/inbox-list")
def inbox_list(request: Request, session: DbSession, principal: Reader, filters: PageFilters) -> Response:
    """The inbox table alone, re-fetched by the page when the live stream says something changed."""
    return render(request, "hotline/inbox_list.html", _inbox_context(request, session, principal, filters))


@router.get("/new")
def new_request_form(request: Request, session: DbSession, principal: Sender) -> Response:
    return _form(request, session, principal, {"priority": "normal"}, {})


NEW_REQUEST_INPUTS = ("kind", "assistance_type", "subject", "body", "priority", "offence_code", "handling_code",
                      "handling_note", "recipient_unit_code", "person_name", "person_birth_date", "document_number",
                      "vehicle_plate")
_REFERENCE_INPUTS = {"name": "person_name", "birth_date": "person_birth_date", "document_number": "document_number",
                     "plate": "vehicle_plate"}


def _form(request: Request, session: DbSession, principal: Principal, values: dict[str, str],
          shown: dict[str, str], status_code: int = 200) -> Response:
    limits = {**input_limits(RequestCreate),
              **{name: input_limits(Reference).get(field, {}) for field, name in _REFERENCE_INPUTS.items()}}
    return render(request, "hotline/new.html", {
        "values": values, "errors": shown, "limits": limits,
        "counterparts": directory.counterparts_of(session, principal.unit_id),
    }, status_code=status_code)


def _references(values: dict[str, str]) -> tuple[list[dict[str, str]], list[str]]:
    """The references typed in the form, and for each the input that names it."""
    references: list[dict[str, str]] = []
    inputs: list[str] = []
    if values["person_name"].strip():
        birth = values["person_birth_date"].strip()
        references.append({"type": "person", "name": values["person_name"], **({"birth_date": birth} if birth else {})})
        inputs.append("person_name")
    if values["document_number"].strip():
        references.append({"type": "document", "document_number": values["document_number"]})
        inputs.append("document_number")
    if values["vehicle_plate"].strip():
        references.append({"type": "vehicle", "plate": values["vehicle_plate"]})
        inputs.append("vehicle_plate")
    return references, inputs


@router.post("/new")
@max_body(MAX_REQUEST_FORM_BYTES)
async def create_from_form(request: Request, session: DbSession, principal: Sender, now: Now) -> Response:
    form = await request.form()
    values, files = forms.typed(form, NEW_REQUEST_INPUTS), await forms.uploads(form, "attachment")
    references, reference_inputs = _references(values)

    def rename(field: str) -> str:
        parts = field.split(".")
        if parts[0] == "references" and len(parts) > 1 and parts[1].isdigit():
            by_type = reference_inputs[int(parts[1])]
            return _REFERENCE_INPUTS.get(parts[2], by_type) if len(parts) > 2 else by_type
        return "attachment" if parts[0] == "attachments" else parts[0]

    def create() -> HotlineRequest:
        data = RequestCreate.model_validate({
            **{name: values[name] or None for name in ("assistance_type", "handling_note", "recipient_unit_code")},
            **{name: values[name] for name in ("kind", "subject", "body", "priority", "offence_code", "handling_code")},
            "references": references, "attachments": files,
        })
        return service.create_request(session, principal, data, now)

    created = await run_in_threadpool(forms.attempt, request, session, create, rename=rename)
    if isinstance(created, forms.Refusal):
        return await run_in_threadpool(_form, request, session, principal, values, created.shown, created.status_code)
    return DONE.redirect(f"/hotline/requests/{created.id}", "held" if created.status == Status.HELD else "sent")


@router.get("/requests/{request_id}")
def request_page(request_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    return _request_page(request, session, principal, request_id)


def _request_page(request: Request, session: DbSession, principal: Principal, request_id: str,
                  values: Mapping[str, str] | None = None, shown: dict[str, str] | None = None,
                  status_code: int = 200) -> Response:
    now = node_now(request)
    found = service.REQUEST_KIND.read(session, principal, request_id, now)
    item = request_out(session, found, now, request_language(request))
    return render(request, "hotline/request.html", {
        "item": item, "done": DONE.shown(request), "units": printing.units_by_code(session),
        "offences": allowed_offences(),
        "renderings": {ref.name: display_renderings(ref.name) for ref in item.references if ref.name},
        "files": attachments.files_of(session, service.REQUEST_KIND.ref(found.id)),
        "is_owner": found.owner_party == principal.party,
        "local_units": directory.list_units(session, principal.party),
        "values": values or {}, "errors": shown or {}, "limits": {"body": input_limits(ReplyCreate)["body"]},
    }, status_code=status_code)


# A refused action on a request is shown on the request's page beside the input it concerns, with
# what was typed kept.
REQUEST_PAGE = forms.ObjectPage("/hotline/requests/{}", _request_page, DONE)


# What is done to a request alike from its page and from the API (which makes its routes from the
# same declarations): acknowledge it, reply, close it on both sides, share it with a unit of this node.
def _shown(acting: Acting, found: HotlineRequest) -> RequestOut:
    return request_out(acting.session, found, acting.now)


def _shared(acting: Acting, body: ForwardCreate) -> HotlineRequest:
    service.forward(acting.session, acting.principal, acting.object_id, body.unit_code, acting.now)
    return service.REQUEST_KIND.visible(acting.session, acting.principal, acting.object_id)


REQUEST_ACTIONS = (
    ObjectAction("acknowledge", "/requests/{request_id}/acknowledge", Permission.HOTLINE_ANSWER,
                 run=lambda on, _: service.acknowledge(on.session, on.principal, on.object_id, on.now),
                 answer=_shown, response_model=RequestOut, outcome="acknowledged"),
    ObjectAction("add_reply", "/requests/{request_id}/replies", Permission.HOTLINE_ANSWER, body=ReplyCreate,
                 run=lambda on, body: service.reply(on.session, on.principal, on.object_id, body.body, on.now),
                 answer=lambda on, reply: shaped(ReplyOut, reply, author_unit_code=on.principal.unit_code),
                 response_model=ReplyOut, status_code=201, outcome="replied",
                 page_path="/requests/{request_id}/reply", page_name="reply_form"),
    # The page asks first (`close_confirm`, below).
    ObjectAction("close", "/requests/{request_id}/close", Permission.HOTLINE_ANSWER,
                 run=lambda on, _: service.close(on.session, on.principal, on.object_id, on.now),
                 answer=_shown, response_model=RequestOut, outcome="closed"),
    ObjectAction("forward", "/requests/{request_id}/forward", Permission.HOTLINE_ANSWER, body=ForwardCreate,
                 run=_shared, answer=_shown, response_model=RequestOut, outcome="shared",
                 doc="Share a request with another unit of this node (refused by handling codes H2 and H3)."),
)
add_page_routes(router, REQUEST_PAGE, REQUEST_ACTIONS)


def _print_context(request: Request, session: DbSession, principal: Principal, request_id: str) -> dict[str, Any]:
    now = node_now(request)
    language = request_language(request)
    found = service.REQUEST_KIND.read(session, principal, request_id, now)
    item = request_out(session, found, now, language)
    units = printing.units_by_code(session)
    events = printing.printed_events(item.timeline, codes.CODE_LISTS["hotline.event"], units, language)
    return {"item": item, "files": attachments.files_of(session, service.REQUEST_KIND.ref(found.id)), "units": units,
            "offences": allowed_offences(), "events": events, "printed_at": now}


# The request and its timeline laid out for paper, and as a PDF, in the reader's language.
PRINTED_REQUEST = printing.PrintedRecord(page="/hotline/requests/{record_id}", permission=Permission.HOTLINE_READ,
                                         template="hotline/print.html", context=_print_context,
                                         filename="hotline-request-{record_id}.pdf")
print_router = printing.printing_router(PRINTED_REQUEST)


@router.get("/requests/{request_id}/close")
def close_confirm(request_id: str, request: Request, session: DbSession, principal: Answerer, now: Now) -> Response:
    """Closing ends the request on both sides: the page asks first, once the close's own checks
    pass; a refusal is shown on the request's page, as the close shows it."""
    found = forms.attempt(request, session, lambda: service.closable(session, principal, request_id),
                          hidden_is_refusal=False)
    if isinstance(found, forms.Refusal):
        return _request_page(request, session, principal, request_id, shown=found.shown,
                             status_code=found.status_code)
    return render(request, "hotline/close.html", {
        "item": request_out(session, found, now), "units": printing.units_by_code(session)})


@router.get("/held")
def held_page(request: Request, session: DbSession, principal: Supervisor) -> Response:
    return render(request, "hotline/held.html", {"held": service.HELD_REVIEW.queue(session, principal),
                                                 "done": DONE.shown(request)})


@router.post("/requests/{request_id}/review")
def review_form(request_id: str, request: Request, session: DbSession, principal: Supervisor, now: Now,
                decision: Annotated[str, Form()], note: Annotated[str, Form()],
                confirmed: Annotated[str, Form()] = "") -> Response:
    release = decision == "release"
    if not release and note.strip() and not ask.confirmed({"confirmed": confirmed}):  # it cannot be undone
        found = service.REQUEST_KIND.visible(session, principal, request_id)
        return ask.ask_first(request, ask.Ask(
            heading=N_("Withdraw held request"),
            consequence=N_("The request never leaves this node; its sender sees it withdrawn."),
            button=N_("Yes, withdraw this request"), action=f"/hotline/requests/{request_id}/review",
            cancel="/hotline/held", summary=f"{found.subject}: {note.strip()}",
            fields={"decision": "withdraw", "note": note.strip()}))
    service.HELD_REVIEW.decide(session, principal, request_id, release, note, now)
    return DONE.redirect("/hotline/held", "released" if release else "withdrawn")


# The node administrator's response deadline per priority, entered in minutes.
DEADLINES_PAGE = duration_pages.DurationPage("/hotline/deadlines", service.DEADLINES, "hotline/deadlines.html")
deadlines_router = duration_pages.duration_router(DEADLINES_PAGE)


@router.get("/stream")
async def page_stream(request: Request, principal: Reader, include_below: bool = False) -> Response:
    """The live stream for the inbox page (same events as the API stream)."""
    return streams.feed_stream(request, principal, OBJECT_TYPE, "request", include_below=include_below)


streams.add_object_stream(router, "/requests/{request_id}/stream", OBJECT_TYPE, "request",
                          permission=Permission.HOTLINE_READ, visible=service.REQUEST_KIND.visible,
                          doc="The live stream for an open request page: a `request` event at each change of it.")
