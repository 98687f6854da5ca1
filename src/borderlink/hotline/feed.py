"""How hotline requests appear on the home page's work feed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from borderlink.directory.permissions import Permission, Principal
from borderlink.hotline.codes import CODE_LISTS
from borderlink.hotline.models import HotlineRequest, Status
from borderlink.shared.feedkinds import FeedAction, FeedCard
from borderlink.shared.forms import N_

# Still asking for work from someone: everything but closed and withdrawn requests.
_DONE = (Status.CLOSED, Status.WITHDRAWN)


def request_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(HotlineRequest.id == id_column, HotlineRequest.status.not_in(_DONE))


def request_cards(session: Session, request_ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    """Title, link and a line (units by name, priority and status in the viewer's language)."""
    rows = session.scalars(select(HotlineRequest).where(HotlineRequest.id.in_(request_ids)))
    kind, priority, status = (CODE_LISTS[name] for name in ("hotline.kind", "hotline.priority", "hotline.status"))
    cards = {}
    for row in rows:
        detail = " · ".join([
            f"{row.sender_unit.name(language)} → {row.recipient_unit.name(language)}",
            kind.label(row.kind.value, language), priority.label(row.priority.value, language),
            status.label(row.status.value, language),
        ])
        cards[row.id] = FeedCard(title=row.subject, href=f"/hotline/requests/{row.id}", detail=detail)
    return cards


def request_actions(session: Session, principal: Principal, request_ids: Sequence[str]) -> Mapping[str, FeedAction]:
    """A request from across the border not yet acknowledged offers its acknowledgement."""
    if not principal.can(Permission.HOTLINE_ANSWER):
        return {}
    waiting = session.scalars(select(HotlineRequest.id).where(
        HotlineRequest.id.in_(request_ids), HotlineRequest.owner_party != principal.party,
        HotlineRequest.status.in_((Status.SENT, Status.DELIVERED))))
    return {i: FeedAction(N_("Acknowledge"), f"/hotline/requests/{i}/acknowledge") for i in waiting}

