"""Cross-process wake-ups on PostgreSQL: a listener hears a notification when, and only when, the
transaction that sent it commits."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from borderlink.shared.notify import Listener, notify_on_commit

CHANNEL = "borderlink_test_wake"


def test_a_listener_is_woken_by_a_commit_and_not_by_a_rollback(migrated_engine: Engine) -> None:
    if migrated_engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    heard = threading.Semaphore(0)
    listener = Listener(migrated_engine, CHANNEL, heard.release).start()
    try:
        assert heard.acquire(timeout=30)  # once on connecting, in case something was missed
        with Session(migrated_engine) as session:
            notify_on_commit(session, CHANNEL)
            session.rollback()
        assert not heard.acquire(timeout=1.5)
        with Session(migrated_engine) as session:
            notify_on_commit(session, CHANNEL)
            notify_on_commit(session, CHANNEL)  # sent once per transaction
            session.commit()
        assert heard.acquire(timeout=30)
        assert not heard.acquire(timeout=1.5)
    finally:
        listener.stop()
