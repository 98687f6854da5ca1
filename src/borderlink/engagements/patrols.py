"""Joint patrols: a unit proposes one to its counterpart (time window, sector between two border
markers, route, participants); the counterpart accepts it or adjusts it; after the patrol each side
files its report, and the patrol is complete once both reports are in.

The proposing side owns the patrol. An adjustment is the counterpart's contribution: it is shown on
its side at once, and the owner applies it to the core fields and sends its copy back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.engagements import common
from borderlink.engagements.contracts import (
    PatrolAnswerMessage,
    PatrolChanges,
    PatrolMessage,
    PatrolReportMessage,
    StepEvent,
)
from borderlink.engagements.models import (
    PATROL,
    PATROL_LIFECYCLE,
    PATROL_TIMELINE,
    Patrol,
    PatrolReport,
    PatrolStatus,
)
from borderlink.engagements.schemas import ParticipantIn, PatrolAdjustIn, PatrolCreate, PatrolReportIn
from borderlink.errors import Forbidden, InvalidInput
from borderlink.ids import new_id
from borderlink.shared import paging
from borderlink.shared.forms import N_
from borderlink.shared.replicated import (
    local_unit_of,
    require_owner,
    send_to_peer,
    side_of,
    touch,
    unit_pair,
    validate_contribution_text,
)
from borderlink.shared.timeline import Detail
from borderlink.shared.timeline import TimelineEvent as TimelineRow

LIST_SORT = paging.SortKey((Patrol.starts_at, Patrol.id), descending=False)  # type: ignore[arg-type]


PATROL_KIND = common.kind(PATROL, Patrol, "patrols")


def sector(patrol: Patrol) -> str:
    return f"{patrol.marker_from}–{patrol.marker_to}"


def list_patrols(session: Session, principal: Principal, *, limit: int, cursor: str | None = None,
                 status: str | None = None, starts_from: dt.datetime | None = None,
                 starts_before: dt.datetime | None = None) -> paging.Page[Patrol]:
    if not principal.can(Permission.ENGAGEMENTS_READ):
        return paging.Page([], None, None)
    query = select(Patrol).where(common.visible_to(principal, PATROL, Patrol.id))
    if status:
        query = query.where(Patrol.status == status)
    if starts_from:
        query = query.where(Patrol.starts_at >= starts_from)
    if starts_before:
        query = query.where(Patrol.starts_at < starts_before)
    return paging.fetch_page(session, query, LIST_SORT, limit, cursor)


def reports(session: Session, patrol_id: str) -> list[PatrolReport]:
    return list(session.scalars(select(PatrolReport).where(PatrolReport.patrol_id == patrol_id)
                                .order_by(PatrolReport.filed_at, PatrolReport.party)))


def add_event(session: Session, patrol: Patrol, kind: str, at: dt.datetime, party: str, unit_code: str | None,
              detail: Detail | None = None, event_id: str | None = None) -> TimelineRow | None:
    event = PATROL_TIMELINE.record(session, patrol.id, kind, at, party, unit_code, detail, event_id)
    if event is None:
        return None
    patrol.status = PatrolStatus(PATROL_LIFECYCLE.advance(patrol.status, kind))
    touch(patrol, at)
    return event


def _participants(session: Session, principal: Principal, items: list[ParticipantIn], default_unit: Unit,
                  party: str) -> list[dict[str, Any]]:
    found = []
    for index, item in enumerate(items):
        unit = default_unit if item.unit_code is None else \
            common.unit_by_code(session, item.unit_code, f"participants.{index}.unit_code")
        if unit.party_code != party:
            raise InvalidInput("Name the participants of your own side only.", field=f"participants.{index}.unit_code")
        found.append({"party": party, "unit_code": unit.code, "name": item.name,
                      **({"title": item.title} if item.title else {})})
    return found


def propose(session: Session, principal: Principal, data: PatrolCreate, now: dt.datetime) -> Patrol:
    if not principal.can(Permission.PATROLS_RUN):
        raise Forbidden("Your role may not propose joint patrols.")
    unit = directory.get_unit(session, principal.unit_id)
    other = common.counterpart(session, unit, data.counterpart_unit_code)
    validate_contribution_text([data.route], N_("the route"))
    patrol = Patrol(
        id=new_id(), owner_party=principal.party, handling_code=data.handling_code, created_at=now, updated_at=now,
        version=1, owner_unit_id=unit.id, counterpart_unit_id=other.id,
        starts_at=data.starts_at.astimezone(dt.UTC), ends_at=data.ends_at.astimezone(dt.UTC),
        marker_from=data.marker_from, marker_to=data.marker_to, route=data.route,
        participants=_participants(session, principal, data.participants, unit, principal.party),
        status=PatrolStatus.PROPOSED, author_name=principal.display_name)
    session.add(patrol)
    session.flush()
    event = add_event(session, patrol, "proposed", now, principal.party, unit.code, Detail.text(principal.display_name))
    common.share_locally(session, PATROL, patrol, principal.party, now, unread=False)
    _send_copy(session, patrol, event)
    return patrol


def _send_copy(session: Session, patrol: Patrol, event: TimelineRow | None) -> None:
    owner, other = unit_pair(session, patrol, patrol.owner_party)
    message = PatrolMessage.from_fields({
        "id": patrol.id, "version": patrol.version, "owner_unit_code": owner, "counterpart_unit_code": other,
        "starts_at": patrol.starts_at, "ends_at": patrol.ends_at, "marker_from": patrol.marker_from,
        "marker_to": patrol.marker_to, "route": patrol.route, "participants": patrol.participants,
        "handling_code": patrol.handling_code, "author_name": patrol.author_name, "created_at": patrol.created_at,
        "event": PATROL_TIMELINE.payload(event) if event is not None else None,
    })
    send_to_peer(session, message, patrol, patrol.owner_party, stream=PATROL_KIND.stream(patrol.id))


def receive_copy(session: Session, body: PatrolMessage, owner_party: str, owner_unit: Unit, other_unit: Unit) -> Patrol:
    now = common.now_of(session)
    patrol = session.get(Patrol, body.id)
    fields = {"starts_at": body.starts_at, "ends_at": body.ends_at, "marker_from": body.marker_from,
              "marker_to": body.marker_to, "route": body.route,
              "participants": [p.model_dump(exclude_none=True) for p in body.participants],
              "handling_code": body.handling_code, "author_name": body.author_name}
    if patrol is None:
        patrol = Patrol(id=body.id, owner_party=owner_party, owner_unit_id=owner_unit.id,
                        counterpart_unit_id=other_unit.id, created_at=body.created_at, updated_at=now,
                        version=body.version, status=PatrolStatus.PROPOSED, **fields)
        session.add(patrol)
        session.flush()
        common.share_locally(session, PATROL, patrol, common.other_party(owner_party), now, unread=True)
    elif body.version > patrol.version:
        for name, value in fields.items():
            setattr(patrol, name, value)
        patrol.version = body.version
    if body.event is not None:
        add_event(session, patrol, body.event.kind, body.event.at, body.event.party, body.event.unit_code,
                  PATROL_TIMELINE.detail_from_payload(body.event.kind, body.event.model_dump()), body.event.id)
    PATROL_KIND.touch(session, patrol.id, now)
    return patrol


def answer(session: Session, principal: Principal, patrol_id: str, participants: list[ParticipantIn],
           now: dt.datetime, adjust: PatrolAdjustIn | None = None) -> Patrol:
    """The counterpart accepts the proposal, or (with `adjust`) agrees to it with changes."""
    patrol = PATROL_KIND.visible(session, principal, patrol_id)
    step = "adjusted" if adjust is not None else "accepted"
    PATROL_LIFECYCLE.require(patrol.status, step, side=side_of(patrol, principal.party), can=principal.can,
                             no_permission=N_("Your role may not answer joint patrol proposals."),
                             wrong_side=N_("The counterpart answers a patrol proposal, not the side that made it."),
                             wrong_state=N_("This patrol is not waiting for an answer."))
    unit = local_unit_of(session, patrol, principal.party)
    ours = _participants(session, principal, participants, unit, principal.party)
    changes = None
    detail = Detail.text(principal.display_name)
    if adjust is not None:
        validate_contribution_text([adjust.note, adjust.route or ""], N_("the adjustment"))
        changes = PatrolChanges.from_fields(adjust.model_dump(
            include={"starts_at", "ends_at", "marker_from", "marker_to", "route"}, exclude_none=True))
        apply_changes(patrol, changes)
        detail = PATROL_TIMELINE.detail("adjusted", text=adjust.note)
    patrol.participants = [p for p in patrol.participants if p["party"] != principal.party] + ours
    event = add_event(session, patrol, step, now, principal.party, unit.code, detail)
    assert event is not None
    message = PatrolAnswerMessage.from_fields({
        "patrol_id": patrol.id, "event": StepEvent.from_fields(PATROL_TIMELINE.payload(event)),
        "changes": changes, "participants": ours,
    })
    send_to_peer(session, message, patrol, principal.party, stream=PATROL_KIND.stream(patrol.id))
    PATROL_KIND.touch(session, patrol.id, now, except_unit=principal.unit_id)
    return patrol


def apply_changes(patrol: Patrol, changes: PatrolChanges) -> None:
    starts = changes.starts_at or patrol.starts_at
    ends = changes.ends_at or patrol.ends_at
    if ends < starts:
        raise InvalidInput("The end is before the start.", field="ends_at")
    patrol.starts_at, patrol.ends_at = starts, ends
    patrol.marker_from = changes.marker_from or patrol.marker_from
    patrol.marker_to = changes.marker_to or patrol.marker_to
    patrol.route = changes.route or patrol.route


def receive_answer(session: Session, patrol: Patrol, body: PatrolAnswerMessage, sender_party: str) -> None:
    """The owner applies the counterpart's answer, and sends its copy back when that changed it."""
    now = common.now_of(session)
    event = body.event
    recorded = add_event(session, patrol, event.kind, event.at, event.party, event.unit_code,
                         PATROL_TIMELINE.detail_from_payload(event.kind, event.model_dump()), event.id)
    if recorded is None:
        return  # applied before
    if body.changes is not None:
        apply_changes(patrol, body.changes)
    patrol.participants = [p for p in patrol.participants if p["party"] != sender_party] + [
        p.model_dump(exclude_none=True) for p in body.participants]
    patrol.version += 1
    _send_copy(session, patrol, None)
    PATROL_KIND.touch(session, patrol.id, now)


