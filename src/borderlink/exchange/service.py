"""The exchange's service functions: what other domains, the CLI, the pages and metrics call.

Other domains use `enqueue` to send, and `borderlink.exchange.registry.register_handler` to receive.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from borderlink.exchange import anchors, testtraffic
from borderlink.exchange.context import bind
from borderlink.exchange.models import (
    HandlerFailure,
    InboxEnvelope,
    OutboxEnvelope,
    PeerLink,
    RefusalCount,
)
from borderlink.exchange.outbox import enqueue

__all__ = ["anchors", "bind", "dead_letters", "enqueue", "outbox_status", "overview", "received_counts",
           "testtraffic"]

received_counts = testtraffic.received_counts


HOUSEKEEPING_KINDS = "exchange.%"  # anchors and countersignatures, counted apart from traffic


def outbox_status(session: Session, kind: str | None = None) -> dict[str, int]:
    """sent = envelopes enqueued; delivered = the peer's receipt is stored; refused = the peer's
    receipt says rejected. The exchange's own anchor traffic is left out unless asked for."""
    query = select(OutboxEnvelope.status, func.count()).group_by(OutboxEnvelope.status)
    if kind is not None:
        query = query.where(OutboxEnvelope.kind == kind)
    else:
        query = query.where(OutboxEnvelope.kind.not_like(HOUSEKEEPING_KINDS))
    rows: dict[str, int] = {str(row[0]): int(row[1]) for row in session.execute(query).all()}
    return {
        "sent": int(sum(rows.values())),
        "delivered": int(rows.get("delivered", 0)),
        "pending": int(rows.get("pending", 0)),
        "refused": int(rows.get("refused", 0)),
    }


@dataclasses.dataclass(frozen=True, slots=True)
class DeadLetter:
    envelope_id: str
    sender_party: str
    kind: str
    stream: str
    seq: int
    attempts: int
    error: str
    received_at: dt.datetime


def dead_letters(session: Session, limit: int = 200) -> list[DeadLetter]:
    """Received envelopes whose handler kept failing, oldest first, with their last error."""
    rows = session.execute(
        select(InboxEnvelope, HandlerFailure.attempts, HandlerFailure.last_error)
        .outerjoin(HandlerFailure, HandlerFailure.envelope_id == InboxEnvelope.id)
        .where(InboxEnvelope.status == "dead_letter").order_by(InboxEnvelope.received_at).limit(limit))
    return [DeadLetter(row.id, row.sender_party, row.kind, row.stream, row.seq, int(attempts or 0),
                       error or row.reason or "", row.received_at)
            for row, attempts, error in rows]


def overview(session: Session, now: dt.datetime) -> dict[str, Any]:
    """Everything the operations page and the metrics show."""
    status = outbox_status(session)
    oldest = session.scalar(select(func.min(OutboxEnvelope.created_at)).where(OutboxEnvelope.status == "pending"))
    if isinstance(oldest, dt.datetime) and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    inbox: dict[str, int] = {str(row[0]): int(row[1]) for row in session.execute(
        select(InboxEnvelope.status, func.count()).group_by(InboxEnvelope.status)).all()}
    links = list(session.scalars(select(PeerLink).order_by(PeerLink.party)))
    refusals = list(session.scalars(select(RefusalCount).order_by(RefusalCount.reason)))
    return {
        "status": status,
        "oldest_pending_age_seconds": max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        "received": int(sum(inbox.values())),
        "inbox": {key: int(value) for key, value in inbox.items()},
        "links": links,
        "refusals": refusals,
        "dead_letters": dead_letters(session),
    }
