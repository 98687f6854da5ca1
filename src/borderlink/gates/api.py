"""Gate JSON API: the border gates with lanes and hours; read a travel document's machine-readable
zone; record crossings with their automatic check; answer hits and record their outcome."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request

from borderlink.directory.permissions import Permission, Principal
from borderlink.gates import crossings, hits, mrz, service, views
from borderlink.gates.schemas import (
    CrossingBatch,
    CrossingBatchOut,
    CrossingCreate,
    CrossingListOut,
    CrossingOut,
    GateOut,
    HitAnswerIn,
    HitDeadlinesIn,
    HitDeadlinesOut,
    HitListOut,
    HitOut,
    HitOutcomeIn,
    MrzParseOut,
    MrzParseRequest,
)
from borderlink.web.deps import DbSession, get_node, require

router = APIRouter(prefix="/gates", tags=["gates"])
hits_router = APIRouter(prefix="/hits", tags=["gates"])
Checker = Annotated[Principal, Depends(require(Permission.GATES_CHECK))]
Reader = Annotated[Principal, Depends(require(Permission.GATES_READ))]
Confirmer = Annotated[Principal, Depends(require(Permission.GATES_CONFIRM))]
Configurer = Annotated[Principal, Depends(require(Permission.GATES_CONFIGURE))]
# A crossing is only recorded once it can be checked: without the alerts' screening it is refused.
_UNSCREENED: dict[int | str, dict[str, object]] = {409: {"description": "alerts cannot be screened now"}}


def _language(request: Request) -> str:
    return str(getattr(request.state, "language", "en"))


@router.get("", response_model=list[GateOut])
def list_gates(request: Request, session: DbSession, _: Reader,
               party: Annotated[str | None, Query(pattern="^(VN|CN|vn|cn)$")] = None) -> list[GateOut]:
    """Border gates of both parties (or one), each with the gate it faces, its lanes, and its
    opening hours in its own time zone with whether each is open now."""
    now = get_node(request).clock.now()
    return [GateOut.of(view) for view in service.list_gates(session, now, party)]


def _local_today(moment: dt.datetime, timezone: str) -> dt.date:
    """The officer's calendar day: a birth today at the gate is not in the future."""
    return moment.astimezone(ZoneInfo(timezone)).date()


@router.post("/mrz/parse", response_model=MrzParseOut)
def parse_mrz(body: MrzParseRequest, request: Request, principal: Checker) -> MrzParseOut:
    """Read the zone as a passport reader types it or as pasted. A bad zone is answered with
    `valid` false and errors naming the failing field, not refused."""
    today = _local_today(get_node(request).clock.now(), principal.timezone)
    return MrzParseOut.of(mrz.parse(body.mrz, today=today))


@router.post("/crossings", response_model=CrossingOut, status_code=201, responses=_UNSCREENED)
def create_crossing(body: CrossingCreate, request: Request, session: DbSession, principal: Checker) -> CrossingOut:
    """Record a crossing at the caller's gate and check it at once: the person against the live
    screening index, the document against document alerts, the plate against vehicle alerts.
    `check.result` is `clear` or `hit`; each hit goes to the alert's owner to confirm."""
    now = get_node(request).clock.now()
    recorded = crossings.record(session, principal, body, now)
    return views.crossing_out(session, recorded.crossing, recorded.hits, _language(request))


@router.post("/crossings/batch", response_model=CrossingBatchOut, status_code=201, responses=_UNSCREENED)
def create_crossings(body: CrossingBatch, request: Request, session: DbSession,
                     principal: Checker) -> CrossingBatchOut:
    """Several crossings from an e-gate, each recorded and checked as by `POST /gates/crossings`;
    all are recorded or, if one is refused, none."""
    now = get_node(request).clock.now()
    language = _language(request)
    done = [crossings.record(session, principal, item, now) for item in body.crossings]
    return CrossingBatchOut(crossings=[views.crossing_out(session, r.crossing, r.hits, language) for r in done])


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
    language = _language(request)
    return CrossingListOut(items=[views.crossing_out(session, c, found.get(c.id, []), language) for c in page.items],
                           next_cursor=page.next_cursor)


@router.get("/crossings/{crossing_id}", response_model=CrossingOut)
def get_crossing(crossing_id: str, request: Request, session: DbSession, principal: Reader) -> CrossingOut:
    crossing = crossings.visible_crossing(session, principal, crossing_id)
    found = crossings.crossing_hits(session, [crossing.id]).get(crossing.id, [])
    return views.crossing_out(session, crossing, found, _language(request))


@router.get("/hit-deadlines", response_model=HitDeadlinesOut)
def get_hit_deadlines(session: DbSession, _: Reader) -> HitDeadlinesOut:
    urgent, other = hits.deadlines(session)
    return HitDeadlinesOut(urgent_minutes=int(urgent.total_seconds() // 60),
                           other_minutes=int(other.total_seconds() // 60))


@router.put("/hit-deadlines", response_model=HitDeadlinesOut)
def put_hit_deadlines(body: HitDeadlinesIn, session: DbSession, principal: Configurer) -> HitDeadlinesOut:
    """How long the alert's owner has to answer a hit: wanted, missing and victim alerts, and others."""
    hits.set_deadlines(session, principal, body.urgent_minutes, body.other_minutes)
    session.flush()
    return get_hit_deadlines(session, principal)


@hits_router.get("", response_model=HitListOut)
def list_hits(request: Request, session: DbSession, principal: Reader,
              alert_id: Annotated[str | None, Query(max_length=36)] = None,
              status: Annotated[str | None, Query(pattern="^(pending|confirmed|rejected)$")] = None,
              limit: Annotated[int, Query(ge=1, le=200)] = 50) -> HitListOut:
    """Hits at the caller's gates and on the caller's units' alerts, newest first."""
    found = hits.list_hits(session, principal, alert_id=alert_id, status=status, limit=limit)
    return HitListOut(items=[views.hit_out(session, hit) for hit in found], next_cursor=None)


@hits_router.get("/{hit_id}", response_model=HitOut)
def get_hit(hit_id: str, request: Request, session: DbSession, principal: Reader) -> HitOut:
    """The same id on both nodes: the gate's and the alert owner's."""
    now = get_node(request).clock.now()
    return views.hit_out(session, hits.read_hit(session, principal, hit_id, now))


@hits_router.post("/{hit_id}/confirm", response_model=HitOut)
def confirm_hit(hit_id: str, body: HitAnswerIn, request: Request, session: DbSession,
                principal: Confirmer) -> HitOut:
    """The alert's owning unit: it is the person."""
    now = get_node(request).clock.now()
    return views.hit_out(session, hits.answer(session, principal, hit_id, True, body.note, now))


@hits_router.post("/{hit_id}/reject", response_model=HitOut)
def reject_hit(hit_id: str, body: HitAnswerIn, request: Request, session: DbSession,
               principal: Confirmer) -> HitOut:
    """The alert's owning unit: it is not the person; this traveller is not flagged again for it."""
    now = get_node(request).clock.now()
    return views.hit_out(session, hits.answer(session, principal, hit_id, False, body.note, now))


@hits_router.post("/{hit_id}/outcome", response_model=HitOut)
def hit_outcome(hit_id: str, body: HitOutcomeIn, request: Request, session: DbSession,
                principal: Checker) -> HitOut:
    """The gate records what it did: held, protected, document_seized, discreet_report or released."""
    now = get_node(request).clock.now()
    return views.hit_out(session, hits.record_outcome(session, principal, hit_id, body.outcome, body.note, now))
