"""Alert pages: the list, an alert with the actions its viewer may take, the issue and edit form,
the review queue, withdrawal and extension (each confirmed first), and the check-a-person page.

Every page goes through the alerts service as the API does; what a viewer may not see answers 404.
The form's inputs are named like the import's CSV columns, so one mapping (`bulk_input`) turns
both into the API's alert input, and a refusal comes back beside the input that holds the value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import Field, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from borderlink.alerts import service
from borderlink.alerts.bulk_input import Defaults, alert_input, input_name, parsed
from borderlink.alerts.bulk_read import CSV_COLUMNS, VALUE_SEPARATOR, csv_record
from borderlink.alerts.models import OBJECT_TYPE, Alert, AlertKind, Status
from borderlink.alerts.protection import ProtectedPerson, SamePersonAlert
from borderlink.alerts.schemas import (
    AlertFilter,
    AlertIn,
    AlertOut,
    AlertUpdate,
    ExtendIn,
    FlagIn,
    ReviewIn,
    ScreeningCheckIn,
    WithdrawIn,
)
from borderlink.alerts.screening_entries import ScreeningQuery
from borderlink.alerts.screening_service import screen
from borderlink.alerts.views import alert_out, match_out, summary_out, title_of
from borderlink.directory import service as directory
from borderlink.directory.models import Tier
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import BorderLinkError, Forbidden, NotFound
from borderlink.shared import attachments
from borderlink.shared.attachments import StoredFile
from borderlink.shared.forms import N_, input_limits
from borderlink.shared.workfeed import ObjectRef
from borderlink.web import form_pages as forms
from borderlink.web import streams
from borderlink.web.deps import DbSession, node_now, require
from borderlink.web.errors import problems_of, shown_errors, status_for
from borderlink.web.i18n import request_language, translator
from borderlink.web.outcomes import Outcomes
from borderlink.web.templating import render

router = APIRouter(prefix="/alerts", include_in_schema=False)
screening_router = APIRouter(prefix="/screening", include_in_schema=False)
Reader = Annotated[Principal, Depends(require(Permission.ALERTS_READ))]
Issuer = Annotated[Principal, Depends(require(Permission.ALERTS_ISSUE))]
Reviewer = Annotated[Principal, Depends(require(Permission.ALERTS_REVIEW))]
Screener = Annotated[Principal, Depends(require(Permission.ALERTS_SCREEN))]
PAGE_SIZE = 50
HITS_SHOWN = 20

# What the alert page says after a step; only these, so a link cannot put words on the page.
DONE = Outcomes({
    "created": N_("The alert was issued."),
    "saved": N_("The changes were saved and sent to the other side."),
    "submitted": N_("The alert was sent."),
    "withdrawn": N_("The alert was withdrawn. It no longer appears in checks."),
    "fulfilled": N_("The alert was marked fulfilled. It no longer appears in checks."),
    "extended": N_("The alert was extended."),
    "flagged": N_("Your flag was recorded and sent to the issuing side."),
    "approved": N_("The alert was approved and is active."),
    "rejected": N_("The alert was rejected."),
    "hidden": N_("The alert is hidden from the other side."),
    "shown": N_("The other side sees the alert again."),
    "attached": N_("The file was attached."),
})
FORM_INPUTS = (*tuple(c for c in CSV_COLUMNS if c != "id"), "distribution_units", "draft", "link_to")


def _viewer(request: Request, principal: Principal) -> Principal:
    """The principal as the views need it: labels and timeline in the language the page is in."""
    return dataclasses.replace(principal, language=request_language(request))


def _unit_names(session: Session, language: str) -> Callable[[str], str]:
    names = {unit.code: unit.name(language) for unit in directory.list_units(session)}
    return lambda code: names.get(code, code)


# --- the list and the review queue ------------------------------------------------------------

class PageFilter(AlertFilter):
    """The list's filters as the page's form names them: its checkbox is `expiring`."""

    expiring_soon: bool = Field(default=False, validation_alias="expiring")


@router.get("")
def list_page(request: Request, session: DbSession, principal: Reader,
              filters: Annotated[PageFilter, Depends(forms.page_query(PageFilter))]) -> Response:
    viewer = _viewer(request, principal)
    found = service.list_alerts(session, principal, filters.model_copy(update={"limit": PAGE_SIZE}),
                                node_now(request))
    flagged = service.flagged_ids(session, [alert.id for alert in found.items])
    items = [summary_out(session, alert, viewer, alert.id in flagged) for alert in found.items]
    return render(request, "alerts/list.html", {
        "listed": items, "filters": filters, "unit_name": _unit_names(session, viewer.language),
        **forms.pager(request, "/alerts", found.next_cursor, found.prev_cursor),
    })


@router.get("/review")
def review_queue_page(request: Request, session: DbSession, principal: Reviewer) -> Response:
    viewer = _viewer(request, principal)
    waiting = service.REVIEW.queue(session, principal)
    items = [summary_out(session, alert, viewer, False) for alert in waiting]
    return render(request, "alerts/review.html", {"listed": items,
                                                  "unit_name": _unit_names(session, viewer.language)})


# --- one alert --------------------------------------------------------------------------------

def _may_change(principal: Principal, alert: Alert) -> bool:
    """The owner's changes: the issuing unit's chain or the central tier, with the right to issue."""
    return (alert.owner_party == principal.party and principal.can(Permission.ALERTS_ISSUE)
            and (principal.covers_unit(alert.owner_unit_id) or principal.unit_tier == Tier.CENTRAL))


def actions_for(principal: Principal, alert: Alert) -> list[str]:
    """The steps the viewer may take on the alert now, as the service would allow them."""
    actions: list[str] = []
    owner = alert.owner_party == principal.party
    if _may_change(principal, alert):
        if alert.status in (Status.DRAFT, Status.UNDER_REVIEW, Status.ACTIVE):
            actions += ["edit", "withdraw"]
        if alert.status == Status.DRAFT:
            actions.append("submit")
        if alert.status == Status.ACTIVE:
            actions += ["extend", "hide"]
    if owner and alert.status == Status.UNDER_REVIEW and principal.can(Permission.ALERTS_REVIEW):
        actions.append("review")
    if not owner and alert.status == Status.ACTIVE and principal.unit_tier != Tier.POST:
        actions.append("flag")
    return actions


def _hits(session: Session, principal: Principal, alert_id: str) -> list[dict[str, Any]]:
    """The gates' hits on the alert that the viewer's units hold (none without `gates.read`)."""
    from borderlink.gates import hits  # the gates screen against alerts: imported when used, not at load

    codes = {unit.id: unit.code for unit in directory.list_units(session)}
    return [{"at": hit.created_at, "gate": codes.get(hit.gate_unit_id, ""), "status": hit.status.value,
             "score": hit.score, "outcome": hit.outcome.value if hit.outcome else None}
            for hit in hits.list_hits(session, principal, alert_id=alert_id, limit=HITS_SHOWN)]


def photo_added(session: Session, principal: Principal, stored: StoredFile) -> None:
    """Only those who may change the alert add its photos (the shared route lets issuers through)."""
    alert = service.get_alert(session, principal, stored.object_id)
    if not _may_change(principal, alert) or alert.status not in (Status.DRAFT, Status.UNDER_REVIEW, Status.ACTIVE):
        raise Forbidden("Only the issuing side adds photos to its alert.")


def _alert_page(request: Request, session: Session, principal: Principal, alert_id: str, *,
                values: dict[str, str] | None = None, shown: dict[str, str] | None = None,
                status_code: int = 200) -> Response:
    viewer = _viewer(request, principal)
    alert = service.get_alert(session, principal, alert_id)
    return render(request, "alerts/detail.html", {
        "alert": alert_out(session, alert, viewer), "title": title_of(alert), "actions": actions_for(principal, alert),
        "done": DONE.shown(request, viewer.language),
        "unit_name": _unit_names(session, viewer.language), "values": values or {}, "errors": shown or {},
        "limits": {**input_limits(FlagIn), **input_limits(ReviewIn)}, "hits": _hits(session, principal, alert.id),
        "files": attachments.files_of(session, ObjectRef(OBJECT_TYPE, alert.id)),
    }, status_code=status_code)


def _done(alert_id: str, what: str) -> Response:
    return DONE.redirect(f"/alerts/{alert_id}", what)


def _step(request: Request, session: Session, principal: Principal, alert_id: str, values: dict[str, str],
          step: Callable[[], str]) -> Response:
    """Run one step on an alert; a refusal is shown on its page beside the input it concerns."""
    what = forms.attempt(request, session, step, hidden_is_refusal=False)
    if isinstance(what, forms.Refusal):
        return _alert_page(request, session, principal, alert_id, values=values, shown=what.shown,
                           status_code=what.status_code)
    return _done(alert_id, what)


@router.get("/new")
def new_form(request: Request, session: DbSession, principal: Issuer) -> Response:
    return _form_page(request, {"kind": AlertKind.WANTED.value, "handling_code": "H0", "distribution": "all"}, [], {})


def _form_page(request: Request, values: dict[str, str], warnings: list[str], shown: dict[str, str], *,
               alert_id: str | None = None, kept: int = 0, links: list[str] | None = None,
               status_code: int = 200) -> Response:
    gettext = translator(request_language(request))
    editing = alert_id is not None
    return render(request, "alerts/form.html", {
        "values": values, "warnings": warnings, "errors": shown, "editing": editing, "alert_id": alert_id,
        "kept": kept, "links": links or [], "limits": _form_limits(),
        "heading": gettext("Edit alert") if editing else gettext("New alert"),
        "submit": gettext("Save changes") if editing else gettext("Issue alert"),
        "action": f"/alerts/{alert_id}/edit" if editing else "/alerts/new",
    }, status_code=status_code)


def _form_limits() -> dict[str, dict[str, int]]:
    limits = input_limits(AlertIn)
    return {"description": limits.get("description", {}), "handling_note": limits.get("handling_note", {})}


async def _form_values(request: Request) -> tuple[dict[str, str], list[str]]:
    form = await request.form()
    values = forms.typed(form, FORM_INPUTS, strip=True)
    return values, [str(w) for w in form.getlist("warnings")]


def form_record_input(values: dict[str, str], warnings: list[str], kind: str) -> dict[str, Any]:
    """The alert input of the form's values (the same mapping as a CSV row's)."""
    row = {column: values.get(column, "") for column in CSV_COLUMNS}
    row["warnings"] = VALUE_SEPARATOR.join(warnings)
    if values.get("distribution") == "units":
        row["distribution"] = values.get("distribution_units", "")
    return alert_input(csv_record(row, 0, require_subject=False), Defaults(kind=kind))


def _rename(field: str) -> str:
    name = input_name(field)
    return name if name in FORM_INPUTS else ""


@router.post("/new")
async def create_from_form(request: Request, session: DbSession, principal: Issuer) -> Response:
    values, warnings = await _form_values(request)

    def create() -> Alert:
        body = form_record_input(values, warnings, values["kind"])
        data = parsed(AlertIn, {**body, "draft": values["draft"] == "1", "link_to": values["link_to"] or None})
        with session.begin_nested():
            return service.create_alert(session, principal, data, node_now(request))

    try:
        created = await run_in_threadpool(create)
    except ProtectedPerson as refused:
        # The refusal is audited: this answer returns (the request's transaction commits the audit).
        shown = shown_errors(request, problems_of(refused), _rename)
        return _form_page(request, values, warnings, shown, status_code=409)
    except SamePersonAlert as same:
        shown = shown_errors(request, problems_of(same), _rename)
        links = [part.strip() for part in str(same.params.get("ids", "")).split(",") if part.strip()]
        return _form_page(request, values, warnings, shown, links=links, status_code=409)
    except (ValidationError, BorderLinkError) as exc:
        shown = shown_errors(request, problems_of(exc), _rename)
        return _form_page(request, values, warnings, shown, status_code=status_for(exc))
    return _done(created.id, "created" if created.status != Status.DRAFT else "saved")


def _values_of(alert: AlertOut) -> tuple[dict[str, str], list[str], int]:
    """The edit form's values of an alert: its first document and vehicle (the others are kept)."""
    person = alert.person
    document = alert.documents[0] if alert.documents else {}
    vehicle = alert.vehicles[0] if alert.vehicles else {}
    basis = alert.legal_basis or {}
    values = {
        "kind": alert.kind, "offence_code": alert.offence_code, "handling_code": alert.handling_code,
        "name": person.names[0] if person and person.names else "",
        "aliases": "\n".join(person.names[1:]) if person else "",
        "birth_date": (person.birth_date or "") if person else "", "gender": (person.gender or "") if person else "",
        "nationality": VALUE_SEPARATOR.join(person.nationalities) if person else "",
        "description": alert.description or "", "action": alert.action,
        **{f"document_{key}": str(document.get(source) or "") for key, source in
           (("type", "type"), ("number", "number"), ("state", "issuing_state"), ("expiry", "expires_on"))},
        **{key: str(vehicle.get(key) or "") for key in ("plate", "vin", "make", "colour")},
        **{f"legal_basis_{key}": str(basis.get(key) or "") for key in ("reference", "authority", "date")},
    }
    kept = max(0, len(alert.documents) - 1) + max(0, len(alert.vehicles) - 1)
    return values, list(alert.warning_flags), kept


