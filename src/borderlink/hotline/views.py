"""Turning hotline rows into API shapes, shared by the JSON API and the pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from borderlink.directory.models import Unit
from borderlink.directory.permissions import Principal
from borderlink.hotline import service
from borderlink.hotline.models import OBJECT_TYPE, HotlineReply, HotlineRequest, Priority, Status
from borderlink.hotline.models import TIMELINE as REQUEST_TIMELINE
from borderlink.hotline.schemas import (
    AttachmentOut,
    EventOut,
    InboxItemOut,
    InboxOut,
    ReplyOut,
    RequestOut,
)
from borderlink.shared import paging, scoping, workfeed
from borderlink.shared.workfeed import FeedEntry

INBOX_SORT = paging.SortKey(workfeed.keyset_columns())


def request_out(session: Session, request: HotlineRequest, now: dt.datetime,
                language: str | None = None) -> RequestOut:
    """The request as the API shows it; timeline details in English unless a `language` is given
    (pages give the viewer's)."""
    replies = session.execute(
        select(HotlineReply, Unit.code).join(Unit, Unit.id == HotlineReply.author_unit_id)
        .where(HotlineReply.request_id == request.id).order_by(HotlineReply.created_at))
    return RequestOut(
        id=request.id, owner_party=request.owner_party, kind=request.kind.value,
        assistance_type=request.assistance_type.value if request.assistance_type else None,
        subject=request.subject, body=request.body, priority=request.priority.value,
        offence_code=request.offence_code, handling_code=request.handling_code.value,
        handling_note=request.handling_note, references=request.references,
        sender_unit_code=request.sender_unit.code, recipient_unit_code=request.recipient_unit.code,
        author_name=request.author_name, status=request.status.value, created_at=request.created_at,
        sent_at=request.sent_at, delivered_at=request.delivered_at, acknowledged_at=request.acknowledged_at,
        answered_at=request.answered_at, closed_at=request.closed_at, deadline_at=request.deadline_at,
        overdue=service.is_overdue(request, now), escalation_level=request.escalation_level,
        screening_flags=request.screening_flags,
        timeline=[EventOut(id=e.id, kind=e.kind, at=e.at, party=e.party, unit_code=e.unit_code,
                           detail=REQUEST_TIMELINE.render(e, language), message=e.message, params=e.params or {})
                  for e in service.timeline(session, request.id)],
        replies=[ReplyOut(id=r.id, author_party=r.author_party, author_unit_code=code,
                          author_name=r.author_name, body=r.body, created_at=r.created_at)
                 for r, code in replies],
        attachments=[AttachmentOut(id=a.id, filename=a.filename, content_type=a.content_type, size=a.size,
                                   sha256=a.sha256) for a in service.attachments(session, request.id)],
    )


@dataclasses.dataclass(frozen=True)
class InboxFilter:
    status: str | None = None
    priority: str | None = None
    overdue: bool | None = None
    offence: str | None = None
    counterpart: str | None = None
    q: str | None = None
    unread: bool | None = None
    include_below: bool = False
    limit: int = 200
    cursor: str | None = None


def _request_filters(session: Session, principal: Principal, filters: InboxFilter, now: dt.datetime,
                     query: Select[Any]) -> Select[Any]:
    """Join the requests to feed entries and narrow them by the filters, in SQL."""
    query = query.join(HotlineRequest, HotlineRequest.id == FeedEntry.object_id)
    if filters.status:
        query = query.where(HotlineRequest.status == Status(filters.status))
    if filters.priority:
        query = query.where(HotlineRequest.priority == Priority(filters.priority))
    if filters.offence:
        query = query.where(HotlineRequest.offence_code.startswith(filters.offence.strip(), autoescape=True))
    if filters.q:
        for word in service.fold_for_search(filters.q).split():
            query = query.where(HotlineRequest.search_text.contains(word, autoescape=True))
    if filters.counterpart:
        facing = session.scalar(select(Unit.id).where(Unit.code == filters.counterpart))
        # The counterpart is the other side's unit of the pair: the recipient of what we sent,
        # the sender of what we received.
        query = query.where(or_(
            and_(HotlineRequest.owner_party == principal.party, HotlineRequest.recipient_unit_id == facing),
            and_(HotlineRequest.owner_party != principal.party, HotlineRequest.sender_unit_id == facing)))
    if filters.overdue is not None:
        overdue = and_(HotlineRequest.status.in_(service.OPEN_STATUSES), HotlineRequest.deadline_at.is_not(None),
                       HotlineRequest.deadline_at <= now)
        query = query.where(overdue if filters.overdue else ~overdue)
    return query


def _has_request_filters(filters: InboxFilter) -> bool:
    return any((filters.status, filters.priority, filters.offence, filters.q, filters.counterpart,
                filters.overdue is not None))


def inbox(session: Session, principal: Principal, filters: InboxFilter, now: dt.datetime) -> InboxOut:
    """Requests in the principal's own unit's inbox (or, when asked, in the inboxes of the units
    below it too), newest activity first, one row per request, one page at a time."""
    units = scoping.scope_units(principal, include_below=filters.include_below)
    query = _request_filters(session, principal, filters, now, workfeed.latest_entries(OBJECT_TYPE, units))
    if filters.unread is not None:
        unread = workfeed.unread_in_units(OBJECT_TYPE, units)
        query = query.where(unread if filters.unread else ~unread)
    if filters.unread is False:
        unread_count = 0
    else:
        unread_count = workfeed.count_unread(
            session, OBJECT_TYPE, units,
            restrict=(lambda q: _request_filters(session, principal, filters, now, q))
            if _has_request_filters(filters) else None)
    page = paging.fetch_page(session, query.add_columns(HotlineRequest), INBOX_SORT, filters.limit, filters.cursor,
                             key_of=lambda row: (row[0].updated_at, row[0].id))
    held = workfeed.entries_for(session, OBJECT_TYPE, [entry.object_id for entry, _ in page.items], units)
    items = []
    for entry, request in page.items:
        entries = held.get(entry.object_id, [entry])
        sender, recipient = request.sender_unit, request.recipient_unit
        counterpart = recipient if sender.party_code == principal.party else sender
        items.append(InboxItemOut(
            request_id=request.id, subject=request.subject, kind=request.kind.value,
            priority=request.priority.value, status=request.status.value, offence_code=request.offence_code,
            owner_party=request.owner_party, sender_unit_code=sender.code, recipient_unit_code=recipient.code,
            counterpart_unit_code=counterpart.code, deadline_at=request.deadline_at,
            overdue=service.is_overdue(request, now), unread=any(e.unread for e in entries),
            escalation_level=request.escalation_level, reasons=sorted({e.reason for e in entries}),
            updated_at=entry.updated_at,
        ))
    return InboxOut(unread=unread_count, items=items, next_cursor=page.next_cursor, prev_cursor=page.prev_cursor)
