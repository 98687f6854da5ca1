"""Cases and handovers pages: lists with filters, a case's detail with its timeline and forms, the
new-case form, and a handover's detail with the steps the reader's side may take."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from borderlink.cases import handovers, operations, persons, service
from borderlink.cases.handover_api import HANDOVER_ACTIONS, handover_out
from borderlink.cases.handover_models import HANDOVER_TYPE
from borderlink.cases.models import OBJECT_TYPE, Perm, PersonRole
from borderlink.cases.schemas import (
    CaseCreate,
    CaseFilter,
    HandoverCancel,
    HandoverCreate,
    HandoverFilter,
    NoteCreate,
    OperationCreate,
    PersonCreate,
    StatusChange,
    TaskCreate,
)
from borderlink.cases.views import case_out, list_cases, work_limits
from borderlink.directory import service as directory
from borderlink.directory.permissions import Principal
from borderlink.errors import BorderLinkError, NotFound
from borderlink.safeguards.offences import allowed_offences
from borderlink.shared.forms import N_, input_limits
from borderlink.web import ask_first as ask
from borderlink.web import form_pages as forms
from borderlink.web import streams
from borderlink.web.deps import DbSession, node_now, require
from borderlink.web.errors import problems_of, shown_errors, status_for
from borderlink.web.i18n import request_language, translator
from borderlink.web.object_actions import add_page_routes
from borderlink.web.outcomes import Outcomes
from borderlink.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(require(Perm.READ))]
Contributor = Annotated[Principal, Depends(require(Perm.CONTRIBUTE))]
Manager = Annotated[Principal, Depends(require(Perm.MANAGE))]
Handler = Annotated[Principal, Depends(require(Perm.HANDOVER))]
Confirmer = Annotated[Principal, Depends(require(Perm.CONFIRM))]
PAGE_SIZE = 50
CASE_DONE = Outcomes({
    "created": N_("The case was opened."),
    "status": N_("The case's status was changed."),
    "note": N_("The note was added to the case."),
    "person": N_("The person was added to the case."),
    "operation": N_("The operation was recorded."),
    "task": N_("The task was added."),
    "task_done": N_("The task was marked done."),
    "unit": N_("The unit was added to the case."),
    "agreement": N_("The agreement was extended."),
    "evidence": N_("The evidence was recorded."),
    "custody": N_("The handover of custody was recorded."),
    "asset": N_("The asset was recorded."),
    "asset_updated": N_("The asset was updated."),
    "group": N_("The intercepted group was recorded."),
    "link": N_("The link was added."),
})
HANDOVER_DONE = Outcomes({
    "proposed": N_("The handover was proposed to the other side."),
    "accepted": N_("You accepted the handover; the other side sees it."),
    "countered": N_("Your other time was sent to the other side."),
    "confirmed": N_("You confirmed the handover took place."),
    "cancelled": N_("The handover was cancelled on both sides."),
})


@router.get("/cases")
def cases_page(request: Request, session: DbSession, principal: Reader,
               filters: Annotated[CaseFilter, Depends(forms.page_query(CaseFilter))]) -> Response:
    listed = list_cases(session, principal, filters.model_copy(update={"limit": PAGE_SIZE}))
    figures = operations.immigration_figures(session, principal)
    return render(request, "cases/list.html", {
        "listed": listed, "filters": filters, "figures": figures,
        **forms.pager(request, "/cases", listed.next_cursor, listed.prev_cursor)})


NEW_CASE_INPUTS = ("title", "case_type", "summary", "legal_basis", "handling_code", "jit_reference", "jit_starts_on",
                   "jit_ends_on")


def _new_case(request: Request, session: DbSession, values: dict[str, Any], shown: dict[str, str],
              status_code: int = 200) -> Response:
    return render(request, "cases/new.html", {
        "values": values, "errors": shown, "limits": input_limits(CaseCreate), "offences": allowed_offences(),
        "units": directory.list_units(session)}, status_code=status_code)


@router.get("/cases/new")
def new_case_form(request: Request, session: DbSession, principal: Manager) -> Response:
    return _new_case(request, session, {"case_type": "drug_trafficking", "handling_code": "H0"}, {})


@router.post("/cases/new")
async def create_case_form(request: Request, session: DbSession, principal: Manager) -> Response:
    form = await request.form()
    values: dict[str, Any] = dict(forms.typed(form, NEW_CASE_INPUTS))
    values["offence_codes"] = [str(v) for v in form.getlist("offence_codes")]
    values["unit_codes"] = [str(v) for v in form.getlist("unit_codes")]

    def create() -> str:
        data = CaseCreate.model_validate({**{k: v or None for k, v in values.items() if k.startswith("jit_")},
                                          **{k: values[k] for k in ("title", "case_type", "summary", "legal_basis",
                                                                    "handling_code", "offence_codes", "unit_codes")}})
        with session.begin_nested():
            return service.create_case(session, principal, data, node_now(request)).id

    try:
        case_id = await run_in_threadpool(create)
    except (ValidationError, BorderLinkError) as exc:
        shown = shown_errors(request, problems_of(exc), lambda field: field.split(".")[0])
        return await run_in_threadpool(_new_case, request, session, values, shown, status_for(exc))
    return CASE_DONE.redirect(f"/cases/{case_id}", "created")


def _case_page(request: Request, session: DbSession, principal: Principal, case_id: str,
               values: dict[str, Any] | None = None, shown: dict[str, str] | None = None,
               status_code: int = 200) -> Response:
    now = node_now(request)
    case = service.CASE_KIND.read(session, principal, case_id, now)
    language = request_language(request)
    rows = service.case_units(session, case.id)
    on_case = {row.unit_id for row in rows}
    return render(request, "cases/detail.html", {
        "item": case_out(session, principal, case, language, translator(language)),
        "is_owner": case.owner_party == principal.party, "values": values or {}, "errors": shown or {},
        "limits": {**input_limits(NoteCreate), **input_limits(PersonCreate), **input_limits(OperationCreate)},
        "work_limits": work_limits(), "units_to_add": [u for u in directory.list_units(session) if u.id not in on_case],
        "gates": [u for u in directory.list_units(session) if u.tier == "post"],
        "my_units": {row.unit.code for row in rows if principal.covers_unit(row.unit_id)},
        "done": CASE_DONE.shown(request, language),
    }, status_code=status_code)


streams.add_object_stream(router, "/cases/{case_id}/stream", OBJECT_TYPE, "case", permission=Perm.READ,
                          visible=service.CASE_KIND.visible,
                          doc="The live stream of an open case page: a `case` event at each change, whichever side "
                            "made it.")


@router.get("/cases/{case_id}")
def case_page(case_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    return _case_page(request, session, principal, case_id)


# A step on a case from a form: done, the case's page says its outcome; a refusal is shown on the
# case's page beside its input, in the form it came from, with what was typed kept.
CASE_PAGE = forms.ObjectPage("/cases/{}", _case_page, CASE_DONE, rename=lambda field: field.split(".")[0])


def _act(request: Request, session: DbSession, principal: Principal, case_id: str, values: dict[str, Any],
         action: Callable[[], object], form: str, outcome: str) -> Response:
    return CASE_PAGE.act(request, session, principal, case_id, action, outcome, {**values, "_form": form})


_LOCAL_TIMES = ("planned_at", "deadline_at", "intercepted_at")


def _model(schema: type[BaseModel], values: dict[str, Any], zone: str = "UTC") -> Any:
    """The form's values validated by the API's schema; a time typed without a zone is the
    reader's own local time."""
    return schema.model_validate(forms.local_times({k: v for k, v in values.items() if v != ""}, _LOCAL_TIMES, zone))


