"""Engagements: planned by one side, confirmed or declined by the other, held with minutes and
outcomes, or cancelled. The planning side owns the engagement and sends its copy on each change.
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
from borderlink.engagements.codes import CODE_LISTS
from borderlink.engagements.contracts import EngagementMessage, StepEvent, StepMessage
from borderlink.engagements.models import (
    ENGAGEMENT,
    ENGAGEMENT_LIFECYCLE,
    ENGAGEMENT_TIMELINE,
    Engagement,
    EngagementStatus,
)
from borderlink.engagements.schemas import EngagementCreate, EngagementUpdate
from borderlink.errors import InvalidInput
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

LIST_SORT = paging.SortKey((Engagement.starts_at, Engagement.id))  # type: ignore[arg-type]


ENGAGEMENT_KIND = common.kind(ENGAGEMENT, Engagement)


def ordinal(number: int, language: str) -> str:
    if language.startswith("zh"):
        return f"第{number}届"
    if language == "vi":
        return f"lần thứ {number}"
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def series_title(series: str, number: int, language: str = "en") -> str:
    """"7th ministerial conference on crime prevention", in the reader's language."""
    label = CODE_LISTS["engagements.series"].label(series, language)
    if language.startswith("zh"):
        return f"{ordinal(number, language)}{label}"
    if language == "vi":
        return f"{label} {ordinal(number, language)}"
    return f"{ordinal(number, language)} {label}"


def title_of(engagement: Engagement, language: str = "en") -> str:
    """A series engagement is named by its series and number unless it was given a title of its own."""
    if engagement.series and engagement.number and engagement.title == series_title(engagement.series,
                                                                                     engagement.number):
        return series_title(engagement.series, engagement.number, language)
    return engagement.title


