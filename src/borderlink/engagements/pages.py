"""Engagement pages: the list of engagements and patrols, each one's page with what can be done on
it first, the forms to plan an engagement or propose a patrol, a commitment's page and the calendar.

Every action posts a form, runs the same service function as the API and comes back to the
object's page; a refusal is shown on that page beside the input it concerns, with what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from borderlink.directory import service as directory
from borderlink.directory.permissions import Permission, Principal
from borderlink.engagements import calendar, patrols, records
from borderlink.engagements import forms as form_input
from borderlink.engagements import service as engagements
from borderlink.engagements.models import ENGAGEMENT, PATROL
from borderlink.engagements.schemas import (
    AgreementCreate,
    CommitmentCreate,
    EngagementCreate,
    EngagementUpdate,
    PatrolAdjustIn,
    PatrolAnswerIn,
    PatrolCreate,
    PatrolReportIn,
)
from borderlink.engagements.views import commitment_out, engagement_out, patrol_out
from borderlink.errors import BorderLinkError
from borderlink.shared import attachments
from borderlink.shared.forms import N_, input_limits
from borderlink.web import ask_first as ask
from borderlink.web import form_pages as forms
from borderlink.web import streams
from borderlink.web.deps import DbSession, node_now, require
from borderlink.web.i18n import request_language, translator
from borderlink.web.outcomes import Outcomes
from borderlink.web.templating import render

router = APIRouter(prefix="/engagements", include_in_schema=False)
Reader = Annotated[Principal, Depends(require(Permission.ENGAGEMENTS_READ))]
Planner = Annotated[Principal, Depends(require(Permission.ENGAGEMENTS_PLAN))]
Patroller = Annotated[Principal, Depends(require(Permission.PATROLS_RUN))]
Shown = dict[str, str]
DONE = Outcomes({
    "planned": N_("The engagement was planned and sent to the other side."),
    "confirmed": N_("You confirmed the engagement; the other side sees it."),
    "declined": N_("You declined the engagement; the other side sees it."),
    "held": N_("The engagement was recorded as held."),
    "cancelled": N_("The engagement was cancelled on both sides."),
    "commitment": N_("The commitment was recorded."),
    "agreement": N_("The agreement was recorded."),
    "noted": N_("The progress note was added."),
    "closed": N_("The commitment was closed."),
    "proposed": N_("The patrol was proposed to the other side."),
    "accepted": N_("You accepted the patrol; the other side sees it."),
    "adjusted": N_("Your changes to the patrol were sent to the other side."),
    "reported": N_("Your patrol report was filed."),
})

ENGAGEMENT_INPUTS = ("kind", "series", "number", "title", "topic", "starts_at", "ends_at", "place", "host_party",
                     "counterpart_unit_code", "vn_size", "vn_officials", "cn_size", "cn_officials", "agenda")
PATROL_INPUTS = ("counterpart_unit_code", "starts_at", "ends_at", "marker_from", "marker_to", "route", "participants")


def _field(name: str) -> str:
    """The page input that carries a schema field."""
    head = name.split(".")[0]
    return {"delegations": "vn_size", "minutes": "minutes_text", "participants": "participants",
            "incidents": "incident_kind"}.get(head, head)


# --- the list and the calendar ----------------------------------------------------------------

@router.get("")
def index(request: Request, session: DbSession, principal: Reader) -> Response:
    now = node_now(request)
    language = request_language(request)
    upcoming = engagements.list_engagements(session, principal, limit=50,
                                            starts_from=now - dt.timedelta(days=1)).items
    past = engagements.list_engagements(session, principal, limit=200, starts_before=now).items[-20:]
    listed = patrols.list_patrols(session, principal, limit=100, starts_from=now - dt.timedelta(days=30)).items
    return render(request, "engagements/index.html", {
        "upcoming": upcoming, "past": list(reversed(past)), "patrols": listed,
        "title_of": lambda e: engagements.title_of(e, language), "sector": patrols.sector,
        "due": records.due_in_feed(session, principal)})


@router.get("/calendar")
def month_page(request: Request, session: DbSession, principal: Reader, month: str | None = None) -> Response:
    language = request_language(request)
    try:
        year, number = calendar.parse_month(month, principal.timezone, node_now(request))
    except BorderLinkError:
        year, number = calendar.parse_month(None, principal.timezone, node_now(request))
    view = calendar.month_view(session, principal, year, number, language)
    return render(request, "engagements/calendar.html", {"view": view, "weekdays": calendar.weekday_names(language)})


@router.get("/calendar.ics")
def month_file(request: Request, session: DbSession, principal: Reader, month: str | None = None) -> Response:
    now = node_now(request)
    year, number = calendar.parse_month(month, principal.timezone, now)
    view = calendar.month_view(session, principal, year, number, request_language(request))
    body = calendar.ical(view.items, str(request.base_url), translator(request_language(request))("Joint patrol"), now)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="borderlink-{view.key}.ics"'})


# --- engagements --------------------------------------------------------------------------------

def _engagement_form(request: Request, session: DbSession, principal: Principal, values: Mapping[str, str],
                     errors: Shown, status_code: int = 200) -> Response:
    unit = directory.get_unit(session, principal.unit_id)
    return render(request, "engagements/engagement_form.html", {
        "values": values, "errors": errors, "limits": input_limits(EngagementCreate),
        "counterparts": directory.counterparts_of(session, unit.id)}, status_code=status_code)


@router.get("/new")
def new_engagement(request: Request, session: DbSession, principal: Planner) -> Response:
    return _engagement_form(request, session, principal, {"host_party": principal.party}, {})


def engagement_input(values: Mapping[str, str], zone: str) -> dict[str, Any]:
    delegations = []
    for party in ("VN", "CN"):
        key = party.lower()
        officials = form_input.people(values.get(f"{key}_officials"))
        size = form_input.number(values.get(f"{key}_size", ""))
        if officials or size:
            delegations.append({"party": party, "size": size if size is not None else len(officials),
                                "officials": officials})
    return {
        "kind": values.get("kind"), "series": form_input.optional(values.get("series", "")),
        "number": form_input.number(values.get("number", "")), "title": form_input.optional(values.get("title", "")),
        "topic": form_input.optional(values.get("topic", "")),
        "starts_at": form_input.local_moment(values.get("starts_at"), zone),
        "ends_at": form_input.local_moment(values.get("ends_at"), zone), "place": values.get("place", ""),
        "host_party": values.get("host_party"),
        "counterpart_unit_code": form_input.optional(values.get("counterpart_unit_code", "")),
        "delegations": delegations, "agenda": form_input.lines(values.get("agenda")),
    }


@router.post("/new")
async def create_engagement(request: Request, session: DbSession, principal: Planner) -> Response:
    values = forms.typed(await forms.submitted(request), ENGAGEMENT_INPUTS)

    def create() -> Any:
        data = EngagementCreate.model_validate(engagement_input(values, principal.timezone))
        return engagements.create_engagement(session, principal, data, node_now(request))

    created = await run_in_threadpool(forms.attempt, request, session, create, rename=_field, hidden_is_refusal=False)
    if isinstance(created, forms.Refusal):
        return await run_in_threadpool(_engagement_form, request, session, principal, values, created.shown,
                                       created.status_code)
    return DONE.redirect(f"/engagements/{created.id}", "planned")


def _engagement_page(request: Request, session: DbSession, principal: Principal, engagement_id: str,
                     values: Mapping[str, str] | None = None, shown: Shown | None = None,
                     status_code: int = 200) -> Response:
    now = node_now(request)
    language = request_language(request)
    found = engagements.ENGAGEMENT_KIND.read(session, principal, engagement_id, now)
    return render(request, "engagements/engagement.html", {
        "item": engagement_out(session, principal, found, now, language),
        "is_owner": found.owner_party == principal.party,
        "owner_unit": found.owner_unit, "counterpart_unit": found.counterpart_unit,
        "units": {u.code: u for u in directory.list_units(session)},
        "files": attachments.files_of(session, engagements.ENGAGEMENT_KIND.ref(found.id)),
        "values": values or {}, "errors": shown or {}, "done": DONE.shown(request, language)},
        status_code=status_code)


# Every action on an engagement comes back to its page; a refusal is shown there with what was typed.
ENGAGEMENT_PAGE = forms.ObjectPage("/engagements/{}", _engagement_page, DONE, rename=_field)


streams.add_object_stream(router, "/{engagement_id}/stream", ENGAGEMENT, "engagement",
                          permission=Permission.ENGAGEMENTS_READ, visible=engagements.ENGAGEMENT_KIND.visible,
                          doc="The live stream of an open engagement page: an `engagement` event at each change of "
                            "either side.")


@router.get("/{engagement_id}")
def engagement_page(engagement_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    return _engagement_page(request, session, principal, engagement_id)


@router.post("/{engagement_id}/answer")
async def answer_engagement(engagement_id: str, request: Request, session: DbSession, principal: Planner) -> Response:
    return await ENGAGEMENT_PAGE.act_on_form(
        request, session, principal, engagement_id, lambda v: engagements.answer_engagement(
            session, principal, engagement_id, v.get("decision") == "confirm", v.get("note", ""), node_now(request)),
        lambda v: "confirmed" if v.get("decision") == "confirm" else "declined")


@router.post("/{engagement_id}/held")
async def record_held(engagement_id: str, request: Request, session: DbSession, principal: Planner) -> Response:
    def held(values: dict[str, str]) -> Any:
        minutes = [{"language": values.get("minutes_language", "vi"), "text": values["minutes_text"]}] \
            if values.get("minutes_text", "").strip() else None
        data = EngagementUpdate.model_validate({"minutes": minutes,
                                                "outcomes": form_input.lines(values.get("outcomes")) or None})
        return engagements.update_engagement(session, principal, engagement_id, data, node_now(request), step="held")

    return await ENGAGEMENT_PAGE.act_on_form(request, session, principal, engagement_id, held, "held")


@router.post("/{engagement_id}/cancel")
async def cancel_engagement(engagement_id: str, request: Request, session: DbSession, principal: Planner) -> Response:
    values = await forms.submitted(request)
    if values.get("cancel_note", "").strip() and not ask.confirmed(values):  # a cancelled engagement stays so
        await run_in_threadpool(engagements.ENGAGEMENT_KIND.visible, session, principal, engagement_id)
        return ask.ask_first(request, ask.Ask(
            heading=N_("Cancel the engagement"), consequence=N_("The engagement is cancelled on both sides."),
            button=N_("Yes, cancel the engagement"), action=f"/engagements/{engagement_id}/cancel",
            cancel=f"/engagements/{engagement_id}", summary=values["cancel_note"],
            fields={"cancel_note": values["cancel_note"]}))
    return await ENGAGEMENT_PAGE.act_on_form(
        request, session, principal, engagement_id, lambda v: engagements.cancel_engagement(
            session, principal, engagement_id, v.get("cancel_note", ""), node_now(request)), "cancelled")


@router.post("/{engagement_id}/commitments")
async def add_commitment(engagement_id: str, request: Request, session: DbSession, principal: Planner) -> Response:
    def add(values: dict[str, str]) -> Any:
        data = CommitmentCreate.model_validate({
            "engagement_id": engagement_id, "text": values.get("text", ""),
            "responsible_unit_code": values.get("responsible_unit_code", ""), "due_on": values.get("due_on") or None})
        return records.create_commitment(session, principal, data, node_now(request))

    return await ENGAGEMENT_PAGE.act_on_form(request, session, principal, engagement_id, add, "commitment")


@router.post("/{engagement_id}/agreements")
async def add_agreement(engagement_id: str, request: Request, session: DbSession, principal: Planner) -> Response:
    def add(values: dict[str, str]) -> Any:
        data = AgreementCreate.model_validate({
            "engagement_id": engagement_id, "kind": values.get("agreement_kind"),
            **{name: values.get(name, "") for name in ("title_vi", "title_zh", "title_en", "renewal")},
            "parties": form_input.lines(values.get("parties")),
            "signed_on": values.get("signed_on") or None, "valid_until": values.get("valid_until") or None,
            "valid_from": values.get("signed_on") or None})
        return records.create_agreement(session, principal, data, node_now(request))

    return await ENGAGEMENT_PAGE.act_on_form(request, session, principal, engagement_id, add, "agreement")


# --- commitments --------------------------------------------------------------------------------

def _commitment_page(request: Request, session: DbSession, principal: Principal, commitment_id: str,
                     values: Mapping[str, str] | None = None, shown: Shown | None = None,
                     status_code: int = 200) -> Response:
    found = records.COMMITMENT_KIND.visible(session, principal, commitment_id)
    today = records.today_in(principal.timezone, node_now(request))
    return render(request, "engagements/commitment.html", {
        "item": commitment_out(session, found, today, request_language(request)), "unit": found.responsible_unit,
        "values": values or {}, "errors": shown or {}, "done": DONE.shown(request)}, status_code=status_code)


COMMITMENT_PAGE = forms.ObjectPage("/engagements/commitments/{}", _commitment_page, DONE,
                                   rename=lambda field: "text" if field == "note" else field)


@router.get("/commitments/{commitment_id}")
def commitment_page(commitment_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    return _commitment_page(request, session, principal, commitment_id)


@router.post("/commitments/{commitment_id}/notes")
async def commitment_note(commitment_id: str, request: Request, session: DbSession, principal: Planner) -> Response:
    def note(values: dict[str, str]) -> Any:
        return records.add_note(session, principal, commitment_id, values.get("text", ""),
                                values.get("evidence", ""), node_now(request), close=values.get("close") == "1")

    return await COMMITMENT_PAGE.act_on_form(request, session, principal, commitment_id, note,
                                             lambda v: "closed" if v.get("close") == "1" else "noted")


# --- joint patrols ------------------------------------------------------------------------------

def _patrol_form(request: Request, session: DbSession, principal: Principal, values: Mapping[str, str],
                 errors: Shown, status_code: int = 200) -> Response:
    unit = directory.get_unit(session, principal.unit_id)
    return render(request, "engagements/patrol_form.html", {
        "values": values, "errors": errors, "limits": input_limits(PatrolCreate),
        "counterparts": directory.counterparts_of(session, unit.id)}, status_code=status_code)


@router.get("/patrols/new")
def new_patrol(request: Request, session: DbSession, principal: Patroller) -> Response:
    return _patrol_form(request, session, principal, {}, {})


@router.post("/patrols/new")
async def create_patrol(request: Request, session: DbSession, principal: Patroller) -> Response:
    values = forms.typed(await forms.submitted(request), PATROL_INPUTS)

    def create() -> Any:
        data = PatrolCreate.model_validate({
            "counterpart_unit_code": form_input.optional(values["counterpart_unit_code"]),
            "starts_at": form_input.local_moment(values["starts_at"], principal.timezone),
            "ends_at": form_input.local_moment(values["ends_at"], principal.timezone),
            "marker_from": values["marker_from"], "marker_to": values["marker_to"], "route": values["route"],
            "participants": form_input.people(values["participants"])})
        return patrols.propose(session, principal, data, node_now(request))

    created = await run_in_threadpool(forms.attempt, request, session, create, rename=_field, hidden_is_refusal=False)
    if isinstance(created, forms.Refusal):
        return await run_in_threadpool(_patrol_form, request, session, principal, values, created.shown,
                                       created.status_code)
    return DONE.redirect(f"/engagements/patrols/{created.id}", "proposed")


def _patrol_page(request: Request, session: DbSession, principal: Principal, patrol_id: str,
                 values: Mapping[str, str] | None = None, shown: Shown | None = None,
                 status_code: int = 200) -> Response:
    found = patrols.PATROL_KIND.read(session, principal, patrol_id, node_now(request))
    return render(request, "engagements/patrol.html", {
        "item": patrol_out(session, found, request_language(request)), "is_owner": found.owner_party == principal.party,
        "owner_unit": found.owner_unit, "counterpart_unit": found.counterpart_unit,
        "units": {u.code: u for u in directory.list_units(session)},
        "filed": {r.party for r in patrols.reports(session, found.id)},
        "values": values or {}, "errors": shown or {}, "done": DONE.shown(request),
        "adjust_values": {"starts_at": form_input.for_input(found.starts_at, principal.timezone),
                          "ends_at": form_input.for_input(found.ends_at, principal.timezone)}},
        status_code=status_code)


PATROL_PAGE = forms.ObjectPage("/engagements/patrols/{}", _patrol_page, DONE, rename=_field)
streams.add_object_stream(router, "/patrols/{patrol_id}/stream", PATROL, "patrol",
                          permission=Permission.ENGAGEMENTS_READ, visible=patrols.PATROL_KIND.visible,
                          doc="The live stream of an open patrol page: a `patrol` event at each answer or report of "
                            "either side.")


@router.get("/patrols/{patrol_id}")
def patrol_page(patrol_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    return _patrol_page(request, session, principal, patrol_id)


def _participants(values: Mapping[str, str]) -> list[dict[str, str]]:
    return form_input.people(values.get("participants"))


@router.post("/patrols/{patrol_id}/answer")
async def answer_patrol(patrol_id: str, request: Request, session: DbSession, principal: Patroller) -> Response:
    def answer(values: dict[str, str]) -> Any:
        adjust = None
        if values.get("decision") == "adjust":
            adjust = PatrolAdjustIn.model_validate({
                "starts_at": form_input.local_moment(values.get("starts_at"), principal.timezone),
                "ends_at": form_input.local_moment(values.get("ends_at"), principal.timezone),
                "route": form_input.optional(values.get("route", "")), "note": values.get("note", ""),
                "participants": _participants(values)})
        people = PatrolAnswerIn.model_validate({"participants": _participants(values)}).participants
        return patrols.answer(session, principal, patrol_id, people, node_now(request), adjust)

    return await PATROL_PAGE.act_on_form(request, session, principal, patrol_id, answer,
                                lambda v: "adjusted" if v.get("decision") == "adjust" else "accepted")


@router.post("/patrols/{patrol_id}/report")
async def report_patrol(patrol_id: str, request: Request, session: DbSession, principal: Patroller) -> Response:
    def report(values: dict[str, str]) -> Any:
        incidents = []
        if values.get("incident_kind"):
            incidents.append({
                "kind": values["incident_kind"], "count": form_input.number(values.get("incident_count", "")) or 1,
                "marker": form_input.optional(values.get("incident_marker", "")),
                "note": values.get("incident_note", ""),
                "case_ref": form_input.optional(values.get("incident_case", ""))})
        data = PatrolReportIn.model_validate({"summary": values.get("summary", ""), "incidents": incidents})
        return patrols.file_report(session, principal, patrol_id, data, node_now(request))

    return await PATROL_PAGE.act_on_form(request, session, principal, patrol_id, report, "reported")