def _zone(request: Request) -> str:
    return str(getattr(request.state, "timezone", "UTC"))


@router.post("/cases/{case_id}/status")
async def status_form(case_id: str, request: Request, session: DbSession, principal: Manager) -> Response:
    values: dict[str, Any] = await forms.submitted(request)
    now = node_now(request)

    def act() -> object:
        data = _model(StatusChange, values)
        return service.change_status(session, principal, case_id, data.status, data.reason, now)

    return await run_in_threadpool(_act, request, session, principal, case_id, values, act, "status", "status")


@router.post("/cases/{case_id}/notes")
async def note_form(case_id: str, request: Request, session: DbSession, principal: Contributor) -> Response:
    values: dict[str, Any] = await forms.submitted(request)
    now = node_now(request)
    data = {"body": values.get("body", ""), "shared": values.get("shared") == "1"}
    return await run_in_threadpool(_act, request, session, principal, case_id, values, lambda: service.add_note(
        session, principal, case_id, NoteCreate.model_validate(data), now), "note", "note")


@router.post("/cases/{case_id}/persons")
async def person_form(case_id: str, request: Request, session: DbSession, principal: Contributor) -> Response:
    values: dict[str, Any] = await forms.submitted(request)
    now = node_now(request)

    def act() -> object:
        data = {**values, "other_names": [n.strip() for n in values.get("other_names", "").split(";") if n.strip()]}
        return persons.add_person(session, principal, case_id, _model(PersonCreate, data), now)

    return await run_in_threadpool(_act, request, session, principal, case_id, values, act, "person", "person")


