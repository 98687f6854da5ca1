"""The officer's home: the unit's open work across every domain, from the shared work feed.

Each domain says how its object types show in the feed (`Domain.feed_kinds`); this module lists the
unit's entries of those types whose objects are still open, urgent first, then by the nearest
deadline, then by the latest change. Every page also asks here for the unit's unread urgent items
(the banner, the tab title and the opt-in notification) and follows the unit's live stream.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from starlette.concurrency import run_in_threadpool

from borderlink.directory.permissions import Permission, Principal
from borderlink.shared import live
from borderlink.shared.feedkinds import FeedAction, FeedCard, FeedKind, feed_kinds
from borderlink.shared.workfeed import FeedEntry
from borderlink.web.body_gate import is_known_caller
from borderlink.web.deps import DbSession, get_node, node_now, require
from borderlink.web.i18n import request_language
from borderlink.web.templating import render

HOME_LIMIT = 100
BANNER_LIMIT = 5
LoggedIn = Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
router = APIRouter(prefix="/home", include_in_schema=False)


@dataclasses.dataclass(frozen=True)
class WorkItem:
    entry: FeedEntry
    kind: FeedKind
    card: FeedCard
    overdue: bool

    @property
    def key(self) -> str:
        return self.entry.ref.key


@dataclasses.dataclass(frozen=True)
class KindCount:
    kind: FeedKind
    open: int
    urgent: int
    overdue: int


@dataclasses.dataclass(frozen=True)
class Work:
    items: list[WorkItem]
    counts: list[KindCount]
    kind: str | None  # the kind the list is narrowed to

    @property
    def total(self) -> int:
        return sum(c.open for c in self.counts)

    @property
    def urgent(self) -> int:
        return sum(c.urgent for c in self.counts)


def visible_kinds(principal: Principal) -> list[FeedKind]:
    return [k for k in feed_kinds() if k.permission is None or principal.can(k.permission)]


def _open(kinds: Sequence[FeedKind]) -> ColumnElement[bool]:
    """SQL: the entry's object is of one of the kinds and still open."""
    object_id = FeedEntry.object_id.expression
    return or_(*[and_(FeedEntry.object_type == k.object_type,
                      k.open_clause(object_id) if k.open_clause is not None else true()) for k in kinds])


def _cards(session: Session, principal: Principal, kinds: Sequence[FeedKind], entries: Sequence[FeedEntry],
           language: str, now: dt.datetime) -> list[WorkItem]:
    by_type = {k.object_type: k for k in kinds}
    wanted: dict[str, list[str]] = {}
    for entry in entries:
        wanted.setdefault(entry.object_type, []).append(entry.object_id)
    cards = {object_type: by_type[object_type].cards(session, ids, language) for object_type, ids in wanted.items()}
    actions: dict[str, Mapping[str, FeedAction]] = {}
    for object_type, ids in wanted.items():
        actions_of = by_type[object_type].actions
        actions[object_type] = actions_of(session, principal, ids) if actions_of is not None else {}
    items = []
    for entry in entries:
        card = cards[entry.object_type].get(entry.object_id)
        if card is None:  # gone from the domain's table
            continue
        action = actions[entry.object_type].get(entry.object_id)
        if action is not None:
            card = dataclasses.replace(card, action=action.label, action_href=action.href)
        items.append(WorkItem(entry, by_type[entry.object_type], card,
                              entry.deadline_at is not None and entry.deadline_at < now))
    return items


def my_work(session: Session, principal: Principal, language: str, now: dt.datetime, *,
            kind: str | None = None, limit: int = HOME_LIMIT) -> Work:
    """The unit's open items (of one kind, or of all), the most pressing first, and counts per kind."""
    kinds = visible_kinds(principal)
    if not kinds:
        return Work([], [], None)
    is_open = _open(kinds)
    mine = FeedEntry.unit_id == principal.unit_id
    overdue = and_(FeedEntry.deadline_at.is_not(None), FeedEntry.deadline_at < now)
    counted = {row[0]: row[1:] for row in session.execute(
        select(FeedEntry.object_type, func.count(), func.sum(case((FeedEntry.urgent, 1), else_=0)),
               func.sum(case((overdue, 1), else_=0)))
        .where(mine, is_open).group_by(FeedEntry.object_type))}
    counts = [KindCount(k, int(counted[k.object_type][0]), int(counted[k.object_type][1] or 0),
                        int(counted[k.object_type][2] or 0)) for k in kinds if k.object_type in counted]
    chosen = kind if kind in {k.object_type for k in kinds} else None
    query = select(FeedEntry).where(mine, is_open)
    if chosen is not None:
        query = query.where(FeedEntry.object_type == chosen)
    entries = list(session.scalars(query.order_by(
        FeedEntry.urgent.desc(), FeedEntry.deadline_at.is_(None), FeedEntry.deadline_at,
        FeedEntry.updated_at.desc(), FeedEntry.id.desc()).limit(limit)))
    return Work(_cards(session, principal, kinds, entries, language, now), counts, chosen)


def urgent_unread(session: Session, principal: Principal, language: str,
                  now: dt.datetime) -> tuple[int, list[WorkItem]]:
    """How many open urgent items the unit has not looked at yet, and the first few of them."""
    kinds = visible_kinds(principal)
    if not kinds:
        return 0, []
    where = (FeedEntry.unit_id == principal.unit_id, FeedEntry.urgent.is_(True), FeedEntry.read_at.is_(None),
             _open(kinds))
    count = int(session.scalar(select(func.count()).select_from(FeedEntry).where(*where)) or 0)
    entries = list(session.scalars(select(FeedEntry).where(*where).order_by(
        FeedEntry.deadline_at.is_(None), FeedEntry.deadline_at, FeedEntry.updated_at.desc()).limit(BANNER_LIMIT)))
    return count, _cards(session, principal, kinds, entries, language, now)


def home_context(request: Request, session: Session, principal: Principal, kind: str | None) -> dict[str, Any]:
    now = node_now(request)
    language = request_language(request)
    return {"work": my_work(session, principal, language, now, kind=kind), "now": now}


@router.get("/items")
def items_fragment(request: Request, session: DbSession, principal: LoggedIn, kind: str | None = None) -> Response:
    """The home page's list alone, fetched again when the unit's feed changes."""
    return render(request, "web/home_items.html", home_context(request, session, principal, kind))


@router.get("/urgent")
def urgent_summary(request: Request, session: DbSession, principal: LoggedIn) -> Response:
    """The unit's unread urgent items, for the banner every page shows."""
    now = node_now(request)
    count, items = urgent_unread(session, principal, request_language(request), now)
    return JSONResponse({"count": count, "items": [
        {"key": i.key, "title": i.card.title, "href": i.card.href, "detail": i.card.detail,
         "deadline_at": i.entry.deadline_at.isoformat() if i.entry.deadline_at else None} for i in items]})


@router.get("/stream")
async def feed_stream(request: Request, principal: LoggedIn) -> Response:
    """A `feed` event each time an item of the unit's work feed changes, of whatever domain."""
    node = get_node(request)

    async def still_allowed() -> bool:
        return await run_in_threadpool(is_known_caller, node, request)

    return StreamingResponse(_events(principal.unit_id, still_allowed), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _events(unit_id: str, still_allowed: live.StillAllowed) -> AsyncIterator[str]:
    return live.sse_events([live.unit_topic(unit_id)],
                           lambda message: live.sse_frame("feed", json.dumps({"object": message})),
                           still_allowed=still_allowed)
