"""Turning hotline rows into API shapes, shared by the JSON API and the pages."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory.models import Unit
from borderlink.directory.permissions import Principal
from borderlink.hotline import service
from borderlink.hotline.models import HotlineRequest, InboxEntry, Priority, Status
from borderlink.hotline.schemas import (
    AttachmentOut,
    EventOut,
    InboxItemOut,
    InboxOut,
    ReplyOut,
    RequestOut,
)


def request_out(session: Session, request: HotlineRequest, now: dt.datetime) -> RequestOut:
    units = {u.id: u.code for u in session.scalars(select(Unit))}
    return RequestOut(
        id=request.id, owner_party=request.owner_party, kind=request.kind.value,
        assistance_type=request.assistance_type.value if request.assistance_type else None,
        subject=request.subject, body=request.body, priority=request.priority.value,
        offence_code=request.offence_code, handling_code=request.handling_code.value,
        handling_note=request.handling_note, references=request.references,
        sender_unit_code=units[request.sender_unit_id], recipient_unit_code=units[request.recipient_unit_id],
        author_name=request.author_name, status=request.status.value, created_at=request.created_at,
        sent_at=request.sent_at, delivered_at=request.delivered_at, acknowledged_at=request.acknowledged_at,
        answered_at=request.answered_at, closed_at=request.closed_at, deadline_at=request.deadline_at,
        overdue=service.is_overdue(request, now), escalation_level=request.escalation_level,
        screening_flags=request.screening_flags,
        timeline=[EventOut(id=e.id, kind=e.kind, at=e.at, party=e.party, unit_code=e.unit_code, detail=e.detail)
                  for e in service.timeline(session, request.id)],
        replies=[ReplyOut(id=r.id, author_party=r.author_party, author_unit_code=units[r.author_unit_id],
                          author_name=r.author_name, body=r.body, created_at=r.created_at)
                 for r in service.replies(session, request.id)],
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


def inbox(session: Session, principal: Principal, filters: InboxFilter, now: dt.datetime) -> InboxOut:
    """Requests in the principal's own unit's inbox (or, when asked, in the inboxes of the units
    below it too), newest activity first, one row per request."""
    units_shown = principal.scope_unit_ids if filters.include_below else {principal.unit_id}
    query = (select(InboxEntry).join(InboxEntry.request)
             .where(InboxEntry.unit_id.in_(units_shown))
             .order_by(InboxEntry.updated_at.desc()))
    if filters.status:
        query = query.where(HotlineRequest.status == Status(filters.status))
    if filters.priority:
        query = query.where(HotlineRequest.priority == Priority(filters.priority))
    if filters.offence:
        query = query.where(HotlineRequest.offence_code.startswith(filters.offence.strip()))
    if filters.q:
        for word in service.fold_for_search(filters.q).split():
            query = query.where(HotlineRequest.search_text.contains(word, autoescape=True))
    units = {u.id: u for u in session.scalars(select(Unit))}
    grouped: dict[str, list[InboxEntry]] = {}
    for entry in session.scalars(query):
        grouped.setdefault(entry.request_id, []).append(entry)
    items = []
    for entries in grouped.values():
        request = entries[0].request
        sender, recipient = units[request.sender_unit_id], units[request.recipient_unit_id]
        counterpart = recipient if sender.party_code == principal.party else sender
        overdue = service.is_overdue(request, now)
        unread = any(e.read_at is None for e in entries)
        if filters.counterpart and counterpart.code != filters.counterpart:
            continue
        if filters.overdue is not None and overdue != filters.overdue:
            continue
        if filters.unread is not None and unread != filters.unread:
            continue
        items.append(InboxItemOut(
            request_id=request.id, subject=request.subject, kind=request.kind.value,
            priority=request.priority.value, status=request.status.value, offence_code=request.offence_code,
            owner_party=request.owner_party, sender_unit_code=sender.code, recipient_unit_code=recipient.code,
            counterpart_unit_code=counterpart.code, deadline_at=request.deadline_at, overdue=overdue,
            unread=unread, escalation_level=request.escalation_level,
            reasons=sorted({e.reason for e in entries}), updated_at=max(e.updated_at for e in entries),
        ))
    unread_count = sum(1 for item in items if item.unread)
    return InboxOut(unread=unread_count, items=items[: filters.limit])