def cancel(session: Session, principal: Principal, patrol_id: str, note: str, now: dt.datetime) -> Patrol:
    patrol = PATROL_KIND.visible(session, principal, patrol_id)
    require_owner(patrol, principal.party, N_("Only the proposing side cancels a joint patrol."))
    PATROL_LIFECYCLE.require(patrol.status, "cancelled", side=side_of(patrol, principal.party), can=principal.can,
                             wrong_state=N_("This patrol can no longer be cancelled."))
    validate_contribution_text([note], N_("the note"))
    patrol.version += 1
    unit = directory.get_unit(session, patrol.owner_unit_id)
    event = add_event(session, patrol, "cancelled", now, principal.party, unit.code,
                      Detail.text(f"{principal.display_name}: {note}"))
    _send_copy(session, patrol, event)
    PATROL_KIND.touch(session, patrol.id, now, except_unit=principal.unit_id)
    return patrol


def file_report(session: Session, principal: Principal, patrol_id: str, data: PatrolReportIn,
                now: dt.datetime) -> Patrol:
    patrol = PATROL_KIND.visible(session, principal, patrol_id)
    PATROL_LIFECYCLE.require(patrol.status, "reported", side=side_of(patrol, principal.party), can=principal.can,
                             no_permission=N_("Your role may not file patrol reports."),
                             wrong_state=N_("Reports are filed on an agreed patrol."))
    if any(r.party == principal.party for r in reports(session, patrol.id)):
        raise InvalidInput("Your side has filed its report on this patrol already.", field="summary")
    validate_contribution_text([data.summary, *(i.note for i in data.incidents)], N_("the report"))
    unit = local_unit_of(session, patrol, principal.party)
    report = PatrolReport(id=new_id(), patrol_id=patrol.id, party=principal.party, unit_code=unit.code,
                          author_name=principal.display_name, summary=data.summary,
                          incidents=[i.model_dump(mode="json", exclude_none=True) for i in data.incidents],
                          filed_at=now)
    session.add(report)
    session.flush()
    event = add_event(session, patrol, "reported", now, principal.party, unit.code, Detail.text(principal.display_name))
    assert event is not None
    message = PatrolReportMessage.from_fields({
        "patrol_id": patrol.id, "event": StepEvent.from_fields(PATROL_TIMELINE.payload(event)),
        "report": {"id": report.id, "party": report.party, "unit_code": report.unit_code,
                   "author_name": report.author_name, "summary": report.summary, "incidents": report.incidents,
                   "filed_at": now},
    })
    send_to_peer(session, message, patrol, principal.party, stream=PATROL_KIND.stream(patrol.id))
    complete_if_both_reported(session, patrol, now)
    PATROL_KIND.touch(session, patrol.id, now, except_unit=principal.unit_id)
    return patrol


def receive_report(session: Session, patrol: Patrol, body: PatrolReportMessage) -> None:
    now = common.now_of(session)
    item = body.report
    if session.get(PatrolReport, item.id) is None:
        session.add(PatrolReport(id=item.id, patrol_id=patrol.id, party=item.party, unit_code=item.unit_code,
                                 author_name=item.author_name, summary=item.summary,
                                 incidents=[i.model_dump(mode="json", exclude_none=True) for i in item.incidents],
                                 filed_at=item.filed_at))
        session.flush()
    add_event(session, patrol, body.event.kind, body.event.at, body.event.party, body.event.unit_code,
              PATROL_TIMELINE.detail_from_payload(body.event.kind, body.event.model_dump()), body.event.id)
    complete_if_both_reported(session, patrol, now)
    PATROL_KIND.touch(session, patrol.id, now)


def complete_if_both_reported(session: Session, patrol: Patrol, now: dt.datetime) -> None:
    """Each node marks the patrol complete on its own once it holds both sides' reports."""
    filed = {r.party for r in reports(session, patrol.id)}
    if filed >= set(common.PARTIES) and patrol.status == PatrolStatus.AGREED:
        add_event(session, patrol, "completed", now, patrol.owner_party, None)
