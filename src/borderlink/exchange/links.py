"""The link to the peer as both directions see it: the dispatcher's backoff and anchors, and when
the peer was last heard from (a receipt to our batch, or a batch of its own).

Every dispatch round and every inbound batch is contact, but the row is written only when what it
says changes: the link recovers from failures, or the last contact it holds is older than
`CONTACT_RESOLUTION`. A busy link would otherwise rewrite one row per batch, and on PostgreSQL
every transaction that writes it holds that row's lock until it commits."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from borderlink.exchange.context import insert_ignoring_conflicts
from borderlink.exchange.models import PeerLink

LINKS = cast(Table, PeerLink.__table__)
# How stale `last_contact_at` may be: far below what anyone reads it for (health calls a peer
# quiet after 15 minutes; the metrics are scraped every few seconds at most).
CONTACT_RESOLUTION = dt.timedelta(seconds=5)

_READ = select(LINKS.c.consecutive_failures, LINKS.c.retry_at, LINKS.c.last_contact_at,
               LINKS.c.last_anchor_at).where(LINKS.c.party == bindparam("peer"))
_stale = or_(LINKS.c.last_contact_at.is_(None), LINKS.c.last_contact_at < bindparam("stale_before"))
_RECOVERED = update(LINKS).where(
    LINKS.c.party == bindparam("peer"),
    or_(LINKS.c.consecutive_failures != 0, LINKS.c.retry_at.is_not(None), LINKS.c.last_error.is_not(None), _stale),
).values(consecutive_failures=0, retry_at=None, last_error=None, last_contact_at=bindparam("now"))
_CONTACT = update(LINKS).where(and_(LINKS.c.party == bindparam("peer"), _stale)).values(
    last_contact_at=bindparam("now"))


def read_link(session: Session, party: str) -> Any:
    """The link's row (failures, backoff, last contact, last anchor), made on first use."""
    connection = session.connection()
    link = connection.execute(_READ, {"peer": party}).one_or_none()
    if link is None:
        insert_ignoring_conflicts(session, LINKS, {"party": party, "consecutive_failures": 0})
        link = connection.execute(_READ, {"peer": party}).one()
    return link


def link_answered(session: Session, party: str, now: dt.datetime) -> None:
    """The peer answered a batch: no backoff any more, and it was heard from now."""
    session.connection().execute(_RECOVERED, {"peer": party, "now": now, "stale_before": now - CONTACT_RESOLUTION})


def heard_from(session: Session, party: str, now: dt.datetime) -> None:
    """The peer sent a batch of its own."""
    link = read_link(session, party)
    if link.last_contact_at is None or link.last_contact_at < now - CONTACT_RESOLUTION:
        session.connection().execute(_CONTACT, {"peer": party, "now": now, "stale_before": now - CONTACT_RESOLUTION})
