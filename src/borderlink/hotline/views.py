"""Turning hotline rows into API shapes, shared by the JSON API and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Principal
from borderlink.hotline import service
from borderlink.hotline.models import OBJECT_TYPE, OPEN_STATUSES, HotlineRequest, Priority, Status
from borderlink.hotline.models import TIMELINE as REQUEST_TIMELINE
from borderlink.hotline.schemas import InboxFilter, InboxItemOut, InboxOut, ReplyOut, RequestOut
from borderlink.shared import attachments, list_filters, scoping, workfeed
from borderlink.shared.shapes import shaped
from borderlink.shared.workfeed import FeedEntry
from borderlink.web.attachments import AttachmentOut


def request_out(session: Session, request: HotlineRequest, now: dt.datetime,
                language: str | None = None) -> RequestOut:
    """The request as the API shows it; timeline details in English unless a `language` is given
    (pages give the viewer's)."""
    replies = service.replies(session, request.id)
    codes = directory.unit_codes(session, {r.author_unit_id for r in replies}) if replies else {}
    return shaped(
        RequestOut, request, sender_unit_code=request.sender_unit.code, recipient_unit_code=request.recipient_unit.code,
        overdue=service.overdue_at(request.status, request.deadline_at, now),
        timeline=REQUEST_TIMELINE.out(session, request.id, language),
        replies=[shaped(ReplyOut, r, author_unit_code=codes[r.author_unit_id]) for r in replies],
        attachments=[AttachmentOut.of(a) for a in attachments.files_of(session, service.REQUEST_KIND.ref(request.id))])


def _join_requests(query: Select[Any]) -> Select[Any]:
    return query.join(HotlineRequest, HotlineRequest.id == FeedEntry.object_id)


def _request_filters(session: Session, principal: Principal, filters: InboxFilter,
                     now: dt.datetime) -> list[ColumnElement[bool]]:
    """The filters as conditions on the requests, for SQL."""
    facing = None
    if filters.counterpart:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == filters.counterpart))
        # The counterpart is the other side's unit of the pair: the recipient of what we sent,
        # the sender of what we received.
        facing = or_(and_(HotlineRequest.owner_party == principal.party, HotlineRequest.recipient_unit_id == unit_id),
                     and_(HotlineRequest.owner_party != principal.party, HotlineRequest.sender_unit_id == unit_id))
    overdue = and_(HotlineRequest.status.in_(OPEN_STATUSES), HotlineRequest.deadline_at.is_not(None),
                   HotlineRequest.deadline_at <= now)
    return list_filters.all_of(
        list_filters.code(HotlineRequest.status, Status, filters.status),
        list_filters.code(HotlineRequest.priority, Priority, filters.priority),
        list_filters.prefix(HotlineRequest.offence_code, filters.offence),
        list_filters.words(OBJECT_TYPE, HotlineRequest.id, filters.q, HotlineRequest.search_text),
        facing, list_filters.yes_no(overdue, filters.overdue))


# What an inbox line shows: only these columns are read, never a request's texts.
_INBOX_COLUMNS = (HotlineRequest.id, HotlineRequest.subject, HotlineRequest.kind, HotlineRequest.priority,
                  HotlineRequest.status, HotlineRequest.offence_code, HotlineRequest.owner_party,
                  HotlineRequest.sender_unit_id, HotlineRequest.recipient_unit_id, HotlineRequest.deadline_at,
                  HotlineRequest.escalation_level)


def inbox(session: Session, principal: Principal, filters: InboxFilter, now: dt.datetime) -> InboxOut:
    """Requests in the principal's own unit's inbox (or, when asked, in the inboxes of the units
    below it too), newest activity first, one row per request, one page at a time."""
    units = scoping.scope_units(principal, include_below=filters.include_below)
    listing = workfeed.list_objects(session, OBJECT_TYPE, units, _INBOX_COLUMNS, join=_join_requests,
                                    conditions=_request_filters(session, principal, filters, now),
                                    unread=filters.unread, limit=filters.limit, cursor=filters.cursor)
    rows = [item.row for item in listing.items]
    codes = directory.unit_codes(session, {r.sender_unit_id for r in rows} | {r.recipient_unit_id for r in rows})
    items = []
    for item in listing.items:
        row = item.row
        sender, recipient = codes[row.sender_unit_id], codes[row.recipient_unit_id]
        counterpart = recipient if row.owner_party == principal.party else sender
        items.append(shaped(
            InboxItemOut, row, request_id=row.id, sender_unit_code=sender, recipient_unit_code=recipient,
            counterpart_unit_code=counterpart, overdue=service.overdue_at(row.status, row.deadline_at, now),
            unread=item.unread, reasons=item.reasons, updated_at=item.updated_at))
    return InboxOut(unread=listing.unread, items=items, next_cursor=listing.next_cursor,
                    prev_cursor=listing.prev_cursor)
