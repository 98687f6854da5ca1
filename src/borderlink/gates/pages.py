"""Gate pages: the gate desk (record a crossing, from a passport reader or typed), the check's
green or red result, hits with their timeline, the owner's answer and the gate's outcome."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import UploadFile

from borderlink.directory.permissions import Permission, Principal
from borderlink.gates import crossings, hits, views
from borderlink.gates.api import HIT_ACTIONS, caller_check, hit_event_stream
from borderlink.gates.models import Hit
from borderlink.gates.notices import DONE
from borderlink.gates.photos import MAX_CROSSING_BODY_BYTES, MAX_PHOTO_BYTES
from borderlink.gates.reference import reference_gates
from borderlink.gates.schemas import CrossingCreate
from borderlink.shared.body_limit import max_body
from borderlink.shared.forms import input_limits
from borderlink.web import form_pages as forms
from borderlink.web.deps import DbSession, node_now, require
from borderlink.web.i18n import request_language
from borderlink.web.object_actions import add_page_routes
from borderlink.web.templating import render

router = APIRouter(prefix="/gates", include_in_schema=False)
Reader = Annotated[Principal, Depends(require(Permission.GATES_READ))]
Checker = Annotated[Principal, Depends(require(Permission.GATES_CHECK))]
Confirmer = Annotated[Principal, Depends(require(Permission.GATES_CONFIRM))]

CROSSING_INPUTS = ("direction", "mrz", "names", "surname", "given_names", "birth_date", "sex", "nationality",
                   "document_type", "document_number", "issuing_state", "document_expiry", "purpose",
                   "vehicle_plate", "border_pass", "lane", "gate_unit_code")
_PERSON = {"names", "surname", "given_names", "birth_date", "sex", "nationality"}
_DOCUMENT = {"document_type": "type", "document_number": "number", "issuing_state": "issuing_state",
             "document_expiry": "expiry"}
RECENT = 20


def _gates_of(principal: Principal) -> list[Any]:
    """The gates the principal may record crossings at, theirs first."""
    return [g for g in reference_gates() if g.unit == principal.unit_code] + \
        [g for g in reference_gates() if g.unit != principal.unit_code and g.unit.startswith(principal.party)]


def _desk(request: Request, session: DbSession, principal: Principal, values: dict[str, str],
          shown: dict[str, str], status_code: int = 200) -> Response:
    recent = crossings.list_crossings(session, principal, limit=RECENT).items
    found = crossings.crossing_hits(session, [c.id for c in recent])
    language = request_language(request)
    return render(request, "gates/desk.html", {
        "values": values, "errors": shown, "limits": {"mrz": input_limits(CrossingCreate).get("mrz", {})},
        "recent": [views.crossing_out(session, c, found.get(c.id, []), language) for c in recent],
        "pending": [views.hit_out(session, h, language) for h in
                    hits.list_hits(session, principal, status="pending", limit=RECENT)],
        "gates": _gates_of(principal),
    }, status_code=status_code)


@router.get("")
def desk(request: Request, session: DbSession, principal: Reader) -> Response:
    return _desk(request, session, principal, {"direction": "entry"}, {})


def crossing_body(values: dict[str, str]) -> dict[str, Any]:
    """The API body of what the desk's form holds; empty inputs are left out."""
    body: dict[str, Any] = {"direction": values["direction"] or None}
    for name in ("mrz", "purpose", "vehicle_plate", "border_pass", "lane", "gate_unit_code"):
        if values[name].strip():
            body[name] = values[name]
    person: dict[str, Any] = {name: values[name] for name in _PERSON - {"names"} if values[name].strip()}
    typed = [part.strip() for part in values["names"].replace("\r", "").split("\n") if part.strip()]
    if typed:
        person["names"] = typed
    if person:
        body["person"] = person
    document = {field: values[name] for name, field in _DOCUMENT.items() if values[name].strip()}
    if "number" in document:
        body["document"] = document
    return body


def _input_of(field: str) -> str:
    parts = field.split(".")
    if parts[0] == "person" and len(parts) > 1:
        return parts[1]
    if parts[0] == "document" and len(parts) > 1:
        return next((name for name, inner in _DOCUMENT.items() if inner == parts[1]), "document_number")
    return parts[0]