def _officials(delegations: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(common.PARTIES, 0)
    for delegation in delegations:
        counts[delegation["party"]] = max(int(delegation.get("size", 0)), len(delegation.get("officials", [])))
    return counts


def _set_delegations(engagement: Engagement, delegations: list[dict[str, Any]]) -> None:
    engagement.delegations = delegations
    counts = _officials(delegations)
    engagement.officials_vn, engagement.officials_cn = counts["VN"], counts["CN"]


def _texts(data: EngagementCreate | EngagementUpdate) -> list[str]:
    texts = [data.title or "", data.topic or "", *(data.agenda or []), *(data.outcomes or [])]
    return texts + [m.text for m in data.minutes or []]


# --- visibility and lists -------------------------------------------------------------------

def list_engagements(session: Session, principal: Principal, *, limit: int, cursor: str | None = None,
                     kind: str | None = None, series: str | None = None, status: str | None = None,
                     starts_from: dt.datetime | None = None,
                     starts_before: dt.datetime | None = None) -> paging.Page[Engagement]:
    """The engagements of the principal's units, soonest first, filtered in SQL."""
    if not principal.can(Permission.ENGAGEMENTS_READ):
        return paging.Page([], None, None)
    query = select(Engagement).where(common.visible_to(principal, ENGAGEMENT, Engagement.id))
    if kind:
        query = query.where(Engagement.kind == kind)
    if series:
        query = query.where(Engagement.series == series)
    if status:
        query = query.where(Engagement.status == status)
    if starts_from:
        query = query.where(Engagement.starts_at >= starts_from)
    if starts_before:
        query = query.where(Engagement.starts_at < starts_before)
    key = paging.SortKey(LIST_SORT.columns, descending=False)
    return paging.fetch_page(session, query, key, limit, cursor)


def previous_in_series(session: Session, principal: Principal, engagement: Engagement) -> Engagement | None:
    """The engagement before this one in its series, among those the principal sees."""
    if not engagement.series or not engagement.number:
        return None
    return session.scalar(
        select(Engagement)
        .where(Engagement.series == engagement.series, Engagement.number < engagement.number,
               common.visible_to(principal, ENGAGEMENT, Engagement.id))
        .order_by(Engagement.number.desc()).limit(1))


# --- planning ---------------------------------------------------------------------------------

def add_event(session: Session, engagement: Engagement, kind: str, at: dt.datetime, party: str,
              unit_code: str | None, detail: Detail | None = None, event_id: str | None = None) -> TimelineRow | None:
    event = ENGAGEMENT_TIMELINE.record(session, engagement.id, kind, at, party, unit_code, detail, event_id)
    if event is None:
        return None
    engagement.status = EngagementStatus(ENGAGEMENT_LIFECYCLE.advance(engagement.status, kind))
    touch(engagement, at)
    return event


def create_engagement(session: Session, principal: Principal, data: EngagementCreate,
                      now: dt.datetime) -> Engagement:
    if not principal.can(Permission.ENGAGEMENTS_PLAN):
        raise InvalidInput("Your role may not plan engagements.")
    unit = directory.get_unit(session, principal.unit_id)
    other = common.counterpart(session, unit, data.counterpart_unit_code)
    if data.series is not None:
        CODE_LISTS["engagements.series"].require(data.series, field="series")
    validate_contribution_text(_texts(data), N_("the engagement"))
    assert data.number is not None or data.series is None
    title = data.title or series_title(data.series or "", data.number or 0)
    engagement = Engagement(
        id=new_id(), owner_party=principal.party, handling_code=data.handling_code, created_at=now, updated_at=now,
        version=1, owner_unit_id=unit.id, counterpart_unit_id=other.id, kind=data.kind,
        tier=data.tier or unit.tier, series=data.series, number=data.number, title=title, topic=data.topic,
        starts_at=data.starts_at.astimezone(dt.UTC), ends_at=data.ends_at.astimezone(dt.UTC), place=data.place,
        host_party=data.host_party, agenda=list(data.agenda), outcomes=list(data.outcomes),
        minutes=[m.model_dump() for m in data.minutes], status=EngagementStatus.PLANNED,
        author_name=principal.display_name)
    _set_delegations(engagement, [d.model_dump(exclude_none=True) for d in data.delegations])
    session.add(engagement)
    session.flush()
    event = add_event(session, engagement, "planned", now, principal.party, unit.code,
                      Detail.text(principal.display_name))
    common.share_locally(session, ENGAGEMENT, engagement, principal.party, now, unread=False)
    _send_copy(session, engagement, principal.party, event)
    return engagement


def update_engagement(session: Session, principal: Principal, engagement_id: str, data: EngagementUpdate,
                      now: dt.datetime, *, step: str = "updated") -> Engagement:
    """The planning side changes its engagement (agenda, minutes, outcomes...); `step` "held"
    records that it took place."""
    engagement = ENGAGEMENT_KIND.visible(session, principal, engagement_id)
    require_owner(engagement, principal.party, N_("Only the planning side changes an engagement."))
    ENGAGEMENT_LIFECYCLE.require(engagement.status, step, side=side_of(engagement, principal.party),
                                 can=principal.can, no_permission=N_("Your role may not plan engagements."),
                                 wrong_state=N_("This engagement can no longer be changed that way."))
    validate_contribution_text(_texts(data), N_("the engagement"))
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for name in ("title", "topic", "place", "agenda", "outcomes"):
        if name in changes:
            setattr(engagement, name, changes[name])
    if "starts_at" in changes or "ends_at" in changes:
        starts = changes.get("starts_at", engagement.starts_at).astimezone(dt.UTC)
        ends = changes.get("ends_at", engagement.ends_at).astimezone(dt.UTC)
        if ends < starts:
            raise InvalidInput("The end is before the start.", field="ends_at")
        engagement.starts_at, engagement.ends_at = starts, ends
    if data.minutes is not None:
        engagement.minutes = [m.model_dump() for m in data.minutes]
    if data.delegations is not None:
        _set_delegations(engagement, [d.model_dump(exclude_none=True) for d in data.delegations])
    engagement.version += 1
    unit = directory.get_unit(session, engagement.owner_unit_id)
    event = add_event(session, engagement, step, now, principal.party, unit.code, Detail.text(principal.display_name))
    _send_copy(session, engagement, principal.party, event)
    ENGAGEMENT_KIND.touch(session, engagement.id, now, except_unit=principal.unit_id)
    return engagement


def cancel_engagement(session: Session, principal: Principal, engagement_id: str, note: str,
                      now: dt.datetime) -> Engagement:
    engagement = ENGAGEMENT_KIND.visible(session, principal, engagement_id)
    ENGAGEMENT_LIFECYCLE.require(engagement.status, "cancelled", side=side_of(engagement, principal.party),
                                 can=principal.can, wrong_side=N_("Only the planning side cancels an engagement."),
                                 wrong_state=N_("This engagement can no longer be changed that way."))
    validate_contribution_text([note], N_("the note"))
    engagement.version += 1
    unit = directory.get_unit(session, engagement.owner_unit_id)
    event = add_event(session, engagement, "cancelled", now, principal.party, unit.code,
                      Detail.text(f"{principal.display_name}: {note}"))
    _send_copy(session, engagement, principal.party, event)
    ENGAGEMENT_KIND.touch(session, engagement.id, now, except_unit=principal.unit_id)
    return engagement


def answer_engagement(session: Session, principal: Principal, engagement_id: str, confirm: bool, note: str,
                      now: dt.datetime) -> Engagement:
    """The other side confirms the planned engagement, or declines it with a reason."""
    engagement = ENGAGEMENT_KIND.visible(session, principal, engagement_id)
    step = "confirmed" if confirm else "declined"
    ENGAGEMENT_LIFECYCLE.require(engagement.status, step, side=side_of(engagement, principal.party),
                                 can=principal.can, no_permission=N_("Your role may not plan engagements."),
                                 wrong_side=N_("The other side confirms an engagement, not the side that planned it."),
                                 wrong_state=N_("This engagement is not waiting for an answer."))
    if not confirm and not note.strip():
        raise InvalidInput("Say why you decline.", field="note")
    validate_contribution_text([note], N_("the note"))
    unit = local_unit_of(session, engagement, principal.party)
    detail = ENGAGEMENT_TIMELINE.detail("declined", text=note.strip()) if not confirm else \
        Detail.text(principal.display_name)
    event = add_event(session, engagement, step, now, principal.party, unit.code, detail)
    assert event is not None
    message = StepMessage(object_kind="engagement", object_id=engagement.id,
                          event=StepEvent.from_fields(ENGAGEMENT_TIMELINE.payload(event)))
    send_to_peer(session, message, engagement, principal.party, stream=ENGAGEMENT_KIND.stream(engagement.id))
    ENGAGEMENT_KIND.touch(session, engagement.id, now, except_unit=principal.unit_id)
    return engagement


def _send_copy(session: Session, engagement: Engagement, party: str, event: TimelineRow | None) -> None:
    send_to_peer(session, engagement_message(session, engagement, event), engagement, party,
                 stream=ENGAGEMENT_KIND.stream(engagement.id))


def engagement_message(session: Session, engagement: Engagement, event: TimelineRow | None) -> EngagementMessage:
    owner, other = unit_pair(session, engagement, engagement.owner_party)
    return EngagementMessage.from_fields({
        "id": engagement.id, "version": engagement.version, "kind": engagement.kind, "tier": engagement.tier,
        "series": engagement.series, "number": engagement.number, "title": engagement.title,
        "topic": engagement.topic, "starts_at": engagement.starts_at, "ends_at": engagement.ends_at,
        "place": engagement.place, "host_party": engagement.host_party, "owner_unit_code": owner,
        "counterpart_unit_code": other, "delegations": engagement.delegations, "agenda": engagement.agenda,
        "minutes": engagement.minutes, "outcomes": engagement.outcomes,
        "handling_code": engagement.handling_code, "author_name": engagement.author_name,
        "created_at": engagement.created_at,
        "event": ENGAGEMENT_TIMELINE.payload(event) if event is not None else None,
    })


def receive_copy(session: Session, body: EngagementMessage, owner_party: str, owner_unit: Unit,
                 counterpart_unit: Unit) -> Engagement:
    """Store or bring up to date the owner's copy (the sender's checks passed)."""
    now = common.now_of(session)
    engagement = session.get(Engagement, body.id)
    fields: dict[str, Any] = {
        "kind": body.kind, "tier": body.tier, "series": body.series, "number": body.number, "title": body.title,
        "topic": body.topic, "starts_at": body.starts_at, "ends_at": body.ends_at, "place": body.place,
        "host_party": body.host_party, "agenda": list(body.agenda), "outcomes": list(body.outcomes),
        "minutes": [m.model_dump() for m in body.minutes], "handling_code": body.handling_code,
        "author_name": body.author_name,
    }
    if engagement is None:
        engagement = Engagement(id=body.id, owner_party=owner_party, owner_unit_id=owner_unit.id,
                                counterpart_unit_id=counterpart_unit.id, created_at=body.created_at,
                                updated_at=now, version=body.version, status=EngagementStatus.PLANNED, **fields)
        _set_delegations(engagement, [d.model_dump(exclude_none=True) for d in body.delegations])
        session.add(engagement)
        session.flush()
        common.share_locally(session, ENGAGEMENT, engagement, other_of(owner_party), now, unread=True)
    elif body.version > engagement.version:
        for name, value in fields.items():
            setattr(engagement, name, value)
        _set_delegations(engagement, [d.model_dump(exclude_none=True) for d in body.delegations])
        engagement.version = body.version
    if body.event is not None:
        add_event(session, engagement, body.event.kind, body.event.at, body.event.party, body.event.unit_code,
                  ENGAGEMENT_TIMELINE.detail_from_payload(body.event.kind, body.event.model_dump()),
                  event_id=body.event.id)
    ENGAGEMENT_KIND.touch(session, engagement.id, now)
    return engagement


def other_of(party: str) -> str:
    return common.other_party(party)
