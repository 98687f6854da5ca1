"""Gate JSON API: the border gates with lanes and hours; read a travel document's machine-readable
zone; record crossings with their automatic check; answer hits and record their outcome."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Mapping
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from borderlink.directory.permissions import Permission, Principal
from borderlink.gates import crossings, dashboard, hits, mrz, passes, photos, pre_arrivals, service, settings, views
from borderlink.gates.models import HIT_TYPE
from borderlink.gates.schemas import (
    CrossingBatch,
    CrossingBatchOut,
    CrossingCreate,
    CrossingListOut,
    CrossingOut,
    DashboardOut,
    GateOut,
    GateSettingsIn,
    GateSettingsOut,
    HitAnswerIn,
    HitListOut,
    HitOut,
    HitOutcomeIn,
    MrzParseOut,
    MrzParseRequest,
    OverstayOut,
    PassCreate,
    PassListOut,
    PassOut,
    PreArrivalCreate,
    PreArrivalListOut,
    PreArrivalOut,
)
from borderlink.shared import live
from borderlink.shared.body_limit import max_body
from borderlink.shared.workfeed import ObjectRef
from borderlink.web.body_gate import is_known_caller
from borderlink.web.deps import DbSession, get_node, node_now, require
from borderlink.web.i18n import request_language
from borderlink.web.object_actions import Acting, ObjectAction, add_api_routes

router = APIRouter(prefix="/gates", tags=["gates"])
hits_router = APIRouter(prefix="/hits", tags=["gates"])
Checker = Annotated[Principal, Depends(require(Permission.GATES_CHECK))]
Reader = Annotated[Principal, Depends(require(Permission.GATES_READ))]
Confirmer = Annotated[Principal, Depends(require(Permission.GATES_CONFIRM))]
Configurer = Annotated[Principal, Depends(require(Permission.GATES_CONFIGURE))]


@router.get("", response_model=list[GateOut])
def list_gates(request: Request, session: DbSession, _: Reader,
               party: Annotated[str | None, Query(pattern="^(VN|CN|vn|cn)$")] = None) -> list[GateOut]:
    """Border gates of both parties (or one), each with the gate it faces, its lanes, and its
    opening hours in its own time zone with whether each is open now."""
    now = node_now(request)
    return [GateOut.of(view) for view in service.list_gates(session, now, party)]


def _local_today(moment: dt.datetime, timezone: str) -> dt.date:
    """The officer's calendar day: a birth today at the gate is not in the future."""
    return moment.astimezone(ZoneInfo(timezone)).date()


@router.post("/mrz/parse", response_model=MrzParseOut)
def parse_mrz(body: MrzParseRequest, request: Request, principal: Checker) -> MrzParseOut:
    """Read the zone as a passport reader types it or as pasted. A bad zone is answered with
    `valid` false and errors naming the failing field, not refused."""
    today = _local_today(node_now(request), principal.timezone)
    return MrzParseOut.of(mrz.parse(body.mrz, today=today))


@router.post("/crossings", response_model=CrossingOut, status_code=201)
@max_body(photos.MAX_CROSSING_BODY_BYTES)
def create_crossing(body: CrossingCreate, request: Request, session: DbSession, principal: Checker) -> CrossingOut:
    """Record a crossing at the caller's gate and check it at once: the person against the live
    screening index, the document against document alerts, the plate against vehicle alerts.
    `check.result` is `clear` or `hit`; each hit goes to the alert's owner to confirm."""
    now = node_now(request)
    return views.recorded_out(session, crossings.record(session, principal, body, now), request_language(request))


@router.post("/crossings/batch", response_model=CrossingBatchOut, status_code=201)
@max_body(photos.MAX_BATCH_BODY_BYTES)
def create_crossings(body: CrossingBatch, request: Request, session: DbSession,
                     principal: Checker) -> CrossingBatchOut:
    """Several crossings from an e-gate, each recorded and checked as by `POST /gates/crossings`;
    all are recorded or, if one is refused, none."""
    now = node_now(request)
    language = request_language(request)
    done = crossings.record_many(session, principal, body.crossings, now)
    return CrossingBatchOut(crossings=[views.recorded_out(session, r, language) for r in done])


@router.get("/crossings", response_model=CrossingListOut)
def list_crossings(request: Request, session: DbSession, principal: Reader,
                   gate: Annotated[str | None, Query(max_length=80)] = None,
                   result: Annotated[str | None, Query(pattern="^(clear|hit)$")] = None,
                   direction: Annotated[str | None, Query(pattern="^(entry|exit)$")] = None,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50,
                   cursor: Annotated[str | None, Query(max_length=500)] = None) -> CrossingListOut:
    """Crossings at the caller's gate and the gates below their unit, newest first."""
    page = crossings.list_crossings(session, principal, limit=limit, cursor=cursor, gate_unit_code=gate,
                                    result=result, direction=direction)
    found = crossings.crossing_hits(session, [c.id for c in page.items])
    language = request_language(request)
    return CrossingListOut(items=[views.crossing_out(session, c, found.get(c.id, []), language) for c in page.items],
                           next_cursor=page.next_cursor)


