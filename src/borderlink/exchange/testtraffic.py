"""Test traffic for operators: `test.echo` envelopes, and an honest count of how often each was
applied (the handler itself counts, so a re-application anywhere in the inbox would show)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from borderlink.exchange.context import insert_ignoring_conflicts, now_of
from borderlink.exchange.models import InboxEnvelope, TestEcho
from borderlink.exchange.outbox import enqueue
from borderlink.exchange.registry import InboundEnvelope, register_handler

ECHO_KIND = "test.echo"


def handle_echo(session: Session, envelope: InboundEnvelope) -> None:
    now = now_of(session)
    insert_ignoring_conflicts(session, TestEcho.__table__, {
        "envelope_id": envelope.id, "applied_count": 0, "first_applied_at": now, "last_applied_at": now,
    })
    session.execute(
        update(TestEcho).where(TestEcho.envelope_id == envelope.id)
        .values(applied_count=TestEcho.applied_count + 1, last_applied_at=now)
    )


def send_test(session: Session, count: int, *, stream: str | None = None, note: str = "") -> list[str]:
    return [
        enqueue(session, kind=ECHO_KIND, body={"n": number, "note": note}, sender_unit=None,
                recipient_unit=None, stream=stream)
        for number in range(1, count + 1)
    ]


def received_counts(session: Session, kind: str) -> dict[str, int]:
    """Distinct envelopes of `kind` applied, and re-applications of an already-applied one."""
    if kind == ECHO_KIND:
        distinct, total = session.execute(
            select(func.count(), func.coalesce(func.sum(TestEcho.applied_count), 0))
        ).one()
        return {"distinct": int(distinct), "duplicates_applied": int(total) - int(distinct)}
    applied = session.scalar(select(func.count()).select_from(InboxEnvelope).where(
        InboxEnvelope.kind == kind, InboxEnvelope.status == "applied"))
    # Other kinds' handlers do not count their own runs; the inbox applies each id at most once
    # (its primary key), so re-applications cannot be observed beyond that guarantee.
    return {"distinct": int(applied or 0), "duplicates_applied": 0}


register_handler(ECHO_KIND, handle_echo)