def _editable(request: Request, session: Session, principal: Principal, alert_id: str) -> tuple[Alert, AlertOut]:
    alert = service.get_alert(session, principal, alert_id)
    if "edit" not in actions_for(principal, alert):
        raise NotFound("There is no such alert, or you may not see it.")
    return alert, alert_out(session, alert, _viewer(request, principal))


@router.get("/{alert_id}/edit")
def edit_form(alert_id: str, request: Request, session: DbSession, principal: Issuer) -> Response:
    _alert, shown = _editable(request, session, principal, alert_id)
    values, warnings, kept = _values_of(shown)
    return _form_page(request, values, warnings, {}, alert_id=alert_id, kept=kept)


@router.post("/{alert_id}/edit")
async def edit_from_form(alert_id: str, request: Request, session: DbSession, principal: Issuer) -> Response:
    values, warnings = await _form_values(request)
    alert, current = await run_in_threadpool(_editable, request, session, principal, alert_id)
    values.update({"kind": current.kind, "offence_code": current.offence_code, "handling_code": current.handling_code})
    kept = max(0, len(current.documents) - 1) + max(0, len(current.vehicles) - 1)

    def save() -> None:
        body = form_record_input(values, warnings, current.kind)
        changes = {
            "person": body.get("person"), "description": values["description"] or None,
            "documents": body.get("documents", [])[:1] + current.documents[1:],
            "vehicles": body.get("vehicles", [])[:1] + current.vehicles[1:],
            "warning_flags": body.get("warning_flags", []), "legal_basis": body.get("legal_basis"),
            "action": body.get("action"),
        }
        data = parsed(AlertUpdate, {k: v for k, v in changes.items() if v is not None})
        with session.begin_nested():
            service.update(session, principal, alert.id, data, node_now(request))

    try:
        await run_in_threadpool(save)
    except ProtectedPerson as refused:
        shown = shown_errors(request, problems_of(refused), _rename)
        return _form_page(request, values, warnings, shown, alert_id=alert_id, kept=kept, status_code=409)
    except (ValidationError, BorderLinkError) as exc:
        shown = shown_errors(request, problems_of(exc), _rename)
        return _form_page(request, values, warnings, shown, alert_id=alert_id, kept=kept,
                          status_code=status_for(exc))
    return _done(alert_id, "saved")