@router.post("/crossings")
@max_body(MAX_CROSSING_BODY_BYTES)
async def record_form(request: Request, session: DbSession, principal: Checker) -> Response:
    form = await request.form()
    values = forms.typed(form, CROSSING_INPUTS)
    body = crossing_body(values)
    children = [str(place) for place in form.getlist("pass_children") if str(place).strip()]
    if children:
        body["pass_children"] = children
    upload = form.get("photo")
    if isinstance(upload, UploadFile) and upload.filename:
        # Read at most one byte past the limit: a larger photo is refused by the schema's length.
        content = await upload.read(MAX_PHOTO_BYTES + 1)
        body["photo"] = {"filename": upload.filename, "content_base64": base64.b64encode(content).decode("ascii")}
    recorded = forms.attempt(request, session, lambda: crossings.record(
        session, principal, CrossingCreate.model_validate(body), node_now(request)), rename=_input_of)
    if isinstance(recorded, forms.Refusal):
        return _desk(request, session, principal, values, recorded.shown, recorded.status_code)
    return DONE.redirect(f"/gates/crossings/{recorded.crossing.id}", "recorded")


@router.get("/crossings/{crossing_id}")
def crossing_page(crossing_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    crossing = crossings.visible_crossing(session, principal, crossing_id)
    found = crossings.crossing_hits(session, [crossing.id]).get(crossing.id, [])
    return render(request, "gates/crossing.html", {
        "item": views.crossing_out(session, crossing, found, request_language(request), with_photo=True),
        "done": DONE.shown(request)})


@router.get("/hits")
def hits_page(request: Request, session: DbSession, principal: Reader, status: str | None = None) -> Response:
    wanted = status if status in ("pending", "confirmed", "rejected") else None
    language = request_language(request)
    return render(request, "gates/hits.html", {
        "items": [views.hit_out(session, h, language) for h in hits.list_hits(session, principal, status=wanted,
                                                                               limit=200)],
        "status": wanted or "",
    })


def _hit_page(request: Request, session: DbSession, principal: Principal, hit_id: str,
              shown: dict[str, str] | None = None, status_code: int = 200) -> Response:
    hit = hits.HIT_KIND.read(session, principal, hit_id, node_now(request))
    return render(request, "gates/hit.html", {
        "item": views.hit_out(session, hit, request_language(request), with_photo=True),
        "may_answer": _may_answer(principal, hit), "may_record": _may_record(principal, hit),
        "errors": shown or {}, "done": DONE.shown(request),
    }, status_code=status_code)


def _may_answer(principal: Principal, hit: Hit) -> bool:
    return principal.can(Permission.GATES_CONFIRM) and hit.alert_party == principal.party and \
        principal.covers_unit(hit.alert_unit_id) and hit.status.value == "pending"


def _may_record(principal: Principal, hit: Hit) -> bool:
    return principal.can(Permission.GATES_CHECK) and hit.owner_party == principal.party and \
        principal.covers_unit(hit.gate_unit_id) and hit.outcome is None


@router.get("/hits/{hit_id}")
def hit_page(hit_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    return _hit_page(request, session, principal, hit_id)


HIT_PAGE = forms.ObjectPage("/gates/hits/{}", _hit_page, DONE, keeps_typed=False)


@router.post("/hits/{hit_id}/answer")
def answer_form(hit_id: str, request: Request, session: DbSession, principal: Confirmer,
                decision: Annotated[str, Form()] = "", note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    now = node_now(request)
    confirmed = decision == "confirm"
    return HIT_PAGE.act(request, session, principal, hit_id,
                        lambda: hits.answer(session, principal, hit_id, confirmed, note.strip() or None, now),
                        "confirmed" if confirmed else "rejected")


add_page_routes(router, HIT_PAGE, HIT_ACTIONS)


@router.get("/hits-stream")
async def hits_stream(request: Request, principal: Reader) -> Response:
    """The live stream of the hits pages: a `hit` event at each change of a hit in the caller's feeds."""
    return StreamingResponse(hit_event_stream(principal, True, still_allowed=caller_check(request)),
                             media_type="text/event-stream", headers={"Cache-Control": "no-store"})