@router.post("/cases/{case_id}/operations")
async def operation_form(case_id: str, request: Request, session: DbSession, principal: Contributor) -> Response:
    values: dict[str, Any] = await forms.submitted(request)
    now = node_now(request)

    def act() -> object:
        seizure = {key[8:]: value for key, value in values.items() if key.startswith("seizure_") and value}
        data = {k: v for k, v in values.items() if not k.startswith("seizure_")}
        data["seizures"] = [seizure] if seizure.get("item_type") else []
        return operations.add_operation(session, principal, case_id, _model(OperationCreate, data), now)

    return await run_in_threadpool(_act, request, session, principal, case_id, values, act, "operation", "operation")


@router.post("/cases/{case_id}/tasks")
async def task_form(case_id: str, request: Request, session: DbSession, principal: Contributor) -> Response:
    values: dict[str, Any] = await forms.submitted(request)
    now = node_now(request)
    return await run_in_threadpool(_act, request, session, principal, case_id, values, lambda: operations.add_task(
        session, principal, case_id, _model(TaskCreate, values, _zone(request)), now), "task", "task")


# --- handovers -------------------------------------------------------------------------------

@router.get("/handovers")
def handovers_list(request: Request, session: DbSession, principal: Reader,
                   filters: Annotated[HandoverFilter, Depends(forms.page_query(HandoverFilter))]) -> Response:
    items, next_cursor, prev_cursor = handovers.handovers_page(session, principal,
                                                               filters.model_copy(update={"limit": PAGE_SIZE}))
    return render(request, "cases/handovers.html", {
        "items": [handover_out(session, h) for h in items], "filters": filters,
        **forms.pager(request, "/handovers", next_cursor, prev_cursor)})


def _new_handover(request: Request, session: DbSession, principal: Principal, values: dict[str, Any],
                  shown: dict[str, str], status_code: int = 200) -> Response:
    gates = [u for u in directory.list_units(session, principal.party)
             if u.tier == "post" and principal.covers_unit(u.id) and directory.counterparts_of(session, u.id)]
    return render(request, "cases/handover_new.html", {
        "values": values, "errors": shown, "gates": gates, "limits": input_limits(HandoverCreate),
        "case_persons": _case_persons(request, session, principal, str(values.get("case_id") or ""))},
        status_code=status_code)


def _case_persons(request: Request, session: DbSession, principal: Principal, case_id: str) -> list[dict[str, Any]]:
    """The persons of the case a handover is proposed from, as the reader may see them (none for
    an informant, who never leaves this node)."""
    if len(case_id) != 36:
        return []
    try:
        service.CASE_KIND.visible(session, principal, case_id)
    except NotFound:
        return []
    translate = translator(request_language(request))
    return [persons.person_out(p, principal, translate) for p in persons.persons(session, case_id)
            if p.role != PersonRole.INFORMANT]


@router.get("/handovers/new")
def new_handover_form(request: Request, session: DbSession, principal: Handler) -> Response:
    return _new_handover(request, session, principal, {"kind": "fugitive", "case_id": request.query_params.get(
        "case_id", "")}, {})