@router.get("/crossings/{crossing_id}", response_model=CrossingOut)
def get_crossing(crossing_id: str, request: Request, session: DbSession, principal: Reader) -> CrossingOut:
    crossing = crossings.visible_crossing(session, principal, crossing_id)
    found = crossings.crossing_hits(session, [crossing.id]).get(crossing.id, [])
    return views.crossing_out(session, crossing, found, request_language(request), with_photo=True)


@router.get("/settings", response_model=GateSettingsOut)
def get_settings(session: DbSession, _: Reader) -> GateSettingsOut:
    """How long the alert's owner has to answer a hit, and how long a pass holder may stay."""
    stored = settings.GATE_SETTINGS.all(session)
    return GateSettingsOut(hit_urgent_minutes=int(stored[settings.GateDuration.URGENT_HITS].total_seconds() // 60),
                           hit_other_minutes=int(stored[settings.GateDuration.OTHER_HITS].total_seconds() // 60),
                           pass_stay_days=stored[settings.GateDuration.STAY].days)


@router.put("/settings", response_model=GateSettingsOut)
def put_settings(body: GateSettingsIn, session: DbSession, principal: Configurer) -> GateSettingsOut:
    """The node administrator's settings (left-out fields keep their value)."""
    settings.change(session, principal, urgent_minutes=body.hit_urgent_minutes, other_minutes=body.hit_other_minutes,
                    stay_days=body.pass_stay_days)
    session.flush()
    return get_settings(session, principal)


@router.post("/passes", response_model=PassOut, status_code=201, responses={409: {"description": "number taken"}})
def create_pass(body: PassCreate, request: Request, session: DbSession, principal: Checker) -> PassOut:
    """Register a border resident's pass (valid for at most twelve months)."""
    return views.pass_out(session, passes.create_pass(session, principal, body, node_now(request)))


@router.get("/passes", response_model=PassListOut)
def list_passes(session: DbSession, principal: Reader, limit: Annotated[int, Query(ge=1, le=200)] = 50,
                cursor: Annotated[str | None, Query(max_length=500)] = None) -> PassListOut:
    """Passes registered by the caller's unit and the units below it, newest first."""
    page = passes.list_passes(session, principal, limit=limit, cursor=cursor)
    return PassListOut(items=[views.pass_out(session, p) for p in page.items], next_cursor=page.next_cursor)


@router.get("/passes/{number}", response_model=PassOut)
def get_pass(number: str, session: DbSession, principal: Reader) -> PassOut:
    """A pass shown at a gate, by its number."""
    return views.pass_out(session, passes.find_pass(session, principal, number))


@router.get("/overstays", response_model=list[OverstayOut])
def list_overstays(request: Request, session: DbSession, principal: Reader) -> list[OverstayOut]:
    """Entries with a pass at the caller's gates and no exit after the allowed stay, oldest first."""
    now = node_now(request)
    stay = settings.stay_limit(session)
    return [views.overstay_out(session, c, stay) for c in passes.overstays(session, principal, now)]


@router.post("/pre-arrivals", response_model=PreArrivalOut, status_code=201)
def announce(body: PreArrivalCreate, request: Request, session: DbSession, principal: Checker) -> PreArrivalOut:
    """Announce a vehicle to the gate facing the caller's: plate, driver, containers, cargo, HS code,
    weight, expected arrival. The facing gate checks driver and vehicle when it arrives."""
    notice = pre_arrivals.announce(session, principal, body, node_now(request))
    return views.pre_arrival_out(session, notice)


@router.get("/pre-arrivals", response_model=PreArrivalListOut)
def list_pre_arrivals(session: DbSession, principal: Reader,
                      status: Annotated[str | None, Query(pattern="^(expected|arrived)$")] = None,
                      gate: Annotated[str | None, Query(max_length=80)] = None) -> PreArrivalListOut:
    """Notices sent from or expected at the caller's gates (the expected-arrivals queue with
    `status=expected`), by expected time."""
    found = pre_arrivals.list_notices(session, principal, status=status, gate_unit_code=gate)
    return PreArrivalListOut(items=[views.pre_arrival_out(session, n) for n in found])


@router.get("/pre-arrivals/{notice_id}", response_model=PreArrivalOut)
def get_pre_arrival(notice_id: str, session: DbSession, principal: Reader) -> PreArrivalOut:
    return views.pre_arrival_out(session, pre_arrivals.PRE_ARRIVAL_KIND.visible(session, principal, notice_id))


@router.get("/dashboard", response_model=DashboardOut, responses={404: {"description": "no such gate for you"}})
def get_dashboard(request: Request, session: DbSession, principal: Reader,
                  gate: Annotated[str | None, Query(max_length=80)] = None) -> DashboardOut:
    """Today at a gate (the caller's own unless `gate` names one they cover): crossings by direction
    and hour of the gate's day, pending hits, expected arrivals, overstays."""
    return dashboard.dashboard(session, principal, gate, node_now(request))


@hits_router.get("", response_model=HitListOut)
def list_hits(request: Request, session: DbSession, principal: Reader,
              alert_id: Annotated[str | None, Query(max_length=36)] = None,
              status: Annotated[str | None, Query(pattern="^(pending|confirmed|rejected)$")] = None,
              limit: Annotated[int, Query(ge=1, le=200)] = 50) -> HitListOut:
    """Hits at the caller's gates and on the caller's units' alerts, newest first."""
    found = hits.list_hits(session, principal, alert_id=alert_id, status=status, limit=limit)
    return HitListOut(items=[views.hit_out(session, hit, request_language(request)) for hit in found], next_cursor=None)


@hits_router.get("/stream", response_class=StreamingResponse)
async def hits_stream(request: Request, principal: Reader, include_below: bool = False) -> StreamingResponse:
    """Server-sent events: one `hit` event (`{"hit_id": ...}`) each time a hit in your unit's work
    feed changes (with `include_below`, also in the feeds of the units below yours): a new hit on
    your unit's alert, an answer, an outcome, an escalation."""
    return StreamingResponse(hit_event_stream(principal, include_below, still_allowed=caller_check(request)),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def caller_check(request: Request) -> live.StillAllowed:
    node = get_node(request)

    async def still_allowed() -> bool:
        return await run_in_threadpool(is_known_caller, node, request)

    return still_allowed


def hit_event_stream(principal: Principal, include_below: bool = False, keepalive: float = 15.0,
                     still_allowed: live.StillAllowed | None = None) -> AsyncIterator[str]:
    units = principal.scope_unit_ids if include_below else {principal.unit_id}
    return live.sse_events([live.unit_topic(u) for u in units], _hit_event, keepalive=keepalive,
                           still_allowed=still_allowed)


def _hit_event(message: str) -> str | None:
    changed = ObjectRef.parse(message)
    if changed.object_type != HIT_TYPE:
        return None  # another domain's item in the same unit's feed
    return live.sse_frame("hit", json.dumps({"hit_id": changed.object_id}))


@hits_router.get("/{hit_id}", response_model=HitOut)
def get_hit(hit_id: str, request: Request, session: DbSession, principal: Reader) -> HitOut:
    """The same id on both nodes: the gate's and the alert owner's."""
    now = node_now(request)
    return views.hit_out(session, hits.HIT_KIND.read(session, principal, hit_id, now), request_language(request),
                         with_photo=True)


@hits_router.post("/{hit_id}/confirm", response_model=HitOut)
def confirm_hit(hit_id: str, body: HitAnswerIn, request: Request, session: DbSession,
                principal: Confirmer) -> HitOut:
    """The alert's owning unit: it is the person."""
    answered = hits.answer(session, principal, hit_id, True, body.note, node_now(request))
    return views.hit_out(session, answered, request_language(request))


@hits_router.post("/{hit_id}/reject", response_model=HitOut)
def reject_hit(hit_id: str, body: HitAnswerIn, request: Request, session: DbSession,
               principal: Confirmer) -> HitOut:
    """The alert's owning unit: it is not the person; this traveller is not flagged again for it."""
    answered = hits.answer(session, principal, hit_id, False, body.note, node_now(request))
    return views.hit_out(session, answered, request_language(request))


def _outcome_form(values: Mapping[str, str], _: Acting) -> dict[str, Any]:
    return {"outcome": values.get("outcome", ""), "note": values.get("note", "").strip() or None}


# What the gate did, recorded alike from the hit's page and from the API.
HIT_ACTIONS = (
    ObjectAction("hit_outcome", "/{hit_id}/outcome", Permission.GATES_CHECK, body=HitOutcomeIn, form=_outcome_form,
                 run=lambda on, body: hits.record_outcome(on.session, on.principal, on.object_id, body.outcome,
                                                          body.note, on.now),
                 answer=lambda on, found: views.hit_out(on.session, found, request_language(on.request)),
                 response_model=HitOut, outcome="outcome", page_path="/hits/{hit_id}/outcome",
                 page_name="outcome_form",
                 doc="The gate records what it did: held, protected, document_seized, discreet_report or released."),
)
add_api_routes(hits_router, HIT_ACTIONS)