@router.get("/{alert_id}/stream")
def alert_page_stream(alert_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    """The live stream of an open alert page: an `alert` event at each step of either side, and at
    each new or answered hit in the viewer's units (the hits the page shows)."""
    from borderlink.gates.models import HIT_TYPE  # the gates' hits hang on alerts: imported when used

    service.get_alert(session, principal, alert_id)
    hit_units = principal.scope_unit_ids if principal.can(Permission.GATES_READ) else frozenset()
    return streams.object_stream(request, OBJECT_TYPE, alert_id, "alert", related_units=hit_units,
                                 related_types=(HIT_TYPE,))


@router.get("/{alert_id}")
def alert_page(alert_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    return _alert_page(request, session, principal, alert_id)


def _confirm_page(request: Request, session: Session, principal: Principal, alert_id: str, template: str,
                  action: str, values: dict[str, str], shown: dict[str, str], status_code: int = 200) -> Response:
    alert = service.get_alert(session, principal, alert_id)
    if action not in actions_for(principal, alert):
        raise NotFound("There is no such alert, or you may not see it.")
    limits = input_limits(WithdrawIn) if action == "withdraw" else input_limits(ExtendIn)
    return render(request, template, {
        "alert": alert_out(session, alert, _viewer(request, principal)), "title": title_of(alert),
        "values": values, "errors": shown, "limits": limits,
    }, status_code=status_code)


@router.get("/{alert_id}/withdraw")
def withdraw_confirm(alert_id: str, request: Request, session: DbSession, principal: Issuer) -> Response:
    return _confirm_page(request, session, principal, alert_id, "alerts/withdraw.html", "withdraw", {}, {})


@router.post("/{alert_id}/withdraw")
def withdraw_form(alert_id: str, request: Request, session: DbSession, principal: Issuer,
                  outcome: Annotated[str, Form()] = "withdrawn", note: Annotated[str, Form()] = "") -> Response:
    values = {"outcome": outcome, "note": note}
    try:
        body = WithdrawIn.model_validate({"note": note.strip() or None, "fulfilled": outcome == "fulfilled"})
        with session.begin_nested():
            service.withdraw(session, principal, alert_id, body.note, node_now(request), fulfilled=body.fulfilled)
    except (ValidationError, BorderLinkError) as exc:
        if isinstance(exc, NotFound):
            raise
        return _confirm_page(request, session, principal, alert_id, "alerts/withdraw.html", "withdraw", values,
                             shown_errors(request, problems_of(exc)), status_for(exc))
    return _done(alert_id, "fulfilled" if body.fulfilled else "withdrawn")


@router.get("/{alert_id}/extend")
def extend_confirm(alert_id: str, request: Request, session: DbSession, principal: Issuer) -> Response:
    return _confirm_page(request, session, principal, alert_id, "alerts/extend.html", "extend", {}, {})


@router.post("/{alert_id}/extend")
def extend_form(alert_id: str, request: Request, session: DbSession, principal: Issuer,
                expires_at: Annotated[str, Form()] = "", review: Annotated[str, Form()] = "",
                confirmed: Annotated[str, Form()] = "") -> Response:
    values = {"expires_at": expires_at, "review": review}
    gettext = translator(request_language(request))
    try:
        if confirmed != "1":
            shown = {"confirmed": gettext("Confirm the review and the new date first.")}
            return _confirm_page(request, session, principal, alert_id, "alerts/extend.html", "extend", values,
                                 shown, 422)
        body = ExtendIn.model_validate({"expires_at": f"{expires_at}T00:00:00+00:00" if expires_at else "",
                                        "review": review})
        with session.begin_nested():
            service.extend(session, principal, alert_id, body.expires_at, body.review, node_now(request))
    except (ValidationError, BorderLinkError) as exc:
        if isinstance(exc, NotFound):
            raise
        return _confirm_page(request, session, principal, alert_id, "alerts/extend.html", "extend", values,
                             shown_errors(request, problems_of(exc)), status_for(exc))
    return _done(alert_id, "extended")


@router.post("/{alert_id}/submit")
def submit_form(alert_id: str, request: Request, session: DbSession, principal: Issuer) -> Response:
    def step() -> str:
        service.submit(session, principal, alert_id, node_now(request))
        return "submitted"

    return _step(request, session, principal, alert_id, {}, step)


@router.post("/{alert_id}/visibility")
def visibility_form(alert_id: str, request: Request, session: DbSession, principal: Issuer,
                    hidden: Annotated[str, Form()] = "1") -> Response:
    def step() -> str:
        service.update(session, principal, alert_id, parsed(AlertUpdate, {"hidden": hidden == "1"}), node_now(request))
        return "hidden" if hidden == "1" else "shown"

    return _step(request, session, principal, alert_id, {}, step)


@router.post("/{alert_id}/flag")
def flag_form(alert_id: str, request: Request, session: DbSession, principal: Reader,
              reason: Annotated[str, Form()] = "") -> Response:
    def step() -> str:
        body = FlagIn.model_validate({"reason": reason})
        service.flag(session, principal, alert_id, body.reason, node_now(request))
        return "flagged"

    return _step(request, session, principal, alert_id, {"reason": reason}, step)


@router.post("/{alert_id}/review")
def review_form(alert_id: str, request: Request, session: DbSession, principal: Reviewer,
                decision: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "") -> Response:
    def step() -> str:
        body = ReviewIn.model_validate({"decision": decision, "note": note})
        service.REVIEW.decide(session, principal, alert_id, body.decision == "approve", body.note, node_now(request))
        return "approved" if body.decision == "approve" else "rejected"

    return _step(request, session, principal, alert_id, {"note": note}, step)


# --- check a person ---------------------------------------------------------------------------

CHECK_INPUTS = ("name", "birth_date", "gender", "nationality", "document_number", "document_state", "plate")


def _check_page(request: Request, values: dict[str, str], shown: dict[str, str], result: dict[str, Any] | None,
                status_code: int = 200) -> Response:
    return render(request, "alerts/check.html", {
        "values": values, "errors": shown, "result": result, "limits": input_limits(ScreeningCheckIn),
    }, status_code=status_code)


@screening_router.get("/check")
def check_form(request: Request, principal: Screener) -> Response:
    return _check_page(request, {}, {}, None)


@screening_router.post("/check")
async def check_person(request: Request, session: DbSession, principal: Screener) -> Response:
    form = await request.form()
    values = forms.typed(form, CHECK_INPUTS, strip=True)
    viewer = _viewer(request, principal)

    def check() -> dict[str, Any]:
        body = ScreeningCheckIn.model_validate({name: value or None for name, value in values.items()})
        query = ScreeningQuery(names=body.all_names, birth_date=body.birth_date,
                               gender=body.gender.value if body.gender else None, nationality=body.nationality,
                               document_number=body.document_number, document_state=body.document_state,
                               plate=body.plate)
        now = node_now(request)
        matches = screen(session, principal, query, now, limit=body.limit)
        return {"checked_at": now, "matches": [match_out(m, viewer) for m in matches]}

    try:
        result = await run_in_threadpool(check)
    except (ValidationError, BorderLinkError) as exc:
        return _check_page(request, values, shown_errors(request, problems_of(exc)), None, status_for(exc))
    return _check_page(request, values, {}, result)