@router.post("/handovers/new")
async def create_handover_form(request: Request, session: DbSession, principal: Handler) -> Response:
    values: dict[str, Any] = await forms.submitted(request)
    values["case_person_ids"] = [str(v) for v in (await request.form()).getlist("case_person_ids")]

    def create() -> str:
        person = {"name": values.get("person_name") or None, "birth_date": values.get("person_birth_date") or None,
                  "nationality": values.get("person_nationality") or None}
        chosen = [{"case_person_id": person_id} for person_id in values["case_person_ids"]]
        checklist = [{"item": line.strip(), "kind": "document"} for line in values.get("documents", "").splitlines()
                     if line.strip()]
        checklist += [{"item": line.strip(), "kind": "belonging"} for line in values.get("belongings", "").splitlines()
                      if line.strip()]
        data = _model(HandoverCreate, {
            **{k: values.get(k, "") for k in ("kind", "gate_code", "planned_at", "case_id", "alert_id", "note")},
            "persons": chosen + ([{k: v for k, v in person.items() if v is not None}]
                                 if person["name"] or not chosen else []),
            "escorts": [e.strip() for e in values.get("escorts", "").split(";") if e.strip()],
            "checklist": checklist}, _zone(request))
        with session.begin_nested():
            return handovers.propose(session, principal, data, node_now(request)).id

    try:
        handover_id = await run_in_threadpool(create)
    except (ValidationError, BorderLinkError) as exc:
        shown = shown_errors(request, problems_of(exc), lambda f: "person_name" if f.startswith("persons")
                             else f.split(".")[0])
        return await run_in_threadpool(_new_handover, request, session, principal, values, shown, status_for(exc))
    return HANDOVER_DONE.redirect(f"/handovers/{handover_id}", "proposed")


def _handover_page(request: Request, session: DbSession, principal: Principal, handover_id: str,
                   shown: dict[str, str] | None = None, status_code: int = 200) -> Response:
    found = handovers.HANDOVER_KIND.visible(session, principal, handover_id)
    _, gate = handovers.our_units(found, principal.party)
    return render(request, "cases/handover.html", {
        "item": handover_out(session, found, request_language(request)),
        "is_owner": found.owner_party == principal.party,
        "at_gate": principal.unit_id == gate.id, "errors": shown or {},
        "confirmed_here": handovers.confirmation_of(session, found.id, principal.party) is not None,
        "done": HANDOVER_DONE.shown(request),
    }, status_code=status_code)


streams.add_object_stream(router, "/handovers/{handover_id}/stream", HANDOVER_TYPE, "handover", permission=Perm.READ,
                          visible=handovers.HANDOVER_KIND.visible,
                          doc="The live stream of an open handover page: a `handover` event at each step of either "
                              "side.")


@router.get("/handovers/{handover_id}")
def handover_page(handover_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    return _handover_page(request, session, principal, handover_id)


HANDOVER_PAGE = forms.ObjectPage("/handovers/{}", _handover_page, HANDOVER_DONE,
                                 rename=lambda field: field.split(".")[0], keeps_typed=False)


add_page_routes(router, HANDOVER_PAGE, HANDOVER_ACTIONS)


@router.post("/handovers/{handover_id}/cancel")
async def cancel_form(handover_id: str, request: Request, session: DbSession, principal: Handler) -> Response:
    values: dict[str, Any] = await forms.submitted(request)
    now = node_now(request)
    reason = str(values.get("reason", ""))
    if reason.strip() and not ask.confirmed(values):  # a cancelled handover stays cancelled: the page asks first
        await run_in_threadpool(handovers.HANDOVER_KIND.visible, session, principal, handover_id)
        return ask.ask_first(request, ask.Ask(
            heading=N_("Cancel the handover"), consequence=N_("The handover is cancelled on both sides."),
            button=N_("Yes, cancel the handover"), action=f"/handovers/{handover_id}/cancel",
            cancel=f"/handovers/{handover_id}", summary=reason, fields={"reason": reason}))
    values.pop(ask.CONFIRMED_FIELD, None)
    return await run_in_threadpool(HANDOVER_PAGE.act, request, session, principal, handover_id,
                                   lambda: handovers.cancel(session, principal, handover_id,
                                                            _model(HandoverCancel, values), now), "cancelled")
