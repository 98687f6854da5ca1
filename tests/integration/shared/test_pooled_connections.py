"""A pooled PostgreSQL connection that sat idle is checked before it is used again, and one the
server dropped meanwhile is replaced without the caller seeing an error; a connection in steady
use is not checked at every checkout."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from borderlink import db


def _engine_beside(migrated_engine: Engine) -> Engine:
    if migrated_engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL pool's connections")
    return db.make_engine(migrated_engine.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)


def test_a_dropped_idle_connection_is_replaced_unseen(migrated_engine: Engine) -> None:
    engine = _engine_beside(migrated_engine)
    try:
        with engine.connect() as connection:
            first = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with migrated_engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            other.commit()
        record = engine.pool._pool.queue[0]  # type: ignore[attr-defined]  # the one idle connection
        record.info[db._CHECKED_IN_AT] -= db.PING_AFTER_IDLE_SECONDS + 1  # as if it sat idle
        with engine.connect() as connection:
            second = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()


def test_a_connection_in_steady_use_is_not_pinged(migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _engine_beside(migrated_engine)
    pings: list[object] = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(connection) or True)
    try:
        for _ in range(3):
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        assert pings == []  # SQLAlchemy's pre-ping (a round trip per checkout) is off
    finally:
        engine.dispose()
