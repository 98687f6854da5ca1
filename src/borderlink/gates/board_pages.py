"""Gate pages beside the desk: the gate's dashboard of the day, pre-arrival notices (the expected
vehicles, and the form that announces one to the facing gate), and border-resident passes (the
list, the form that registers one, and a pass's page, where the holder's crossing is recorded
with the children listed on the pass)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from borderlink.directory import service as directory
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import NotFound
from borderlink.gates import dashboard, passes, pre_arrivals, settings, views
from borderlink.gates.notices import DONE
from borderlink.gates.reference import reference_gates
from borderlink.gates.schemas import PassCreate, PreArrivalCreate
from borderlink.web import form_pages as forms
from borderlink.web import streams
from borderlink.web.deps import DbSession, node_now, require
from borderlink.web.templating import render

router = APIRouter(prefix="/gates", include_in_schema=False)
Reader = Annotated[Principal, Depends(require(Permission.GATES_READ))]
Checker = Annotated[Principal, Depends(require(Permission.GATES_CHECK))]

NOTICE_INPUTS = ("plate", "driver_names", "driver_birth_date", "driver_nationality", "driver_document_number",
                 "containers", "cargo_description", "hs_code", "weight_kg", "expected_at")
Redisplay = Callable[[Request, DbSession, Principal, dict[str, str], dict[str, str], int], Response]
PASS_INPUTS = ("number", "holder_names", "holder_birth_date", "holder_sex", "holder_nationality", "commune",
               "permitted_area", "children", "valid_from", "valid_until")


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r", "").split("\n") if part.strip()]


def flat_input(nested: str) -> Callable[[str], str]:
    """The form input of a schema field: `driver.names` is the input `driver_names`."""
    def rename(field: str) -> str:
        parts = field.split(".")
        return f"{nested}_{parts[1]}" if parts[0] == nested and len(parts) > 1 else parts[0]

    return rename


async def _values(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name) or "") for name in names}


@router.get("/dashboard/stream")
def dashboard_stream(request: Request, session: DbSession, principal: Reader, gate: str) -> Response:
    """The live stream of an open gate dashboard: a `dashboard` event whenever what it counts may
    have changed; a gate the caller does not cover does not exist for them."""
    unit_id, _gate = dashboard.gate_for(session, principal, gate)
    return StreamingResponse(dashboard.dashboard_events(unit_id, still_allowed=streams.caller_check(request)),
                             media_type="text/event-stream", headers=streams.HEADERS)


@router.get("/dashboard")
def dashboard_page(request: Request, session: DbSession, principal: Reader, gate: str | None = None) -> Response:
    now = node_now(request)
    covered = set(directory.unit_codes(session, principal.scope_unit_ids).values())
    choices = [g.unit for g in reference_gates() if g.unit in covered]
    if not choices:
        raise NotFound("There is no gate you may see.")
    board = dashboard.dashboard(session, principal, gate or (
        principal.unit_code if principal.unit_code in choices else choices[0]), now)
    busiest = max([h.entry + h.exit for h in board.by_hour] + [1])
    expected = pre_arrivals.list_notices(session, principal, status="expected",
                                         gate_unit_code=board.gate_unit_code)
    return render(request, "gates/dashboard.html", {
        "board": board, "stream": f"/gates/dashboard/stream?gate={board.gate_unit_code}", "busiest": busiest,
        "choices": choices,
        "expected": [views.pre_arrival_out(session, n) for n in expected],
        "overstays": [views.overstay_out(session, c, settings.stay_limit(session))
                      for c in passes.overstays(session, principal, now)
                      if directory.unit_codes(session, [c.gate_unit_id]).get(c.gate_unit_id) == board.gate_unit_code],
    })


# --- pre-arrival notices ---------------------------------------------------------------------

def in_zone(text: str, timezone: str) -> str:
    """A time typed without an offset (a datetime-local input) is the officer's local time."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text  # the schema names the problem
    return (moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))).isoformat()


def notice_body(values: dict[str, str], timezone: str = "UTC") -> dict[str, Any]:
    """The API body of what the notice form holds; empty inputs are left out."""
    driver: dict[str, Any] = {"names": _lines(values["driver_names"])}
    for name in ("birth_date", "nationality", "document_number"):
        if values[f"driver_{name}"].strip():
            driver[name] = values[f"driver_{name}"].strip()
    body: dict[str, Any] = {"plate": values["plate"], "driver": driver, "containers": _lines(values["containers"]),
                            "cargo_description": values["cargo_description"], "hs_code": values["hs_code"]}
    if values["weight_kg"].strip():
        body["weight_kg"] = values["weight_kg"].strip()
    if values["expected_at"].strip():
        body["expected_at"] = in_zone(values["expected_at"].strip(), timezone)
    return body


