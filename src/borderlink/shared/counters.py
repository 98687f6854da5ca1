"""Operation counters kept in the database, so `/metrics` shows the same figures whichever node
process did the work, and after restarts: transactions retried after a deadlock, job rows that
failed, and the like. Each counter is a (name, label) pair with its latest example."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import BigInteger, String, Text, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from borderlink.clock import utc_now
from borderlink.db import Base

log = logging.getLogger("borderlink.shared.counters")

TRANSACTION_RETRIES = "transaction_retries"  # label: the cause (deadlock, serialization)
JOB_ROW_FAILURES = "job_row_failures"  # label: the job's name
JOB_RUN_FAILURES = "job_run_failures"  # label: the job's name


class OperationCount(Base):
    __tablename__ = "operation_counts"
    __audit__ = False  # technical state, written at a high rate when things go wrong

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    label: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    last_at: Mapped[dt.datetime]
    last_detail: Mapped[str | None] = mapped_column(Text, default=None)


def add(session: Session, name: str, label: str, detail: str | None = None, *, count: int = 1,
        now: dt.datetime | None = None) -> None:
    """Add to a counter in the caller's transaction (one upsert; safe with concurrent writers)."""
    values = {"name": name, "label": label[:200], "count": count, "last_at": now or utc_now(),
              "last_detail": (detail or "")[:2000] or None}
    table = OperationCount.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["name", "label"],
        set_={"count": table.c.count + statement.excluded.count, "last_at": statement.excluded.last_at,
              "last_detail": statement.excluded.last_detail},
    )
    session.connection().execute(statement)


def add_now(factory: sessionmaker[Session], name: str, label: str, detail: str | None = None) -> None:
    """Add to a counter in a transaction of its own (for work whose own transaction rolled back).
    Counting must never make things worse: a failure to count is logged, not raised."""
    try:
        with factory() as session, session.begin():
            add(session, name, label, detail)
    except Exception:
        log.exception("could not count %s{%s}", name, label)


def all_counts(session: Session) -> list[tuple[str, str, int]]:
    rows = session.execute(select(OperationCount.name, OperationCount.label, OperationCount.count)
                           .order_by(OperationCount.name, OperationCount.label))
    return [(str(name), str(label), int(count)) for name, label, count in rows]
