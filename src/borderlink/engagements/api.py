"""Engagements JSON API: engagements, agreements, commitments, joint patrols, the calendar and the
figures for the statistics."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from borderlink.directory.permissions import Permission, Principal
from borderlink.engagements import calendar, patrols, records
from borderlink.engagements import service as engagements
from borderlink.engagements.schemas import (
    AgreementCreate,
    AgreementOut,
    CommitmentCloseIn,
    CommitmentCreate,
    CommitmentNoteIn,
    CommitmentOut,
    EngagementCreate,
    EngagementOut,
    EngagementUpdate,
    NoteIn,
    PageOut,
    PatrolAdjustIn,
    PatrolAnswerIn,
    PatrolCreate,
    PatrolOut,
    PatrolReportIn,
)
from borderlink.engagements.views import agreement_out, commitment_out, engagement_item, engagement_out, patrol_out
from borderlink.shared.contracts import Timestamp
from borderlink.web.deps import DbSession, node_now, require

router = APIRouter(tags=["engagements"])
Reader = Annotated[Principal, Depends(require(Permission.ENGAGEMENTS_READ))]
Planner = Annotated[Principal, Depends(require(Permission.ENGAGEMENTS_PLAN))]
Patroller = Annotated[Principal, Depends(require(Permission.PATROLS_RUN))]
Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=500, description="`next_cursor` of the page before.")]


def _today(principal: Principal, now: dt.datetime) -> dt.date:
    return records.today_in(principal.timezone, now)


# --- engagements ------------------------------------------------------------------------------

@router.get("/engagements", response_model=PageOut)
def list_engagements(session: DbSession, principal: Reader, limit: Limit = 50, cursor: Cursor = None,
                     kind: str | None = Query(default=None, max_length=20),
                     series: str | None = Query(default=None, max_length=40),
                     status: str | None = Query(default=None, max_length=20),
                     starts_from: Timestamp | None = None, starts_before: Timestamp | None = None) -> PageOut:
    """Engagements of your units (and those below), soonest first."""
    page = engagements.list_engagements(session, principal, limit=limit, cursor=cursor, kind=kind, series=series,
                                        status=status, starts_from=starts_from, starts_before=starts_before)
    return PageOut(items=[engagement_item(e) for e in page.items], next_cursor=page.next_cursor,
                   prev_cursor=page.prev_cursor)


@router.post("/engagements", response_model=EngagementOut, status_code=201)
def create_engagement(body: EngagementCreate, request: Request, session: DbSession,
                      principal: Planner) -> EngagementOut:
    """Plan an engagement with a counterpart unit; the other side confirms or declines it."""
    now = node_now(request)
    created = engagements.create_engagement(session, principal, body, now)
    session.flush()
    return engagement_out(session, principal, created, now)


@router.get("/engagements/statistics")
def statistics(session: DbSession, principal: Reader, start: Annotated[Timestamp, Query(alias="from")],
               end: Annotated[Timestamp, Query(alias="to")]) -> dict[str, Any]:
    """Engagements held in [from, to) by tier and kind, and officials taking part on each side."""
    return calendar.engagement_figures(session, principal, start, end)


@router.get("/engagements/{engagement_id}", response_model=EngagementOut)
def get_engagement(engagement_id: str, request: Request, session: DbSession, principal: Reader) -> EngagementOut:
    now = node_now(request)
    found = engagements.ENGAGEMENT_KIND.read(session, principal, engagement_id, now)
    return engagement_out(session, principal, found, now)


@router.patch("/engagements/{engagement_id}", response_model=EngagementOut)
def update_engagement(engagement_id: str, body: EngagementUpdate, request: Request, session: DbSession,
                      principal: Planner) -> EngagementOut:
    """The planning side changes agenda, delegations, minutes, outcomes, time or place."""
    now = node_now(request)
    return engagement_out(session, principal,
                          engagements.update_engagement(session, principal, engagement_id, body, now), now)


@router.post("/engagements/{engagement_id}/held", response_model=EngagementOut)
def record_held(engagement_id: str, body: EngagementUpdate, request: Request, session: DbSession,
                principal: Planner) -> EngagementOut:
    """The planning side records that the engagement took place, with its minutes and outcomes."""
    now = node_now(request)
    return engagement_out(session, principal, engagements.update_engagement(
        session, principal, engagement_id, body, now, step="held"), now)


@router.post("/engagements/{engagement_id}/confirm", response_model=EngagementOut)
def confirm(engagement_id: str, request: Request, session: DbSession, principal: Planner) -> EngagementOut:
    now = node_now(request)
    return engagement_out(session, principal,
                          engagements.answer_engagement(session, principal, engagement_id, True, "", now), now)


@router.post("/engagements/{engagement_id}/decline", response_model=EngagementOut)
def decline(engagement_id: str, body: NoteIn, request: Request, session: DbSession,
            principal: Planner) -> EngagementOut:
    now = node_now(request)
    return engagement_out(session, principal,
                          engagements.answer_engagement(session, principal, engagement_id, False, body.note, now), now)


@router.post("/engagements/{engagement_id}/cancel", response_model=EngagementOut)
def cancel(engagement_id: str, body: NoteIn, request: Request, session: DbSession,
           principal: Planner) -> EngagementOut:
    now = node_now(request)
    return engagement_out(session, principal,
                          engagements.cancel_engagement(session, principal, engagement_id, body.note, now), now)


# --- agreements and commitments ----------------------------------------------------------------

@router.get("/agreements", response_model=list[AgreementOut])
def list_agreements(request: Request, session: DbSession, principal: Reader,
                    engagement_id: str | None = Query(default=None, max_length=36)) -> list[AgreementOut]:
    today = _today(principal, node_now(request))
    return [agreement_out(session, principal, a, today) for a in records.list_agreements(session, principal,
                                                                                          engagement_id)]


@router.post("/agreements", response_model=AgreementOut, status_code=201)
def create_agreement(body: AgreementCreate, request: Request, session: DbSession, principal: Planner) -> AgreementOut:
    now = node_now(request)
    created = records.create_agreement(session, principal, body, now)
    session.flush()
    return agreement_out(session, principal, created, _today(principal, now))


@router.get("/agreements/{agreement_id}", response_model=AgreementOut)
def get_agreement(agreement_id: str, request: Request, session: DbSession, principal: Reader) -> AgreementOut:
    return agreement_out(session, principal, records.AGREEMENT_KIND.visible(session, principal, agreement_id),
                         _today(principal, node_now(request)))


@router.get("/commitments", response_model=list[CommitmentOut])
def list_commitments(request: Request, session: DbSession, principal: Reader,
                     engagement_id: str | None = Query(default=None, max_length=36),
                     status: str | None = Query(default=None, pattern="^(open|closed)$"),
                     due: bool = Query(default=False, description="Only those in your unit's work feed because "
                                                                  "they fall due.")) -> list[CommitmentOut]:
    today = _today(principal, node_now(request))
    found = records.due_in_feed(session, principal) if due else \
        records.list_commitments(session, principal, engagement_id=engagement_id, status=status)
    return [commitment_out(session, c, today) for c in found]


@router.post("/commitments", response_model=CommitmentOut, status_code=201)
def create_commitment(body: CommitmentCreate, request: Request, session: DbSession,
                      principal: Planner) -> CommitmentOut:
    now = node_now(request)
    created = records.create_commitment(session, principal, body, now)
    session.flush()
    return commitment_out(session, created, _today(principal, now))


@router.get("/commitments/{commitment_id}", response_model=CommitmentOut)
def get_commitment(commitment_id: str, request: Request, session: DbSession, principal: Reader) -> CommitmentOut:
    return commitment_out(session, records.COMMITMENT_KIND.visible(session, principal, commitment_id),
                          _today(principal, node_now(request)))


@router.post("/commitments/{commitment_id}/notes", response_model=CommitmentOut, status_code=201)
def add_note(commitment_id: str, body: CommitmentNoteIn, request: Request, session: DbSession,
             principal: Planner) -> CommitmentOut:
    """A progress note, with its evidence, from either side."""
    now = node_now(request)
    found = records.add_note(session, principal, commitment_id, body.text, body.evidence, now)
    session.flush()
    return commitment_out(session, found, _today(principal, now))


@router.post("/commitments/{commitment_id}/close", response_model=CommitmentOut)
def close_commitment(commitment_id: str, body: CommitmentCloseIn, request: Request, session: DbSession,
                     principal: Planner) -> CommitmentOut:
    """Close a commitment; the note saying how it was carried out is required."""
    now = node_now(request)
    found = records.add_note(session, principal, commitment_id, body.note, body.evidence, now, close=True)
    session.flush()
    return commitment_out(session, found, _today(principal, now))


# --- joint patrols ------------------------------------------------------------------------------

@router.get("/patrols", response_model=PageOut)
def list_patrols(session: DbSession, principal: Reader, limit: Limit = 50, cursor: Cursor = None,
                 status: str | None = Query(default=None, max_length=20)) -> PageOut:
    page = patrols.list_patrols(session, principal, limit=limit, cursor=cursor, status=status)
    return PageOut(items=[patrol_out(session, p) for p in page.items], next_cursor=page.next_cursor,
                   prev_cursor=page.prev_cursor)


@router.post("/patrols", response_model=PatrolOut, status_code=201)
def propose_patrol(body: PatrolCreate, request: Request, session: DbSession, principal: Patroller) -> PatrolOut:
    """Propose a joint patrol to your unit's counterpart."""
    created = patrols.propose(session, principal, body, node_now(request))
    session.flush()
    return patrol_out(session, created)


