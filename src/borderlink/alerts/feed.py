"""How alerts appear on the home page's work feed: a new alert from the other side or of another
unit of ours, a flag raised on our alert, an alert coming up for its expiry review, a refusal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from borderlink.alerts.models import ENDED, Alert
from borderlink.alerts.views import labels
from borderlink.matching.render import display_renderings
from borderlink.shared.feedkinds import FeedCard


def alert_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    """An alert asks for work until it ends or its owner hides it."""
    return exists().where(Alert.id == id_column, Alert.status.not_in(ENDED), Alert.hidden.is_(False))


def _subject(alert: Alert) -> str:
    names = list((alert.person or {}).get("names") or [])
    if names:
        return " · ".join(display_renderings(names[0]))
    documents = [d.get("number", "") for d in alert.documents] + [v.get("plate", "") for v in alert.vehicles]
    return ", ".join(filter(None, documents))


def alert_cards(session: Session, ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    cards = {}
    for row in session.scalars(select(Alert).where(Alert.id.in_(ids))):
        named = labels(row, language)
        cards[row.id] = FeedCard(
            title=" — ".join(filter(None, [named["kind"], _subject(row)])), href=f"/alerts/{row.id}",
            detail=" · ".join([named.get("offence", row.offence_code), named["status"],
                               row.expires_at.date().isoformat()]))
    return cards