def _notices(request: Request, session: DbSession, principal: Principal, values: dict[str, str],
             errors: dict[str, str], status_code: int = 200) -> Response:
    found = pre_arrivals.list_notices(session, principal)
    return render(request, "gates/pre_arrivals.html", {
        "items": [views.pre_arrival_out(session, n) for n in found], "values": values, "errors": errors,
        "done": DONE.shown(request),
    }, status_code=status_code)


@router.get("/pre-arrivals")
def notices_page(request: Request, session: DbSession, principal: Reader) -> Response:
    return _notices(request, session, principal, {}, {})


@router.post("/pre-arrivals")
async def announce_form(request: Request, session: DbSession, principal: Checker) -> Response:
    def announce(values: dict[str, str]) -> str:
        data = PreArrivalCreate.model_validate(notice_body(values, principal.timezone))
        pre_arrivals.announce(session, principal, data, node_now(request))
        return "/gates/pre-arrivals"

    return await _submit(request, session, principal, NOTICE_INPUTS, announce, flat_input("driver"), _notices,
                         "announced")


async def _submit(request: Request, session: DbSession, principal: Principal, inputs: tuple[str, ...],
                  act: Callable[[dict[str, str]], str], rename: Callable[[str], str], redisplay: Redisplay,
                  outcome: str) -> Response:
    """Do what the form asks in a savepoint and go where `act` says, with the outcome's notice; or
    show the form again with its values and the problems beside their inputs."""
    values = await _values(request, inputs)
    target = forms.attempt(request, session, lambda: act(values), rename=rename)
    if isinstance(target, forms.Refusal):
        return redisplay(request, session, principal, values, target.shown, target.status_code)
    return DONE.redirect(target, outcome)


# --- border-resident passes -------------------------------------------------------------------

def pass_body(values: dict[str, str]) -> dict[str, Any]:
    """The API body of the pass form; a child per line, "names; birth date"."""
    holder: dict[str, Any] = {"names": _lines(values["holder_names"])}
    for name in ("birth_date", "sex", "nationality"):
        if values[f"holder_{name}"].strip():
            holder[name] = values[f"holder_{name}"].strip()
    children = []
    for line in _lines(values["children"]):
        name, _, born = line.partition(";")
        children.append({"names": [name.strip()], **({"birth_date": born.strip()} if born.strip() else {})})
    return {"number": values["number"], "holder": holder, "commune": values["commune"],
            "permitted_area": values["permitted_area"], "children": children,
            "valid_from": values["valid_from"] or None, "valid_until": values["valid_until"] or None}


def _passes(request: Request, session: DbSession, principal: Principal, values: dict[str, str],
            errors: dict[str, str], status_code: int = 200) -> Response:
    page = passes.list_passes(session, principal, limit=200, cursor=None)
    today = node_now(request).date()
    return render(request, "gates/passes.html", {
        "items": [views.pass_out(session, p) for p in page.items], "today": today,
        "values": values or {"valid_from": today.isoformat(),
                             "valid_until": (today + dt.timedelta(days=364)).isoformat()},
        "errors": errors,
    }, status_code=status_code)


@router.get("/passes")
def passes_page(request: Request, session: DbSession, principal: Reader) -> Response:
    return _passes(request, session, principal, {}, {})


@router.post("/passes")
async def register_form(request: Request, session: DbSession, principal: Checker) -> Response:
    def register(values: dict[str, str]) -> str:
        data = PassCreate.model_validate(pass_body(values))
        return f"/gates/passes/{passes.create_pass(session, principal, data, node_now(request)).number}"

    return await _submit(request, session, principal, PASS_INPUTS, register, flat_input("holder"), _passes,
                         "registered")


@router.get("/passes/{number}")
def pass_page(number: str, request: Request, session: DbSession, principal: Reader) -> Response:
    found = passes.find_pass(session, principal, number)
    return render(request, "gates/pass.html", {"item": views.pass_out(session, found), "done": DONE.shown(request)})