@router.get("/patrols/{patrol_id}", response_model=PatrolOut)
def get_patrol(patrol_id: str, request: Request, session: DbSession, principal: Reader) -> PatrolOut:
    return patrol_out(session, patrols.PATROL_KIND.read(session, principal, patrol_id, node_now(request)))


@router.post("/patrols/{patrol_id}/accept", response_model=PatrolOut)
def accept_patrol(patrol_id: str, body: PatrolAnswerIn, request: Request, session: DbSession,
                  principal: Patroller) -> PatrolOut:
    return patrol_out(session, patrols.answer(session, principal, patrol_id, body.participants, node_now(request)))


@router.post("/patrols/{patrol_id}/adjust", response_model=PatrolOut)
def adjust_patrol(patrol_id: str, body: PatrolAdjustIn, request: Request, session: DbSession,
                  principal: Patroller) -> PatrolOut:
    """Agree to the patrol with changes to its time, sector or route."""
    answered = patrols.answer(session, principal, patrol_id, body.participants, node_now(request), body)
    return patrol_out(session, answered)


@router.post("/patrols/{patrol_id}/reports", response_model=PatrolOut, status_code=201)
def file_report(patrol_id: str, body: PatrolReportIn, request: Request, session: DbSession,
                principal: Patroller) -> PatrolOut:
    """Your side's report after the patrol; it is complete once both sides have reported."""
    found = patrols.file_report(session, principal, patrol_id, body, node_now(request))
    session.flush()
    return patrol_out(session, found)


