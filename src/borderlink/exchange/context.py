"""How exchange code finds its node from a session, and how in-process dispatchers are woken.

Domain services only hold a session; `bind(node)` puts the node's settings into every session its
factory opens, so `enqueue(session, ...)` can sign with the right key for the right peer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.expression import Insert

from borderlink.audit.service import CLOCK_INFO
from borderlink.clock import utc_now
from borderlink.config import NodeSettings
from borderlink.errors import InvalidInput
from borderlink.exchange.limits import ExchangeLimits, load_limits
from borderlink.shared.notify import notify_on_commit

CONTEXT_INFO = "exchange_context"
OUTBOX_CHANNEL = "borderlink_outbox"  # notified when envelopes are committed to the outbox
_WAKE_FLAG = "exchange_wake_registered"


@dataclasses.dataclass(frozen=True)
class ExchangeContext:
    settings: NodeSettings
    limits: ExchangeLimits

    @property
    def party(self) -> str:
        return self.settings.party


def bind(node: Any, limits: ExchangeLimits | None = None) -> ExchangeContext:
    """Make the node's sessions carry its exchange context. Idempotent."""
    factory: sessionmaker[Session] = node.session_factory
    info: dict[str, Any] = factory.kw.setdefault("info", {})
    existing = info.get(CONTEXT_INFO)
    if isinstance(existing, ExchangeContext) and limits is None:
        return existing
    context = ExchangeContext(settings=node.settings, limits=limits or load_limits())
    info[CONTEXT_INFO] = context
    return context


def context_of(session: Session) -> ExchangeContext:
    context = session.info.get(CONTEXT_INFO)
    if not isinstance(context, ExchangeContext):
        raise InvalidInput("the exchange is not set up for this node (no peer); the node must be "
                           "bound with borderlink.exchange.context.bind(node)")
    return context


def node_context(node: Any) -> ExchangeContext:
    info: dict[str, Any] = node.session_factory.kw.get("info") or {}
    context = info.get(CONTEXT_INFO)
    return context if isinstance(context, ExchangeContext) else bind(node)


def now_of(session: Session) -> dt.datetime:
    clock = session.info.get(CLOCK_INFO)
    moment: dt.datetime = clock.now() if clock is not None else utc_now()
    return moment


# Dispatchers running in this process: woken right after a transaction that enqueued commits.
_wakers: list[Callable[[], None]] = []
_wakers_lock = threading.Lock()


def add_waker(waker: Callable[[], None]) -> None:
    with _wakers_lock:
        _wakers.append(waker)


def remove_waker(waker: Callable[[], None]) -> None:
    with _wakers_lock:
        if waker in _wakers:
            _wakers.remove(waker)


def _wake_all(_session: Session) -> None:
    with _wakers_lock:
        wakers = list(_wakers)
    for waker in wakers:
        waker()


def wake_after_commit(session: Session) -> None:
    """Wake this process's dispatchers once the transaction commits, and on PostgreSQL those of
    every other process of the node too (see `shared.notify`)."""
    if session.info.get(_WAKE_FLAG):
        return
    session.info[_WAKE_FLAG] = True
    event.listen(session, "after_commit", _wake_all, once=True)
    notify_on_commit(session, OUTBOX_CHANNEL)


def insert_ignoring_conflicts(session: Session, table: Any, values: dict[str, Any]) -> None:
    """INSERT that does nothing when the key already exists (both dialects we support)."""
    statement: Insert
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql.insert(table).values(**values).on_conflict_do_nothing()
    elif session.get_bind().dialect.name == "sqlite":
        statement = sqlite.insert(table).values(**values).on_conflict_do_nothing()
    else:
        raise InvalidInput(f"unsupported database {session.get_bind().dialect.name}")
    session.execute(statement)
