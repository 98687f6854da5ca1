"""How hotline requests appear on the home page's work feed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory.permissions import Permission, Principal
from borderlink.hotline.codes import CODE_LISTS
from borderlink.hotline.models import HotlineRequest, Status
from borderlink.shared.feedkinds import FeedAction, FeedCard
from borderlink.shared.forms import N_


def request_card(row: HotlineRequest, language: str) -> FeedCard:
    """Title, link and a line (units by name, priority and status in the viewer's language)."""
    kind, priority, status = (CODE_LISTS[name] for name in ("hotline.kind", "hotline.priority", "hotline.status"))
    return FeedCard(title=row.subject, href=f"/hotline/requests/{row.id}", detail=" · ".join([
        f"{row.sender_unit.name(language)} → {row.recipient_unit.name(language)}",
        kind.label(row.kind.value, language), priority.label(row.priority.value, language),
        status.label(row.status.value, language),
    ]))


def request_actions(session: Session, principal: Principal, request_ids: Sequence[str]) -> Mapping[str, FeedAction]:
    """A request from across the border not yet acknowledged offers its acknowledgement."""
    if not principal.can(Permission.HOTLINE_ANSWER):
        return {}
    waiting = session.scalars(select(HotlineRequest.id).where(
        HotlineRequest.id.in_(request_ids), HotlineRequest.owner_party != principal.party,
        HotlineRequest.status.in_((Status.SENT, Status.DELIVERED))))
    return {i: FeedAction(N_("Acknowledge"), f"/hotline/requests/{i}/acknowledge") for i in waiting}

