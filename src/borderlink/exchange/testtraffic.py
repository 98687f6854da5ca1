"""Test traffic for operators: `test.echo` envelopes, and an honest count of how often each was
applied (the handler itself counts, so a re-application anywhere in the inbox would show)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from borderlink.exchange.context import now_of
from borderlink.exchange.contracts import EchoMessage
from borderlink.exchange.models import InboxEnvelope, TestEcho
from borderlink.exchange.outbox import Outgoing, enqueue_many
from borderlink.exchange.registry import InboundEnvelope

ECHO_KIND = EchoMessage.message_kind


ECHOES = cast(Table, TestEcho.__table__)
# INSERT, or count one more application: one statement, built once per dialect.
_COUNT_APPLICATION = {
    name: dialect_insert(ECHOES).values(
        envelope_id=bindparam("envelope_id"), applied_count=1, first_applied_at=bindparam("now"),
        last_applied_at=bindparam("now"),
    ).on_conflict_do_update(
        index_elements=[ECHOES.c.envelope_id],
        set_={"applied_count": ECHOES.c.applied_count + 1, "last_applied_at": bindparam("now")},
    )
    for name, dialect_insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


def handle_echo(session: Session, envelope: InboundEnvelope[EchoMessage]) -> None:
    statement = _COUNT_APPLICATION[session.get_bind().dialect.name]
    session.connection().execute(statement, {"envelope_id": envelope.id, "now": now_of(session)})


def send_test(session: Session, count: int, *, stream: str | None = None, note: str = "") -> list[str]:
    ids: list[str] = []
    for start in range(1, count + 1, 1000):
        ids += enqueue_many(session, [Outgoing(ECHO_KIND, {"n": number, "note": note}, stream=stream)
                                      for number in range(start, min(count, start + 999) + 1)])
    return ids


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