@router.post("/patrols/{patrol_id}/cancel", response_model=PatrolOut)
def cancel_patrol(patrol_id: str, body: NoteIn, request: Request, session: DbSession,
                  principal: Patroller) -> PatrolOut:
    return patrol_out(session, patrols.cancel(session, principal, patrol_id, body.note, node_now(request)))


# --- calendar -------------------------------------------------------------------------------------

@router.get("/calendar")
def month(request: Request, session: DbSession, principal: Reader,
          month: str | None = Query(default=None, pattern=r"^\d{4}-\d{2}$")) -> dict[str, Any]:
    """Engagements and patrols of your units in a month of your time zone, times in that zone."""
    year, number = calendar.parse_month(month, principal.timezone, node_now(request))
    view = calendar.month_view(session, principal, year, number, "en")
    return {"month": view.key, "zone": view.zone,
            "items": [{"kind": i.kind, "id": i.id, "title": i.title, "starts_at": i.starts_at.isoformat(),
                       "ends_at": i.ends_at.isoformat(), "place": i.place, "status": i.status} for i in view.items]}


@router.get("/calendar.ics", response_class=Response)
def month_ical(request: Request, session: DbSession, principal: Reader,
               month: str | None = Query(default=None, pattern=r"^\d{4}-\d{2}$")) -> Response:
    """The same month as an iCalendar file (RFC 5545)."""
    now = node_now(request)
    year, number = calendar.parse_month(month, principal.timezone, now)
    view = calendar.month_view(session, principal, year, number, "en")
    body = calendar.ical(view.items, str(request.base_url), "Joint patrol", now)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="borderlink-{view.key}.ics"'})
